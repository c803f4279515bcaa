"""Completing a task (完了), and, when the person asks for it, the work-log entry that
records the work (作業ログ): both written, or — on any refused input — neither.

Every input is checked before anything changes, so a refusal leaves the session as it
was. The entry takes the task's title; its category (分類) is the one given, else
「定例業務」 for an occurrence of a recurring rule and 「タスク」 otherwise. It points at
the task, at the task's asset and business system when the task is linked to exactly one
of each (an entry has one column for each; with several, the task's own links say
which), and is linked to the task's notices and runbooks (link tables, any number).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from app import jdate
from app.services import links
from app.services.errors import FieldError, ValidationError
from app.services.field_input import MAX_NOTES
from app.services.records import get_or_not_found
from app.services.worklog.entries import MAX_MINUTES  # one entry is one day's work
from app.store.models import Task, WorkLogEntry

TASK_LABELS = Task.__kind__.fields
LOG_LABELS = WorkLogEntry.__kind__.fields
CATEGORY_TASK = "タスク"
CATEGORY_RECURRING = "定例業務"
MAX_CATEGORY = 40  # the column's length
# The task's links an entry takes as links of its own.
COPIED_LINKS = ("notice", "runbook")


def _text_problem(text: str, limit: int) -> str | None:
    if len(text) > limit:
        return f"{limit}文字以内で入力してください（{len(text)}文字）"
    if "\x00" in text:
        return "制御文字（NUL）は使えません"
    return None


def _problems(
    task: Task, on: object, log: bool, minutes: int | None, note: str, category: str | None
) -> list[FieldError]:
    errors: list[FieldError] = []
    if task.status == "done":
        when = f"（完了日 {jdate.format_date(task.completed_on)}）" if task.completed_on else ""
        errors.append(FieldError("status", TASK_LABELS["status"], f"既に完了しています{when}"))
    if not isinstance(on, date) or isinstance(on, datetime):
        message = "完了日を日付で指定してください"
        errors.append(FieldError("completed_on", TASK_LABELS["completed_on"], message))
    if not log:
        given = {"category": bool(category), "body": bool(note), "minutes": minutes is not None}
        for field in (name for name, there in given.items() if there):
            message = "作業ログを残さない場合は入力できません"
            errors.append(FieldError(field, LOG_LABELS[field], message))
        return errors
    if minutes is not None and (
        isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 <= minutes <= MAX_MINUTES
    ):
        message = f"0〜{MAX_MINUTES}分（24時間）の整数で入力してください"
        errors.append(FieldError("minutes", LOG_LABELS["minutes"], message))
    for field, text, limit in (
        ("category", category or "", MAX_CATEGORY),
        ("body", note, MAX_NOTES),
    ):
        if problem := _text_problem(text, limit):
            errors.append(FieldError(field, LOG_LABELS[field], problem))
    return errors


def _default_category(task: Task) -> str:
    return CATEGORY_RECURRING if task.series_id is not None else CATEGORY_TASK


def _only(ids: list[int]) -> int | None:
    return ids[0] if len(ids) == 1 else None


def complete_task(
    session: Session,
    task_id: int,
    on: date,
    *,
    log: bool,
    minutes: int | None = None,
    note: str = "",
    category: str | None = None,
) -> WorkLogEntry | None:
    """Mark the task done on ``on``; with ``log``, also write its work-log entry (the
    entry is returned). Raises ValidationError with nothing changed."""
    task = get_or_not_found(session, Task, task_id)
    note = note.strip()
    category = category.strip() if category else None
    errors = _problems(task, on, log, minutes, note, category)
    if errors:
        raise ValidationError(errors)
    task.status = "done"
    task.completed_on = on
    entry = None
    if log:
        entry = WorkLogEntry(
            occurred_on=on,
            minutes=minutes,
            category=category or _default_category(task),
            title=task.title,
            body=note,
            task_id=task.id,
            asset_id=_only(links.linked_ids(session, "task", task.id, "asset")),
            system_id=_only(links.linked_ids(session, "task", task.id, "system")),
        )
        session.add(entry)
        session.flush()
        for kind in COPIED_LINKS:
            for other_id in links.linked_ids(session, "task", task.id, kind):
                links.link(session, "worklog", entry.id, kind, other_id)
    session.flush()
    return entry
