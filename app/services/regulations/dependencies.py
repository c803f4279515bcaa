"""Rules that must follow other rules (追随関係), what lags behind, and the tasks to catch up.

The officer records that an own rule follows a national one (the security policy follows
the guideline; the rules to revise for standardization step ⑰-1 follow the law). When
the source gets a version the follower was not brought in line with, the follower lags
from that version's date (app.services.regulations.versions); ``propose_tasks`` offers a
task per lagging follower and ``create_tasks`` makes them with the due dates the officer
chose, linked to both rules and to the notice that announced the version.

A rule cannot follow itself, and a dependency closing a circle (A follows B follows … A)
is refused naming the circle: a circle has no rule to start the revision from.
Everything is written in the caller's transaction and flushed, never committed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import jdate
from app.services import links
from app.services.errors import FieldError, ValidationError
from app.services.field_input import MAX_NOTES, FieldReader
from app.services.records import get_or_not_found
from app.services.regulations.reading import load_register
from app.services.regulations.versions import (
    VersionInfo,
    current_version,
    in_force,
    lag_of,
    newer_than,
    newest,
)
from app.store.models import (
    Notice,
    Regulation,
    RegulationDependency,
    RegulationVersion,
    Task,
    task_regulations,
)

LABELS = {name: RegulationDependency.__kind__.fields[name]
          for name in ("dependent_id", "source_id", "followed_version_id", "notes")}  # fmt: skip
CURRENT: Literal["current"] = "current"
TASK_TITLE_LIMIT = 200  # Task.title
TASK_BODY_LIMIT = 20_000  # app.services.tasks.tasks.MAX_BODY


def _refuse(field: str, message: str) -> ValidationError:
    return ValidationError([FieldError(field, LABELS.get(field, field), message)])


def _name(regulation: Regulation) -> str:
    return regulation.short_name or regulation.title


# --- adding, removing, marking ---------------------------------------------------------------


def _cycle(session: Session, dependent_id: int, source_id: int) -> list[int] | None:
    """The circle adding ``dependent follows source`` would close: [dependent, source,
    …, dependent], or None. Every dependency is read in one query."""
    follows: dict[int, list[int]] = {}
    for dep, src in session.execute(
        select(RegulationDependency.dependent_id, RegulationDependency.source_id)
    ):
        follows.setdefault(dep, []).append(src)
    came_from: dict[int, int] = {source_id: dependent_id}
    frontier = [source_id]
    while frontier:
        node = frontier.pop()
        for nxt in follows.get(node, ()):
            if nxt in came_from:
                continue
            came_from[nxt] = node
            if nxt == dependent_id:
                chain = [nxt]
                while chain[-1] != source_id:
                    chain.append(came_from[chain[-1]])
                return [dependent_id, *reversed(chain)]
            frontier.append(nxt)
    return None


def _followed(
    session: Session, source: Regulation, version_id: int | Literal["current"] | None, today: date
) -> int | None:
    if version_id == CURRENT:
        now = current_version(source.versions, today)
        return now.id if now is not None else None
    if version_id is None:
        return None
    version = session.get(RegulationVersion, version_id)
    if version is None or version.regulation_id != source.id:
        raise _refuse(
            "followed_version_id",
            f"「{source.title}」の改定ではありません（ID {version_id}）。"
            "削除された可能性があります",
        )
    return version.id


def add_dependency(
    session: Session,
    dependent_id: int,
    source_id: int,
    *,
    today: date,
    followed_version_id: int | Literal["current"] | None = CURRENT,
    notes: str = "",
) -> RegulationDependency:
    """Record that ``dependent`` must follow ``source``. By default it is taken as in
    line with the source's version in force ``today`` (the officer records it as it is
    now); another version of the source, or None (in line with none: it lags behind every
    version), may be given."""
    dependent = get_or_not_found(session, Regulation, dependent_id)
    source = get_or_not_found(session, Regulation, source_id)
    reader = FieldReader(LABELS, {"notes": notes})
    notes = reader.text("notes", MAX_NOTES)
    reader.raise_if_failed()
    if dependent_id == source_id:
        raise _refuse("source_id", f"「{dependent.title}」自身には追随できません")
    existing = session.scalars(
        select(RegulationDependency).where(
            RegulationDependency.dependent_id == dependent_id,
            RegulationDependency.source_id == source_id,
        )
    ).first()
    if existing is not None:
        raise _refuse(
            "source_id",
            f"「{dependent.title}」が「{source.title}」に追随することは登録済みです"
            f"（ID {existing.id}）",
        )
    chain = _cycle(session, dependent_id, source_id)
    if chain is not None:
        names = {r.id: r.title for r in session.scalars(
            select(Regulation).where(Regulation.id.in_(chain)))}  # fmt: skip
        raise _refuse("source_id", "循環します: " + " → ".join(names[i] for i in chain))
    followed = _followed(session, source, followed_version_id, today)
    dependency = RegulationDependency(
        dependent_id=dependent_id, source_id=source_id, followed_version_id=followed, notes=notes
    )
    session.add(dependency)
    session.flush()
    return dependency


def remove_dependency(session: Session, dependency_id: int) -> None:
    session.delete(get_or_not_found(session, RegulationDependency, dependency_id))
    session.flush()


def mark_followed(
    session: Session, dependency_id: int, version_id: int | None = None
) -> RegulationDependency:
    """The dependent has been brought in line with ``version_id`` of the source (by
    default its newest version, 施行予定 included): it no longer lags behind it."""
    dependency = get_or_not_found(session, RegulationDependency, dependency_id)
    source = get_or_not_found(session, Regulation, dependency.source_id)
    if version_id is None:
        latest = newest(source.versions)
        followed = latest.id if latest is not None else None
    else:
        followed = _followed(session, source, version_id, date.max)
    dependency.followed_version_id = followed
    session.flush()
    return dependency


# --- what lags ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LagRow:
    """A dependency whose dependent lags: since the date of the first version of the
    source it was not brought in line with, up to the source's newest version.
    ``in_force``: that first version is in force already (else 施行予定)."""

    dependency_id: int
    dependent_id: int
    dependent_title: str
    source_id: int
    source_title: str
    source_short_name: str
    since: date
    newest_version_id: int
    newest_label: str
    followed_version_id: int | None
    followed_label: str
    versions_behind: int
    in_force: bool


def lagging(session: Session, today: date) -> list[LagRow]:
    """Every lagging dependency, longest lagging first (three queries in all)."""
    data = load_register(session)
    labels = {v.id: v.label for listed in data.versions.values() for v in listed}
    rows = []
    for dep_id, dependent, source, followed in data.dependencies:
        lag = lag_of(data.versions.get(source, ()), followed)
        if lag is None:
            continue
        rows.append(LagRow(
            dep_id, dependent, data.title(dependent), source, data.title(source),
            data.rules[source].short_name, lag.since, lag.newest.id, lag.newest.label, followed,
            labels.get(followed, "") if followed is not None else "", lag.behind,
            in_force(lag.first, today),
        ))  # fmt: skip
    rows.sort(key=lambda r: (r.since, r.dependent_title, r.source_title))
    return rows


# --- tasks to catch up --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TaskProposal:
    """A task to bring ``dependent`` in line with ``version`` of ``source``. The title
    and body may be edited (dataclasses.replace) before ``create_tasks``;
    ``existing_task_ids``: tasks of the dependent with this title already."""

    dependency_id: int
    dependent_id: int
    dependent_title: str
    source_id: int
    source_title: str
    version_id: int
    version_label: str
    notice_id: int | None
    since: date
    title: str
    body: str
    existing_task_ids: tuple[int, ...] = ()


def _body(dependent: Regulation, source: Regulation, version: RegulationVersion) -> str:
    dates = "、".join(
        f"{label} {jdate.format_date(day)}"
        for label, day in (("公布・改定日", version.revised_on), ("施行日", version.effective_on))
        if day is not None
    )
    parts = [
        f"「{source.title}」の{version.label}（{dates}）に合わせて、"
        f"「{dependent.title}」を改定する。",
        f"改定内容:\n{version.changes}" if version.changes else "",
        f"求められる対応:\n{version.requirements}" if version.requirements else "",
    ]
    return "\n\n".join(p for p in parts if p)[:TASK_BODY_LIMIT]


def propose_tasks(session: Session, source_version_id: int) -> list[TaskProposal]:
    """A task for each rule that follows this version's rule and was not brought in line
    with this version yet (the ones in line with it or a later one are left out)."""
    version = get_or_not_found(session, RegulationVersion, source_version_id)
    source = version.regulation
    stmt = (
        select(RegulationDependency, Regulation)
        .join(Regulation, Regulation.id == RegulationDependency.dependent_id)
        .where(RegulationDependency.source_id == source.id)
        .order_by(Regulation.title)
    )
    proposals = []
    for dependency, dependent in session.execute(stmt):
        newer = newer_than(source.versions, dependency.followed_version_id)
        if version not in newer:
            continue
        title = f"{dependent.title}の改定（{_name(source)} {version.label}への追随）"
        proposals.append(TaskProposal(
            dependency.id, dependent.id, dependent.title, source.id, source.title, version.id,
            version.label, version.notice_id, newer[0].on, title[:TASK_TITLE_LIMIT],
            _body(dependent, source, version),
        ))  # fmt: skip
    return _with_existing(session, proposals)


def _with_existing(session: Session, proposals: list[TaskProposal]) -> list[TaskProposal]:
    if not proposals:
        return proposals
    stmt = (
        select(task_regulations.c.regulation_id, Task.id, Task.title)
        .join(Task, Task.id == task_regulations.c.task_id)
        .where(task_regulations.c.regulation_id.in_({p.dependent_id for p in proposals}))
        .where(Task.title.in_({p.title for p in proposals}))
        .order_by(Task.id)
    )
    found: dict[tuple[int, str], list[int]] = {}
    for regulation_id, task_id, title in session.execute(stmt):
        found.setdefault((regulation_id, title), []).append(task_id)
    return [
        replace(p, existing_task_ids=tuple(found.get((p.dependent_id, p.title), ())))
        for p in proposals
    ]


def _checked(session: Session, n: int, proposal: TaskProposal, due: Any,
             errors: list[FieldError]) -> tuple[str, date | None, int | None]:  # fmt: skip
    """The title, due date and notice of one proposal; what is wrong goes to ``errors``.
    The records are read again: one may have been deleted since the proposal was made."""
    reader = FieldReader({"title": f"{n}件目の件名", "due_date": f"{n}件目の期限"},
                         {"title": proposal.title, "due_date": due})  # fmt: skip
    title = reader.text("title", TASK_TITLE_LIMIT, required=True)
    due_date = reader.date("due_date")
    errors.extend(reader.errors)
    wanted: tuple[tuple[str, Any, int], ...] = (
        ("regulation", Regulation, proposal.dependent_id),
        ("regulation", Regulation, proposal.source_id),
        ("version", RegulationVersion, proposal.version_id),
    )
    for kind, model, record_id in wanted:
        if session.get(model, record_id) is None:
            label = model.__kind__.label
            message = f"{label}（ID {record_id}）は削除されています"
            errors.append(FieldError(kind, f"{n}件目「{proposal.title}」", message))
    version = session.get(RegulationVersion, proposal.version_id)
    notice_id = version.notice_id if version is not None else None
    if notice_id is not None and session.get(Notice, notice_id) is None:
        notice_id = None
    return title, due_date, notice_id


def create_tasks(
    session: Session, proposals_with_due_dates: Sequence[tuple[TaskProposal, Any]]
) -> list[int]:
    """Create a task for each proposal with its due date (a date, a date as typed, or
    None), linked to the dependent rule, the source rule and the version's notice.
    Everything is checked first: one bad item refuses them all (ValidationError), so
    nothing is half-created. Returns the new tasks' ids in the given order."""
    errors: list[FieldError] = []
    checked = [
        _checked(session, n, proposal, due, errors)
        for n, (proposal, due) in enumerate(proposals_with_due_dates, start=1)
    ]
    if errors:
        raise ValidationError(errors)
    ids = []
    for (proposal, _due), (title, due, notice_id) in zip(
        proposals_with_due_dates, checked, strict=True
    ):
        task = Task(title=title, body=proposal.body, due_date=due,
                    fiscal_year=jdate.fiscal_year(due) if due else None)  # fmt: skip
        session.add(task)
        session.flush()
        links.link(session, "task", task.id, "regulation", proposal.dependent_id)
        links.link(session, "task", task.id, "regulation", proposal.source_id)
        if notice_id is not None:
            links.link(session, "task", task.id, "notice", notice_id)
        ids.append(task.id)
    return ids


