"""Several real ``hitori`` processes at once on one data folder.

Every round starts a mix of commands together, a few milliseconds apart (a seeded
random stagger, so a failing round can be run again as it was), and then holds them to
what they printed:

- a command that printed success really committed (an import's every row is there —
  or, when a restore succeeded after it, in the copy the restore kept aside);
- a refused command changed nothing (an import's rows are wholly absent);
- ``PRAGMA integrity_check`` passes after every round, and every backup a round made
  can be restored.

Before the data folder had one sharing rule, a read-only helper deleted ``-shm`` files
other processes were using: two imports both printed success with only one import's
rows in the database, and imports failed with "database disk image is malformed".
"""

from __future__ import annotations

import csv
import random
import re
import sqlite3
import subprocess
import time
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.paths import DataDir
from app.store.backup import copy_database
from app.store.restore import validate_backup
from tests.integration.test_cli import REPO_ROOT, TIMEOUT, _cmd, _env, make_db

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROWS = 1500
ROUNDS = 8


@dataclass
class Ran:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def no_traceback(self) -> None:
        assert "Traceback" not in self.stderr, f"{self.args}: {self.stderr}"


def run_together(
    runs: Sequence[Sequence[str | Path]], data_dir: Path, rng: random.Random
) -> list[Ran]:
    """Start every command, each after a random few milliseconds, and wait for all."""
    procs = []
    for args in runs:
        time.sleep(rng.uniform(0, 0.15))  # the stagger between process starts
        procs.append(
            subprocess.Popen(
                _cmd(args, data_dir),
                cwd=REPO_ROOT,
                env=_env({"QT_QPA_PLATFORM": "offscreen"}),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                text=True,
            )
        )
    out = []
    for args, proc in zip(runs, procs, strict=True):
        stdout, stderr = proc.communicate(timeout=TIMEOUT)
        out.append(Ran(tuple(map(str, args)), proc.returncode, stdout, stderr))
    for ran in out:
        ran.no_traceback()
    return out


def ledger(path: Path, prefix: str, rows: int = ROWS) -> Path:
    """A ledger whose 設置場所 「本庁舎」 is new: each import registers it
    (--create-missing), several of them at once."""
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(["資産管理番号", "名称", "種別", "設置場所"])
        for i in range(rows):
            writer.writerow([f"{prefix}-{i:05d}", f"端末 {prefix} {i}", "デスクトップPC", "本庁舎"])
    return path


def tags_with(db_path: Path, prefix: str) -> int:
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as conn:
        return conn.execute(
            "SELECT count(*) FROM assets WHERE asset_tag LIKE ?", (f"{prefix}-%",)
        ).fetchone()[0]


def integrity(db_path: Path) -> str:
    with closing(sqlite3.connect(db_path)) as conn:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
    return "ok" if rows == ["ok"] and not fk else f"{rows[:3]} {fk[:3]}"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = make_db(tmp_path_factory.mktemp("template") / "d", "BASE-1", "BASE-2")
    return data_dir.db_path


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("ledgers")
    return {p: ledger(folder / f"{p}.csv", p) for p in ("IMA", "IMB", "IMC")}


def fresh_folder(root: Path, template: Path) -> DataDir:
    data_dir = DataDir(root)
    data_dir.root.mkdir(parents=True)
    copy_database(template, data_dir.db_path)
    return data_dir


IMPORTED = re.compile(r"取り込みました: 作成 ([\d,]+) 件")


def assert_import_all_or_nothing(ran: Ran, db_path: Path, prefix: str, aside: Path | None) -> None:
    """An import that said so is fully in the database (or in the copy a later restore
    kept aside); one that was refused left nothing."""
    here = tags_with(db_path, prefix)
    if ran.ok:
        match = IMPORTED.search(ran.stdout)
        assert match and int(match.group(1).replace(",", "")) == ROWS, ran.stdout
        kept = tags_with(aside, prefix) if aside is not None else 0
        assert ROWS in (here, kept), (
            f"{prefix}: printed success but {here} rows in the database, {kept} kept aside\n"
            f"{ran.stdout}\n{ran.stderr}"
        )
    else:
        assert here == 0, f"{prefix}: refused but {here} rows written\n{ran.stderr}"
        assert ran.stderr.startswith("hitori: "), ran.stderr


