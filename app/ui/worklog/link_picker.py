"""Links of a work-log entry chosen by typing: pick what kind (資産, 業務システム, タスク,
通知, 手順書), type part of its name, choose from the list that appears.

An entry names at most one asset, one system and one task (choosing another replaces
it) and any number of notices and runbooks. The candidates are read in the background
(app.services.worklog.entries.find_targets), the newest typing superseding the older.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.services.field_input import Choice
from app.services.worklog.entries import EntryLinks, find_targets
from app.ui.context import AppContext
from app.ui.widgets.typed_lookup import Find, TypedLookup

KINDS = {"asset": "資産", "system": "業務システム", "task": "タスク", "notice": "通知",
         "runbook": "手順書"}  # fmt: skip
SINGLE = ("asset", "system", "task")  # one of each per entry


def find_targets_of(kind: str, session: Session, typed: str) -> list[Choice]:
    return find_targets(session, kind, typed)


class LinkPicker(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kind = QComboBox(self)
        for code, label in KINDS.items():
            self.kind.addItem(self.tr(label), code)
        self.kind.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.typed = QLineEdit(self)
        self.typed.setPlaceholderText(self.tr("名前・番号の一部を入力して選ぶ"))
        self.lookup = TypedLookup(ctx, self.typed, self._finder(), name="worklog-link-targets")
        self.completer = self.lookup.completer
        self.chosen = QListWidget(self)
        self.chosen.setMaximumHeight(self.fontMetrics().height() * 5)
        self.chosen.setWordWrap(True)
        self.remove = QPushButton(self.tr("外す"), self)
        self.remove.setEnabled(False)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.kind)
        row.addWidget(self.typed, 1)
        lower = QHBoxLayout()
        lower.setContentsMargins(0, 0, 0, 0)
        lower.addWidget(self.chosen, 1)
        lower.addWidget(self.remove, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addLayout(lower)
        self.kind.currentIndexChanged.connect(lambda _i: self.lookup.set_find(self._finder()))
        self.lookup.taken.connect(lambda ref_id, name: self.choose(self.kind.currentData(),
                                                                   ref_id, name))  # fmt: skip
        self.chosen.currentRowChanged.connect(lambda r: self.remove.setEnabled(r >= 0))
        self.remove.clicked.connect(self.remove_current)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.chosen)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.remove_current)

    # --- what is linked ------------------------------------------------------------------

    def set_links(self, names: dict[str, list[Choice]]) -> None:
        self.chosen.clear()
        for kind in KINDS:
            for choice in names.get(kind, []):
                self._add(kind, choice.id, choice.name)

    def links(self) -> EntryLinks:
        linked = EntryLinks()
        for i in range(self.chosen.count()):
            kind, ref_id = self.chosen.item(i).data(Qt.ItemDataRole.UserRole)
            if kind in SINGLE:
                setattr(linked, f"{kind}_id", ref_id)
            else:
                getattr(linked, f"{kind}_ids").append(ref_id)
        return linked

    def choose(self, kind: str, ref_id: int, name: str) -> None:
        """Link ``ref_id`` of ``kind`` (replacing the one asset / system / task)."""
        if kind in SINGLE:
            for i in reversed(range(self.chosen.count())):
                if self.chosen.item(i).data(Qt.ItemDataRole.UserRole)[0] == kind:
                    self.chosen.takeItem(i)
        elif any(
            self.chosen.item(i).data(Qt.ItemDataRole.UserRole) == (kind, ref_id)
            for i in range(self.chosen.count())
        ):
            return
        self._add(kind, ref_id, name)
        self.changed.emit()

    def remove_current(self) -> None:
        row = self.chosen.currentRow()
        if row >= 0:
            self.chosen.takeItem(row)
            self.changed.emit()

    # --- internals -----------------------------------------------------------------------

    def _add(self, kind: str, ref_id: int, name: str) -> None:
        item = QListWidgetItem(f"{self.tr(KINDS[kind])}: {name}")
        item.setData(Qt.ItemDataRole.UserRole, (kind, ref_id))
        item.setToolTip(name)
        self.chosen.addItem(item)

    def _finder(self) -> Find:
        return partial(find_targets_of, self.kind.currentData())
