"""Bring a database to the current schema, safely.

- A database written by a newer Hitori (a revision we do not know) is refused
  and left untouched.
- An existing SQLite database is never upgraded where it lies: app.store.replacement
  copies it aside, upgrades and proves a private copy, and only then puts it in place.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text

from app.errors import UserError
from app.paths import migrations_dir
from app.store.schema_version import HEAD_REVISION

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger("hitori.store.migrations")


class NewerDatabaseError(UserError, RuntimeError):
    """The database was written by a newer version of Hitori."""


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'")
            if engine.dialect.name == "sqlite"
            else text("SELECT 1 FROM information_schema.tables WHERE table_name='alembic_version'")
        ).first()
        if not exists:
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def check_revision(revision: str | None) -> None:
    if revision is None or revision == HEAD_REVISION:
        return
    if revision not in known_revisions():
        raise NewerDatabaseError(
            f"このデータベースは新しい版のHitoriで作成されています（スキーマ {revision}）。"
            "Hitoriを更新してから開いてください。ファイルは変更していません。"
        )


def needs_upgrade(engine: Engine) -> bool:
    rev = current_revision(engine)
    check_revision(rev)
    return rev != HEAD_REVISION


def upgrade(engine: Engine) -> None:
    """Migrate the database behind ``engine`` to head, in place, in one transaction.

    For an SQLite data folder this runs only on a private copy (app.store.replacement
    upgrades a live database by proving an upgraded copy first, then putting it in
    place); directly, on a new or server database, where there is nothing to lose.
    """
    rev = current_revision(engine)
    check_revision(rev)
    if rev == HEAD_REVISION:
        return
    from alembic import command

    from app.store.engine import WRITE_OPTION

    cfg = alembic_config()
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})  # BEGIN IMMEDIATE on SQLite
        with conn.begin():
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    log.info("database upgraded from %s to %s", rev, HEAD_REVISION)


def _revision_cli(message: str) -> None:  # pragma: no cover - developer tool
    """Autogenerate a revision against a scratch database at head."""
    import tempfile

    from alembic import command

    from app.store.engine import make_engine

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/scratch.sqlite3")
        upgrade(engine)
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.revision(cfg, message=message, autogenerate=True)
        engine.dispose()


if __name__ == "__main__":  # pragma: no cover
    if len(sys.argv) == 3 and sys.argv[1] == "revision":
        _revision_cli(sys.argv[2])
    else:
        print('usage: python -m app.store.migrations revision "message"', file=sys.stderr)
        sys.exit(2)
