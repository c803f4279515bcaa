"""``hitori regulations list`` and ``hitori regulations starter`` end to end: real
processes on a real database; the starter set adopted twice adds nothing the second time;
the register and its lagging rules printed; a broken or newer starter file refused (one
Japanese line, exit 1, the database unchanged)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from app.paths import DataDir
from app.services.regulations import dependencies, register
from app.services.regulations.starter import load_starter
from app.store.database import open_database
from tests.integration import test_cli as cli
from tests.integration.test_cli import hitori

pytestmark = pytest.mark.integration

GUIDELINE = "地方公共団体における情報セキュリティポリシーに関するガイドライン"


def assert_ok(proc: subprocess.CompletedProcess[str]) -> list[str]:
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    assert proc.stderr == ""
    return proc.stdout.splitlines()


def dump(root: Path) -> list[str]:
    with closing(sqlite3.connect(DataDir(root).db_path)) as conn:
        return list(conn.iterdump())


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    assert_ok(hitori("init", data_dir=root))
    return root


def test_an_empty_register_says_how_to_fill_it(root: Path) -> None:
    assert assert_ok(hitori("regulations", "list", data_dir=root)) == [
        "法令・規程はまだ登録されていません"
        "（hitori regulations starter で国の法令・ガイドラインを登録できます）"
    ]
    assert assert_ok(hitori("regulations", "list", "--lagging", data_dir=root)) == [
        "追随遅れの規程はありません"
    ]


def test_the_starter_set_is_adopted_once_and_listed(root: Path) -> None:
    entries = load_starter().entries
    versions = sum(len(e.versions) for e in entries)
    first = assert_ok(hitori("regulations", "starter", data_dir=root))
    assert first[0] == (
        f"法令・規程台帳の初期データから法令・規程 {len(entries)} 件と改定 {versions} 件を"
        "追加しました（登録済み 0 件）"
    )
    assert first[1] == "追加した法令・規程:" and f"  {GUIDELINE}" in first
    before = dump(root)
    again = assert_ok(hitori("regulations", "starter", data_dir=root))
    assert again == [
        f"法令・規程台帳の初期データから法令・規程 0 件と改定 0 件を追加しました"
        f"（登録済み {len(entries)} 件）"
    ]
    assert dump(root) == before
    listed = assert_ok(hitori("regulations", "list", data_dir=root))
    assert listed[0].split() == ["名称", "種別", "現行の版", "日付", "追随遅れ"]
    assert listed[-1] == f"{len(entries)} 件（追随遅れ 0 件）"
    by_name = {line.split()[0]: line for line in listed[1:-1]}
    assert "令和7年3月改定" in by_name["情報セキュリティポリシーガイドライン"]
    assert "2025-03-01（R7.3.1）" in by_name["情報セキュリティポリシーガイドライン"]
    assert "（改定なし）" in by_name["番号法"]
    assert "制定（令和3年法律第40号）  2021-09-01（R3.9.1）" in by_name["標準化法"]


def test_lagging_rules_are_listed_with_what_they_lag_behind_and_since(root: Path) -> None:
    assert_ok(hitori("regulations", "starter", data_dir=root))
    today = date.today()
    db = open_database(DataDir(root))
    try:
        with db.sessions.begin() as s:
            guideline = next(r for r in register.register_rows(s, today) if r.title == GUIDELINE)
            policy = register.create_regulation(
                s, {"title": "情報セキュリティポリシー", "kind": "regulation", "origin": "own"}
            )
            register.create_regulation(s, {"title": "事務引継規程", "origin": "own"})
            old = next(h.id for h in register.version_history(s, guideline.id, today)
                       if h.label == "令和6年10月改定")  # fmt: skip
            dependencies.add_dependency(
                s, policy.id, guideline.id, today=today, followed_version_id=old
            )
    finally:
        db.dispose()
    lagging = assert_ok(hitori("regulations", "list", "--lagging", data_dir=root))
    assert lagging == [
        "追随遅れの規程 1 件:",
        "  情報セキュリティポリシー → 情報セキュリティポリシーガイドライン 令和7年3月改定"
        "（2025-03-01（R7.3.1） から、対応済み: 令和6年10月改定）",
    ]
    listed = assert_ok(hitori("regulations", "list", data_dir=root))
    (row,) = [line for line in listed if line.startswith("情報セキュリティポリシー ")]
    assert row.endswith("2025-03-01（R7.3.1） から")
    assert listed[-1] == "8 件（追随遅れ 1 件）"


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("{ broken", "法令・規程台帳の初期データ（starter.json）を読めません"),
        (json.dumps({"version": 2, "entries": []}),
         "の版（version: 2）はこのプログラムより新しいため読めません。Hitori を更新してください"),
        (json.dumps({"version": 1, "entries": [{"key": "a", "title": ""}]}),
         "1件目「」が正しくありません: 名称: 必須です"),
    ],
)  # fmt: skip
def test_a_broken_or_newer_starter_file_is_refused(
    root: Path, tmp_path: Path, content: str, said: str
) -> None:
    assert_ok(hitori("regulations", "starter", data_dir=root))
    before = dump(root)
    path = tmp_path / "starter.json"
    path.write_text(content, encoding="utf-8")
    proc = hitori("regulations", "starter", "--file", path, data_dir=root)
    cli.assert_refused(proc, said)
    assert proc.stdout == ""
    assert dump(root) == before


def test_a_list_without_a_database_is_refused(tmp_path: Path) -> None:
    proc = hitori("regulations", "list", data_dir=tmp_path / "none")
    cli.assert_refused(proc, "データベースがありません")
    assert not DataDir(tmp_path / "none").db_path.exists()  # a list creates no database
