"""A list of records linked to the one being edited (covered assets, servers, contracts,
licence assignments), with add and remove.

Reads and writes go through plain functions run as background jobs (writes on the
single writer); after a write, everything showing the kinds it touched reloads itself.
The panel is disabled until the owner record has been saved.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.errors import UserError
from app.services.errors import ValidationError
from app.services.field_input import Choice, LinkedItem
from app.ui.context import AppContext
from app.ui.widgets.form_fit import narrow_combo
from app.ui.widgets.styles import ERROR_STYLE

log = logging.getLogger("hitori.ui.inventory")

ListFn = Callable[[Session, int], Sequence[LinkedItem]]
AddFn = Callable[[Session, int, Any, str], object]  # (session, owner, value, mode)
RemoveFn = Callable[[Session, int, int], object]  # (session, owner, item id)
ChoicesFn = Callable[[Session], Sequence[Choice]]


@dataclass(frozen=True)
class AddMode:
    """How a link is added: typed text (``choices`` None) or picked from a list."""

    key: str
    label: str
    placeholder: str = ""
    choices: ChoicesFn | None = None


def _list(
    session: Session, fn: ListFn, owner: int, modes: Sequence[AddMode]
) -> tuple[list[LinkedItem], dict[str, list[Choice]]]:
    items = list(fn(session, owner))
    choices = {m.key: list(m.choices(session)) for m in modes if m.choices is not None}
    return items, choices


class LinkListPanel(QGroupBox):
    """``written`` fires after an add or remove was written (and announced)."""

    written = Signal()
    loaded = Signal()
    item_activated = Signal(int)

    def __init__(
        self,
        ctx: AppContext,
        title: str,
        *,
        list_fn: ListFn,
        add_fn: AddFn,
        remove_fn: RemoveFn,
        modes: Sequence[AddMode],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, parent)
        self._ctx = ctx
        self._list_fn, self._add_fn, self._remove_fn = list_fn, add_fn, remove_fn
        self._modes = list(modes)
        self._owner: int | None = None
        self._choices: dict[str, list[Choice]] = {}
        self.list = QListWidget(self)
        self.list.setAlternatingRowColors(True)
        self.mode_combo = QComboBox(self)
        for mode in self._modes:
            self.mode_combo.addItem(mode.label, mode.key)
        self.mode_combo.setVisible(len(self._modes) > 1)
        self.mode_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.text_input = QLineEdit(self)
        # Whole names: the picker is at least 14 characters wide, its list as wide as
        # its longest name, its tooltip the whole current one.
        self.choice_input = narrow_combo(QComboBox(self), chars=14)
        self.add_button = QPushButton(self.tr("追加"), self)
        self.remove_button = QPushButton(self.tr("外す"), self)
        for button in (self.add_button, self.remove_button):
            button.setMaximumWidth(self.fontMetrics().horizontalAdvance("追加追加") + 16)
        self.list.setMinimumHeight(self.fontMetrics().height() * 4)
        self.list.setWordWrap(True)  # long names wrap instead of running out of sight
        self.error_label = QLabel(self)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        self.hint = QLabel(self.tr("保存すると追加できます。"), self)
        row = QHBoxLayout()
        row.addWidget(self.mode_combo)
        row.addWidget(self.text_input, 1)
        row.addWidget(self.choice_input, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        layout.addWidget(self.error_label)
        layout.addWidget(self.hint)
        self.mode_combo.currentIndexChanged.connect(self._mode_changed)
        self.add_button.clicked.connect(self.add_current)
        self.text_input.returnPressed.connect(self.add_current)
        self.remove_button.clicked.connect(self.remove_selected)
        self.list.itemDoubleClicked.connect(
            lambda item: self.item_activated.emit(item.data(Qt.ItemDataRole.UserRole))
        )
        self.list.currentRowChanged.connect(lambda _row: self._update_enabled())
        self._mode_changed()
        self.set_owner(None)

    def set_owner(self, owner_id: int | None) -> None:
        """Show the links of ``owner_id`` (None: nothing, disabled)."""
        self._owner = owner_id
        self._ctx.jobs.drop(self, "links")
        self.list.clear()
        self._say("")
        self.hint.setVisible(owner_id is None)
        self._update_enabled()
        if owner_id is not None:
            self.refresh()

    def refresh(self) -> None:
        if self._owner is None:
            return
        self._ctx.jobs.read(
            _list,
            self._list_fn,
            self._owner,
            self._modes,
            owner=self,
            key="links",
            on_result=lambda result: self._show(*result),
            on_error=lambda exc: self._say(self.tr("読み込めませんでした: {0}").format(exc)),
        )

    def items(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def set_mode(self, key: str) -> None:
        self.mode_combo.setCurrentIndex(max(0, self.mode_combo.findData(key)))

    def add_current(self) -> None:
        if self._owner is None:
            return
        mode = self._current_mode()
        value: Any = self.choice_input.currentData() if mode.choices else self.text_input.text()
        if value in (None, ""):
            self._say(self.tr("追加するものを入力または選択してください。"))
            return
        self._run_write(self._add_fn, self._owner, value, mode.key)

    def remove_selected(self) -> None:
        item = self.list.currentItem()
        if self._owner is None or item is None:
            return
        self._run_write(self._remove_fn, self._owner, item.data(Qt.ItemDataRole.UserRole))

    # --- internals ---------------------------------------------------------------------

    def _run_write(self, fn: Callable[..., object], *args: Any) -> None:
        owner = self._owner
        self.setEnabled(False)
        self._ctx.jobs.write(
            fn,
            *args,
            owner=self,
            on_result=lambda _none: self._written(owner, None),
            on_error=lambda exc: self._written(owner, exc),
            name="write-link",
        )

    def _written(self, owner: int | None, outcome: BaseException | None) -> None:
        self.setEnabled(True)
        if owner != self._owner:
            return  # another record is shown by now
        if outcome is not None:
            if isinstance(outcome, ValidationError):
                text = "\n".join(e.message for e in outcome.errors)
            else:
                text = str(outcome)
                if not isinstance(outcome, UserError):
                    log.error("link panel write failed: %r", outcome)
            self._say(text)
            return
        self._say("")
        self.text_input.clear()
        self.refresh()
        self.written.emit()

    def _show(self, items: list[LinkedItem], choices: dict[str, list[Choice]]) -> None:
        self.list.clear()
        for linked in items:
            text = f"{linked.label}　{linked.detail}" if linked.detail else linked.label
            item = QListWidgetItem(text)
            # Marked up, so that a title holding tags is shown as typed, not rendered.
            item.setToolTip(f"<span>{html.escape(text)}</span>")
            item.setData(Qt.ItemDataRole.UserRole, linked.id)
            self.list.addItem(item)
        self._choices = choices
        self._fill_choices()
        self._update_enabled()
        self.loaded.emit()

    def _fill_choices(self) -> None:
        mode = self._current_mode()
        self.choice_input.clear()
        for choice in self._choices.get(mode.key, []):
            self.choice_input.addItem(choice.name, choice.id)
            self.choice_input.setItemData(
                self.choice_input.count() - 1, choice.name, Qt.ItemDataRole.ToolTipRole
            )

    def _current_mode(self) -> AddMode:
        return self._modes[max(0, self.mode_combo.currentIndex())]

    def _mode_changed(self) -> None:
        mode = self._current_mode()
        self.text_input.setVisible(mode.choices is None)
        self.choice_input.setVisible(mode.choices is not None)
        self.text_input.setPlaceholderText(mode.placeholder)
        metrics = self.text_input.fontMetrics()
        self.text_input.setMinimumWidth(metrics.horizontalAdvance(mode.placeholder) + 24)
        self._fill_choices()

    def _update_enabled(self) -> None:
        has_owner = self._owner is not None
        for widget in (self.mode_combo, self.text_input, self.choice_input, self.add_button):
            widget.setEnabled(has_owner)
        self.remove_button.setEnabled(has_owner and self.list.currentItem() is not None)

    def _say(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))
