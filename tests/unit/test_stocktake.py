"""棚卸: scan normalisation, hostile input, duplicates, unknown tags, scope and reports."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from app.services.errors import NotFoundError, ValidationError
from app.services.inventory.assets import create_asset
from app.services.inventory.stocktake import (
    InvalidScanError,
    SessionClosedError,
    finish_session,
    list_scans,
    list_sessions,
    normalize_tag,
    record_scan,
    start_session,
)
from app.services.inventory.stocktake_report import session_counts, session_report, write_report_csv
from app.store.models import Asset, ChangeLogEntry, Location, StocktakeScan

TODAY = date(2026, 11, 1)


@pytest.fixture
def places(db) -> dict[str, int]:
    with db.sessions.begin() as s:
        rows = {"honcho": Location(name="本庁舎2F"), "bekkan": Location(name="別館1F")}
        s.add_all(rows.values())
        s.flush()
        return {k: v.id for k, v in rows.items()}


@pytest.fixture
def ledger(db, places: dict[str, int]) -> dict[str, int]:
    specs: dict[str, dict[str, Any]] = {
        "pc1": {"asset_tag": "HT-001", "name": "事務用PC 1", "location_id": places["honcho"]},
        "pc2": {"asset_tag": "HT-002", "name": "事務用PC 2", "location_id": places["honcho"]},
        "pc3": {"asset_tag": "HT-003", "name": "別館PC", "location_id": places["bekkan"]},
        "old": {
            "asset_tag": "HT-900",
            "name": "廃棄した端末",
            "location_id": places["honcho"],
            "status": "disposed",
        },
        "lower": {"asset_tag": "nw-sw-01", "name": "スイッチ", "location_id": places["bekkan"]},
    }
    with db.sessions.begin() as s:
        return {k: create_asset(s, v).id for k, v in specs.items()}


def new_session(db, **kwargs: Any) -> int:
    with db.sessions.begin() as s:
        return start_session(s, kwargs.pop("name", "令和8年度 棚卸"), today=TODAY, **kwargs).id


def scan(db, session_id: int, raw: str, **kwargs: Any):
    with db.sessions.begin() as s:
        return record_scan(s, session_id, raw, today=TODAY, **kwargs)


def written(db) -> tuple[int, int, list[Any]]:
    """Scan rows, history rows and every asset's 最終棚卸日."""
    with db.sessions() as s:
        scans = s.scalar(select(func.count()).select_from(StocktakeScan)) or 0
        history = s.scalar(select(func.count()).select_from(ChangeLogEntry)) or 0
        audited = list(s.scalars(select(Asset.last_audited_on).order_by(Asset.id)))
    return scans, history, audited


# --- normalisation and hostile input ---------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "tag"),
    [
        ("ＨＴ－００１", "HT-001"),
        ("HT-001\r", "HT-001"),
        ("HT-001\r\n", "HT-001"),
        ("HT-001\t", "HT-001"),
        ("  ht-001  ", "HT-001"),
        ("htー001", "HT-001"),  # romaji input with the IME on turns "-" into ー
        ("ｈｔ－００１\n", "HT-001"),
        ("総務-ｐｃ-1", "総務-PC-1"),
        ("サーバー-1", "サーバー-1"),  # not an ASCII tag: ー is kept
    ],
)
def test_normalize_tag(raw: str, tag: str) -> None:
    assert normalize_tag(raw) == tag


HOSTILE = [
    ("HT\x00001", "制御文字"),
    ("HT-001\x1b[31m", "制御文字"),
    ("HT\t001", "制御文字"),
    ("\u200bHT-001", "制御文字"),
    ("A" * 10_000, "長すぎます（60文字まで、10,000文字）"),
    ("A" * 61, "長すぎます（60文字まで、61文字）"),
    ("     ", "空です"),
    ("　\r\n", "空です"),
    ("", "空です"),
]


@pytest.mark.parametrize(("raw", "message"), HOSTILE, ids=[m for _, m in HOSTILE])
def test_hostile_scans_are_refused_and_nothing_is_written(
    db, ledger, raw: str, message: str
) -> None:
    session_id = new_session(db)
    before = written(db)
    with pytest.raises(InvalidScanError, match=message):
        scan(db, session_id, raw)
    assert written(db) == before


def test_not_a_string_is_refused(db, ledger) -> None:
    session_id = new_session(db)
    with pytest.raises(InvalidScanError, match="文字列ではありません"):
        scan(db, session_id, 12345)


# --- scanning --------------------------------------------------------------------------