@pytest.mark.parametrize("round_no", range(ROUNDS))
def test_imports_checks_searches_and_backups_at_once(
    tmp_path: Path, template: Path, ledgers: dict[str, Path], round_no: int
) -> None:
    rng = random.Random(round_no)
    data_dir = fresh_folder(tmp_path / "d", template)
    out = tmp_path / "out.sqlite3"
    runs: list[list[str | Path]] = [
        ["import", "assets", ledgers["IMA"], "--create-missing"],
        ["check"],
        ["import", "assets", ledgers["IMB"], "--create-missing"],
        ["search", "端末"],
        ["backup", "--out", out],
        ["import", "assets", ledgers["IMC"], "--create-missing"],
    ]
    order = list(range(len(runs)))
    rng.shuffle(order)
    ran = run_together([runs[i] for i in order], data_dir.root, rng)
    by_cmd = {tuple(map(str, runs[i])): r for i, r in zip(order, ran, strict=True)}

    db = data_dir.db_path
    assert integrity(db) == "ok"
    for prefix in ("IMA", "IMB", "IMC"):
        result = by_cmd[("import", "assets", str(ledgers[prefix]), "--create-missing")]
        assert result.ok, f"{prefix}: {result.stderr}"  # 30 s busy timeout: nobody gives up
        assert_import_all_or_nothing(result, db, prefix, None)
    for args in (("check",), ("search", "端末"), ("backup", "--out", str(out))):
        assert by_cmd[args].ok, f"{args}: {by_cmd[args].stderr}"
    assert validate_backup(out)
    assert not list((data_dir.root / "tmp").glob("*"))


@pytest.mark.parametrize("round_no", range(4))
def test_restore_never_swaps_the_file_under_a_running_import(
    tmp_path: Path, template: Path, ledgers: dict[str, Path], round_no: int
) -> None:
    rng = random.Random(100 + round_no)
    data_dir = fresh_folder(tmp_path / "d", template)
    saved = tmp_path / "saved.sqlite3"
    copy_database(template, saved)
    runs: list[list[str | Path]] = [
        ["import", "assets", ledgers["IMA"], "--create-missing"],
        ["restore", saved],
        ["import", "assets", ledgers["IMB"], "--create-missing"],
    ]
    if round_no % 2:
        runs.reverse()
    ran = run_together(runs, data_dir.root, rng)
    restore = next(r for r in ran if r.args[0] == "restore")
    aside = None
    if restore.ok:
        found = re.search(r"復元前のデータベースを保存しました: (.+)", restore.stdout)
        assert found, restore.stdout
        aside = Path(found.group(1).strip())
    else:
        assert "使用中" in restore.stderr, restore.stderr
    db = data_dir.db_path
    assert integrity(db) == "ok"
    for r in ran:
        if r.args[0] == "import":
            prefix = Path(r.args[2]).stem
            assert r.ok, r.stderr
            assert_import_all_or_nothing(r, db, prefix, aside)


def test_the_gui_and_commands_share_the_folder(
    tmp_path: Path, template: Path, ledgers: dict[str, Path]
) -> None:
    """The GUI's self-test (it opens every view and reads all it shows) beside an import
    and a check."""
    rng = random.Random(7)
    data_dir = fresh_folder(tmp_path / "d", template)
    ran = run_together(
        [["--self-test"], ["import", "assets", ledgers["IMA"], "--create-missing"], ["check"]],
        data_dir.root,
        rng,
    )
    for r in ran:
        assert r.ok, f"{r.args}: {r.stderr}"
    assert tags_with(data_dir.db_path, "IMA") == ROWS
    assert integrity(data_dir.db_path) == "ok"
