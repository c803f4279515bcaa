"""Migration 0004 on databases holding data: every row kept, edge cases carried or refused,
and the new constraints doing their work.

The database at 0003 is the small demo, generated at the head and taken down to 0003 by
0004's own downgrade (so the downgrade is exercised with data too); rows only an older
Hitori (or another tool) could have written are then added in the 0003 shape. The large
demo made by the 0003 code itself is upgraded by tests/bench/bench_migration.py.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import CheckConstraint, Table, event, insert, select, text
from sqlalchemy.exc import IntegrityError

from app.errors import UserError
from app.paths import DataDir
from app.services.dashboard import dashboard_summary
from app.services.demo import generate_demo
from app.services.inventory import systems
from app.services.record_use import InUseError
from app.store import migrations
from app.store.backup import copy_database
from app.store.database import open_database
from app.store.engine import make_engine
from app.store.models import (
    Base,
    BusinessSystem,
    Notice,
    NoticeDeadline,
    Runbook,
    RunbookStep,
    runbook_systems,
)
from app.store.models.ordering import reorder

ACTOR = "スキーマ更新（0004）"
# Columns 0004 removed (their values are checked where they went).
MOVED = {"tasks": {"recur_month", "recur_day", "asset_id", "system_id", "notice_id"},
         "notices": {"deadline"}, "runbooks": {"system_id"}}  # fmt: skip


@pytest.fixture(scope="module")
def demo_0003(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo as a database at revision 0003 (a file to copy)."""
    data_dir = DataDir(tmp_path_factory.mktemp("demo-0003"))
    db = open_database(data_dir, actor="tester")
    generate_demo(db.sessions, size="small", seed=4)
    db.dispose()
    engine = make_engine(data_dir.db_url)
    cfg = migrations.alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003")
    engine.dispose()
    return data_dir.db_path


@pytest.fixture
def old(demo_0003: Path, tmp_path: Path) -> DataDir:
    data_dir = DataDir(tmp_path / "data")
    data_dir.root.mkdir()
    copy_database(demo_0003, data_dir.db_path)
    return data_dir


@pytest.fixture
def run(old: DataDir) -> Iterator[sqlite3.Connection]:
    """A plain connection to the 0003 file, to add rows in the 0003 shape."""
    with closing(sqlite3.connect(old.db_path, isolation_level=None)) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        yield conn


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


def _upgrade(data_dir: DataDir) -> None:
    db = open_database(data_dir, actor="tester")
    db.dispose()


def _revision(path: Path) -> str:
    with closing(_connect(path)) as conn:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])


def _tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'"
        " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_fts_%'"
    )
    return sorted(r[0] for r in rows)


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]


def _snapshot(path: Path) -> dict[str, tuple[list[str], list[tuple[object, ...]]]]:
    """Every table's columns and rows (by rowid)."""
    with closing(_connect(path)) as conn:
        out = {}
        for table in _tables(conn):
            columns = _columns(conn, table)
            names = ", ".join(f'"{c}"' for c in columns)
            rows = conn.execute(f'SELECT {names} FROM "{table}" ORDER BY rowid').fetchall()
            out[table] = (columns, rows)
        return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- every row kept ----------------------------------------------------------------------


