"""The notices tracker (通知・法令): enter and edit notices, move them through their
status, read the lists the views and the handover show, and turn a notice into a task.

Identity: a notice not taken from a feed is one per issuer, issue date and title (an
undated one per issuer and title; app.store.models.notices). Editing is checked against
that rule first, so the officer reads which notice it collides with instead of an
IntegrityError.

Status flow (``MOVES``): 未確認 → 確認中 / 対応中 / 対応済 / 対応不要; 確認中 → 対応中 /
対応済 / 対応不要, or back to 未確認 (opened by mistake); 対応中 → 対応済 / 対応不要;
対応済 / 対応不要 → 確認中 (reopened: it is read again before anyone acts). A notice that
was acted on or closed never returns to 未確認: the inbox would then hide that work.

Deadlines and their history: app.services.notices.deadlines. Links to systems, assets and
tasks go through app.services.links (history on both records). Everything is written in
the caller's transaction and flushed, never committed: a refusal leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, select, true
from sqlalchemy.orm import Session

from app import jdate
from app.services import links, tags
from app.services.errors import FieldError, ValidationError
from app.services.field_input import MAX_NOTES, FieldReader
from app.services.notices.deadlines import (
    before_issue_message,
    dated_current_deadlines,
    kind_order,
    nearest_current_deadlines,
)
from app.services.records import get_or_not_found
from app.store.models import (
    Asset,
    BusinessSystem,
    Notice,
    NoticeDeadline,
    RegulationVersion,
    Task,
    notice_systems,
)
from app.store.vocab import NOTICE_DEADLINE_KINDS, NOTICE_KINDS, NOTICE_STATUSES

_EDITABLE = ("issuer", "doc_number", "issued_on", "title", "kind", "status", "url", "summary",
             "interpretation")  # fmt: skip
FIELD_LABELS = {name: Notice.__kind__.fields[name] for name in _EDITABLE} | {
    "system_ids": "業務システム",
    "asset_ids": "資産",
    "tags": tags.LABEL,
}
_LINKED = {"system_ids": ("system", BusinessSystem), "asset_ids": ("asset", Asset)}
CLOSED = ("done", "na")
MOVES: dict[str, tuple[str, ...]] = {
    "unread": ("reading", "acting", "done", "na"),
    "reading": ("unread", "acting", "done", "na"),
    "acting": ("done", "na"),
    "done": ("reading",),
    "na": ("reading",),
}
TASK_TITLE_LIMIT = 200  # Task.title


# --- input, create, update, delete -----------------------------------------------------------


def _effective(notice: Notice | None, out: dict[str, Any], name: str) -> Any:
    if name in out or notice is None:
        return out.get(name)
    return getattr(notice, name)


def _ids(r: FieldReader, session: Session, name: str) -> list[int]:
    """The ids of existing records of the link ``name``; each missing one is an error."""
    raw = r.raw(name) or []
    try:
        wanted = list(dict.fromkeys(int(i) for i in raw))
    except (TypeError, ValueError):
        r.error(name, "IDの一覧を指定してください")
        return []
    model = _LINKED[name][1]
    found = set(session.scalars(select(model.id).where(model.id.in_(wanted))))
    for missing in (i for i in wanted if i not in found):
        r.error(name, f"登録されていない{FIELD_LABELS[name]}です（ID {missing}）")
    return wanted


def _collision(session: Session, issuer: str, issued_on: date | None, title: str,
               own_id: int | None) -> Notice | None:  # fmt: skip
    """The hand-entered notice that already has this identity, if any."""
    stmt = select(Notice).where(
        Notice.feed_guid.is_(None),
        Notice.issuer == issuer,
        Notice.title == title,
        Notice.issued_on.is_(None) if issued_on is None else Notice.issued_on == issued_on,
    )
    if own_id is not None:
        stmt = stmt.where(Notice.id != own_id)
    return session.scalars(stmt.limit(1)).first()


def _check_identity(r: FieldReader, session: Session, notice: Notice | None,
                    out: dict[str, Any]) -> None:  # fmt: skip
    if notice is not None and notice.feed_guid is not None:
        return  # a feed's notice is identified by its feed_guid
    if any(r.failed(name) for name in ("issuer", "issued_on", "title")):
        return
    issuer, issued_on, title = (
        _effective(notice, out, n) for n in ("issuer", "issued_on", "title")
    )
    other = _collision(session, issuer, issued_on, title, notice.id if notice else None)
    if other is not None:
        when = other.issued_on.isoformat() if other.issued_on else "発出日なし"
        r.error(
            "title",
            f"同じ発出元・発出日・件名の通知が既にあります: 「{other.title}」"
            f"（{other.issuer}、{when}、ID {other.id}）",
        )


def _check_deadlines_after_issue(r: FieldReader, session: Session, notice: Notice | None,
                                 out: dict[str, Any]) -> None:  # fmt: skip
    """A new issue date may not leave a current deadline before it."""
    issued_on = out.get("issued_on")
    if notice is None or issued_on is None or r.failed("issued_on"):
        return
    for kind, deadline in sorted(dated_current_deadlines(session, notice.id).items()):
        if deadline < issued_on:
            r.error("issued_on", before_issue_message(kind, deadline, issued_on))


def clean_notice_input(
    session: Session, data: dict[str, Any], *, notice_id: int | None = None
) -> dict[str, Any]:
    """Validate editor input; raises ValidationError listing every problem. The result
    holds column values, plus ``system_ids`` / ``asset_ids`` when they were given."""
    notice = get_or_not_found(session, Notice, notice_id) if notice_id is not None else None
    r = FieldReader(FIELD_LABELS, data)
    out: dict[str, Any] = {}
    new = notice is None
    if new or r.has("issuer"):
        out["issuer"] = r.text("issuer", 100, required=True)
    if new or r.has("title"):
        out["title"] = r.text("title", 500, required=True)
    if r.has("doc_number"):
        out["doc_number"] = r.text("doc_number", 100)
    if r.has("issued_on"):
        out["issued_on"] = r.date("issued_on")
    for name, vocab, default in (("kind", NOTICE_KINDS, "tsuchi"),
                                 ("status", NOTICE_STATUSES, "unread")):  # fmt: skip
        if new or r.has(name):
            value = r.raw(name) or default
            if value not in vocab:
                r.error(name, f"選択肢にない値です: {value}")
            out[name] = value
    if notice is not None and out.get("status", notice.status) != notice.status:
        refusal = move_refusal(notice.status, out["status"])
        if refusal:
            r.error("status", refusal)
    if r.has("url"):
        out["url"] = r.url("url", 1000)
    for name in ("summary", "interpretation"):
        if r.has(name):
            out[name] = r.text(name, MAX_NOTES)
    for name in _LINKED:
        if r.has(name):
            out[name] = _ids(r, session, name)
    if r.has("tags"):
        out["tags"] = _tags(r)
    _check_identity(r, session, notice, out)
    _check_deadlines_after_issue(r, session, notice, out)
    r.raise_if_failed()
    return out


def _sync_links(session: Session, notice_id: int, kind: str, wanted: Iterable[int]) -> None:
    wanted = list(wanted)
    current = set(links.linked_ids(session, "notice", notice_id, kind))
    for other in current - set(wanted):
        links.unlink(session, "notice", notice_id, kind, other)
    for other in (i for i in wanted if i not in current):
        links.link(session, "notice", notice_id, kind, other)


def _tags(r: FieldReader) -> list[str]:
    """The tags typed (「標準化、ガバクラ」) or given as a list."""
    raw = r.raw("tags")
    try:
        if raw is None or isinstance(raw, str):
            return tags.parse_tags(raw or "")
        return tags.unique_tags(str(name) for name in raw)
    except ValueError as exc:
        r.error("tags", str(exc))
        return []


def _apply(session: Session, notice: Notice, values: dict[str, Any]) -> Notice:
    for key, value in values.items():
        if key not in _LINKED and key != "tags":
            setattr(notice, key, value)
    session.add(notice)
    session.flush()
    for key, (kind, _model) in _LINKED.items():
        if key in values:
            _sync_links(session, notice.id, kind, values[key])
    if "tags" in values:
        tags.set_tags(session, "notice", notice.id, values["tags"])
    return notice


def create_notice(session: Session, data: dict[str, Any]) -> Notice:
    return _apply(session, Notice(), clean_notice_input(session, data))


def update_notice(session: Session, notice_id: int, data: dict[str, Any]) -> Notice:
    values = clean_notice_input(session, data, notice_id=notice_id)
    return _apply(session, get_or_not_found(session, Notice, notice_id), values)


def delete_notice(session: Session, notice_id: int) -> None:
    """Delete a notice and its deadlines. Its links are removed through the link
    service first, so that the linked systems, assets, tasks and work-log entries keep
    in their history that the notice was detached (they are not deleted)."""
    notice = get_or_not_found(session, Notice, notice_id)
    for kind in ("system", "asset", "task", "worklog", "tag", "knowledge_note"):
        for other in links.linked_ids(session, "notice", notice_id, kind):
            links.unlink(session, "notice", notice_id, kind, other)
    # A regulation version it announced keeps its history of that (the foreign key alone
    # would clear the column without a word).
    for version in session.scalars(
        select(RegulationVersion).where(RegulationVersion.notice_id == notice_id)
    ):
        version.notice_id = None
    session.delete(notice)
    session.flush()


# --- status ------------------------------------------------------------------------------------


def move_refusal(current: str, new: str) -> str:
    """Why the status cannot move from ``current`` to ``new`` ('' when it can)."""
    if new == current or new in MOVES.get(current, ()):
        return ""
    possible = "、".join(NOTICE_STATUSES[s] for s in MOVES.get(current, ()))
    return (
        f"{NOTICE_STATUSES.get(current, current)}から{NOTICE_STATUSES.get(new, new)}には"
        f"変更できません（変更できる状態: {possible}）"
    )


def set_status(session: Session, notice_id: int, status: str) -> bool:
    """Move the notice to ``status`` (MOVES); False when it already had it."""
    notice = get_or_not_found(session, Notice, notice_id)
    label = Notice.__kind__.fields["status"]
    if status not in NOTICE_STATUSES:
        raise ValidationError([FieldError("status", label, f"選択肢にない値です: {status}")])
    if status == notice.status:
        return False
    refusal = move_refusal(notice.status, status)
    if refusal:
        raise ValidationError([FieldError("status", label, refusal)])
    notice.status = status
    session.flush()
    return True


# --- lists ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NoticeRow:
    """One notice in a list, with one of its current deadlines: the nearest one, or in
    ``by_deadline`` the deadline the row stands for. ``overdue``: past and not closed.

    ``systems`` / ``system_ids``: the business systems the notice concerns, by name. Only
    ``all_notices`` and ``for_system`` read them (one more query for the whole list); the
    other lists are read in one query each and leave them empty."""

    id: int
    issuer: str
    doc_number: str
    title: str
    kind_label: str
    status: str
    status_label: str
    issued_on: date | None
    deadline: date | None
    deadline_kind: str | None
    deadline_label: str
    overdue: bool
    systems: tuple[str, ...] = ()
    system_ids: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class IssuerGroup:
    issuer: str
    count: int
    rows: tuple[NoticeRow, ...]


@dataclass(frozen=True, slots=True)
class NoticeInProgress:
    """An open notice with the officer's notes, for the handover."""

    row: NoticeRow
    summary: str
    interpretation: str


