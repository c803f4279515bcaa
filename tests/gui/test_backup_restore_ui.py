"""File ▸ バックアップから復元… and バックアップの設定…: generations listed from the data
folder and the destination, each proved and counted before it can be restored; the
window closes (asking about unsaved input), the restore runs between two windows and
the window opens again on the restored data; the destination setting refuses a folder
that is missing."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.logs import RecentLines
from app.paths import DataDir
from app.services.backups import BackupPlan, make_backups
from app.services.inventory.assets import create_asset
from app.store.backup import backup_to
from app.store.database import open_database
from app.ui.backup_settings import BackupSettingsDialog, load_plan, save_plan
from app.ui.restore_dialog import RestoreDialog, generations
from app.ui.widgets.unsaved import Choice
from tests.gui.user_input import type_text
from tests.gui.windows import open_main_window

pytestmark = pytest.mark.gui
T = 15_000


def add_assets(db, *tags: str) -> list[int]:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        return [create_asset(s, {"asset_tag": t, "name": f"機器 {t}"}).id for t in tags]


def asset_tags(db_path: Path) -> set[str]:
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as conn:
        return {r[0] for r in conn.execute("SELECT asset_tag FROM assets")}


# --- the settings ---------------------------------------------------------------------------


def test_the_settings_refuse_a_missing_destination_and_keep_a_good_one(
    qtbot, ctx, tmp_path: Path
) -> None:
    dialog = BackupSettingsDialog(None, load_plan(ctx.settings), ctx.db.data_dir.backups)
    qtbot.addWidget(dialog)
    assert not dialog.folder.isEnabled()  # no destination yet
    dialog.use_destination.setChecked(True)
    dialog.folder.setText(str(tmp_path / "USBが挿さっていない" / "Hitori"))
    dialog.show()
    dialog.accept()
    assert dialog.isVisible() and dialog.result() != dialog.DialogCode.Accepted
    assert "バックアップの保存先が見つかりません" in dialog.problem.text()
    usb = tmp_path / "usb"
    usb.mkdir()
    dialog.folder.setText(str(usb))
    dialog.destination_generations.setValue(14)
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    save_plan(ctx.settings, dialog.plan())
    # Read back as the start-up reads it, from the settings file.
    again = QSettings(str(ctx.db.data_dir.settings_path), QSettings.Format.IniFormat)
    assert load_plan(again) == BackupPlan(7, usb, 14)


def test_a_settings_file_edited_by_hand_falls_back_to_sane_values(ctx) -> None:
    ctx.settings.setValue("backup/generations", "たくさん")
    ctx.settings.setValue("backup/destination_generations", "99999")
    ctx.settings.setValue("backup/destination", "   ")
    assert load_plan(ctx.settings) == BackupPlan(7, None, 365)


# --- choosing a generation ------------------------------------------------------------------


@pytest.fixture
def two_places(db, data_dir: DataDir, tmp_path: Path) -> tuple[Path, Path]:
    """A backup with two assets in the data folder, one with three at the destination;
    the database in use then holds four."""
    usb = tmp_path / "usb"
    usb.mkdir()
    add_assets(db, "R-1", "R-2")
    first = backup_to(data_dir.db_path, data_dir.backups, reason="manual")
    add_assets(db, "R-3")
    outcome = make_backups(data_dir, BackupPlan(destination=usb), reason="auto")
    assert outcome.at_destination is not None and outcome.destination_problem is None
    add_assets(db, "R-4")
    return first, outcome.at_destination


def test_the_dialog_lists_both_places_and_counts_what_a_backup_holds(
    qtbot, ctx, two_places: tuple[Path, Path], tmp_path: Path
) -> None:
    _first, at_usb = two_places
    rows = generations(ctx.db.data_dir.backups, tmp_path / "usb")
    assert [(r.kind, r.place) for r in rows][-1] == ("手動", "データフォルダ")
    assert ("自動", "保存先") in [(r.kind, r.place) for r in rows]
    dialog = RestoreDialog(None, ctx, tmp_path / "usb")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.table.rowCount() == len(rows) == 3  # manual, auto here, auto at the USB
    assert not dialog.restore_button.isEnabled()
    usb_row = next(i for i, r in enumerate(dialog._rows) if r.path == at_usb)
    dialog.table.selectRow(usb_row)
    qtbot.waitUntil(dialog.restore_button.isEnabled, timeout=T)
    assert "検証済み" in dialog.state.text() and at_usb.name in dialog.state.text()
    counts = {
        dialog.counts.item(i, 0).text(): (
            dialog.counts.item(i, 1).text(),
            dialog.counts.item(i, 2).text(),
        )
        for i in range(dialog.counts.rowCount())
    }
    assert counts["資産"] == ("3", "4")


def test_a_damaged_generation_cannot_be_restored(qtbot, ctx, two_places, tmp_path: Path) -> None:
    first, _ = two_places
    with first.open("r+b") as fh:  # a damaged page in the middle of the file
        fh.seek(4096 * 3)
        fh.write(b"\xff" * 4096)
    dialog = RestoreDialog(None, ctx, None)
    qtbot.addWidget(dialog)
    row = next(i for i, r in enumerate(dialog._rows) if r.path == first)
    dialog.table.selectRow(row)
    qtbot.waitUntil(lambda: "復元できません" in dialog.state.text(), timeout=T)
    assert not dialog.restore_button.isEnabled()


# --- closing for the restore ----------------------------------------------------------------


def test_restoring_asks_about_unsaved_input_and_staying_restores_nothing(
    qtbot, ctx, db, questions, tmp_path: Path
) -> None:
    (asset_id,) = add_assets(db, "U-1")
    window = open_main_window(qtbot, ctx)
    with qtbot.waitSignal(window.view_ready, timeout=T):
        window.show_view("assets")
    ledger = window.assets
    qtbot.waitUntil(lambda: ledger.model.rowCount() == 1, timeout=T)
    with qtbot.waitSignal(ledger.editor.loaded, timeout=T):
        ledger.show_asset(asset_id)
    type_text(qtbot, ledger.editor.form.inputs["user_name"], "未保存")
    questions.answer(Choice.CANCEL)
    window.request_restore(tmp_path / "chosen.sqlite3")
    assert window.isVisible() and window.restore_request is None
    assert len(questions.asked) == 1
    # Closing later, for itself, is not taken for the restore the user stayed out of.
    questions.answer(Choice.DISCARD)
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=T)
    assert window.restore_request is None


def test_the_window_closes_for_the_restore_and_opens_again_on_the_restored_data(
    qtbot, qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real loop of app.ui.app_main: window, restore between windows, window again."""
    from app.ui import app_main

    data_dir = DataDir(tmp_path / "real")
    db = open_database(data_dir, actor="tester")
    try:
        add_assets(db, "OLD-1", "OLD-2")
        backup = backup_to(data_dir.db_path, data_dir.backups, reason="manual")
        add_assets(db, "NEW-3")
    finally:
        db.dispose()
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: pytest.fail(str(a)))
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: pytest.fail(str(a)))
    seen: list = []

    def drive() -> None:
        from app.ui.main_window import MainWindow

        for w in QApplication.topLevelWidgets():
            if isinstance(w, MainWindow) and w.isVisible() and w not in seen:
                seen.append(w)
                if len(seen) == 1:
                    QTimer.singleShot(300, lambda w=w: w.request_restore(backup))
                else:
                    seen.append(w.statusBar().currentMessage())
                    seen.append(asset_tags(data_dir.db_path))
                    QTimer.singleShot(300, w.close)
                return

    timer = QTimer()
    timer.timeout.connect(drive)
    timer.start(50)
    code = app_main._run_locked(qapp, data_dir, RecentLines(), False, lambda: None)
    timer.stop()
    assert code == 0
    assert len(seen) == 4, seen
    note, tags_after = seen[2], seen[3]
    assert tags_after == {"OLD-1", "OLD-2"}
    assert f"バックアップ {backup.name} から復元しました" in note
    aside = next(data_dir.backups.glob("before-restore-*.sqlite3"))
    assert asset_tags(aside) == {"OLD-1", "OLD-2", "NEW-3"}  # what was there, kept
    assert str(aside) in note


def test_a_refused_restore_reopens_the_window_on_the_data_as_it_was(qapp, tmp_path: Path) -> None:
    from app.ui.restore_run import restore_between_windows

    data_dir = DataDir(tmp_path / "real")
    db = open_database(data_dir, actor="tester")
    try:
        add_assets(db, "KEEP-1")
        not_a_backup = tmp_path / "請求書.pdf"
        not_a_backup.write_bytes(b"%PDF-1.4\n" + b"0" * 5000)
    finally:
        db.dispose()
    before = data_dir.db_path.read_bytes()
    note = restore_between_windows(qapp, data_dir, not_a_backup, quiet=True)
    assert "復元しませんでした（データは元のままです）" in note
    assert "SQLiteのデータベースファイルではありません" in note
    assert data_dir.db_path.read_bytes() == before
