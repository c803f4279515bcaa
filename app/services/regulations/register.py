"""The register of laws, guidelines and own rules (法令・規程台帳): enter, edit and delete
a rule and its versions, and read the register as one row per rule.

Input is read with FieldReader, every problem collected into one ValidationError, so the
officer reads them all at once. A rule's name is unique (two rows for one law would split
its history): the message names the one that has it. A version needs a date — 公布・改定日
or 施行日 — a 施行日 not before its 公布・改定日, and no 公布・改定日 after today: a revision
not made yet is not history (a 施行日 in the future is: 施行予定).

The current version, what is upcoming and what lags are derived on reading
(app.services.regulations.versions), never stored, so they cannot disagree with the
history. Everything is written in the caller's transaction and flushed, never committed:
a refusal leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services import links
from app.services.field_input import MAX_NOTES, FieldReader
from app.services.records import get_or_not_found
from app.services.regulations.reading import RegisterData, load_register
from app.services.regulations.versions import (
    current_version,
    in_force,
    lag_of,
    ordered,
    previous,
    upcoming,
)
from app.store.models import Notice, Regulation, RegulationDependency, RegulationVersion
from app.store.vocab import REGULATION_KINDS, REGULATION_ORIGINS

REGULATION_FIELDS = ("title", "short_name", "kind", "origin", "owner", "number", "url", "notes")
REGULATION_LABELS = {name: Regulation.__kind__.fields[name] for name in REGULATION_FIELDS}
VERSION_FIELDS = ("label", "revised_on", "effective_on", "changes", "requirements", "notice_id")
VERSION_LABELS = {name: RegulationVersion.__kind__.fields[name] for name in VERSION_FIELDS}
# Column sizes (app.store.models.regulations).
TEXT_LIMITS = {"short_name": 100, "owner": 200, "number": 100}
TITLE_LIMIT = 300
URL_LIMIT = 1000
LABEL_LIMIT = 100
DEFAULTS = {"kind": "guideline", "origin": "national"}  # the model's
VOCABS = {"kind": REGULATION_KINDS, "origin": REGULATION_ORIGINS}


# --- rules ------------------------------------------------------------------------------------


def read_regulation(r: FieldReader, *, new: bool) -> dict[str, Any]:
    """The column values of a rule's fields in ``r`` (all of them when ``new``), checked
    for what needs no database: the starter set reads its entries with it too."""
    out: dict[str, Any] = {}
    if new or r.has("title"):
        out["title"] = r.text("title", TITLE_LIMIT, required=True)
    for name, limit in TEXT_LIMITS.items():
        if r.has(name):
            out[name] = r.text(name, limit)
    for name, vocab in VOCABS.items():
        if new or r.has(name):
            value = r.raw(name) or DEFAULTS[name]
            if value not in vocab:
                r.error(name, f"選択肢にない値です: {value}")
            out[name] = value
    if r.has("url"):
        out["url"] = r.url("url", URL_LIMIT)
    if r.has("notes"):
        out["notes"] = r.text("notes", MAX_NOTES)
    return out


def same_title(session: Session, title: str, own_id: int | None = None) -> Regulation | None:
    """The rule that already has this name, if any."""
    stmt = select(Regulation).where(Regulation.title == title)
    if own_id is not None:
        stmt = stmt.where(Regulation.id != own_id)
    return session.scalars(stmt.limit(1)).first()


def title_taken_message(other: Regulation) -> str:
    kind = REGULATION_KINDS.get(other.kind, other.kind)
    origin = REGULATION_ORIGINS.get(other.origin, other.origin)
    return (
        f"同じ名称の法令・規程が既にあります: 「{other.title}」（{kind}・{origin}、ID {other.id}）"
    )


def clean_regulation_input(
    session: Session, data: dict[str, Any], *, regulation_id: int | None = None
) -> dict[str, Any]:
    """Validate editor input; raises ValidationError listing every problem."""
    if regulation_id is not None:
        get_or_not_found(session, Regulation, regulation_id)
    r = FieldReader(REGULATION_LABELS, data)
    out = read_regulation(r, new=regulation_id is None)
    if "title" in out and not r.failed("title"):
        other = same_title(session, out["title"], regulation_id)
        if other is not None:
            r.error("title", title_taken_message(other))
    r.raise_if_failed()
    return out


def create_regulation(session: Session, data: dict[str, Any]) -> Regulation:
    regulation = Regulation(**clean_regulation_input(session, data))
    session.add(regulation)
    session.flush()
    return regulation


def update_regulation(session: Session, regulation_id: int, data: dict[str, Any]) -> Regulation:
    values = clean_regulation_input(session, data, regulation_id=regulation_id)
    regulation = get_or_not_found(session, Regulation, regulation_id)
    for key, value in values.items():
        setattr(regulation, key, value)
    session.flush()
    return regulation


def delete_regulation(session: Session, regulation_id: int) -> None:
    """Delete a rule with its versions and the dependencies either way. Its tasks are
    unlinked through the link service first, so they keep in their history that the
    rule was detached (they are not deleted). A starter-set entry deleted here is not
    added again by a later starter set (app.services.regulations.starter)."""
    regulation = get_or_not_found(session, Regulation, regulation_id)
    for task_id in links.linked_ids(session, "regulation", regulation_id, "task"):
        links.unlink(session, "regulation", regulation_id, "task", task_id)
    stmt = select(RegulationDependency).where(
        (RegulationDependency.dependent_id == regulation_id)
        | (RegulationDependency.source_id == regulation_id)
    )
    for dependency in session.scalars(stmt):
        session.delete(dependency)
    session.delete(regulation)
    session.flush()


# --- versions ---------------------------------------------------------------------------------


def read_version(r: FieldReader, *, current: RegulationVersion | None = None) -> dict[str, Any]:
    """The column values of a version's fields in ``r``, checked for what needs neither
    the database nor today: a label, a date, a 施行日 not before the 公布・改定日."""
    out: dict[str, Any] = {}
    if current is None or r.has("label"):
        out["label"] = r.text("label", LABEL_LIMIT, required=True)
    for name in ("revised_on", "effective_on"):
        if r.has(name):
            out[name] = r.date(name)
    for name in ("changes", "requirements"):
        if r.has(name):
            out[name] = r.text(name, MAX_NOTES)
    if r.failed("revised_on") or r.failed("effective_on"):
        return out
    revised, effective = (
        out.get(name) if name in out or current is None else getattr(current, name)
        for name in ("revised_on", "effective_on")
    )
    if revised is None and effective is None:
        field = "revised_on" if current is None or "revised_on" in out else "effective_on"
        r.error(field, "公布・改定日か施行日のどちらかを入力してください")
    elif revised is not None and effective is not None and effective < revised:
        r.error(
            "effective_on",
            f"施行日（{effective.isoformat()}）が公布・改定日（{revised.isoformat()}）より前です",
        )
    return out


def _notice_id(r: FieldReader, session: Session) -> int | None:
    raw = r.raw("notice_id")
    if raw is None or raw == "":
        return None
    try:
        notice_id = int(raw)
    except (TypeError, ValueError):
        r.error("notice_id", f"通知のIDを指定してください: {raw}")
        return None
    if session.get(Notice, notice_id) is None:
        message = f"登録されていない通知です（ID {notice_id}）。削除された可能性があります"
        r.error("notice_id", message)
    return notice_id


def clean_version_input(
    session: Session,
    data: dict[str, Any],
    *,
    today: date,
    regulation_id: int | None = None,
    version_id: int | None = None,
) -> dict[str, Any]:
    """Validate a version's input (a new one of ``regulation_id``, or an edit of
    ``version_id``); raises ValidationError listing every problem."""
    current = None
    if version_id is not None:
        current = get_or_not_found(session, RegulationVersion, version_id)
    elif regulation_id is not None:
        get_or_not_found(session, Regulation, regulation_id)
    r = FieldReader(VERSION_LABELS, data)
    out = read_version(r, current=current)
    revised = out.get("revised_on")
    if revised is not None and revised > today:
        r.error(
            "revised_on",
            f"{revised.isoformat()} は今日（{today.isoformat()}）より後です。まだ行われていない"
            "改定は登録できません（施行が先の改定は、施行日に施行予定日を入力してください）",
        )
    if r.has("notice_id"):
        out["notice_id"] = _notice_id(r, session)
    r.raise_if_failed()
    return out


def add_version(
    session: Session, regulation_id: int, data: dict[str, Any], *, today: date
) -> RegulationVersion:
    values = clean_version_input(session, data, today=today, regulation_id=regulation_id)
    version = RegulationVersion(**values)
    # Through the rule's list, so that what reads the list later in the same transaction
    # (the version followed by default, a task proposal) sees it.
    regulation = get_or_not_found(session, Regulation, regulation_id)
    regulation.versions.append(version)
    session.flush()
    return version


def update_version(
    session: Session, version_id: int, data: dict[str, Any], *, today: date
) -> RegulationVersion:
    values = clean_version_input(session, data, today=today, version_id=version_id)
    version = get_or_not_found(session, RegulationVersion, version_id)
    for key, value in values.items():
        setattr(version, key, value)
    session.flush()
    return version


def delete_version(session: Session, version_id: int) -> None:
    """Delete a version (entered by mistake). A rule that was brought in line with it is
    taken as in line with the version before it, so it neither starts lagging by itself
    nor stops lagging behind a later version."""
    version = get_or_not_found(session, RegulationVersion, version_id)
    versions = version.regulation.versions
    before = previous(versions, version)
    followers = RegulationDependency.followed_version_id == version_id
    for dependency in session.scalars(select(RegulationDependency).where(followers)):
        dependency.followed_version_id = before.id if before is not None else None
    versions.remove(version)  # the list stays true for the rest of the transaction
    session.delete(version)
    session.flush()


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VersionRow:
    """One version in a rule's history; ``state``: 現行 / 施行予定 / 旧版 / 未施行."""

    id: int
    label: str
    revised_on: date | None
    effective_on: date | None
    on: date
    changes: str
    requirements: str
    notice_id: int | None
    notice_title: str
    state: str


