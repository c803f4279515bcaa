"""Benchmark: export 50,000 assets to XLSX and CSV (target: XLSX ≤ 8 s).

    python tests/bench/bench_export.py [--data-dir DIR] [--assets N]

Fills a fresh database with Core bulk inserts (fast, no audit or search index),
then times ``export_assets`` for each format and layout and prints one JSON document.
After it, one PASS or MISS line per XLSX export goes to stderr; the exit status is 1 when
one misses the target. The target is for 50,000 assets: with another ``--assets`` the lines
are shown but not judged.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from sqlalchemy import func, insert, select  # noqa: E402

from app.paths import DataDir  # noqa: E402
from app.store.database import open_database  # noqa: E402
from app.store.models import (  # noqa: E402
    Asset,
    AssetType,
    CustomFieldDef,
    Department,
    Location,
)

N_ASSETS = 50_000
DEPARTMENTS = ["総務課", "企画財政課", "税務課", "住民課", "保健福祉課", "子育て支援課",
               "産業振興課", "建設課", "上下水道課", "会計課", "議会事務局", "教育総務課",
               "生涯学習課", "農業委員会事務局", "選挙管理委員会事務局"]  # fmt: skip
LOCATIONS = ["本庁舎1階", "本庁舎2階", "本庁舎3階", "サーバ室", "第二庁舎", "保健センター",
             "図書館", "公民館", "給食センター", "浄水場"]  # fmt: skip
MODELS = [("NEC", "Mate MKL46B"), ("富士通", "ESPRIMO D7012"), ("Dell", "OptiPlex 7010"),
          ("HP", "ProBook 450 G10"), ("Lenovo", "ThinkPad L14")]  # fmt: skip


def fill(data_dir: DataDir, n: int, seed: int = 1) -> int:
    """Insert ``n`` assets (and departments, locations, two custom fields) into an empty DB."""
    rnd = random.Random(seed)
    db = open_database(data_dir, actor="bench")
    try:
        with db.engine.begin() as conn:
            if conn.scalar(select(func.count()).select_from(Asset)):
                return int(conn.scalar(select(func.count()).select_from(Asset)) or 0)
            type_ids = list(conn.scalars(select(AssetType.id)))
            conn.execute(insert(Department), [{"name": d} for d in DEPARTMENTS])
            conn.execute(insert(Location), [{"name": loc} for loc in LOCATIONS])
            dept_ids = list(conn.scalars(select(Department.id)))
            loc_ids = list(conn.scalars(select(Location.id)))
            conn.execute(
                insert(CustomFieldDef),
                [
                    {"key": "asset_no", "label": "備品番号", "kind": "text", "position": 1},
                    {"key": "bought_for", "label": "購入価格", "kind": "number", "position": 2},
                ],
            )
            base = date(2018, 4, 1)
            batch = []
            for i in range(n):
                maker, model = rnd.choice(MODELS)
                bought = base + timedelta(days=rnd.randrange(2500))
                batch.append(
                    {
                        "asset_tag": f"HT-{i:06d}",
                        "name": f"{rnd.choice(DEPARTMENTS)} 事務用PC {i % 97 + 1}",
                        "asset_type_id": rnd.choice(type_ids),
                        "status": rnd.choice(("in_use", "in_use", "in_use", "spare", "retiring")),
                        "segment": rnd.choice(("mynumber", "lgwan", "internet", None)),
                        "department_id": rnd.choice(dept_ids),
                        "location_id": rnd.choice(loc_ids),
                        "user_name": rnd.choice(("山田 太郎", "佐藤 花子", "鈴木 一郎", "")),
                        "hostname": f"pc-{i:06d}",
                        "ip_address": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}",
                        "mac_address": f"00:1a:2b:{i // 65536 % 256:02x}:{i // 256 % 256:02x}:"
                        f"{i % 256:02x}",
                        "serial_number": f"SN{rnd.randrange(10**9):09d}",
                        "manufacturer": maker,
                        "model": model,
                        "os_name": "Windows 11 Pro",
                        "purchase_date": bought,
                        "lease_end": bought + timedelta(days=1826),
                        "maintenance_end": bought + timedelta(days=1826),
                        "eol_date": date(2031, 10, 14),
                        "confidentiality": rnd.choice((1, 2, 3, None)),
                        "integrity": rnd.choice((1, 2, 3)),
                        "availability": rnd.choice((1, 2, 3)),
                        "notes": "" if i % 5 else "リース契約。更新時は入札。",
                        "custom_fields": (
                            {"asset_no": f"備-{i}", "bought_for": 98_000} if i % 3 == 0 else {}
                        ),
                    }
                )
                if len(batch) == 5_000:
                    conn.execute(insert(Asset), batch)
                    batch.clear()
            if batch:
                conn.execute(insert(Asset), batch)
        return n
    finally:
        db.dispose()


def bench_export(data_dir: DataDir, n: int = N_ASSETS) -> dict:
    """Time the exports of ``n`` assets; returns seconds and file sizes per case."""
    from app.interchange.asset_export import export_assets
    from app.progress import Progress

    data_dir.root.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    fill(data_dir, n)
    result: dict = {"assets": n, "fill_seconds": round(time.perf_counter() - started, 2)}
    db = open_database(data_dir, actor="bench")
    out = data_dir.root / "out"
    out.mkdir(exist_ok=True)
    cases = [
        ("xlsx_ledger", "assets.xlsx", "ledger", "utf-8-sig"),
        ("xlsx_security", "security.xlsx", "security", "utf-8-sig"),
        ("csv_ledger_utf8", "assets.csv", "ledger", "utf-8-sig"),
        ("csv_ledger_cp932", "assets-sjis.csv", "ledger", "cp932"),
    ]
    try:
        for label, name, layout, encoding in cases:
            reports: list[int] = []
            with db.sessions() as session:
                t0 = time.perf_counter()
                res = export_assets(
                    session,
                    out / name,
                    layout=layout,
                    encoding=encoding,
                    progress=Progress(lambda d, t, m, seen=reports: seen.append(d)),
                )
                seconds = time.perf_counter() - t0
            result[label] = {
                "seconds": round(seconds, 2),
                "rows": res.rows,
                "mb": round((out / name).stat().st_size / 2**20, 1),
                "progress_reports": len(reports),
            }
        with db.sessions() as session:
            ids = list(session.scalars(select(Asset.id).order_by(Asset.id.desc())))
            t0 = time.perf_counter()
            res = export_assets(session, out / "filtered.xlsx", asset_ids=ids)
            result["xlsx_ledger_by_ids"] = {
                "seconds": round(time.perf_counter() - t0, 2),
                "rows": res.rows,
            }
    finally:
        db.dispose()
    result["xlsx_target_seconds"] = 8
    result["xlsx_ok"] = result["xlsx_ledger"]["seconds"] <= 8
    return result


XLSX_TARGET_SECONDS = 8


def judge(result: dict) -> list[str]:
    """One line per XLSX export of every asset: PASS or MISS (NOT JUDGED off N_ASSETS)."""
    lines = []
    for label in ("xlsx_ledger", "xlsx_security", "xlsx_ledger_by_ids"):
        rows, seconds = result[label]["rows"], result[label]["seconds"]
        text = f"{label} of {rows:,} assets: {seconds} s (target ≤ {XLSX_TARGET_SECONDS} s)"
        if rows != N_ASSETS:
            lines.append(f"NOT JUDGED  {text}; the target is for {N_ASSETS:,} assets")
        else:
            lines.append(f"{'PASS' if seconds <= XLSX_TARGET_SECONDS else 'MISS'}  {text}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, help="reuse this folder (kept afterwards)")
    parser.add_argument("--assets", type=int, default=N_ASSETS)
    args = parser.parse_args()
    if args.data_dir:
        result = bench_export(DataDir(args.data_dir), args.assets)
    else:
        with tempfile.TemporaryDirectory(prefix="hitori-bench-export-") as tmp:
            result = bench_export(DataDir(Path(tmp)), args.assets)
    print(json.dumps(result, ensure_ascii=False), flush=True)
    lines = judge(result)
    print("\n".join(lines), file=sys.stderr)
    return 1 if any(line.startswith("MISS") for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