_COLUMNS = (Notice.id, Notice.issuer, Notice.doc_number, Notice.title, Notice.kind,
            Notice.status, Notice.issued_on)  # fmt: skip
_NEWEST = (Notice.issued_on.desc().nulls_last(), Notice.id.desc())


def _with_nearest(*extra: Any) -> Any:
    nearest = nearest_current_deadlines()
    stmt = select(*_COLUMNS, nearest.c.deadline, nearest.c.kind, *extra)
    return stmt.outerjoin(nearest, nearest.c.notice_id == Notice.id), nearest


def _row(r: Any, today: date | None) -> NoticeRow:
    nid, issuer, doc, title, kind, status, issued_on, deadline, dkind = r[:9]
    overdue = bool(today and deadline and deadline < today and status not in CLOSED)
    return NoticeRow(
        nid, issuer, doc, title, NOTICE_KINDS.get(kind, kind), status,
        NOTICE_STATUSES.get(status, status), issued_on, deadline, dkind,
        NOTICE_DEADLINE_KINDS.get(dkind, "") if dkind else "", overdue,
    )  # fmt: skip


def _with_systems(session: Session, rows: list[NoticeRow], among: Any = None) -> list[NoticeRow]:
    """``rows`` with their business systems (by name), read in one query for all of them:
    every link, or those of the notices ``among`` selects (a subquery of notice ids; a
    list of ids could outgrow what one statement may bind)."""
    stmt = (
        select(notice_systems.c.notice_id, BusinessSystem.id, BusinessSystem.name)
        .join(BusinessSystem, BusinessSystem.id == notice_systems.c.business_system_id)
        .order_by(BusinessSystem.name, BusinessSystem.id)
    )
    if among is not None:
        stmt = stmt.where(notice_systems.c.notice_id.in_(among))
    linked: dict[int, list[tuple[int, str]]] = {}
    for notice_id, system_id, name in session.execute(stmt):
        linked.setdefault(notice_id, []).append((system_id, name))
    return [
        replace(row, systems=tuple(n for _i, n in found), system_ids=tuple(i for i, _n in found))
        if (found := linked.get(row.id)) else row
        for row in rows
    ]  # fmt: skip


