"""Hostile inputs through the real ``hitori`` command: each refused with exit 1 and one
line "hitori: …" on stderr (no traceback) within 10 s, the database unchanged; names as
long as the system allows work for ``export assets`` and ``labels``; a full disk under
the log file does not stop a command (nor print "--- Logging error ---").

The runs are independent, so they go in parallel (one per CPU), each with its own
10-second limit.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.paths import DataDir
from tests.integration.test_cli import (
    REPO_ROOT,
    _cmd,
    _env,
    assert_ok,
    assert_refused,
    asset_tags,
    make_db,
    sha256,
)
from tests.unit.test_hostile_files import REFUSED

pytestmark = pytest.mark.integration

TIMEOUT = 10
Outcome = tuple[dict[str, subprocess.CompletedProcess[str]], dict[str, str], DataDir]
CORPUS = REPO_ROOT / "tests" / "data" / "hostile"
TAGS = ("HOST-1", "HOST-2")


def run(args: Sequence[str | Path], data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _cmd(args, data_dir),
        cwd=REPO_ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
    )


# One workbook of each kind of damage; the others of tests/data/hostile go through the
# same guard and are read by tests/unit/test_hostile_files.py.
CLI_CORPUS = [
    "corrupt-deflate.xlsx",
    "deflate64-method.xlsx",
    "zip-encrypted-flag.xlsx",
    "garbage-workbook-xml.xlsx",
    "billion-laughs-sheet.xlsx",
    "row-99999999999.xlsx",
    "value-in-column-xfd.xlsx",
]


def hostile_inputs(root: Path) -> dict[str, tuple[Path, str]]:
    """Import case → (file, words the refusal must contain)."""
    cases = {name: (CORPUS / name, "") for name in CLI_CORPUS}
    for device in ("/dev/zero", "/dev/urandom"):
        if Path(device).exists():
            cases[device] = (Path(device), "デバイスファイルです")
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "pipe.csv")
        cases["fifo"] = (root / "pipe.csv", "名前付きパイプ（FIFO）です")
    wide = root / "wide.csv"
    wide.write_text(
        "資産管理番号,名称\nA-1,PC" + "," * 800_000 + "メモ\nA-2,PC2\n", encoding="utf-8"
    )
    cases["wide csv"] = (wide, "列が多すぎます: 2行目の800,002列目")
    return cases


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    """Every hostile run at once on one database; (results, expected words, data dir)."""
    root = tmp_path_factory.mktemp("hostile")
    data = make_db(root / "data", *TAGS)
    data_dir = data.root
    files = root / "files"
    files.mkdir()
    out = root / "out"
    out.mkdir()
    full_logs = root / "full-logs"
    cases = hostile_inputs(files)
    runs: dict[str, tuple[list[str | Path], Path]] = {
        name: (["import", "assets", path], data_dir) for name, (path, _) in cases.items()
    }
    runs["error cells"] = (["import", "assets", CORPUS / "error-cells.xlsx"], data_dir)
    longest = "a" * 251  # with ".csv" / ".pdf": 255 bytes, the longest name allowed
    runs["export 255"] = (["export", "assets", out / f"{longest}.csv"], data_dir)
    runs["export 256"] = (["export", "assets", out / f"{longest}b.csv"], data_dir)
    runs["labels 255"] = (["labels", out / f"{longest}.pdf"], data_dir)
    runs["labels 256"] = (["labels", out / f"{longest}b.pdf"], data_dir)
    if Path("/dev/full").exists():  # a real full disk under the log file
        (full_logs / "logs").mkdir(parents=True)
        (full_logs / "logs" / "hitori.log").symlink_to("/dev/full")
        runs["full disk log"] = (["demo", "--size", "small"], full_logs)
    before = sha256(data.db_path)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        futures = {name: pool.submit(run, args, where) for name, (args, where) in runs.items()}
        results = {name: future.result() for name, future in futures.items()}
    assert sha256(data.db_path) == before
    words = {name: word for name, (_, word) in cases.items()}
    return results, words, data


IMPORT_CASES = [*CLI_CORPUS, "/dev/zero", "/dev/urandom", "fifo", "wide csv"]


@pytest.mark.parametrize("case", IMPORT_CASES)
def test_hostile_imports_are_refused_in_one_line(outcome: Outcome, case: str) -> None:
    results, words, data = outcome
    if case not in results:
        pytest.skip(f"{case}: not on this system")
    line = assert_refused(results[case], words[case])
    if case in REFUSED:
        assert re.search(REFUSED[case], line), line
    assert asset_tags(data) == set(TAGS)


def test_error_cells_are_named_by_row_and_column(outcome: Outcome) -> None:
    results, _words, _data = outcome
    done = results["error cells"]
    assert_refused(done, "問題のある行が 4 行あるため取り込みませんでした")
    assert "2行目「台数」: Excelのエラー値「#DIV/0!」です" in done.stdout
    # the same problem on four rows is said once, with its rows
    said = "「保守期限」（保守終了日）: Excelのエラー値「#N/A」です"
    assert said in done.stdout and "（4行: 2〜5行目）" in done.stdout.split(said)[1].split("\n")[0]


@pytest.mark.parametrize("command", ["export", "labels"])
def test_output_names_up_to_the_limit_work_longer_ones_are_refused(
    outcome: Outcome, command: str
) -> None:
    results, _words, _data = outcome
    done = results[f"{command} 255"]
    assert_ok(done)
    suffix = ".csv" if command == "export" else ".pdf"
    written = Path(done.stdout.strip().rsplit(": ", 1)[1])
    assert written.name == "a" * 251 + suffix and written.stat().st_size > 0
    assert [p.name for p in written.parent.iterdir() if p.name.startswith(".")] == []
    line = assert_refused(results[f"{command} 256"], "ファイル名が長すぎます（256 バイト")
    assert "a" * 251 + "b" + suffix in line
    assert sorted(p.name for p in written.parent.iterdir()) == [
        "a" * 251 + ".csv",
        "a" * 251 + ".pdf",
    ]


def test_a_full_disk_under_the_log_file_does_not_stop_the_command(outcome: Outcome) -> None:
    results, _words, _data = outcome
    if "full disk log" not in results:
        pytest.skip("needs /dev/full (Linux)")
    done = results["full disk log"]
    assert_ok(done)
    assert "Logging error" not in done.stderr and done.stderr == ""
    assert "デモデータを作成しました" in done.stdout
