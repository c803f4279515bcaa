"""Import assets from a ledger file: preview every row, then write all of it or nothing.

    table = read_table(path)                                   # app.interchange
    preview = preview_import(session, table, suggest_mapping(table.headers))
    result = apply_import(db.sessions, preview)                # one transaction

``preview_import`` writes nothing. For each row it says what would happen (create, update
asset N, or unchanged), with the cleaned values, and lists every problem naming the row
(line or Excel row number) and the column. Required: 資産管理番号 mapped, and, when some
rows create assets, 名称 — or, when there is no 名称 column, ホスト名 or 型番, whose value
then names the new asset. (A file that only updates existing assets needs no names.)

Rows update an existing asset when one of ``match_keys`` matches it: asset tag, serial
number, MAC address (any notation), host name (case-insensitive). A row matching two
different assets, two rows matching the same asset, or a tag repeated in the file are
problems. Department and location names not yet known are created by the import (the
preview lists them); an unknown 種別 is a problem. Columns the mapping does not name are
kept as custom fields (a CustomFieldDef for all types is added when missing).

``apply_import`` refuses (ImportRejected, nothing written) while there are problems,
unless ``skip_bad_rows``; then it writes the good rows in ONE transaction. New
departments, locations and custom field definitions (a few rows) go through the ORM; the
assets are written with Core executemany statements (an ORM flush of 10,000 objects takes
seconds), and their change history and search index entries are written the same way
(:func:`app.store.audit.record_bulk`, :func:`app.store.search_index.index_objects`) —
the same rows the flush hooks write, and only when the session factory has those hooks.
Cancelling rolls everything back. If the database changed since the preview, the preview
is redone inside the transaction.

Columns holding secrets (:func:`app.interchange.asset_mapping.secret_kind`: パスワード,
ライセンスキー …) never become fields or custom fields: a mapping naming one so is a
problem, and a header the mapping leaves out is not imported. The preview lists them
(``secret_columns``: header and number of values, never a value). For a column mapped to
``KEYRING``, ``apply_import`` adds one credential reference per non-empty cell of the
written rows (label 「<資産管理番号> <見出し>」, made unique) in the same transaction as
the assets; the values go into the SecretStore only after that transaction committed
(:func:`app.services.credentials.put_secrets`), and the references whose value the store
refused are removed again; ``ImportResult.secrets`` says which.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, bindparam, func, inspect, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.errors import UserError
from app.interchange.asset_mapping import (
    IGNORE,
    custom_key,
    custom_target,
    is_custom,
    is_keyring,
    secret_kind,
)
from app.interchange.table_reader import TableData
from app.progress import Progress
from app.services import credentials
from app.services.inventory.asset_import_check import check_rows
from app.services.inventory.asset_import_rows import (
    DEFAULT_MATCH_KEYS,
    NAME_FALLBACKS,
    ImportPreview,
    PreviewRow,
    RowProblem,
    SecretColumn,
    clean_cell,
    grouped,
    name_key,
)
from app.services.inventory.assets import FIELD_LABELS
from app.services.inventory.import_profiles import (
    load_profiles,
    match_profile,
    parse_target,
    save_profile,
    target_label,
)
from app.services.inventory.import_values import ValueChoices
from app.services.inventory.reference_lists import create_asset_types
from app.store import audit, bulk, search_index
from app.store.changes import note as changes_note
from app.store.models import (
    Asset,
    AssetType,
    ChangeLogEntry,
    CustomFieldDef,
    Department,
    Location,
    utcnow,
)

if TYPE_CHECKING:
    from app.secrets import SecretStore

__all__ = [
    "DEFAULT_MATCH_KEYS",
    "ImportPreview",
    "ImportRejected",
    "ImportResult",
    "NoSecretStore",
    "PreviewRow",
    "RowProblem",
    "SecretColumn",
    "apply_import",
    "load_profiles",
    "match_profile",
    "parse_target",
    "preview_import",
    "save_profile",
    "secret_columns",
    "target_label",
]

MAX_LISTED_PROBLEMS = 20
ASSETS = cast(Table, Asset.__table__)
FLUSH_EVERY = 500


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    skipped: int  # rows with problems left out (skip_bad_rows)
    custom_fields_added: int
    unchanged: int = 0
    departments_added: int = 0
    locations_added: int = 0
    types_added: int = 0
    # Values of KEYRING columns: stored, or not (their references removed again).
    secrets: credentials.PutOutcome = field(default_factory=credentials.PutOutcome)
    secrets_kept_in: str = ""  # SecretStore.where_kept(), when values were stored


class ImportRejected(UserError):
    """Problems stop the import; nothing was written."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        said = grouped(problems)
        lines = said[:MAX_LISTED_PROBLEMS]
        if len(said) > MAX_LISTED_PROBLEMS:
            lines.append(f"ほか {len(said) - MAX_LISTED_PROBLEMS:,} 件")
        super().__init__(
            f"問題が {len(problems):,} 件あるため取り込みませんでした（何も書き込んでいません）。\n"
            + "\n".join(lines)
        )


