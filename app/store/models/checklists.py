"""Checklists: templates (標準化の40手順, ガバメントクラウド, user-made), instances, progress.

The schema keeps a checklist coherent on its own:
- item positions are unique within a template (reordered with one UPDATE:
  app.store.models.ordering);
- one checklist per template and business system (several may have no system);
- a progress row names its checklist's template, and two composite foreign keys make it
  point at a checklist *of that template* and an item *of that template*: progress can
  never refer to an item of another template (a template upgrade moves progress over
  explicitly);
- evidence: ``ChecklistProgress.evidence`` stays a free-text note (what was checked,
  where the paper is); files are attachments (the ``attachments`` table) whose owner kind
  is ``checklist_progress``, this model's kind code.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.store.kinds import YES_NO, RecordKind
from app.store.models.base import Record, Searchable, one_of
from app.store.vocab import CHECK_STATUSES, CHECKLIST_KINDS


class ChecklistTemplate(Record):
    __tablename__ = "checklist_templates"
    __kind__ = RecordKind(
        "checklist_template",
        "チェックリスト雛形",
        fields={
            "code": "コード",
            "name": "名称",
            "kind": "種類",
            "builtin": "組み込み",
            "description": "説明",
        },
        values={"kind": CHECKLIST_KINDS, "builtin": YES_NO},
    )
    __table_args__ = (one_of("kind", CHECKLIST_KINDS),)

    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="custom")
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")

    items: Mapped[list[ChecklistTemplateItem]] = relationship(
        back_populates="template",
        cascade="all, delete-orphan",
        order_by="ChecklistTemplateItem.position",
    )


class ChecklistTemplateItem(Record):
    __tablename__ = "checklist_template_items"
    __kind__ = RecordKind(
        "checklist_template_item",
        "チェック項目",
        fields={
            "template_id": "雛形",
            "code": "番号",
            "group_name": "区分",
            "title": "項目",
            "position": "順番",
        },
        title="title",
    )
    __table_args__ = (
        UniqueConstraint("template_id", "code", name="code"),
        # Unique indexes (not table constraints: added by migration 0004 without
        # rebuilding the table). Positions only order the items; the target of
        # checklist_progress's composite foreign key is (template_id, id).
        Index("uq_checklist_template_items_position", "template_id", "position", unique=True),
        Index("uq_checklist_template_items_template_item", "template_id", "id", unique=True),
    )

    template_id: Mapped[int] = mapped_column(
        ForeignKey("checklist_templates.id", ondelete="CASCADE")
    )
    code: Mapped[str] = mapped_column(String(20))
    group_name: Mapped[str] = mapped_column(String(100), default="")
    title: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)

    template: Mapped[ChecklistTemplate] = relationship(back_populates="items")


class Checklist(Searchable, Record):
    """A checklist in use, e.g. the 40 steps for 住民基本台帳."""

    __tablename__ = "checklists"
    __kind__ = RecordKind(
        "checklist",
        "チェックリスト",
        search_block=14,
        fields={
            "template_id": "雛形",
            "name": "名称",
            "standard_business_id": "標準化対象業務",
            "system_id": "業務システム",
            "notes": "備考",
        },
    )
    __table_args__ = (
        # One checklist per template and business system (NULLs differ: any number of
        # checklists of a template may have no system).
        Index("uq_checklists_template_system", "template_id", "system_id", unique=True),
        # The target of checklist_progress's composite foreign key.
        Index("uq_checklists_checklist_template", "id", "template_id", unique=True),
    )

    template_id: Mapped[int] = mapped_column(ForeignKey("checklist_templates.id"))
    name: Mapped[str] = mapped_column(String(200))
    standard_business_id: Mapped[str | None] = mapped_column(
        ForeignKey("standard_businesses.id"), index=True
    )
    system_id: Mapped[int | None] = mapped_column(
        ForeignKey("business_systems.id", ondelete="SET NULL"), index=True
    )
    notes: Mapped[str] = mapped_column(Text, default="")

    template: Mapped[ChecklistTemplate] = relationship()

    def search_document(self) -> tuple[str, str, str]:
        return self.name, "", self.notes


class ChecklistProgress(Record):
    """The state of one item of one checklist. ``template_id`` is the checklist's template
    (set it to ``checklist.template_id``); the database refuses any other."""

    __tablename__ = "checklist_progress"
    __kind__ = RecordKind(
        "checklist_progress",
        "チェック進捗",
        fields={
            "checklist_id": "チェックリスト",
            "item_id": "項目",
            "status": "状態",
            "due_date": "期限",
            "completed_on": "完了日",
            "evidence": "証跡メモ",
            "notes": "備考",
        },
        values={"status": CHECK_STATUSES},
        title="status",
    )
    __table_args__ = (
        UniqueConstraint("checklist_id", "item_id", name="item"),
        ForeignKeyConstraint(
            ["checklist_id", "template_id"],
            ["checklists.id", "checklists.template_id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["template_id", "item_id"],
            ["checklist_template_items.template_id", "checklist_template_items.id"],
        ),
        Index("ix_checklist_progress_checklist", "checklist_id", "template_id"),
        Index("ix_checklist_progress_item", "template_id", "item_id"),
        one_of("status", CHECK_STATUSES),
    )

    checklist_id: Mapped[int] = mapped_column(Integer)
    template_id: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="todo")
    due_date: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
