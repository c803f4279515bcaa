"""worklog links: a work-log entry links to notices and runbooks; its category is indexed

A work-log entry already names one asset, one business system and one task (columns of
its own); what was done about a notice, or by a runbook, is linked through two link
tables of the usual shape (app.services.links finds them). The list filters by category
(分類) at 200,000 entries, newest first: an index on (category, occurred_on) serves both.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINKS = {  # link table: (left column, left table, right column, right table)
    "worklog_notices": ("worklog_id", "worklog_entries", "notice_id", "notices"),
    "worklog_runbooks": ("worklog_id", "worklog_entries", "runbook_id", "runbooks"),
}


def upgrade() -> None:
    for name, (left, left_table, right, right_table) in LINKS.items():
        op.create_table(
            name,
            sa.Column(left, sa.Integer(), nullable=False),
            sa.Column(right, sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(
                [left], [f"{left_table}.id"],
                name=op.f(f"fk_{name}_{left}_{left_table}"), ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                [right], [f"{right_table}.id"],
                name=op.f(f"fk_{name}_{right}_{right_table}"), ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint(left, right, name=op.f(f"pk_{name}")),
        )  # fmt: skip
        op.create_index(op.f(f"ix_{name}_{right}"), name, [right], unique=False)
    op.create_index("ix_worklog_entries_category", "worklog_entries", ["category", "occurred_on"])


def downgrade() -> None:
    op.drop_index("ix_worklog_entries_category", table_name="worklog_entries")
    for name in reversed(LINKS):
        op.drop_table(name)
