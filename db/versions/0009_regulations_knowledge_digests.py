"""regulations, knowledge notes, digests and tags

The 法令・規程台帳 (regulations with their versions and which own rules follow which
national ones), Q&A knowledge notes with their answers, digests with their items, and
tags for notices and notes; link tables of the usual shape join them to notices,
regulations, systems, runbooks and tasks (app.services.links finds them). The new
searched kinds are added to ``search_kinds`` as declared at this revision (see 0005).

CHECKs are spelled out literally: a revision never changes when a vocabulary does.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINKS = {  # link table: (left column, left table, right column, right table)
    "task_regulations": ("task_id", "tasks", "regulation_id", "regulations"),
    "notice_tags": ("notice_id", "notices", "tag_id", "tags"),
    "knowledge_note_tags": ("knowledge_note_id", "knowledge_notes", "tag_id", "tags"),
    "knowledge_note_notices": ("knowledge_note_id", "knowledge_notes", "notice_id", "notices"),
    "knowledge_note_regulations": ("knowledge_note_id", "knowledge_notes", "regulation_id",
                                   "regulations"),
    "knowledge_note_systems": ("knowledge_note_id", "knowledge_notes", "business_system_id",
                               "business_systems"),
    "knowledge_note_runbooks": ("knowledge_note_id", "knowledge_notes", "runbook_id",
                                "runbooks"),
}  # fmt: skip
KINDS = [("regulation", 17, "法令・規程"), ("regulation_version", 18, "法令・規程の改定"),
         ("knowledge_note", 19, "Q&A"), ("knowledge_answer", 20, "Q&Aの回答")]  # fmt: skip

REGULATION_KINDS = ("'law', 'cabinet_order', 'ministerial_order', 'guideline', 'policy', "
                    "'ordinance', 'rule', 'outline', 'regulation', 'other'")  # fmt: skip


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], ondelete=ondelete,
                                   name=op.f(f"fk_{table}_{column}_{target}"))  # fmt: skip


def _link_table(name: str) -> None:
    left, left_table, right, right_table = LINKS[name]
    op.create_table(
        name,
        sa.Column(left, sa.Integer(), nullable=False),
        sa.Column(right, sa.Integer(), nullable=False),
        _fk(name, left, left_table, "CASCADE"),
        _fk(name, right, right_table, "CASCADE"),
        sa.PrimaryKeyConstraint(left, right, name=op.f(f"pk_{name}")),
    )
    op.create_index(op.f(f"ix_{name}_{right}"), name, [right], unique=False)


def upgrade() -> None:
    op.create_table(
        "tags",
        sa.Column("name", sa.String(length=60), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("name", name=op.f("uq_tags_name")),
    )
    op.create_table(
        "regulations",
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("short_name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("starter_key", sa.String(length=100), nullable=True),
        *_stamps(),
        sa.CheckConstraint(f"kind IN ({REGULATION_KINDS})", name=op.f("ck_regulations_kind")),
        sa.CheckConstraint("origin IN ('national', 'prefecture', 'own')",
                           name=op.f("ck_regulations_origin")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regulations")),
        sa.UniqueConstraint("starter_key", name=op.f("uq_regulations_starter_key")),
        sa.UniqueConstraint("title", name=op.f("uq_regulations_title")),
    )  # fmt: skip
    op.create_index(op.f("ix_regulations_origin"), "regulations", ["origin"], unique=False)
    op.create_table(
        "regulation_versions",
        sa.Column("regulation_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("revised_on", sa.Date(), nullable=True),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("requirements", sa.Text(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.Column("starter_key", sa.String(length=100), nullable=True),
        *_stamps(),
        sa.CheckConstraint("revised_on IS NOT NULL OR effective_on IS NOT NULL",
                           name=op.f("ck_regulation_versions_dated")),
        _fk("regulation_versions", "regulation_id", "regulations", "CASCADE"),
        _fk("regulation_versions", "notice_id", "notices", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regulation_versions")),
        sa.UniqueConstraint("regulation_id", "starter_key",
                            name="starter_key"),
    )  # fmt: skip
    op.create_index("ix_regulation_versions_regulation", "regulation_versions",
                    ["regulation_id", "revised_on"], unique=False)  # fmt: skip
    op.create_index(op.f("ix_regulation_versions_notice_id"), "regulation_versions",
                    ["notice_id"], unique=False)  # fmt: skip
    op.create_table(
        "regulation_dependencies",
        sa.Column("dependent_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("followed_version_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        *_stamps(),
        sa.CheckConstraint("dependent_id <> source_id",
                           name=op.f("ck_regulation_dependencies_not_self")),
        _fk("regulation_dependencies", "dependent_id", "regulations", "CASCADE"),
        _fk("regulation_dependencies", "source_id", "regulations", "CASCADE"),
        _fk("regulation_dependencies", "followed_version_id", "regulation_versions", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regulation_dependencies")),
        sa.UniqueConstraint("dependent_id", "source_id",
                            name="pair"),
    )  # fmt: skip
    op.create_index(op.f("ix_regulation_dependencies_source_id"), "regulation_dependencies",
                    ["source_id"], unique=False)  # fmt: skip
    op.create_index(op.f("ix_regulation_dependencies_followed_version_id"),
                    "regulation_dependencies", ["followed_version_id"], unique=False)  # fmt: skip
    op.create_table(
        "knowledge_notes",
        sa.Column("question", sa.String(length=500), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("community", sa.String(length=200), nullable=False),
        sa.Column("thread_url", sa.String(length=1000), nullable=False),
        sa.Column("asked_on", sa.Date(), nullable=True),
        sa.Column("confidence", sa.String(length=10), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("review_months", sa.Integer(), nullable=True),
        *_stamps(),
        sa.CheckConstraint("confidence IN ('high', 'medium', 'low')",
                           name=op.f("ck_knowledge_notes_confidence")),
        sa.CheckConstraint("review_months IS NULL OR review_months >= 1",
                           name=op.f("ck_knowledge_notes_review_months")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_notes")),
    )  # fmt: skip
    op.create_table(
        "knowledge_answers",
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("answered_by", sa.String(length=200), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=True),
        *_stamps(),
        _fk("knowledge_answers", "note_id", "knowledge_notes", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_answers")),
        sa.UniqueConstraint("note_id", "position", name="position"),
    )
    op.create_table(
        "digests",
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("intro", sa.Text(), nullable=False),
        sa.Column("sections", sa.String(length=200), nullable=False),
        *_stamps(),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_digests_period")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digests")),
    )
    op.create_index(op.f("ix_digests_period_end"), "digests", ["period_end"], unique=False)
    op.create_table(
        "digest_items",
        sa.Column("digest_id", sa.Integer(), nullable=False),
        sa.Column("ref_kind", sa.String(length=30), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        *_stamps(),
        _fk("digest_items", "digest_id", "digests", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_items")),
        sa.UniqueConstraint("digest_id", "position", name="position"),
        sa.UniqueConstraint("digest_id", "ref_kind", "ref_id", name="once"),
    )
    for name in LINKS:
        _link_table(name)
    kinds = sa.table("search_kinds", sa.column("code"), sa.column("block"), sa.column("label"))
    op.bulk_insert(kinds, [{"code": c, "block": b, "label": label} for c, b, label in KINDS])


def downgrade() -> None:
    op.execute(
        sa.text("DELETE FROM search_kinds WHERE code IN ('regulation', 'regulation_version',"
                " 'knowledge_note', 'knowledge_answer')")
    )  # fmt: skip
    for name in reversed(LINKS):
        op.drop_table(name)
    for table in (
        "digest_items",
        "digests",
        "knowledge_answers",
        "knowledge_notes",
        "regulation_dependencies",
        "regulation_versions",
        "regulations",
        "tags",
    ):
        op.drop_table(table)  # fmt: skip
