"""The reference for ``hitori search``: the same full-text search, as a whole process
that uses the standard library only.

    python tests/bench/stdlib_search.py DB PLAN_JSON

``PLAN_JSON`` (made by tests/bench/run.py from Hitori's own code, so both run the same
statements) holds the FTS5 match expression of the query, the per-kind statements
(app.store.search_index.MATCH_SQL, DOCS_SQL), how many of the newest matches each kind
reads (CANDIDATES), and each kind's rowid range and label.
Like ``hitori search`` it opens the database for reading (query_only), runs per kind
the match over the kind's rowid range and reads the matching documents, orders each
kind's hits (shorter title first, newer first), and prints them grouped by kind.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from urllib.parse import quote


def main(argv: list[str]) -> int:
    db_path, plan = argv[0], json.loads(argv[1])
    conn = sqlite3.connect(f"file:{quote(db_path)}?mode=rw", uri=True, timeout=30)
    conn.isolation_level = None
    conn.execute("PRAGMA query_only=1")
    per_group = int(plan.get("per_group", 8))
    candidates = int(plan["candidates"])
    out = []
    for _kind, label, lo, hi in plan["kinds"]:
        match = (plan["expression"], lo, hi, candidates)
        ids = [r[0] for r in conn.execute(plan["match_sql"], match)]
        if not ids:
            continue
        docs = conn.execute(plan["docs_sql"].format(marks=",".join(map(str, ids)))).fetchall()
        docs.sort(key=lambda d: (len(d[2]), -d[0]))
        out.append(f"■ {label}")
        for _doc_id, ref_id, title, subtitle in docs[:per_group]:
            sub = f"  [{subtitle}]" if subtitle else ""
            out.append(f"  {title}{sub}  (#{ref_id})")
        if len(docs) > per_group:
            out.append("  …")
    conn.close()
    print("\n".join(out) if out else "no match")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
