"""``hitori export assets`` and ``hitori labels`` end to end: real processes, files read back."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pypdf
import pytest

from app.commands import export_assets as command
from app.interchange.asset_export import ENCODINGS, LAYOUTS
from app.paths import DataDir
from app.reports.asset_labels import SHEETS
from app.store.database import open_database
from app.store.models import Asset, Location

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120


def hitori(*args: str | Path, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.pop("PYTHONWARNINGS", None)
    return subprocess.run(
        [sys.executable, "-m", "app", *map(str, args), "--data-dir", str(data_dir)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
    )


def assert_ok(proc: subprocess.CompletedProcess[str], *words: str) -> None:
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr
    for word in words:
        assert word in proc.stdout, proc.stdout


def assert_refused(proc: subprocess.CompletedProcess[str], *words: str) -> None:
    """Exit 1 with exactly one line 'hitori: …' (Japanese) on stderr."""
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("hitori: "), lines
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture(scope="module")
def data_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with three assets (one name CP932 cannot hold); exports do not change it."""
    root = tmp_path_factory.mktemp("cli-export") / "data"
    db = open_database(DataDir(root), actor="tester")
    try:
        with db.sessions.begin() as s:
            loc = Location(name="サーバ室")
            s.add(loc)
            s.flush()
            s.add_all(
                [
                    Asset(asset_tag="HT-001", name="ファイルサーバ", location_id=loc.id,
                          confidentiality=3, integrity=3, availability=2),
                    Asset(asset_tag="HT-002", name="=HYPERLINK(\"x\")", user_name="山田"),
                    Asset(asset_tag="HT-003", name="𠮷田さんのPC"),
                ]
            )  # fmt: skip
    finally:
        db.dispose()
    return root


def test_export_xlsx_and_csv(data_root: Path, tmp_path: Path) -> None:
    xlsx = tmp_path / "資産台帳.xlsx"
    assert_ok(hitori("export", "assets", xlsx, data_dir=data_root), "3件を書き出しました")
    ws = openpyxl.load_workbook(xlsx).active
    assert ws["A1"].value == "資産管理番号" and ws["B3"].value == '=HYPERLINK("x")'
    assert ws["B3"].data_type == "s"

    sec = tmp_path / "sec.csv"
    proc = hitori("export", "assets", sec, "--layout", "security", data_dir=data_root)
    assert_ok(proc, "3件")
    rows = list(csv.reader(io.StringIO(sec.read_bytes().decode("utf-8-sig"), newline="")))
    assert rows[0][:4] == ["資産管理番号", "名称", "種別", "管理者"]
    assert rows[1][5:10] == ["", "3（高）", "3（高）", "2（中）", "高"]
    assert rows[2][1] == '\'=HYPERLINK("x")'


def test_export_refusals(data_root: Path, tmp_path: Path) -> None:
    sjis = tmp_path / "sjis.csv"
    proc = hitori("export", "assets", sjis, "--encoding", "cp932", data_dir=data_root)
    assert_refused(proc, "HT-003", "名称", "CP932")
    assert not sjis.exists()
    assert_refused(hitori("export", "assets", tmp_path / "a.xls", data_dir=data_root), "拡張子")
    missing = tmp_path / "nowhere" / "a.xlsx"
    assert_refused(hitori("export", "assets", missing, data_dir=data_root), "フォルダがありません")
    empty = tmp_path / "empty-data"
    assert_refused(hitori("export", "assets", tmp_path / "a.csv", data_dir=empty), "hitori init")
    usage = hitori("export", "assets", tmp_path / "a.csv", "--layout", "x", data_dir=data_root)
    assert usage.returncode == 2
    assert list(tmp_path.iterdir()) == []


def test_labels(data_root: Path, tmp_path: Path) -> None:
    every = tmp_path / "all.pdf"
    assert_ok(hitori("labels", every, data_dir=data_root), "3件")
    reader = pypdf.PdfReader(every)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "HT-001" in text and "ファイルサーバ" in text and "サーバ室" in text

    two = tmp_path / "two.pdf"
    proc = hitori("labels", two, "--tags", "HT-002", "HT-001", "--sheet", "A4-44", "--start",
                  "44", data_dir=data_root)  # fmt: skip
    assert_ok(proc, "2件")
    assert len(pypdf.PdfReader(two).pages) == 2

    bad = tmp_path / "bad.pdf"
    proc = hitori("labels", bad, "--tags", "HT-001", "NO-SUCH", data_dir=data_root)
    assert_refused(proc, "NO-SUCH", "見つかりません")
    assert_refused(hitori("labels", bad, "--start", "13", data_dir=data_root), "1〜12")
    usage = hitori("labels", bad, "--code", "ean13", data_dir=data_root)
    assert usage.returncode == 2 and "選べない値です: 'ean13'" in usage.stderr
    assert not bad.exists()

    bars = tmp_path / "bars.pdf"
    proc = hitori("labels", bars, "--code", "code128", "--org", "ひとり町 総務課",
                  data_dir=data_root)  # fmt: skip
    assert_ok(proc, "3件")
    assert pypdf.PdfReader(bars).pages[0].extract_text().count("ひとり町 総務課") == 3


def test_cli_choices_match_the_services() -> None:
    assert set(command.LAYOUTS) == set(LAYOUTS)
    assert set(command.ENCODINGS) == set(ENCODINGS)
    assert set(command.SHEETS) == set(SHEETS)
    from app.reports.asset_labels import CODES

    assert command.CODES == CODES