def test_the_demo_at_0003_keeps_every_row_and_value(old: DataDir) -> None:
    before = _snapshot(old.db_path)
    assert _revision(old.db_path) == "0003"
    assert len(before["worklog_entries"][1]) == 1_000 and before["notice_deadlines"][1]
    _upgrade(old)
    assert _revision(old.db_path) == migrations.HEAD_REVISION
    after = _snapshot(old.db_path)
    for table, (columns, rows) in before.items():
        if table == "alembic_version":
            continue
        kept = [c for c in columns if c not in MOVED.get(table, set())]
        new_columns, new_rows = after[table]
        assert len(new_rows) == len(rows), table
        old_values = [tuple(r[columns.index(c)] for c in kept) for r in rows]
        new_values = [tuple(r[new_columns.index(c)] for c in kept) for r in new_rows]
        assert new_values == old_values, f"{table}: values changed"
    assert not {"task_series", "task_assets", "runbook_systems"} & set(before)

    with closing(_connect(old.db_path)) as conn:
        # Single references became links, each one.
        for table, column, link, link_column in (
            ("tasks", "asset_id", "task_assets", "asset_id"),
            ("tasks", "system_id", "task_systems", "business_system_id"),
            ("tasks", "notice_id", "task_notices", "notice_id"),
            ("runbooks", "system_id", "runbook_systems", "business_system_id"),
        ):
            columns, rows = before[table]
            expected = {(r[columns.index("id")], r[columns.index(column)])
                        for r in rows if r[columns.index(column)] is not None}  # fmt: skip
            left = "runbook_id" if table == "runbooks" else "task_id"
            got = set(conn.execute(f"SELECT {left}, {link_column} FROM {link}"))
            assert got == expected and expected, link
        # Yearly tasks are occurrences of their rules, on the rule's date in their 年度.
        columns, rows = before["tasks"]
        recurring = [
            dict(zip(columns, r, strict=True)) for r in rows if r[columns.index("recur_month")]
        ]
        assert recurring
        got = {r[0]: r[1:] for r in conn.execute(
            "SELECT t.id, s.rule, s.month, s.day, t.occurrence_on, t.fiscal_year FROM tasks AS t"
            " JOIN task_series AS s ON s.id = t.series_id")}  # fmt: skip
        assert set(got) == {t["id"] for t in recurring}
        for t in recurring:
            rule, month, day, on, fy = got[t["id"]]
            assert (rule, month, day, fy) == ("yearly", t["recur_month"], t["recur_day"],
                                              t["fiscal_year"])  # fmt: skip
            assert on == date(fy + (month < 4), month, day).isoformat()
        # Each notice's deadline is its current one, and nothing else is current.
        columns, rows = before["notices"]
        old_deadlines = {r[columns.index("id")]: r[columns.index("deadline")] for r in rows}
        current = dict(conn.execute("SELECT notice_id, deadline FROM notice_deadlines"
                                    " WHERE is_current = 1"))  # fmt: skip
        assert current == {k: v for k, v in old_deadlines.items() if v is not None}
        assert not conn.execute("SELECT 1 FROM change_log WHERE actor = ?", (ACTOR,)).fetchall()
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


# -- what only an older version or another tool could have written -------------------------
# Rows in the 0003 shape, added with a plain connection; then the upgrade, as Hitori does it.

OLD_STAMP = "2025-01-01 09:00:00.000000"
NOTICE_0003 = {"doc_number": "", "kind": "tsuchi", "status": "unread", "url": "", "summary": "",
               "interpretation": "", "source": ""}  # fmt: skip