# --- one rule's dependencies --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DependencyRow:
    """A dependency as a rule's page shows it, with its lag (None: in line)."""

    id: int
    dependent_id: int
    dependent_title: str
    source_id: int
    source_title: str
    followed_version_id: int | None
    followed_label: str
    lagging_since: date | None
    newest_label: str
    notes: str


def dependency_rows(session: Session, regulation_id: int) -> list[DependencyRow]:
    """The rules this rule follows and the rules following it (each dependency once)."""
    get_or_not_found(session, Regulation, regulation_id)
    stmt = select(RegulationDependency).where(
        (RegulationDependency.dependent_id == regulation_id)
        | (RegulationDependency.source_id == regulation_id)
    )
    dependencies = list(session.scalars(stmt.order_by(RegulationDependency.id)))
    if not dependencies:
        return []
    data = load_register(session)
    labels = {v.id: v.label for listed in data.versions.values() for v in listed}
    rows = []
    for d in dependencies:
        versions: list[VersionInfo] = data.versions.get(d.source_id, [])
        lag = lag_of(versions, d.followed_version_id)
        followed = d.followed_version_id
        rows.append(DependencyRow(
            d.id, d.dependent_id, data.title(d.dependent_id), d.source_id,
            data.title(d.source_id), followed,
            labels.get(followed, "") if followed is not None else "",
            lag.since if lag else None, lag.newest.label if lag else "", d.notes,
        ))  # fmt: skip
    return rows
