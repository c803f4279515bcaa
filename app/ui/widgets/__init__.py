"""Reusable widgets: Japanese date entry, change-history panel."""
