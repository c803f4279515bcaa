"""Reading Q&A knowledge notes: the list (filtered by words and by tag), the notes due for
review (「まだ正しい？」) and everything the editor shows for one note.

A note is due for review ``review_months`` after it was last confirmed (最終確認日), else
after the day it was written, on the same day of the month clamped to the month's end
(app.jdate.add_months); due when that day is today or past. A note without an interval is
never due. Each list is read in a few queries, whatever its length (no query per row).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.orm import Session

from app.services import links, tags
from app.services.field_input import LinkedItem
from app.services.knowledge.notes import LINKED, created_on, review_due_on
from app.services.records import get_or_not_found
from app.store.kind_index import title_of
from app.store.models import KnowledgeAnswer, KnowledgeNote, Tag, knowledge_note_tags
from app.store.vocab import CONFIDENCE_LEVELS


@dataclass(frozen=True, slots=True)
class NoteRow:
    """One note in the list. ``review_due``: ``review_due_on`` is today or past."""

    id: int
    question: str
    community: str
    asked_on: date | None
    confidence: str
    confidence_label: str
    answer_count: int
    tags: tuple[str, ...]
    review_due: bool
    review_due_on: date | None
    reviewed_on: date | None


@dataclass(frozen=True, slots=True)
class AnswerDetail:
    """One answer; ``number``: its rank (1, 2, …), what the officer reads."""

    id: int
    number: int
    body: str
    answered_by: str
    answered_on: date | None


@dataclass(frozen=True, slots=True)
class NoteDetail:
    """Everything the editor shows of one note. Linked records are LinkedItem(id, title),
    by title; ``tags`` by name."""

    id: int
    question: str
    detail: str
    community: str
    thread_url: str
    asked_on: date | None
    confidence: str
    confidence_label: str
    reviewed_on: date | None
    review_months: int | None
    created_on: date
    review_due_on: date | None
    answers: tuple[AnswerDetail, ...]
    notices: tuple[LinkedItem, ...]
    regulations: tuple[LinkedItem, ...]
    systems: tuple[LinkedItem, ...]
    runbooks: tuple[LinkedItem, ...]
    tags: tuple[str, ...]

    def review_due(self, today: date) -> bool:
        return self.review_due_on is not None and self.review_due_on <= today

    def as_input(self) -> dict[str, Any]:
        """The note as editor input (app.services.knowledge.notes.update_note takes it
        back unchanged; answers keep their ids)."""
        linked = (self.notices, self.regulations, self.systems, self.runbooks)
        return {
            "question": self.question, "detail": self.detail, "community": self.community,
            "thread_url": self.thread_url, "asked_on": self.asked_on,
            "confidence": self.confidence, "reviewed_on": self.reviewed_on,
            "review_months": self.review_months,
            "answers": [{"id": a.id, "body": a.body, "answered_by": a.answered_by,
                         "answered_on": a.answered_on} for a in self.answers],
            **{key: [item.id for item in items] for key, items in zip(LINKED, linked, strict=True)},
            "tags": list(self.tags),
        }  # fmt: skip


# --- the list --------------------------------------------------------------------------------


def _like(words: list[str]) -> list[str]:
    escaped = (w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in words)
    return [f"%{w}%" for w in escaped]


def _mentions(pattern: str) -> ColumnElement[bool]:
    """The note's question, detail, source, an answer or a tag contains ``pattern``."""
    note = KnowledgeNote
    in_answer = exists().where(
        KnowledgeAnswer.note_id == note.id,
        or_(KnowledgeAnswer.body.ilike(pattern, escape="\\"),
            KnowledgeAnswer.answered_by.ilike(pattern, escape="\\")),
    )  # fmt: skip
    in_tag = exists().where(
        knowledge_note_tags.c.knowledge_note_id == note.id,
        knowledge_note_tags.c.tag_id == Tag.id,
        Tag.name.ilike(pattern, escape="\\"),
    )
    return or_(
        note.question.ilike(pattern, escape="\\"),
        note.detail.ilike(pattern, escape="\\"),
        note.community.ilike(pattern, escape="\\"),
        in_answer,
        in_tag,
    )


