"""Work-log entries: validate, create, edit, delete, and what they link to.

An entry says when (作業日, accepted as 西暦 or 和暦), what kind of work (分類: free text,
completed from the categories in use and a starter list), what was done (件名, 内容) and
how long (作業時間, minutes). It names at most one asset, one business system and one task
(columns of its own) and links to any number of notices and runbooks (link tables,
app.services.links). Every change goes through the ORM, so it has its history and its
search entry, and is announced to the views that show work-log entries.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services import links
from app.services.field_input import Choice, FieldReader
from app.services.records import get_or_not_found
from app.store.models import Asset, BusinessSystem, Notice, Runbook, Task, WorkLogEntry

FIELD_LABELS = WorkLogEntry.__kind__.fields  # declared with the model (app.store.kinds)
MAX_MINUTES = 24 * 60
MAX_BODY = 20_000
# Offered for 分類 before the officer has categories of their own (then theirs come first).
STARTER_CATEGORIES = (
    "問い合わせ対応", "障害対応", "保守・点検", "設定変更", "調達・契約", "会議・打合せ",
    "研修・周知", "通知・照会の対応", "標準化・ガバクラ", "庶務",
)  # fmt: skip
# The kinds an entry links to (beside its own asset, system and task columns).
LINKED_KINDS = ("notice", "runbook")


@dataclass
class EntryLinks:
    """What an entry refers to: one asset, system and task; any notices and runbooks."""

    asset_id: int | None = None
    system_id: int | None = None
    task_id: int | None = None
    notice_ids: list[int] = field(default_factory=list)
    runbook_ids: list[int] = field(default_factory=list)


def categories(session: Session) -> list[str]:
    """分類 to offer: those in use (most used first), then the starter ones not in use."""
    stmt = (
        select(WorkLogEntry.category, func.count())
        .where(WorkLogEntry.category != "")
        .group_by(WorkLogEntry.category)
        .order_by(func.count().desc(), WorkLogEntry.category)
    )
    used = [c for c, _n in session.execute(stmt)]
    return used + [c for c in STARTER_CATEGORIES if c not in used]


def clean_entry_input(session: Session, data: Mapping[str, Any]) -> dict[str, Any]:
    """Column values from editor input (strings or typed values); raises ValidationError
    naming every bad field, in the order of the fields."""
    r = FieldReader(FIELD_LABELS, data)
    values: dict[str, Any] = {}
    if r.has("occurred_on") or not data:
        day = r.date("occurred_on")
        if day is None and not r.failed("occurred_on"):
            r.error("occurred_on", "必須です")
        values["occurred_on"] = day
    if r.has("title") or not data:
        values["title"] = r.text("title", 200, required=True)
    if r.has("category"):
        values["category"] = r.text("category", 40)
    if r.has("body"):
        values["body"] = r.text("body", MAX_BODY)
    if r.has("minutes"):
        values["minutes"] = r.integer("minutes", minimum=0, maximum=MAX_MINUTES)
    if r.has("actor"):
        values["actor"] = r.text("actor", 100)
    for name, model in (("asset_id", Asset), ("system_id", BusinessSystem), ("task_id", Task)):
        if r.has(name):
            values[name] = r.ref_id(session, name, model)
    r.raise_if_failed()
    return values


def create_entry(
    session: Session, data: Mapping[str, Any], *, notices: Iterable[int] = (),
    runbooks: Iterable[int] = (),
) -> WorkLogEntry:  # fmt: skip
    """A new entry with its links; all in the caller's transaction."""
    values = clean_entry_input(session, {"occurred_on": None, "title": "", **data})
    entry = WorkLogEntry(**values)
    session.add(entry)
    session.flush()
    _link_all(session, entry.id, "notice", notices)
    _link_all(session, entry.id, "runbook", runbooks)
    return entry


def update_entry(session: Session, entry_id: int, data: Mapping[str, Any]) -> WorkLogEntry:
    entry = get_entry(session, entry_id)
    for name, value in clean_entry_input(session, data).items():
        setattr(entry, name, value)
    session.flush()
    return entry


def set_links(session: Session, entry_id: int, kind: str, ids: Iterable[int]) -> None:
    """Make the entry's links of ``kind`` (notice / runbook) exactly ``ids``."""
    if kind not in LINKED_KINDS:
        raise ValueError(f"a work-log entry links no {kind}")
    get_entry(session, entry_id)
    wanted = list(dict.fromkeys(ids))
    current = links.linked_ids(session, "worklog", entry_id, kind)
    for gone in set(current) - set(wanted):
        links.unlink(session, "worklog", entry_id, kind, gone)
    _link_all(session, entry_id, kind, [i for i in wanted if i not in current])


