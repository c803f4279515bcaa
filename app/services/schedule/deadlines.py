"""Every deadline and due date in a period, across the areas: one list, one set of rules.

The calendar export (app.services.schedule.ics) writes this list; the yearly schedule
(年間スケジュール), the dashboard and the handover document are meant to read it too, so
what counts as a deadline is decided here once:

- a task's due date, until the task is done (完了);
- a notice's deadlines of each kind (回答期限 / 施行日 / 対応期限) by their *current*
  value (``NoticeDeadline.is_current``): a superseded value is history, a withdrawn one
  has no date; notices marked 対応済 or 対応不要 are left out, as on the dashboard;
- a contract's end (契約終了) and, when it has a notice period, its notice deadline
  (解約予告期限, app.services.inventory.contracts.notice_deadline);
- a licence's expiry;
- an asset's maintenance and lease ends, unless it is disposed (廃棄済), as in the
  lifecycle warnings;
- a checklist item's due date, until it is 完了済み or 対象外.

This is a cross-area reader, like the dashboard: it reads the stores of every area and
borrows the inventory's rules rather than restating them.

One query per source and none per row: the large demo (50,000 assets) gives about
70,000 deadlines, read in a few tenths of a second (tests/bench/bench_ics.py). The
queries run on the session's connection: plain columns need none of the ORM's row
loading, which added a quarter to the assets' read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.jdate import format_date
from app.services.inventory.contracts import notice_deadline
from app.services.inventory.lifecycle import AssetFacts
from app.store.models import (
    Asset,
    Checklist,
    ChecklistProgress,
    ChecklistTemplateItem,
    Contract,
    License,
    Notice,
    NoticeDeadline,
    Task,
    Vendor,
)
from app.store.vocab import CHECK_STATUSES, NOTICE_DEADLINE_KINDS, TASK_PRIORITIES, TASK_STATUSES

TASK = Task.__kind__.code
NOTICE = Notice.__kind__.code
CONTRACT = Contract.__kind__.code
LICENSE = License.__kind__.code
ASSET = Asset.__kind__.code
CHECK = ChecklistProgress.__kind__.code

# (record kind, which of its dates) → what the date is to the user, in the order the
# deadlines of one day are listed: what others set first (notices, contracts,
# licences), then one's own work, then the equipment. The codes are part of the
# calendar's UIDs: never rename one.
LABELS: dict[tuple[str, str], str] = {
    **{(NOTICE, code): label for code, label in NOTICE_DEADLINE_KINDS.items()},
    (CONTRACT, "notice_by"): "解約予告期限",
    (CONTRACT, "end"): "契約終了",
    (LICENSE, "expiry"): "ライセンス期限",
    (TASK, "due"): "タスク期限",
    (CHECK, "due"): "チェック項目期限",
    (ASSET, "maintenance_end"): "保守終了",
    (ASSET, "lease_end"): "リース終了",
}
# The labels differ from each other, so a deadline's place in a day is its label's.
_RANK = {label: n for n, label in enumerate(LABELS.values())}

# Notices whose deadlines no longer ask anything of the officer (as on the dashboard).
CLOSED_NOTICE_STATUSES = ("done", "na")
# Checklist items that are finished with: 完了済み, 対象外.
CLOSED_CHECK_STATUSES = ("done", "na")
# An asset's dates stop mattering once it is disposed (as in the lifecycle warnings).
_LIVE_ASSET = Asset.status != "disposed"
_ASSET_ENDS = {"maintenance_end": Asset.maintenance_end, "lease_end": Asset.lease_end}


@dataclass(frozen=True, slots=True)
class Deadline:
    """One dated item: ``what`` falls on ``on`` for the record ``ref_kind``/``ref_id``
    (a kind code of app.store.kinds and the record's id), named ``title``.

    ``what_code`` says which of the record's dates it is (a notice has up to three, a
    contract two): (ref_kind, ref_id, what_code) identifies the deadline whatever its
    date or title become — the calendar's UIDs are made of it. ``detail`` is a short
    line of context: the issuer of a notice, the vendor of a contract, the model of an
    asset."""

    what: str
    on: date
    title: str
    ref_kind: str
    ref_id: int
    what_code: str
    detail: str = ""

    @property
    def key(self) -> tuple[str, int, str]:
        """What identifies this deadline across exports (see the class docstring)."""
        return self.ref_kind, self.ref_id, self.what_code


def _deadline(kind: str, code: str, on: date, title: str, ref_id: int, detail: str) -> Deadline:
    return Deadline(LABELS[kind, code], on, title, kind, ref_id, code, detail)


def deadlines(
    session: Session, start: date, end: date, *, kinds: Iterable[str] | None = None
) -> list[Deadline]:
    """Every deadline on a day from ``start`` to ``end`` (both included; none when
    ``start`` is after ``end``), by date, then in LABELS order, then by title; with
    ``kinds``, only those of these record kinds (codes: TASK, NOTICE…)."""
    wanted = SOURCES.keys() if kinds is None else set(kinds)
    found: list[Deadline] = []
    for kind, source in SOURCES.items():
        if kind in wanted:
            found.extend(source(session, start, end))
    rank = _RANK
    found.sort(key=lambda d: (d.on, rank[d.what], d.title, d.ref_id))
    return found


def _joined(*parts: str | None) -> str:
    return "・".join(p for p in parts if p)


def _tasks(session: Session, start: date, end: date) -> list[Deadline]:
    stmt = select(Task.id, Task.title, Task.due_date, Task.status, Task.priority).where(
        Task.status != "done", Task.due_date.between(start, end)
    )
    out = []
    for tid, title, due, status, priority in session.connection().execute(stmt):
        if due is None:  # excluded by the query; keeps the types honest
            continue
        detail = _joined(
            TASK_STATUSES.get(status, status), f"優先度 {TASK_PRIORITIES.get(priority, '')}"
        )
        out.append(_deadline(TASK, "due", due, title, tid, detail))
    return out


def _notices(session: Session, start: date, end: date) -> list[Deadline]:
    stmt = (
        select(
            Notice.id,
            Notice.title,
            Notice.issuer,
            Notice.doc_number,
            NoticeDeadline.kind,
            NoticeDeadline.deadline,
        )
        .join(NoticeDeadline, NoticeDeadline.notice_id == Notice.id)
        .where(
            NoticeDeadline.is_current,
            NoticeDeadline.deadline.between(start, end),
            Notice.status.not_in(CLOSED_NOTICE_STATUSES),
        )
    )
    out = []
    for nid, title, issuer, number, kind, on in session.connection().execute(stmt):
        if on is None:  # a withdrawn deadline; excluded by the query
            continue
        out.append(
            _deadline(NOTICE, kind, on, title, nid, " ".join(p for p in (issuer, number) if p))
        )
    return out


def _contracts(session: Session, start: date, end: date) -> list[Deadline]:
    """Ends and notice deadlines. A notice deadline comes before its end, so every
    contract that ends from ``start`` on is read (contracts are hundreds) and each date
    is placed in Python."""
    stmt = (
        select(
            Contract.id,
            Contract.title,
            Contract.end_date,
            Contract.notice_days,
            Contract.auto_renew,
            Vendor.name,
        )
        .outerjoin(Vendor, Vendor.id == Contract.vendor_id)
        .where(Contract.end_date >= start)
    )
    out = []
    for cid, title, ends, notice_days, auto_renew, vendor in session.connection().execute(stmt):
        if ends is None:
            continue
        if start <= ends <= end:
            renewal = "自動更新" if auto_renew else ""
            out.append(_deadline(CONTRACT, "end", ends, title, cid, _joined(vendor, renewal)))
        notice_by = notice_deadline(ends, notice_days) if notice_days and notice_days > 0 else None
        if notice_by is not None and start <= notice_by <= end:
            terms = f"契約終了 {format_date(ends, mode='wareki')}の{notice_days}日前まで"
            out.append(
                _deadline(CONTRACT, "notice_by", notice_by, title, cid, _joined(vendor, terms))
            )
    return out


def _licenses(session: Session, start: date, end: date) -> list[Deadline]:
    stmt = (
        select(License.id, License.product, License.expiry_date, License.seats, Vendor.name)
        .outerjoin(Vendor, Vendor.id == License.vendor_id)
        .where(License.expiry_date.between(start, end))
    )
    out = []
    for lid, product, expiry, seats, vendor in session.connection().execute(stmt):
        if expiry is None:  # excluded by the query; keeps the types honest
            continue
        detail = _joined(vendor, f"{seats}席" if seats else "")
        out.append(_deadline(LICENSE, "expiry", expiry, product, lid, detail))
    return out


def _checklist_items(session: Session, start: date, end: date) -> list[Deadline]:
    stmt = (
        select(
            ChecklistProgress.id,
            ChecklistProgress.due_date,
            ChecklistProgress.status,
            Checklist.name,
            ChecklistTemplateItem.code,
            ChecklistTemplateItem.title,
        )
        .join(Checklist, Checklist.id == ChecklistProgress.checklist_id)
        .join(ChecklistTemplateItem, ChecklistTemplateItem.id == ChecklistProgress.item_id)
        .where(
            ChecklistProgress.status.not_in(CLOSED_CHECK_STATUSES),
            ChecklistProgress.due_date.between(start, end),
        )
    )
    out = []
    for pid, due, status, checklist, code, item in session.connection().execute(stmt):
        if due is None:  # excluded by the query; keeps the types honest
            continue
        # The checklist's name leads: the same step of twenty checklists often falls due
        # on the same day.
        title = f"{checklist} {code} {item}"
        out.append(_deadline(CHECK, "due", due, title, pid, CHECK_STATUSES.get(status, status)))
    return out


def _assets(session: Session, start: date, end: date) -> list[Deadline]:
    """Maintenance and lease ends in one pass over the assets (each end column has its
    index: SQLite reads the two ranges through them)."""
    stmt = select(
        Asset.id,
        Asset.asset_tag,
        Asset.name,
        Asset.maintenance_end,
        Asset.lease_end,
        Asset.os_name,
        Asset.model,
        Asset.status,
    ).where(_LIVE_ASSET, or_(*(column.between(start, end) for column in _ASSET_ENDS.values())))
    # Thousands of assets share an OS, a model and a status: their 詳細 is made once.
    details: dict[tuple[Any, ...], str] = {}
    ended, returned = LABELS[ASSET, "maintenance_end"], LABELS[ASSET, "lease_end"]
    out = []
    for aid, tag, name, maintenance, lease, os_name, model, status in session.connection().execute(
        stmt
    ):
        facts = (os_name, model, status)
        detail = details.get(facts)
        if detail is None:
            what = AssetFacts(os_name, model, status)
            detail = details[facts] = what.what() + what.status_note()
        title = f"{tag}　{name}"
        if maintenance is not None and start <= maintenance <= end:
            out.append(Deadline(ended, maintenance, title, ASSET, aid, "maintenance_end", detail))
        if lease is not None and start <= lease <= end:
            out.append(Deadline(returned, lease, title, ASSET, aid, "lease_end", detail))
    return out


# --- by source, and counts by month -----------------------------------------------------------

SOURCES: dict[str, Callable[[Session, date, date], list[Deadline]]] = {
    NOTICE: _notices,
    CONTRACT: _contracts,
    LICENSE: _licenses,
    TASK: _tasks,
    CHECK: _checklist_items,
    ASSET: _assets,
}


def month_counts(session: Session, start: date, end: date) -> dict[tuple[int, int], Counter[str]]:
    """How many deadlines fall in each month from ``start`` to ``end``, by record kind:
    (year, month) → kind code → count, the same deadlines ``deadlines`` lists.

    Everything but the assets is read through ``deadlines`` (hundreds or thousands of
    rows); the assets' ends — tens of thousands in a large ledger — are counted by
    SQLite by month (dates are stored as ISO text: the month is its first 7 characters),
    under the same rule as ``_assets``."""
    counts: dict[tuple[int, int], Counter[str]] = {}

    def add(year: int, month: int, kind: str, n: int) -> None:
        counts.setdefault((year, month), Counter())[kind] += n

    for d in deadlines(session, start, end, kinds=set(SOURCES) - {ASSET}):
        add(d.on.year, d.on.month, d.ref_kind, 1)
    for column in _ASSET_ENDS.values():
        month = func.substr(column, 1, 7)
        stmt = (
            select(month, func.count())
            .where(_LIVE_ASSET, column.between(start, end))
            .group_by(month)
        )
        for ym, n in session.connection().execute(stmt):
            year, _, mon = str(ym).partition("-")
            add(int(year), int(mon), ASSET, int(n))
    return counts
