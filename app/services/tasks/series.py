"""Recurring tasks (繰り返しタスク): the rule's editor input validated, and a 年度's
occurrences generated as tasks.

A rule is refused with a message per field before the database's CHECKs could refuse
it (app.services.tasks.recurrence.rule_problems). The fields a rule does not read are
cleared, so that switching a rule in the editor (毎年 → 第n曜日) leaves nothing stale.

Generating is idempotent: an occurrence is known by (series, the date the rule gives),
so running it again adds only what is missing, and an occurrence the person moved,
completed or edited stays as it is (one the person deleted is missing, and is made
again: to drop an occurrence, complete it). Each new occurrence takes the rule's title,
body and priority, and its links to assets, business systems and runbooks. Editing a
rule later changes no occurrence already generated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services import links
from app.services.errors import FieldError, ValidationError
from app.services.field_input import MAX_NOTES, FieldReader
from app.services.records import get_or_not_found
from app.services.tasks.business_days import ClosureRange, load_closures
from app.services.tasks.recurrence import (
    RULE_ATTRIBUTES,
    RULE_FIELDS,
    VALUE_FIELDS,
    Rule,
    occurrences,
    rule_problems,
)
from app.store.models import Task, TaskSeries
from app.store.vocab import TASK_PRIORITIES

FIELD_LABELS = TaskSeries.__kind__.fields  # declared with the model (app.store.kinds)
# What a new rule is when the editor leaves a field out.
DEFAULTS: dict[str, Any] = {
    "body": "",
    "priority": 2,
    "business_day": "previous",
    "active": True,
    "notes": "",
}
# The kinds of the rule's links an occurrence is given (a rule has no notice links).
COPIED_LINKS = ("asset", "system", "runbook")
# jpholiday computes the equinox holidays by a formula for about this span; a 年度
# outside it is a typo.
MIN_FISCAL_YEAR = 2000
MAX_FISCAL_YEAR = 2100


@dataclass(frozen=True)
class GenerationResult:
    """What generating a 年度 did: the new tasks, and how many were there already."""

    fiscal_year: int
    created: tuple[int, ...]
    existing: int


def series_values(series: TaskSeries) -> dict[str, Any]:
    return {name: getattr(series, name) for name in FIELD_LABELS}


def rule_of(series: TaskSeries) -> Rule:
    return Rule(**{name: getattr(series, name) for name in RULE_ATTRIBUTES})


def _read_choice(r: FieldReader, name: str) -> str:
    value = r.raw(name)
    return DEFAULTS[name] if value in (None, "") else str(value)


def clean_series_input(
    data: Mapping[str, Any], *, current: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Every column of a rule from editor input (on top of ``current``, a rule's values
    when it is edited); raises ValidationError listing every problem."""
    base = {**DEFAULTS, **(current or {})}
    r = FieldReader(FIELD_LABELS, {**base, **data})
    out: dict[str, Any] = {
        "title": r.text("title", 200, required=True),
        "body": r.text("body", MAX_NOTES),
        "notes": r.text("notes", MAX_NOTES),
        "priority": r.integer("priority"),
        "rule": r.text("rule", 20, required=True),
        "business_day": _read_choice(r, "business_day"),
        "starts_on": r.date("starts_on"),
        "ends_on": r.date("ends_on"),
        "active": r.flag("active"),
    }
    if not r.failed("priority") and out["priority"] not in TASK_PRIORITIES:
        labels = "・".join(f"{k}（{v}）" for k, v in TASK_PRIORITIES.items())
        r.error("priority", f"{labels}のいずれかを選んでください")
    reads = RULE_FIELDS.get(out["rule"], VALUE_FIELDS)
    for name in VALUE_FIELDS:
        out[name] = r.integer(name) if name in reads else None
    rule = Rule(**{name: out[name] for name in RULE_ATTRIBUTES})
    for name, message in rule_problems(rule).items():
        if not r.failed(name):
            r.error(name, message)
    r.raise_if_failed()
    return out


def get_series(session: Session, series_id: int) -> TaskSeries:
    return get_or_not_found(session, TaskSeries, series_id)


def create_series(session: Session, data: Mapping[str, Any]) -> TaskSeries:
    series = TaskSeries(**clean_series_input(data))
    session.add(series)
    session.flush()
    return series


def update_series(session: Session, series_id: int, data: Mapping[str, Any]) -> TaskSeries:
    series = get_series(session, series_id)
    for key, value in clean_series_input(data, current=series_values(series)).items():
        if getattr(series, key) != value:
            setattr(series, key, value)
    session.flush()
    return series


# --- generating a 年度 -------------------------------------------------------------------


def check_fiscal_year(fy: Any) -> int:
    if isinstance(fy, bool) or not isinstance(fy, int):
        message = "年度を西暦の整数で指定してください（例: 2026）"
    elif not MIN_FISCAL_YEAR <= fy <= MAX_FISCAL_YEAR:
        message = f"{MIN_FISCAL_YEAR}〜{MAX_FISCAL_YEAR}年度の範囲で指定してください"
    else:
        return fy
    raise ValidationError([FieldError("fiscal_year", Task.__kind__.fields["fiscal_year"], message)])


def _series_to_generate(session: Session, series_id: int | None) -> list[TaskSeries]:
    if series_id is None:
        stmt = select(TaskSeries).where(TaskSeries.active.is_(True)).order_by(TaskSeries.id)
        return list(session.scalars(stmt))
    series = get_series(session, series_id)
    if not series.active:
        message = f"「{series.title}」は無効です。有効にしてからタスクを作成してください"
        raise ValidationError([FieldError("active", FIELD_LABELS["active"], message)])
    return [series]


def _generate_one(
    session: Session, series: TaskSeries, fy: int, closures: Sequence[ClosureRange]
) -> tuple[list[Task], int]:
    wanted = occurrences(rule_of(series), fy, closures)
    have = set(
        session.scalars(
            select(Task.occurrence_on).where(
                Task.series_id == series.id, Task.occurrence_on.in_([o.on for o in wanted])
            )
        )
    )
    new = [
        Task(
            title=series.title,
            body=series.body,
            priority=series.priority,
            status="open",
            due_date=o.due,
            occurrence_on=o.on,
            fiscal_year=fy,
            series_id=series.id,
        )
        for o in wanted
        if o.on not in have
    ]
    if not new:
        return [], len(have)
    session.add_all(new)
    session.flush()
    for kind in COPIED_LINKS:
        for other_id in links.linked_ids(session, "task_series", series.id, kind):
            for task in new:
                links.link(session, "task", task.id, kind, other_id)
    return new, len(have)


def generate_series(session: Session, chosen: Sequence[TaskSeries], fy: int) -> GenerationResult:
    """Create the occurrences of the ``chosen`` rules in the 年度 ``fy`` that are not
    there yet (whether each rule is active is the caller's choice)."""
    fy = check_fiscal_year(fy)
    closures = load_closures(session)
    created: list[int] = []
    existing = 0
    for series in chosen:
        new, had = _generate_one(session, series, fy, closures)
        created.extend(t.id for t in new)
        existing += had
    return GenerationResult(fy, tuple(created), existing)


def generate_fiscal_year(session: Session, series_id: int | None, fy: int) -> GenerationResult:
    """Create the occurrences of one rule (or of every active rule) in the 年度 ``fy``
    that are not there yet, in the caller's transaction (module docstring)."""
    fy = check_fiscal_year(fy)
    return generate_series(session, _series_to_generate(session, series_id), fy)
