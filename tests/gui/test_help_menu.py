"""ヘルプ: the bundled manual opens offline; バージョン情報 names the version, data folder,
schema revision and the licences (the font's in full); File reaches import and export."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFileDialog

from app import __version__
from app.ui.help_dialogs import AboutDialog, ManualDialog, manual_text
from tests.gui.windows import open_main_window

pytestmark = pytest.mark.gui


make_window = open_main_window


def menu(win, title: str) -> list[str]:
    found = next(a.menu() for a in win.menuBar().actions() if a.text() == title)
    return [a.text() for a in found.actions() if a.text()]


def test_the_help_menu_has_the_manual_and_about(qtbot, ctx) -> None:
    win = make_window(qtbot, ctx)
    assert menu(win, "ヘルプ(&H)") == ["利用の手引き", "バージョン情報"]
    file_items = menu(win, "ファイル(&F)")
    assert "台帳ファイルを取り込む（CSV / Excel）…" in file_items
    assert "表示中の資産を書き出す（資産台帳）…" in file_items


def test_the_manual_is_bundled_and_rendered(qtbot) -> None:
    text = manual_text()
    assert text.startswith("# ひとり情シス手帳 利用の手引き") and "値の対応" in text
    dialog = ManualDialog()
    qtbot.addWidget(dialog)
    shown = dialog.browser.toPlainText()
    assert "デモ環境" in shown and "# " not in shown.splitlines()[0]  # rendered, not source
    assert not dialog.browser.openExternalLinks()


def test_about_names_version_folder_schema_and_licences(qtbot, ctx) -> None:
    dialog = AboutDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "バージョン" in dialog.summary.text(), timeout=10_000)
    summary = dialog.summary.text()
    assert f"バージョン {__version__}" in summary
    assert str(ctx.db.data_dir.root) in summary
    with ctx.db.sessions() as s:
        from sqlalchemy import text

        revision = s.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert f"スキーマ: {revision}" in summary
    licences = dialog.licences.toPlainText()
    assert "MIT License" in licences and "IPAフォントライセンスv1.0" in licences
    assert "SQLAlchemy" in licences and "LGPL" in licences
    assert dialog.font_licence.toPlainText().startswith("IPAフォントライセンスv1.0")


def test_file_menu_import_opens_the_wizard_on_the_ledger(qtbot, ctx, monkeypatch) -> None:
    win = make_window(qtbot, ctx)
    opened: list[object] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))
    file_menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "ファイル(&F)")
    action = next(a for a in file_menu.actions() if a.text().startswith("台帳ファイルを取り込む"))
    monkeypatch.setattr(type(win.assets), "open_import", lambda view: opened.append(view))
    action.trigger()
    assert opened == [win.assets] and win.view_keys[win.nav.currentRow()] == "assets"
