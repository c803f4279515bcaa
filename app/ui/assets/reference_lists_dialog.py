"""一覧の管理: 種別 (with their 独自項目), 部署, 設置場所 and メーカー — add, rename, merge
into another, retire and bring back. Each list shows how many records use each entry;
merging asks first, naming how many records move. The work is
app.services.inventory.reference_lists, run as write jobs; the ledger and every view
that shows the names follow the writes they announce.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.services.inventory import reference_lists as lists
from app.services.inventory.reference_lists import ListEntry
from app.ui.context import AppContext
from app.ui.widgets.styles import ERROR_STYLE

COLUMNS = ("名称", "使用数", "状態")


def _entries(session: Session, kind: str) -> list[ListEntry]:
    return lists.entries(session, kind)


class ListPage(QWidget):
    """One list: its entries and the buttons that change it."""

    changed = Signal()  # a write finished (or failed: see ``status``)

    def __init__(self, ctx: AppContext, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.kind, self.label = ctx, kind, lists.LABELS[kind]
        self.rows: list[ListEntry] = []
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.add_button = QPushButton(self.tr("追加…"), self)
        self.rename_button = QPushButton(self.tr("名前の変更…"), self)
        self.merge_button = QPushButton(self.tr("統合…"), self)
        self.retire_button = QPushButton(self.tr("廃止"), self)
        self.fields_button = QPushButton(self.tr("独自項目…"), self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.rename_button, self.merge_button, self.retire_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.fields_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.fields_button.setVisible(kind == "asset_type")
        if kind == "manufacturer":
            self.status.setText(
                self.tr(
                    "資産に入力したメーカーも一覧に加わります。廃止したメーカーは"
                    "資産のメーカー欄の入力候補に出ません（入力済みの資産はそのままです）。"
                )
            )
        self.add_button.clicked.connect(self.add)
        self.rename_button.clicked.connect(self.rename)
        self.merge_button.clicked.connect(self.merge)
        self.retire_button.clicked.connect(self.toggle_retired)
        self.fields_button.clicked.connect(self.edit_fields)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self._update_buttons()

    # --- reading -----------------------------------------------------------------------

    def reload(self) -> None:
        self.ctx.jobs.read(
            _entries, self.kind, owner=self, key="entries", on_result=self._show,
            on_error=lambda exc: self._say(str(exc), error=True), name=f"list-{self.kind}",
        )  # fmt: skip

    def _show(self, rows: list[ListEntry]) -> None:
        chosen = self.current()
        self.rows = rows
        self.table.setRowCount(len(rows))
        for row, entry in enumerate(rows):
            count = QTableWidgetItem(f"{entry.used:,}")
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            state = self.tr("廃止（{0}）").format(entry.retired_on) if entry.retired_on else ""
            for column, item in enumerate(
                (QTableWidgetItem(entry.name), count, QTableWidgetItem(state))
            ):
                self.table.setItem(row, column, item)
        if chosen is not None:
            self.select(chosen.key)
        self._update_buttons()

    def current(self) -> ListEntry | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) and self.table.selectedItems() else None

    def select(self, key: Any) -> None:
        for row, entry in enumerate(self.rows):
            if entry.key == key:
                self.table.selectRow(row)
                return

    def _update_buttons(self) -> None:
        entry = self.current()
        for button in (
            self.rename_button,
            self.merge_button,
            self.retire_button,
            self.fields_button,
        ):
            button.setEnabled(entry is not None)
        self.merge_button.setEnabled(entry is not None and len(self.rows) > 1)
        if entry is not None:
            self.retire_button.setText(self.tr("再開") if entry.retired_on else self.tr("廃止"))

    # --- changing ----------------------------------------------------------------------

    def add(self) -> None:
        name, ok = QInputDialog.getText(
            self, self.tr("{0}の追加").format(self.label), self.tr("名前:")
        )
        if ok:
            self._write(
                lists.add_entry, self.kind, name, done=self.tr("追加しました: {0}").format(name)
            )

    def rename(self) -> None:
        entry = self.current()
        if entry is None:
            return
        name, ok = QInputDialog.getText(
            self, self.tr("{0}の名前の変更").format(self.label), self.tr("新しい名前:"),
            text=entry.name,
        )  # fmt: skip
        if ok and name != entry.name:
            self._write(
                lists.rename_entry, self.kind, entry.key, name,
                done=self.tr("「{0}」を「{1}」に変更しました").format(entry.name, name),
            )  # fmt: skip

    def merge(self) -> None:
        entry = self.current()
        if entry is None:
            return
        others = [e for e in self.rows if e.key != entry.key]
        names = [e.name for e in others]
        target_name, ok = QInputDialog.getItem(
            self, self.tr("{0}の統合").format(self.label),
            self.tr("「{0}」を統合する先:").format(entry.name), names, 0, False,
        )  # fmt: skip
        if not ok:
            return
        target = others[names.index(target_name)]
        answer = QMessageBox.question(
            self,
            self.tr("{0}の統合").format(self.label),
            self.tr(
                "「{0}」を使っている {1} 件の資産などを「{2}」に移し、「{0}」を削除します。\n"
                "移した記録それぞれに変更履歴が残ります。よろしいですか？"
            ).format(entry.name, f"{entry.used:,}", target.name),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._write(
                lists.merge_entries, self.kind, entry.key, target.key,
                done=self.tr("「{0}」を「{1}」に統合しました").format(entry.name, target.name),
            )  # fmt: skip

    def toggle_retired(self) -> None:
        entry = self.current()
        if entry is None:
            return
        retire = entry.retired_on is None
        self._write(
            lists.set_retired, self.kind, entry.key, retire, self.ctx.today(),
            done=(self.tr("「{0}」を廃止しました（使っている記録はそのままです）")
                  if retire else self.tr("「{0}」を再開しました")).format(entry.name),
        )  # fmt: skip

    def edit_fields(self) -> None:
        entry = self.current()
        if entry is None:
            return
        from app.services.field_input import Choice
        from app.ui.assets.custom_fields_dialog import CustomFieldsDialog

        types = [Choice(e.key, e.name) for e in self.rows]
        dialog = CustomFieldsDialog(self.ctx, types, parent=self)
        dialog.show_type(int(entry.key))
        dialog.open()

    def _write(self, op: Any, *args: Any, done: str) -> None:
        self._say(self.tr("保存しています…"))

        def finished(_result: Any) -> None:
            self._say(done)
            self.reload()
            self.changed.emit()

        def failed(exc: BaseException) -> None:
            self._say(str(exc), error=True)
            self.changed.emit()

        self.ctx.jobs.write(op, *args, owner=self, on_result=finished, on_error=failed)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet(ERROR_STYLE if error else "")
        self.status.setText(text)


class ReferenceListsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("一覧の管理（種別・部署・設置場所・メーカー）"))
        self.tabs = QTabWidget(self)
        self.pages = {kind: ListPage(ctx, kind, self) for kind in lists.KINDS}
        for kind, page in self.pages.items():
            self.tabs.addTab(page, lists.LABELS[kind])
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(close)
        self.resize(620, 520)
        for page in self.pages.values():
            page.reload()
