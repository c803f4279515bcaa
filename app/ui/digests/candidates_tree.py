"""The items of a digest in a tree, grouped by topic (in the order of each topic's first
item, as the digest shows them): its kind, title, deadlines and the officer's comment.

For a new digest (``show_candidates``) each item has a checkbox, checked by default (a
topic's checkbox checks or unchecks all of its items), and its ひとこと column is
edited in place (double-click it, or F2); what was unchecked or commented is kept while
the candidates are read again (another period, other sections) for the records still
there. A kept digest (``show_content``) is shown as it is, read-only. Double-clicking
any other column asks for the record (``record_requested``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from app.services.digests.content import GONE, Candidate, Content, Deadline
from app.ui import date_style

Ref = tuple[str, int]
REF_ROLE = Qt.ItemDataRole.UserRole
KIND, TITLE, DEADLINES, COMMENT = range(4)
GONE_COLOR = QColor("#888888")


def deadline_text(deadlines: Sequence[Deadline]) -> str:
    """The earliest deadline's date as dates are shown (its label is in the tooltip), and
    how many more: 「2026-05-29（R8.5.29） ほか1件」."""
    if not deadlines:
        return ""
    ordered = sorted(deadlines, key=lambda d: d.on)
    first = date_style.shown(ordered[0].on)
    return first if len(ordered) == 1 else f"{first} ほか{len(ordered) - 1}件"


class _CommentsOnly(QStyledItemDelegate):
    """Only the ひとこと column is edited in place."""

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        if index.column() != COMMENT:
            return None  # type: ignore[return-value]  # Qt: no editor
        return super().createEditor(parent, option, index)


class CandidatesTree(QTreeWidget):
    changed = Signal()  # a check or a comment changed (by the user)
    record_requested = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._candidates: list[Candidate] = []
        self._unchecked: set[Ref] = set()
        self._comments: dict[Ref, str] = {}
        self._filling = False
        self.editable = True
        self.setHeaderLabels(
            [self.tr("種類"), self.tr("件名"), self.tr("期限"), self.tr("ひとこと")]
        )
        self.setItemDelegate(_CommentsOnly(self))
        self.setUniformRowHeights(True)
        self.setAllColumnsShowFocus(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        metrics = self.fontMetrics()
        # The kind beside its checkbox, one level in; the title takes what is left.
        self.setColumnWidth(
            KIND, 2 * self.indentation() + 28 + metrics.horizontalAdvance("依頼・照会")
        )
        self.setColumnWidth(
            DEADLINES, metrics.horizontalAdvance(date_style.shown(date(2026, 12, 31))) + 16
        )
        self.setColumnWidth(COMMENT, metrics.horizontalAdvance("ひとこと" * 2) + 16)
        header.setMinimumSectionSize(metrics.horizontalAdvance("件名") + 16)
        self._set_editable(True)
        self.itemChanged.connect(self._item_changed)
        self.itemDoubleClicked.connect(self._double_clicked)

    def _set_editable(self, editable: bool) -> None:
        self.editable = editable
        triggers = QAbstractItemView.EditTrigger
        self.setEditTriggers(
            triggers.EditKeyPressed | triggers.SelectedClicked
            if editable
            else triggers.NoEditTriggers
        )
        self.setToolTip(
            self.tr("チェックを外した項目は載せません。ひとこと欄をダブルクリックすると"
                    "入力でき、ほかの欄のダブルクリックでその記録を開きます。")
            if editable
            else self.tr("ダブルクリックでその記録を開きます")
        )  # fmt: skip

    # --- filling -----------------------------------------------------------------------

    def show_candidates(self, found: Sequence[Candidate]) -> None:
        """The candidates of a new digest, checked unless unchecked before, each with
        the comment typed before."""
        self._candidates = list(found)
        self._set_editable(True)
        entries = [(c.topic, c, self._comments.get(_ref(c), ""), False) for c in found]
        self._fill(entries, checkable=True)

    def show_content(self, content: Content) -> None:
        """A kept digest's items as they are now, read-only."""
        self._set_editable(False)
        entries = [(topic.name, item, item.comment, item.gone)
                   for topic in content.topics for item in topic.items]  # fmt: skip
        self._fill(entries, checkable=False)

    def forget_choices(self) -> None:
        """Every candidate checked again, every comment gone (a new digest)."""
        self._unchecked.clear()
        self._comments.clear()
        if self.editable:
            self.show_candidates(self._candidates)

    def _fill(self, entries: Iterable[tuple[str, Any, str, bool]], *, checkable: bool) -> None:
        self._filling = True
        try:
            self.clear()
            topics: dict[str, QTreeWidgetItem] = {}
            for topic, entry, comment, gone in entries:
                head = topics.get(topic)
                if head is None:
                    head = topics[topic] = self._topic_item(topic, checkable)
                head.addChild(self._entry_item(entry, comment, gone, checkable))
            for name, head in topics.items():
                head.setText(KIND, self.tr("{0}（{1}件）").format(name, head.childCount()))
                head.setFirstColumnSpanned(True)
            self.expandAll()
        finally:
            self._filling = False

    def _topic_item(self, name: str, checkable: bool) -> QTreeWidgetItem:
        head = QTreeWidgetItem([name])
        font = head.font(KIND)
        font.setBold(True)
        head.setFont(KIND, font)
        head.setToolTip(KIND, name)
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if checkable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsAutoTristate
        head.setFlags(flags)
        self.addTopLevelItem(head)
        if checkable:
            head.setCheckState(KIND, Qt.CheckState.Checked)
        return head

    def _entry_item(self, entry: Any, comment: str, gone: bool, checkable: bool
                    ) -> QTreeWidgetItem:  # fmt: skip
        ref = (entry.ref_kind, entry.ref_id)
        title = GONE if gone else entry.title
        item = QTreeWidgetItem([entry.kind_label, title, deadline_text(entry.deadlines), comment])
        item.setData(KIND, REF_ROLE, ref)
        item.setToolTip(KIND, entry.kind_label)
        item.setToolTip(TITLE, title)
        item.setToolTip(COMMENT, comment)
        if entry.deadlines:
            item.setToolTip(DEADLINES, "\n".join(d.text for d in entry.deadlines))
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if checkable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEditable
        item.setFlags(flags)
        if checkable:
            shown = Qt.CheckState.Unchecked if ref in self._unchecked else Qt.CheckState.Checked
            item.setCheckState(KIND, shown)
        if gone:
            for col in range(self.columnCount()):
                item.setForeground(col, QBrush(GONE_COLOR))
        return item

    # --- the user's choices ------------------------------------------------------------

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        ref = item.data(KIND, REF_ROLE)
        if self._filling or not self.editable or not ref:
            return
        ref = (ref[0], ref[1])
        if item.checkState(KIND) == Qt.CheckState.Checked:
            self._unchecked.discard(ref)
        else:
            self._unchecked.add(ref)
        comment = item.text(COMMENT)
        if comment.strip():
            self._comments[ref] = comment
        else:
            self._comments.pop(ref, None)
        item.setToolTip(COMMENT, comment)
        self.changed.emit()

    def _double_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        ref = item.data(KIND, REF_ROLE)
        if not ref:
            return
        if column == COMMENT and self.editable:
            self.editItem(item, COMMENT)
            return
        self.record_requested.emit(ref[0], ref[1])

    def item_of(self, ref_kind: str, ref_id: int) -> QTreeWidgetItem | None:
        """The row of a record (None: not shown)."""
        for n in range(self.topLevelItemCount()):
            head = self.topLevelItem(n)
            for m in range(head.childCount() if head is not None else 0):
                child = head.child(m) if head is not None else None
                if child is not None and tuple(child.data(KIND, REF_ROLE)) == (ref_kind, ref_id):
                    return child
        return None

    def candidates(self) -> list[Candidate]:
        """Every candidate shown, in their order."""
        return list(self._candidates)

    def chosen(self) -> list[Candidate]:
        """The checked candidates, in their order."""
        return [c for c in self._candidates if _ref(c) not in self._unchecked]

    def comments(self) -> dict[Ref, str]:
        """The comments on the candidates shown (stripped of nothing: the digest does)."""
        shown = {_ref(c) for c in self._candidates}
        return {ref: text for ref, text in self._comments.items() if ref in shown}


def _ref(candidate: Candidate) -> Ref:
    return (candidate.ref_kind, candidate.ref_id)
