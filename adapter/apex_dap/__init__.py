"""Debug adapter for the `apex` debug type."""
