"""Printable documents made with reportlab (labels, handover, progress)."""