def _add(conn: sqlite3.Connection, table: str, **values: object) -> int:
    values = {"created_at": OLD_STAMP, "updated_at": OLD_STAMP, **values}
    names, marks = ", ".join(values), ", ".join("?" * len(values))
    cursor = conn.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", tuple(values.values()))
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _rows(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    with closing(_connect(path)) as conn:
        return conn.execute(sql, params).fetchall()


def _noted(path: Path) -> set[tuple[object, ...]]:
    """(table, row id, field, old, new) of every history row this revision wrote."""
    sql = "SELECT table_name, row_id, field, old_value, new_value FROM change_log WHERE actor = ?"
    return set(_rows(path, sql, ACTOR))


def test_a_notice_deadline_is_current_in_one_place(old: DataDir, run) -> None:
    """notices.deadline was what Hitori showed: it becomes the current row; the history
    stays below it, and a deadline without history is recorded as its first value."""
    base = {**NOTICE_0003, "issued_on": "2025-04-01"}
    disagree = _add(run, "notices", **{**base, "kind": "irai"}, issuer="総務省", title="食い違い",
                    deadline="2025-06-30")  # fmt: skip
    alone = _add(
        run, "notices", **base, issuer="デジタル庁", title="履歴なし", deadline="2025-05-31"
    )
    cleared = _add(run, "notices", **base, issuer="法務省", title="期限を消した", deadline=None)
    agree = _add(run, "notices", **base, issuer="文部科学省", title="一致", deadline="2025-07-31")
    for notice, deadline in ((disagree, "2025-05-31"), (cleared, "2025-09-01"),
                             (agree, "2025-06-01"), (agree, "2025-07-31")):  # fmt: skip
        _add(run, "notice_deadlines", notice_id=notice, deadline=deadline, changed_at=OLD_STAMP,
             reason="当初")  # fmt: skip
    _upgrade(old)
    got = _rows(old.db_path, "SELECT notice_id, kind, deadline, is_current, reason = '当初'"
                f" FROM notice_deadlines WHERE notice_id >= {disagree} ORDER BY id")  # fmt: skip
    assert got == [
        (disagree, "reply", "2025-05-31", 0, 1),  # 依頼・照会: a reply deadline; history kept
        (cleared, "action", "2025-09-01", 0, 1),
        (agree, "action", "2025-06-01", 0, 1),
        (agree, "action", "2025-07-31", 1, 1),  # the newest, equal to the notice's: current
        (alone, "action", "2025-05-31", 1, 0),  # recorded
        (disagree, "reply", "2025-06-30", 1, 0),  # what Hitori showed becomes current
        (cleared, "action", None, 1, 0),  # cleared: now no date
    ]


def test_undated_repeats_of_a_notice_are_told_apart(old: DataDir, run) -> None:
    ids = [_add(run, "notices", **NOTICE_0003, issuer="架空県 情報政策課", issued_on=None,
                title="日付のない照会") for _ in range(3)]  # fmt: skip
    _upgrade(old)
    titles = _rows(old.db_path, f"SELECT title FROM notices WHERE id >= {ids[0]} ORDER BY id")
    assert titles == [
        ("日付のない照会",),
        ("日付のない照会（重複2）",),
        ("日付のない照会（重複3）",),
    ]
    assert ("notices", str(ids[2]), "title", "日付のない照会", "日付のない照会（重複3）") in _noted(
        old.db_path
    )


def test_codes_outside_their_sets_are_mapped_and_noted(old: DataDir, run) -> None:
    first = {t: run.execute(f"SELECT min(id) FROM {t}").fetchone()[0]
             for t in ("contracts", "assets", "business_systems", "notices", "tasks")}  # fmt: skip
    for table, column, value in (
        ("contracts", "kind", "リース"),  # its label
        ("assets", "segment", " LGWAN "),  # another case and spacing
        ("business_systems", "segment", "庁内LAN"),  # unknown: no segment
        ("notices", "kind", "通達"),  # unknown: その他
        ("tasks", "status", "Done"),
        ("tasks", "priority", 9),  # unknown: 中
    ):
        run.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (value, first[table]))
    _upgrade(old)
    columns = (("contracts", "kind"), ("assets", "segment"), ("business_systems", "segment"),
               ("notices", "kind"), ("tasks", "status"), ("tasks", "priority"))  # fmt: skip
    got = [_rows(old.db_path, f"SELECT {c} FROM {t} WHERE id = ?", first[t])[0][0]
           for t, c in columns]  # fmt: skip
    assert got == ["lease", "lgwan", None, "other", "done", 2]
    assert {
        ("contracts", str(first["contracts"]), "kind", "リース", "lease"),
        ("assets", str(first["assets"]), "segment", " LGWAN ", "lgwan"),
        ("business_systems", str(first["business_systems"]), "segment", "庁内LAN", None),
        ("notices", str(first["notices"]), "kind", "通達", "other"),
        ("tasks", str(first["tasks"]), "status", "Done", "done"),
        ("tasks", str(first["tasks"]), "priority", "9", "2"),
    } <= _noted(old.db_path)


