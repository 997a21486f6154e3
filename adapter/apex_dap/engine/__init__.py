"""The session engine: the target process, the debugpy connection, state edits. No editor I/O."""
