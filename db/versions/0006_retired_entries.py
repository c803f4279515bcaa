"""retired entries: 種別, 部署 and 設置場所 can be retired (廃止) without being deleted

A retired entry keeps every record that names it; it is marked 「（廃止）」 where entries
are chosen and is no longer offered first. ``retired_on`` is the day it was retired.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("asset_types", "departments", "locations")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("retired_on", sa.Date(), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("retired_on")
