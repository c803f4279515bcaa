"""The schema revision this version of Hitori writes (the newest in db/versions).

A module of its own, importing nothing, so that a reader that needs no SQLAlchemy or
Alembic (``hitori search``) can tell whether a database is current. Checked against the
script directory by tests/unit/test_migrations.py.
"""

HEAD_REVISION = "0009"
