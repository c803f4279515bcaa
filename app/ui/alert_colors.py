"""The colours of a row that needs attention, shared by every list (the ledger's pages,
the tasks, the notices) and the dashboard: dark text on a light tint, per level."""

from __future__ import annotations

from PySide6.QtGui import QColor

# (background, foreground) per alert level.
ALERT_COLORS: dict[str, tuple[QColor, QColor]] = {
    "error": (QColor("#f8d7da"), QColor("#8b0000")),
    "warn": (QColor("#fff0c2"), QColor("#5c4500")),
    "muted": (QColor("#f0f0f0"), QColor("#666666")),
}
