"""Qt's own texts (standard buttons such as Yes/No, wizard Back/Next) in Japanese.

Hitori's UI is written in Japanese; without this, dialogs built by Qt would show
English buttons next to Japanese text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import cast

from PySide6 import QtCore
from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

log = logging.getLogger("hitori.ui")

# Qt's QT_TRANSLATE_NOOP(context, text): marks ``text`` for translation and returns it
# unchanged. PySide6's stub declares it "-> object"; this is the same function, typed.
QT_TRANSLATE_NOOP = cast("Callable[[str, str], str]", QtCore.QT_TRANSLATE_NOOP)


def install_qt_translations(app: QApplication) -> QTranslator | None:
    """Load Qt's Japanese catalogue; returns the translator (keep a reference)."""
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if not translator.load(QLocale(QLocale.Language.Japanese), "qtbase", "_", folder):
        log.warning("Qt's Japanese translations were not found in %s", folder)
        return None
    app.installTranslator(translator)
    return translator
