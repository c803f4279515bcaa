"""File ▸ デモ環境を開く: the demo in a window of its own, never in the real database.

The demo environment is a data folder beside the user's (app.services.demo.environment).
Opening it makes it first when it does not exist yet (a background job with progress,
cancellable), then starts a second ``hitori`` on that folder: a separate process with its
own database, lock and settings, whose window carries the demo banner. In the demo
window itself the same command loads the demo into that window's (demo) database.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtCore import QObject, QProcess
from PySide6.QtWidgets import QMainWindow, QMessageBox

from app.paths import DataDir, demo_dir_for
from app.progress import Cancelled, Progress
from app.ui.context import AppContext
from app.ui.jobs import ProgressShown

BANNER_STYLE = "background: #fff3c4; color: #5c4400; padding: 6px 12px; font-weight: bold;"


def banner_text(data_dir: DataDir) -> str:
    return (
        f"デモ環境です（架空の町「ひとり町」のデータ）。ここでの変更は実際のデータベースに"
        f"影響しません。フォルダ: {data_dir.root}"
    )


def hitori_command(args: list[str]) -> tuple[str, list[str]]:
    """How to start this program again with ``args``: the installed executable, or
    this interpreter running the package."""
    if getattr(sys, "frozen", False):  # the PyInstaller build
        return sys.executable, args
    return sys.executable, ["-m", "app", *args]


class DemoOpener(QObject):
    """Makes the demo environment when needed and opens it in its own process."""

    def __init__(
        self,
        window: QMainWindow,
        ctx: AppContext,
        start: Callable[[str, list[str]], bool] = QProcess.startDetached,  # type: ignore[assignment]
    ) -> None:
        super().__init__(window)
        self._window = window
        self.ctx = ctx
        self._start = start  # replaced in tests, which cannot open a second window
        self.demo = DataDir(demo_dir_for(ctx.db.data_dir.root))

    def open(self) -> None:
        if self.ctx.db.data_dir.is_demo:  # this window is the demo: load it here
            self.load_here()
            return
        if self.demo.db_path.exists():
            from app.services.demo.environment import NotADemoFolder, check_demo_folder

            try:
                check_demo_folder(self.demo)  # a folder of real data is never opened as one
            except NotADemoFolder as exc:
                self._failed(exc)
                return
            self.launch()
            return
        answer = QMessageBox.question(
            self._window,
            self.tr("デモ環境"),
            self.tr(
                "架空の町「ひとり町」のデモデータでデモ環境を作り、別のウィンドウで開きます。\n"
                "実際のデータベースには何も書き込みません。\n\nデモ環境のフォルダ: {0}"
            ).format(self.demo.root),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        demo = self.demo

        def work(progress: Progress) -> dict[str, int]:
            from app.services.demo.environment import make_demo_environment

            return make_demo_environment(
                demo, progress=progress.report, cancelled=lambda: progress.cancelled
            )

        self.ctx.jobs.run(
            work,
            owner=self,
            on_result=lambda _counts: self.launch(),
            on_error=self._failed,
            progress=ProgressShown(self._window, self.tr("デモ環境を作成中…")),
            name="make-demo",
            quiet_gc=True,
        )

    def load_here(self) -> None:
        """The demo into this window's database — only ever the demo environment's."""
        from app.services.demo import generate_demo
        from app.store.attachments import AttachmentFiles

        assert self.ctx.db.data_dir.is_demo
        answer = QMessageBox.question(
            self._window,
            self.tr("デモデータ"),
            self.tr("架空の町「ひとり町」のデモデータ（資産約200件など）を読み込みますか？"),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        sessions = self.ctx.db.sessions
        files = AttachmentFiles(self.ctx.db.data_dir.root)

        def work(progress: Progress) -> dict[str, int]:
            return generate_demo(
                sessions, size="small", progress=progress.report,
                cancelled=lambda: progress.cancelled, files=files,
            )  # fmt: skip

        self.ctx.jobs.run(
            work,
            writer=True,
            owner=self,
            # The views reload themselves: the demo announces the kinds it wrote.
            on_result=lambda _counts: self._window.statusBar().showMessage(
                self.tr("デモデータを読み込みました"), 8000
            ),
            on_error=self._failed,
            progress=ProgressShown(self._window, self.tr("デモデータを作成中…")),
            name="load-demo",
            quiet_gc=True,
        )

    def launch(self) -> bool:
        program, args = hitori_command(["--data-dir", str(self.demo.root)])
        started = bool(self._start(program, args))
        if started:
            self._window.statusBar().showMessage(
                self.tr("デモ環境を別のウィンドウで開いています…"), 8000
            )
        else:
            QMessageBox.warning(
                self._window,
                self.tr("デモ環境"),
                self.tr("デモ環境を開けませんでした（{0} を起動できません）。").format(program),
            )
        return started

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self._window.statusBar().showMessage(
                self.tr("キャンセルしました（何も変更していません）"), 8000
            )
            return
        QMessageBox.warning(self._window, self.tr("デモ環境"), str(exc))
