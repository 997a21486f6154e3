"""The `apex` command: one front door to the analyzer, server, adapter and harness."""
