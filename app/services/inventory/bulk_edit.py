"""Bulk edit of the assets selected in the ledger: one field set to one value (or
cleared) on every one of them, in one transaction, with one history entry per asset
that changed — the same rows the flush hook writes for an edit in the editor.

Only the fields it makes sense to set on many machines at once are offered
(``BULK_FIELDS``); the value is checked by the same cleaner as the editor's.

Written with Core statements (as the import's bulk path): through the ORM, 5,000 assets
took 3.9–4.4 s on the 2-core machine (the flush hook inspects every object's
attributes); this way about a tenth of that (tests/bench/bench_bulk_edit.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.errors import UserError
from app.progress import Progress
from app.services.inventory.asset_fields import field_cleaner
from app.store import audit, changes, search_index
from app.store.models import ASSET_FIELDS, Asset, AssetType, Department, Location, utcnow

BULK_FIELDS = (
    "department_id", "location_id", "status", "asset_type_id", "segment", "user_name",
    "maintenance_end", "notes",
)  # fmt: skip
_REFERENCES = {"department_id": Department, "location_id": Location, "asset_type_id": AssetType}
BATCH = 500
SEARCHED = frozenset({"user_name", "notes"})  # in the asset's search document


class BulkEditError(UserError):
    """Refused; nothing was written."""


def bulk_label(field: str) -> str:
    return ASSET_FIELDS[field]


def bulk_update(
    session: Session,
    asset_ids: Sequence[int],
    field: str,
    value: Any,
    progress: Progress | None = None,
) -> int:
    """Set ``field`` to ``value`` (None or "": cleared) on the assets ``asset_ids``;
    returns how many changed. Ids deleted meanwhile are skipped."""
    if field not in BULK_FIELDS:
        raise BulkEditError(f"一括変更できない項目です: {field}")
    typed = _typed(session, field, value)
    ids = list(dict.fromkeys(asset_ids))
    column = getattr(Asset, field)
    conn = session.connection()
    now = utcnow()
    changed: list[tuple[int, Any]] = []
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        olds = conn.execute(select(Asset.id, column).where(Asset.id.in_(chunk))).all()
        moved = [(asset_id, old) for asset_id, old in olds if old != typed]
        if moved:
            conn.execute(
                update(Asset)
                .where(Asset.id.in_([asset_id for asset_id, _ in moved]))
                .values({field: typed, "updated_at": now})
            )
            changed.extend(moved)
        if progress is not None:
            progress.check()
            progress.report(min(start + BATCH, len(ids)), len(ids), "一括変更しています")
    if not changed:
        return 0
    if not session.info.get("skip_audit"):
        actor = session.info.get("actor", "unknown")
        audit.record_bulk(
            conn, actor, Asset.__tablename__, [],
            [(asset_id, field, old, typed) for asset_id, old in changed],
        )  # fmt: skip
    changed_ids = [asset_id for asset_id, _ in changed]
    changes.note(session, Asset.__kind__.code, changed_ids)
    session.expire_all()  # objects loaded before see the new values
    if field in SEARCHED:  # the search index follows, as the flush hook would
        for start in range(0, len(changed_ids), BATCH):
            chunk = changed_ids[start : start + BATCH]
            assets = session.scalars(select(Asset).where(Asset.id.in_(chunk))).all()
            search_index.index_objects(conn, Asset.__kind__.code, [(a.id, a) for a in assets])
    return len(changed)


def _typed(session: Session, field: str, value: Any) -> Any:
    label = bulk_label(field)
    if value in (None, ""):
        if field in ("status", "segment"):
            raise BulkEditError(f"{label}は空にできません。値を選んでください")
        return None if field.endswith("_id") or field == "maintenance_end" else ""
    if field in _REFERENCES:
        if session.get(_REFERENCES[field], value) is None:
            raise BulkEditError(
                f"{label}（ID {value}）は見つかりません。削除された可能性があります"
            )
        return value
    typed, problems = field_cleaner(field)(value)
    if problems:
        raise BulkEditError(f"{label}: {problems[0]}")
    return typed
