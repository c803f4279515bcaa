"""Demo data: a realistic but entirely fictional town (架空県 ひとり町) to try Hitori with.

``generate_demo`` fills a freshly initialised database (reference data seeded,
no assets yet) with departments, vendors, systems, assets, contracts, licences,
notices (with tags), tasks, work logs, runbooks, checklists, attachment rows, the
regulations register (the starter set and the town's own rules, one lagging), Q&A notes
and a kept digest, then
rebuilds the search index. It uses Core bulk inserts with ids assigned here,
all in one transaction: an error or a cancel leaves the database unchanged.
The result depends only on (size, seed, today), never on the wall clock.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from app.services.demo.builder import _Demo
from app.services.demo.loader import (
    DEFAULT_TODAY,
    SIZES,
    DemoCancelled,
    DemoError,
    DemoSize,
    _Loader,
    _table,
)
from app.store import changes, search_index
from app.store.attachments import AttachmentFiles
from app.store.models import Asset, ChangeLogEntry, utcnow

log = logging.getLogger("hitori.demo")

__all__ = [
    "DEFAULT_TODAY", "SIZES", "DemoCancelled", "DemoError", "DemoSize", "counts_in_words",
    "generate_demo",
]  # fmt: skip

SEARCH_DOCS = "search_docs"  # the key of generate_demo's count of indexed records


def counts_in_words(counts: dict[str, int]) -> list[tuple[str, int]]:
    """generate_demo's counts as people read them: each record kind by its label (in the
    order made), the link tables together as 関連付け, the search index last."""
    from app.store.kind_index import kind_of, model_by_table

    words: list[tuple[str, int]] = []
    links = 0
    for table, count in counts.items():
        model = model_by_table(table)
        if table == SEARCH_DOCS:
            continue
        if model is None:
            links += count
        else:
            words.append((kind_of(model).label, count))
    if links:
        words.append(("関連付け", links))
    if SEARCH_DOCS in counts:
        words.append(("検索索引", counts[SEARCH_DOCS]))
    return words


def _estimate(spec: DemoSize) -> tuple[int, int]:
    """Rough (rows to insert, rows to index) used as progress units."""
    rows = spec.assets * 4 + spec.worklog + spec.notices * 2 + spec.runbooks * 9
    rows += spec.tasks + spec.attachments + 2_000
    rows += spec.notices * 2 + spec.knowledge * 6 + 100  # tags, register, Q&A, digest
    index = spec.assets + spec.worklog + spec.notices + spec.runbooks * 7 + spec.tasks
    return rows, index + spec.knowledge * 3 + 50


def generate_demo(
    session_factory: sessionmaker[Session],
    *,
    size: str = "small",
    seed: int = 1,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    today: date | None = None,
    files: AttachmentFiles | None = None,
) -> dict[str, int]:
    """Fill an empty ledger with demo data of ``size``; return rows inserted per table.

    Raises DemoError if the database already has assets (or ``size`` is unknown)
    and DemoCancelled when ``cancelled()`` turns true; in both cases nothing is
    written. The key ``search_docs`` counts the records put into the search index.
    """
    spec = SIZES.get(size)
    if spec is None:
        raise DemoError(f"デモデータの規模が不正です: {size}（small / medium / large）")
    today = today or DEFAULT_TODAY
    rows_est, index_est = _estimate(spec)
    stamp = datetime(today.year, today.month, today.day, 9)
    with session_factory() as session:
        session.info["skip_audit"] = True
        session.info["skip_search_index"] = True
        with session.begin():
            if session.execute(select(Asset.id).limit(1)).first() is not None:
                raise DemoError(
                    "資産台帳にすでにデータがあります。デモデータは空の台帳にだけ作成できます。"
                )
            conn = session.connection()
            loader = _Loader(conn, rows_est + index_est, stamp, progress, cancelled)
            t0 = time.perf_counter()
            _Demo(loader, spec, seed, today, files).run()
            loader.ids_given()
            counts = dict(loader.counts)
            # Written with Core statements: say which kinds changed (views reload).
            for table in counts:
                changes.note_table(session, table, ())
            conn.execute(
                insert(_table(ChangeLogEntry)),
                [{"at": utcnow(), "actor": session.info.get("actor") or "demo",
                  "table_name": "demo", "row_id": f"{size}:{seed}", "action": "insert",
                  "field": None, "old_value": None, "batch": None,
                  "new_value": json.dumps(counts, ensure_ascii=False, sort_keys=True)}],
            )  # fmt: skip
            t1 = time.perf_counter()
            loader.done = rows_est
            loader.advance(0, "検索索引を作成しています")
            counts[SEARCH_DOCS] = search_index.rebuild(
                session,
                progress=lambda d, t, m: loader.advance_to(
                    rows_est + index_est * d // max(t, 1), m
                ),
            )
            t2 = time.perf_counter()
            loader.check()
        log.info(
            "demo %s seed=%d: generated in %.1fs, search index in %.1fs",
            size, seed, t1 - t0, t2 - t1,
        )  # fmt: skip
    if progress is not None:
        progress(rows_est + index_est, rows_est + index_est, "デモデータを作成しました")
    return counts
