"""Every deadline in a period (app.services.schedule.deadlines) and the calendar file made
of them (app.services.schedule.ics): each source with its label, date, title and record;
what is left out (done tasks, superseded and withdrawn notice deadlines, closed notices,
disposed assets, finished checklist items); the range's boundaries; one query per
source; the .ics read back with icalendar, byte for byte what icalendar itself writes,
UIDs that survive a change of title and date, and a file written all or nothing."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar, Event
from sqlalchemy import event

from app.errors import UserError
from app.jdate import fiscal_year_range
from app.services.schedule import ics
from app.services.schedule.deadlines import LABELS, Deadline, deadlines, month_counts
from app.services.schedule.ics_lines import LINE_OCTETS, escape, fold
from app.store.kind_index import kind_by_code
from app.store.models import (
    Asset,
    Checklist,
    ChecklistProgress,
    ChecklistTemplate,
    ChecklistTemplateItem,
    Contract,
    License,
    Notice,
    NoticeDeadline,
    Task,
    Vendor,
)

FY2026 = fiscal_year_range(2026)  # 2026-04-01 … 2027-03-31
STAMP = datetime(2026, 4, 1, 9, 30, 15, tzinfo=UTC)


def fill(db: Any, again: str = "") -> dict[str, int]:
    """One record of every source, and one of every kind that must be left out; name →
    id. ``again`` tells apart what must be unique, to fill a second time."""
    ids: dict[str, int] = {}
    with db.sessions.begin() as s:
        vendor = Vendor(name="富士通Japan株式会社" + again)
        s.add(vendor)
        s.flush()
        records: dict[str, Any] = {
            "task": Task(title="LGWAN端末の更新計画", status="doing", priority=1,
                         due_date=date(2026, 6, 1)),
            "task_done": Task(title="終わった作業", status="done", due_date=date(2026, 6, 1)),
            "task_undated": Task(title="期限のない作業", status="open"),
            "notice": Notice(issuer="デジタル庁", doc_number="デジ地第613号", status="acting",
                             title="標準準拠システムへの移行に係る進捗状況調査について（依頼）"
                             + again),
            "notice_done": Notice(issuer="総務省", title="対応済の照会" + again, status="done"),
            "notice_na": Notice(issuer="総務省", title="対象外の通知" + again, status="na"),
            "contract": Contract(title="住民記録システム保守", vendor_id=vendor.id,
                                 end_date=date(2027, 3, 31), notice_days=90, auto_renew=True),
            "contract_plain": Contract(title="複合機リース", end_date=date(2026, 9, 30)),
            "contract_zero": Contract(title="回線契約", end_date=date(2026, 4, 30),
                                      notice_days=0),
            "license": License(product="ウイルス対策ソフト", vendor_id=vendor.id, seats=120,
                               expiry_date=date(2026, 8, 31)),
            "asset": Asset(asset_tag="HT-SV-001" + again, name="ファイルサーバ",
                           os_name="Windows Server 2022", model="PRIMERGY RX2540",
                           maintenance_end=date(2026, 10, 31),
                           lease_end=date(2027, 1, 31)),
            "asset_spare": Asset(asset_tag="HT-PC-002" + again, name="予備PC", status="spare",
                                 model="ESPRIMO D588", maintenance_end=date(2026, 10, 31)),
            "asset_disposed": Asset(asset_tag="HT-PC-003" + again, name="廃棄したPC",
                                    status="disposed", maintenance_end=date(2026, 10, 31),
                                    lease_end=date(2026, 11, 30)),
        }  # fmt: skip
        s.add_all(records.values())
        s.flush()
        ids.update({name: record.id for name, record in records.items()})
        nid = ids["notice"]
        s.add_all(
            [
                # 回答期限 moved from 5/10 to 5/20: the old value is history.
                NoticeDeadline(notice_id=nid, kind="reply", deadline=date(2026, 5, 10),
                               is_current=False, changed_at=datetime(2026, 4, 1)),
                NoticeDeadline(notice_id=nid, kind="reply", deadline=date(2026, 5, 20),
                               is_current=True, changed_at=datetime(2026, 4, 10)),
                NoticeDeadline(notice_id=nid, kind="effective", deadline=date(2026, 7, 1),
                               is_current=True),
                # 対応期限 withdrawn: the current row has no date.
                NoticeDeadline(notice_id=nid, kind="action", deadline=date(2026, 6, 15),
                               is_current=False, changed_at=datetime(2026, 4, 1)),
                NoticeDeadline(notice_id=nid, kind="action", deadline=None, is_current=True,
                               changed_at=datetime(2026, 4, 10)),
                NoticeDeadline(notice_id=ids["notice_done"], kind="reply",
                               deadline=date(2026, 5, 20), is_current=True),
                NoticeDeadline(notice_id=ids["notice_na"], kind="effective",
                               deadline=date(2026, 5, 20), is_current=True),
            ]
        )  # fmt: skip
        template = ChecklistTemplate(code="test-steps" + again, name="移行手順（試験）")
        s.add(template)
        s.flush()
        steps = ("推進体制案の作成", "関連部局との調整", "首長等への報告", "現行システムの概要調査")
        items = [
            ChecklistTemplateItem(template_id=template.id, code=f"①-{n}", title=title, position=n)
            for n, title in enumerate(steps, 1)
        ]
        checklist = Checklist(template_id=template.id, name="住民基本台帳 標準化 移行手順")
        s.add_all([*items, checklist])
        s.flush()
        progress = {
            f"check_{status}": ChecklistProgress(
                checklist_id=checklist.id, template_id=template.id, item_id=item.id,
                status=status, due_date=due,
            )
            for item, status, due in zip(
                items, ("todo", "done", "na", "doing"),
                (date(2026, 6, 30), date(2026, 6, 30), date(2026, 6, 30), None), strict=True,
            )
        }  # fmt: skip
        s.add_all(progress.values())
        s.flush()
        ids.update({name: p.id for name, p in progress.items()})
    return ids


def rows(found: list[Deadline]) -> list[tuple[str, date, str, str, int, str]]:
    return [(d.what, d.on, d.title, d.ref_kind, d.ref_id, d.what_code) for d in found]


def read(db: Any, start: date, end: date) -> list[Deadline]:
    with db.sessions() as s:
        return deadlines(s, start, end)


def test_every_source_in_date_order_with_its_label_and_record(db) -> None:
    i = fill(db)
    notice_title = "標準準拠システムへの移行に係る進捗状況調査について（依頼）"
    assert rows(read(db, *FY2026)) == [
        ("契約終了", date(2026, 4, 30), "回線契約", "contract", i["contract_zero"], "end"),
        ("回答期限", date(2026, 5, 20), notice_title, "notice", i["notice"], "reply"),
        ("タスク期限", date(2026, 6, 1), "LGWAN端末の更新計画", "task", i["task"], "due"),
        ("チェック項目期限", date(2026, 6, 30), "住民基本台帳 標準化 移行手順 ①-1 推進体制案の作成",
         "checklist_progress", i["check_todo"], "due"),
        ("施行日", date(2026, 7, 1), notice_title, "notice", i["notice"], "effective"),
        ("ライセンス期限", date(2026, 8, 31), "ウイルス対策ソフト", "license", i["license"],
         "expiry"),
        ("契約終了", date(2026, 9, 30), "複合機リース", "contract", i["contract_plain"], "end"),
        ("保守終了", date(2026, 10, 31), "HT-PC-002　予備PC", "asset", i["asset_spare"],
         "maintenance_end"),
        ("保守終了", date(2026, 10, 31), "HT-SV-001　ファイルサーバ", "asset", i["asset"],
         "maintenance_end"),
        # 2027-03-31 less the 90 days' notice
        ("解約予告期限", date(2026, 12, 31), "住民記録システム保守", "contract", i["contract"],
         "notice_by"),
        ("リース終了", date(2027, 1, 31), "HT-SV-001　ファイルサーバ", "asset", i["asset"],
         "lease_end"),
        ("契約終了", date(2027, 3, 31), "住民記録システム保守", "contract", i["contract"], "end"),
    ]  # fmt: skip


def test_details_give_the_context(db) -> None:
    i = fill(db)
    detail = {d.key: d.detail for d in read(db, *FY2026)}
    assert detail["notice", i["notice"], "reply"] == "デジタル庁 デジ地第613号"
    assert detail["task", i["task"], "due"] == "進行中・優先度 高"
    assert detail["checklist_progress", i["check_todo"], "due"] == "未"
    assert detail["license", i["license"], "expiry"] == "富士通Japan株式会社・120席"
    assert detail["contract", i["contract"], "end"] == "富士通Japan株式会社・自動更新"
    assert detail["contract", i["contract"], "notice_by"] == (
        "富士通Japan株式会社・契約終了 令和9年3月31日の90日前まで"
    )
    assert detail["contract", i["contract_plain"], "end"] == ""
    assert detail["asset", i["asset"], "maintenance_end"] == (
        "Windows Server 2022 / PRIMERGY RX2540"
    )
    assert detail["asset", i["asset_spare"], "maintenance_end"] == "ESPRIMO D588（予備）"


def test_what_is_left_out(db) -> None:
    i = fill(db)
    found = read(db, date(2000, 1, 1), date(2099, 12, 31))
    refs = {(d.ref_kind, d.ref_id) for d in found}
    left_out = [("task", "task_done"), ("task", "task_undated"), ("notice", "notice_done"),
                ("notice", "notice_na"), ("asset", "asset_disposed"),
                ("checklist_progress", "check_done"), ("checklist_progress", "check_na"),
                ("checklist_progress", "check_doing")]  # fmt: skip
    for kind, name in left_out:
        assert (kind, i[name]) not in refs, name
    notice_days = {(d.what_code, d.on) for d in found if d.ref_kind == "notice"}
    # The superseded 5/10 and the withdrawn 対応期限 (once 6/15) are no deadlines.
    assert notice_days == {("reply", date(2026, 5, 20)), ("effective", date(2026, 7, 1))}
    # A contract without a notice period has its end only.
    plain = [
        d.what_code
        for d in found
        if d.ref_kind == "contract" and d.ref_id in (i["contract_plain"], i["contract_zero"])
    ]
    assert plain == ["end", "end"]


def test_the_range_includes_both_ends(db) -> None:
    i = fill(db)

    def on(day: date, until: date | None = None) -> set[tuple[str, int]]:
        return {(d.what_code, d.ref_id) for d in read(db, day, until or day)}

    assert on(date(2026, 5, 20)) == {("reply", i["notice"])}
    assert on(date(2026, 5, 19)) == set() and on(date(2026, 5, 21)) == set()
    assert on(date(2026, 12, 31)) == {("notice_by", i["contract"])}
    assert on(date(2027, 3, 31)) == {("end", i["contract"])}
    # The notice deadline falls before the range although the contract ends in it.
    assert on(date(2027, 1, 1), date(2027, 3, 31)) == {
        ("lease_end", i["asset"]),
        ("end", i["contract"]),
    }
    assert on(date(2026, 10, 31), date(2026, 10, 30)) == set()  # start after end


def test_kinds_choose_the_sources(db) -> None:
    fill(db)
    with db.sessions() as s:
        every = deadlines(s, *FY2026)
        some = deadlines(s, *FY2026, kinds={"task", "notice"})
    assert some == [d for d in every if d.ref_kind in ("task", "notice")] and some


def test_month_counts_are_the_deadlines_counted_by_month(db) -> None:
    """The chart's counts are the list's deadlines, month by month and kind by kind —
    the assets counted by SQLite under the same rule (the disposed one left out, the
    spare one in) — with the range's ends honoured inside a month."""
    fill(db)
    fill(db, again="（2）")
    for start, end in (FY2026, (date(2026, 5, 20), date(2026, 10, 31)),
                       (date(2026, 10, 31), date(2026, 10, 31))):  # fmt: skip
        with db.sessions() as s:
            expected: dict[tuple[int, int], Counter[str]] = {}
            for d in deadlines(s, start, end):
                expected.setdefault((d.on.year, d.on.month), Counter())[d.ref_kind] += 1
            assert month_counts(s, start, end) == expected
    with db.sessions() as s:
        counts = month_counts(s, *FY2026)
    assert counts[2026, 10] == Counter({"asset": 4})  # 2 × (in use + spare), not disposed
    assert counts[2026, 5] == Counter({"notice": 2})
    assert (2026, 11) not in counts  # only the disposed asset's lease ends then