def test_recurrence_that_cannot_be_a_rule_stays_a_task(old: DataDir, run) -> None:
    task = {"body": "", "status": "open", "priority": 2, "fiscal_year": 2025}
    never = _add(run, "tasks", **task, title="2月30日", due_date="2026-03-01", recur_month=2,
                 recur_day=30)  # fmt: skip
    twice = [_add(run, "tasks", **task, title="二重の定期作業", due_date=due, recur_month=7,
                  recur_day=1) for due in ("2025-07-01", "2025-07-03")]  # fmt: skip
    _upgrade(old)
    got = _rows(old.db_path, "SELECT id, series_id IS NOT NULL, occurrence_on FROM tasks"
                f" WHERE id >= {never} ORDER BY id")  # fmt: skip
    assert got == [(never, 0, None), (twice[0], 1, "2025-07-01"), (twice[1], 0, None)]
    series = _rows(old.db_path, "SELECT series_id FROM tasks WHERE id = ?", twice[0])[0][0]
    noted = _noted(old.db_path)
    assert {("tasks", str(never), "recur_month", "2", None),
            ("tasks", str(never), "recur_day", "30", None),
            ("tasks", str(twice[1]), "series_id", str(series), None)} <= noted  # fmt: skip


def test_the_actor_of_a_work_log_entry_comes_from_its_history(old: DataDir, run) -> None:
    wid = run.execute("SELECT min(id) FROM worklog_entries").fetchone()[0]
    for row_id, actor in ((wid, "山田 花子"), (wid + 1, "unknown")):
        run.execute("INSERT INTO change_log (at, actor, table_name, row_id, action, new_value)"
                    " VALUES (?, ?, 'worklog_entries', ?, 'insert', '{}')",
                    (OLD_STAMP, actor, str(row_id)))  # fmt: skip
    _upgrade(old)
    got = _rows(old.db_path, "SELECT id, actor FROM worklog_entries WHERE id <= ?", wid + 2)
    assert got == [(wid, "山田 花子"), (wid + 1, ""), (wid + 2, "")]


def test_checklist_repeats_lose_their_system_and_positions_are_renumbered(
    old: DataDir, run
) -> None:
    template, system = run.execute(
        "SELECT template_id, system_id FROM checklists WHERE system_id IS NOT NULL ORDER BY id"
    ).fetchone()
    repeat = _add(
        run, "checklists", template_id=template, name="重複", system_id=system, notes="メモ"
    )
    items = [r[0] for r in run.execute("SELECT id FROM checklist_template_items"
                                       " WHERE template_id = ? ORDER BY position LIMIT 3",
                                       (template,))]  # fmt: skip
    run.execute(f"UPDATE checklist_template_items SET position = 0 WHERE id = {items[0]}")
    run.execute(f"UPDATE checklist_template_items SET position = 1 WHERE id IN ({items[1]},"
                f" {items[2]})")  # fmt: skip
    _upgrade(old)
    got = _rows(old.db_path, "SELECT system_id, notes FROM checklists WHERE id = ?", repeat)
    assert got[0][0] is None and str(got[0][1]).startswith("メモ（0004への更新時")
    positions = _rows(old.db_path, "SELECT id, position FROM checklist_template_items"
                      f" WHERE id IN ({', '.join(map(str, items))}) ORDER BY position")  # fmt: skip
    assert positions == [(items[0], 0), (items[1], 1), (items[2], 2)]
    assert {("checklists", str(repeat), "system_id", str(system), None),
            ("checklist_template_items", str(items[2]), "position", "1", "2")} <= _noted(
        old.db_path)  # fmt: skip


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            "UPDATE assets SET status = 'borrowed' WHERE id IN (SELECT id FROM assets LIMIT 2)",
            "資産の「状態」に不明な値「borrowed」（2件）",
        ),
        (
            "UPDATE asset_types SET category = '什器' WHERE code = 'ups'",
            "資産種別の「分類」に不明な値「什器」（1件）",
        ),
        (
            "UPDATE checklist_progress SET item_id = (SELECT i.id FROM checklist_template_items"
            " AS i JOIN checklist_templates AS t ON t.id = i.template_id WHERE t.kind ="
            " 'gov_cloud' LIMIT 1) WHERE id = (SELECT min(p.id) FROM checklist_progress AS p"
            " JOIN checklists AS c ON c.id = p.checklist_id"
            " WHERE c.standard_business_id IS NOT NULL)",
            "雛形にない項目を指すもの",
        ),
    ],
    ids=["asset-status", "asset-category", "progress-of-another-template"],
)
def test_what_cannot_be_carried_refuses_the_upgrade(old: DataDir, run, damage, message) -> None:
    run.execute(damage)
    before = _sha256(old.db_path)
    with pytest.raises(UserError) as info:
        open_database(old, actor="tester")
    assert message in str(info.value) and "以前の版のHitori" in str(info.value)
    assert f"0003 から {migrations.HEAD_REVISION}" in str(info.value)
    assert _sha256(old.db_path) == before and _revision(old.db_path) == "0003"


