"""Kept digests: the period the next one covers, keeping one, reading one back, the list.

A kept digest (app.store.models.digests) holds its period, title, the officer's own lines,
the sections it took and its items — each a record (kind and id), the topic it was filed
under, its place and a comment — not copies of the records: reading it back
(``digest_content``) shows what the records say now, and a record deleted since as
「（削除された記録）」.

The next digest starts the day after the last kept one ended (``next_period``).
``create_digest`` checks everything before it adds anything, writes in the caller's
transaction and flushes, never commits: a refusal leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.jdate import add_months
from app.services.digests.compose import KIND_LABELS, TOPIC_LIMIT, describe
from app.services.digests.content import GONE, Content, Item, group_by_topic, period_text
from app.services.errors import FieldError, NotFoundError, ValidationError
from app.store.models import Digest, DigestItem, KnowledgeNote, Notice, RegulationVersion
from app.store.vocab import DIGEST_SECTIONS, NOTICE_KINDS

__all__ = [
    "EMPTY",
    "LENGTHS",
    "TITLE_LIMIT",
    "DigestSummary",
    "ItemChoice",
    "create_digest",
    "default_title",
    "digest_content",
    "items_of",
    "last_period_end",
    "list_digests",
    "next_period",
]

TITLE_LIMIT = 200  # Digest.title
EMPTY = "この期間に載せるものがありません"
LENGTHS = {"week": "1週間", "month": "1か月"}
LABELS = {**Digest.__kind__.fields, "items": "項目"}
_MODELS = {"notice": Notice, "regulation_version": RegulationVersion,
           "knowledge_note": KnowledgeNote}  # fmt: skip

# (ref_kind, ref_id, topic, comment): one item chosen for a digest, in its order.
ItemChoice = tuple[str, int, str, str]


@dataclass(frozen=True)
class DigestSummary:
    """A kept digest in a list."""

    id: int
    title: str
    start: date
    end: date
    items: int
    made_at: datetime  # UTC, as stored

    @property
    def period_text(self) -> str:
        return period_text(self.start, self.end)


def default_title(start: date, end: date) -> str:
    """「ダイジェスト 令和8年4月1日（水）〜令和8年4月7日（火）」."""
    return f"ダイジェスト {period_text(start, end)}"


def last_period_end(session: Session) -> date | None:
    """The last day of the latest kept digest (None: none kept)."""
    return session.scalar(select(func.max(Digest.period_end)))


def next_period(session: Session, today: date, length: str = "week") -> tuple[date, date]:
    """The period of the next digest: from the day after the last kept one ended (none
    kept: ``today`` less a week or a month), a week (7 days) or a month long."""
    if length not in LENGTHS:
        raise ValueError(f"unknown digest length: {length!r}")
    last = last_period_end(session)
    if last is not None:
        start = last + timedelta(days=1)
    elif length == "week":
        start = today - timedelta(days=7)
    else:
        start = add_months(today, -1)
    end = start + timedelta(days=6) if length == "week" else add_months(start, 1) - timedelta(1)
    return start, end


def _label(kind: str) -> str:
    return KIND_LABELS.get(kind, NOTICE_KINDS["tsuchi"] if kind == "notice" else kind)


def _check(
    session: Session,
    title: str,
    start: date,
    end: date,
    sections: Sequence[str],
    intro: str,
    items: Sequence[ItemChoice],
) -> list[FieldError]:
    errors: list[FieldError] = []

    def error(name: str, message: str) -> None:
        errors.append(FieldError(name, LABELS[name], message))

    if not title.strip():
        error("title", "入力してください")
    elif len(title.strip()) > TITLE_LIMIT:
        error("title", f"{TITLE_LIMIT}文字以内にしてください（{len(title.strip())}文字）")
    if end < start:
        error("period_end", f"期間の始め（{start.isoformat()}）より前です")
    unknown = [s for s in sections if s not in DIGEST_SECTIONS]
    if unknown:
        known = "、".join(DIGEST_SECTIONS)
        error("sections", f"知らない種類です: {'、'.join(unknown)}（使えるもの: {known}）")
    if not items and not intro.strip():
        error("items", EMPTY)
    seen: set[tuple[str, int]] = set()
    wanted: dict[str, set[int]] = {}
    for kind, ref_id, topic, _comment in items:
        name = f"{_label(kind)}（ID {ref_id}）"
        if kind not in DIGEST_SECTIONS:
            error("items", f"知らない種類の記録です: {kind}（ID {ref_id}）")
            continue
        if (kind, ref_id) in seen:
            error("items", f"{name}が2回あります")
        seen.add((kind, ref_id))
        if len(topic.strip()) > TOPIC_LIMIT:
            error("items", f"{name}のトピックは{TOPIC_LIMIT}文字以内にしてください")
        wanted.setdefault(kind, set()).add(ref_id)
    for kind, ids in wanted.items():
        model = _MODELS[kind]
        found = set(session.scalars(select(model.id).where(model.id.in_(sorted(ids)))))
        for ref_id in sorted(ids - found):
            error(
                "items",
                f"{_label(kind)}（ID {ref_id}）が見つかりません（削除されたかもしれません）",
            )
    return errors


def create_digest(
    session: Session,
    title: str,
    start: date,
    end: date,
    sections: Iterable[str],
    intro: str,
    items: Sequence[ItemChoice],
) -> Digest:
    """Keep a digest of ``items`` (in their order); flushed, not committed. Raises
    ValidationError, with nothing added, for a missing or too long title, a period that
    ends before it begins, an unknown section, an item of an unknown kind, a missing or
    repeated record, a too long topic, or nothing at all (「この期間に載せるものが
    ありません」: no item and no lines of the officer's own)."""
    chosen = list(sections)
    errors = _check(session, title, start, end, chosen, intro, items)
    if errors:
        raise ValidationError(errors)
    digest = Digest(
        title=title.strip(),
        period_start=start,
        period_end=end,
        intro=intro.strip(),
        sections=",".join(code for code in DIGEST_SECTIONS if code in chosen),
    )
    digest.items = [
        DigestItem(ref_kind=kind, ref_id=ref_id, topic=topic.strip(), position=n,
                   comment=comment.strip())
        for n, (kind, ref_id, topic, comment) in enumerate(items, 1)
    ]  # fmt: skip
    session.add(digest)
    session.flush()
    return digest


def items_of(content: Content) -> list[ItemChoice]:
    """The items of composed ``content`` as ``create_digest`` takes them."""
    return [(i.ref_kind, i.ref_id, topic.name, i.comment) for topic in content.topics
            for i in topic.items]  # fmt: skip


def digest_content(session: Session, digest_id: int) -> Content:
    """Kept digest ``digest_id`` as it is shown: its topics in the order of their first
    item, items in their order, what each record says now (deleted: 「（削除された
    記録）」). NotFoundError if there is no such digest."""
    digest = session.get(Digest, digest_id)
    if digest is None:
        raise NotFoundError(f"ダイジェスト（ID {digest_id}）が見つかりません")
    rows = digest.items
    now = describe(session, ((r.ref_kind, r.ref_id) for r in rows), digest.period_start)
    entries = []
    for row in rows:
        found = now.get((row.ref_kind, row.ref_id))
        if found is not None:
            item = Item.of(found, row.comment)
        else:
            item = Item(row.ref_kind, row.ref_id, _label(row.ref_kind), GONE,
                        comment=row.comment, gone=True)  # fmt: skip
        entries.append((row.topic or DIGEST_SECTIONS.get(row.ref_kind, "その他"), item))
    sections = tuple(s for s in digest.sections.split(",") if s)
    return Content(digest.title, digest.period_start, digest.period_end, digest.intro,
                   group_by_topic(entries), digest_id=digest.id, sections=sections)  # fmt: skip


def list_digests(session: Session) -> list[DigestSummary]:
    """Every kept digest, the latest period first."""
    counts = (
        select(DigestItem.digest_id, func.count().label("n"))
        .group_by(DigestItem.digest_id)
        .subquery()
    )
    rows = session.execute(
        select(Digest, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.digest_id == Digest.id)
        .order_by(Digest.period_end.desc(), Digest.id.desc())
    )
    return [
        DigestSummary(d.id, d.title, d.period_start, d.period_end, n, d.created_at) for d, n in rows
    ]
