"""Subcommands of the hitori command, one module per area (registered in app/cli.py)."""