def test_one_query_per_source_whatever_the_number_of_rows(db) -> None:
    fill(db)

    def statements() -> int:
        seen: list[str] = []

        def count(*args: Any) -> None:
            seen.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert read(db, *FY2026)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len([sql for sql in seen if sql.lstrip().upper().startswith("SELECT")])

    few = statements()
    fill(db, again="（2）")  # twice the records of every source
    assert few == statements() == 6


def test_labels_and_codes_are_fit_for_uids() -> None:
    assert len(set(LABELS.values())) == len(LABELS)  # the day's order goes by label
    for kind, code in LABELS:
        assert re.fullmatch(r"[a-z_]+", kind) and re.fullmatch(r"[a-z_]+", code)
        kind_by_code(kind)  # a declared record kind


# --- the calendar file --------------------------------------------------------------------


def events(data: bytes) -> list[Event]:
    return Calendar.from_ical(data).walk("VEVENT")


def test_the_calendar_read_back(db) -> None:
    i = fill(db)
    found = read(db, *FY2026)
    data = ics.calendar_bytes(found, stamp=STAMP)
    assert data.count(b"\n") == data.count(b"\r\n")  # CRLF line ends only
    assert all(len(line) <= LINE_OCTETS for line in data.split(b"\r\n"))
    cal = Calendar.from_ical(data)
    assert str(cal["X-WR-CALNAME"]) == "Hitori 期限"
    assert str(cal["VERSION"]) == "2.0" and "Hitori" in str(cal["PRODID"])
    got = cal.walk("VEVENT")
    assert len(got) == len(found) == 12
    for ev, d in zip(got, found, strict=True):
        start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
        assert type(start) is date and start == d.on  # all-day: a date, not a datetime
        assert type(end) is date and end == d.on + timedelta(days=1)
        assert ev.decoded("DTSTAMP") == STAMP
        assert str(ev["SUMMARY"]) == f"{d.what}: {d.title}"
        assert str(ev["TRANSP"]) == "TRANSPARENT"
    by_uid = {str(ev["UID"]): ev for ev in got}
    reply = by_uid[f"notice-{i['notice']}-reply@hitori.local"]
    assert str(reply["DESCRIPTION"]) == (
        "回答期限 令和8年5月20日（2026-05-20）\nデジタル庁 デジ地第613号"
    )
    assert reply["CATEGORIES"].cats == ["通知"]
    notice_by = by_uid[f"contract-{i['contract']}-notice_by@hitori.local"]
    assert "令和8年12月31日" in str(notice_by["DESCRIPTION"])
    assert str(by_uid[f"asset-{i['asset']}-lease_end@hitori.local"]["SUMMARY"]) == (
        "リース終了: HT-SV-001　ファイルサーバ"
    )


