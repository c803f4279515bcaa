"""Where Hitori finds its bundled files (migrations, fonts, templates) and its data.

In a wheel the top-level ``db/`` and ``resources/`` folders are packed into
``app/_bundled/``; in a source checkout they sit beside the package.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from app import APP_NAME

_PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR_ENV = "HITORI_DATA_DIR"
DB_FILENAME = "hitori.sqlite3"
DEMO_MARKER = "hitori-demo.txt"  # marks a data folder as the demo environment
DEMO_SUFFIX = "-demo"


def _bundled(name: str) -> Path:
    installed = _PACKAGE_DIR / "_bundled" / name
    if installed.is_dir():
        return installed
    source = _PACKAGE_DIR.parent / name
    if source.is_dir():
        return source
    raise FileNotFoundError(
        f"同梱ファイルのフォルダ {name}/ が見つかりません（インストールが不完全です）"
    )


def migrations_dir() -> Path:
    """The Alembic script directory (``db/``)."""
    return _bundled("db")


def resources_dir() -> Path:
    return _bundled("resources")


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


def templates_dir() -> Path:
    return resources_dir() / "templates"


def default_data_dir() -> Path:
    """The per-user data directory, overridable with HITORI_DATA_DIR."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def demo_dir_for(root: Path) -> Path:
    """The demo environment's folder beside the data folder ``root`` (``…/Hitori`` →
    ``…/Hitori-demo``): never inside it, so that nothing that handles the real data
    (backups, checks, restores) ever sees the demo's files."""
    root = Path(root).expanduser().resolve()
    if (root / DEMO_MARKER).is_file():
        return root
    return root.with_name(root.name + DEMO_SUFFIX)


class DataDir:
    """The files Hitori keeps in one data directory."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).expanduser().resolve()

    @property
    def db_path(self) -> Path:
        return self.root / DB_FILENAME

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def attachments(self) -> Path:
        return self.root / "attachments"

    @property
    def lock_path(self) -> Path:
        return self.root / "hitori.lock"

    @property
    def settings_path(self) -> Path:
        return self.root / "settings.ini"

    @property
    def demo_marker(self) -> Path:
        return self.root / DEMO_MARKER

    @property
    def is_demo(self) -> bool:
        """Whether this is a demo environment's folder (made by ``hitori demo`` or the
        File menu's 「デモ環境を開く」)."""
        try:
            return self.demo_marker.is_file()
        except OSError:
            return False

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.db_path}"

    def __repr__(self) -> str:
        return f"DataDir({str(self.root)!r})"
