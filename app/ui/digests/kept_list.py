"""作成済みのダイジェスト: the kept digests, the latest period first (title; period and
items), and 新規作成 to go back to composing a new one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import jdate
from app.services.digests.store import DigestSummary

ID_ROLE = Qt.ItemDataRole.UserRole


def short_day(day: date) -> str:
    """「R8.4.1」 (before 明治: its ISO form)."""
    try:
        return jdate.to_wareki(day, style="short")
    except ValueError:
        return day.isoformat()


def short_period(start: date, end: date) -> str:
    """「R8.4.1〜R8.4.7」."""
    return short_day(start) if start == end else f"{short_day(start)}〜{short_day(end)}"


class KeptDigestsList(QWidget):
    chosen = Signal(int)  # a kept digest selected
    new_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summaries: dict[int, DigestSummary] = {}
        self.heading = QLabel(self.tr("作成済みのダイジェスト"), self)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.new_button = QPushButton(self.tr("新規作成"), self)
        self.new_button.setToolTip(
            self.tr("新しいダイジェストを作ります（作りかけの内容はそのまま残ります）")
        )
        # Two lines an entry (the title; the period and the items) to fit a narrow pane.
        self.entries = QListWidget(self)
        self.entries.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.entries.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.entries.setWordWrap(False)
        self.entries.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.entries.setAlternatingRowColors(True)
        self.empty = QLabel(self.tr("まだ保存したダイジェストはありません。"), self)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #666;")
        layout = QVBoxLayout(self)  # narrow: the button above the heading
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.new_button)
        layout.addWidget(self.heading)
        layout.addWidget(self.entries, 1)
        layout.addWidget(self.empty)
        self.entries.currentItemChanged.connect(self._current_changed)
        self.new_button.clicked.connect(self.new_requested)

    def show_summaries(self, summaries: Sequence[DigestSummary], selected: int | None) -> None:
        """The list; ``selected`` (a digest id) stays selected, quietly."""
        self.summaries = {s.id: s for s in summaries}
        self.entries.blockSignals(True)
        try:
            self.entries.clear()
            for s in summaries:
                line = self.tr("{0}・{1:,} 件").format(short_period(s.start, s.end), s.items)
                entry = QListWidgetItem(f"{s.title}\n{line}")
                entry.setData(ID_ROLE, s.id)
                made = s.made_at.replace(tzinfo=UTC).astimezone()
                tip = self.tr("{0}\n期間: {1}\n{2:,} 件・保存 {3:%Y-%m-%d %H:%M}")
                entry.setToolTip(tip.format(s.title, s.period_text, s.items, made))
                self.entries.addItem(entry)
            self._select(selected)
        finally:
            self.entries.blockSignals(False)
        self.empty.setVisible(not summaries)

    def select(self, digest_id: int | None) -> None:
        """Select a digest (None: none), quietly."""
        self.entries.blockSignals(True)
        try:
            self._select(digest_id)
        finally:
            self.entries.blockSignals(False)

    def _select(self, digest_id: int | None) -> None:
        self.entries.clearSelection()
        self.entries.setCurrentIndex(QModelIndex())
        for n in range(self.entries.count()):
            entry = self.entries.item(n)
            if entry is not None and entry.data(ID_ROLE) == digest_id:
                self.entries.setCurrentItem(entry)
                return

    def selected_id(self) -> int | None:
        entry = self.entries.currentItem()
        return None if entry is None else entry.data(ID_ROLE)

    def _current_changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is not None:
            self.chosen.emit(current.data(ID_ROLE))
