"""``hitori tasks generate``, ``hitori tasks starter`` and ``hitori schedule`` end to end:
real processes, the database read back; generating and adopting twice adds nothing the
second time; the schedule PDF written and read back; every refusal (one Japanese line,
exit 1, no traceback, nothing written and the database unchanged)."""

from __future__ import annotations

import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.paths import DataDir
from app.services.tasks.starter import load_starter
from tests.integration import test_cli as cli
from tests.integration.test_cli import hitori

pytestmark = pytest.mark.integration


def assert_ok(proc: subprocess.CompletedProcess[str]) -> list[str]:
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    assert proc.stderr == ""
    return proc.stdout.splitlines()


def assert_refused(proc: subprocess.CompletedProcess[str], *words: str) -> None:
    """Refused as every command refuses (one 'hitori: …' line), with nothing on stdout."""
    cli.assert_refused(proc, *words)
    assert proc.stdout == ""


def snapshot(root: Path) -> tuple[list[tuple[object, ...]], ...]:
    """The rules, the tasks and the change history, as stored."""
    with closing(sqlite3.connect(DataDir(root).db_path)) as conn:
        return tuple(
            conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in ("task_series", "tasks", "change_log")
        )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    assert_ok(hitori("init", data_dir=root))
    return root


def test_starter_list_adopt_and_adopt_again(root: Path) -> None:
    items = load_starter()
    listed = assert_ok(hitori("tasks", "starter", "--list", "--fy", "2026", data_dir=root))
    assert listed[0] == f"定例業務の雛形 {len(items)} 件（日付は令和8年度、休日の調整前）:"
    assert [line.split("　")[0].strip() for line in listed[1:]] == [i.title for i in items]
    assert "［登録済み］" not in "\n".join(listed)
    assert snapshot(root)[0] == []  # listing adopts nothing

    first = assert_ok(hitori("tasks", "starter", "--fy", "令和8年度", data_dir=root))
    assert first[0] == f"定例業務の雛形から {len(items)} 件を登録しました（登録済み 0 件）"
    assert first[1].startswith("令和8年度: ") and first[1].endswith("（既にあるもの 0 件）")
    created = int(first[1].split(": ")[1].split(" 件")[0])
    assert created >= len(items)
    series, tasks, _ = snapshot(root)
    assert len(series) == len(items) and len(tasks) == created

    again = assert_ok(hitori("tasks", "starter", "--fy", "R8", data_dir=root))
    assert again == [
        f"定例業務の雛形から 0 件を登録しました（登録済み {len(items)} 件）",
        f"令和8年度: 0 件を作成しました（既にあるもの {created} 件）",
    ]
    assert snapshot(root)[:2] == (series, tasks)
    relisted = assert_ok(hitori("tasks", "starter", "--list", data_dir=root))
    assert all(line.endswith("［登録済み］") for line in relisted[1:])


def test_adopt_chosen_titles_only(root: Path) -> None:
    chosen = [item.title for item in load_starter()[:2]]
    lines = assert_ok(hitori("tasks", "starter", "--fy", "2026", "--only", *chosen, data_dir=root))
    assert lines[0] == "定例業務の雛形から 2 件を登録しました（登録済み 0 件）"
    with closing(sqlite3.connect(DataDir(root).db_path)) as conn:
        titles = [t for (t,) in conn.execute("SELECT title FROM task_series ORDER BY id")]
    assert titles == chosen


def test_generate_twice_adds_nothing_the_second_time(root: Path) -> None:
    title = load_starter()[0].title
    assert_ok(hitori("tasks", "starter", "--fy", "2026", "--only", title, data_dir=root))
    first = assert_ok(hitori("tasks", "generate", "--fy", "2027", data_dir=root))
    assert first == ["令和9年度: 1 件を作成しました（既にあるもの 0 件）"]
    before = snapshot(root)
    second = assert_ok(hitori("tasks", "generate", "--fy", "２０２７年度", data_dir=root))
    assert second == ["令和9年度: 0 件を作成しました（既にあるもの 1 件）"]
    assert snapshot(root)[:2] == before[:2]
    with closing(sqlite3.connect(DataDir(root).db_path)) as conn:
        (series_id,) = conn.execute("SELECT id FROM task_series").fetchone()
    one = assert_ok(hitori("tasks", "generate", "--fy", "令和元年度", "--series", str(series_id),
                           data_dir=root))  # fmt: skip
    assert one == ["令和元年度: 1 件を作成しました（既にあるもの 0 件）"]


def test_generate_without_rules_says_how_to_get_some(root: Path) -> None:
    lines = assert_ok(hitori("tasks", "generate", "--fy", "2026", data_dir=root))
    assert lines[0] == "令和8年度: 0 件を作成しました（既にあるもの 0 件）"
    assert "hitori tasks starter" in lines[1]


def test_schedule_pdf(root: Path, tmp_path: Path) -> None:
    assert_ok(hitori("tasks", "starter", "--fy", "2026", data_dir=root))
    out = tmp_path / "out" / "年間スケジュール 令和8年度.pdf"
    out.parent.mkdir()
    lines = assert_ok(hitori("schedule", "--fy", "R8", "--out", out, data_dir=root))
    assert len(lines) == 1 and lines[0].endswith(f"2 ページ）を書き出しました: {out}")
    reader = PdfReader(out)
    assert len(reader.pages) == 2
    text = reader.pages[0].extract_text().replace("\n", "")
    assert "令和8年度 年間スケジュール" in text
    assert f"タスク期限: {load_starter()[0].title}" in text
    assert [p.name for p in out.parent.iterdir()] == [out.name]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("tasks", "generate", "--fy", "来年"), ("--fy", "来年")),
        (("tasks", "generate", "--fy", "1999"), ("2000〜2100",)),
        (("tasks", "generate", "--fy", "2026", "--series", "999"), ()),
        (("tasks", "starter", "--fy", "R8", "--only", "雛形にない作業"), ("雛形にない作業",)),
        (("tasks", "starter", "--fy", "令和99年度"), ("2000〜2100",)),
        (("schedule", "--fy", "R8.4.1", "--out", "OUT/s.pdf"), ("--fy",)),
        (("schedule", "--fy", "2101", "--out", "OUT/s.pdf"), ("2000〜2100",)),
        (("schedule", "--fy", "2026", "--out", "OUT"), ("フォルダ",)),
        (("schedule", "--fy", "2026", "--out", "/dev/null"), ("デバイス",)),
        (("schedule", "--fy", "2026", "--out", "OUT/s.txt"), (".pdf",)),
    ],
)
def test_bad_input_is_refused(
    root: Path, tmp_path: Path, args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    title = load_starter()[0].title
    assert_ok(hitori("tasks", "starter", "--fy", "2026", "--only", title, data_dir=root))
    before = snapshot(root)
    proc = hitori(*(a.replace("OUT", str(folder)) for a in args), data_dir=root)
    assert_refused(proc, *words)
    assert snapshot(root) == before
    assert list(folder.iterdir()) == []
