"""File ▸ データベースを空にする…: only after a confirmation that names what will go,
and only after a proved backup of it.

The counts are read in the background; the confirmation lists each kind with its count
and where the backup will go, and asks for the word 「削除」 typed in. Then one writer
job makes the backup and empties the database in one transaction (app.services.reset):
when the backup cannot be made, nothing is deleted.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMainWindow, QMessageBox
from sqlalchemy.orm import Session

from app.ui.context import AppContext
from app.ui.jobs import ProgressShown

CONFIRM_WORD = "削除"


def _counts(session: Session) -> list[tuple[str, int]]:
    from app.services.reset import record_counts

    return record_counts(session)


class DatabaseReset(QObject):
    """Asks, backs up, empties; ``finished`` carries the backup's path or the error."""

    finished = Signal(object)

    def __init__(self, window: QMainWindow, ctx: AppContext) -> None:
        super().__init__(window)
        self._window = window
        self.ctx = ctx

    def start(self) -> None:
        self.ctx.jobs.read(
            _counts,
            owner=self,
            key="counts",
            on_result=self._confirm,
            on_error=self._failed,
            name="reset-counts",
        )

    def confirmation_text(self, counts: list[tuple[str, int]]) -> str:
        listed = "\n".join(f"・{label} {n:,} 件" for label, n in counts)
        return self.tr(
            "次の記録をすべて削除し、データベースを新しく作ったときの状態に戻します。\n\n{0}\n\n"
            "資産種別・標準化対象業務などの標準の値は、新しいデータベースと同じものを作り直します。"
            "変更履歴は残します。先にバックアップを作成します（{1}）。\n"
            "キーリングに保存した秘密の値と添付ファイルの実体は削除しません。\n\n"
            "よろしければ「{2}」と入力してください。"
        ).format(listed, self.ctx.db.data_dir.backups, CONFIRM_WORD)

    def _confirm(self, counts: list[tuple[str, int]]) -> None:
        if not counts:
            QMessageBox.information(
                self._window, self.tr("データベースを空にする"), self.tr("記録はありません。")
            )
            self.finished.emit(None)
            return
        typed, ok = QInputDialog.getText(
            self._window,
            self.tr("データベースを空にする"),
            self.confirmation_text(counts),
            QLineEdit.EchoMode.Normal,
        )
        if not ok or typed.strip() != CONFIRM_WORD:
            self._window.statusBar().showMessage(
                self.tr("取り消しました（何も変更していません）"), 8000
            )
            self.finished.emit(None)
            return
        self._run()

    def _run(self) -> None:
        from app.services.reset import back_up_and_empty

        sessions, data_dir = self.ctx.db.sessions, self.ctx.db.data_dir
        self.ctx.jobs.run(
            lambda progress: back_up_and_empty(sessions, data_dir, progress),
            writer=True,
            owner=self,
            on_result=self._done,
            on_error=self._failed,
            progress=ProgressShown(self._window, self.tr("データベースを空にしています…")),
            name="reset-database",
        )

    def _done(self, backup: Path) -> None:
        self._window.statusBar().showMessage(
            self.tr("データベースを空にしました。バックアップ: {0}").format(backup), 15000
        )
        self.finished.emit(backup)

    def _failed(self, exc: BaseException) -> None:
        QMessageBox.warning(
            self._window,
            self.tr("データベースを空にする"),
            self.tr("空にできませんでした（何も削除していません）: {0}").format(exc),
        )
        self.finished.emit(exc)
