"""Feature modules: each registers its requests with ``apex_dap.extensions`` at import."""
