"""The records a digest of a period may hold (``candidates``), what each says, and a
digest's content made of them (``compose_content``).

What a period holds (each bound included):

- 通知 (notice): issued in the period (``issued_on``); a notice without an issue date
  when it was entered in the period (``created_at``, a local day). With its current
  deadlines (a withdrawn one, with no date, is left out), issuer, document number,
  status, the first line of its summary and its link.
- 法令・規程の改定 (regulation_version): a version made (``revised_on``) or coming into
  force (``effective_on``) in the period, with its rule's name, what changed, what it
  requires, the notice that announced it and the rule's link (else the notice's). Its
  施行日 is a deadline.
- Q&A (knowledge_note): a note entered (``created_at``) or confirmed again
  (``reviewed_on``) in the period, with its source, its first answer and the thread's
  link.

A candidate's topic is its first tag by name (notices and notes, app.store.models.tags);
a regulation version's is its rule's short name, else 「法令・規程」; without either,
its section's name. Each kind is read in a few queries whatever the number of records
(the records, then their deadlines, tags or answers for all of them at once).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from app.errors import UserError
from app.services.digests.content import (
    Candidate,
    Content,
    Deadline,
    Item,
    day_text,
    group_by_topic,
)
from app.store.models import (
    KnowledgeAnswer,
    KnowledgeNote,
    Notice,
    NoticeDeadline,
    Regulation,
    RegulationVersion,
    Tag,
    knowledge_note_tags,
    notice_tags,
)
from app.store.vocab import DIGEST_SECTIONS, NOTICE_DEADLINE_KINDS, NOTICE_KINDS, NOTICE_STATUSES

__all__ = [
    "REGULATION_TOPIC",
    "TOPIC_LIMIT",
    "candidates",
    "check_sections",
    "compose_content",
    "describe",
]

REGULATION_TOPIC = "法令・規程"
TOPIC_LIMIT = 60  # DigestItem.topic
EXCERPT = 200  # characters of a summary, a change, an answer
KIND_LABELS = {
    "regulation_version": RegulationVersion.__kind__.label,
    "knowledge_note": KnowledgeNote.__kind__.label,
}
Ref = tuple[str, int]


def check_sections(sections: Iterable[str]) -> tuple[str, ...]:
    """``sections`` as codes of DIGEST_SECTIONS in their order; UserError naming an
    unknown one and the ones there are."""
    wanted = [s.strip() for s in sections if s.strip()]
    unknown = [s for s in wanted if s not in DIGEST_SECTIONS]
    if unknown:
        known = "、".join(f"{code}（{label}）" for code, label in DIGEST_SECTIONS.items())
        raise UserError(f"載せるものの種類が正しくありません: {'、'.join(unknown)}（{known}）")
    return tuple(code for code in DIGEST_SECTIONS if code in wanted)


def _excerpt(text: str, limit: int = EXCERPT) -> str:
    """``text`` on one line, at most ``limit`` characters (cut with 「…」)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _local_day_start(day: date) -> datetime:
    """The start of local ``day`` as the naive UTC time records are stamped with."""
    try:
        return datetime.combine(day, time()).astimezone(UTC).replace(tzinfo=None)
    except (OverflowError, ValueError):
        return datetime.min if day.year < 2 else datetime.max


def _local_date(stamp: datetime) -> date:
    """The local day of a naive UTC stamp."""
    try:
        return stamp.replace(tzinfo=UTC).astimezone().date()
    except (OverflowError, ValueError):
        return stamp.date()


def _entered_in(column: Any, start: date, end: date) -> ColumnElement[bool]:
    """``column`` (a UTC stamp) falls on a local day from ``start`` to ``end``."""
    upper = _local_day_start(end + timedelta(days=1)) if end < date.max else datetime.max
    return and_(column >= _local_day_start(start), column < upper)


def _first_tags(session: Session, link: Any, column: str, ids: Any) -> dict[int, str]:
    """Record id → the first (by name) of its tags, for the records ``ids`` selects."""
    rows = session.execute(
        select(link.c[column], Tag.name)
        .join(Tag, Tag.id == link.c.tag_id)
        .where(link.c[column].in_(ids))
        .order_by(link.c[column], Tag.name)
    )
    first: dict[int, str] = {}
    for record_id, name in rows:
        first.setdefault(record_id, name)
    return first


