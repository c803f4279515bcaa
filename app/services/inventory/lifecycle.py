"""Lifecycle warnings: maintenance, lease, licence and contract ends coming or past, EOL,
and assets not seen by collection or not audited for too long.

The warning windows (days) are a setting shared by the GUI and the command line.
Every asset check is one SQL query (indexed where the schema has an index), so the
warnings of 50,000 assets are computed without loading the assets into Python.

Boundaries, with today T and a window of N days:
  maintenance / lease ended      end < T            (the end day itself is still covered)
  maintenance / lease ending     T <= end <= T+N
  EOL reached                    eol <= T           coming: T < eol <= T+N
  licence expired                expiry < T         expiring: T <= expiry <= T+N
  contract                       not ended (end >= T) and end - notice_days <= T+N
  not seen / not audited         last date more than N days before T
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from app.services.errors import FieldError, ValidationError
from app.services.inventory.contracts import notice_deadline
from app.services.inventory.licenses import license_usage
from app.store.models import Asset, Contract, License, Setting
from app.store.vocab import ASSET_STATUSES

SETTING_KEY = "lifecycle.windows"
MAX_WINDOW_DAYS = 3650


@dataclass(frozen=True)
class LifecycleWindows:
    """How many days ahead (or, for not seen / not audited, behind) to warn."""

    maintenance_days: int = 180
    lease_days: int = 180
    license_days: int = 90
    contract_days: int = 120
    eol_warn_days: int = 180
    not_seen_days: int = 90
    not_audited_days: int = 365

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


WINDOW_LABELS: dict[str, str] = {
    "maintenance_days": "保守終了の何日前から警告",
    "lease_days": "リース終了の何日前から警告",
    "license_days": "ライセンス期限の何日前から警告",
    "contract_days": "契約終了（解約予告期限）の何日前から警告",
    "eol_warn_days": "EOL（サポート終了）の何日前から警告",
    "not_seen_days": "何日以上検出されない資産を警告",
    "not_audited_days": "何日以上棚卸していない資産を警告",
}
# Kinds, most serious first; label_ja of each warning.
WARNING_KINDS: dict[str, str] = {
    "eol_reached": "EOL到達",
    "maintenance_ended": "保守切れ",
    "license_over": "ライセンス割当超過",
    "license_expired": "ライセンス期限切れ",
    "lease_ended": "リース期間終了",
    "contract_notice": "解約予告期限",
    "contract_ending": "契約終了",
    "maintenance_ending": "保守終了予定",
    "lease_ending": "リース終了予定",
    "license_expiring": "ライセンス期限",
    "eol_coming": "EOL予定",
    "not_seen": "長期間未検出",
    "not_audited": "長期間未棚卸",
}
# The window that applies to each kind (None: no window, e.g. an EOL already reached).
KIND_WINDOWS: dict[str, str | None] = {
    "eol_reached": None,
    "maintenance_ended": None,
    "license_over": None,
    "license_expired": None,
    "lease_ended": None,
    "contract_notice": "contract_days",
    "contract_ending": "contract_days",
    "maintenance_ending": "maintenance_days",
    "lease_ending": "lease_days",
    "license_expiring": "license_days",
    "eol_coming": "eol_warn_days",
    "not_seen": "not_seen_days",
    "not_audited": "not_audited_days",
}


@dataclass(frozen=True, slots=True)
class LifecycleWarning:
    kind: str
    label_ja: str
    ref_kind: str  # asset / contract / license
    ref_id: int
    title: str
    due: date | None  # the date the warning is about (end, EOL, last seen …)
    days_left: int | None  # due - today; negative when past
    detail: str = ""


Warning = LifecycleWarning  # the name callers use


def kind_label(kind: str, windows: LifecycleWindows) -> str:
    """The label of ``kind`` with its window, for dashboard cards: 保守終了予定（180日以内）."""
    label = WARNING_KINDS[kind]
    attr = KIND_WINDOWS[kind]
    if attr is None:
        return label
    days = getattr(windows, attr)
    if kind in ("not_seen", "not_audited"):
        return f"{label}（{days}日超）"
    return f"{label}（{days}日以内）"


# --- windows (the setting) -------------------------------------------------------------


def clean_windows(data: Mapping[str, Any]) -> LifecycleWindows:
    """Validate windows typed by the user (strings or ints); missing keys keep defaults."""
    errors: list[FieldError] = []
    values: dict[str, int] = {}
    for name, raw in data.items():
        label = WINDOW_LABELS.get(name)
        if label is None:
            errors.append(FieldError(name, name, "不明な項目です"))
            continue
        text = str(raw).strip() if raw is not None else ""
        if isinstance(raw, bool) or not text.lstrip("-").isdigit():
            errors.append(FieldError(name, label, "日数を整数で入力してください"))
            continue
        days = int(text)
        low = 1 if name in ("not_seen_days", "not_audited_days") else 0
        if not low <= days <= MAX_WINDOW_DAYS:
            errors.append(FieldError(name, label, f"{low}〜{MAX_WINDOW_DAYS}日で入力してください"))
            continue
        values[name] = days
    if errors:
        raise ValidationError(errors)
    return LifecycleWindows(**values)


def load_windows(session: Session) -> LifecycleWindows:
    """The saved windows; defaults for anything missing or unreadable."""
    stored = session.get(Setting, SETTING_KEY)
    if stored is None or not isinstance(stored.value, dict):
        return LifecycleWindows()
    defaults = LifecycleWindows()
    good: dict[str, Any] = {}
    for f in fields(LifecycleWindows):
        try:
            good[f.name] = getattr(clean_windows({f.name: stored.value.get(f.name)}), f.name)
        except ValidationError:
            good[f.name] = getattr(defaults, f.name)
    return LifecycleWindows(**{k: good[k] for k in defaults.as_dict()})


def save_windows(
    session: Session, windows: LifecycleWindows | Mapping[str, Any]
) -> LifecycleWindows:
    """Validate and store the windows; raises ValidationError (nothing written)."""
    data = windows.as_dict() if isinstance(windows, LifecycleWindows) else dict(windows)
    merged = {**load_windows(session).as_dict(), **data}
    clean = clean_windows(merged)
    stored = session.get(Setting, SETTING_KEY)
    if stored is None:
        session.add(Setting(key=SETTING_KEY, value=clean.as_dict()))
    else:
        stored.value = clean.as_dict()
    session.flush()
    return clean


# --- warnings ----------------------------------------------------------------------------


def _asset_checks(today: date, w: LifecycleWindows) -> dict[str, tuple[Any, list[Any]]]:
    """kind → (the date column the warning is about, SQL conditions)."""
    active = Asset.status != "disposed"

    def ahead(days: int) -> date:
        return today + timedelta(days=days)

    seen_cutoff = datetime.combine(today - timedelta(days=w.not_seen_days), time())
    audit_cutoff = today - timedelta(days=w.not_audited_days)
    never_audited = and_(
        Asset.last_audited_on.is_(None),
        Asset.created_at < datetime.combine(audit_cutoff, time()),
    )
    return {
        "eol_reached": (Asset.eol_date, [active, Asset.eol_date <= today]),
        "maintenance_ended": (Asset.maintenance_end, [active, Asset.maintenance_end < today]),
        "lease_ended": (Asset.lease_end, [active, Asset.lease_end < today]),
        "maintenance_ending": (
            Asset.maintenance_end,
            [active, Asset.maintenance_end.between(today, ahead(w.maintenance_days))],
        ),
        "lease_ending": (
            Asset.lease_end,
            [active, Asset.lease_end.between(today, ahead(w.lease_days))],
        ),
        "eol_coming": (
            Asset.eol_date,
            [active, Asset.eol_date > today, Asset.eol_date <= ahead(w.eol_warn_days)],
        ),
        "not_seen": (
            Asset.last_seen_at,
            [Asset.status == "in_use", Asset.last_seen_at < seen_cutoff],
        ),
        "not_audited": (
            Asset.last_audited_on,
            [active, or_(Asset.last_audited_on < audit_cutoff, never_audited)],
        ),
    }


def _license_checks(today: date, w: LifecycleWindows) -> dict[str, list[Any]]:
    return {
        "license_expired": [License.expiry_date < today],
        "license_expiring": [
            License.expiry_date.between(today, today + timedelta(days=w.license_days))
        ],
    }


def _contract_warnings(
    session: Session, today: date, w: LifecycleWindows
) -> list[LifecycleWarning]:
    # Contracts are few (hundreds): narrow in SQL, apply each notice period in Python.
    latest = today + timedelta(days=w.contract_days + MAX_WINDOW_DAYS)
    stmt = (
        select(
            Contract.id,
            Contract.title,
            Contract.end_date,
            Contract.notice_days,
            Contract.auto_renew,
        )
        .where(Contract.end_date.between(today, latest))
        .order_by(Contract.end_date)
    )
    horizon = today + timedelta(days=w.contract_days)
    out = []
    for cid, title, end, notice, auto in session.execute(stmt):
        due = notice_deadline(end, notice)
        if end is None or due is None or due > horizon:
            continue
        renew = "（自動更新）" if auto else ""
        if notice:
            kind = "contract_notice"
            detail = f"契約終了 {end.isoformat()}{renew}の{notice}日前までに予告"
        else:
            kind = "contract_ending"
            detail = "自動更新" if auto else "自動更新なし: 更新の契約手続きが必要"
        out.append(
            LifecycleWarning(
                kind, WARNING_KINDS[kind], "contract", cid, title, due, (due - today).days, detail
            )
        )
    return out


def lifecycle_warnings(
    session: Session,
    today: date,
    windows: LifecycleWindows | None = None,
    *,
    limit_per_kind: int | None = None,
) -> list[LifecycleWarning]:
    """Every warning, most serious kind first and, within a kind, earliest date first.

    ``limit_per_kind`` caps each kind (use lifecycle_counts for the full numbers).
    """
    w = windows or load_windows(session)
    out: list[LifecycleWarning] = []
    for kind, (column, conditions) in _asset_checks(today, w).items():
        stmt = (
            select(
                Asset.id,
                Asset.asset_tag,
                Asset.name,
                column,
                Asset.created_at,
                Asset.os_name,
                Asset.model,
                Asset.status,
            )
            .where(*conditions)
            .order_by(column.is_(None).desc(), column, Asset.id)
            .limit(limit_per_kind)
        )
        label = WARNING_KINDS[kind]
        for aid, tag, name, when, created, os_name, model, status in session.execute(stmt):
            day = when.date() if isinstance(when, datetime) else when
            what = AssetFacts(os_name, model, status)
            detail = _asset_detail(kind, day, created, today, what)
            out.append(
                LifecycleWarning(
                    kind,
                    label,
                    "asset",
                    aid,
                    f"{tag}　{name}",
                    day,
                    None if day is None else (day - today).days,
                    detail,
                )
            )
    for kind, conditions in _license_checks(today, w).items():
        stmt = (
            select(License.id, License.product, License.expiry_date, License.seats)
            .where(*conditions)
            .order_by(License.expiry_date, License.id)
            .limit(limit_per_kind)
        )
        for lid, product, expiry, seats in session.execute(stmt):
            if expiry is None:  # excluded by the query; keeps the types honest
                continue
            out.append(
                LifecycleWarning(
                    kind,
                    WARNING_KINDS[kind],
                    "license",
                    lid,
                    product,
                    expiry,
                    (expiry - today).days,
                    _license_detail(kind, seats),
                )
            )
    for u in license_usage(session, over_only=True)[:limit_per_kind]:
        out.append(
            LifecycleWarning(
                "license_over",
                WARNING_KINDS["license_over"],
                "license",
                u.id,
                u.product,
                None,
                None,
                f"割当 {u.assigned} / {u.seats}席（{u.over_by}超過）",
            )
        )
    contracts = _contract_warnings(session, today, w)
    for kind in ("contract_notice", "contract_ending"):
        out.extend([c for c in contracts if c.kind == kind][:limit_per_kind])
    rank = {kind: n for n, kind in enumerate(WARNING_KINDS)}
    out.sort(key=lambda x: (rank[x.kind], x.due is not None, x.due or date.min))
    return out


@dataclass(frozen=True, slots=True)
class AssetFacts:
    """What a warning's 詳細 says about the asset beside its tag and name."""

    os_name: str | None
    model: str | None
    status: str | None

    def what(self) -> str:
        return " / ".join(x for x in (self.os_name, self.model) if x)

    def status_note(self) -> str:
        if self.status in (None, "in_use"):
            return ""
        return f"（{ASSET_STATUSES.get(self.status, self.status)}）"


