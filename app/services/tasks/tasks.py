"""One-off and recurring tasks as the officer handles them: validate, create, edit,
delete, and the list of what is open (overdue first).

A recurring rule's occurrences are ordinary tasks (app.services.tasks.series makes
them); editing one here moves only that occurrence. Completing a task, with or without
its work-log entry, is app.services.tasks.completion.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from app.jdate import fiscal_year
from app.services.field_input import FieldReader
from app.services.records import get_or_not_found
from app.store.models import Task
from app.store.vocab import TASK_PRIORITIES, TASK_STATUSES

FIELD_LABELS = Task.__kind__.fields  # declared with the model (app.store.kinds)
EDITED = ("title", "body", "status", "priority", "due_date")
SHOWN = {"open": "未完了", "done": "完了", "all": "すべて"}
MAX_BODY = 20_000


@dataclass(frozen=True, slots=True)
class TaskRow:
    id: int
    title: str
    status: str
    priority: int
    due_date: date | None
    completed_on: date | None
    fiscal_year: int | None
    recurring: bool

    def overdue(self, today: date) -> bool:
        return self.status != "done" and self.due_date is not None and self.due_date < today


def clean_task_input(data: Mapping[str, Any]) -> dict[str, Any]:
    """Column values from editor input; ValidationError naming every bad field."""
    r = FieldReader(FIELD_LABELS, data)
    values: dict[str, Any] = {}
    if r.has("title") or not data:
        values["title"] = r.text("title", 200, required=True)
    if r.has("body"):
        values["body"] = r.text("body", MAX_BODY)
    if r.has("due_date"):
        values["due_date"] = r.date("due_date")
        if values["due_date"] is not None:
            values["fiscal_year"] = fiscal_year(values["due_date"])
    for name, allowed in (("status", TASK_STATUSES), ("priority", TASK_PRIORITIES)):
        if r.has(name):
            raw = r.raw(name)
            value = int(raw) if name == "priority" and str(raw).isdigit() else raw
            if value not in allowed:
                r.error(name, f"選択肢にない値です: {raw}")
            values[name] = value
    r.raise_if_failed()
    return values


def create_task(session: Session, data: Mapping[str, Any]) -> Task:
    task = Task(**clean_task_input({"title": "", **data}))
    session.add(task)
    session.flush()
    return task


def update_task(session: Session, task_id: int, data: Mapping[str, Any]) -> Task:
    task = get_or_not_found(session, Task, task_id)
    values = clean_task_input(data)
    if values.get("status") != "done" and task.status == "done" and "status" in values:
        task.completed_on = None  # reopened
    for name, value in values.items():
        setattr(task, name, value)
    session.flush()
    return task


def delete_task(session: Session, task_id: int) -> None:
    session.delete(get_or_not_found(session, Task, task_id))
    session.flush()


def task_values(session: Session, task_id: int) -> dict[str, Any]:
    task = get_or_not_found(session, Task, task_id)
    return {name: getattr(task, name) for name in EDITED}


def list_tasks(session: Session, shown: str = "open") -> list[TaskRow]:
    """``open``: not done, the earliest due first (undated last); ``done``: the latest
    completed first; ``all``: both, open ones first."""
    t = Task
    stmt = select(t.id, t.title, t.status, t.priority, t.due_date, t.completed_on,
                  t.fiscal_year, t.series_id.is_not(None))  # fmt: skip
    if shown == "open":
        stmt = stmt.where(t.status != "done").order_by(
            t.due_date.is_(None), t.due_date, t.priority, t.id
        )
    elif shown == "done":
        stmt = stmt.where(t.status == "done").order_by(t.completed_on.desc(), t.id.desc())
    else:
        stmt = stmt.order_by(case((t.status == "done", 1), else_=0), t.due_date.is_(None),
                             t.due_date, t.id)  # fmt: skip
    return [TaskRow(*r) for r in session.execute(stmt)]
