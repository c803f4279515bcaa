"""The work log's services on real SQLite files: entries (validation, 和暦 dates, links
with history), the list (filters, the full-text filter, keyset pages), the 年度 summaries
and their XLSX."""

from __future__ import annotations

from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import func, insert, select

from app.services.errors import ValidationError
from app.services.inventory.assets import create_asset
from app.services.worklog import entries, listing, summary
from app.services.worklog.listing import WorklogFilter
from app.store import search_index
from app.store.models import (
    BusinessSystem,
    ChangeLogEntry,
    Notice,
    Runbook,
    WorkLogEntry,
    worklog_notices,
)
from tests.unit.test_asset_import import fingerprint


def make(db, **values):  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        return entries.create_entry(s, values).id


# --- entries ----------------------------------------------------------------------------


def test_an_entry_takes_a_wareki_date_and_keeps_its_fields(db) -> None:
    with db.sessions.begin() as s:
        pc = create_asset(s, {"asset_tag": "PC-1", "name": "事務用PC"}).id
        system = BusinessSystem(name="住民記録システム")
        s.add(system)
        s.flush()
        entry = entries.create_entry(
            s,
            {"occurred_on": "R8.10.1", "title": "プリンタ設定", "category": "設定変更",
             "minutes": "３０", "body": "ドライバ更新", "asset_id": pc,
             "system_id": system.id},
        )  # fmt: skip
        entry_id = entry.id
    with db.sessions() as s:
        got = s.get(WorkLogEntry, entry_id)
        assert (got.occurred_on, got.minutes, got.asset_id) == (date(2026, 10, 1), 30, pc)
        assert got.category == "設定変更" and got.body == "ドライバ更新"


