"""The dashboard and lists tell the truth: a count says what it leaves out, a card that
is a link opens its list, an area not built says 準備中 and is not a link, 詳細 says how
soon, contracts list current ones first, the ledger explains its row colours."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QLabel

from app.services.dashboard import dashboard_summary
from app.services.inventory.assets import create_asset
from app.services.inventory.contracts import load_contract_rows
from app.store.models import Contract, Task, Vendor
from tests.gui.windows import open_main_window

pytestmark = pytest.mark.gui

TODAY = date(2026, 11, 1)


@pytest.fixture
def filled(db) -> None:
    with db.sessions.begin() as s:
        vendor = Vendor(name="架空リース株式会社")
        s.add(vendor)
        s.flush()
        for i, status in enumerate(["in_use", "in_use", "spare", "disposed"]):
            create_asset(s, {"asset_tag": f"PC-{i}", "name": f"PC {i}", "status": status,
                             "maintenance_end": date(2026, 11, 10)})  # fmt: skip
        s.add_all([
            Contract(title="旧リース", kind="lease", end_date=date(2024, 10, 31)),
            Contract(title="もっと旧いリース", kind="lease", end_date=date(2021, 3, 31)),
            Contract(title="保守（期限なし）", kind="maintenance"),
            Contract(title="現行リース", kind="lease", end_date=date(2026, 11, 30),
                     vendor_id=vendor.id),
            Contract(title="次期保守", kind="maintenance", end_date=date(2027, 3, 31)),
            Task(title="予算要求", due_date=date(2026, 11, 1)),
        ])  # fmt: skip


def test_counts_say_what_they_leave_out_and_details_say_how_soon(db, filled) -> None:
    with db.sessions() as s:
        summary = dashboard_summary(s, TODAY)
    assert summary.counts["資産"] == 3 and summary.excluded == {"資産": "廃棄済 1 件を除く"}
    details = {(d.kind, d.title): d.detail for d in summary.due}
    assert details[("タスク期限", "予算要求")].startswith("今日・")
    assert details[("契約終了", "現行リース")] == "あと29日・架空リース株式会社"
    assert details[("保守終了", "PC-0　PC 0")] == "あと9日"
    assert ("保守終了", "PC-3　PC 3") not in details  # disposed
    assert all(d.detail for d in summary.due)  # no empty 詳細


def test_contracts_list_current_ones_first(db, filled) -> None:
    with db.sessions() as s:
        titles = [r.title for r in load_contract_rows(s, TODAY)]
    assert titles == ["現行リース", "次期保守", "保守（期限なし）", "旧リース", "もっと旧いリース"]


def test_cards_open_their_lists_and_unbuilt_areas_say_so(qtbot, ctx, filled) -> None:
    win = open_main_window(qtbot, ctx)
    cards = {c.text().split("<br>")[0]: c for c in win.dashboard.findChildren(QLabel, "card")}
    asset_card = next(c for k, c in cards.items() if ">資産<" in k)
    assert "href='assets:assets'" in asset_card.text() and "廃棄済 1 件を除く" in asset_card.text()
    worklog = next(c for k, c in cards.items() if ">作業ログ<" in k)
    assert "href='worklog'" in worklog.text()
    runbooks = next(c for k, c in cards.items() if ">手順書<" in k)
    assert "href" not in runbooks.text() and "準備中" in runbooks.text()
    contracts = next(c for k, c in cards.items() if ">契約<" in k)
    with qtbot.waitSignal(win.dashboard.open_area, timeout=5_000) as opened:
        contracts.linkActivated.emit("assets:contracts")
    assert opened.args == ["assets", "contracts"]
    assert win.view_keys[win.nav.currentRow()] == "assets"
    assert win.inventory.current_key() == "contracts"
    overdue = next(
        c for c in win.dashboard.findChildren(QLabel, "warning") if "期限切れタスク" in c.text()
    )
    assert "準備中" not in overdue.text()  # a count of 0 is no link; any other opens the tasks
    overdue.linkActivated.emit("overdue_tasks")
    worklog_view = win._view(win.view_keys.index("worklog"))
    assert win.view_keys[win.nav.currentRow()] == "worklog"
    assert worklog_view.tabs.currentWidget() is worklog_view.tasks


def test_the_ledger_explains_its_row_colours(qtbot, ctx, filled) -> None:
    from app.ui.assets.ledger_view import AssetLedgerView

    view = AssetLedgerView(ctx)
    qtbot.addWidget(view)
    text = view.legend.text()
    assert text.startswith("行の色:")
    assert "EOL（サポート終了）を過ぎています・保守が切れています" in text
    assert "保守終了まで6か月以内です" in text and "#f8d7da" in text