# --- preview ---------------------------------------------------------------------------


def _default_target(header: str) -> str:
    return IGNORE if secret_kind(header) is not None else custom_target(header)


def _full_mapping(headers: Sequence[str], mapping: dict[str, str]) -> dict[str, str]:
    return {h: mapping.get(h, _default_target(h)) for h in headers}


def secret_columns(table: TableData, mapping: dict[str, str]) -> list[SecretColumn]:
    """The columns holding secrets (by header, or sent to the keyring by the mapping),
    with where their values go and how many non-empty values each has."""
    out: list[SecretColumn] = []
    full = _full_mapping(table.headers, mapping)
    for index, header in enumerate(table.headers):
        kind = secret_kind(header)
        target = full[header]
        if kind is None and not is_keyring(target):
            continue
        values = sum(1 for row in table.rows if clean_cell(row[index]))
        out.append(
            SecretColumn(header, index, kind or "password", is_keyring(target), values,
                         kind is not None)
        )  # fmt: skip
    return out


def _secret_problem(header: str) -> RowProblem:
    return RowProblem(
        None, header, None,
        "秘密の値（パスワード・キーなど）の列は項目や独自項目には取り込めません。"
        "「キーリングに保存」か「取り込まない」を選んでください",
    )  # fmt: skip


def _mapping_problems(mapping: dict[str, str]) -> list[RowProblem]:
    problems: list[RowProblem] = []
    by_target: dict[str, list[str]] = {}
    for header, target in mapping.items():
        if target == IGNORE or is_keyring(target):
            continue
        if secret_kind(header) is not None:
            problems.append(_secret_problem(header))
            continue
        if not is_custom(target) and target not in FIELD_LABELS:
            problems.append(RowProblem(None, header, None, f"取込先「{target}」は不明な項目です"))
        key = f"custom:{custom_key(target)}" if is_custom(target) else target
        by_target.setdefault(key, []).append(header)
    for target, headers in by_target.items():
        if len(headers) > 1:
            names = "」「".join(headers)
            problems.append(
                RowProblem(
                    None, headers[1], target,
                    f"「{names}」が同じ取込先（{target_label(target)}）に対応付けられています",
                )
            )  # fmt: skip
    if "asset_tag" not in by_target:
        problems.append(
            RowProblem(None, None, "asset_tag", "必須の列「資産管理番号」が対応付けられていません")
        )
    return problems


def _name_problem(preview: ImportPreview) -> RowProblem | None:
    """No column can name a new asset while some rows would create one."""
    if any(f in preview.mapping.values() for f in ("name", *NAME_FALLBACKS)):
        return None
    creates = [r.row_number for r in preview.rows if r.ok and r.action == "create"]
    if not creates:
        return None  # an update-only file (e.g. new IP addresses) needs no names
    shown = "・".join(str(n) for n in creates[:10]) + ("…" if len(creates) > 10 else "")
    return RowProblem(
        None, None, "name",
        "必須の列「名称」が対応付けられていません。名称・ホスト名・型番のいずれかの列が必要です"
        f"（新しく登録する行: {shown}行目）",
    )  # fmt: skip