def all_notices(session: Session, *, today: date | None = None) -> list[NoticeRow]:
    """Every notice with its nearest current deadline and its business systems: open ones
    first (未確認, 確認中, 対応中), then newest first."""
    stmt, _ = _with_nearest()
    closed = case((Notice.status.in_(CLOSED), 1), else_=0)
    stmt = stmt.order_by(closed, *_NEWEST)
    rows = _with_systems(session, [_row(r, today) for r in session.execute(stmt)])
    tagged = tags.tags_of(session, "notice")  # one query: the notices that have tags
    return [replace(row, tags=tuple(tagged[row.id])) if row.id in tagged else row for row in rows]


def inbox(session: Session, *, today: date | None = None) -> list[NoticeRow]:
    """Notices nobody has read yet (未確認), newest first."""
    stmt, _ = _with_nearest()
    stmt = stmt.where(Notice.status == "unread").order_by(*_NEWEST)
    return [_row(r, today) for r in session.execute(stmt)]


def by_deadline(
    session: Session, today: date, *, within_days: int | None = None
) -> list[NoticeRow]:
    """One row per current dated deadline of every open notice (not 対応済/対応不要),
    soonest first — a notice with a 回答期限 and a 施行日 appears at both; with
    ``within_days``, only deadlines up to that many days after today (overdue ones
    included)."""
    stmt = (
        select(*_COLUMNS, NoticeDeadline.deadline, NoticeDeadline.kind)
        .join(NoticeDeadline, NoticeDeadline.notice_id == Notice.id)
        .where(
            NoticeDeadline.is_current == true(),
            NoticeDeadline.deadline.is_not(None),
            Notice.status.not_in(CLOSED),
        )
        .order_by(NoticeDeadline.deadline, kind_order(), Notice.id)
    )
    if within_days is not None:
        stmt = stmt.where(NoticeDeadline.deadline <= today + timedelta(days=within_days))
    return [_row(r, today) for r in session.execute(stmt)]