def _topic(name: str) -> str:
    return name.strip()[:TOPIC_LIMIT]


def _notices(session: Session, where: ColumnElement[bool], start: date | None) -> list[Candidate]:
    notices = session.scalars(select(Notice).where(where).order_by(Notice.id)).all()
    if not notices:
        return []
    ids = select(Notice.id).where(where)
    order = list(NOTICE_DEADLINE_KINDS)
    deadlines: dict[int, list[Deadline]] = {}
    rows = session.scalars(
        select(NoticeDeadline).where(
            NoticeDeadline.notice_id.in_(ids),
            NoticeDeadline.is_current.is_(True),
            NoticeDeadline.deadline.is_not(None),
        )
    ).all()
    for row in sorted(rows, key=lambda r: (r.notice_id, order.index(r.kind))):
        assert row.deadline is not None
        label = NOTICE_DEADLINE_KINDS[row.kind]
        deadlines.setdefault(row.notice_id, []).append(Deadline(label, row.deadline))
    tags = _first_tags(session, notice_tags, "notice_id", ids)
    out = []
    for n in notices:
        source = "　".join(x for x in (n.issuer, n.doc_number) if x)
        if n.issued_on is not None:
            source += f"　{day_text(n.issued_on)}発出"
        lines = [source, f"状態: {NOTICE_STATUSES.get(n.status, n.status)}"]
        if n.summary.strip():
            lines.append(f"概要: {_excerpt(n.summary)}")
        on = n.issued_on or _local_date(n.created_at)
        out.append(Candidate(
            "notice", n.id, NOTICE_KINDS.get(n.kind, "通知"), n.title, tuple(lines), n.url,
            tuple(deadlines.get(n.id, ())), _topic(tags.get(n.id) or DIGEST_SECTIONS["notice"]), on,
        ))  # fmt: skip
    return out


def _versions(session: Session, where: ColumnElement[bool], start: date | None) -> list[Candidate]:
    rows = session.execute(
        select(RegulationVersion, Regulation, Notice.title, Notice.issuer, Notice.url)
        .join(Regulation, Regulation.id == RegulationVersion.regulation_id)
        .outerjoin(Notice, Notice.id == RegulationVersion.notice_id)
        .where(where)
        .order_by(RegulationVersion.id)
    ).all()
    out = []
    for version, rule, notice_title, issuer, notice_url in rows:
        lines = []
        if version.revised_on is not None:
            lines.append(f"公布・改定日: {day_text(version.revised_on)}")
        if version.changes.strip():
            lines.append(f"改定内容: {_excerpt(version.changes)}")
        if version.requirements.strip():
            lines.append(f"求められる対応: {_excerpt(version.requirements)}")
        if notice_title:
            lines.append(f"関連する通知: {notice_title}（{issuer}）")
        deadlines: tuple[Deadline, ...] = ()
        if version.effective_on is not None:
            deadlines = (Deadline("施行日", version.effective_on),)
        on = version.on
        if start and version.revised_on and version.effective_on and version.revised_on < start:
            on = version.effective_on  # made before the period, in force in it
        title = f"{rule.title}（{version.label}）" if version.label else rule.title
        out.append(Candidate(
            "regulation_version", version.id, KIND_LABELS["regulation_version"], title,
            tuple(lines), rule.url or notice_url or "", deadlines,
            _topic(rule.short_name or REGULATION_TOPIC), on,
        ))  # fmt: skip
    return out


