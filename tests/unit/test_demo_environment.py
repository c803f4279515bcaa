"""Demo data goes into a folder of its own, never into real data; emptying a database
leaves it as a new one is (its history kept)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app.cli import main
from app.paths import DATA_DIR_ENV, DataDir, demo_dir_for
from app.services.demo import DemoError, generate_demo
from app.services.demo.environment import NotADemoFolder, make_demo_environment
from app.services.reset import empty_database, record_counts
from app.store.database import open_database
from app.store.models import Asset, Base, ChangeLogEntry


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_demo_folder_is_beside_the_data_folder(tmp_path) -> None:
    real = tmp_path / "Hitori"
    assert demo_dir_for(real) == tmp_path / "Hitori-demo"
    demo = tmp_path / "Hitori-demo"
    demo.mkdir()
    DataDir(demo).demo_marker.write_text("x")
    assert demo_dir_for(demo) == demo  # the demo's demo is itself


def test_a_new_folder_becomes_the_demo_environment_once(tmp_path) -> None:
    demo = DataDir(tmp_path / "d")
    counts = make_demo_environment(demo)
    assert demo.is_demo and counts["assets"] == 200
    assert "デモ環境" in demo.demo_marker.read_text(encoding="utf-8")
    before = sha(demo.db_path)
    with pytest.raises(DemoError, match="すでにデータがあります"):
        make_demo_environment(demo)
    assert sha(demo.db_path) == before


def test_real_data_is_never_made_a_demo(tmp_path) -> None:
    real = DataDir(tmp_path / "real")
    open_database(real).dispose()  # a new, empty, real database: still refused
    before = sha(real.db_path)
    with pytest.raises(NotADemoFolder, match="実際のデータベースがあります"):
        make_demo_environment(real)
    assert sha(real.db_path) == before and not real.is_demo


def test_hitori_demo_without_a_folder_uses_the_demo_folder(tmp_path, monkeypatch, capsys) -> None:
    real = tmp_path / "Hitori"
    monkeypatch.setenv(DATA_DIR_ENV, str(real))
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    demo = DataDir(tmp_path / "Hitori-demo")
    assert demo.is_demo and demo.db_path.exists()
    assert not (real / "hitori.sqlite3").exists()  # the real folder: not even created
    assert "デモデータを作成しました: 部署 " in out and "資産 200 件" in out
    assert f"デモ環境のフォルダ: {demo.root}" in out
    assert f'hitori --data-dir "{demo.root}"' in out


def table_counts(db) -> dict[str, int]:
    with db.sessions() as s:
        return {
            t.name: s.execute(select(func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
            if t.name != ChangeLogEntry.__tablename__
        }


def test_emptying_leaves_what_a_new_database_holds(db, tmp_path) -> None:
    fresh = open_database(DataDir(tmp_path / "fresh"))
    new_counts = table_counts(fresh)
    fresh.dispose()
    generate_demo(db.sessions, size="small")
    with db.sessions() as s:
        counts = dict(record_counts(s))
        history = list(s.scalars(select(ChangeLogEntry.id).order_by(ChangeLogEntry.id)))
    assert counts["資産"] == 200 and counts["作業ログ"] == 1000
    with db.sessions.begin() as s:
        assert empty_database(s, backup_name="before-reset-x.sqlite3") > 1000
    assert table_counts(db) == new_counts
    with db.sessions() as s:
        assert s.scalar(select(func.count(Asset.id))) == 0
        assert s.execute(text("SELECT count(*) FROM search_fts")).scalar_one() == 0
        entries = s.scalars(select(ChangeLogEntry).order_by(ChangeLogEntry.id)).all()
    assert [e.id for e in entries[: len(history)]] == history  # the history stays…
    # …the standard values made again are in it as in a new database, and then the reset
    assert (entries[-1].table_name, entries[-1].row_id, entries[-1].old_value) == (
        "database", "reset", "before-reset-x.sqlite3",
    )  # fmt: skip


def test_an_emptying_that_fails_leaves_everything(db, monkeypatch) -> None:
    generate_demo(db.sessions, size="small")
    import app.services.reset as reset

    def broken(_session) -> None:
        raise RuntimeError("seeding failed")

    monkeypatch.setattr(reset, "ensure_reference_data", broken)
    before = table_counts(db)
    with pytest.raises(RuntimeError), db.sessions.begin() as s:
        empty_database(s)
    assert table_counts(db) == before
