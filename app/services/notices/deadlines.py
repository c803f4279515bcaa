"""A notice's deadlines (回答期限 / 施行日 / 対応期限) and the history of their revisions.

Deadlines move (a filing deadline moved from 10/31 to 11/28), and the officer must be
able to say later what the date was when, and why it changed. So a revision never edits
a row: it inserts a new ``NoticeDeadline`` as the current one and clears the flag of the
previous current row, in the caller's transaction (model: app.store.models.notices).
A withdrawn deadline is a current row with no date. Setting the date a deadline already
has writes nothing, so that saving an editor twice does not fill the history.

The lists of the tracker (app.services.notices.tracker) show a notice's *nearest*
current deadline: ``nearest_current_deadlines`` gives it as one subquery, so that a list
stays one query however many notices it holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NoReturn

from sqlalchemy import case, func, select, true
from sqlalchemy.orm import Session

from app.services.errors import FieldError, ValidationError
from app.services.records import get_or_not_found
from app.store.models import Notice, NoticeDeadline
from app.store.vocab import NOTICE_DEADLINE_KINDS

MAX_REASON = 1000


@dataclass(frozen=True, slots=True)
class DeadlineChange:
    """What ``set_deadline`` did: ``changed`` is False when nothing was written;
    ``warning`` says a date is already past (allowed: it may be entered late)."""

    changed: bool
    warning: str = ""


@dataclass(frozen=True, slots=True)
class DeadlineHistoryRow:
    id: int
    kind: str
    kind_label: str
    deadline: date | None  # None: withdrawn
    set_at: datetime
    reason: str
    is_current: bool


def kind_order() -> Any:
    """An SQL expression ordering deadline kinds as NOTICE_DEADLINE_KINDS lists them
    (so that two deadlines on one day come out the same way every time)."""
    return case(
        {code: n for n, code in enumerate(NOTICE_DEADLINE_KINDS)},
        value=NoticeDeadline.kind,
        else_=len(NOTICE_DEADLINE_KINDS),
    )


def nearest_current_deadlines() -> Any:
    """A subquery (notice_id, deadline, kind): each notice's earliest current dated
    deadline — one row per notice that has one."""
    rank = func.row_number().over(
        partition_by=NoticeDeadline.notice_id,
        order_by=(NoticeDeadline.deadline, kind_order()),
    )
    ranked = (
        select(
            NoticeDeadline.notice_id,
            NoticeDeadline.deadline,
            NoticeDeadline.kind,
            rank.label("rank"),
        )
        .where(NoticeDeadline.is_current == true(), NoticeDeadline.deadline.is_not(None))
        .subquery("ranked_deadlines")
    )
    return (
        select(ranked.c.notice_id, ranked.c.deadline, ranked.c.kind)
        .where(ranked.c.rank == 1)
        .subquery("nearest_deadlines")
    )


def current_row(session: Session, notice_id: int, kind: str) -> NoticeDeadline | None:
    stmt = select(NoticeDeadline).where(
        NoticeDeadline.notice_id == notice_id,
        NoticeDeadline.kind == kind,
        NoticeDeadline.is_current == true(),
    )
    return session.scalars(stmt).one_or_none()


def before_issue_message(kind: str, deadline: date, issued_on: date) -> str:
    label = NOTICE_DEADLINE_KINDS.get(kind, kind)
    return f"{label}（{deadline.isoformat()}）が発出日（{issued_on.isoformat()}）より前です"


def _refuse(field: str, label: str, message: str) -> NoReturn:
    raise ValidationError([FieldError(field, label, message)])


def set_deadline(
    session: Session,
    notice_id: int,
    kind: str,
    new_date: date | None,
    reason: str,
    *,
    today: date,
) -> DeadlineChange:
    """Make ``new_date`` the current ``kind`` deadline of the notice (None withdraws
    it), keeping the previous value as history. A revision or withdrawal of a deadline
    that exists needs its reason — the reason is what the history is for; the first
    date may be set without one."""
    if kind not in NOTICE_DEADLINE_KINDS:
        _refuse("kind", "期限の種類", f"不明な期限の種類です: {kind}")
    notice = get_or_not_found(session, Notice, notice_id)
    label = NOTICE_DEADLINE_KINDS[kind]
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        _refuse(
            "reason", "変更理由", f"{MAX_REASON}文字以内で入力してください（{len(reason)}文字）"
        )
    if new_date is not None and notice.issued_on is not None and new_date < notice.issued_on:
        _refuse("deadline", label, before_issue_message(kind, new_date, notice.issued_on))
    previous = current_row(session, notice_id, kind)
    if previous is None and new_date is None:
        return DeadlineChange(False)  # nothing to withdraw
    if previous is not None and previous.deadline == new_date:
        return DeadlineChange(False)
    if previous is not None and not reason:
        _refuse("reason", "変更理由", f"{label}を変更する理由を入力してください")
    if previous is not None:
        previous.is_current = False
        session.flush()  # the partial unique index allows one current row at a time
    session.add(
        NoticeDeadline(
            notice_id=notice_id, kind=kind, deadline=new_date, is_current=True, reason=reason
        )
    )
    session.flush()
    warning = ""
    if new_date is not None and new_date < today:
        warning = f"{label}（{new_date.isoformat()}）は既に過ぎています"
    return DeadlineChange(True, warning)


def deadline_history(session: Session, notice_id: int) -> list[DeadlineHistoryRow]:
    """Every value the notice's deadlines have had, newest first."""
    get_or_not_found(session, Notice, notice_id)
    stmt = (
        select(NoticeDeadline)
        .where(NoticeDeadline.notice_id == notice_id)
        .order_by(NoticeDeadline.changed_at.desc(), NoticeDeadline.id.desc())
    )
    return [
        DeadlineHistoryRow(
            d.id,
            d.kind,
            NOTICE_DEADLINE_KINDS.get(d.kind, d.kind),
            d.deadline,
            d.changed_at,
            d.reason,
            d.is_current,
        )
        for d in session.scalars(stmt)
    ]


def dated_current_deadlines(session: Session, notice_id: int) -> dict[str, date]:
    """kind → date of the notice's current deadlines that have a date."""
    stmt = select(NoticeDeadline.kind, NoticeDeadline.deadline).where(
        NoticeDeadline.notice_id == notice_id,
        NoticeDeadline.is_current == true(),
        NoticeDeadline.deadline.is_not(None),
    )
    return {kind: deadline for kind, deadline in session.execute(stmt) if deadline is not None}
