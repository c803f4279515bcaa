"""Search that finds what was meant: every hit reachable (「さらに表示」), an asset named
exactly by its tag, IP, MAC or host name first, no timing shown, a window that does
not stay above the others — through the service, `hitori search`'s path and the panel."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt

from app.services.inventory.assets import create_asset
from app.services.search import global_search, search_connection
from app.ui.search_panel import MORE, MORE_STEP, SearchDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def many(db) -> None:
    """130 assets named 「総務課 …」, and one whose identifiers are sought exactly."""
    with db.sessions.begin() as s:
        for i in range(130):
            create_asset(s, {"asset_tag": f"PC-{i:04d}", "name": f"総務課 事務用PC {i}"})
        create_asset(s, {"asset_tag": "SV-0001", "name": "ファイルサーバ", "hostname": "SOMU-FS01",
                         "ip_address": "10.1.2.3", "mac_address": "00:1B:44:11:3A:B7",
                         "notes": "PC-0007 の隣"})  # fmt: skip


@pytest.mark.parametrize(
    "query", ["SV-0001", "sv-0001", "10.1.2.3", "00-1b-44-11-3a-b7", "somu-fs01", "SOMU-FS01"]
)
def test_an_asset_named_exactly_comes_first(db, many, query) -> None:
    with db.sessions() as s:
        results = global_search(s, query)
    first = results.groups[0].hits[0]
    assert (first.kind, first.title) == ("asset", "ファイルサーバ")
    conn = sqlite3.connect(db.data_dir.db_path)  # `hitori search`'s path ranks alike
    try:
        plain = search_connection(conn, query)
    finally:
        conn.close()
    assert plain.groups[0].hits[0].title == "ファイルサーバ"


def test_every_hit_can_be_reached(db, many) -> None:
    with db.sessions() as s:
        top = global_search(s, "総務課")
        more = global_search(s, "総務課", more={"asset": 200})
    assets = next(g for g in top.groups if g.kind == "asset")
    assert len(assets.hits) == 8 and assets.more
    everything = next(g for g in more.groups if g.kind == "asset")
    assert len(everything.hits) == 130 and not everything.more  # beyond the 60 candidates


def test_the_panel_shows_more_and_no_timing(qtbot, ctx, many) -> None:
    dialog = SearchDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.parent() is None  # its own window: it does not stay above the others
    with qtbot.waitSignal(dialog.results_shown, timeout=10_000) as shown:
        dialog.search("総務課")
    assert shown.args == [8]
    assert dialog.status.text() == "8 件（「さらに表示」で続きを表示）"
    assert "ms" not in dialog.status.text()
    group = dialog.tree.topLevelItem(0)
    assert group.text(0) == "資産（8件以上）"
    more = group.child(group.childCount() - 1)
    assert more.data(0, Qt.ItemDataRole.UserRole) == (MORE, "asset")
    assert more.text(0) == f"さらに表示（次の{MORE_STEP}件）…"
    with qtbot.waitSignal(dialog.results_shown, timeout=10_000) as shown:
        dialog.tree.itemActivated.emit(more, 0)
    assert shown.args == [8 + MORE_STEP]
    with qtbot.waitSignal(dialog.results_shown, timeout=10_000):
        dialog.show_more("asset")
    with qtbot.waitSignal(dialog.results_shown, timeout=10_000) as shown:
        dialog.show_more("asset")
    assert shown.args == [130] and dialog.status.text() == "130 件"
    with qtbot.waitSignal(dialog.results_shown, timeout=10_000) as shown:
        dialog.search("ファイル")  # a new query starts again from the top of each group
    assert dialog._more == {}


def test_repeated_titles_are_told_apart_by_their_date(qtbot, ctx, db) -> None:
    """The same work done every month: each hit shows its 作業日, as the user sees dates."""
    from datetime import date

    from app.store.models import WorkLogEntry
    from app.ui import date_style

    days = [date(2026, m, 1) for m in (8, 9, 10)]
    with db.sessions.begin() as s:
        for day in days:
            s.add(WorkLogEntry(occurred_on=day, title="月次バックアップ確認", category="運用"))
    with db.sessions() as s:
        (group,) = [g for g in global_search(s, "月次バックアップ").groups if g.kind == "worklog"]
    assert sorted(h.when for h in group.hits) == days
    assert {h.when_label for h in group.hits} == {"作業日"}
    dialog = SearchDialog(ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.results_shown, timeout=10_000):
        dialog.search("月次バックアップ")
    top = dialog.tree.topLevelItem(0)
    shown = sorted(top.child(i).text(2) for i in range(top.childCount()))
    assert shown == [f"作業日 {date_style.shown(d)}" for d in days]
    assert len({top.child(i).text(0) for i in range(top.childCount())}) == 1  # same title


def test_attachments_of_the_same_name_say_whose_they_are(db, tmp_path) -> None:
    from app.services import attachments
    from app.services.inventory import contracts
    from app.store import attachments as store
    from app.store.attachments import AttachmentFiles

    store.install(db.sessions)
    files = AttachmentFiles(db.data_dir.root)
    pdf = tmp_path / "保守契約書.pdf"
    pdf.write_bytes(b"%PDF-1.4 contract")
    with db.sessions.begin() as s:
        for title in ("住民記録システム保守", "複合機保守"):
            contract = contracts.create_contract(s, {"title": title})
            attachments.attach(s, files, "contract", contract.id, pdf)
    with db.sessions() as s:
        (group,) = [g for g in global_search(s, "保守契約書").groups if g.kind == "attachment"]
    assert sorted(h.subtitle for h in group.hits) == [
        "契約「住民記録システム保守」",
        "契約「複合機保守」",
    ]
