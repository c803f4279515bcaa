"""The starter set: the yearly work of a municipal IT desk, offered as recurring rules.

The set is data (``resources/tasks/starter_yearly.json``, ``{"version": 1, "items":
[...]}``), each item a rule in TaskSeries's own field names, read and validated by the
same code as the editor's input. Adopting items creates their rules — an item whose
title a rule already has is taken as adopted and not created again — and generates the
chosen rules' occurrences for a 年度, so adopting again (or for the next 年度) adds only
what is missing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import UserError
from app.paths import resources_dir
from app.services.errors import FieldError, ValidationError
from app.services.tasks.series import (
    GenerationResult,
    check_fiscal_year,
    clean_series_input,
    create_series,
    generate_series,
)
from app.store.models import TaskSeries

STARTER_FILE = Path("tasks") / "starter_yearly.json"
VERSION = 1
# What an item may say: the rule without a period (a starter item has no start date).
ITEM_FIELDS = frozenset(
    {"title", "body", "priority", "rule", "month", "day", "nth", "weekday", "business_day"}
)


class StarterError(UserError):
    """The starter set cannot be read (a broken installation or an edited file)."""


@dataclass(frozen=True)
class StarterItem:
    """One item of the starter set: its rule's values, as create_series takes them."""

    title: str
    values: Mapping[str, Any]


@dataclass(frozen=True)
class AdoptionResult:
    """The rules created, the titles already adopted, and the occurrences generated."""

    created: tuple[int, ...]
    already: tuple[str, ...]
    generation: GenerationResult


def starter_path() -> Path:
    return resources_dir() / STARTER_FILE


def _item(n: int, raw: Any) -> StarterItem:
    if not isinstance(raw, dict):
        raise StarterError(f"{n}件目が項目の形（{{…}}）になっていません")
    title = raw.get("title", "")
    unknown = sorted(set(raw) - ITEM_FIELDS)
    if unknown:
        raise StarterError(f"{n}件目「{title}」に使えない項目があります: {', '.join(unknown)}")
    try:
        values = clean_series_input(raw)
    except ValidationError as exc:
        raise StarterError(f"{n}件目「{title}」が正しくありません:\n{exc}") from exc
    return StarterItem(values["title"], values)


def load_starter(path: Path | None = None) -> list[StarterItem]:
    """The items of the starter set (the bundled file unless ``path`` is given).

    Raises StarterError naming the file and what is wrong with it.
    """
    path = path or starter_path()
    where = f"定例業務の雛形（{path.name}）"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StarterError(f"{where}を読めません: {exc}") from exc
    version = document.get("version") if isinstance(document, dict) else None
    if isinstance(version, bool) or version != VERSION:
        raise StarterError(f"{where}の版（version: {version}）に対応していません")
    raw_items = document.get("items")  # a dict, since it has the version
    if not isinstance(raw_items, list):
        raise StarterError(f"{where}に items の一覧がありません")
    try:
        items = [_item(n, raw) for n, raw in enumerate(raw_items, start=1)]
    except StarterError as exc:
        raise StarterError(f"{where}: {exc}") from exc
    titles = [item.title for item in items]
    if repeated := sorted({t for t in titles if titles.count(t) > 1}):
        raise StarterError(f"{where}に同じ件名が2件以上あります: {'、'.join(repeated)}")
    return items


def adopt_starter(
    session: Session,
    fy: int,
    *,
    chosen: Sequence[str] | None,
    items: Sequence[StarterItem] | None = None,
) -> AdoptionResult:
    """Create the ``chosen`` items' rules (every item when None) that no rule of the same
    title exists for, then generate the 年度 ``fy`` of every chosen title's active rules.

    ``items`` is the starter set (the bundled one unless given). Raises ValidationError,
    with nothing written, for a title the set does not have or a bad 年度.
    """
    fy = check_fiscal_year(fy)
    items = load_starter() if items is None else items
    by_title = {item.title: item for item in items}
    titles = list(by_title) if chosen is None else list(dict.fromkeys(chosen))
    if missing := [t for t in titles if t not in by_title]:
        message = f"雛形にない件名です: {'、'.join(missing)}"
        raise ValidationError([FieldError("title", TaskSeries.__kind__.fields["title"], message)])
    have = set(session.scalars(select(TaskSeries.title).where(TaskSeries.title.in_(titles))))
    created = [create_series(session, by_title[t].values) for t in titles if t not in have]
    stmt = (
        select(TaskSeries)
        .where(TaskSeries.title.in_(titles), TaskSeries.active.is_(True))
        .order_by(TaskSeries.id)
    )
    generation = generate_series(session, list(session.scalars(stmt)), fy)
    already = tuple(t for t in titles if t in have)
    return AdoptionResult(tuple(s.id for s in created), already, generation)
