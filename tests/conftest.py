"""Shared fixtures: every test gets its own data directory and database; nothing touches ~."""

from __future__ import annotations

import faulthandler
import os
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_SCALE_FACTOR", "1")

# faulthandler's timer (faulthandler_timeout in pyproject.toml) is the backstop that ends the run
# when pytest-timeout cannot interrupt a test. It must stay later than the test's own timeout.
BACKSTOP_MARGIN = 30.0
_backstop_stderr = pytest.StashKey[int]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_backstop_stderr] = os.dup(sys.stderr.fileno())


def pytest_unconfigure(config: pytest.Config) -> None:
    os.close(config.stash[_backstop_stderr])


def _time_limit(item: pytest.Item) -> float | None:
    """The test's timeout as pytest-timeout takes it: marker, else --timeout, else the ini."""
    marker = item.get_closest_marker("timeout")
    if marker is not None:
        limit = marker.args[0] if marker.args else marker.kwargs.get("timeout")
    elif item.config.getoption("timeout", None) is not None:
        limit = item.config.getoption("timeout")
    else:
        limit = item.config.getini("timeout") or None
    return None if limit is None else float(limit)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Move the backstop past a longer timeout of this test (its marker, --timeout, -o)."""
    config = item.config
    if not config.pluginmanager.has_plugin("faulthandler"):
        return
    backstop = float(config.getini("faulthandler_timeout") or 0)
    limit = _time_limit(item)
    if backstop <= 0 or limit is None:
        return
    if limit <= 0:  # no time limit for this test: no backstop either
        faulthandler.cancel_dump_traceback_later()
    elif limit + BACKSTOP_MARGIN > backstop:
        faulthandler.dump_traceback_later(
            limit + BACKSTOP_MARGIN,
            file=config.stash[_backstop_stderr],
            exit=bool(config.getini("faulthandler_exit_on_timeout")),
        )


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
def data_dir(tmp_path: Path):
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
def db(data_dir, _template_db):
    from app.store.backup import copy_database
    from app.store.database import open_database

    data_dir.root.mkdir(parents=True, exist_ok=True)
    copy_database(_template_db, data_dir.db_path)
    database = open_database(data_dir, actor="tester")
    yield database
    database.dispose()


@pytest.fixture
def session(db) -> Iterator:
    with db.sessions() as s:
        yield s


TODAY = date(2026, 11, 1)


@pytest.fixture(scope="session")
def qapp_args() -> list[str]:
    return ["hitori-tests"]


@pytest.fixture
def ctx(qapp, db, data_dir):
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
