"""Database health checks for ``hitori check``."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from app.store.migrations import check_revision, head_revision
from app.store.readonly import read_only
from app.store.search_index import FTS_TABLE


@dataclass
class CheckReport:
    ok: bool = True
    lines: list[str] = field(default_factory=list)
    index_only: bool = True  # every failure is the search index's (``check --reindex``)

    def fail(self, line: str, *, index: bool = False) -> None:
        self.ok = False
        self.index_only = self.index_only and index
        self.lines.append(f"NG  {line}")

    def good(self, line: str) -> None:
        self.lines.append(f"OK  {line}")


def check_database(db_path: Path) -> CheckReport:
    """Integrity, foreign keys, schema revision and the search index, read-only."""
    report = CheckReport()
    try:
        with read_only(db_path) as conn:
            _check(conn, report)
    except sqlite3.Error as exc:
        report.fail(f"開けません: {exc}")
    return report


def _check(conn: sqlite3.Connection, report: CheckReport) -> None:
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        report.fail(f"データベースとして読めません: {exc}")
        return
    if rows == ["ok"]:
        report.good("整合性検査（integrity_check）")
    else:
        for r in rows[:20]:
            report.fail(f"整合性: {r}")
    fk = conn.execute("PRAGMA foreign_key_check").fetchall()
    if fk:
        for table, rowid, parent, _ in fk[:20]:
            report.fail(f"外部キー: {table} の行 {rowid} が {parent} にない行を参照しています")
    else:
        report.good("外部キー検査（foreign_key_check）")
    row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    revision = row[0] if row else None
    try:
        check_revision(revision)
    except RuntimeError as exc:
        report.fail(str(exc))
    else:
        state = "最新" if revision == head_revision() else f"更新が必要（最新 {head_revision()}）"
        report.good(f"スキーマ {revision}（{state}）")
    try:
        conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES('integrity-check')")
    except sqlite3.OperationalError as exc:
        if "readonly" not in str(exc).lower():
            report.fail(f"検索索引: {exc}", index=True)
        else:
            _count_check(conn, report)
    except sqlite3.DatabaseError as exc:
        report.fail(f"検索索引が壊れています: {exc}（再作成が必要です）", index=True)
    else:
        report.good("検索索引")


def _count_check(conn: sqlite3.Connection, report: CheckReport) -> None:
    """The read-only form of FTS5's own integrity check (an INSERT, refused here): the
    counts agree, and every term's entries can be read (a vocabulary table reads them
    all; damaged pages fail)."""
    docs = conn.execute("SELECT count(*) FROM search_docs").fetchone()[0]
    fts = conn.execute(f"SELECT count(*) FROM {FTS_TABLE}").fetchone()[0]
    if docs != fts:
        report.fail(f"検索索引の件数が一致しません（{docs} / {fts}）", index=True)
        return
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
