"""独自項目の設定: add, edit, reorder and delete the custom fields of one 種別
(or of every 種別). Reads and writes run as background jobs (writes on the single
writer). The dialog reads the definitions again after each of its writes (and each time
it is opened); the asset form follows them by watching what the writes announce.

Deleting a definition keeps the values already entered in assets (the service
never drops them); the dialog says so before deleting.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.services.errors import FieldError, NotFoundError, ValidationError
from app.services.inventory.assets import Choice
from app.services.inventory.custom_fields import (
    KINDS,
    CustomFieldSpec,
    define_field,
    delete_field,
    load_field_specs,
    move_field,
    update_field,
)
from app.ui.context import AppContext
from app.ui.widgets.styles import ERROR_STYLE
from app.ui.widgets.unsaved import UnsavedInput, ask_first, settle

log = logging.getLogger("hitori.ui.assets")
Action = Callable[[Session], int | None]  # a definition change; the id to select after it


def default_key(label: str) -> str:
    """A key made from the label: letters, digits, "_" and "-" only."""
    text = unicodedata.normalize("NFKC", label).strip().replace(" ", "_")
    return re.sub(r"[^\w-]", "", text)[:60]


class CustomFieldsDialog(UnsavedInput, QDialog):
    loaded = Signal()  # the list shows what was read from the database

    def __init__(self, ctx: AppContext, types: list[Choice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._specs: list[CustomFieldSpec] = []
        self._editing: int | None = None  # id of the definition in the editor
        self._busy = False
        self._baseline: tuple[str, str, str, str] = ("", "", "text", "")
        self._after_save: tuple[Callable[[], None], Callable[[], None]] | None = None
        self._scope_index = 0  # the 種別 whose fields are listed (to go back to)
        self.setWindowTitle(self.tr("独自項目の設定"))
        self.resize(760, 480)
        self.scope_combo = QComboBox(self)
        self.scope_combo.addItem(self.tr("すべての種別"), None)
        for choice in types:
            self.scope_combo.addItem(choice.name, choice.id)
        self.list = QListWidget(self)
        self.up_button = QPushButton(self.tr("▲ 上へ"), self)
        self.down_button = QPushButton(self.tr("▼ 下へ"), self)
        self.delete_button = QPushButton(self.tr("削除…"), self)
        self.key_edit = QLineEdit(self)
        self.key_edit.setPlaceholderText(self.tr("空欄なら表示名から作ります"))
        self.key_edit.setToolTip(self.tr("値の保存に使う名前です。後から変えられません。"))
        self.label_edit = QLineEdit(self)
        self.kind_combo = QComboBox(self)
        for code, name in KINDS.items():
            self.kind_combo.addItem(self.tr(name), code)
        self.choices_edit = QPlainTextEdit(self)
        self.choices_edit.setPlaceholderText(self.tr("1行に1つ（例: 高 / 中 / 低）"))
        self.choices_edit.setTabChangesFocus(True)
        self.new_button = QPushButton(self.tr("新しい項目"), self)
        self.save_button = QPushButton(self.tr("追加"), self)
        self.save_button.setDefault(True)  # Enter in a field saves
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.error_labels: dict[str, QLabel] = {}
        self._lay_out()
        self.scope_combo.currentIndexChanged.connect(self._on_scope_changed)
        self.list.currentRowChanged.connect(self._on_row_changed)
        self.kind_combo.currentIndexChanged.connect(lambda _i: self._update_buttons())
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(+1))
        self.delete_button.clicked.connect(self.delete_selected)
        self.new_button.clicked.connect(self.start_new)
        self.save_button.clicked.connect(self.save)
        self.start_new()

    # --- public ------------------------------------------------------------------------

    def scope(self) -> int | None:
        """The 種別 whose fields are listed (None: the fields of every 種別)."""
        return self.scope_combo.currentData()

    def show_type(self, asset_type_id: int | None) -> None:
        """List the fields of ``asset_type_id`` and read them from the database."""
        index = self.scope_combo.findData(asset_type_id)
        self.scope_combo.setCurrentIndex(max(index, 0))
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        """Read the definitions; select ``select_id`` (else keep the selection)."""
        self._ctx.jobs.read(
            load_field_specs,
            owner=self,
            key="load",
            on_result=lambda specs: self._loaded(specs, select_id),
            on_error=lambda exc: self._say(self.tr("読み込めませんでした: {0}").format(exc)),
            name="load-custom-fields",
        )

    def start_new(self) -> None:
        """Empty the editor for a new field."""
        if ask_first(self, self, self.start_new):
            return
        self.list.blockSignals(True)
        self.list.setCurrentRow(-1)
        self.list.blockSignals(False)
        self._fill(None)

    def save(self) -> None:
        """Add the field in the editor, or update the one selected."""
        if self._busy:
            return
        label = self.label_edit.text()
        kind = self.kind_combo.currentData()
        choices = self.choices_edit.toPlainText().splitlines()
        def_id, type_id = self._editing, self.scope()
        if def_id is None:
            key = self.key_edit.text().strip() or default_key(label)

            def action(s: Session) -> int | None:
                return define_field(
                    s, asset_type_id=type_id, key=key, label=label, kind=kind, choices=choices
                ).id
        else:

            def action(s: Session) -> int | None:
                return update_field(s, def_id, label=label, kind=kind, choices=choices).id

        self._run(action, self.tr("保存しました。"))

    def reject(self) -> None:
        """閉じる, Esc or the window's close button: unsaved input is asked about first."""
        if ask_first(self, self, self.reject):
            return
        super().reject()

    # --- UnsavedInput (app.ui.widgets.unsaved) ------------------------------------------

    def has_unsaved(self) -> bool:
        return self._snapshot() != self._baseline

    def unsaved_label(self) -> str:
        label = self._baseline[1]
        if self._editing is None:
            return self.tr("新しい独自項目")
        return self.tr("独自項目「{0}」").format(label)

    def save_then(self, done: Callable[[], None], failed: Callable[[], None]) -> None:
        if self._busy:
            failed()
            return
        self._after_save = (done, failed)
        self.save()

    def discard_unsaved(self) -> None:
        self._fill(self._selected())

    def bring_into_view(self) -> None:
        if self.isHidden():
            self.open()

    def delete_selected(self) -> None:
        spec = self._selected()
        if spec is None or self._busy:
            return
        answer = QMessageBox.question(
            self,
            self.tr("独自項目の削除"),
            self.tr(
                "独自項目「{0}」を削除しますか？\n"
                "資産に入力済みの値は消えずに残ります（検索でも見つかります）。"
                "同じキー「{1}」で項目を作り直すと、再び表示されます。"
            ).format(spec.label, spec.key),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            spec_id = spec.id
            self._run(lambda s: delete_field(s, spec_id), self.tr("削除しました。"))

    # --- internals ---------------------------------------------------------------------

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("対象の種別:"), self))
        top.addWidget(self.scope_combo, 1)
        order = QHBoxLayout()
        for button in (self.up_button, self.down_button):
            order.addWidget(button)
        order.addStretch(1)
        order.addWidget(self.delete_button)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addLayout(order)
        box = QGroupBox(self.tr("項目"), self)
        form = QFormLayout(box)
        for name, widget, text in (
            ("key", self.key_edit, self.tr("キー")),
            ("label", self.label_edit, self.tr("表示名 *")),
            ("kind", self.kind_combo, self.tr("種類")),
            ("choices", self.choices_edit, self.tr("選択肢")),
        ):
            error = QLabel(box)
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.setVisible(False)
            self.error_labels[name] = error
            cell = QVBoxLayout()
            cell.setSpacing(1)
            cell.addWidget(widget)
            cell.addWidget(error)
            form.addRow(text, cell)
        editor_buttons = QHBoxLayout()
        editor_buttons.addWidget(self.new_button)
        editor_buttons.addStretch(1)
        editor_buttons.addWidget(self.save_button)
        form.addRow(editor_buttons)
        main = QHBoxLayout()
        main.addLayout(left, 1)
        main.addWidget(box, 1)
        note = QLabel(
            self.tr(
                "種別ごとの項目のほか、「すべての種別」の項目がどの資産にも表示されます。"
                "キーは後から変えられません。項目を削除しても、入力済みの値は消えません。"
            ),
            self,
        )
        note.setWordWrap(True)
        close = QDialogButtonBox(self)
        close_button = close.addButton(self.tr("閉じる"), QDialogButtonBox.ButtonRole.RejectRole)
        close_button.setAutoDefault(False)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(main, 1)
        layout.addWidget(self.message)
        layout.addWidget(note)
        layout.addWidget(close)

    def _run(self, action: Action, done: str) -> None:
        self._busy = True
        self._update_buttons()
        self._ctx.jobs.write(
            action,
            owner=self,
            on_result=lambda select_id: self._written(select_id, done),
            on_error=self._failed,
            name="save-custom-field",
        )

    def _written(self, select_id: int | None, done: str) -> None:
        self._busy = False
        self._say(done)
        after, self._after_save = self._after_save, None
        if after is not None:
            self._baseline = self._snapshot()  # saved: what waited goes on at once
            after[0]()
            select_id = None  # the list keeps what that chose
        self.reload(select_id=select_id)

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        after, self._after_save = self._after_save, None
        if after is not None:
            after[1]()
        if isinstance(exc, ValidationError):
            self._show_errors(exc.errors)
            self._say(self.tr("入力内容を確認してください。保存していません。"), error=True)
            self._update_buttons()
        elif isinstance(exc, NotFoundError):  # deleted meanwhile: show what is left
            self._say(str(exc), error=True)
            self.reload()
        else:
            log.error("custom fields dialog: %r", exc)
            self._say(self.tr("保存できませんでした: {0}").format(exc), error=True)
            self._update_buttons()

    def _loaded(self, specs: list[CustomFieldSpec], select_id: int | None) -> None:
        self._specs = specs
        self._show_list(select_id)
        self.loaded.emit()

    def _show_list(self, select_id: int | None = None) -> None:
        scope = self.scope()
        shown = [s for s in self._specs if s.asset_type_id == scope]
        keep = select_id if select_id is not None else self._editing
        self.list.blockSignals(True)
        self.list.clear()
        for spec in shown:
            kind = self.tr(KINDS.get(spec.kind, spec.kind))
            item = QListWidgetItem(f"{spec.label}（{kind}）　{spec.key}", self.list)
            item.setData(Qt.ItemDataRole.UserRole, spec.id)
        row = next((i for i, s in enumerate(shown) if s.id == keep), -1)
        self.list.setCurrentRow(row)
        self.list.blockSignals(False)
        self._fill(shown[row] if row >= 0 else None)

    def _selected(self) -> CustomFieldSpec | None:
        item = self.list.currentItem()
        if item is None:
            return None
        spec_id = item.data(Qt.ItemDataRole.UserRole)
        return next((s for s in self._specs if s.id == spec_id), None)

    def _on_row_changed(self, _row: int) -> None:
        if self.has_unsaved():
            # The field being edited stays selected while the user is asked.
            target = self._selected()
            self._select_quietly(self._editing)
            target_id = target.id if target is not None else None
            settle(self, [self], lambda: self._select(target_id))
            return
        self._fill(self._selected())

    def _on_scope_changed(self, index: int) -> None:
        if self.has_unsaved():
            self.scope_combo.blockSignals(True)
            self.scope_combo.setCurrentIndex(self._scope_index)
            self.scope_combo.blockSignals(False)
            settle(self, [self], lambda: self.scope_combo.setCurrentIndex(index))
            return
        self._scope_index = index
        self._show_list()

    def _select_quietly(self, spec_id: int | None) -> None:
        row = next(
            (i for i in range(self.list.count())
             if self.list.item(i).data(Qt.ItemDataRole.UserRole) == spec_id), -1,
        )  # fmt: skip
        self.list.blockSignals(True)
        self.list.setCurrentRow(row)
        self.list.blockSignals(False)

    def _select(self, spec_id: int | None) -> None:
        self._select_quietly(spec_id)
        self._fill(self._selected())

    def _snapshot(self) -> tuple[str, str, str, str]:
        return (
            self.key_edit.text(),
            self.label_edit.text(),
            str(self.kind_combo.currentData()),
            self.choices_edit.toPlainText(),
        )

    def _fill(self, spec: CustomFieldSpec | None) -> None:
        self._editing = spec.id if spec else None
        self.key_edit.setText(spec.key if spec else "")
        self.key_edit.setReadOnly(spec is not None)
        self.label_edit.setText(spec.label if spec else "")
        self.kind_combo.setCurrentIndex(
            max(self.kind_combo.findData(spec.kind if spec else "text"), 0)
        )
        self.choices_edit.setPlainText("\n".join(spec.choices) if spec else "")
        self.save_button.setText(self.tr("更新") if spec else self.tr("追加"))
        self._show_errors([])
        self._baseline = self._snapshot()
        self._update_buttons()

    def _move(self, offset: int) -> None:
        spec = self._selected()
        if spec is not None and not self._busy:
            spec_id = spec.id

            def move(session: Session) -> int:
                move_field(session, spec_id, offset)
                return spec_id

            self._run(move, "")

    def _show_errors(self, errors: list[FieldError]) -> None:
        messages: dict[str, list[str]] = {}
        for error in errors:
            messages.setdefault(error.field, []).append(error.message)
        for name, label in self.error_labels.items():
            label.setText("\n".join(messages.get(name, [])))
            label.setVisible(name in messages)
        first = {"key": self.key_edit, "label": self.label_edit, "choices": self.choices_edit}
        for name, widget in first.items():
            if name in messages:
                widget.setFocus()
                break

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else "")

    def _update_buttons(self) -> None:
        selected = self._selected() is not None
        row, count = self.list.currentRow(), self.list.count()
        self.up_button.setEnabled(not self._busy and selected and row > 0)
        self.down_button.setEnabled(not self._busy and selected and row < count - 1)
        self.delete_button.setEnabled(not self._busy and selected)
        self.save_button.setEnabled(not self._busy)
        self.choices_edit.setEnabled(self.kind_combo.currentData() == "choice")
