"""A kept digest in place of the new one: its title, period, items and when it was
kept, with its items (as their records read now; double-click opens one), and the
status line the tab says what it did in (done in green, refused in red)."""

from __future__ import annotations

from datetime import UTC

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.services.digests.content import Content
from app.services.digests.store import DigestSummary
from app.ui.digests.candidates_tree import CandidatesTree
from app.ui.widgets.styles import ERROR_STYLE, OK_STYLE


class KeptPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel(self)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.info = QLabel(self)
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = QLabel(
            self.tr("保存したダイジェストです。各項目は記録の今の内容で表示しています。"
                    "コピーや書き出しはこのダイジェストについて行います。新しく作るときは"
                    "「新規作成」を押してください。"), self,
        )  # fmt: skip
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555;")
        self.tree = CandidatesTree(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.info)
        layout.addWidget(self.note)
        layout.addWidget(self.tree, 1)

    def show_content(self, content: Content, summary: DigestSummary | None) -> None:
        self.heading.setText(content.title)
        saved = ""
        if summary is not None:
            made = summary.made_at.replace(tzinfo=UTC).astimezone()
            saved = self.tr("・保存 {0:%Y-%m-%d %H:%M}").format(made)
        self.info.setText(
            self.tr("期間: {0}\n{1:,} 件{2}").format(content.period_text, len(content.items), saved)
        )
        self.tree.show_content(content)


class StatusLine(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def say(self, text: str) -> None:
        self.setStyleSheet("")
        self.setText(text)

    def ok(self, text: str) -> None:
        self.setStyleSheet(OK_STYLE)
        self.setText(text)

    def refuse(self, text: str) -> None:
        self.setStyleSheet(ERROR_STYLE)
        self.setText(text)
