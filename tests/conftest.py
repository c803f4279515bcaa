"""Shared fixtures: every test gets its own data directory and database; nothing touches ~."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_SCALE_FACTOR", "1")


@pytest.fixture(autouse=True)
def _isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("HITORI_DATA_DIR", str(home / "hitori-data"))


@pytest.fixture
def data_dir(tmp_path: Path):  # type: ignore[no-untyped-def]
    from app.paths import DataDir

    return DataDir(tmp_path / "data")


@pytest.fixture(scope="session")
def _template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database at the current schema, made once; tests start from a copy of it."""
    from app.paths import DataDir
    from app.store.database import open_database

    template = DataDir(tmp_path_factory.mktemp("template"))
    database = open_database(template, actor="tester")
    database.dispose()
    return template.db_path


@pytest.fixture
def db(data_dir, _template_db):  # type: ignore[no-untyped-def]
    from app.store.backup import copy_database
    from app.store.database import open_database

    data_dir.root.mkdir(parents=True, exist_ok=True)
    copy_database(_template_db, data_dir.db_path)
    database = open_database(data_dir, actor="tester")
    yield database
    database.dispose()


@pytest.fixture
def session(db) -> Iterator:  # type: ignore[no-untyped-def]
    with db.sessions() as s:
        yield s


TODAY = date(2026, 11, 1)


@pytest.fixture(scope="session")
def qapp_args() -> list[str]:
    return ["hitori-tests"]


@pytest.fixture
def ctx(qapp, db, data_dir):  # type: ignore[no-untyped-def]
    """An AppContext like the GUI's, on the test database, with settings in the data dir."""
    from PySide6.QtCore import QSettings

    from app.ui.context import AppContext
    from app.ui.fonts import install_fonts
    from app.ui.jobs import JobRunner

    install_fonts(qapp)
    if not getattr(qapp, "_hitori_translated", False):
        from app.ui.translations import install_qt_translations

        qapp._hitori_translated = install_qt_translations(qapp) is not None
    jobs = JobRunner()
    settings = QSettings(str(data_dir.settings_path), QSettings.Format.IniFormat)
    context = AppContext(db=db, jobs=jobs, settings=settings, fixed_today=TODAY)
    yield context
    jobs.shutdown()
