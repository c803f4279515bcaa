"""The backup settings: generations kept in the data folder, and a destination of the
user's choosing (USB drive, shared folder) with its own generations.

Stored in the data folder's settings file (``backup/…``); read by the start-up's daily
backup and by 今すぐバックアップ through :func:`load_plan`.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.backups import MAX_GENERATIONS, BackupPlan
from app.store.backup import DEFAULT_GENERATIONS
from app.store.backup_destination import destination_problem
from app.ui.context import AppContext

GENERATIONS = "backup/generations"
DESTINATION = "backup/destination"
DESTINATION_GENERATIONS = "backup/destination_generations"


def _int(settings: QSettings, key: str) -> int:
    raw = settings.value(key, DEFAULT_GENERATIONS)
    try:
        value = int(cast("int | str", raw))  # an int, or its text from an INI file
    except (TypeError, ValueError):
        return DEFAULT_GENERATIONS
    return min(max(value, 1), MAX_GENERATIONS)


def load_plan(settings: QSettings) -> BackupPlan:
    folder = str(settings.value(DESTINATION, "") or "").strip()
    return BackupPlan(
        generations=_int(settings, GENERATIONS),
        destination=Path(folder) if folder else None,
        destination_generations=_int(settings, DESTINATION_GENERATIONS),
    )


def save_plan(settings: QSettings, plan: BackupPlan) -> None:
    settings.setValue(GENERATIONS, plan.generations)
    settings.setValue(DESTINATION, str(plan.destination) if plan.destination else "")
    settings.setValue(DESTINATION_GENERATIONS, plan.destination_generations)
    settings.sync()


class BackupSettingsDialog(QDialog):
    """バックアップの設定: the data folder's generations, and the destination."""

    def __init__(self, parent: QWidget | None, plan: BackupPlan, backups_folder: Path) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("バックアップの設定"))
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "起動時に1日1回、データフォルダ内（{0}）にバックアップを作ります。"
                "USBメモリや共有フォルダを保存先に指定すると、そこにも別の世代で作ります。"
            ).format(backups_folder)
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.generations = self._spin(plan.generations)
        form.addRow(self.tr("データフォルダに残す世代数"), self.generations)
        self.use_destination = QCheckBox(self.tr("保存先にもバックアップする"))
        self.use_destination.setChecked(plan.destination is not None)
        form.addRow("", self.use_destination)
        row = QHBoxLayout()
        self.folder = QLineEdit(str(plan.destination or ""))
        self.folder.setPlaceholderText(self.tr("例: E:\\Hitoriバックアップ"))
        self.choose = QPushButton(self.tr("参照…"))
        self.choose.clicked.connect(self._choose_folder)
        row.addWidget(self.folder, 1)
        row.addWidget(self.choose)
        form.addRow(self.tr("保存先フォルダ"), row)
        self.destination_generations = self._spin(plan.destination_generations)
        form.addRow(self.tr("保存先に残す世代数"), self.destination_generations)
        layout.addLayout(form)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.hide()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.use_destination.toggled.connect(self._enable)
        self._enable(self.use_destination.isChecked())
        self.setMinimumWidth(520)

    @staticmethod
    def _spin(value: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(1, MAX_GENERATIONS)
        spin.setValue(value)
        spin.setSuffix(" 世代")
        return spin

    def _enable(self, on: bool) -> None:
        for widget in (self.folder, self.choose, self.destination_generations):
            widget.setEnabled(on)

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, self.tr("バックアップの保存先"), self.folder.text()
        )
        if chosen:
            self.folder.setText(str(Path(chosen)))

    def plan(self) -> BackupPlan:
        folder = self.folder.text().strip()
        use = self.use_destination.isChecked() and bool(folder)
        return BackupPlan(
            generations=self.generations.value(),
            destination=Path(folder) if use else None,
            destination_generations=self.destination_generations.value(),
        )

    def accept(self) -> None:
        """A destination must be there and writable when it is set (it is checked again
        at every backup: a USB drive may be pulled later)."""
        if self.use_destination.isChecked():
            folder = self.folder.text().strip()
            problem = (
                self.tr("保存先フォルダを指定してください。")
                if not folder
                else destination_problem(Path(folder))
            )
            if problem is not None:
                self.problem.setText(problem)
                self.problem.show()
                self.folder.setFocus()
                return
        super().accept()


def edit_backup_settings(parent: QWidget, settings: QSettings, backups: Path) -> str | None:
    """Show the dialog; saves and returns a status line when the user pressed OK."""
    dialog = BackupSettingsDialog(parent, load_plan(settings), backups)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    plan = dialog.plan()
    save_plan(settings, plan)
    text = parent.tr("自動バックアップ: データフォルダに{0}世代").format(plan.generations)
    if plan.destination is not None:
        text += parent.tr("、{0} に{1}世代").format(plan.destination, plan.destination_generations)
    return text


def backup_now(window: QMainWindow, ctx: AppContext) -> None:
    """今すぐバックアップ: in the data folder, and at the destination when one is set; the
    outcome in the status bar, a destination's problem in a message box."""
    from app.services.backups import BackupOutcome, make_backups

    data_dir, plan = ctx.db.data_dir, load_plan(ctx.settings)

    def shown(outcome: BackupOutcome) -> None:
        window.statusBar().showMessage(outcome.summary(), 15000)
        if outcome.destination_problem:
            QMessageBox.warning(
                window, window.tr("バックアップの保存先"), outcome.destination_problem
            )

    ctx.jobs.run(
        lambda progress: make_backups(data_dir, plan, reason="manual"),
        owner=window, name="backup-now", on_result=shown,
        on_error=lambda exc: QMessageBox.warning(window, window.tr("バックアップ"), str(exc)),
    )  # fmt: skip
