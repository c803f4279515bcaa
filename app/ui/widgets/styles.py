"""Colours for inline messages, shared by every form and panel."""

ERROR_STYLE = "color: #b00020;"
OK_STYLE = "color: #1b5e20;"
