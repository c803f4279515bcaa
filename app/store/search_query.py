"""Querying the global search index with the standard library alone.

The index itself (bigram tokens in an FTS5 table, one rowid block per record kind) is
written by app.store.search_index; this module only reads it, through a plain sqlite3
connection, so that ``hitori search`` needs neither SQLAlchemy nor the models: the
blocks and labels of the kinds come from the ``search_kinds`` table.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from app.store.search_text import EmptyQuery, match_expression, runs

__all__ = [
    "CANDIDATES",
    "DOCS_SQL",
    "FTS_TABLE",
    "MATCH_SQL",
    "EmptyQuery",
    "SearchHit",
    "block_range",
    "rank_key",
    "score",
    "search_blocks_of",
    "stored_kinds",
]

SHIFT = 40

FTS_TABLE = "search_fts"
# As created by the first migration (db/versions/0001); ``recreate`` builds it anew.
FTS_DDL = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
    "title, body, tokenize='unicode61 remove_diacritics 0', prefix='1')"
)
# Per kind, at most this many matches (the newest) are ranked.
CANDIDATES = 60

MATCH_SQL = f"""
    SELECT rowid FROM {FTS_TABLE}
    WHERE {FTS_TABLE} MATCH ? AND rowid BETWEEN ? AND ?
    ORDER BY rowid DESC LIMIT ?
"""
# An asset named exactly by the query — its tag, IP address, MAC address (either
# separator) or host name — is ranked first, whether or not it is among the candidates.
# Each form is looked up through an index (an IP address, which has none, only when the
# query is one), so a plain word costs three index probes.
_IPV4 = re.compile(r"\d{1,3}(\.\d{1,3}){3}")
_MAC = re.compile(r"[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}")
EXACT_BY_IP = "SELECT id FROM assets WHERE ip_address = ? LIMIT 5"
EXACT_BY_MAC = "SELECT id FROM assets WHERE mac_address IN (?, ?) LIMIT 5"
EXACT_BY_NAME = """
    SELECT id FROM assets WHERE asset_tag IN (?1, upper(?1))
    UNION SELECT id FROM assets WHERE hostname IN (?1, upper(?1), lower(?1))
    LIMIT 5
"""
EXACT_KIND = "asset"
EXACT_SCORE = -1.0
DOCS_SQL = "SELECT id, ref_id, title, subtitle FROM search_docs WHERE id IN ({marks})"


@dataclass(frozen=True, slots=True)
class SearchHit:
    kind: str
    ref_id: int
    title: str
    subtitle: str
    score: float
    # The record's date and what it is (RecordKind.dated), where its kind has one.
    when: date | None = None
    when_label: str = ""


def block_range(block: int) -> tuple[int, int]:
    """The rowids of one kind's block."""
    return block << SHIFT, ((block + 1) << SHIFT) - 1


def rank_key(terms: list[str], title: str, subtitle: str, rowid: int) -> tuple:
    """Sort key of one candidate (smaller is better); ``terms`` are the normalised
    letter/digit runs of the query."""
    text = " ".join(runs(title))
    sub = " ".join(runs(subtitle))
    needle = " ".join(terms)
    head = f"{text} {sub}"
    return (
        not (text == needle or sub == needle),
        not (text.startswith(needle) or sub.startswith(needle)),
        not all(t in head for t in terms),
        len(title),
        -rowid,
    )


def score(key: tuple) -> float:
    """A number comparable across kinds (smaller is better): the match quality flags,
    then the title length as a tie-break."""
    exact, prefix, in_title, length, _rowid = key
    return exact * 4 + prefix * 2 + in_title + min(length, 999) / 1000


def stored_kinds(conn: sqlite3.Connection) -> list[tuple[str, int, str]]:
    """The searched kinds as the database keeps them: (code, block, label), block order."""
    return conn.execute("SELECT code, block, label FROM search_kinds ORDER BY block").fetchall()


def _exact_assets(conn: sqlite3.Connection, query: str, lo: int) -> set[int]:
    """Search-doc ids of the assets the query names exactly (tag, IP, MAC, host)."""
    text = query.strip()
    if len(text) < 3 or any(c.isspace() for c in text) or not text.isascii():
        return set()
    args: tuple[str, ...]
    if _IPV4.fullmatch(text):
        sql, args = EXACT_BY_IP, (text,)
    elif _MAC.fullmatch(text):
        colons = text.upper().replace("-", ":")
        sql, args = EXACT_BY_MAC, (colons, colons.replace(":", "-"))
    else:
        sql, args = EXACT_BY_NAME, (text,)
    try:
        rows = conn.execute(sql, args).fetchall()
    except sqlite3.OperationalError:  # a database without the assets table
        return set()
    return {lo | int(r[0]) for r in rows}


ALL_MATCHES_SQL = f"""
    SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? AND rowid BETWEEN ? AND ?
"""


def all_matching_ids(conn: sqlite3.Connection, query: str, block: int) -> list[int]:
    """The record ids of one kind's block matching every term of ``query`` — all of them,
    unranked (a list's text filter). Raises EmptyQuery for a query of only symbols."""
    lo, hi = block_range(block)
    return [r[0] - lo for r in conn.execute(ALL_MATCHES_SQL, (match_expression(query), lo, hi))]


def search_blocks_of(
    conn: sqlite3.Connection,
    query: str,
    kinds: Iterable[tuple[str, int]],
    *,
    per_kind: int = 9,
    limits: dict[str, int] | None = None,
) -> dict[str, list[SearchHit]]:
    """Ranked hits per kind (best first), at most ``per_kind`` each (``limits``: more
    for some kinds, to reach every hit), for ``kinds`` given as (code, block). Raises
    EmptyQuery for a query of only symbols."""
    expr = match_expression(query)
    terms = runs(query)
    results: dict[str, list[SearchHit]] = {}
    for kind, block in kinds:
        lo, hi = block_range(block)
        wanted = (limits or {}).get(kind, per_kind)
        ids = [r[0] for r in conn.execute(MATCH_SQL, (expr, lo, hi, max(CANDIDATES, wanted)))]
        exact = _exact_assets(conn, query, lo) if kind == EXACT_KIND else set()
        ids += [i for i in exact if i not in ids]
        if not ids:
            continue
        docs = conn.execute(DOCS_SQL.format(marks=",".join(map(str, ids)))).fetchall()
        keyed = sorted((rank_key(terms, d[2], d[3], d[0]), d) for d in docs)
        hits = [
            SearchHit(kind, d[1], d[2], d[3], EXACT_SCORE if d[0] in exact else score(key))
            for key, d in keyed
        ]
        hits.sort(key=lambda h: h.score != EXACT_SCORE)  # stable: exact ones first
        results[kind] = hits[:wanted]
    return results
