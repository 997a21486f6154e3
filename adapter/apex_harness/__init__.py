"""Runs inside the target process. Standard library only; supports Python 3.9+."""