def db_stamp(session: Session) -> tuple[Any, ...]:
    """Changes whenever assets or the names they refer to change (checked before writing)."""

    def scalar(stmt: Any) -> Any:
        return session.execute(stmt).scalar()

    return (
        scalar(select(func.max(ChangeLogEntry.id))),
        *session.execute(
            select(func.count(Asset.id), func.max(Asset.id), func.max(Asset.updated_at))
        ).one(),
        scalar(select(func.count(Department.id))),
        scalar(select(func.count(Location.id))),
        scalar(select(func.count(CustomFieldDef.id))),
        scalar(select(func.count(AssetType.id))),
    )


def preview_import(
    session: Session,
    table: TableData,
    mapping: dict[str, str],
    *,
    match_keys: Sequence[str] = DEFAULT_MATCH_KEYS,
    values: ValueChoices | None = None,
    progress: Progress | None = None,
) -> ImportPreview:
    """Check every row against the database and say what importing would do.

    ``values``: what unknown values of the lookup columns become (see import_values);
    without it, each unknown value is a problem."""
    full = _full_mapping(table.headers, mapping)
    stamp = db_stamp(session)
    preview = ImportPreview(
        table, full, tuple(match_keys), [], _mapping_problems(full), [], [], [], stamp,
        secret_columns(table, full), values=values,
    )  # fmt: skip
    if preview.file_problems:
        return preview
    check_rows(session, preview, progress, values)
    problem = _name_problem(preview)
    if problem is not None:
        preview.file_problems.append(problem)
    return preview


# --- apply -----------------------------------------------------------------------------


def _refuse_if_bad(preview: ImportPreview, skip_bad_rows: bool) -> None:
    if preview.file_problems:
        raise ImportRejected(preview.problems())
    if not skip_bad_rows and preview.bad_rows:
        raise ImportRejected(preview.problems())


class NoSecretStore(UserError):
    """Columns go to the keyring but no SecretStore was given; nothing was written."""


def apply_import(
    session_factory: sessionmaker[Session],
    preview: ImportPreview,
    *,
    skip_bad_rows: bool = False,
    progress: Progress | None = None,
    secrets: SecretStore | None = None,
) -> ImportResult:
    """Write the previewed rows in one transaction; all or nothing. Then, after the
    commit, the values of the KEYRING columns into ``secrets``."""
    _refuse_if_bad(preview, skip_bad_rows)
    if preview.keyring_columns and secrets is None:
        names = "」「".join(c.header for c in preview.keyring_columns)
        raise NoSecretStore(
            f"「{names}」をキーリングに保存する設定ですが、保存先（キーリング）がありません。"
            "何も書き込んでいません"
        )
    hooks = _Hooks(audit.is_installed(session_factory), search_index.is_installed(session_factory))
    where_kept = secrets.where_kept() if secrets is not None else ""
    with session_factory() as session, session.begin():
        if db_stamp(session) != preview.stamp:
            preview = preview_import(
                session, preview.table, preview.mapping,
                match_keys=preview.match_keys, values=preview.values, progress=progress,
            )  # fmt: skip
            _refuse_if_bad(preview, skip_bad_rows)
        result, pending = _write(session, preview, progress, hooks, where_kept)
    # Committed: only now may the values go into the keyring (see app.services.credentials).
    if not pending or secrets is None:
        return result
    outcome = credentials.put_secrets(session_factory, secrets, pending, progress)
    return replace(result, secrets=outcome, secrets_kept_in=where_kept)


@dataclass(frozen=True)
class _Hooks:
    """Which flush hooks the session factory has: the bulk writes do their work."""

    history: bool
    search: bool


class _AssetValues:
    """A row's values as attributes, for Asset.search_document (building transient Asset
    objects costs ~75 µs each, as much as the rest of the write)."""

    search_document = Asset.search_document

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


def _column_defaults() -> dict[str, Any]:
    """Every column attribute of Asset → the value an ORM insert gives it when not set
    (its Python-side default, else None)."""
    out: dict[str, Any] = {}
    for attr in inspect(Asset).column_attrs:
        default = attr.columns[0].default
        if default is None:
            out[attr.key] = None
        elif default.is_scalar:
            out[attr.key] = default.arg
        else:  # a callable (dict, utcnow); SQLAlchemy wraps it to take a context
            out[attr.key] = default.arg(None)
    return out


def _create_names(session: Session, model: Any, names: list[str]) -> dict[str, int]:
    objs = {name_key(n): model(name=n) for n in names}
    session.add_all(objs.values())
    session.flush()
    return {k: o.id for k, o in objs.items()}