def test_uids_survive_a_new_title_and_date(db) -> None:
    i = fill(db)
    first = events(ics.calendar_bytes(read(db, *FY2026), stamp=STAMP))
    with db.sessions.begin() as s:
        s.get(Task, i["task"]).title = "LGWAN端末の更新計画（見直し）"
        s.get(Task, i["task"]).due_date = date(2026, 6, 15)
        s.get(Contract, i["contract"]).end_date = date(2027, 2, 28)
    second = events(ics.calendar_bytes(read(db, *FY2026), stamp=STAMP + timedelta(days=1)))
    before = {str(e["UID"]): e for e in first}
    after = {str(e["UID"]): e for e in second}
    assert before.keys() == after.keys()
    task_uid = f"task-{i['task']}-due@hitori.local"
    assert str(after[task_uid]["SUMMARY"]) == "タスク期限: LGWAN端末の更新計画（見直し）"
    assert after[task_uid].decoded("DTSTART") == date(2026, 6, 15)
    end_uid = f"contract-{i['contract']}-end@hitori.local"
    assert before[end_uid].decoded("DTSTART") == date(2027, 3, 31)
    assert after[end_uid].decoded("DTSTART") == date(2027, 2, 28)


def deadline(title: str, detail: str = "", on: date = date(2026, 4, 1), n: int = 1) -> Deadline:
    return Deadline("回答期限", on, title, "notice", n, "reply", detail)


