"""Hitori (ひとり情シス手帳): the lone municipal IT officer's notebook."""

__version__ = "0.1.0"
APP_NAME = "hitori"
