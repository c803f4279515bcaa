"""Register the bundled Japanese font so text renders on machines without one."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app.paths import fonts_dir

log = logging.getLogger("hitori.ui")

UI_FONT_FILE = "ipaexg.ttf"


def install_fonts(app: QApplication) -> str | None:
    """Add IPAexGothic to the application and make it the fallback for Japanese.

    Returns the family name, or None when the file could not be loaded.
    """
    font_id = QFontDatabase.addApplicationFont(str(fonts_dir() / UI_FONT_FILE))
    if font_id < 0:
        log.warning("could not load bundled font %s", UI_FONT_FILE)
        return None
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    font = QFont(app.font())
    # Keep the platform's UI font first where it has Japanese glyphs (Meiryo, Yu Gothic);
    # the bundled font fills in where it does not.
    font.setFamilies([*font.families(), family] if _has_japanese(font) else [family])
    app.setFont(font)
    return family


def _has_japanese(font: QFont) -> bool:
    systems = QFontDatabase.writingSystems(font.family())
    return QFontDatabase.WritingSystem.Japanese in systems
