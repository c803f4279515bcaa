"""Completion of a tag list typed in one line (「標準化、ガバクラ」): the word being typed —
after the last separator — is completed from the tags in use, and choosing one replaces
only that word and adds 「、」 for the next. The separators are those of
app.services.tags.parse_tags; names match anywhere, ignoring case."""

from __future__ import annotations

import re
from collections.abc import Iterable

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit

SEPARATOR = "、"  # what a chosen tag is followed by
_LAST_WORD = re.compile(r"[,、，;；]\s*")


def split_last(text: str) -> tuple[str, str]:
    """``text`` as (what comes before the word being typed, that word)."""
    matches = list(_LAST_WORD.finditer(text))
    if not matches:
        return "", text.lstrip()
    cut = matches[-1].end()
    return text[:cut], text[cut:]


class TagCompleter(QCompleter):
    """Completes the last tag of ``edit`` from ``set_names``."""

    def __init__(self, edit: QLineEdit) -> None:
        super().__init__(edit)
        self._edit = edit
        self._names = QStringListModel(self)
        self.setModel(self._names)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setWidget(edit)
        edit.textEdited.connect(self._typed)
        self.activated.connect(self._chosen)  # the text overload

    def set_names(self, names: Iterable[str]) -> None:
        self._names.setStringList(list(names))

    def _typed(self, text: str) -> None:
        _before, word = split_last(text[: self._edit.cursorPosition()])
        if not word.strip():
            popup = self.popup()
            if popup is not None:
                popup.hide()
            return
        self.setCompletionPrefix(word.strip())
        self.complete()

    def _chosen(self, name: str) -> None:
        text, at = self._edit.text(), self._edit.cursorPosition()
        before, _word = split_last(text[:at])
        rest = text[at:]
        chosen = before + name + SEPARATOR
        self._edit.setText(chosen + rest)
        self._edit.setCursorPosition(len(chosen))
