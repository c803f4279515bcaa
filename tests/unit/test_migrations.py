"""Schema migrations on real SQLite files: head matches the models, PRAGMAs, refusals."""

from __future__ import annotations

import ast
import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from app.paths import DataDir, migrations_dir
from app.store import migrations
from app.store.database import NotHitoriDatabase, open_database
from app.store.engine import BUSY_TIMEOUT_MS, make_engine
from app.store.migrations import NewerDatabaseError
from app.store.models import Base


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _unmanaged_prefixes_from_env() -> tuple[str, ...]:
    """UNMANAGED_PREFIXES as written in db/env.py (which cannot be imported outside Alembic)."""
    tree = ast.parse((migrations_dir() / "env.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == "UNMANAGED_PREFIXES"
        ):
            value = ast.literal_eval(node.value)
            assert isinstance(value, tuple)
            return value
    raise AssertionError("db/env.py no longer defines UNMANAGED_PREFIXES")


UNMANAGED_PREFIXES = _unmanaged_prefixes_from_env()


def include_object(obj, name, type_, reflected, compare_to):
    """The same filter as db/env.py."""
    return not (type_ == "table" and name and name.startswith(UNMANAGED_PREFIXES))


@pytest.fixture
def engine(tmp_path: Path):
    eng = make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    yield eng
    eng.dispose()


def _tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_env_filter_is_the_fts_prefix() -> None:
    assert UNMANAGED_PREFIXES == ("search_fts",)


def test_fresh_database_at_head_has_every_model_table_and_fts(engine, tmp_path: Path) -> None:
    assert migrations.upgrade(engine) is None  # nothing to copy: the database was empty
    assert migrations.current_revision(engine) == migrations.head_revision()
    tables = set(inspect(engine).get_table_names())
    missing = set(Base.metadata.tables) - tables
    assert not missing, f"tables missing after upgrade: {sorted(missing)}"
    assert "search_fts" in _tables(tmp_path / "m.sqlite3")
    assert "alembic_version" in tables


def test_head_matches_models_autogenerate_finds_no_difference(engine) -> None:
    migrations.upgrade(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn,
            opts={
                "include_object": include_object,
                "compare_type": True,
                "target_metadata": Base.metadata,
            },
        )
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == [], f"models and migrations differ (write a revision): {diff}"


def test_engine_pragmas(engine) -> None:
    migrations.upgrade(engine)
    with engine.connect() as conn:

        def pragma(name: str) -> object:
            return conn.exec_driver_sql(f"PRAGMA {name}").scalar()

        assert str(pragma("journal_mode")).lower() == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("synchronous") == 2  # FULL
        assert pragma("busy_timeout") == BUSY_TIMEOUT_MS


def test_pragmas_hold_on_every_pooled_connection(tmp_path: Path) -> None:
    eng = make_engine(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    try:
        with eng.connect() as a, eng.connect() as b:
            for conn in (a, b):
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
    finally:
        eng.dispose()


def _make_hitori_db(data_dir: DataDir) -> None:
    db = open_database(data_dir)
    db.dispose()


def test_newer_revision_is_refused_and_file_untouched(data_dir: DataDir) -> None:
    _make_hitori_db(data_dir)
    with closing(sqlite3.connect(data_dir.db_path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num='9999_future'")
        conn.commit()
    wal = Path(f"{data_dir.db_path}-wal")
    shm = Path(f"{data_dir.db_path}-shm")
    assert not wal.exists()
    before = _sha256(data_dir.db_path)

    with pytest.raises(NewerDatabaseError) as info:
        open_database(data_dir)

    assert "新しい版" in str(info.value)
    assert "9999_future" in str(info.value)
    assert _sha256(data_dir.db_path) == before
    leftovers = [p.name for p in (wal, shm) if p.exists()]
    assert not leftovers, f"refusing a newer database left files beside it: {leftovers}"


def test_newer_revision_refused_by_needs_upgrade_and_upgrade(data_dir: DataDir) -> None:
    _make_hitori_db(data_dir)
    with closing(sqlite3.connect(data_dir.db_path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num='9999_future'")
        conn.commit()
    eng = make_engine(data_dir.db_url)
    try:
        with pytest.raises(NewerDatabaseError):
            migrations.needs_upgrade(eng)
        with pytest.raises(NewerDatabaseError):
            migrations.upgrade(eng)
        assert migrations.current_revision(eng) == "9999_future"
    finally:
        eng.dispose()
    assert not data_dir.backups.exists()


def test_upgrade_at_head_makes_no_copy(data_dir: DataDir) -> None:
    _make_hitori_db(data_dir)
    eng = make_engine(data_dir.db_url)
    try:
        assert migrations.needs_upgrade(eng) is False
        before = _sha256(data_dir.db_path)
        migrations.upgrade(eng)
        assert _sha256(data_dir.db_path) == before
    finally:
        eng.dispose()
    assert not data_dir.backups.exists() or not any(data_dir.backups.iterdir())


def test_open_database_reports_no_copy_for_a_current_database(data_dir: DataDir) -> None:
    _make_hitori_db(data_dir)
    db = open_database(data_dir)
    try:
        assert db.upgraded_from_copy is None
    finally:
        db.dispose()


def test_foreign_sqlite_file_is_refused_and_left_unchanged(data_dir: DataDir) -> None:
    data_dir.root.mkdir(parents=True)
    with closing(sqlite3.connect(data_dir.db_path)) as conn:
        conn.execute("CREATE TABLE foo (id INTEGER PRIMARY KEY, v TEXT)")
        conn.execute("INSERT INTO foo (v) VALUES ('keep me')")
        conn.commit()
    before = _sha256(data_dir.db_path)

    with pytest.raises(NotHitoriDatabase) as info:
        open_database(data_dir)

    assert "Hitoriのデータベースではない" in str(info.value)
    assert _sha256(data_dir.db_path) == before
    assert _tables(data_dir.db_path) == {"foo"}
    assert not Path(f"{data_dir.db_path}-wal").exists()


def test_downgrade_to_base_and_upgrade_again(engine, tmp_path: Path) -> None:
    migrations.upgrade(engine)
    cfg = migrations.alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert _tables(tmp_path / "m.sqlite3") == {"alembic_version"}
    assert migrations.current_revision(engine) is None

    migrations.upgrade(engine)
    assert migrations.current_revision(engine) == migrations.head_revision()
    tables = _tables(tmp_path / "m.sqlite3")
    assert set(Base.metadata.tables) <= tables
    assert "search_fts" in tables
    with closing(sqlite3.connect(tmp_path / "m.sqlite3")) as conn:
        triggers = {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
        }
    assert {"change_log_no_update", "change_log_no_delete"} <= triggers


def test_head_revision_constant_matches_the_scripts() -> None:
    from app.store.migrations import HEAD_REVISION, head_revision

    assert head_revision() == HEAD_REVISION


def _database_at(root: Path, revision: str) -> tuple[DataDir, Engine]:
    """A data folder whose database is migrated only up to ``revision`` (an older copy
    of Hitori made it), and an engine on it to put rows in."""
    from alembic import command

    from app.store.engine import make_engine
    from app.store.migrations import alembic_config

    data_dir = DataDir(root / "old")
    data_dir.root.mkdir()
    engine = make_engine(data_dir.db_url)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    return data_dir, engine


def test_upgrade_from_an_older_revision_copies_the_file_aside(tmp_path) -> None:
    from app.store.database import open_database
    from app.store.migrations import HEAD_REVISION, current_revision

    data_dir, engine = _database_at(tmp_path, "0001")
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO departments (name, notes, created_at, updated_at)"
                             " VALUES ('総務課', '', '2026-01-01', '2026-01-01')")  # fmt: skip
    engine.dispose()
    db = open_database(data_dir)
    try:
        assert current_revision(db.engine) == HEAD_REVISION
        copy = db.upgraded_from_copy
        assert copy is not None and copy.parent == data_dir.backups
        assert "pre-upgrade-0001" in copy.name
    finally:
        db.dispose()
    import sqlite3

    conn = sqlite3.connect(copy)
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
        assert conn.execute("SELECT name FROM departments").fetchall() == [("総務課",)]
    finally:
        conn.close()


def test_the_search_table_recreated_by_reindex_is_the_migrated_one(engine) -> None:
    from app.store.search_index import FTS_DDL

    migrations.upgrade(engine)
    with engine.connect() as conn:
        sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'search_fts'")
        assert sql.scalar_one() == FTS_DDL


def test_0003_keeps_one_seat_per_licence_and_asset_or_user(tmp_path) -> None:
    from sqlalchemy.exc import IntegrityError

    from app.store.database import open_database

    data_dir, engine = _database_at(tmp_path, "0002")
    stamp = "'2026-01-01', '2026-01-01'"
    with engine.begin() as conn:
        run = conn.exec_driver_sql
        run(f"INSERT INTO licenses (id, product, seats, notes, created_at, updated_at)"
            f" VALUES (1, 'Office', 10, '', {stamp})")  # fmt: skip
        for i in (1, 2):
            run(f"INSERT INTO assets (id, asset_tag, name, status, user_name, hostname, ip_address,"
                f" mac_address, serial_number, manufacturer, model, os_name, notes, custom_fields,"
                f" created_at, updated_at) VALUES ({i}, 'A-{i}', 'PC', 'in_use', '', '', '', '',"
                f" '', '', '', '', '', '{{}}', {stamp})")  # fmt: skip
        rows = [(10, 1, "''"), (11, 1, "''"), (12, 2, "'髙橋'"), (13, "NULL", "'髙橋'"),
                (14, "NULL", "'髙橋'"), (15, "NULL", "'佐藤'")]  # fmt: skip
        for rid, asset, user in rows:
            run(f"INSERT INTO license_assignments (id, license_id, asset_id, user_name, created_at,"
                f" updated_at) VALUES ({rid}, 1, {asset}, {user}, {stamp})")  # fmt: skip
    engine.dispose()
    db = open_database(data_dir)  # upgrades to the head
    try:
        with db.engine.begin() as conn:
            ids = conn.exec_driver_sql("SELECT id FROM license_assignments ORDER BY id")
            # The earliest of each repeat; 12 (asset 2, used by 髙橋) and 13 (髙橋 without an
            # asset) are different seats.
            assert [r[0] for r in ids] == [10, 12, 13, 15]
        for asset, user in (("1", "''"), ("NULL", "'佐藤'")):
            with pytest.raises(IntegrityError), db.engine.begin() as conn:
                conn.exec_driver_sql(
                    f"INSERT INTO license_assignments (license_id, asset_id, user_name,"
                    f" created_at, updated_at) VALUES (1, {asset}, {user}, {stamp})"
                )
    finally:
        db.dispose()


def test_0007_lists_every_maker_the_assets_already_name(tmp_path) -> None:
    from app.services.inventory.reference_lists import entries
    from app.store.database import open_database

    data_dir, engine = _database_at(tmp_path, "0006")
    with engine.begin() as conn:
        for n, maker in enumerate(["NEC", "ＮＥＣ", "富士通", "NEC", ""], start=1):
            conn.exec_driver_sql(
                "INSERT INTO assets (asset_tag, name, status, user_name, hostname, ip_address,"
                " mac_address, serial_number, manufacturer, model, os_name, notes, custom_fields,"
                " created_at, updated_at) VALUES (?, '機器', 'in_use', '', '', '', '', '', ?, '',"
                " '', '', '{}', '2026-01-01', '2026-01-01')",
                (f"A-{n}", maker),
            )
    engine.dispose()
    db = open_database(data_dir)
    try:
        with db.sessions() as s:
            listed = {e.name: (e.used, e.retired_on) for e in entries(s, "manufacturer")}
            rows = s.execute(text("SELECT name FROM manufacturers ORDER BY name")).all()
    finally:
        db.dispose()
    assert listed == {"NEC": (2, None), "ＮＥＣ": (1, None), "富士通": (1, None)}
    assert sorted(r[0] for r in rows) == sorted(["NEC", "ＮＥＣ", "富士通"])