# What each asset warning asks of the officer (the 詳細 column).
ASSET_ACTIONS: dict[str, str] = {
    "eol_reached": "サポート終了: 更新か廃棄の計画が必要",
    "eol_coming": "サポート終了予定: 更新の予算・計画を",
    "maintenance_ended": "保守なしで使用中: 保守の延長か更新を",
    "maintenance_ending": "保守の延長か機器更新の手配を",
    "lease_ended": "リース期間後も使用中: 返却・再リース・買取の確認を",
    "lease_ending": "返却・再リース・買取の判断を",
}


def _asset_detail(
    kind: str, day: date | None, created: datetime | None, today: date, facts: AssetFacts
) -> str:
    if kind == "not_seen" and day is not None:
        return f"最終検出から{(today - day).days}日{facts.status_note()}"
    if kind == "not_audited":
        if day is None:
            registered = created.date().isoformat() if created else "不明"
            return f"棚卸の記録なし（登録 {registered}）"
        return f"最終棚卸から{(today - day).days}日"
    action = ASSET_ACTIONS.get(kind, "")
    what = facts.what()
    return "・".join(x for x in (action + facts.status_note(), what) if x)


def _license_detail(kind: str, seats: int | None) -> str:
    action = "期限切れ: 更新か利用停止を" if kind == "license_expired" else "更新の手続きを"
    return f"{action}（{seats}席）" if seats else action


def lifecycle_counts(
    session: Session, today: date, windows: LifecycleWindows | None = None
) -> dict[str, int]:
    """How many warnings of each kind (every kind present, in WARNING_KINDS order)."""
    w = windows or load_windows(session)
    counts = dict.fromkeys(WARNING_KINDS, 0)
    # One pass over the assets for every kind (a COUNT per kind would scan up to
    # 8 times at 50,000 assets).
    checks = _asset_checks(today, w)
    sums = [
        func.coalesce(func.sum(case((and_(*conditions), 1), else_=0)), 0)
        for _column, conditions in checks.values()
    ]
    row = session.execute(select(*sums)).one()
    for kind, value in zip(checks, row, strict=True):
        counts[kind] = int(value)
    for kind, conditions in _license_checks(today, w).items():
        counts[kind] = int(
            session.execute(select(func.count(License.id)).where(*conditions)).scalar_one()
        )
    counts["license_over"] = len(license_usage(session, over_only=True))
    for c in _contract_warnings(session, today, w):
        counts[c.kind] += 1
    return counts
