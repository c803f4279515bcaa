"""What the dashboard shows: counts and what falls due soon, across the areas."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.inventory.lifecycle import (
    LifecycleWindows,
    kind_label,
    lifecycle_counts,
    load_windows,
)
from app.store.models import (
    Asset,
    BusinessSystem,
    Checklist,
    Contract,
    License,
    Notice,
    NoticeDeadline,
    Runbook,
    Task,
    Vendor,
    WorkLogEntry,
)
from app.store.vocab import NOTICE_DEADLINE_KINDS


@dataclass(frozen=True)
class DueItem:
    kind: str  # label of the area
    title: str
    due: date
    ref_kind: str
    ref_id: int
    detail: str = ""


@dataclass
class DashboardSummary:
    today: date
    counts: dict[str, int] = field(default_factory=dict)
    # label → what its count leaves out, said on its card (「廃棄済 6 件を除く」)
    excluded: dict[str, str] = field(default_factory=dict)
    # label (with its window) → count; warning_kinds maps each label to its kind
    # (None for overdue tasks, which are not a lifecycle warning).
    warnings: dict[str, int] = field(default_factory=dict)
    warning_kinds: dict[str, str | None] = field(default_factory=dict)
    due: list[DueItem] = field(default_factory=list)


def _count_of(model: Any, *where: Any) -> Any:
    """COUNT(*) of ``model``'s rows matching ``where``, as a scalar subquery. COUNT(*) and
    not COUNT(id): SQLite then counts the entries of the table's smallest index without
    decoding a row (200,000 work-log entries: 1.4 ms against 8.8 ms, cache cold)."""
    return select(func.count()).select_from(model).where(*where).scalar_subquery()


# The warning kind of 期限切れタスク (the others are lifecycle warning kinds).
OVERDUE_TASKS = "overdue_tasks"


def _counts(session: Session, today: date) -> tuple[dict[str, int], int, int]:
    """The number of records of each area, of overdue tasks and of disposed assets
    (left out of 資産): one statement.

    Active assets are all assets less the disposed ones (``status`` is NOT NULL): the
    status index finds the few disposed ones, where ``status != 'disposed'`` walks it
    whole."""
    labels = ["資産", "業務システム", "契約", "作業ログ", "未完了タスク", "通知・法令", "手順書",
              "チェックリスト"]  # fmt: skip
    open_tasks = Task.status != "done"
    row = session.execute(
        select(
            _count_of(Asset) - _count_of(Asset, Asset.status == "disposed"),
            _count_of(BusinessSystem),
            _count_of(Contract),
            _count_of(WorkLogEntry),
            _count_of(Task, open_tasks),
            _count_of(Notice),
            _count_of(Runbook),
            _count_of(Checklist),
            _count_of(Task, open_tasks, Task.due_date < today),
            _count_of(Asset, Asset.status == "disposed"),
        )
    ).one()
    counts = {label: int(n) for label, n in zip(labels, row[:-2], strict=True)}
    return counts, int(row[-2]), int(row[-1])


def dashboard_summary(
    session: Session,
    today: date,
    *,
    windows: LifecycleWindows | None = None,
    due_days: int = 60,
    limit: int = 40,
) -> DashboardSummary:
    """Counts per area, lifecycle warnings per kind (with the configured windows, or
    ``windows``), and what falls due within ``due_days``."""
    windows = windows or load_windows(session)
    soon = today + timedelta(days=due_days)
    s = DashboardSummary(today)
    s.counts, overdue_tasks, disposed = _counts(session, today)
    if disposed:
        s.excluded["資産"] = f"廃棄済 {disposed:,} 件を除く"
    for kind, n in lifecycle_counts(session, today, windows).items():
        label = kind_label(kind, windows)
        s.warnings[label] = n
        s.warning_kinds[label] = kind
    overdue = "期限切れタスク"
    s.warnings[overdue] = overdue_tasks
    s.warning_kinds[overdue] = OVERDUE_TASKS
    s.due = _due_items(session, today, soon, limit)
    return s


def _detail(item: DueItem, today: date) -> str:
    """詳細: how soon, then what the item adds (the issuer, the vendor, the tag…)."""
    days = (item.due - today).days
    when = "今日" if days == 0 else f"あと{days}日"
    return "・".join(part for part in (when, item.detail) if part)


def _due_items(session: Session, today: date, soon: date, limit: int) -> list[DueItem]:
    items: list[DueItem] = []
    r: Any  # rows of different shapes below
    for r in session.execute(
        select(Task.id, Task.title, Task.due_date)
        .where(Task.status != "done", Task.due_date.between(today, soon))
        .order_by(Task.due_date)
        .limit(limit)
    ):
        items.append(DueItem("タスク", r.title, r.due_date, "task", r.id))
    # A notice's current deadlines, each kind on its own line (回答期限, 施行日, 対応期限).
    for r in session.execute(
        select(Notice.id, Notice.title, Notice.issuer, NoticeDeadline.kind, NoticeDeadline.deadline)
        .join(NoticeDeadline, NoticeDeadline.notice_id == Notice.id)
        .where(
            NoticeDeadline.is_current,
            Notice.status.not_in(("done", "na")),
            NoticeDeadline.deadline.between(today, soon),
        )
        .order_by(NoticeDeadline.deadline)
        .limit(limit)
    ):
        label = NOTICE_DEADLINE_KINDS.get(r.kind, "期限")
        items.append(DueItem(f"通知の{label}", r.title, r.deadline, "notice", r.id, r.issuer))
    for r in session.execute(
        select(Contract.id, Contract.title, Contract.end_date, Vendor.name.label("vendor"))
        .outerjoin(Vendor, Vendor.id == Contract.vendor_id)
        .where(Contract.end_date.between(today, soon))
        .order_by(Contract.end_date)
        .limit(limit)
    ):
        items.append(DueItem("契約終了", r.title, r.end_date, "contract", r.id, r.vendor or ""))
    # Notice deadlines (end date minus the notice period); contracts are few.
    for r in session.execute(
        select(Contract.id, Contract.title, Contract.end_date, Contract.notice_days).where(
            Contract.notice_days > 0, Contract.end_date >= today
        )
    ):
        notice_by = r.end_date - timedelta(days=r.notice_days)
        if today <= notice_by <= soon:
            detail = f"契約終了 {r.end_date.isoformat()}"
            items.append(DueItem("解約予告期限", r.title, notice_by, "contract", r.id, detail))
    for r in session.execute(
        select(License.id, License.product, License.expiry_date)
        .where(License.expiry_date.between(today, soon))
        .order_by(License.expiry_date)
        .limit(limit)
    ):
        items.append(DueItem("ライセンス期限", r.product, r.expiry_date, "license", r.id))
    for r in session.execute(
        select(Asset.id, Asset.asset_tag, Asset.name, Asset.maintenance_end)
        .where(Asset.status != "disposed", Asset.maintenance_end.between(today, soon))
        .order_by(Asset.maintenance_end)
        .limit(limit)
    ):
        items.append(
            DueItem("資産の保守終了", r.name, r.maintenance_end, "asset", r.id, r.asset_tag)
        )
    items.sort(key=lambda i: i.due)
    items = [replace(item, detail=_detail(item, today)) for item in items]
    return items[:limit]
