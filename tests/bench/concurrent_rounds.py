"""Stress runner: many rounds of real ``hitori`` processes at once on one data folder.

    python tests/bench/concurrent_rounds.py --rounds 40
    python tests/bench/concurrent_rounds.py --rounds 40 --repo /path/to/other/checkout

Each round starts, a few random milliseconds apart, two or three imports of distinct
ledgers, ``check``, ``search``, ``backup --out`` and (every other round) ``restore`` on a
fresh copy of one database, then counts:

- false successes: an import that printed 「取り込みました」 whose rows are not all in the
  database nor in the copy a later successful restore kept aside;
- half-written refusals: an import that failed but left some of its rows;
- integrity failures: ``PRAGMA integrity_check`` / ``foreign_key_check`` not clean;
- tracebacks printed by any process.

Only the command line and sqlite3 are used, so ``--repo`` can point at another checkout
(an older version) to compare. Exits 1 when any of the counts above is not zero.
The test suite runs a smaller number of such rounds (tests/integration/test_concurrency.py).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]
ROWS = 1500


def ledger(path: Path, prefix: str) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(["資産管理番号", "名称", "種別", "設置場所"])
        for i in range(ROWS):
            w.writerow([f"{prefix}-{i:05d}", f"端末 {prefix} {i}", "デスクトップPC", "本庁舎"])
    return path


def count(db: Path, prefix: str) -> int:
    if not db.exists():
        return 0
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        return conn.execute(
            "SELECT count(*) FROM assets WHERE asset_tag LIKE ?", (f"{prefix}-%",)
        ).fetchone()[0]


def integrity_ok(db: Path) -> bool:
    try:
        with closing(sqlite3.connect(db)) as conn:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            fk = conn.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError:
        return False
    return rows == ["ok"] and not fk


def run_round(repo: Path, work: Path, template: Path, ledgers: dict[str, Path], n: int) -> dict:
    rng = random.Random(n)
    root = work / f"round{n}"
    root.mkdir()
    shutil.copyfile(template, root / "hitori.sqlite3")
    saved = work / f"saved{n}.sqlite3"
    shutil.copyfile(template, saved)
    runs: list[list[str]] = [
        ["import", "assets", str(p), "--create-missing"] for p in ledgers.values()
    ]
    runs += [["check"], ["search", "端末"], ["backup", "--out", str(work / f"out{n}.sqlite3")]]
    if n % 2:
        runs.append(["restore", str(saved)])
    rng.shuffle(runs)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    procs = []
    for args in runs:
        time.sleep(rng.uniform(0, 0.15))
        cmd = [sys.executable, "-m", "app", *args, "--data-dir", str(root)]
        procs.append(
            subprocess.Popen(
                cmd,
                cwd=repo,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                text=True,
            )
        )
    results = []
    for args, proc in zip(runs, procs, strict=True):
        out, err = proc.communicate(timeout=600)
        results.append((args, proc.returncode, out, err))
    db = root / "hitori.sqlite3"
    aside = None
    for args, code, out, _err in results:
        found = re.search(r"復元前のデータベースを保存しました: (.+)", out)
        if args[0] == "restore" and code == 0 and found:
            aside = Path(found.group(1).strip())
    tally = {"imports_ok": 0, "imports_refused": 0, "false_success": 0, "half_written": 0,
             "tracebacks": 0, "restores_ok": 0, "restores_refused": 0}  # fmt: skip
    for args, code, _out, err in results:
        tally["tracebacks"] += "Traceback" in err
        if args[0] == "restore":
            tally["restores_ok" if code == 0 else "restores_refused"] += 1
        if args[0] != "import":
            continue
        prefix = Path(args[2]).stem
        here = count(db, prefix)
        kept = count(aside, prefix) if aside else 0
        if code == 0:
            tally["imports_ok"] += 1
            if ROWS not in (here, kept):
                tally["false_success"] += 1
        else:
            tally["imports_refused"] += 1
            if here:
                tally["half_written"] += 1
    tally["integrity_failures"] = 0 if integrity_ok(db) else 1
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--repo", type=Path, default=HERE, help="checkout whose app/ to run")
    args = parser.parse_args()
    repo = args.repo.resolve()
    with tempfile.TemporaryDirectory(prefix="hitori-rounds-") as tmp:
        work = Path(tmp)
        seed = work / "seed"
        subprocess.run(
            [sys.executable, "-m", "app", "init", "--data-dir", str(seed)],
            cwd=repo, check=True, capture_output=True,
        )  # fmt: skip
        template = work / "template.sqlite3"
        with (
            closing(sqlite3.connect(seed / "hitori.sqlite3")) as src,
            closing(sqlite3.connect(template)) as dst,
        ):
            src.backup(dst)
        ledgers = {p: ledger(work / f"{p}.csv", p) for p in ("IMA", "IMB", "IMC")}
        total: dict[str, int] = {}
        started = time.perf_counter()
        for n in range(args.rounds):
            for key, value in run_round(repo, work, template, ledgers, n).items():
                total[key] = total.get(key, 0) + value
        total["rounds"] = args.rounds
        total["seconds"] = round(time.perf_counter() - started)
    print(json.dumps(total, ensure_ascii=False))
    bad = ("false_success", "half_written", "integrity_failures", "tracebacks")
    return 1 if any(total[k] for k in bad) else 0


if __name__ == "__main__":
    sys.exit(main())