# -- the new schema at work ----------------------------------------------------------------


# A named CHECK as SQLAlchemy writes it in CREATE TABLE: one line, ending the line.
CHECK_IN_DDL = re.compile(r"CONSTRAINT (\w+) CHECK \((.*?)\)(?:,\s*\n|\s*\n\))")


def test_checks_in_the_database_are_the_models(tmp_path: Path) -> None:
    """Autogenerate does not compare CHECK constraints: this holds migrations and models
    to the same ones."""
    engine = make_engine(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    try:
        migrations.upgrade(engine)
        with engine.connect() as conn:
            ddl = dict(conn.execute(text("SELECT name, sql FROM sqlite_master")).all())
    finally:
        engine.dispose()
    checked = 0
    for table in Base.metadata.sorted_tables:
        expected = {
            (str(c.name), " ".join(str(c.sqltext).split()))
            for c in table.constraints
            if isinstance(c, CheckConstraint)
        }
        found = {
            (name, " ".join(body.split()))
            for name, body in CHECK_IN_DDL.findall(ddl[table.name] + "\n")
        }
        assert found == expected, table.name
        checked += len(found)
    assert checked > 30


def _rejected(db, sql: str, **params: object) -> bool:
    try:
        with db.sessions.begin() as s:
            s.execute(text(sql), params)
    except IntegrityError:
        return True
    return False


def test_the_constraints_refuse_what_the_areas_must_not_write(db) -> None:
    stamp = "'2026-01-01 00:00:00'"
    cols = "created_at, updated_at"
    with db.sessions.begin() as s:
        s.execute(text(f"INSERT INTO notices (id, issuer, doc_number, title, kind, status, url,"
                       f" summary, interpretation, source, {cols}) VALUES (1, '総務省', '', '件名',"
                       f" 'tsuchi', 'unread', '', '', '', '', {stamp}, {stamp})"))  # fmt: skip
        s.execute(text(f"INSERT INTO task_series (id, title, body, priority, rule, month, day,"
                       f" business_day, active, notes, {cols}) VALUES (1, '出納閉鎖', '', 2,"
                       f" 'yearly', 5, 31, 'previous', 1, '', {stamp}, {stamp})"))  # fmt: skip
    notice = ("INSERT INTO notices (issuer, doc_number, issued_on, title, kind, status, url,"
              " summary, interpretation, source, feed_guid, created_at, updated_at) VALUES"
              " (:issuer, '', :on, :title, :kind, 'unread', '', '', '', '', :guid, :at,"
              " :at)")  # fmt: skip
    n = {"issuer": "総務省", "on": None, "title": "件名", "kind": "tsuchi", "guid": None,
         "at": "2026-01-01"}  # fmt: skip
    assert _rejected(db, notice, **n)  # an undated repeat
    assert _rejected(db, notice, **{**n, "kind": "unknown", "title": "別件"})
    assert not _rejected(db, notice, **{**n, "guid": "urn:a"})  # a feed item: its GUID decides
    assert not _rejected(db, notice, **{**n, "guid": "urn:b"})
    assert _rejected(db, notice, **{**n, "guid": "urn:a", "title": "別件"})
    deadline = ("INSERT INTO notice_deadlines (notice_id, kind, deadline, is_current, changed_at,"
                " reason, created_at, updated_at) VALUES (1, :kind, '2026-03-31', :current,"
                " :at, '', :at, :at)")  # fmt: skip
    assert not _rejected(db, deadline, kind="reply", current=1, at="2026-01-01")
    assert not _rejected(db, deadline, kind="reply", current=0, at="2026-01-02")
    assert not _rejected(db, deadline, kind="effective", current=1, at="2026-01-03")
    assert _rejected(db, deadline, kind="reply", current=1, at="2026-01-04")  # two current
    assert _rejected(db, deadline, kind="期限", current=0, at="2026-01-05")
    series = ("INSERT INTO task_series (title, body, priority, rule, month, day, nth, weekday,"
              " interval_days, starts_on, business_day, active, notes, created_at, updated_at)"
              " VALUES ('t', '', 2, :rule, :month, :day, :nth, :weekday, :every, :start,"
              " :shift, 1, '', :at, :at)")  # fmt: skip
    r = {"rule": "yearly", "month": 4, "day": 1, "nth": None, "weekday": None, "every": None,
         "start": None, "shift": "keep", "at": "2026-01-01"}  # fmt: skip
    assert not _rejected(db, series, **r)
    assert not _rejected(db, series, **{**r, "month": 2, "day": 29})
    assert _rejected(db, series, **{**r, "month": 2, "day": 30})  # never occurs
    assert _rejected(db, series, **{**r, "month": 4, "day": 31})
    assert _rejected(db, series, **{**r, "shift": "weekend"})
    assert _rejected(db, series, **{**r, "nth": 2})  # yearly with an nth: not its fields
    nth = {**r, "rule": "nth_weekday", "month": None, "day": None, "nth": -1, "weekday": 4}
    assert not _rejected(db, series, **nth)  # the last Friday of every month
    assert _rejected(db, series, **{**nth, "weekday": 7})
    assert _rejected(db, series, **{**r, "rule": "interval", "month": None, "day": None,
                                     "every": 14})  # fmt: skip  # no start date
    assert not _rejected(db, series, **{**r, "rule": "interval", "month": None, "day": None,
                                         "every": 14, "start": "2026-04-01"})  # fmt: skip
    # Generating an occurrence again adds nothing.
    occurrence = ("INSERT INTO tasks (title, body, status, priority, due_date, series_id,"
                  " occurrence_on, created_at, updated_at) VALUES ('出納閉鎖', '', 'open', 2,"
                  " '2026-05-29', 1, '2026-05-31', :at, :at) ON CONFLICT DO NOTHING")  # fmt: skip
    for _ in range(2):
        with db.sessions.begin() as s:
            s.execute(text(occurrence), {"at": "2026-01-01"})
    with db.sessions() as s:
        assert s.execute(text("SELECT count(*) FROM tasks WHERE series_id = 1")).scalar_one() == 1
    assert _rejected(db, "UPDATE tasks SET status = 'cancelled'")
    assert _rejected(db, "UPDATE tasks SET priority = 0")


def test_progress_points_only_at_items_of_its_own_template(db) -> None:
    at = "'2026-01-01'"
    with db.sessions.begin() as s:
        run = lambda sql: s.execute(text(sql))  # noqa: E731
        run(f"INSERT INTO checklist_templates (id, code, name, kind, builtin, description,"
            f" created_at, updated_at) VALUES (100, 'mine', '独自', 'custom', 0, '', {at},"
            f" {at})")  # fmt: skip
        run(f"INSERT INTO checklist_template_items (id, template_id, code, group_name, title,"
            f" position, created_at, updated_at) VALUES (1000, 100, 'M-1', '', '項目', 0,"
            f" {at}, {at})")  # fmt: skip
        std = s.execute(
            text("SELECT id FROM checklist_templates WHERE code = 'standardization-40'")
        ).scalar_one()
        run(f"INSERT INTO checklists (id, template_id, name, notes, created_at, updated_at)"
            f" VALUES (1, {std}, '住基', '', {at}, {at})")  # fmt: skip
    std_item = "(SELECT min(id) FROM checklist_template_items WHERE template_id = :t)"
    progress = ("INSERT INTO checklist_progress (checklist_id, template_id, item_id, status,"
                " evidence, notes, created_at, updated_at) VALUES (1, :t, {item}, 'todo', '', '',"
                " '2026-01-01', '2026-01-01')")  # fmt: skip
    assert _rejected(db, progress.format(item="1000"), t=std)  # another template's item
    assert _rejected(db, progress.format(item="1000"), t=100)  # not the checklist's template
    assert not _rejected(db, progress.format(item=std_item), t=std)
    assert _rejected(db, "UPDATE checklists SET template_id = 100 WHERE id = 1")  # has progress
    dup = ("INSERT INTO checklists (template_id, name, system_id, notes, created_at, updated_at)"
           " VALUES (100, 'x', :system, '', '2026-01-01', '2026-01-01')")  # fmt: skip
    with db.sessions.begin() as s:
        s.execute(text("INSERT INTO business_systems (id, name, description, tokutei_iko, notes,"
                       " created_at, updated_at) VALUES (1, '住民記録システム', '', 0, '',"
                       " '2026-01-01', '2026-01-01')"))  # fmt: skip
    assert not _rejected(db, dup, system=None) and not _rejected(db, dup, system=None)
    assert not _rejected(db, dup, system=1)
    assert _rejected(db, dup, system=1)  # one checklist per template and system


def test_steps_are_reordered_in_one_update(db) -> None:
    steps = RunbookStep.__table__
    assert isinstance(steps, Table)
    with db.sessions.begin() as s:
        s.execute(text("INSERT INTO runbooks (id, title, purpose, frequency, version, notes,"
                       " created_at, updated_at) VALUES (1, '再起動', '', '', '', '',"
                       " '2026-01-01', '2026-01-01')"))  # fmt: skip
        s.execute(insert(steps), [{"id": i, "runbook_id": 1, "position": i, "title": f"手順{i}",
                                   "body": "", "expected": ""} for i in range(1, 5)])  # fmt: skip
    # The naive permutation collides: SQLite checks UNIQUE row by row.
    assert _rejected(db, "UPDATE runbook_steps SET position = 5 - position WHERE runbook_id = 1")

    def order() -> list[tuple[int, int]]:
        with db.sessions() as s:
            stmt = select(steps.c.id, steps.c.position).order_by(steps.c.position)
            return [(int(r[0]), int(r[1])) for r in s.execute(stmt)]

    statements: list[str] = []
    for wanted in ([4, 3, 2, 1], [2, 4, 1, 3], [1, 2, 3, 4]):
        with db.sessions.begin() as s:
            conn = s.connection()
            listener = lambda *args: statements.append(args[2])  # noqa: E731
            event.listen(conn, "before_cursor_execute", listener)
            reorder(conn, steps, steps.c.runbook_id, 1, wanted)
            event.remove(conn, "before_cursor_execute", listener)
        assert [i for i, _p in order()] == wanted
        assert max(p for _i, p in order()) <= 8  # positions stay within twice the steps
    assert sum(sql.startswith("UPDATE") for sql in statements) == 3  # one per reorder
    with db.sessions.begin() as s, pytest.raises(ValueError):
        reorder(s.connection(), steps, steps.c.runbook_id, 1, [1, 2, 3])


# -- services reading the changed columns ----------------------------------------------------


def test_the_dashboard_lists_current_notice_deadlines_by_kind(db) -> None:
    with db.sessions.begin() as s:
        notice = Notice(issuer="総務省", title="調査", kind="irai")
        s.add(notice)
        s.flush()
        for kind, deadline, current in (("reply", date(2026, 11, 10), False),
                                        ("reply", date(2026, 11, 20), True),
                                        ("effective", date(2026, 12, 1), True)):  # fmt: skip
            s.add(NoticeDeadline(notice_id=notice.id, kind=kind, deadline=deadline,
                                 is_current=current))  # fmt: skip
    with db.sessions() as s:
        due = dashboard_summary(s, date(2026, 11, 1)).due
    assert [(d.kind, d.due) for d in due if d.ref_kind == "notice"] == [
        ("回答期限", date(2026, 11, 20)), ("施行日", date(2026, 12, 1))]  # fmt: skip


def test_a_system_serving_a_runbook_is_not_deleted(db) -> None:
    with db.sessions.begin() as s:
        system, runbook = BusinessSystem(name="住民記録システム"), Runbook(title="再起動")
        s.add_all([system, runbook])
        s.flush()
        s.execute(insert(runbook_systems).values(runbook_id=runbook.id,
                                                 business_system_id=system.id))  # fmt: skip
        system_id = system.id
    with pytest.raises(InUseError, match="手順書 1件"), db.sessions.begin() as s:
        systems.delete_system(s, system_id)
