"""Checklists: templates (標準化の40手順, ガバメントクラウド, user-made), instances, progress."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.store.models.base import Record, Searchable


class ChecklistTemplate(Record):
    __tablename__ = "checklist_templates"
    __label__ = "チェックリスト雛形"

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
    __label__ = "チェック項目"
    __table_args__ = (UniqueConstraint("template_id", "code", name="code"),)

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
    __label__ = "チェックリスト"
    search_kind = "checklist"

    template_id: Mapped[int] = mapped_column(ForeignKey("checklist_templates.id"))
    name: Mapped[str] = mapped_column(String(200))
    standard_business_id: Mapped[str | None] = mapped_column(ForeignKey("standard_businesses.id"))
    system_id: Mapped[int | None] = mapped_column(
        ForeignKey("business_systems.id", ondelete="SET NULL")
    )
    notes: Mapped[str] = mapped_column(Text, default="")

    template: Mapped[ChecklistTemplate] = relationship()

    def search_document(self) -> tuple[str, str, str]:
        return self.name, "", self.notes


class ChecklistProgress(Record):
    __tablename__ = "checklist_progress"
    __label__ = "チェック進捗"
    __table_args__ = (UniqueConstraint("checklist_id", "item_id", name="item"),)

    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklists.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("checklist_template_items.id"))
    status: Mapped[str] = mapped_column(String(10), default="todo")
    due_date: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