@pytest.mark.parametrize(
    ("values", "said"),
    [
        ({"occurred_on": "", "title": "x"}, "作業日: 必須です"),
        ({"occurred_on": "2026-02-30", "title": "x"}, "作業日"),
        ({"occurred_on": "R8.4.1", "title": " "}, "件名: 必須です"),
        ({"occurred_on": "R8.4.1", "title": "x", "minutes": "-5"}, "0以上"),
        ({"occurred_on": "R8.4.1", "title": "x", "minutes": "1441"}, "1,440以下"),
        ({"occurred_on": "R8.4.1", "title": "x", "minutes": "半日"}, "整数で入力してください"),
        ({"occurred_on": "R8.4.1", "title": "x", "category": "あ" * 41}, "40文字以内"),
        ({"occurred_on": "R8.4.1", "title": "x", "asset_id": 999}, "資産: 選択肢にない値です"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(db, values, said) -> None:
    before = fingerprint(db)
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        entries.create_entry(s, values)
    assert said in str(info.value)
    assert fingerprint(db) == before


def test_every_bad_field_is_said_at_once(db) -> None:
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        entries.create_entry(s, {"occurred_on": "きのう", "title": "", "minutes": "-1"})
    assert {e.field for e in info.value.errors} == {"occurred_on", "minutes", "title"}


def test_notices_and_runbooks_are_linked_with_history_on_both(db) -> None:
    with db.sessions.begin() as s:
        notice = Notice(issuer="総務省", title="標準化に関する通知", issued_on=date(2026, 9, 1))
        runbook = Runbook(title="月次バックアップ確認")
        other = Runbook(title="ウイルス定義の確認")
        s.add_all([notice, runbook, other])
        s.flush()
        ids = (notice.id, runbook.id, other.id)
        entry = entries.create_entry(
            s, {"occurred_on": date(2026, 10, 1), "title": "照会に回答"},
            notices=[ids[0]], runbooks=[ids[1]],
        )  # fmt: skip
        entry_id = entry.id
    with db.sessions.begin() as s:
        entries.set_links(s, entry_id, "runbook", [ids[2]])
    with db.sessions() as s:
        got = entries.entry_links(s, entry_id)
        assert (got.notice_ids, got.runbook_ids) == ([ids[0]], [ids[2]])
        actions = {
            (r.table_name, r.action)
            for r in s.scalars(select(ChangeLogEntry).where(ChangeLogEntry.action.like("%link")))
        }
    assert ("worklog_entries", "link") in actions and ("notices", "link") in actions
    assert ("worklog_entries", "unlink") in actions and ("runbooks", "unlink") in actions


def test_deleting_an_entry_removes_its_links_not_the_records(db) -> None:
    with db.sessions.begin() as s:
        notice = Notice(issuer="デジタル庁", title="ガバメントクラウドの案内")
        s.add(notice)
        s.flush()
        entry_id = entries.create_entry(
            s, {"occurred_on": date(2026, 10, 1), "title": "読んだ"}, notices=[notice.id]
        ).id
    with db.sessions.begin() as s:
        entries.delete_entry(s, entry_id)
    with db.sessions() as s:
        assert s.get(Notice, notice.id) is not None
        assert s.scalar(select(func.count()).select_from(worklog_notices)) == 0


def test_categories_in_use_come_first_then_the_starter_list(db) -> None:
    for cat in ("障害対応", "障害対応", "独自の分類"):
        make(db, occurred_on=date(2026, 10, 1), title="x", category=cat)
    with db.sessions() as s:
        offered = entries.categories(s)
    assert offered[:2] == ["障害対応", "独自の分類"]
    assert offered.count("障害対応") == 1 and "問い合わせ対応" in offered


def test_link_targets_are_found_by_typing_any_words(db) -> None:
    with db.sessions.begin() as s:
        create_asset(s, {"asset_tag": "HT-PC-0001", "name": "総務課 事務用PC"})
        create_asset(s, {"asset_tag": "HT-SV-0001", "name": "ファイルサーバ"})
        create_asset(s, {"asset_tag": "100%_PC", "name": "特殊な名前"})
    with db.sessions() as s:
        assert [c.name for c in entries.find_targets(s, "asset", "総務 pc")] == [
            "HT-PC-0001　総務課 事務用PC"
        ]
        assert [c.name for c in entries.find_targets(s, "asset", "ｆｉｌｅ")] == []
        assert [c.name for c in entries.find_targets(s, "asset", "サーバ")] == [
            "HT-SV-0001　ファイルサーバ"
        ]
        assert [c.name for c in entries.find_targets(s, "asset", "100%_")] == [
            "100%_PC　特殊な名前"
        ]
        assert entries.find_targets(s, "asset", "0%X") == []  # % and _ are literal


# --- the list ---------------------------------------------------------------------------


@pytest.fixture
def many(db) -> dict[str, int]:
    """1,200 entries over two 年度, in two categories, half naming a system."""
    with db.sessions.begin() as s:
        system = BusinessSystem(name="税務システム")
        s.add(system)
        s.flush()
        rows = [
            {"occurred_on": date(2025, 4, 1) + timedelta(days=i % 700),
             "title": f"作業 {i}" + (" 証明書更新" if i % 100 == 0 else ""),
             "category": "障害対応" if i % 3 == 0 else "問い合わせ対応",
             "minutes": 15, "body": "", "actor": "",
             "system_id": system.id if i % 2 == 0 else None,
             "created_at": date(2026, 1, 1), "updated_at": date(2026, 1, 1)}
            for i in range(1200)
        ]  # fmt: skip
        s.execute(insert(WorkLogEntry.__table__), rows)
        search_index.rebuild(s)
        return {"system": system.id}


def test_pages_cover_every_entry_once_newest_first(db, many) -> None:
    seen: list[tuple[date, int]] = []
    with db.sessions() as s:
        page = listing.load_page(s, WorklogFilter(), size=250)
        assert page.total == 1200
        while True:
            seen += [(r.occurred_on, r.id) for r in page.rows]
            if not page.more:
                break
            page = listing.load_page(s, WorklogFilter(), after=seen[-1], size=250)
            assert page.total is None
    assert len(seen) == len(set(seen)) == 1200
    assert seen == sorted(seen, reverse=True)


def test_filters_narrow_by_period_category_system_and_text(db, many) -> None:
    fy2025 = WorklogFilter(start=date(2025, 4, 1), end=date(2026, 3, 31))
    with db.sessions() as s:
        in_fy = listing.count(s, fy2025)
        assert in_fy == sum(
            1 for i in range(1200) if date(2025, 4, 1) + timedelta(days=i % 700) < date(2026, 4, 1)
        )
        assert listing.count(s, WorklogFilter(category="障害対応")) == 400
        assert listing.count(s, WorklogFilter(system_id=many["system"])) == 600
        hits = listing.load_page(s, WorklogFilter(text="証明書"))
        assert hits.total == 12 and all("証明書更新" in r.title for r in hits.rows)
        assert listing.count(s, WorklogFilter(text="存在しない語")) == 0
        assert listing.count(s, WorklogFilter(text="!!!")) == 0  # only symbols: nothing
        both = WorklogFilter(category="障害対応", system_id=many["system"], text="証明書")
        assert listing.count(s, both) == 4  # i = 0, 300, 600, 900
        assert listing.systems_in_use(s) == [(many["system"], "税務システム")]


# --- the summaries ----------------------------------------------------------------------


def test_a_fiscal_year_runs_from_april_to_march(db) -> None:
    for day, cat, minutes in [
        (date(2026, 3, 31), "障害対応", 60),  # 2025年度
        (date(2026, 4, 1), "障害対応", 30),  # 2026年度, 4月
        (date(2026, 4, 30), "障害対応", 30),
        (date(2027, 3, 31), "問い合わせ対応", 90),  # 2026年度, 3月
        (date(2026, 10, 5), "", None),  # no category, no minutes
    ]:
        make(db, occurred_on=day, title="x", category=cat, minutes=minutes)
    with db.sessions() as s:
        year = summary.year_summary(s, 2026, "category")
    rows = {r.label: r for r in year.rows}
    assert rows["障害対応"].counts[0] == 2 and rows["障害対応"].minutes[0] == 60
    assert rows["問い合わせ対応"].counts[11] == 1 and rows["問い合わせ対応"].total_minutes == 90
    assert rows["（なし）"].counts[6] == 1 and rows["（なし）"].total_minutes == 0
    assert year.totals().total_count == 4
    assert year.rows[0].label == "問い合わせ対応"  # most hours first


def test_the_summary_xlsx_reads_back(db, tmp_path) -> None:
    with db.sessions.begin() as s:
        system = BusinessSystem(name="住民記録システム")
        s.add(system)
        s.flush()
        for month in (4, 5, 5):
            entries.create_entry(
                s, {"occurred_on": date(2026, month, 10), "title": "x", "category": "保守・点検",
                    "minutes": 90, "system_id": system.id},
            )  # fmt: skip
    out = tmp_path / "作業集計.xlsx"
    with db.sessions() as s:
        written = summary.write_summary_xlsx(s, 2026, out)
    book = openpyxl.load_workbook(out, read_only=True)  # keeps the file open until closed
    try:
        rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    finally:
        book.close()
    assert written == len(rows) - 1
    assert rows[0][:4] == ["集計", "項目", "4月", "5月"] and rows[0][-1] == "合計"
    by_key = {(r[0], r[1]): r[2:] for r in rows[1:]}
    assert by_key[("分類・件数", "保守・点検")][:2] == [1, 2]
    assert by_key[("分類・時間（h）", "保守・点検")][-1] == 4.5
    assert by_key[("業務システム・件数", "住民記録システム")][-1] == 3
    assert by_key[("業務システム・件数", "合計")][-1] == 3