def delete_entry(session: Session, entry_id: int) -> None:
    session.delete(get_entry(session, entry_id))
    session.flush()


def get_entry(session: Session, entry_id: int) -> WorkLogEntry:
    return get_or_not_found(session, WorkLogEntry, entry_id)


def entry_links(session: Session, entry_id: int) -> EntryLinks:
    entry = get_entry(session, entry_id)
    return EntryLinks(
        entry.asset_id, entry.system_id, entry.task_id,
        links.linked_ids(session, "worklog", entry_id, "notice"),
        links.linked_ids(session, "worklog", entry_id, "runbook"),
    )  # fmt: skip


def _link_all(session: Session, entry_id: int, kind: str, ids: Iterable[int]) -> None:
    for other in ids:
        links.link(session, "worklog", entry_id, kind, int(other))


# What the link pickers offer, by kind: the model and the text a person types to find one.
LINK_TARGETS: dict[str, tuple[Any, Any]] = {
    "asset": (Asset, Asset.asset_tag + "　" + Asset.name),
    "system": (BusinessSystem, BusinessSystem.name),
    "task": (Task, Task.title),
    "notice": (Notice, Notice.title),
    "runbook": (Runbook, Runbook.title),
}
MAX_TARGETS = 30


def find_targets(session: Session, kind: str, typed: str, limit: int = MAX_TARGETS) -> list[Choice]:
    """Records of ``kind`` whose name contains every word typed (width and case folded as
    SQLite's LIKE folds ASCII), best first: names starting with the text, then shorter."""
    model, label = LINK_TARGETS[kind]
    words = unicodedata.normalize("NFKC", typed).split()
    stmt = select(model.id, label)
    for word in words:  # % and _ are matched as typed (autoescape)
        stmt = stmt.where(label.contains(word, autoescape=True))
    first = label.startswith(words[0], autoescape=True).desc() if words else label
    stmt = stmt.order_by(first, func.length(label), model.id.desc()).limit(limit)
    return [Choice(i, name) for i, name in session.execute(stmt)]


def target_names(session: Session, kind: str, ids: Iterable[int]) -> list[Choice]:
    """The chosen records of ``kind`` as the pickers show them (missing ones left out)."""
    wanted = list(ids)
    if not wanted:
        return []
    model, label = LINK_TARGETS[kind]
    found: dict[int, str] = dict(
        session.execute(select(model.id, label).where(model.id.in_(wanted))).all()
    )
    return [Choice(i, found[i]) for i in wanted if i in found]


@dataclass(frozen=True)
class EntryForEdit:
    """What the entry editor shows: the values as text, the links and their names."""

    values: dict[str, Any]
    links: EntryLinks
    names: dict[str, list[Choice]]  # kind → the linked records as the pickers show them


def load_for_edit(session: Session, entry_id: int) -> EntryForEdit:
    entry = get_entry(session, entry_id)
    linked = entry_links(session, entry_id)
    values = {name: getattr(entry, name) for name in ("occurred_on", "category", "title",
                                                        "body", "minutes", "actor")}  # fmt: skip
    return EntryForEdit(values, linked, _names(session, linked))


def _names(session: Session, linked: EntryLinks) -> dict[str, list[Choice]]:
    one = {"asset": linked.asset_id, "system": linked.system_id, "task": linked.task_id}
    names = {k: target_names(session, k, [v] if v is not None else []) for k, v in one.items()}
    names["notice"] = target_names(session, "notice", linked.notice_ids)
    names["runbook"] = target_names(session, "runbook", linked.runbook_ids)
    return names


def save_entry(
    session: Session, entry_id: int | None, data: Mapping[str, Any], linked: EntryLinks
) -> int:
    """Create (``entry_id`` None) or update an entry with exactly the links ``linked``;
    one transaction (the caller's): all or nothing. Returns the entry's id."""
    values = {
        **data,
        "asset_id": linked.asset_id,
        "system_id": linked.system_id,
        "task_id": linked.task_id,
    }
    if entry_id is None:
        entry = create_entry(session, values, notices=linked.notice_ids,
                             runbooks=linked.runbook_ids)  # fmt: skip
        return int(entry.id)
    update_entry(session, entry_id, values)
    set_links(session, entry_id, "notice", linked.notice_ids)
    set_links(session, entry_id, "runbook", linked.runbook_ids)
    return entry_id
