"""Q&A knowledge notes (ナレッジ): a question, one or more answers, and where they came from.

A lone officer's best answers come from peers in other municipalities (オンライン市役所,
デジタル改革共創プラットフォーム, the prefecture's ICT group); written down here they
outlive the thread. ``community`` / ``thread_url`` / ``asked_on`` say where the question
was asked; each answer may say who gave it and when. ``confidence`` is how sure the
officer is. A note is due for review ("still true?") ``review_months`` after it was last
confirmed (``reviewed_on``, else when it was written); no interval, no reminder.

Answers are ordered by ``position`` (unique within a note; the number shown is the rank).
Links to notices, regulations, systems and runbooks, and tags, are link tables.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.store.kinds import RecordKind
from app.store.models.base import Record, Searchable, one_of
from app.store.models.inventory import _link
from app.store.vocab import CONFIDENCE_LEVELS


def first_line(text: str | None, limit: int) -> str:
    """The first non-blank line of ``text``, at most ``limit`` characters."""
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()[:limit]
    return ""


knowledge_note_notices = _link("knowledge_note_notices", "knowledge_note", "notice")
knowledge_note_regulations = _link("knowledge_note_regulations", "knowledge_note", "regulation")
knowledge_note_systems = _link("knowledge_note_systems", "knowledge_note", "business_system")
knowledge_note_runbooks = _link("knowledge_note_runbooks", "knowledge_note", "runbook")


class KnowledgeNote(Searchable, Record):
    __tablename__ = "knowledge_notes"
    __kind__ = RecordKind(
        "knowledge_note",
        "Q&A",
        search_block=19,
        dated="asked_on",
        fields={
            "question": "質問",
            "detail": "質問の詳細",
            "community": "情報源",
            "thread_url": "スレッドのURL",
            "asked_on": "質問日",
            "confidence": "確からしさ",
            "reviewed_on": "最終確認日",
            "review_months": "見直しの間隔（月）",
        },
        values={"confidence": CONFIDENCE_LEVELS},
        title="question",
    )
    __table_args__ = (
        one_of("confidence", CONFIDENCE_LEVELS),
        CheckConstraint("review_months IS NULL OR review_months >= 1", "review_months"),
    )

    question: Mapped[str] = mapped_column(String(500))
    detail: Mapped[str] = mapped_column(Text, default="")
    community: Mapped[str] = mapped_column(String(200), default="")
    thread_url: Mapped[str] = mapped_column(String(1000), default="")
    asked_on: Mapped[date | None] = mapped_column(Date)
    confidence: Mapped[str] = mapped_column(String(10), default="medium")
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    review_months: Mapped[int | None] = mapped_column(Integer, default=12)

    answers: Mapped[list[KnowledgeAnswer]] = relationship(
        back_populates="note", cascade="all, delete-orphan", order_by="KnowledgeAnswer.position"
    )

    def search_document(self) -> tuple[str, str, str]:
        return self.question, self.community, self.detail


class KnowledgeAnswer(Searchable, Record):
    __tablename__ = "knowledge_answers"
    __kind__ = RecordKind(
        "knowledge_answer",
        "Q&Aの回答",
        search_block=20,
        dated="answered_on",
        fields={
            "note_id": "Q&A",
            "position": "順番",
            "body": "回答",
            "answered_by": "回答者",
            "answered_on": "回答日",
        },
        title=lambda a: first_line(a.body, 60) or "回答",
    )
    __table_args__ = (UniqueConstraint("note_id", "position", name="position"),)

    note_id: Mapped[int] = mapped_column(ForeignKey("knowledge_notes.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    answered_by: Mapped[str] = mapped_column(String(200), default="")
    answered_on: Mapped[date | None] = mapped_column(Date)

    note: Mapped[KnowledgeNote] = relationship(back_populates="answers")

    def search_document(self) -> tuple[str, str, str]:
        return first_line(self.body, 100), self.answered_by, self.body
