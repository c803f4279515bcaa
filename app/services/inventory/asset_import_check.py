"""The row-by-row part of the import preview: clean, resolve names, match, validate.

Each value is checked by :func:`app.services.inventory.asset_fields.clean_field`, as the editor's
input is, so messages are the same as when typing the value by hand; a value repeated
down a column is checked once. A column going to the keyring is only checked for what
the keyring cannot keep (control characters, length); its values are never copied
into the preview's rows, and no message quotes them. Existing assets, departments,
locations and types are loaded once into dictionaries (one query each, not one per row).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.interchange.asset_mapping import IGNORE, custom_key, is_custom, is_keyring
from app.progress import Progress
from app.services.credentials import secret_problem
from app.services.inventory.asset_fields import date_order_problems, field_cleaner
from app.services.inventory.asset_import_rows import (
    NAME_FALLBACKS,
    ImportPreview,
    MatchIndex,
    PreviewRow,
    References,
    RowProblem,
    clean_cell,
    coded_value,
    existing_values,
    fold_width,
    looks_like_formula,
    mac_key,
    name_key,
    value_coder,
    width_note,
)
from app.services.inventory.import_values import (
    CREATABLE,
    CREATE,
    LOOKUP_FIELDS,
    NAME_LIMITS,
    ValueChoices,
    Vocabulary,
    lookup_label,
    propose,
)

FORMULA_NOTE = "数式のような値です。計算せず、文字のまま取り込みます"
CACHE_LIMIT = 2_000  # distinct values remembered per column (see _Column)


@dataclass(slots=True)  # not frozen: a frozen dataclass is ~2x slower to build
class _Cell:
    """What one cell gives the row: a value, problems, and whether it looks like a
    formula. ``new_name``: a department/location name not yet known. Never changed once
    made: every row with the same text shares it."""

    value: object = None
    messages: tuple[str, ...] = ()
    formula: bool = False
    new_name: str | None = None
    notes: tuple[str, ...] = ()


_EMPTY = _Cell()


class _Column:
    """One mapped column: how a cell is read, remembered per distinct text while the
    column's values repeat (types, departments, dates: a few dozen values over thousands
    of rows). A column of mostly distinct values (tags, names) stops remembering after
    ``CACHE_LIMIT`` values, which bounds the memory a huge file can take."""

    __slots__ = ("header", "index", "read", "results", "target")

    def __init__(self, index: int, header: str, target: str, read: Callable[[str], _Cell]):
        self.index, self.header, self.target, self.read = index, header, target, read
        self.results: dict[str, _Cell] | None = {}

    def cell(self, text: str) -> _Cell:
        results = self.results
        if results is None:
            return self.read(text)
        cell = results.get(text)
        if cell is None:
            cell = results[text] = self.read(text)
            if len(results) > CACHE_LIMIT:
                self.results = None
        return cell


class _Checker:
    def __init__(self, session: Session, preview: ImportPreview, values: ValueChoices) -> None:
        self.refs = References.load(session)
        self.vocab = Vocabulary.load(session, self.refs)
        self.values = values
        self.unresolved: dict[tuple[str, str, str], str] = {}
        self.index = MatchIndex.load(session, preview.match_keys)
        self.fields: list[_Column] = []
        self.custom: list[_Column] = []
        self.secrets: list[_Column] = []
        for index, (header, target) in enumerate(preview.mapping.items()):
            if target == IGNORE:
                continue
            if is_keyring(target):
                self.secrets.append(_Column(index, header, target, _secret_cell))
            elif is_custom(target):
                self.custom.append(_Column(index, header, custom_key(target), _custom_cell))
            else:
                self.fields.append(_Column(index, header, target, self._reader(target, header)))
        self.header_of = {c.target: c.header for c in self.fields}
        source = next((f for f in ("name", *NAME_FALLBACKS) if f in self.header_of), None)
        self.name_source = self.header_of[source] if source else None
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
        return RowProblem(row_no, header or self.header_of.get(field), field, message)

    # --- one cell ----------------------------------------------------------------------

    def _reader(self, field: str, header: str) -> Callable[[str], _Cell]:
        if field in LOOKUP_FIELDS:
            return lambda text: self._lookup_cell(field, header, text)
        return _field_reader(field)

    def _lookup_cell(self, field: str, header: str, text: str) -> _Cell:
        """A value of a lookup column: the entry it names (after normalisation), else
        what the user chose for it (map / create / empty), else a problem."""
        value = fold_width(clean_cell(text))
        if not value:
            return _EMPTY
        formula = looks_like_formula(value)
        entry = self.vocab.find(field, value)
        if entry is not None:
            given = clean_cell(text)
            notes: tuple[str, ...] = ()
            if field not in ("status", "segment") and " ".join(entry.split()) != given:
                notes = (f"「{given}」を登録済みの「{entry}」として取り込みます",)
            return self._entry_cell(field, entry, formula, notes)
        choice = self.values.get(field, value)
        if choice is None and self.values.create_missing and field in CREATABLE:
            choice = CREATE
        if choice is None:
            self.unresolved.setdefault((field, header, name_key(value)), value)
            return _Cell(None, (self._unknown(field, value),), formula)
        if choice.action == "empty":
            return _EMPTY
        if choice.action == "map":
            entry = self.vocab.find(field, choice.target)
            if entry is not None:
                return self._entry_cell(field, entry, formula, ())
            if not (self.values.create_missing and field in CREATABLE):
                return _Cell(None, (self._gone(field, value, choice.target),), formula)
            value = fold_width(choice.target)
        if field not in CREATABLE:
            message = (
                f"{lookup_label(field)}は新しく登録できません。"
                "登録済みの値に対応付けるか、空にしてください"
            )
            return _Cell(None, (message,), formula)
        cell = self._new_entry(field, " ".join(value.split()), formula)
        given = clean_cell(text)
        if value != given and not cell.messages and (choice is CREATE or choice.action == "create"):
            cell.notes = (width_note(given, value),)
        return cell

    def _entry_cell(self, field: str, entry: str, formula: bool, notes: tuple[str, ...]) -> _Cell:
        key = name_key(entry)
        if field == "asset_type_id":
            return _Cell(self.refs.types[key], (), formula, None, notes)
        if field in ("department_id", "location_id"):
            known = self.refs.departments if field == "department_id" else self.refs.locations
            return _Cell(known[key], (), formula, None, notes)
        if field in ("status", "segment"):
            typed, messages = field_cleaner(field)(coded_value(field, entry))
            return _Cell(typed, messages, formula, None, notes)
        return _Cell(entry, (), formula, None, notes)  # メーカー: the spelling in use

    def _new_entry(self, field: str, name: str, formula: bool) -> _Cell:
        limit = NAME_LIMITS[field]
        if len(name) > limit:
            return _Cell(None, (f"{limit}文字以内で入力してください（{len(name)}文字）",), formula)
        if field == "manufacturer":
            return _Cell(name, (), formula)
        return _Cell(None, (), formula, name)

    def _unknown(self, field: str, value: str) -> str:
        proposals, _best = propose(value, self.vocab.entries(field))
        label = lookup_label(field)
        text = f"{label}「{value}」は登録されていません"
        if proposals:
            return text + f"（候補: {'、'.join(proposals[:3])}）"
        entries = self.vocab.entries(field)
        if field not in CREATABLE and entries:
            return text + f"（登録済み: {'、'.join(entries[:10])}）"
        return text

    def _gone(self, field: str, value: str, target: str) -> str:
        return (
            f"{lookup_label(field)}「{value}」の対応付け先「{target}」は登録されていません"
            "（削除されたか名前が変わった可能性があります）。対応付けを選び直してください"
        )

    # --- one row -----------------------------------------------------------------------

    def row(self, row_no: int, cells: list[str]) -> PreviewRow:
        problems = list(self.cell_problems.get(row_no, ()))
        notes: list[RowProblem] = []
        values: dict[str, Any] = {}
        out = PreviewRow(row_no, "create", None, values, {}, problems, notes)
        for col in self.fields:
            cell = col.cell(cells[col.index])
            if cell is _EMPTY:
                continue
            field = col.target
            if cell.formula:
                notes.append(RowProblem(row_no, col.header, field, FORMULA_NOTE))
            for note in cell.notes:
                notes.append(RowProblem(row_no, col.header, field, note))
            for message in cell.messages:
                problems.append(RowProblem(row_no, col.header, field, message))
            if cell.new_name is not None:
                if field == "department_id":
                    out.new_department = cell.new_name
                elif field == "location_id":
                    out.new_location = cell.new_name
                else:
                    out.new_type = cell.new_name
            else:  # a bad value too: it still matches, names and counts as given
                values[field] = cell.value
        for col in self.custom:
            cell = col.cell(cells[col.index])
            if cell is not _EMPTY:
                if cell.formula:
                    notes.append(RowProblem(row_no, col.header, None, FORMULA_NOTE))
                for note in cell.notes:
                    notes.append(RowProblem(row_no, col.header, None, note))
                out.custom[col.target] = cell.value  # type: ignore[assignment]
        for col in self.secrets:
            for message in col.read(cells[col.index]).messages:  # not remembered: secrets
                problems.append(RowProblem(row_no, col.header, None, message))
        self._match(out, values)
        self._check_row(out, values)
        return out

    def _check_row(self, out: PreviewRow, values: dict[str, Any]) -> None:
        """The checks across fields: tag (required, not another asset's), a name for a new
        asset, dates after the purchase date. Messages as clean_asset_input's."""
        row_no = out.row_number
        tag = values.get("asset_tag", "")
        if not tag and out.asset_id is None:
            out.problems.append(self.problem(row_no, "asset_tag", "必須です"))
        owner = self.index.tag_owner.get(tag) if tag else None
        if owner is not None and owner != out.asset_id:
            out.problems.append(self.problem(row_no, "asset_tag", f"「{tag}」は既に使われています"))
        if out.asset_id is None and "name" not in values:
            # ホスト名/型番 name a new asset only when the file has no 名称 column; an
            # empty 名称 cell is a problem, not a reason to use another column.
            fallback = None
            if "name" not in self.header_of:
                fallback = next((values[f] for f in NAME_FALLBACKS if values.get(f)), None)
            if fallback:
                values["name"] = fallback
            elif self.name_source:
                out.problems.append(self.problem(row_no, "name", "必須です", self.name_source))
        for field, message in date_order_problems(values):
            out.problems.append(self.problem(row_no, field, message))

    def _match(self, out: PreviewRow, values: dict[str, Any]) -> None:
        found = self.index.find({k: v for k, v in values.items() if isinstance(v, str)})
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


def _field_reader(field: str) -> Callable[[str], _Cell]:
    coder = value_coder(field)
    cleaner = field_cleaner(field)

    def read(text: str) -> _Cell:
        given = clean_cell(text)
        if not given:
            return _EMPTY
        value = fold_width(given)
        if coder is not None:  # dates, MAC, levels: read as they are written
            typed, messages = cleaner(coder(value))
            return _Cell(typed, messages, looks_like_formula(value))
        typed, messages = cleaner(value)
        notes = (width_note(given, value),) if value != given else ()
        return _Cell(typed, messages, looks_like_formula(value), None, notes)

    return read


def _custom_cell(text: str) -> _Cell:
    given = clean_cell(text)
    if not given:
        return _EMPTY
    value = fold_width(given)
    notes = (width_note(given, value),) if value != given else ()
    return _Cell(value, (), looks_like_formula(value), None, notes)


def _secret_cell(text: str) -> _Cell:
    """Only whether the keyring can keep the value; the value itself is not kept."""
    value = clean_cell(text)
    problem = secret_problem(value) if value else None
    if problem is None:
        return _EMPTY
    return _Cell(None, (f"キーリングに保存できない値です: {problem}",))


def check_rows(
    session: Session,
    preview: ImportPreview,
    progress: Progress | None,
    values: ValueChoices | None = None,
) -> None:
    """Fill ``preview.rows`` and the lists of names and fields the import would add."""
    checker = _Checker(session, preview, values or ValueChoices())
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
    preview.new_types = sorted({r.new_type for r in ok if r.new_type})
    preview.unresolved = [(f, h, v) for (f, h, _k), v in checker.unresolved.items()]
    known = checker.vocab.names["manufacturer"]
    preview.new_manufacturers = sorted(
        {m for r in ok if (m := r.values.get("manufacturer")) and name_key(m) not in known}
    )
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
