"""The restore the user chose in the window (app.ui.restore_dialog), run between two
windows: the first has closed and disposed of the database; the restore runs in a
worker thread (app.store.restore, which proves the file before the old one is touched)
while a progress dialog keeps the event loop turning; then the window opens again.

When the restore is refused (the file, another Hitori process using the folder, a full
disk), nothing was changed: the user is told why and the window opens on the data as it
was.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from app.errors import UserError
from app.paths import DataDir
from app.store.restore import RestoreResult, restore_database

log = logging.getLogger("hitori.ui.restore")


def restore_between_windows(
    app: QApplication, data_dir: DataDir, backup: Path, *, quiet: bool
) -> str:
    """Restore ``backup`` into ``data_dir``; the line the next window shows."""
    dialog = None
    if not quiet:
        dialog = QProgressDialog(
            app.translate("restore", "バックアップから復元しています…"), "", 0, 0
        )
        dialog.setWindowTitle("Hitori")
        dialog.setCancelButton(None)  # the swap itself must not be interrupted
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.setMinimumDuration(0)
        dialog.show()
    outcome = _run_in_thread(data_dir, backup)
    if dialog is not None:
        dialog.close()
    if isinstance(outcome, RestoreResult):
        return restored_note(backup, outcome)
    message = (
        str(outcome) if isinstance(outcome, UserError) else f"{type(outcome).__name__}: {outcome}"
    )
    log.warning("restore of %s refused: %s", backup, message)
    text = app.translate("restore", "復元しませんでした（データは元のままです）。\n{0}").format(
        message
    )
    if not quiet:
        QMessageBox.warning(None, app.translate("restore", "バックアップから復元"), text)
    return text.replace("\n", " ")


def _run_in_thread(data_dir: DataDir, backup: Path) -> RestoreResult | BaseException:
    """Run the restore in a worker thread, keeping this (the GUI) thread's events turning
    (the progress dialog paints, the window system gets its answers) until it ends."""
    result: list[RestoreResult | BaseException] = []

    def work() -> None:
        try:
            result.append(
                restore_database(data_dir.root, data_dir.db_path, data_dir.backups, backup)
            )
        except Exception as exc:  # handed to the main thread, reported there
            result.append(exc)

    thread = threading.Thread(target=work, name="restore", daemon=True)
    thread.start()
    while thread.is_alive():
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 30)
        thread.join(0.03)
    return result[0]


def restored_note(backup: Path, result: RestoreResult) -> str:
    """What the reopened window says about the restore."""
    text = f"バックアップ {backup.name} から復元しました。"
    if result.aside is not None:
        text += f"以前のデータベースは {result.aside} に残しています。"
    if result.missing_attachments:
        text += f"添付ファイル {len(result.missing_attachments)} 個の実体は見つかりませんでした。"
    return text
