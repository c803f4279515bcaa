"""The main window's views (one per area)."""
