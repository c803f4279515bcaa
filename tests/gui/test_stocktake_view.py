"""The 棚卸 view: start a session, scan with the keyboard (a barcode reader), see results
in colour, counters, the report and its CSV; rapid scans are neither lost nor reordered."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlalchemy import func, insert, select

from app.services.inventory.assets import create_asset
from app.services.inventory.stocktake import record_scan, start_session
from app.store.models import Asset, Location, StocktakeScan
from app.ui.inventory.stocktake_report import report_row_tags
from app.ui.inventory.stocktake_scan import KIND_ROLE, STYLES, TAG_ROLE
from app.ui.inventory.stocktake_view import StocktakeView

pytestmark = pytest.mark.gui
TODAY = date(2026, 11, 1)


@pytest.fixture
def places(db) -> dict[str, int]:
    with db.sessions.begin() as s:
        rows = {"honcho": Location(name="本庁舎2F"), "bekkan": Location(name="別館1F")}
        s.add_all(rows.values())
        s.flush()
        return {k: v.id for k, v in rows.items()}


@pytest.fixture
def ledger(db, places) -> dict[str, int]:
    specs: dict[str, dict[str, Any]] = {
        "pc1": {"asset_tag": "HT-001", "name": "事務用PC 1", "location_id": places["honcho"]},
        "pc2": {"asset_tag": "HT-002", "name": "事務用PC 2", "location_id": places["honcho"]},
        "pc3": {"asset_tag": "HT-003", "name": "別館PC", "location_id": places["bekkan"]},
        "old": {"asset_tag": "HT-900", "name": "廃棄端末", "status": "disposed"},
    }
    with db.sessions.begin() as s:
        return {k: create_asset(s, v).id for k, v in specs.items()}


def open_view(qtbot, ctx) -> StocktakeView:
    view = StocktakeView(ctx)
    qtbot.addWidget(view)
    view.resize(1400, 800)
    with qtbot.waitSignal(view.ready):
        view.activate()
    return view


def start(qtbot, view: StocktakeView, name: str, location_id: int | None = None) -> None:
    view.name_edit.setText(name)
    view.scope_combo.setCurrentIndex(view.scope_combo.findData(location_id))
    with qtbot.waitSignal(view.session_loaded):
        view.start_button.click()


def scan(qtbot, view: StocktakeView, text: str) -> None:
    """Type like a barcode reader: the characters, then Enter; wait until written."""
    with qtbot.waitSignal(view.scan.idle):
        qtbot.keyClicks(view.scan.scan_edit, text)
        qtbot.keyClick(view.scan.scan_edit, Qt.Key.Key_Return)


def results(view: StocktakeView) -> list[tuple[str, str]]:
    items = [view.scan.list.item(r) for r in range(view.scan.list.count())]
    return [(i.data(KIND_ROLE), i.data(TAG_ROLE)) for i in items]


def scan_rows(db) -> list[tuple[str, int | None]]:
    with db.sessions() as s:
        stmt = select(StocktakeScan.scanned_tag, StocktakeScan.asset_id).order_by(StocktakeScan.id)
        return [(t, a) for t, a in s.execute(stmt)]


def test_empty_view(qtbot, ctx) -> None:
    view = open_view(qtbot, ctx)
    assert (view.view_key, view.title) == ("stocktake", "棚卸")
    assert view.session_combo.count() == 0
    assert view.counts_label.text() == "対象 - / 読取済 - / 未確認 - / 不明 -"
    assert not view.scan.scan_edit.isEnabled()
    assert view.name_edit.text() == "2026-11-01 棚卸"
    assert "新しく始めて" in view.scan.banner.text()


def test_scan_matched_duplicate_unknown_and_wrong_place(qtbot, ctx, db, ledger, places) -> None:
    view = open_view(qtbot, ctx)
    start(qtbot, view, "令和8年度 棚卸")
    assert view.current_session() is not None
    assert view.counts_label.text() == "対象 3 / 読取済 0 / 未確認 3 / 不明 0"
    assert view.scan.scan_edit.isEnabled()
    scan(qtbot, view, "ht-001")
    scan(qtbot, view, "HT-001")
    scan(qtbot, view, "zz-999")
    view.scan.seen_combo.setCurrentIndex(view.scan.seen_combo.findData(places["honcho"]))
    scan(qtbot, view, "HT-003")
    assert results(view) == [
        ("matched", "HT-001"),
        ("duplicate", "HT-001"),
        ("unknown", "ZZ-999"),
        ("wrong_location", "HT-003"),
    ]
    for row, kind in enumerate(["matched", "duplicate", "unknown", "wrong_location"]):
        item = view.scan.list.item(row)
        assert item.background().color().name() == STYLES[kind][0]
        assert STYLES[kind][3] in item.text()
    assert "場所が違う（台帳: 別館1F）" in view.scan.list.item(3).text()
    assert view.scan.banner.property("kind") == "wrong_location"
    assert view.counts_label.text() == "対象 3 / 読取済 2 / 未確認 1 / 不明 1"
    assert scan_rows(db) == [("HT-001", ledger["pc1"]), ("ZZ-999", None), ("HT-003", ledger["pc3"])]
    with db.sessions() as s:
        assert s.get(Asset, ledger["pc3"]).location_id == places["bekkan"]  # not moved
        assert s.get(Asset, ledger["pc1"]).last_audited_on == TODAY
    # the strong flash fades back to the light tint
    qtbot.waitUntil(lambda: STYLES["wrong_location"][0] in view.scan.banner.styleSheet())


@pytest.mark.parametrize(
    ("typed", "message"),
    [("HT\x00001", "制御文字"), ("A" * 10_000, "長すぎます"), ("HT-001\x1b[2J", "制御文字")],
    ids=["nul", "10000-chars", "escape"],
)
def test_hostile_scans_show_a_message_and_write_nothing(
    qtbot, ctx, db, ledger, typed: str, message: str
) -> None:
    view = open_view(qtbot, ctx)
    start(qtbot, view, "棚卸")
    with qtbot.waitSignal(view.scan.idle):
        view.scan.scan_edit.setText(typed)  # pasted: a reader cannot type these
        qtbot.keyClick(view.scan.scan_edit, Qt.Key.Key_Return)
    assert results(view) == [("rejected", "")]
    text = view.scan.list.item(0).text()
    assert message in text and len(text) < 200
    assert scan_rows(db) == []
    assert view.counts_label.text() == "対象 3 / 読取済 0 / 未確認 3 / 不明 0"
    # Enter on an empty field (a reader's extra Enter) is ignored
    qtbot.keyClick(view.scan.scan_edit, Qt.Key.Key_Return)
    assert view.scan.list.count() == 1 and view.scan.pending_count() == 0


def test_200_rapid_scans_are_all_recorded_in_order(qtbot, ctx, db, places) -> None:
    rows = [
        {"asset_tag": f"RP-{i:03d}", "name": f"端末{i}", "custom_fields": {}} for i in range(200)
    ]
    with db.sessions.begin() as s:
        s.execute(insert(Asset), rows)
    view = open_view(qtbot, ctx)
    start(qtbot, view, "一斉読取")
    tags = [f"RP-{i:03d}" for i in range(200)]
    order = tags[::2] + tags[1::2]  # not the ledger order
    for tag in order:  # no event loop runs in between: every scan is queued
        qtbot.keyClicks(view.scan.scan_edit, tag)
        qtbot.keyClick(view.scan.scan_edit, Qt.Key.Key_Return)
    assert view.scan.scan_edit.text() == ""
    assert view.scan.pending_count() == 200
    qtbot.waitUntil(lambda: view.scan.pending_count() == 0, timeout=30_000)
    assert [t for t, _ in scan_rows(db)] == order
    assert results(view) == [("matched", t) for t in order]
    qtbot.waitUntil(lambda: view.counts_label.text() == "対象 200 / 読取済 200 / 未確認 0 / 不明 0")


def test_report_tab_and_csv(qtbot, ctx, db, ledger, tmp_path: Path, monkeypatch) -> None:
    view = open_view(qtbot, ctx)
    start(qtbot, view, "本庁舎/棚卸")
    for tag in ("HT-001", "NO-1"):
        scan(qtbot, view, tag)
    with qtbot.waitSignal(view.report.loaded):
        view.tabs.setCurrentWidget(view.report)
    report = view.report
    assert report_row_tags(report.missing_model) == ["HT-003", "HT-002"]  # by location
    assert report_row_tags(report.unknown_model) == ["NO-1"]
    assert report.tables.tabText(0) == "未確認（2）"
    assert "対象 3 件のうち 1 件を確認" in report.summary.text()
    target = tmp_path / "棚卸結果.csv"
    offered: list[str] = []

    def save_name(_parent: Any, _title: str, default: str, _filter: str) -> tuple[str, str]:
        offered.append(default)
        return str(target), "CSV"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    with qtbot.waitSignal(report.csv_saved) as blocker:
        report.csv_button.click()
    assert blocker.args == [str(target), 3]
    assert offered == ["棚卸_本庁舎_棚卸_20261101.csv"]
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "不明,NO-1" in raw.decode("utf-8-sig")
    assert "保存しました" in report.message.text()


def test_earlier_scans_are_shown_and_finish(qtbot, ctx, db, ledger, places, monkeypatch) -> None:
    with db.sessions.begin() as s:
        session_id = start_session(s, "別館", location_id=places["bekkan"], today=TODAY).id
        for tag in ("HT-003", "HT-001", "XX-1"):
            record_scan(s, session_id, tag, today=TODAY)
    view = open_view(qtbot, ctx)
    assert view.current_session().id == session_id
    assert results(view) == [
        ("matched", "HT-003"),
        ("wrong_location", "HT-001"),
        ("unknown", "XX-1"),
    ]
    assert view.scan.list.item(0).text().startswith("（前回まで）")
    assert view.counts_label.text() == "対象 1 / 読取済 1 / 未確認 0 / 不明 1"
    assert view.scan.seen_combo.currentData() == places["bekkan"]
    calls: list[Any] = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: calls.append(a) or QMessageBox.StandardButton.Yes
    )
    with qtbot.waitSignal(view.session_loaded):
        view.finish_button.click()
    assert len(calls) == 1 and "別館" in calls[0][2]
    assert view.current_session().finished_on == TODAY
    assert "[終了]" in view.session_combo.currentText()
    assert not view.scan.scan_edit.isEnabled()
    assert not view.finish_button.isEnabled()
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(StocktakeScan)) == 3