def version_history(session: Session, regulation_id: int, today: date) -> list[VersionRow]:
    """The rule's versions, newest first, each with its state on ``today``."""
    get_or_not_found(session, Regulation, regulation_id)
    stmt = (
        select(RegulationVersion, Notice.title)
        .outerjoin(Notice, Notice.id == RegulationVersion.notice_id)
        .where(RegulationVersion.regulation_id == regulation_id)
    )
    found = {v.id: (v, notice or "") for v, notice in session.execute(stmt)}
    versions = ordered(v for v, _ in found.values())
    now = current_version(versions, today)
    coming = {v.id for v in upcoming(versions, today)}
    rows = []
    for v in reversed(versions):
        state = (
            "現行" if v is now
            else "施行予定" if v.id in coming
            else "旧版" if in_force(v, today)
            else "未施行"  # a 公布・改定日 after today (refused when entered by hand)
        )  # fmt: skip
        rows.append(VersionRow(v.id, v.label, v.revised_on, v.effective_on, v.on, v.changes,
                               v.requirements, v.notice_id, found[v.id][1], state))  # fmt: skip
    return rows


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """One rule of the register. ``lagging``: it follows a rule that has a version it was
    not brought in line with; ``lagging_since``: the earliest such version's date;
    ``lagging_behind``: the names of the rules it lags behind."""

    id: int
    title: str
    short_name: str
    kind: str
    kind_label: str
    origin: str
    origin_label: str
    owner: str
    number: str
    current_id: int | None
    current_label: str
    current_revised_on: date | None
    current_effective_on: date | None
    upcoming_id: int | None
    upcoming_label: str
    upcoming_effective_on: date | None
    version_count: int
    lagging: bool
    lagging_since: date | None
    lagging_behind: tuple[str, ...]