def note_rows(
    session: Session,
    today: date,
    *,
    text: str | None = None,
    tag: str | None = None,
    due_only: bool = False,
) -> list[NoteRow]:
    """The notes, newest question first (undated ones last). ``text``: every word (split
    at white space) appears in the question, its detail, the source, an answer, an
    answerer or a tag; ``tag``: carries that tag (casefold; an unknown tag: no rows);
    ``due_only``: due for review. Two queries."""
    answers = (
        select(KnowledgeAnswer.note_id, func.count().label("n"))
        .group_by(KnowledgeAnswer.note_id)
        .subquery()
    )
    note = KnowledgeNote
    stmt = (
        select(note.id, note.question, note.community, note.asked_on, note.confidence,
               note.reviewed_on, note.review_months, note.created_at,
               func.coalesce(answers.c.n, 0))
        .outerjoin(answers, answers.c.note_id == note.id)
        .order_by(note.asked_on.desc().nulls_last(), note.id.desc())
    )  # fmt: skip
    for pattern in _like((text or "").split()):
        stmt = stmt.where(_mentions(pattern))
    if tag is not None and tag.strip():
        found = tags.find_tag(session, tag)
        if found is None:
            return []
        stmt = stmt.where(
            exists().where(
                knowledge_note_tags.c.knowledge_note_id == note.id,
                knowledge_note_tags.c.tag_id == found.id,
            )
        )
    rows: list[NoteRow] = []
    for (
        nid,
        question,
        community,
        asked_on,
        conf,
        reviewed_on,
        months,
        created,
        n,
    ) in session.execute(stmt):
        due_on = review_due_on(reviewed_on, created, months)
        due = due_on is not None and due_on <= today
        if due_only and not due:
            continue
        rows.append(NoteRow(nid, question, community, asked_on, conf,
                            CONFIDENCE_LEVELS.get(conf, conf), int(n), (), due, due_on,
                            reviewed_on))  # fmt: skip
    if rows:
        among = tags.tags_of(session, "knowledge_note", [r.id for r in rows])
        rows = [_with_tags(r, among[r.id]) for r in rows]
    return rows


def _with_tags(row: NoteRow, names: list[str]) -> NoteRow:
    return replace(row, tags=tuple(names)) if names else row


def due_for_review(session: Session, today: date) -> list[NoteRow]:
    """The notes due for review, the longest overdue first."""
    rows = note_rows(session, today, due_only=True)
    return sorted(rows, key=lambda r: (r.review_due_on or today, r.id))


# --- one note --------------------------------------------------------------------------------


def _linked(session: Session, note_id: int, kind: str, model: type[Any]) -> tuple[LinkedItem, ...]:
    ids = links.linked_ids(session, "knowledge_note", note_id, kind)
    if not ids:
        return ()
    records = session.scalars(select(model).where(model.id.in_(ids)))
    items = [LinkedItem(r.id, title_of(r)) for r in records]
    return tuple(sorted(items, key=lambda item: (item.label, item.id)))


def note_detail(session: Session, note_id: int) -> NoteDetail:
    """The note with its answers in order, its linked records and its tags;
    NotFoundError when it is gone."""
    note = get_or_not_found(session, KnowledgeNote, note_id)
    answers = tuple(
        AnswerDetail(a.id, n, a.body, a.answered_by, a.answered_on)
        for n, a in enumerate(note.answers, 1)
    )
    notices, regulations, systems, runbooks = (
        _linked(session, note.id, kind, model) for kind, model in LINKED.values()
    )
    names = tags.tags_of(session, "knowledge_note", [note.id])[note.id]
    return NoteDetail(
        note.id, note.question, note.detail, note.community, note.thread_url, note.asked_on,
        note.confidence, CONFIDENCE_LEVELS.get(note.confidence, note.confidence),
        note.reviewed_on, note.review_months, created_on(note.created_at),
        review_due_on(note.reviewed_on, note.created_at, note.review_months),
        answers, notices, regulations, systems, runbooks, tuple(names),
    )  # fmt: skip


def note_of_answer(session: Session, answer_id: int) -> int:
    """The note an answer belongs to (a search hit of kind ``knowledge_answer`` opens its
    note); NotFoundError when the answer is gone."""
    return get_or_not_found(session, KnowledgeAnswer, answer_id).note_id
