"""``hitori calendar`` end to end: real processes, the .ics read back with icalendar, UIDs
kept across exports, the default period, and every refusal (one Japanese line, exit 1,
nothing written)."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar, Event

from app.paths import DataDir
from app.store.database import open_database
from app.store.models import Contract, Notice, NoticeDeadline, Task, Vendor
from tests.integration import test_cli as cli
from tests.integration.test_cli import hitori

pytestmark = pytest.mark.integration


def assert_ok(proc: subprocess.CompletedProcess[str], line: str) -> None:
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    assert proc.stdout.strip() == line and proc.stderr == ""


def assert_refused(proc: subprocess.CompletedProcess[str], *words: str) -> None:
    """Refused as every command refuses (one 'hitori: …' line), with nothing on stdout."""
    cli.assert_refused(proc, *words)
    assert proc.stdout == ""


def events(path: Path) -> dict[str, Event]:
    """UID → event of the calendar file at ``path``."""
    cal = Calendar.from_ical(path.read_bytes())
    assert str(cal["X-WR-CALNAME"]) == "Hitori 期限"
    return {str(ev["UID"]): ev for ev in cal.walk("VEVENT")}


def make_data(root: Path) -> dict[str, int]:
    """A notice with a 回答期限, a task and a contract with a notice period; their ids."""
    db = open_database(DataDir(root), actor="tester")
    try:
        with db.sessions.begin() as s:
            vendor = Vendor(name="株式会社ひとり電算")
            s.add(vendor)
            s.flush()
            notice = Notice(
                issuer="総務省",
                doc_number="総行情第12号",
                title="情報セキュリティポリシーに関する照会（回答依頼）, 至急; 要確認",
            )
            task = Task(title="予算要求資料の作成", due_date=date(2026, 10, 15))
            contract = Contract(
                title="庁内LAN保守", vendor_id=vendor.id, end_date=date(2027, 3, 31), notice_days=60
            )
            s.add_all([notice, task, contract])
            s.flush()
            s.add(NoticeDeadline(notice_id=notice.id, kind="reply", deadline=date(2026, 5, 29),
                                 is_current=True))  # fmt: skip
            return {"notice": notice.id, "task": task.id, "contract": contract.id}
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def data_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Records the calendar reads; exports do not change them."""
    root = tmp_path_factory.mktemp("cli-calendar") / "data"
    make_data(root)
    return root


