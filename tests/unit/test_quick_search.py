"""``hitori search`` with the standard library alone: the same answers, the same rules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from app.paths import DataDir
from app.services.inventory import assets
from app.services.search import global_search, search_connection
from app.store import health, search_index
from app.store.access import FolderAccess
from app.store.database import open_database
from app.store.quick_read import quick_reader
from app.store.search_query import stored_kinds

REPO_ROOT = Path(__file__).resolve().parents[2]


def _fill(data_dir: DataDir) -> None:
    db = open_database(data_dir)
    try:
        with db.sessions.begin() as s:
            for n in range(5):
                assets.create_asset(s, {"asset_tag": f"SM-{n}", "name": f"総務課 PC {n}"})
    finally:
        db.dispose()


def test_the_plain_connection_finds_what_the_session_finds(data_dir: DataDir) -> None:
    _fill(data_dir)
    db = open_database(data_dir, read_only=True)
    try:
        with db.sessions() as session:
            full = global_search(session, "総務", per_group=3)
    finally:
        db.dispose()
    with quick_reader(data_dir) as conn:
        assert conn is not None
        quick = search_connection(conn, "総務", per_group=3)
    shape = [(g.kind, g.label, g.more, [(h.ref_id, h.title) for h in g.hits]) for g in quick.groups]
    assert shape == [
        (g.kind, g.label, g.more, [(h.ref_id, h.title) for h in g.hits]) for g in full.groups
    ]
    assert shape and shape[0][1] == "資産"


def test_the_kinds_kept_in_the_database_are_the_declared_ones(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        assert search_index.sync_kinds(s) is False  # the migration wrote them as declared
        raw = s.connection().connection.driver_connection
        raw.execute("UPDATE search_kinds SET label = '古い名前' WHERE code = 'asset'")
        assert search_index.sync_kinds(s) is True
        assert ("asset", 1, "資産") in stored_kinds(raw)


def test_it_holds_the_folder_like_any_reader(data_dir: DataDir) -> None:
    _fill(data_dir)
    maintenance = FolderAccess(data_dir.root)
    try:
        with quick_reader(data_dir) as conn:
            assert conn is not None
            assert not maintenance.try_exclusive()  # a restore waits for it
        assert maintenance.try_exclusive()
    finally:
        maintenance.close()


def test_it_gives_way_whenever_more_than_reading_is_needed(data_dir: DataDir) -> None:
    with quick_reader(data_dir) as conn:  # no database yet
        assert conn is None
    _fill(data_dir)
    health.mark_damaged(data_dir.root, "テスト")
    with quick_reader(data_dir) as conn:  # a damage note: verify first (the full way)
        assert conn is None
    health.clear_damaged(data_dir.root)
    db = open_database(data_dir)
    with db.sessions.begin() as s:
        s.connection().exec_driver_sql("UPDATE alembic_version SET version_num = '0003'")
    db.dispose()
    with quick_reader(data_dir) as conn:  # an older schema: upgrade first
        assert conn is None


def test_the_command_loads_no_sqlalchemy(data_dir: DataDir) -> None:
    _fill(data_dir)
    code = (
        "import json, sys; from app.cli import main; "
        f"code = main(['search', '総務', '--json', '--data-dir', {str(data_dir.root)!r}]); "
        "print(json.dumps([code, sorted(m for m in sys.modules if m.startswith('sqlalchemy'))]))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    exit_code, loaded = json.loads(lines[-1])
    assert exit_code == 0 and loaded == []
    assert json.loads(lines[0])["groups"][0]["label"] == "資産"
