"""The change history of a record, described for people (field labels, readable values).

Labels come from the record's kind (app.store.kinds), declared beside its model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.store.audit import history_of
from app.store.kind_index import RecordKind, kind_by_code, kind_of, model_by_table

ACTION_LABELS = {
    "insert": "作成",
    "update": "変更",
    "delete": "削除",
    "link": "関連付け",
    "unlink": "関連付けを解除",
}
# Link rows name the other record's kind in ``field`` (app.services.links).
LINK_ACTIONS = frozenset({"link", "unlink"})
# Attributes shown per key (a JSON object of the user's own fields).
PER_KEY_FIELDS = {"custom_fields": "独自項目"}
_NO_KIND = RecordKind("", "")


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    actor: str
    action: str
    field: str
    before: str
    after: str


def kind_of_table(table: str) -> RecordKind:
    model = model_by_table(table)
    return kind_of(model) if model is not None else _NO_KIND


def _kind_label(code: str) -> str:
    try:
        return kind_by_code(code).label
    except KeyError:
        return code


def _snapshot_summary(kind: RecordKind, raw: str | None) -> str:
    if not raw:
        return ""
    try:
        data = json.loads(raw)
    except ValueError:
        return raw
    keys = [k for k in kind.fields if data.get(k) not in (None, "", {})]
    return "、".join(f"{kind.field_label(k)}={kind.value_label(k, data[k])}" for k in keys[:6])


def _dict_changes(old: str | None, new: str | None) -> list[tuple[str, str, str]]:
    """Per-key changes between two JSON objects (custom fields), keys in order."""
    try:
        before = json.loads(old) if old else {}
        after = json.loads(new) if new else {}
    except ValueError:
        return [("", old or "", new or "")]
    keys = list(dict.fromkeys([*before, *after]))
    return [
        (k, str(before.get(k, "")), str(after.get(k, "")))
        for k in keys
        if before.get(k) != after.get(k)
    ]


def describe_history(session: Session, table_name: str, row_id: int | str) -> list[HistoryLine]:
    """The history of one record, newest first, ready to show."""
    kind = kind_of_table(table_name)
    lines: list[HistoryLine] = []
    for e in history_of(session, table_name, row_id):
        action = ACTION_LABELS.get(e.action, e.action)
        if e.action == "update" and e.field in PER_KEY_FIELDS:
            label = PER_KEY_FIELDS[e.field]
            for key, before, after in _dict_changes(e.old_value, e.new_value):
                lines.append(HistoryLine(e.at, e.actor, action, f"{label}「{key}」", before, after))
            continue
        if e.action in LINK_ACTIONS:
            other = _kind_label(e.field or "")
            lines.append(HistoryLine(e.at, e.actor, action, other, e.old_value or "",
                                     e.new_value or ""))  # fmt: skip
            continue
        if e.action == "update":
            name = e.field or ""
            field = kind.field_label(name)
            before, after = kind.value_label(name, e.old_value), kind.value_label(name, e.new_value)
        elif e.action == "insert":
            field, before, after = "", "", _snapshot_summary(kind, e.new_value)
        else:
            field, before, after = "", _snapshot_summary(kind, e.old_value), ""
        lines.append(HistoryLine(e.at, e.actor, action, field, before, after))
    return lines