def test_the_fiscal_year_in_wareki(data_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "期限 令和8年度.ics"
    proc = hitori("calendar", "--out", out, "--from", "R8.4.1", "--to", "令和9年3月31日",
                  data_dir=data_root)  # fmt: skip
    assert_ok(proc, f"4 件の期限を書き出しました: {out}")
    got = sorted(events(out).values(), key=lambda ev: ev.decoded("DTSTART"))
    assert [(str(ev["SUMMARY"]), ev.decoded("DTSTART"), ev.decoded("DTEND")) for ev in got] == [
        ("回答期限: 情報セキュリティポリシーに関する照会（回答依頼）, 至急; 要確認",
         date(2026, 5, 29), date(2026, 5, 30)),
        ("タスク期限: 予算要求資料の作成", date(2026, 10, 15), date(2026, 10, 16)),
        ("解約予告期限: 庁内LAN保守", date(2027, 1, 30), date(2027, 1, 31)),
        ("契約終了: 庁内LAN保守", date(2027, 3, 31), date(2027, 4, 1)),
    ]  # fmt: skip
    assert (
        str(got[0]["DESCRIPTION"]) == "回答期限 令和8年5月29日（2026-05-29）\n総務省 総行情第12号"
    )
    raw = out.read_bytes()
    assert b"\\, \xe8\x87\xb3\xe6\x80\xa5\\; " in raw  # 「, 至急; 」 escaped
    assert raw.count(b"\n") == raw.count(b"\r\n")
    # Nothing besides the file: no temporary left beside it.
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_the_period_can_hold_nothing(data_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "none.ics"
    proc = hitori("calendar", "--out", out, "--from", "2026-05-30", "--to", "2026-10-14",
                  data_dir=data_root)  # fmt: skip
    assert_ok(proc, f"0 件の期限を書き出しました: {out}")
    assert events(out) == {}


def test_uids_stay_when_titles_and_dates_change(tmp_path: Path) -> None:
    root = tmp_path / "data"
    ids = make_data(root)
    first, second = tmp_path / "first.ics", tmp_path / "second.ics"
    period = ("--from", "2026-04-01", "--to", "2027-03-31")
    assert_ok(hitori("calendar", "--out", first, *period, data_dir=root),
              f"4 件の期限を書き出しました: {first}")  # fmt: skip
    db = open_database(DataDir(root), actor="tester")
    try:
        with db.sessions.begin() as s:
            s.get(Task, ids["task"]).title = "予算要求資料の作成（財政課へ提出）"
            s.get(Task, ids["task"]).due_date = date(2026, 10, 20)
            s.get(Contract, ids["contract"]).end_date = date(2027, 2, 28)
    finally:
        db.dispose()
    assert_ok(hitori("calendar", "--out", second, *period, data_dir=root),
              f"4 件の期限を書き出しました: {second}")  # fmt: skip
    before, after = events(first), events(second)
    assert (
        before.keys()
        == after.keys()
        == {
            f"notice-{ids['notice']}-reply@hitori.local",
            f"task-{ids['task']}-due@hitori.local",
            f"contract-{ids['contract']}-notice_by@hitori.local",
            f"contract-{ids['contract']}-end@hitori.local",
        }
    )
    task = after[f"task-{ids['task']}-due@hitori.local"]
    assert str(task["SUMMARY"]) == "タスク期限: 予算要求資料の作成（財政課へ提出）"
    assert task.decoded("DTSTART") == date(2026, 10, 20)
    notice_by = after[f"contract-{ids['contract']}-notice_by@hitori.local"]
    assert notice_by.decoded("DTSTART") == date(2026, 12, 30)  # 2/28 less 60 days
    assert "令和9年2月28日の60日前まで" in str(notice_by["DESCRIPTION"])


def test_one_year_from_today_by_default(tmp_path: Path) -> None:
    root = tmp_path / "data"
    db = open_database(DataDir(root), actor="tester")
    today = date.today()
    try:
        with db.sessions.begin() as s:
            s.add_all([
                Task(title="昨日まで", due_date=today - timedelta(days=1)),
                Task(title="今日まで", due_date=today),
                Task(title="一年後の前日まで", due_date=today + timedelta(days=364)),
                Task(title="二年後まで", due_date=today + timedelta(days=730)),
            ])  # fmt: skip
    finally:
        db.dispose()
    out = tmp_path / "default.ics"
    assert_ok(hitori("calendar", "--out", out, data_dir=root), f"2 件の期限を書き出しました: {out}")
    titles = {str(ev["SUMMARY"]) for ev in events(out).values()}
    assert titles == {"タスク期限: 今日まで", "タスク期限: 一年後の前日まで"}


def test_refusals_write_nothing(data_root: Path, tmp_path: Path) -> None:
    kept = tmp_path / "kept.ics"
    kept.write_bytes(b"an earlier export")
    folder = tmp_path / "folder.ics"
    folder.mkdir()
    cases = [
        (("--out", folder), ("フォルダ", str(folder))),
        (("--out", "/dev/null"), ("デバイス",)),
        (("--out", tmp_path / "missing" / "a.ics"), ("フォルダがありません",)),
        (("--out", tmp_path / ("期" * 90 + ".ics")), ("長すぎます",)),
        (("--out", kept, "--from", "2026-05-01", "--to", "2026-04-01"),
         ("--from", "2026-05-01", "--to", "2026-04-01", "より後です")),
        (("--out", kept, "--to", "2020-01-01"), ("--to", "2020-01-01", "今日", "--from")),
        (("--out", kept, "--from", "2026-02-30"), ("--from", "2月30日は存在しない日付です")),
        (("--out", kept, "--to", "令和8年13月1日"), ("--to", "13月は存在しません")),
        (("--out", kept, "--from", "来週"), ("--from", "読み取れません")),
    ]  # fmt: skip
    for args, words in cases:
        assert_refused(hitori("calendar", *args, data_dir=data_root), *words)
    assert kept.read_bytes() == b"an earlier export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.ics", "kept.ics"]
    assert list(folder.iterdir()) == []


def test_usage_errors_and_a_missing_database(tmp_path: Path) -> None:
    usage = hitori("calendar", data_dir=tmp_path / "data")
    assert usage.returncode == 2 and "次の引数が必要です: --out" in usage.stderr
    missing = hitori("calendar", "--out", tmp_path / "a.ics", data_dir=tmp_path / "nothing")
    assert_refused(missing, "hitori init")
    assert not (tmp_path / "a.ics").exists()
