"""Start the GUI: one instance per data dir, open the database, show the window."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy.orm import configure_mappers

from app import APP_NAME, __version__
from app.errors import UserError
from app.gc_pause import end_start_up, pause_gc
from app.logs import RecentLines, log_file, setup_logging
from app.paths import DataDir
from app.progress import Progress
from app.secrets import SecretStore
from app.services.backups import BackupOutcome, make_backups
from app.store.database import DataDirError, ensure_data_dir, note_failure, open_database
from app.store.errors import classify
from app.store.health import DatabaseDamaged
from app.store.instance import AlreadyRunning, InstanceLock

log = logging.getLogger("hitori.ui")


def _fatal(message: str, self_test: bool) -> int:
    print(f"hitori: {message}", file=sys.stderr)
    if not self_test:
        QMessageBox.critical(None, "Hitori", message)
    return 1


def run_gui(
    data_dir: DataDir,
    *,
    self_test: bool = False,
    resume_gc: Callable[[], None] | None = None,
) -> int:
    """Open the window on ``data_dir``; returns the exit code.

    Start-up runs with the garbage collector paused (app.gc_pause): ``resume_gc`` ends the
    caller's pause (the command line pauses it before its imports), else one is started
    here. It ends when the window is complete: its first view shown, and the others built
    in the idle turns that follow.
    """
    resume_gc = resume_gc or pause_gc()
    try:
        return _run_gui(data_dir, self_test, resume_gc)
    finally:
        resume_gc()  # start-up failed or ended early (no-op once the window was complete)


def _run_gui(data_dir: DataDir, self_test: bool, resume_gc: Callable[[], None]) -> int:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    from app.ui.fonts import install_fonts
    from app.ui.translations import install_qt_translations

    install_fonts(app)
    install_qt_translations(app)
    try:
        ensure_data_dir(data_dir)
    except DataDirError as exc:
        return _fatal(str(exc), self_test)
    recent = setup_logging(data_dir.logs)
    lock = InstanceLock(data_dir.lock_path)
    try:
        lock.acquire()
    except AlreadyRunning as exc:
        return _fatal(str(exc), self_test)
    try:
        return _run_locked(app, data_dir, recent, self_test, resume_gc)
    finally:
        lock.release()


def _run_locked(
    app: QApplication,
    data_dir: DataDir,
    recent: RecentLines,
    self_test: bool,
    resume_gc: Callable[[], None],
) -> int:
    """The window, opened again after each restore the user asked for (the restore runs
    between two windows, with the database closed: app.ui.restore_run)."""
    note = ""
    while True:
        code, restore = _run_window(app, data_dir, recent, self_test, resume_gc, note)
        if restore is None:
            return code
        from app.ui.restore_run import restore_between_windows

        note = restore_between_windows(app, data_dir, restore, quiet=self_test)


def _run_window(
    app: QApplication,
    data_dir: DataDir,
    recent: RecentLines,
    self_test: bool,
    resume_gc: Callable[[], None],
    note: str = "",
) -> tuple[int, Path | None]:
    """Open the database and the window until it closes: (exit code, the backup the
    user chose to restore, if any)."""
    from app.ui.backup_settings import load_plan
    from app.ui.context import AppContext
    from app.ui.jobs import JobRunner
    from app.ui.main_window import MainWindow

    try:
        db = open_database(data_dir)
    except UserError as exc:  # newer, damaged, unusable folder, maintenance elsewhere …
        return _fatal(str(exc), self_test), None
    except Exception as exc:
        problem = classify(exc)
        if problem is None:
            raise
        note_failure(data_dir, exc)
        return _fatal(f"{problem.message}\n{data_dir.db_path}", self_test), None
    log.info("hitori %s started on %s", __version__, data_dir.root)
    # The ORM's mappers are set up here, before the first job: in that job (the first
    # view's query) it would compete with building the window for the interpreter.
    configure_mappers()
    settings = QSettings(str(data_dir.settings_path), QSettings.Format.IniFormat)
    jobs = JobRunner()
    secrets = SecretStore.from_keyring_on_first_use()
    ctx = AppContext(db=db, jobs=jobs, settings=settings, secrets=secrets)
    window = MainWindow(ctx, data_dir_text=str(data_dir.root))

    def keyring_state(progress: Progress) -> str:
        return "" if secrets.is_persistent() else secrets.message

    def show_keyring_state(message: str) -> None:
        if message:
            window.statusBar().showMessage(message, 20_000)

    def background_start() -> None:
        """Work that can wait until the first view is up (it would compete with it)."""
        window.view_ready.disconnect(background_start)
        jobs.run(keyring_state, on_result=show_keyring_state)
        if not self_test:
            jobs.run(daily_backup, on_result=backup_made, on_error=backup_failed)

    def views_built() -> None:
        """The window is complete: its other views were built in the idle turns after
        the first one was shown. Everything built so far lives as long as the window:
        out of the collector's reach, so full collections triggered by background work
        (imports, exports) stay short and do not stall the UI thread through the GIL."""
        end_start_up(resume_gc)

    plan = load_plan(settings)

    def daily_backup(progress: Progress) -> BackupOutcome:
        return make_backups(data_dir, plan, reason="auto")

    def backup_made(outcome: BackupOutcome) -> None:
        if outcome.destination_problem:  # the data folder's own was made; say why not there
            log.warning("destination backup failed: %s", outcome.destination_problem)
            window.statusBar().showMessage(outcome.destination_problem, 30_000)

    def backup_failed(exc: BaseException) -> None:
        log.warning("automatic backup failed: %s", exc)
        if isinstance(exc, DatabaseDamaged):  # nothing was rotated out; the user must act
            QMessageBox.critical(window, window.tr("自動バックアップ"), str(exc))

    window.view_ready.connect(background_start)
    window.views_built.connect(views_built)

    def excepthook(exc_type, exc, tb) -> None:  # type: ignore[no-untyped-def]
        log.error("uncaught exception", exc_info=(exc_type, exc, tb))
        if self_test:
            app.exit(1)
            return
        from app.ui.error_dialog import show_error

        show_error(window, exc, log_path=str(log_file(data_dir.logs)), recent=list(recent.lines))

    sys.excepthook = excepthook
    runner = None
    if self_test:
        from app.ui.self_test import SelfTest

        runner = SelfTest(app, window)
    window.show()
    if note:
        window.statusBar().showMessage(note, 30_000)
    try:
        code = app.exec()
    finally:
        jobs.shutdown()
        sys.excepthook = sys.__excepthook__
        db.dispose()
    if runner is not None:
        return runner.exit_code or code, window.restore_request
    return code, window.restore_request
