"""File ▸ バックアップから復元…: pick a generation, see its date and what it holds, have it
verified, then restore it and restart.

The generations are those of the data folder's ``backups/`` and of the backup
destination (app.ui.backup_settings), newest first; any other backup file can be chosen
too. Choosing one proves a private copy of it in the background, exactly as the restore
will (app.store.backup_contents), and shows its records per kind beside the database in
use. Only a proved backup can be restored: the dialog returns its path, and the main
window closes (asking about unsaved input first) so that the restore runs with the
database closed (app.ui.app_main) and the window opens again on the restored data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.input_file import size_text
from app.progress import Progress
from app.store.backup import list_backups
from app.store.backup_contents import BackupContents, inspect_backup, record_counts_of
from app.ui import date_style
from app.ui.context import AppContext

KINDS = {"auto": "自動", "manual": "手動", "before-restore": "復元前", "before-reset": "消去前"}


@dataclass(frozen=True)
class Generation:
    path: Path
    created: datetime
    size: int
    place: str  # データフォルダ / 保存先 / 選んだファイル

    @property
    def kind(self) -> str:
        for prefix, label in KINDS.items():
            if self.path.name.startswith(prefix + "-"):
                return label
        return "その他"


def generations(backups: Path, destination: Path | None) -> list[Generation]:
    """Every backup in the data folder and the destination, newest first."""
    found = [
        Generation(b.path, b.created, b.size_bytes, "データフォルダ") for b in list_backups(backups)
    ]
    if destination is not None:
        found += [
            Generation(b.path, b.created, b.size_bytes, "保存先") for b in list_backups(destination)
        ]
    return sorted(found, key=lambda g: g.created, reverse=True)


def _inspect(progress: Progress, path: Path, db_path: Path) -> tuple[BackupContents, dict]:
    contents = inspect_backup(path)
    return contents, dict(record_counts_of(db_path))


class RestoreDialog(QDialog):
    """Returns (``chosen``) the proved backup the user decided to restore."""

    COLUMNS = ("作成日時", "種類", "場所", "大きさ")

    def __init__(self, parent: QWidget, ctx: AppContext, destination: Path | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.chosen: Path | None = None
        self._proved: Path | None = None
        self.setWindowTitle(self.tr("バックアップから復元"))
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "戻したいバックアップを選んでください。選ぶと内容を検証し、件数を現在の"
                "データと並べて表示します。復元すると現在のデータベースはバックアップフォルダに"
                "「復元前」として残し、Hitoriを開き直します。"
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selected)
        split.addWidget(self.table)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        self.state = QLabel(self.tr("バックアップを選んでください"))
        self.state.setWordWrap(True)
        self.state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        detail_layout.addWidget(self.state)
        self.counts = QTableWidget(0, 3)
        self.counts.setHorizontalHeaderLabels(
            [self.tr("記録"), self.tr("バックアップ"), self.tr("現在")]
        )
        self.counts.verticalHeader().hide()
        self.counts.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.counts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.counts.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.counts.horizontalHeader().setStretchLastSection(True)
        detail_layout.addWidget(self.counts, 1)
        split.addWidget(detail)
        split.setSizes([420, 300])
        layout.addWidget(split, 1)
        row = QHBoxLayout()
        other = QPushButton(self.tr("ほかのファイルを選ぶ…"))
        other.clicked.connect(self._choose_file)
        row.addWidget(other)
        row.addStretch(1)
        self.restore_button = QPushButton(self.tr("このバックアップに戻す…"))
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self._confirm)
        row.addWidget(self.restore_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row.addWidget(buttons)
        layout.addLayout(row)
        self._rows: list[Generation] = []
        self.fill(generations(ctx.db.data_dir.backups, destination))
        self.resize(820, 460)

    def fill(self, rows: list[Generation]) -> None:
        self._rows = rows
        self.table.setRowCount(len(rows))
        for i, g in enumerate(rows):
            when = f"{date_style.shown(g.created.date())} {g.created:%H:%M}"
            cells = (when, g.kind, g.place, size_text(g.size))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(str(g.path))
                self.table.setItem(i, col, item)
        if not rows:
            self.state.setText(
                self.tr(
                    "バックアップがまだありません（{0}）。「ほかのファイルを選ぶ…」から"
                    "バックアップファイルを指定できます。"
                ).format(self.ctx.db.data_dir.backups)
            )

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.check(self._rows[rows[0].row()])

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("復元するバックアップファイル"), str(self.ctx.db.data_dir.backups),
            self.tr("Hitoriのバックアップ (*.sqlite3);;すべてのファイル (*)"),
        )  # fmt: skip
        if path:
            p = Path(path)
            try:
                st = p.stat()
            except OSError as exc:
                self.state.setText(str(exc))
                return
            self.table.clearSelection()
            self.check(
                Generation(p, datetime.fromtimestamp(st.st_mtime), st.st_size, "選んだファイル")
            )

    def check(self, generation: Generation) -> None:
        """Prove ``generation`` in the background (the latest choice only)."""
        self._proved = None
        self._generation = generation
        self.restore_button.setEnabled(False)
        self.counts.setRowCount(0)
        self.state.setText(self.tr("検証しています…\n{0}").format(generation.path))
        self.ctx.jobs.run(
            _inspect, generation.path, self.ctx.db.data_dir.db_path,
            owner=self, key="inspect", name="inspect-backup",
            on_result=lambda result: self._show(generation, *result),
            on_error=lambda exc: self._refused(generation, exc),
        )  # fmt: skip

    def _show(self, g: Generation, contents: BackupContents, now: dict[str, int]) -> None:
        self._proved = g.path
        when = f"{date_style.shown(g.created.date())} {g.created:%H:%M:%S}"
        self.state.setText(
            self.tr(
                "検証済み: 問題ありません。\n作成日時: {0}（{1}・{2}）\n"
                "ファイル: {3}\nスキーマ: {4}"
            ).format(when, g.kind, g.place, g.path, contents.revision)
        )
        self.counts.setRowCount(len(contents.counts))
        for i, (label, n) in enumerate(contents.counts):
            current = now.get(label)
            cells = (label, f"{n:,}", "" if current is None else f"{current:,}")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if current is not None and current != n:  # what the restore would change
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                if col:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.counts.setItem(i, col, item)
        self.restore_button.setEnabled(True)

    def _refused(self, g: Generation, exc: BaseException) -> None:
        self.state.setText(self.tr("このファイルからは復元できません。\n{0}").format(exc))

    def _confirm(self) -> None:
        if self._proved is None:
            return
        g = self._generation
        when = f"{date_style.shown(g.created.date())} {g.created:%H:%M}"
        answer = QMessageBox.question(
            self,
            self.tr("バックアップから復元"),
            self.tr(
                "現在のデータを {0} のバックアップ（{1}）の内容に置き換えます。\n\n"
                "現在のデータベースはバックアップフォルダに「復元前」として残します。"
                "Hitoriをいったん閉じて開き直します。よろしいですか？"
            ).format(when, g.kind),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.chosen = self._proved
            self.accept()


def choose_backup(parent: QWidget, ctx: AppContext) -> Path | None:
    """The dialog over ``parent``; the proved backup the user decided to restore."""
    from app.ui.backup_settings import load_plan

    dialog = RestoreDialog(parent, ctx, load_plan(ctx.settings).destination)
    if dialog.exec() == RestoreDialog.DialogCode.Accepted:
        return dialog.chosen
    return None
