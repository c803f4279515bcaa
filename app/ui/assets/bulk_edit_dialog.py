"""一括変更: one field of every selected asset set to one value (or cleared), after one
confirmation that says how many; one history entry per changed asset
(app.services.inventory.bulk_edit), written by a cancellable background job."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.progress import Progress
from app.services.inventory.assets import Lookups, load_lookups
from app.services.inventory.bulk_edit import BULK_FIELDS, bulk_label, bulk_update
from app.store.vocab import ASSET_STATUSES, SEGMENTS
from app.ui.context import AppContext
from app.ui.jobs import ProgressShown
from app.ui.widgets.styles import ERROR_STYLE

_TEXT_FIELDS = frozenset({"user_name", "notes", "maintenance_end"})
_CLEARABLE = frozenset(BULK_FIELDS) - {"status", "segment"}


class BulkEditDialog(QDialog):
    """``finished_with`` carries the number of assets changed, or the error."""

    finished_with = Signal(object)

    def __init__(self, ctx: AppContext, asset_ids: list[int], parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.asset_ids = ctx, asset_ids
        self.setWindowTitle(self.tr("選択した資産の一括変更"))
        self.setMinimumWidth(400)
        self.field = QComboBox(self)
        for name in BULK_FIELDS:
            self.field.addItem(bulk_label(name), name)
        self.choice = QComboBox(self)
        self.text = QLineEdit(self)
        self.value_stack = QStackedWidget(self)
        self.value_stack.addWidget(self.choice)
        self.value_stack.addWidget(self.text)
        self.clear = QCheckBox(self.tr("空にする"), self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("変更…"))
        form = QFormLayout()
        form.addRow(self.tr("項目"), self.field)
        form.addRow(self.tr("新しい値"), self.value_stack)
        form.addRow("", self.clear)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("選択中の資産: {0} 件").format(f"{len(asset_ids):,}")))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.lookups: Lookups | None = None
        self.field.currentIndexChanged.connect(self._field_changed)
        self.clear.toggled.connect(lambda on: self.value_stack.setEnabled(not on))
        self.buttons.accepted.connect(self.confirm)
        self.buttons.rejected.connect(self.reject)
        ctx.jobs.read(load_lookups, owner=self, on_result=self._lookups, name="bulk-lookups")

    def _lookups(self, lookups: Lookups) -> None:
        self.lookups = lookups
        self._field_changed()

    def _field_changed(self, *_args: Any) -> None:
        name = self.field.currentData()
        self.clear.setChecked(False)
        self.clear.setVisible(name in _CLEARABLE)
        self.value_stack.setCurrentWidget(self.text if name in _TEXT_FIELDS else self.choice)
        self.text.clear()
        self.text.setPlaceholderText(self.tr("例: R9.3.31") if name == "maintenance_end" else "")
        self.choice.clear()
        options: list[tuple[str, Any]] = []
        if name == "status":
            options = [(label, code) for code, label in ASSET_STATUSES.items()]
        elif name == "segment":
            options = [(label, code) for code, label in SEGMENTS.items()]
        elif self.lookups is not None and name in ("department_id", "location_id", "asset_type_id"):
            choices = {
                "department_id": self.lookups.departments,
                "location_id": self.lookups.locations,
                "asset_type_id": self.lookups.types,
            }[name]
            options = [(c.name, c.id) for c in choices]
        for label, value in options:
            self.choice.addItem(label, value)

    def chosen(self) -> tuple[str, Any, str]:
        """(field, value, how the value reads) as chosen."""
        name = self.field.currentData()
        if self.clear.isChecked():
            return name, None, self.tr("（空）")
        if name in _TEXT_FIELDS:
            return name, self.text.text(), self.text.text() or self.tr("（空）")
        return name, self.choice.currentData(), self.choice.currentText()

    def confirm(self) -> None:
        name, value, shown = self.chosen()
        answer = QMessageBox.question(
            self,
            self.tr("一括変更"),
            self.tr(
                "選択した {0} 件の資産の「{1}」を「{2}」にします。\n"
                "変更した資産ごとに変更履歴が残ります。よろしいですか？"
            ).format(f"{len(self.asset_ids):,}", bulk_label(name), shown),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.buttons.setEnabled(False)
        ids = list(self.asset_ids)

        def work(session: Session, progress: Progress) -> int:
            return bulk_update(session, ids, name, value, progress)

        self.ctx.jobs.write(
            work, reports=True, owner=self, on_result=self._done, on_error=self._failed,
            progress=ProgressShown(self, self.tr("一括変更しています…")), name="bulk-edit",
        )  # fmt: skip

    def _done(self, changed: int) -> None:
        self.finished_with.emit(changed)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(
            self.tr("変更できませんでした（何も変更していません）: {0}").format(exc)
        )
        self.finished_with.emit(exc)
