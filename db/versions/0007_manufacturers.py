"""manufacturers: the makers' list, managed in the program (add, rename, merge, retire)

An asset still names its maker by text (``assets.manufacturer``). The new table holds the
makers of the list — added before any asset names them, or retired (廃止) — and starts
with every name the assets already use, so nothing in the list is lost.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "manufacturers",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("retired_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_manufacturers")),
        sa.UniqueConstraint("name", name=op.f("uq_manufacturers_name")),
    )
    in_use = op.get_bind().execute(
        sa.text(
            "SELECT DISTINCT manufacturer FROM assets"
            " WHERE coalesce(manufacturer, '') != '' ORDER BY 1"
        )
    )
    now = datetime.now(UTC).replace(tzinfo=None)  # as the models' utcnow
    rows = [
        {"name": name, "notes": "", "created_at": now, "updated_at": now}
        for (name,) in in_use
        if len(name) <= 100  # as long as the assets' column allows: always
    ]
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_table("manufacturers")