def test_known_tag_is_recorded_and_audited_today(db, ledger) -> None:
    session_id = new_session(db)
    outcome = scan(db, session_id, "ＨＴ－００１\r")
    assert (outcome.kind, outcome.asset_id, outcome.tag) == ("matched", ledger["pc1"], "HT-001")
    assert "事務用PC 1" in outcome.message_ja
    assert not outcome.wrong_location and outcome.in_scope
    with db.sessions() as s:
        assert s.get(Asset, ledger["pc1"]).last_audited_on == TODAY
        assert s.get(Asset, ledger["pc2"]).last_audited_on is None
        (row,) = s.scalars(select(StocktakeScan))
        assert (row.scanned_tag, row.asset_id, row.seen_location_id) == (
            "HT-001",
            ledger["pc1"],
            None,
        )
        history = s.scalars(
            select(ChangeLogEntry).where(ChangeLogEntry.field == "last_audited_on")
        ).all()
        assert [(h.row_id, h.new_value) for h in history] == [(str(ledger["pc1"]), "2026-11-01")]


def test_lower_case_ledger_tags_are_found(db, ledger) -> None:
    session_id = new_session(db)
    outcome = scan(db, session_id, "NW-SW-01")
    assert (outcome.kind, outcome.asset_id) == ("matched", ledger["lower"])


def test_duplicates_are_ignored(db, ledger) -> None:
    session_id = new_session(db)
    scan(db, session_id, "HT-001")
    before = written(db)
    for raw in ("HT-001", "ht-001\r\n", "ＨＴ－００１"):
        outcome = scan(db, session_id, raw)
        assert (outcome.kind, outcome.asset_id) == ("duplicate", ledger["pc1"])
        assert "読取済み" in outcome.message_ja
    assert written(db) == before
    other = new_session(db, name="別の棚卸")
    assert scan(db, other, "HT-001").kind == "matched"  # a new session starts afresh


def test_unknown_tags_are_recorded_once(db, ledger) -> None:
    session_id = new_session(db)
    before = written(db)
    outcome = scan(db, session_id, "zz-999")
    assert (outcome.kind, outcome.asset_id, outcome.tag) == ("unknown", None, "ZZ-999")
    assert "台帳にない" in outcome.message_ja
    assert scan(db, session_id, "ZZ-999\r").kind == "duplicate"
    scans, history, audited = written(db)
    assert (scans, history, audited) == (before[0] + 1, before[1], before[2])
    assert session_report_of(db, session_id).unknown == ["ZZ-999"]


def test_wrong_location_is_reported_not_moved(db, ledger, places) -> None:
    session_id = new_session(db)
    outcome = scan(db, session_id, "HT-003", seen_location_id=places["honcho"])
    assert outcome.kind == "matched" and outcome.wrong_location
    assert "場所が違う（台帳: 別館1F）" in outcome.message_ja
    assert not scan(db, session_id, "HT-001", seen_location_id=places["honcho"]).wrong_location
    with db.sessions() as s:
        assert s.get(Asset, ledger["pc3"]).location_id == places["bekkan"]
    report = session_report_of(db, session_id)
    assert [
        (r.asset_tag, r.location_name, r.seen_location_name) for r in report.wrong_location
    ] == [("HT-003", "別館1F", "本庁舎2F")]


def test_unknown_seen_location_is_refused(db, ledger) -> None:
    session_id = new_session(db)
    before = written(db)
    with pytest.raises(ValidationError, match="読取場所"):
        scan(db, session_id, "HT-001", seen_location_id=9999)
    assert written(db) == before


def test_finished_session_takes_no_scans(db, ledger) -> None:
    session_id = new_session(db)
    with db.sessions.begin() as s:
        assert finish_session(s, session_id, today=TODAY).finished_on == TODAY
    with db.sessions.begin() as s:  # twice: keeps the first date, no error
        assert finish_session(s, session_id, today=date(2026, 12, 1)).finished_on == TODAY
    before = written(db)
    with pytest.raises(SessionClosedError, match="終了しています"):
        scan(db, session_id, "HT-001")
    assert written(db) == before
    with pytest.raises(NotFoundError):
        scan(db, 9999, "HT-001")


def test_start_session_validates(db, places) -> None:
    with pytest.raises(ValidationError, match="棚卸名: 必須です"), db.sessions.begin() as s:
        start_session(s, "  ", today=TODAY)
    with pytest.raises(ValidationError, match="対象の設置場所"), db.sessions.begin() as s:
        start_session(s, "棚卸", location_id=9999, today=TODAY)
    with db.sessions() as s:
        assert list_sessions(s) == []


# --- scope and reports -----------------------------------------------------------------


def session_report_of(db, session_id: int):
    with db.sessions() as s:
        return session_report(s, session_id)


