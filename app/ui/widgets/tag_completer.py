"""Completion of a tag list typed in one line (「標準化、ガ」 offers 「ガバクラ」 and becomes
「標準化、ガバクラ」): the completer completes the tag being typed — after the last
separator, the separators of app.services.tags.parse_tags — from the tags in use,
matching anywhere in a name and ignoring case, and keeps what was typed before it.
Used by the notice and Q&A editors: ``line.setCompleter(TagCompleter(parent))``."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

_SEPARATOR = re.compile(r"[,、，;；､\n]")


def word_start(text: str) -> int:
    """Where the tag being typed starts: after the last separator and the spaces after it."""
    last = max((m.end() for m in _SEPARATOR.finditer(text)), default=0)
    return len(text) - len(text[last:].lstrip())


def typed_word(text: str) -> str:
    """The tag being typed (the text after the last separator), as tags are compared."""
    word = unicodedata.normalize("NFKC", text[word_start(text) :]).strip()
    return word.lstrip("#").strip()


class TagCompleter(QCompleter):
    """Completes the last tag of the line edit it is set on (``set_tags``: the names)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.names = QStringListModel(parent)
        super().__init__(self.names, parent)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)

    def set_tags(self, names: Sequence[str]) -> None:
        self.names.setStringList(list(names))

    def splitPath(self, path: str) -> list[str]:
        return [typed_word(path)]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        line = self.widget()
        text = line.text() if isinstance(line, QLineEdit) else ""
        return text[: word_start(text)] + str(index.data())
