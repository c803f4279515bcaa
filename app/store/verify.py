"""Prove a database file sound, the one way every caller does it.

Used by ``hitori check``, by every backup (on its copy, before an older generation may be
rotated out), and on the private copy a restore or an upgrade is about to put in place:
SQLite's ``integrity_check`` and ``foreign_key_check``; one schema revision that this
version knows; at the current revision, exactly the tables, columns, indexes, triggers
and views Hitori's migrations make (app.store.schema_signature); and the search index,
read through entirely.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from app.store.migrations import HEAD_REVISION, NewerDatabaseError, check_revision
from app.store.search_query import FTS_TABLE
from app.store.sqlite_files import connect_reader

MAX_LINES_PER_CHECK = 20


@dataclass
class VerifyReport:
    ok: bool = True
    lines: list[str] = field(default_factory=list)
    index_only: bool = True  # every failure is the search index's (``check --reindex``)
    revision: str | None = None
    not_hitori: bool = False  # no Hitori schema at all (no alembic_version)
    newer: bool = False  # written by a newer Hitori
    # What the failures concern: "database", "index" (the search index), "files" (the
    # attachment files and rows: the database itself is sound).
    areas: set[str] = field(default_factory=set)

    def fail(self, line: str, *, index: bool = False, files: bool = False) -> None:
        self.ok = False
        self.index_only = self.index_only and index
        self.areas.add("index" if index else "files" if files else "database")
        self.lines.append(f"NG  {line}")

    def good(self, line: str) -> None:
        self.lines.append(f"OK  {line}")

    def note(self, line: str) -> None:
        """Worth knowing, not a problem."""
        self.lines.append(f"注意  {line}")

    def problems(self) -> list[str]:
        return [line[4:] for line in self.lines if line.startswith("NG  ")]

    def summary(self, limit: int = 3) -> str:
        found = self.problems()
        more = f" ほか{len(found) - limit}件" if len(found) > limit else ""
        return "、".join(found[:limit]) + more


def verify_file(path: Path, *, private: bool = False) -> VerifyReport:
    """Verify the database at ``path``: through a connection that only reads, or — for a
    ``private`` file of our own work, where SQLite may run FTS5's own full index check —
    through an ordinary one."""
    report = VerifyReport()
    try:
        conn = sqlite3.connect(path, isolation_level=None) if private else connect_reader(path)
    except sqlite3.Error as exc:
        report.fail(f"開けません: {exc}")
        return report
    try:
        verify_connection(conn, report)
    except sqlite3.Error as exc:
        report.fail(f"データベースとして読めません: {exc}")
    finally:
        conn.close()
    return report


def verify_connection(conn: sqlite3.Connection, report: VerifyReport | None = None) -> VerifyReport:
    report = report or VerifyReport()
    if not _integrity(conn, report):
        return report
    _foreign_keys(conn, report)
    if not _revision(conn, report):
        return report
    if report.revision == HEAD_REVISION:
        _schema(conn, report)
    _search_index(conn, report)
    return report


def _integrity(conn: sqlite3.Connection, report: VerifyReport) -> bool:
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        report.fail(f"データベースとして読めません: {exc}")
        return False
    if rows == ["ok"]:
        report.good("整合性検査（integrity_check）")
    else:
        for r in rows[:MAX_LINES_PER_CHECK]:
            report.fail(f"整合性: {r}")
    return True


def _foreign_keys(conn: sqlite3.Connection, report: VerifyReport) -> None:
    fk = conn.execute("PRAGMA foreign_key_check").fetchall()
    if not fk:
        report.good("外部キー検査（foreign_key_check）")
    for table, rowid, parent, _ in fk[:MAX_LINES_PER_CHECK]:
        report.fail(f"外部キー: {table} の行 {rowid} が {parent} にない行を参照しています")


def _revision(conn: sqlite3.Connection, report: VerifyReport) -> bool:
    has_version = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
    ).fetchone()
    if not has_version:
        report.not_hitori = True
        report.fail("Hitoriのデータベースではありません（スキーマの版の記録がありません）")
        return False
    rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    if len(rows) != 1 or not rows[0][0]:
        report.fail(f"スキーマの版の記録が壊れています（{len(rows)} 行）")
        return False
    report.revision = str(rows[0][0])
    try:
        check_revision(report.revision)
    except NewerDatabaseError as exc:
        report.newer = True
        report.fail(str(exc))
        return False
    state = "最新" if report.revision == HEAD_REVISION else f"更新が必要（最新 {HEAD_REVISION}）"
    report.good(f"スキーマ {report.revision}（{state}）")
    return True


def _schema(conn: sqlite3.Connection, report: VerifyReport) -> None:
    from app.store.schema_signature import read_signature, reference_signature

    differences = read_signature(conn).differences(reference_signature())
    if not differences:
        report.good("テーブル・索引・トリガーの構成")
    for line in differences[:MAX_LINES_PER_CHECK]:
        report.fail(f"構成: {line}")


def _search_index(conn: sqlite3.Connection, report: VerifyReport) -> None:
    try:
        conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES('integrity-check')")
    except sqlite3.OperationalError as exc:
        if "readonly" not in str(exc).lower():
            report.fail(f"検索索引: {exc}", index=True)
        else:
            _read_whole_index(conn, report)
    except sqlite3.DatabaseError as exc:
        report.fail(f"検索索引が壊れています: {exc}（再作成が必要です）", index=True)
    else:
        report.good("検索索引")


def _read_whole_index(conn: sqlite3.Connection, report: VerifyReport) -> None:
    """The read-only form of FTS5's own integrity check (an INSERT, refused here): the
    counts agree, and every term's entries can be read (a vocabulary table reads them
    all; damaged pages fail)."""
    docs = conn.execute("SELECT count(*) FROM search_docs").fetchone()[0]
    fts = conn.execute(f"SELECT count(*) FROM {FTS_TABLE}").fetchone()[0]
    if docs != fts:
        report.fail(f"検索索引の件数が一致しません（{docs} / {fts}）", index=True)
        return
    # The vocabulary table lives in the connection's own temp schema; query_only (which
    # also covers temp) is lifted for that alone. The main database is only read.
    query_only = conn.execute("PRAGMA query_only").fetchone()[0]
    conn.execute("PRAGMA query_only=0")
    try:
        conn.execute(
            f"CREATE VIRTUAL TABLE temp.hitori_check_vocab USING fts5vocab(main, {FTS_TABLE}, row)"
        )
        conn.execute("SELECT sum(cnt) FROM temp.hitori_check_vocab").fetchone()
    except sqlite3.DatabaseError as exc:
        report.fail(f"検索索引が壊れています: {exc}（再作成が必要です）", index=True)
    else:
        report.good(f"検索索引（{docs:,} 件）")
    finally:
        conn.execute("DROP TABLE IF EXISTS temp.hitori_check_vocab")
        conn.execute(f"PRAGMA query_only={int(query_only)}")
