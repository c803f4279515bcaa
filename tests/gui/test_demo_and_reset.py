"""The demo environment opens in a window of its own and never touches the real
database; the demo window carries a banner; emptying the real database asks with what
will go, backs up first, and refuses without the word typed."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QInputDialog, QLabel, QMessageBox
from sqlalchemy import func, select

from app.paths import DataDir, demo_dir_for
from app.services.demo import generate_demo
from app.store.models import Asset, ChangeLogEntry
from app.ui.demo_environment import DemoOpener
from tests.gui.windows import open_main_window

pytestmark = pytest.mark.gui


make_window = open_main_window


def menu_texts(win) -> list[str]:
    file_menu = win.menuBar().actions()[0].menu()
    return [a.text() for a in file_menu.actions() if a.text()]


def assets_and_history(ctx) -> tuple[int, int | None]:
    with ctx.db.sessions() as s:
        return (
            s.scalar(select(func.count(Asset.id))),
            s.scalar(select(func.max(ChangeLogEntry.id))),
        )


def test_the_demo_opens_in_its_own_folder_and_process(qtbot, ctx, monkeypatch) -> None:
    win = make_window(qtbot, ctx)
    assert "デモ環境を開く…" in menu_texts(win) and win.demo_banner is None
    assert "デモ環境" not in win.windowTitle()
    assert win.dashboard._demo_button.text() == "デモ環境を開く…"
    started: list[tuple[str, list[str]]] = []
    win._demo_opener = DemoOpener(
        win, ctx, start=lambda prog, args: started.append((prog, args)) or True
    )
    asked: list[str] = []

    def yes(_parent, _title, text, *a, **k):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    before = assets_and_history(ctx)
    demo = DataDir(demo_dir_for(ctx.db.data_dir.root))
    win.dashboard._demo_button.click()
    qtbot.waitUntil(lambda: bool(started), timeout=60_000)
    assert "実際のデータベースには何も書き込みません" in asked[0] and str(demo.root) in asked[0]
    assert started[0][1][-2:] == ["--data-dir", str(demo.root)]
    assert demo.root.parent == ctx.db.data_dir.root.parent and demo.is_demo
    assert assets_and_history(ctx) == before  # the real database: untouched
    assert win.statusBar().currentMessage() == "デモ環境を別のウィンドウで開いています…"
    win.open_demo()  # made once: opened again at once, no question
    assert len(started) == 2 and len(asked) == 1


def test_a_folder_of_real_data_beside_is_never_taken_for_the_demo(qtbot, ctx, monkeypatch) -> None:
    from app.store.database import open_database

    demo = DataDir(demo_dir_for(ctx.db.data_dir.root))
    open_database(demo).dispose()  # a real database where the demo would go
    win = make_window(qtbot, ctx)
    started: list[object] = []
    warned: list[str] = []
    win._demo_opener = DemoOpener(win, ctx, start=lambda *a: started.append(a))
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warned.append(text))
    win.open_demo()
    assert started == [] and not demo.is_demo
    assert "実際のデータベースがあります" in warned[0]


def test_the_demo_window_says_so(qtbot, ctx) -> None:
    ctx.db.data_dir.demo_marker.write_text("demo", encoding="utf-8")
    win = make_window(qtbot, ctx)
    assert win.windowTitle().endswith("［デモ環境］")
    assert win.demo_banner is not None and win.demo_banner.isVisible()
    assert "デモ環境です" in win.demo_banner.text()
    assert "影響しません" in win.demo_banner.text()
    assert "デモデータを読み込む…" in menu_texts(win)
    assert win.findChild(QLabel, "demoBanner") is win.demo_banner


@pytest.fixture
def filled(ctx):
    generate_demo(ctx.db.sessions, size="small")
    return ctx


def answer_reset(monkeypatch, word: str) -> list[str]:
    asked: list[str] = []

    def get_text(_parent, _title, label, *_a, **_k):
        asked.append(label)
        return word, True

    monkeypatch.setattr(QInputDialog, "getText", get_text)
    return asked


def test_emptying_names_what_goes_backs_up_then_empties(qtbot, filled, monkeypatch) -> None:
    ctx = filled
    win = make_window(qtbot, ctx)
    assert "データベースを空にする…" in menu_texts(win)
    asked = answer_reset(monkeypatch, "削除")
    from app.ui.reset_dialog import DatabaseReset

    reset = DatabaseReset(win, ctx)
    with qtbot.waitSignal(reset.finished, timeout=60_000) as done:
        reset.start()
    backup = done.args[0]
    assert "・資産 200 件" in asked[0] and "・部署 " in asked[0]
    assert str(ctx.db.data_dir.backups) in asked[0] and "「削除」と入力" in asked[0]
    assert backup.exists() and backup.parent == ctx.db.data_dir.backups
    assert assets_and_history(ctx)[0] == 0
    assert "データベースを空にしました" in win.statusBar().currentMessage()
    qtbot.waitUntil(lambda: win.dashboard._demo_button.isVisible(), timeout=10_000)


def test_emptying_without_the_word_changes_nothing(qtbot, filled, monkeypatch) -> None:
    ctx = filled
    win = make_window(qtbot, ctx)
    answer_reset(monkeypatch, "はい")
    before = assets_and_history(ctx)
    from app.ui.reset_dialog import DatabaseReset

    reset = DatabaseReset(win, ctx)
    with qtbot.waitSignal(reset.finished, timeout=30_000) as done:
        reset.start()
    assert done.args[0] is None and assets_and_history(ctx) == before
    assert not list(ctx.db.data_dir.backups.glob("before-reset-*"))
    assert "何も変更していません" in win.statusBar().currentMessage()


def test_emptying_stops_when_the_backup_cannot_be_made(qtbot, filled, monkeypatch) -> None:
    ctx = filled
    win = make_window(qtbot, ctx)
    answer_reset(monkeypatch, "削除")
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warned.append(text))
    backups = ctx.db.data_dir.backups
    if backups.exists():
        for p in backups.iterdir():
            p.unlink()
        backups.rmdir()
    backups.write_text("not a folder")  # e.g. a USB drive pulled, a name taken by a file
    before = assets_and_history(ctx)
    from app.ui.reset_dialog import DatabaseReset

    reset = DatabaseReset(win, ctx)
    with qtbot.waitSignal(reset.finished, timeout=30_000) as done:
        reset.start()
    assert isinstance(done.args[0], Exception)
    assert "何も削除していません" in warned[0]
    assert assets_and_history(ctx) == before