def by_issuer(session: Session, *, today: date | None = None) -> list[IssuerGroup]:
    """Notices grouped by issuer, the issuer with most notices first; newest first
    within a group."""
    stmt, _ = _with_nearest()
    stmt = stmt.order_by(Notice.issuer, *_NEWEST)
    groups: dict[str, list[NoticeRow]] = {}
    for r in session.execute(stmt):
        groups.setdefault(r[1], []).append(_row(r, today))
    ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    return [IssuerGroup(issuer, len(rows), tuple(rows)) for issuer, rows in ordered]


def for_system(session: Session, system_id: int, *, today: date | None = None) -> list[NoticeRow]:
    """The notices linked to a business system, newest first, with all their systems."""
    stmt, _ = _with_nearest()
    stmt = (
        stmt.join(notice_systems, notice_systems.c.notice_id == Notice.id)
        .where(notice_systems.c.business_system_id == system_id)
        .order_by(*_NEWEST)
    )
    rows = [_row(r, today) for r in session.execute(stmt)]
    among = select(notice_systems.c.notice_id).where(
        notice_systems.c.business_system_id == system_id
    )
    return _with_systems(session, rows, among)


def notices_in_progress(session: Session, *, today: date | None = None) -> list[NoticeInProgress]:
    """Every open notice (not 対応済/対応不要) with its summary and interpretation notes,
    nearest deadline first (those without one last, newest first)."""
    stmt, nearest = _with_nearest(Notice.summary, Notice.interpretation)
    stmt = stmt.where(Notice.status.not_in(CLOSED)).order_by(
        nearest.c.deadline.is_(None), nearest.c.deadline, *_NEWEST
    )
    return [NoticeInProgress(_row(r, today), r[9], r[10]) for r in session.execute(stmt)]


