"""The files attached to the record being edited: list, add (a dialog or drag and drop),
save a copy, delete — for any record kind.

    panel = AttachmentsPanel(ctx, "contract", parent=self)
    panel.set_owner(contract_id)      # None: nothing shown, disabled until saved

Adding copies the files in a write job (with a progress dialog for big files); all
reads and writes go through the job runner. The panel reloads itself whenever a write
changes attachments (``ctx.jobs.watch``), wherever it was made.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from app.errors import UserError
from app.input_file import size_text
from app.progress import Cancelled, Progress
from app.services import attachments as svc
from app.store.attachments import MAX_ATTACHMENT_BYTES, AttachmentFiles
from app.store.changes import Changes
from app.ui.context import AppContext
from app.ui.jobs import ProgressShown
from app.ui.widgets.history_panel import format_local_time
from app.ui.widgets.styles import ERROR_STYLE, OK_STYLE

log = logging.getLogger("hitori.ui.attachments")

ID_ROLE = Qt.ItemDataRole.UserRole


def file_size(size: int) -> str:
    """「1.2 MB」, 「86 KB」: one decimal below 10 MB, where it tells files apart."""
    if 2**20 <= size < 10 * 2**20:
        return f"{size / 2**20:.1f} MB"
    return size_text(size)


def added_on(at: datetime) -> str:
    """The local date a file was added, with its 和暦: 2026-11-01（R8.11.1）."""
    day, _, rest = format_local_time(at).partition(" ")
    return day + rest[rest.find("（") :] if "（" in rest else day


def _attach_job(
    progress: Progress,
    sessions: sessionmaker[Session],
    files: AttachmentFiles,
    owner_kind: str,
    owner_id: int,
    paths: list[Path],
) -> list[int]:
    """The write job that adds files (the job runner hands its Progress first)."""
    return svc.attach_files(sessions, files, owner_kind, owner_id, paths, progress)


class AttachmentsPanel(QGroupBox):
    """``written`` fires after files were added or one removed; ``saved`` with the path
    a copy was saved to; ``loaded`` after the list was (re)loaded."""

    loaded = Signal()
    written = Signal()
    saved = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        owner_kind: str,
        title: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setTitle(title or self.tr("添付ファイル"))
        self._ctx = ctx
        self._kind = owner_kind
        self._owner: int | None = None
        self._files = AttachmentFiles(ctx.db.data_dir.root)
        headers = [self.tr("ファイル名"), self.tr("サイズ"), self.tr("追加日")]
        self.table = QTableWidget(0, len(headers), self)
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        row_height = self.fontMetrics().height() + 8
        self.table.verticalHeader().setDefaultSectionSize(row_height)
        self.table.setMinimumHeight(row_height * 4 + 4)  # the header and three files
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.add_button = QPushButton(self.tr("追加…"), self)
        self.add_button.setToolTip(
            self.tr("ファイルを選んで添付します（ここへドラッグ＆ドロップでも追加できます。"
                    "1ファイル {0} まで）").format(size_text(MAX_ATTACHMENT_BYTES))
        )  # fmt: skip
        self.save_button = QPushButton(self.tr("保存…"), self)
        self.save_button.setToolTip(self.tr("選んだ添付ファイルのコピーをフォルダに保存します"))
        self.delete_button = QPushButton(self.tr("削除"), self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.hint = QLabel(self.tr("保存すると添付できます。"), self)
        buttons = QVBoxLayout()  # beside the list: the panel stays low in a full editor
        for button in (self.add_button, self.save_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.table, 1)
        row.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(row, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.hint)
        self.setAcceptDrops(True)
        self.add_button.clicked.connect(self.choose_files)
        self.save_button.clicked.connect(lambda: self.save_selected())
        self.delete_button.clicked.connect(self.delete_selected)
        self.table.itemSelectionChanged.connect(self._update_enabled)
        ctx.jobs.watch(self, {svc.KIND}, self._data_changed)
        self.set_owner(None)

    # --- public --------------------------------------------------------------------------

    def set_owner(self, owner_id: int | None) -> None:
        """Show the attachments of record ``owner_id`` (None: nothing, disabled)."""
        self._owner = owner_id
        self._ctx.jobs.drop(self, "list")
        self.table.setRowCount(0)
        self._say("")
        self.hint.setVisible(owner_id is None)
        self._update_enabled()
        if owner_id is not None:
            self.refresh()

    def owner(self) -> int | None:
        return self._owner

    def refresh(self) -> None:
        if self._owner is None:
            return
        self._ctx.jobs.read(
            svc.list_attachments, self._kind, self._owner,
            owner=self, key="list", on_result=self._show, on_error=self._failed,
        )  # fmt: skip

    def items(self) -> list[str]:
        """The file names listed, in order."""
        return [self._name_at(r) for r in range(self.table.rowCount())]

    def _name_at(self, row: int) -> str:
        item = self.table.item(row, 0)
        return item.text() if item is not None else ""

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ID_ROLE) if rows else None

    def choose_files(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(self, self.tr("添付するファイルを選択"))
        if paths:
            self.add_files([Path(p) for p in paths])

    def add_files(self, paths: Sequence[Path]) -> None:
        """Attach ``paths`` to the record shown: the one way files are added (the dialog
        and drag and drop both come here)."""
        if self._owner is None or not paths:
            return
        self._say(self.tr("追加しています…"))
        self.setEnabled(False)
        self._ctx.jobs.run(
            _attach_job, self._ctx.db.sessions, self._files, self._kind, self._owner,
            list(paths), owner=self, writer=True, name="attach-files",
            progress=ProgressShown(self, self.tr("添付ファイルを追加しています")),
            on_result=lambda ids: self._written(self.tr("{0} 件添付しました").format(len(ids))),
            on_error=self._failed,
        )  # fmt: skip

    def save_selected(self, folder: Path | None = None) -> None:
        """Save a copy of the selected attachment in ``folder`` (None: ask)."""
        attachment_id = self.selected_id()
        if attachment_id is None:
            return
        if folder is None:
            chosen = QFileDialog.getExistingDirectory(self, self.tr("保存先のフォルダを選択"))
            if not chosen:
                return
            folder = Path(chosen)
        self._ctx.jobs.read(
            svc.save_copy, self._files, attachment_id, folder,
            owner=self, key="save", on_result=self._saved, on_error=self._failed,
        )  # fmt: skip

    def delete_selected(self) -> None:
        attachment_id = self.selected_id()
        if attachment_id is None:
            return
        name = self._name_at(self.table.currentRow())
        answer = QMessageBox.question(
            self,
            self.tr("添付ファイルの削除"),
            self.tr("「{0}」を削除しますか？\n（削除前のバックアップからは戻せます）").format(name),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.setEnabled(False)
        self._ctx.jobs.write(
            svc.delete_attachment, attachment_id, owner=self, name="delete-attachment",
            on_result=lambda _none: self._written(self.tr("削除しました")),
            on_error=self._failed,
        )  # fmt: skip

    # --- drag and drop ---------------------------------------------------------------

    def _dropped_paths(self, event: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> list[Path]:
        data = event.mimeData()
        if self._owner is None or not data.hasUrls():
            return []
        urls = data.urls()
        if not urls or not all(url.isLocalFile() for url in urls):
            return []
        return [Path(url.toLocalFile()) for url in urls]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._dropped_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._dropped_paths(event)
        if paths:
            event.acceptProposedAction()
            self.add_files(paths)

    # --- internals ---------------------------------------------------------------------

    def _data_changed(self, _changes: Changes) -> None:
        self.refresh()

    def _show(self, rows: list[svc.AttachmentRow]) -> None:
        selected = self.selected_id()
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            texts = (row.filename, file_size(row.size_bytes), added_on(row.created_at))
            when = format_local_time(row.created_at)
            tip = "\n".join(t for t in (row.filename, row.media_type, when, row.description) if t)
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, row.id)
                if column == 0:
                    item.setToolTip(tip)
                if column == 1:
                    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    item.setTextAlignment(right)
                self.table.setItem(r, column, item)
            if row.id == selected:
                self.table.selectRow(r)
        self._update_enabled()
        self.loaded.emit()

    def _written(self, text: str) -> None:
        self.setEnabled(True)
        self._say(text, ok=True)
        self.written.emit()

    def _saved(self, path: Path) -> None:
        self._say(self.tr("保存しました: {0}").format(path), ok=True)
        self.saved.emit(path)

    def _failed(self, exc: BaseException) -> None:
        self.setEnabled(True)
        if isinstance(exc, Cancelled):
            self._say(self.tr("キャンセルしました（何も添付していません）"))
            return
        if not isinstance(exc, UserError):
            log.error("attachment operation failed: %r", exc)
        self._say(str(exc))

    def _update_enabled(self) -> None:
        has_owner = self._owner is not None
        chosen = has_owner and self.selected_id() is not None
        self.add_button.setEnabled(has_owner)
        self.save_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def _say(self, text: str, *, ok: bool = False) -> None:
        self.message.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.message.setText(text)
        self.message.setVisible(bool(text))
