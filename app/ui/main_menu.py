"""The main window's menu bar: ファイル (demo, quick entry, imports and exports, the
calendar, backups and restore, emptying the database), 表示 (the navigation, how dates
are shown, the areas by Ctrl+1…) and ヘルプ. The actions call the window's methods; the
window keeps ``record_work_action``, ``nav_action`` and ``date_actions``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QActionGroup, QKeySequence

from app.ui import date_style

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

# 作業を記録 from anywhere; on the ledger Ctrl+N is its own 新規登録 (MainWindow._switch).
QUICK_ENTRY_KEYS = [QKeySequence("Ctrl+N"), QKeySequence("Ctrl+Shift+N")]


def build_menus(window: MainWindow) -> None:
    file_menu = window.menuBar().addMenu(window.tr("ファイル(&F)"))
    if window.ctx.db.data_dir.is_demo:
        demo = file_menu.addAction(window.tr("デモデータを読み込む…"))
    else:
        demo = file_menu.addAction(window.tr("デモ環境を開く…"))
    demo.triggered.connect(window.open_demo)
    file_menu.addSeparator()
    # Ctrl+N from anywhere; on the ledger, Ctrl+N is its 新規登録 (_switch), and
    # Ctrl+Shift+N still records work.
    window.record_work_action = file_menu.addAction(window.tr("作業を記録…"))
    window.record_work_action.setShortcuts(QUICK_ENTRY_KEYS)
    window.record_work_action.triggered.connect(window.record_work)
    file_menu.addSeparator()
    imports = file_menu.addAction(window.tr("台帳ファイルを取り込む（CSV / Excel）…"))
    imports.triggered.connect(lambda: window._on_ledger(lambda v: v.open_import()))
    exports = file_menu.addAction(window.tr("表示中の資産を書き出す（資産台帳）…"))
    exports.triggered.connect(lambda: window._on_ledger(lambda v: v.actions_button.export_ledger()))
    calendar = file_menu.addAction(window.tr("期限を予定表に書き出す（.ics）…"))
    calendar.triggered.connect(window.export_calendar)
    file_menu.addSeparator()
    backup = file_menu.addAction(window.tr("今すぐバックアップ"))
    backup.triggered.connect(window.backup_now)
    restore = file_menu.addAction(window.tr("バックアップから復元…"))
    restore.triggered.connect(window.choose_restore)
    settings = file_menu.addAction(window.tr("バックアップの設定…"))
    settings.triggered.connect(window.edit_backup_settings)
    file_menu.addSeparator()
    reset = file_menu.addAction(window.tr("データベースを空にする…"))
    reset.triggered.connect(window.reset_database)
    file_menu.addSeparator()
    quit_action = file_menu.addAction(window.tr("終了(&X)"))
    quit_action.setShortcut(QKeySequence.StandardKey.Quit)
    quit_action.triggered.connect(window.close)
    view_menu = window.menuBar().addMenu(window.tr("表示(&V)"))
    window.nav_action = view_menu.addAction(window.tr("ナビゲーションを表示"))
    window.nav_action.setCheckable(True)
    window.nav_action.setChecked(window.splitter.sizes()[0] > 0)
    window.nav_action.setShortcut(QKeySequence("Ctrl+B"))
    window.nav_action.toggled.connect(window.show_navigation)
    window.splitter.splitterMoved.connect(
        lambda _pos, _i: window.nav_action.setChecked(window.splitter.sizes()[0] > 0)
    )
    dates = view_menu.addMenu(window.tr("日付の表示"))
    window.date_actions = QActionGroup(window)
    for style, label in date_style.STYLES.items():
        action = dates.addAction(window.tr(label))
        action.setCheckable(True)
        action.setData(style)
        action.setChecked(style == date_style.date_style())
        window.date_actions.addAction(action)
    window.date_actions.triggered.connect(lambda a: window.set_date_style(str(a.data())))
    view_menu.addSeparator()
    for i, area in enumerate(window._areas):
        action = view_menu.addAction(area.title)
        action.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
        action.triggered.connect(lambda _=False, row=i: window.nav.setCurrentRow(row))

    help_menu = window.menuBar().addMenu(window.tr("ヘルプ(&H)"))
    manual = help_menu.addAction(window.tr("利用の手引き"))
    manual.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
    manual.triggered.connect(window.show_manual)
    about = help_menu.addAction(window.tr("バージョン情報"))
    about.triggered.connect(window.show_about)