def test_special_characters_are_escaped_and_read_back() -> None:
    title = 'A,B;C\\D "引用" 改行\n次の行\r\nその次\r最後\tタブ 𠮷野家 😀'
    unc = "\\\\fileserver\\Notices\\令和8年度"  # \N: icalendar alone would read a line break
    data = ics.calendar_bytes(
        [deadline(title, detail="ベル\x07と\x00NUL"), deadline(unc, n=2)], stamp=STAMP
    )
    assert b"A\\,B\\;C\\\\D" in data and b"\\\\\\\\fileserver\\\\Notices" in data
    assert b"\x07" not in data and b"\x00" not in data
    got = events(data)
    assert str(got[0]["SUMMARY"]) == (
        '回答期限: A,B;C\\D "引用" 改行\n次の行\nその次\n最後\tタブ 𠮷野家 😀'
    )
    assert str(got[0]["DESCRIPTION"]).endswith("\nベルとNUL")  # control characters dropped
    assert str(got[1]["SUMMARY"]) == f"回答期限: {unc}"


def test_the_last_day_a_date_can_have_is_a_one_day_event() -> None:
    got = events(ics.calendar_bytes([deadline("無期限の契約", on=date.max)], stamp=STAMP))
    assert got[0].decoded("DTSTART") == date.max and "DTEND" not in got[0]