def _lags(data: RegisterData) -> dict[int, list[tuple[date, str]]]:
    """For each lagging rule: (since, source title) of each source it lags behind."""
    out: dict[int, list[tuple[date, str]]] = {}
    for _id, dependent, source, followed in data.dependencies:
        lag = lag_of(data.versions.get(source, ()), followed)
        if lag is not None:
            out.setdefault(dependent, []).append((lag.since, data.title(source)))
    return out


def _sort_key(kind: str, origin: str, title: str) -> tuple[int, int, str]:
    return list(REGULATION_ORIGINS).index(origin), list(REGULATION_KINDS).index(kind), title


def register_rows(
    session: Session, today: date, *, lagging_only: bool = False
) -> list[RegisterRow]:
    """Every rule (or only the lagging ones) with its current and next version and what
    it lags behind: national rules first, then the prefecture's, then own ones, by kind
    and name. Three queries (load_register), whatever the size of the register."""
    data = load_register(session)
    lags = _lags(data)
    rows = []
    for rule in data.rules.values():
        behind = sorted(lags.get(rule.id, ()))
        if lagging_only and not behind:
            continue
        versions = data.versions.get(rule.id, [])
        now = current_version(versions, today)
        coming = next(iter(upcoming(versions, today)), None)
        rows.append(RegisterRow(
            rule.id, rule.title, rule.short_name, rule.kind,
            REGULATION_KINDS.get(rule.kind, rule.kind), rule.origin,
            REGULATION_ORIGINS.get(rule.origin, rule.origin), rule.owner, rule.number,
            now.id if now else None, now.label if now else "",
            now.revised_on if now else None, now.effective_on if now else None,
            coming.id if coming else None, coming.label if coming else "",
            coming.effective_on if coming else None, len(versions),
            bool(behind), behind[0][0] if behind else None,
            tuple(dict.fromkeys(t for _s, t in behind)),
        ))  # fmt: skip
    rows.sort(key=lambda r: _sort_key(r.kind, r.origin, r.title))
    return rows