def _notes(session: Session, where: ColumnElement[bool], start: date | None) -> list[Candidate]:
    notes = session.scalars(select(KnowledgeNote).where(where).order_by(KnowledgeNote.id)).all()
    if not notes:
        return []
    ids = select(KnowledgeNote.id).where(where)
    first_answer: dict[int, KnowledgeAnswer] = {}
    answers = session.scalars(
        select(KnowledgeAnswer)
        .where(KnowledgeAnswer.note_id.in_(ids))
        .order_by(KnowledgeAnswer.note_id, KnowledgeAnswer.position)
    )
    for row in answers:
        first_answer.setdefault(row.note_id, row)
    tags = _first_tags(session, knowledge_note_tags, "knowledge_note_id", ids)
    out = []
    for note in notes:
        lines = []
        if note.community.strip():
            lines.append(f"情報源: {note.community}")
        answer = first_answer.get(note.id)
        if answer is not None:
            by = f"（{answer.answered_by}）" if answer.answered_by.strip() else ""
            lines.append(f"回答{by}: {_excerpt(answer.body)}")
        else:
            lines.append("回答: （まだありません）")
        entered = _local_date(note.created_at)
        on = entered
        if note.reviewed_on is not None and (start is None or entered < start):
            lines.append(f"確認日: {day_text(note.reviewed_on)}")
            on = note.reviewed_on
        out.append(Candidate(
            "knowledge_note", note.id, KIND_LABELS["knowledge_note"], note.question,
            tuple(lines), note.thread_url, (),
            _topic(tags.get(note.id) or DIGEST_SECTIONS["knowledge_note"]), on,
        ))  # fmt: skip
    return out


def _in_period(kind: str, start: date, end: date) -> ColumnElement[bool]:
    if kind == "notice":
        return or_(
            Notice.issued_on.between(start, end),
            and_(Notice.issued_on.is_(None), _entered_in(Notice.created_at, start, end)),
        )
    if kind == "regulation_version":
        return or_(
            RegulationVersion.revised_on.between(start, end),
            RegulationVersion.effective_on.between(start, end),
        )
    return or_(
        _entered_in(KnowledgeNote.created_at, start, end),
        KnowledgeNote.reviewed_on.between(start, end),
    )


_LOADERS = {"notice": _notices, "regulation_version": _versions, "knowledge_note": _notes}
_MODELS: dict[str, Any] = {
    "notice": Notice,
    "regulation_version": RegulationVersion,
    "knowledge_note": KnowledgeNote,
}


def candidates(
    session: Session, start: date, end: date, sections: Iterable[str] = tuple(DIGEST_SECTIONS)
) -> list[Candidate]:
    """The records of the period ``start``–``end`` (both included) of ``sections``, section
    by section (DIGEST_SECTIONS' order), each by the date that put it in the period."""
    if end < start:
        raise UserError(f"期間の終わり {end.isoformat()} が始め {start.isoformat()} より前です")
    out: list[Candidate] = []
    for kind in check_sections(sections):
        found = _LOADERS[kind](session, _in_period(kind, start, end), start)
        out.extend(sorted(found, key=lambda c: (c.on, c.ref_id)))
    return out


def describe(
    session: Session, refs: Iterable[Ref], start: date | None = None
) -> dict[Ref, Candidate]:
    """What each record of ``refs`` (kind, id) says now, as in a digest of a period from
    ``start``; a deleted one is missing."""
    wanted: dict[str, set[int]] = {}
    for kind, ref_id in refs:
        if kind in _LOADERS:
            wanted.setdefault(kind, set()).add(ref_id)
    found: dict[Ref, Candidate] = {}
    for kind, ids in wanted.items():
        for c in _LOADERS[kind](session, _MODELS[kind].id.in_(sorted(ids)), start):
            found[(c.ref_kind, c.ref_id)] = c
    return found


def compose_content(
    title: str,
    start: date,
    end: date,
    intro: str,
    chosen: Sequence[Candidate],
    *,
    comments: dict[Ref, str] | None = None,
    sections: Iterable[str] = tuple(DIGEST_SECTIONS),
) -> Content:
    """A digest (not kept) of ``chosen``, grouped by their topics in the order of each
    topic's first candidate; ``comments`` are the officer's words on some of them."""
    notes = comments or {}
    topics = group_by_topic(
        (c.topic, Item.of(c, notes.get((c.ref_kind, c.ref_id), ""))) for c in chosen
    )
    return Content(title.strip(), start, end, intro.strip(), topics,
                   sections=check_sections(sections))  # fmt: skip
