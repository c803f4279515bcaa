"""search kinds: the searched record kinds (code, rowid block, label) in the database

``hitori search`` answers with the standard library alone (no SQLAlchemy, no models):
what it needs of the declarations — which rowid block of the search index holds which
kind, and what the kind is called — is kept here. The application keeps it in step with
the declarations (app.store.search_index.sync_kinds); the rows below are the kinds as
they were declared at this revision.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = [
    ("asset", 1, "資産"), ("department", 2, "部署"), ("location", 3, "設置場所"),
    ("vendor", 4, "ベンダー"), ("contact", 5, "連絡先"), ("system", 6, "業務システム"),
    ("contract", 7, "契約"), ("license", 8, "ライセンス"), ("notice", 9, "通知"),
    ("task", 10, "タスク"), ("worklog", 11, "作業ログ"), ("runbook", 12, "手順書"),
    ("runbook_step", 13, "手順書の手順"), ("checklist", 14, "チェックリスト"),
    ("credential", 15, "認証情報の参照"), ("attachment", 16, "添付ファイル"),
]  # fmt: skip


def upgrade() -> None:
    table = op.create_table(
        "search_kinds",
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("block", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_search_kinds")),
        sa.UniqueConstraint("block", name=op.f("uq_search_kinds_block")),
    )
    op.bulk_insert(table, [{"code": c, "block": b, "label": label} for c, b, label in KINDS])


def downgrade() -> None:
    op.drop_table("search_kinds")