# --- a task from a notice -------------------------------------------------------------------


def _due_date(session: Session, notice: Notice, due_kind: str | None) -> date | None:
    dated = dated_current_deadlines(session, notice.id)
    if due_kind is None:
        order = list(NOTICE_DEADLINE_KINDS)
        return min(dated.items(), key=lambda kv: (kv[1], order.index(kv[0])), default=(None, None))[
            1
        ]
    label = NOTICE_DEADLINE_KINDS.get(due_kind)
    if label is None:
        raise ValidationError(
            [FieldError("due_kind", "期限の種類", f"不明な期限の種類です: {due_kind}")]
        )
    if due_kind not in dated:
        raise ValidationError(
            [FieldError("due_kind", label, f"この通知には{label}が設定されていません")]
        )
    return dated[due_kind]


def create_task_from_notice(
    session: Session, notice_id: int, *, title: str | None = None, due_kind: str | None = None
) -> Task:
    """A task to act on the notice: due on its nearest current deadline (or on the
    ``due_kind`` one), linked to the notice and to the notice's systems and assets; the
    notice moves to 対応中 when nobody was acting on it yet."""
    notice = get_or_not_found(session, Notice, notice_id)
    if title is None:
        title = f"対応: {notice.title}"[:TASK_TITLE_LIMIT]
    reader = FieldReader({"title": Task.__kind__.fields["title"]}, {"title": title})
    title = reader.text("title", TASK_TITLE_LIMIT, required=True)
    reader.raise_if_failed()
    due = _due_date(session, notice, due_kind)
    body = "\n".join(
        part for part in (f"{notice.issuer} {notice.doc_number}".strip(), notice.url) if part
    )
    task = Task(
        title=title,
        body=body,
        due_date=due,
        fiscal_year=jdate.fiscal_year(due) if due else None,
    )
    session.add(task)
    session.flush()
    links.link(session, "task", task.id, "notice", notice.id)
    for kind in ("system", "asset"):
        for other in links.linked_ids(session, "notice", notice.id, kind):
            links.link(session, "task", task.id, kind, other)
    if notice.status in ("unread", "reading"):
        set_status(session, notice.id, "acting")
    return task