def test_dates_before_meiji_are_shown_in_iso() -> None:
    assert ics.day_text(date(1867, 12, 31)) == "1867-12-31"
    assert ics.day_text(date(2019, 5, 1)) == "令和元年5月1日（2019-05-01）"


def reference_calendar(items: list[Deadline]) -> bytes:
    """What icalendar's own Calendar and Event write for ``items``."""
    cal = Calendar()
    cal.add("prodid", ics.PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", ics.CALENDAR_NAME)
    for d in items:
        ev = Event()
        ev.add("summary", ics.summary(d))
        ev.add("dtstart", d.on)
        if d.on != date.max:
            ev.add("dtend", d.on + timedelta(days=1))
        ev.add("dtstamp", STAMP)
        ev.add("uid", ics.uid(d))
        ev.add("categories", [kind_by_code(d.ref_kind).label])
        ev.add("description", "\n".join(ics.description_lines(d)))
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    return cal.to_ical()


def random_text(rng: random.Random) -> str:
    """Text of every width of UTF-8 character, with what needs escaping and what folding
    must not split (a backslash escape, a caret), often longer than a line. Without the
    two things icalendar gets wrong (ics_lines's docstring): ``\\N`` and control
    characters other than CR and LF."""
    alphabet = [*"abcXYZ019 ,;:\\^\"'\n\r\t", "\r\n", "保", "守", "令", "é", "ｱ", "\u3000",
                "𠮷", "😀"]  # fmt: skip
    return "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 90)))


def test_events_are_written_byte_for_byte_as_icalendar_writes_them(db) -> None:
    fill(db)
    rng = random.Random(20260401)
    kinds = list(LABELS.items())
    items = read(db, *FY2026)
    for n in range(3000):
        (kind, code), what = rng.choice(kinds)
        on = date(2026, 4, 1) + timedelta(days=rng.randrange(365))
        items.append(Deadline(what, on, random_text(rng), kind, n, code, random_text(rng)))
    items.append(deadline("最後の日", on=date.max))
    assert ics.calendar_bytes(items, stamp=STAMP) == reference_calendar(items)


def test_folding_keeps_characters_and_escapes_whole() -> None:
    line = ("あ" * 24 + "a\\,").encode()  # octets 74 and 75: an escape across the fold
    assert fold(line) == line[:73] + b"\r\n " + line[73:]
    long = ("x" * 73 + "😀" * 30).encode()  # no fold inside a character's 4 octets
    pieces = fold(long).split(b"\r\n ")
    assert [len(p) for p in pieces] == [73, 72, 48] and b"".join(pieces) == long
    assert fold(b"y" * 74) == b"y" * 74  # with the leading space of a next line, 75
    assert fold(b"y" * 75) == b"y" * 74 + b"\r\n y"
    assert escape("a\\Nb") == "a\\\\Nb"


def test_a_calendar_is_written_whole_or_not_at_all(db, tmp_path: Path, monkeypatch) -> None:
    fill(db)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "期限.ics"
    with db.sessions() as s:
        assert ics.export_calendar(s, out, *FY2026, stamp=STAMP) == 12
    assert len(events(out.read_bytes())) == 12
    before = out.read_bytes()

    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ics, "calendar_bytes", broken)
    with db.sessions() as s, pytest.raises(UserError, match="書き込めません"):
        ics.export_calendar(s, out, *FY2026)
    assert out.read_bytes() == before
    assert [p.name for p in folder.iterdir()] == ["期限.ics"]  # no temporary left
    with db.sessions() as s, pytest.raises(UserError, match="フォルダ"):
        ics.export_calendar(s, folder, *FY2026)
