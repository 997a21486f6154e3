"""DAP protocol layer: framing, typed arguments, dispatch. Knows nothing of debugpy."""
