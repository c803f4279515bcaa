"""Regenerate docs/screenshots/*.png from the real windows on small demo data.

QT_QPA_PLATFORM=offscreen python docs/make_screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.paths import DataDir  # noqa: E402
from app.services.demo import generate_demo  # noqa: E402
from app.store.database import open_database  # noqa: E402
from app.store.models import Asset  # noqa: E402
from app.ui.context import AppContext  # noqa: E402
from app.ui.fonts import install_fonts  # noqa: E402
from app.ui.jobs import JobRunner  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402
from app.ui.translations import install_qt_translations  # noqa: E402

OUT = REPO / "docs" / "screenshots"
TODAY = date(2026, 11, 1)


def wait_for(signal, timeout_ms: int = 30_000) -> None:  # type: ignore[no-untyped-def]
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    signal.disconnect(loop.quit)


def settle(ms: int = 300) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _ledger_csv(db) -> str:  # type: ignore[no-untyped-def]
    """A small Systemwalker-like ledger: new PCs, one known asset, one bad row."""
    from sqlalchemy import select

    from app.store.models import Asset

    with db.sessions() as session:
        known = session.scalars(select(Asset.asset_tag).order_by(Asset.id).limit(1)).one()
    lines = ["資産管理番号,機器名,分類,部門名,設置場所,IPアドレス,リース終了日,リース契約No"]
    for i in range(1, 9):
        kind = "デスクトップPC" if i < 5 else "PC" if i < 7 else "ﾉｰﾄPC"
        lines.append(f"2026-{i:04d},事務用PC {i},{kind},総務課,本庁舎2F,"
                     f"10.1.0.{i},R13.3.31,L-2026-01")  # fmt: skip
    lines.append(f"{known},サーバ室 仮想基盤,,情報政策課,サーバ室,10.0.0.10,R10.3.31,")
    lines.append("2026-0099,事務用PC 99,デスクトップPC,髙田支所,①号館,10.1.0.256,R8.2.30,")
    return "\r\n".join(lines) + "\r\n"


def capture_views(window: MainWindow, suffix: str) -> None:
    """Every view of the window at its current size, as <view><suffix>.png."""
    window.show_view("dashboard")
    settle(800)
    window.grab().save(str(OUT / f"dashboard{suffix}.png"))

    window.show_view("assets")
    wait_for(window.assets.ready)
    ledger = window.assets
    ledger.tabs.setCurrentIndex(0)
    ledger.show_asset(5)
    settle(800)
    window.grab().save(str(OUT / f"assets{suffix}.png"))

    ledger.tabs.setCurrentWidget(ledger.history)
    ledger.history.show_record(Asset, 5)
    settle(800)
    window.grab().save(str(OUT / f"history{suffix}.png"))
    ledger.tabs.setCurrentIndex(0)

    window.search_box.setText("保守")
    window.open_search()
    wait_for(window.search_dialog.results_shown)
    settle()
    if not suffix:
        window.search_dialog.grab().save(str(OUT / "search.png"))
    window.search_dialog.close()
    window.search_box.clear()

    window.show_view("assets")
    for key in ("contracts", "vendors", "licenses", "systems", "warnings", "stocktake"):
        window.inventory.show_tab(key)
        settle(1500)
        page = window.inventory.pages[key]
        if hasattr(page, "table") and hasattr(page.table, "selectRow"):
            page.table.selectRow(0)
            settle(800)
        window.grab().save(str(OUT / f"{key}{suffix}.png"))

    capture_worklog(window, suffix)
    capture_notices(window, suffix)


def capture_notices(window: MainWindow, suffix: str) -> None:
    """通知・法令: the notices, the regulations register (a lagging rule chosen), the Q&A
    notes and a new digest."""
    window.show_view("notices")
    area = window._view(window.view_keys.index("notices"))
    notices = area.notices
    settle(1500)
    notices.table.selectRow(0)
    settle(1200)
    window.grab().save(str(OUT / f"notices{suffix}.png"))
    area.show_tab("regulations")
    settle(1500)
    regulations = area.regulations
    lagging = next((r for r in range(regulations.model.rowCount())
                    if regulations.model.row_object(r).lagging), 0)  # fmt: skip
    regulations.show_record(regulations.model.row_object(lagging).id)
    settle(800)
    regulations.regulation_editor.sections.setCurrentIndex(2)  # 追随関係
    settle(800)
    window.grab().save(str(OUT / f"regulations{suffix}.png"))
    area.show_tab("knowledge")
    settle(1500)
    area.knowledge.table.selectRow(0)
    settle(1200)
    window.grab().save(str(OUT / f"knowledge{suffix}.png"))
    area.show_tab("digests")
    settle(2500)
    window.grab().save(str(OUT / f"digests{suffix}.png"))
    area.show_tab("notices")


def capture_worklog(window: MainWindow, suffix: str) -> None:
    """作業ログ: the list, the 集計 tab, and (at 1366) the quick entry over it."""
    window.show_view("worklog")
    view = window._view(window.view_keys.index("worklog"))
    settle(1500)
    view.table.selectRow(0)
    window.grab().save(str(OUT / f"worklog{suffix}.png"))
    view.tabs.setCurrentWidget(view.tasks)
    settle(1500)
    window.grab().save(str(OUT / f"tasks{suffix}.png"))
    view.tabs.setCurrentWidget(view.schedule)
    settle(1500)
    window.grab().save(str(OUT / f"schedule{suffix}.png"))
    view.tabs.setCurrentWidget(view.summary)
    settle(1500)
    window.grab().save(str(OUT / f"worklog-summary{suffix}.png"))
    view.tabs.setCurrentIndex(0)
    if suffix:
        return
    dialog = window.record_work_action.trigger() or view.dialogs()[-1]
    settle(800)
    dialog.title_edit.setText("総務課 複合機のスキャン設定")
    dialog.category.setEditText("問い合わせ対応")
    dialog.minutes.setText("20")
    dialog.body.setPlainText("スキャン送信先のフォルダを追加。共有フォルダの権限も確認した。")
    dialog.links.kind.setCurrentIndex(0)
    dialog.links.typed.setText("複合機")
    dialog.links.lookup.look_up()
    settle(800)
    dialog.grab().save(str(OUT / "worklog-entry.png"))
    dialog.links.completer.popup().hide()
    dialog._baseline = dialog._state()  # left without asking
    dialog.close()


def capture_restore(ctx: AppContext, window: MainWindow) -> None:
    """File ▸ バックアップから復元…, a generation chosen and verified."""
    from app.services.backups import BackupPlan, make_backups
    from app.ui.restore_dialog import RestoreDialog

    data_dir = ctx.db.data_dir
    make_backups(data_dir, BackupPlan(), reason="auto")
    make_backups(data_dir, BackupPlan(), reason="manual")
    dialog = RestoreDialog(window, ctx, None)
    dialog.show()
    dialog.table.selectRow(1)
    for _ in range(100):
        if dialog.restore_button.isEnabled():
            break
        settle(100)
    settle(200)
    dialog.grab().save(str(OUT / "restore.png"))
    dialog.close()


def main() -> int:
    app = QApplication(sys.argv[:1])
    install_fonts(app)
    install_qt_translations(app)
    tmp = Path(tempfile.mkdtemp(prefix="hitori-shots-"))
    data_dir = DataDir(tmp)
    data_dir.demo_marker.write_text("demo", encoding="utf-8")  # the demo environment
    db = open_database(data_dir, actor="yamada")
    generate_demo(db.sessions, size="small", seed=1, today=TODAY)
    ctx = AppContext(
        db=db,
        jobs=JobRunner(),
        settings=QSettings(str(data_dir.settings_path), QSettings.Format.IniFormat),
        fixed_today=TODAY,
    )
    window = MainWindow(ctx, data_dir_text=str(data_dir.root))
    window.show()
    wait_for(window.dashboard.ready)
    OUT.mkdir(parents=True, exist_ok=True)
    with db.sessions.begin() as s:
        from app.services.inventory.assets import update_asset

        update_asset(s, 5, {"status": "retiring", "notes": "令和9年3月 更新予定"})
    # The most common office screen (less its taskbar), then a large one.
    for (width, height), suffix in (((1366, 728), ""), ((1920, 1040), "-1920")):
        window.resize(width, height)
        capture_views(window, suffix)

    from app.ui.assets.import_wizard import AssetImportWizard

    wizard = AssetImportWizard(ctx, window)
    wizard.resize(1000, 700)
    wizard.show()
    settle(500)
    ledger = tmp / "機器台帳.csv"
    ledger.write_bytes(_ledger_csv(db).encode("cp932"))
    wizard.file_page.load(str(ledger))
    wait_for(wizard.file_page.loaded)
    wizard.next()
    wait_for(wizard.mapping_page.profiles_loaded)
    wizard.next()
    wait_for(wizard.values_page.found)
    settle(300)
    wizard.grab().save(str(OUT / "import-values.png"))
    from app.services.inventory.import_values import ValueChoice

    if wizard.values_page.combo_for("PC").currentData() is None:
        wizard.values_page.choose("PC", ValueChoice.map("デスクトップPC"))
    wizard.values_page.create_rest.click()
    wizard.next()
    wait_for(wizard.preview_page.previewed)
    settle(500)
    wizard.grab().save(str(OUT / "import.png"))
    wizard.close()

    capture_restore(ctx, window)
    ctx.jobs.shutdown()
    db.dispose()
    print("\n".join(sorted(p.name for p in OUT.glob("*.png"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