def _create_types(session: Session, names: list[str]) -> dict[str, int]:
    """New asset types (reference_lists.create_asset_types), by normalised name."""
    return {name_key(t.name): t.id for t in create_asset_types(session, names)}


def _current_rows(session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Every column of the assets ``ids`` (keyed by attribute key), in a few SELECTs."""
    cols = [attr.columns[0].label(attr.key) for attr in inspect(Asset).column_attrs]
    out: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in session.execute(select(*cols).where(Asset.id.in_(chunk))).mappings():
            out[row["id"]] = dict(row)
    return out


def _write(
    session: Session,
    preview: ImportPreview,
    progress: Progress | None,
    hooks: _Hooks,
    where_kept: str,
) -> tuple[ImportResult, list[credentials.PendingSecret]]:
    todo = [r for r in preview.rows if r.ok and r.action in ("create", "update")]
    created_ids: dict[int, int] = {}  # row number → id of the asset it created
    # The few ORM writes first, with the flush hooks writing their history/index entries.
    departments = sorted({r.new_department for r in todo if r.new_department})
    locations = sorted({r.new_location for r in todo if r.new_location})
    types = sorted({r.new_type for r in todo if r.new_type})
    dept_ids = _create_names(session, Department, departments) if departments else {}
    loc_ids = _create_names(session, Location, locations) if locations else {}
    type_ids = _create_types(session, types) if types else {}
    custom_added = _add_custom_defs(session, todo)
    session.flush()
    # Then the assets, with Core statements on the same connection and transaction.
    conn = session.connection()
    update_ids = [r.asset_id for r in todo if r.action == "update" and r.asset_id is not None]
    current = _current_rows(session, update_ids)
    # Ids are assigned here (SQLite's choice, max + 1, would be the same) so that the
    # history and the index can be written without reading them back. SQLite serialises
    # writers and this runs inside the write transaction, so no other writer can take them.
    last_id = bulk.last_id(conn, ASSETS)
    defaults = _column_defaults()
    actor = session.info.get("actor", "unknown")
    created = updated = 0
    for start in range(0, len(todo), FLUSH_EVERY):
        if progress is not None:
            progress.check()
        now = utcnow()
        inserts: list[dict[str, Any]] = []
        changes: list[tuple[int, dict[str, Any]]] = []
        for row in todo[start : start + FLUSH_EVERY]:
            values = dict(row.values)
            if row.new_department:
                values["department_id"] = dept_ids[name_key(row.new_department)]
            if row.new_location:
                values["location_id"] = loc_ids[name_key(row.new_location)]
            if row.new_type:
                values["asset_type_id"] = type_ids[name_key(row.new_type)]
            if row.action == "create":
                last_id += 1
                created_ids[row.row_number] = last_id
                inserts.append({**defaults, **values, "custom_fields": dict(row.custom),
                                "id": last_id, "created_at": now, "updated_at": now})  # fmt: skip
                created += 1
                continue
            old = current[row.asset_id]  # type: ignore[index]
            changed = {k: v for k, v in values.items() if old[k] != v}
            old_custom = old["custom_fields"] or {}
            merged = {**old_custom, **row.custom}
            if merged != old_custom:
                changed["custom_fields"] = merged
            if changed:  # as the ORM: an update that changes nothing is not written
                changed["updated_at"] = now
                changes.append((row.asset_id, changed))  # type: ignore[arg-type]
            updated += 1
        _write_chunk(session, inserts, changes, current, actor, hooks)
        if progress is not None:
            progress.report(min(start + FLUSH_EVERY, len(todo)), len(todo), "書き込んでいます")
    if created:
        bulk.ids_given(conn, ASSETS, last_id)
    pending = _secret_references(session, preview, created_ids, where_kept)
    if progress is not None:
        progress.check()  # the last chance to cancel: nothing is committed yet
    result = ImportResult(
        created=created,
        updated=updated,
        skipped=preview.bad_rows,
        custom_fields_added=custom_added,
        unchanged=preview.count("unchanged"),
        departments_added=len(departments),
        locations_added=len(locations),
        types_added=len(types),
    )
    return result, pending


def _secret_references(
    session: Session, preview: ImportPreview, created_ids: dict[int, int], where_kept: str
) -> list[credentials.PendingSecret]:
    """One credential reference per non-empty KEYRING cell of the rows written (and of
    the rows that changed nothing: their asset exists), in the import's transaction.
    The values stay in memory, paired with the references, until after the commit."""
    columns = preview.keyring_columns
    if not columns:
        return []
    table = preview.table
    targets: list[tuple[int, int, str]] = []  # (row index, asset id, tag from the file)
    for i, row in enumerate(preview.rows):
        if not row.ok or row.action not in ("create", "update", "unchanged"):
            continue
        asset_id = created_ids.get(row.row_number, row.asset_id)
        if asset_id is not None and any(clean_cell(table.rows[i][c.index]) for c in columns):
            targets.append((i, asset_id, str(row.values.get("asset_tag") or "")))
    missing = [asset_id for _i, asset_id, tag in targets if not tag]
    tags: dict[int, str] = {}
    for start in range(0, len(missing), 500):
        chunk = missing[start : start + 500]
        stmt = select(Asset.id, Asset.asset_tag).where(Asset.id.in_(chunk))
        tags.update({asset_id: tag for asset_id, tag in session.execute(stmt)})
    specs: list[credentials.RefSpec] = []
    values: list[str] = []
    for i, asset_id, file_tag in targets:
        tag = file_tag or tags.get(asset_id, "")
        for col in columns:
            value = clean_cell(table.rows[i][col.index])
            if value:
                specs.append(
                    credentials.RefSpec(
                        f"{tag} {col.header}", col.kind,
                        credentials.make_username(f"asset-{asset_id}"),
                        f"資産「{tag}」（ID {asset_id}）の台帳取込で、列「{col.header}」の値を"
                        "キーリングに保存",
                    )
                )  # fmt: skip
                values.append(value)
    refs = credentials.new_references(session, specs, where_kept=where_kept)
    return [credentials.PendingSecret(ref, value) for ref, value in zip(refs, values, strict=True)]


def _write_chunk(
    session: Session,
    inserts: list[dict[str, Any]],
    changes: list[tuple[int, dict[str, Any]]],
    current: dict[int, dict[str, Any]],
    actor: str,
    hooks: _Hooks,
) -> None:
    """INSERT and UPDATE one chunk of assets, then their history and index entries."""
    conn = session.connection()
    table = ASSETS
    if inserts:
        bulk.insert_many(conn, table, inserts)
    # Written with Core statements: say what changed (the flush hook does not see them).
    changes_note(session, Asset.__kind__.code, [v["id"] for v in inserts] + [i for i, _ in changes])
    # One executemany per set of changed columns (SET takes the keys of the parameters).
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for asset_id, changed in changes:
        by_columns.setdefault(tuple(sorted(changed)), []).append({"_id": asset_id, **changed})
    for params in by_columns.values():
        conn.execute(update(table).where(table.c.id == bindparam("_id")), params)
    if hooks.history and not session.info.get("skip_audit"):
        audit.record_bulk(
            conn, actor, Asset.__tablename__,
            [(v["id"], v) for v in inserts],
            [(i, k, current[i][k], v) for i, changed in changes for k, v in changed.items()],
        )  # fmt: skip
    for asset_id, changed in changes:
        current[asset_id].update(changed)  # the row as now written
    if hooks.search and not session.info.get("skip_search_index"):
        items = [(v["id"], _AssetValues(v)) for v in inserts]
        items += [(asset_id, _AssetValues(current[asset_id])) for asset_id, _ in changes]
        search_index.index_objects(conn, Asset.__kind__.code, items)


def _add_custom_defs(session: Session, rows: list[PreviewRow]) -> int:
    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(row.custom))
    have = set(
        session.scalars(select(CustomFieldDef.key).where(CustomFieldDef.asset_type_id.is_(None)))
    )
    missing = [k for k in keys if k not in have]
    if not missing:
        return 0
    position = session.scalar(select(func.max(CustomFieldDef.position))) or 0
    for offset, key in enumerate(missing, start=1):
        session.add(CustomFieldDef(asset_type_id=None, key=key, label=key[:100], kind="text",
                                   position=position + offset))  # fmt: skip
    session.flush()
    return len(missing)