def test_report_counts_missing_and_disposed_excluded(db, ledger) -> None:
    session_id = new_session(db)
    for raw in ("HT-001", "HT-003", "NOPE-1", "HT-001"):
        scan(db, session_id, raw)
    report = session_report_of(db, session_id)
    assert (report.expected, report.seen) == (4, 2)  # HT-900 is disposed: not expected
    assert [r.asset_tag for r in report.missing] == ["nw-sw-01", "HT-002"]  # by location
    assert report.unknown == ["NOPE-1"]
    assert report.wrong_location == [] and report.out_of_scope == []
    with db.sessions() as s:
        assert session_counts(s, session_id) == (4, 2, 1)
        (info,) = list_sessions(s)
    assert (info.name, info.scan_count, info.finished_on) == ("令和8年度 棚卸", 3, None)
    # A disposed asset that turns up is listed as out of scope, not counted as seen.
    outcome = scan(db, session_id, "HT-900")
    assert outcome.kind == "matched" and not outcome.in_scope
    assert "廃棄済" in outcome.message_ja
    report = session_report_of(db, session_id)
    assert report.seen == 2
    assert [r.asset_tag for r in report.out_of_scope] == ["HT-900"]


def test_include_disposed(db, ledger) -> None:
    session_id = new_session(db, include_disposed=True)
    scan(db, session_id, "HT-900")
    report = session_report_of(db, session_id)
    assert (report.expected, report.seen, report.out_of_scope) == (5, 1, [])


def test_scope_by_location(db, ledger, places) -> None:
    session_id = new_session(db, location_id=places["bekkan"])
    scan(db, session_id, "HT-003")
    outcome = scan(db, session_id, "HT-002")  # found in 別館 though the ledger says 本庁舎
    assert outcome.wrong_location and not outcome.in_scope
    report = session_report_of(db, session_id)
    assert (report.expected, report.seen) == (2, 1)
    assert [r.asset_tag for r in report.missing] == ["nw-sw-01"]
    assert [(r.asset_tag, r.seen_location_name) for r in report.wrong_location] == [
        ("HT-002", "別館1F")
    ]
    assert report.out_of_scope == []  # already listed as in the wrong place
    assert report.session.location_name == "別館1F"
    with db.sessions() as s:
        scans = list_scans(s, session_id)
    assert [(o.tag, o.kind, o.wrong_location) for o in scans] == [
        ("HT-003", "matched", False),
        ("HT-002", "matched", True),
    ]


def test_report_csv_has_bom_and_no_formulas(db, ledger, tmp_path) -> None:
    session_id = new_session(db)
    scan(db, session_id, "=CMD|' /C CALC'!A0")
    path = tmp_path / "棚卸.csv"
    rows = write_report_csv(session_report_of(db, session_id), path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "区分,資産管理番号,名称,台帳の設置場所,読取場所,利用者,最終棚卸日"
    assert rows == 5  # 4 missing + 1 unknown
    assert "未確認,HT-001,事務用PC 1,本庁舎2F,,," in lines
    assert "不明,'=CMD|' /C CALC'!A0,,,,," in lines


def test_report_on_50000_assets(db, places) -> None:
    total = 50_000
    rows = [
        {
            "asset_tag": f"HT-{i:06d}",
            "name": f"端末{i}",
            "status": "disposed" if i % 100 == 0 else "in_use",
            "location_id": places["honcho"] if i % 2 else places["bekkan"],
            "user_name": "",
            "custom_fields": {},
        }
        for i in range(total)
    ]
    with db.sessions.begin() as s:
        s.execute(insert(Asset), rows)
        session_id = start_session(s, "大規模", location_id=places["honcho"], today=TODAY).id
        scanned = [f"HT-{i:06d}" for i in range(1, total, 4)]  # every other 本庁舎 asset
        ids = {tag: i for tag, i in s.execute(select(Asset.asset_tag, Asset.id))}
        s.execute(
            insert(StocktakeScan),
            [{"session_id": session_id, "scanned_tag": t, "asset_id": ids[t]} for t in scanned],
        )
    for raw in ("HT-000003", "HT-000002", "XX-1"):  # known, other location, unknown
        scan(db, session_id, raw)
    started = time.perf_counter()
    report = session_report_of(db, session_id)
    elapsed = time.perf_counter() - started
    in_honcho = [i for i in range(total) if i % 2 and i % 100]
    seen = {i for i in range(1, total, 4)} | {3}
    assert report.expected == len(in_honcho) == 25_000
    assert report.seen == len(seen)
    assert [r.asset_tag for r in report.missing] == [
        f"HT-{i:06d}" for i in in_honcho if i not in seen
    ]
    assert report.unknown == ["XX-1"]
    assert [r.asset_tag for r in report.wrong_location] == ["HT-000002"]
    print(f"report on {total:,} assets: {elapsed * 1000:.0f} ms")  # informational only
