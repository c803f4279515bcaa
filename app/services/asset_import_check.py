"""The row-by-row part of the import preview: clean, resolve names, match, validate.

Validation is :func:`app.services.assets.clean_asset_input`, the same as the editor's,
so messages are the same as when typing the value by hand. Existing assets are loaded
once into dictionaries for matching (one query, not one per row).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.interchange.asset_mapping import IGNORE, custom_key, is_custom
from app.progress import Progress
from app.services.asset_import_rows import (
    NAME_FALLBACKS,
    NAME_LIMIT,
    ImportPreview,
    MatchIndex,
    PreviewRow,
    References,
    RowProblem,
    clean_cell,
    coded_value,
    existing_values,
    looks_like_formula,
    mac_key,
    name_key,
)
from app.services.assets import FIELD_LABELS, TEXT_LIMITS, clean_asset_input
from app.services.errors import FieldError, ValidationError
from app.store.models import AssetType, Department, Location

_PARTIAL = 0  # no asset has id 0
FORMULA_NOTE = "数式のような値です。計算せず、文字のまま取り込みます"


@dataclass
class _Columns:
    fields: list[tuple[int, str, str]]  # (index, header, field)
    custom: list[tuple[int, str, str]]  # (index, header, custom key)
    header_of: dict[str, str]  # field → header
    name_source: str | None  # header whose value names a new asset

    @classmethod
    def of(cls, mapping: dict[str, str]) -> _Columns:
        fields, custom = [], []
        for index, (header, target) in enumerate(mapping.items()):
            if target == IGNORE:
                continue
            if is_custom(target):
                custom.append((index, header, custom_key(target)))
            else:
                fields.append((index, header, target))
        header_of = {f: h for _i, h, f in fields}
        source = next((f for f in ("name", *NAME_FALLBACKS) if f in header_of), None)
        return cls(fields, custom, header_of, header_of[source] if source else None)


class _Checker:
    def __init__(self, session: Session, preview: ImportPreview) -> None:
        self.session = session
        self.preview = preview
        self.cols = _Columns.of(preview.mapping)
        self.refs = References.load(session)
        # clean_asset_input checks ids with session.get(); the identity map holds objects
        # only weakly, so keep the few reference rows alive instead of a query per row.
        self._alive = [
            *session.scalars(select(AssetType)),
            *session.scalars(select(Department)),
            *session.scalars(select(Location)),
        ]
        self.index = MatchIndex.load(session, preview.match_keys)
        self.cell_problems: dict[int, list[RowProblem]] = {}
        target_of = preview.mapping
        for p in preview.table.cell_problems:
            if target_of.get(p.column_header) == IGNORE:
                continue  # the user left the column out: its content does not matter
            self.cell_problems.setdefault(p.row_number, []).append(
                RowProblem(p.row_number, p.column_header, target_of.get(p.column_header), p.message)
            )

    def problem(
        self, row_no: int, field: str, message: str, header: str | None = None
    ) -> RowProblem:
        return RowProblem(row_no, header or self.cols.header_of.get(field), field, message)

    def row(self, row_no: int, cells: list[str]) -> PreviewRow:
        refs = self.refs
        problems = list(self.cell_problems.get(row_no, ()))
        notes: list[RowProblem] = []
        data: dict[str, object] = {}
        out = PreviewRow(row_no, "create", None, {}, {}, problems, notes)
        for index, header, field in self.cols.fields:
            value = clean_cell(cells[index])
            if not value:
                continue
            if looks_like_formula(value):
                notes.append(RowProblem(row_no, header, field, FORMULA_NOTE))
            if field in ("department_id", "location_id"):
                known = refs.departments if field == "department_id" else refs.locations
                ref_id = known.get(name_key(value))
                if ref_id is not None:
                    data[field] = ref_id
                elif len(value) > NAME_LIMIT:
                    problems.append(
                        self.problem(row_no, field, f"{NAME_LIMIT}文字以内で入力してください"
                                     f"（{len(value)}文字）", header)
                    )  # fmt: skip
                elif field == "department_id":
                    out.new_department = " ".join(value.split())
                else:
                    out.new_location = " ".join(value.split())
            elif field == "asset_type_id":
                type_id = refs.types.get(name_key(value))
                if type_id is None:
                    problems.append(self.problem(row_no, field, self._unknown_type(value), header))
                else:
                    data[field] = type_id
            else:
                data[field] = coded_value(field, value)
        for index, header, key in self.cols.custom:
            value = clean_cell(cells[index])
            if value:
                if looks_like_formula(value):
                    notes.append(RowProblem(row_no, header, None, FORMULA_NOTE))
                out.custom[key] = value
        self._match(out, data)
        if out.asset_id is None and "name" not in self.cols.header_of:
            fallback = next((data[f] for f in NAME_FALLBACKS if data.get(f)), None)
            if fallback:
                data["name"] = fallback
        self._validate(out, data)
        return out

    def _validate(self, out: PreviewRow, data: dict[str, object]) -> None:
        """clean_asset_input on every field but the tag, whose uniqueness is looked up in
        the tags loaded once (same messages as clean_asset_input's own check)."""
        tag = data.pop("asset_tag", "")
        errors = self._check_tag(str(tag), out.asset_id)
        if out.asset_id is None and not data.get("name") and self.cols.name_source:
            errors.append(FieldError("name", FIELD_LABELS["name"], "必須です"))
        values: dict[str, object] = {}
        try:
            # A given asset_id validates only the fields present (no required fields, no
            # tag query); _PARTIAL stands in for a new asset, whose required fields and
            # tag are checked above.
            asset_id = out.asset_id if out.asset_id is not None else _PARTIAL
            values = clean_asset_input(self.session, data, asset_id=asset_id)
        except ValidationError as exc:
            errors = [*exc.errors, *errors]
        for err in errors:
            header = self.cols.name_source if err.field == "name" else None
            out.problems.append(self.problem(out.row_number, err.field, err.message, header))
        if tag:
            values["asset_tag"] = tag
        out.values = values

    def _check_tag(self, tag: str, asset_id: int | None) -> list[FieldError]:
        def err(message: str) -> list[FieldError]:
            return [FieldError("asset_tag", FIELD_LABELS["asset_tag"], message)]

        if not tag:
            return err("必須です") if asset_id is None else []
        limit = TEXT_LIMITS["asset_tag"]
        if len(tag) > limit:
            return err(f"{limit}文字以内で入力してください（{len(tag)}文字）")
        if "\x00" in tag:
            return err("制御文字（NUL）は使えません")
        owner = self.index.tag_owner.get(tag)
        if owner is not None and owner != asset_id:
            return err(f"「{tag}」は既に使われています")
        return []

    def _unknown_type(self, value: str) -> str:
        names = "、".join(self.refs.type_names[:20])
        return (
            f"種別「{value}」は登録されていません（登録済み: {names}）。"
            "取込先を「独自項目」にするか、種別を登録してから取り込んでください"
        )

    def _match(self, out: PreviewRow, data: dict[str, object]) -> None:
        found = self.index.find({k: str(v) for k, v in data.items() if isinstance(v, str)})
        ids = set().union(*found.values()) if found else set()
        if len(ids) > 1:
            keys = list(found)
            out.problems.append(
                self.problem(out.row_number, keys[-1],
                             f"別々の既存資産に一致します（{self.index.describe(found)}）")
            )  # fmt: skip
        elif ids:
            out.asset_id = next(iter(ids))
            out.matched_by = next(iter(found))
            out.action = "update"


def check_rows(session: Session, preview: ImportPreview, progress: Progress | None) -> None:
    """Fill ``preview.rows`` and the lists of names and fields the import would add."""
    checker = _Checker(session, preview)
    table = preview.table
    total = len(table.rows)
    with session.no_autoflush:
        for n, (row_no, cells) in enumerate(zip(table.source_rows, table.rows, strict=True)):
            if progress is not None and n % 500 == 0:
                progress.check()
                progress.report(n, total, "内容を確認しています")
            preview.rows.append(checker.row(row_no, cells))
    _in_file_duplicates(checker, preview)
    _unchanged(session, preview)
    ok = [r for r in preview.rows if r.ok]
    preview.new_departments = sorted({r.new_department for r in ok if r.new_department})
    preview.new_locations = sorted({r.new_location for r in ok if r.new_location})
    custom_keys = dict.fromkeys(k for r in ok for k in r.custom)
    preview.new_custom_fields = [k for k in custom_keys if k not in checker.refs.custom_keys]
    if progress is not None:
        progress.report(total, total, "確認しました")


def _in_file_duplicates(checker: _Checker, preview: ImportPreview) -> None:
    by_tag: dict[str, list[PreviewRow]] = {}
    by_asset: dict[int, list[PreviewRow]] = {}
    for row in preview.rows:
        tag = row.values.get("asset_tag")
        if tag:
            by_tag.setdefault(tag, []).append(row)
        if row.asset_id is not None:
            by_asset.setdefault(row.asset_id, []).append(row)
    for tag, rows in by_tag.items():
        if len(rows) > 1:
            numbers = "・".join(str(r.row_number) for r in rows)
            for r in rows:
                r.problems.append(
                    checker.problem(r.row_number, "asset_tag",
                                    f"資産管理番号「{tag}」がファイル内で重複しています（{numbers}行目）")
                )  # fmt: skip
    for asset_id, rows in by_asset.items():
        if len(rows) > 1:
            numbers = "・".join(str(r.row_number) for r in rows)
            tag = checker.index.tags.get(asset_id, "")
            for r in rows:
                r.problems.append(
                    checker.problem(r.row_number, r.matched_by or "asset_tag",
                                    f"既存の同じ資産（ID {asset_id}「{tag}」）に複数の行"
                                    f"（{numbers}行目）が一致します")
                )  # fmt: skip


def _unchanged(session: Session, preview: ImportPreview) -> None:
    """Rows that would change nothing become ``unchanged``; MAC notation is kept."""
    updates = [r for r in preview.rows if r.ok and r.asset_id is not None]
    if not updates:
        return
    fields = sorted({k for r in updates for k in r.values})
    current = existing_values(session, [r.asset_id for r in updates], fields)  # type: ignore[misc]
    for row in updates:
        old = current.get(row.asset_id)  # type: ignore[arg-type]
        if old is None:
            continue
        mac = row.values.get("mac_address")
        if mac and old.get("mac_address") and mac_key(mac) == mac_key(old["mac_address"]):
            row.values["mac_address"] = old["mac_address"]
        same_values = all(old.get(k) == v for k, v in row.values.items())
        same_custom = all(old["custom_fields"].get(k) == v for k, v in row.custom.items())
        if same_values and same_custom and not (row.new_department or row.new_location):
            row.action = "unchanged"
