"""The change history of a record, described for people (field labels, readable values)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.services import contracts, licenses, systems, vendors
from app.services.assets import FIELD_LABELS as ASSET_LABELS
from app.store.audit import history_of
from app.store.vocab import ASSET_STATUSES, CONTRACT_KINDS, SEGMENTS, TOKUTEI_REASONS

ACTION_LABELS = {"insert": "作成", "update": "変更", "delete": "削除"}
# table → field → label
FIELD_LABELS: dict[str, dict[str, str]] = {
    "assets": {**ASSET_LABELS, "custom_fields": "独自項目"},
    "contracts": contracts.FIELD_LABELS,
    "vendors": vendors.FIELD_LABELS,
    "contacts": vendors.CONTACT_LABELS,
    "licenses": licenses.FIELD_LABELS,
    "business_systems": systems.FIELD_LABELS,
}
_YES_NO = {"1": "はい", "0": "いいえ", "True": "はい", "False": "いいえ"}
# table → field → stored code → label
VALUE_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "assets": {"status": ASSET_STATUSES, "segment": SEGMENTS},
    "contracts": {"kind": CONTRACT_KINDS, "auto_renew": _YES_NO},
    "business_systems": {
        "segment": SEGMENTS,
        "tokutei_iko": _YES_NO,
        "tokutei_reason": {str(k): v for k, v in TOKUTEI_REASONS.items()},
    },
}


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    actor: str
    action: str
    field: str
    before: str
    after: str


def _value(table: str, field: str | None, raw: str | None) -> str:
    if raw is None:
        return ""
    return VALUE_LABELS.get(table, {}).get(field or "", {}).get(raw, raw)


def _snapshot_summary(table: str, raw: str | None, labels: dict[str, str]) -> str:
    if not raw:
        return ""
    try:
        data = json.loads(raw)
    except ValueError:
        return raw
    keys = [k for k in labels if data.get(k) not in (None, "", {})]
    return "、".join(f"{labels[k]}={_value(table, k, str(data[k]))}" for k in keys[:6])


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
    labels = FIELD_LABELS.get(table_name, {})
    lines: list[HistoryLine] = []
    for e in history_of(session, table_name, row_id):
        if e.action == "update" and e.field == "custom_fields":
            for key, before, after in _dict_changes(e.old_value, e.new_value):
                lines.append(
                    HistoryLine(e.at, e.actor, "変更", f"独自項目「{key}」", before, after)
                )
            continue
        if e.action == "update":
            field = labels.get(e.field or "", e.field or "")
            before, after = (
                _value(table_name, e.field, e.old_value),
                _value(table_name, e.field, e.new_value),
            )
        elif e.action == "insert":
            field, before, after = "", "", _snapshot_summary(table_name, e.new_value, labels)
        else:
            field, before, after = "", _snapshot_summary(table_name, e.old_value, labels), ""
        lines.append(
            HistoryLine(e.at, e.actor, ACTION_LABELS.get(e.action, e.action), field, before, after)
        )
    return lines
