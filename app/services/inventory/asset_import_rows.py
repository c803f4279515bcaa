"""Pieces of the asset import (:mod:`app.services.inventory.asset_import`): the preview's records,
value clean-up, name look-ups, and matching against existing assets.

Value rules (documented for the user in the wizard and the command's help):
- surrounding spaces are removed; a cell of only dashes (「-」「－」「―」) counts as empty;
- an empty cell never clears a value of an existing asset;
- dates: 和暦 or 西暦 as :mod:`app.jdate` reads them; a trailing time (``2026/3/31 0:00``)
  is ignored; a number from 20000 to 80000 in a date field is an Excel serial date
  (1954–2119);
- MAC addresses in any common notation become ``00:11:22:33:44:55``;
- 状態 / ネットワーク区分 / 機密性… accept labels and codes (see asset_mapping);
- formula-looking text (``=1+1``) is stored as the text it is, never evaluated.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.interchange.asset_mapping import cia_level, segment_code, status_code
from app.interchange.table_reader import TableData
from app.services.inventory.assets import FIELD_LABELS
from app.store.models import Asset, AssetType, CustomFieldDef, Department, Location
from app.store.vocab import CIA_FIELDS, DATE_FIELDS

DEFAULT_MATCH_KEYS = ("asset_tag", "serial_number", "mac_address", "hostname")
NAME_FALLBACKS = ("hostname", "model")  # name a new asset when there is no 名称 column
MATCH_LABELS = {
    key: FIELD_LABELS[key] for key in ("asset_tag", "serial_number", "mac_address", "hostname")
}
NAME_LIMIT = 100  # Department.name / Location.name

_PLACEHOLDER = re.compile(r"[-‐‑‒–—―−－ー]+")
_SERIAL_DATE = re.compile(r"\d{5}(?:\.\d+)?")
_TIME_SUFFIX = re.compile(r"(.*?\S)[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?")
_MAC_SEPARATORS = re.compile(r"[\s:.\-]")
_HEX12 = re.compile(r"[0-9A-F]{12}")
_EXCEL_EPOCH = date(1899, 12, 30)


def clean_cell(value: str) -> str:
    value = value.strip()
    return "" if _PLACEHOLDER.fullmatch(value) else value


# Full-width letters and digits (Ａ-Ｚ ａ-ｚ ０-９) and half-width katakana with its marks
# (ｱ ｶﾞ ｰ ｡ ｢ ｣ ､ ･): NFKC turns each run into the standard characters. Only these: NFKC
# on all text would also turn ① into 1, ㈱ into (株) and full-width （） and ～ into
# ASCII, which changes how Japanese text reads.
_WIDTH_RUN = re.compile(r"[０-９Ａ-Ｚａ-ｚ｡-ﾟ]+")


def fold_width(value: str) -> str:
    """Full-width letters/digits and half-width kana as the standard characters."""
    if value.isascii():
        return value
    return _WIDTH_RUN.sub(lambda m: unicodedata.normalize("NFKC", m.group()), value)


def width_note(before: str, after: str) -> str:
    return f"「{before}」を「{after}」として取り込みます（半角カナ・全角英数字を標準の文字に）"


def looks_like_formula(value: str) -> bool:
    """Text Excel would evaluate if typed: =…, @…, +A1, -SUM(…) (not +81…, -5)."""
    if not value:
        return False
    head = value[0]
    if head in "=@":
        return len(value) > 1
    return head in "+-" and len(value) > 1 and not (value[1].isdigit() or value[1] in " .")


def date_text(value: str) -> str:
    """Excel serial numbers → ISO dates; a trailing time of day dropped; else as given."""
    if _SERIAL_DATE.fullmatch(value) and 20000 <= float(value) <= 80000:
        return (_EXCEL_EPOCH + timedelta(days=int(float(value)))).isoformat()
    m = _TIME_SUFFIX.fullmatch(value)
    return m.group(1) if m else value


def mac_key(value: str) -> str:
    """Twelve upper-case hex digits, or "" when ``value`` is not a MAC address."""
    hexes = _MAC_SEPARATORS.sub("", unicodedata.normalize("NFKC", value)).upper()
    return hexes if _HEX12.fullmatch(hexes) else ""


def mac_text(value: str) -> str:
    """``00-11-22-33-44-55`` / ``0011.2233.4455`` / ``001122334455`` → ``00:11:22:33:44:55``."""
    key = mac_key(value)
    return ":".join(key[i : i + 2] for i in range(0, 12, 2)) if key else value


def serial_key(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().upper()


def host_key(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().casefold()


def name_key(value: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", value).split()).casefold()


def coded_value(field_name: str, value: str) -> str:
    """Labels of coded fields turned into codes (unknown text is left for validation)."""
    coder = value_coder(field_name)
    return coder(value) if coder is not None else value


def value_coder(field_name: str) -> Callable[[str], str] | None:
    """What :func:`coded_value` does to values of ``field_name`` (None: nothing)."""
    if field_name == "status":
        return status_code
    if field_name == "segment":
        return segment_code
    if field_name in CIA_FIELDS:
        return cia_level
    if field_name in DATE_FIELDS:
        return date_text
    if field_name == "mac_address":
        return mac_text
    return None


# --- records ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowProblem:
    """What is wrong, where: row (as numbered in the file) and column header."""

    row_number: int | None
    column_header: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.row_number}行目" if self.row_number is not None else ""
        where += self.column_text()
        return f"{where}: {self.message}" if where else self.message

    def column_text(self) -> str:
        """「見出し」（項目名）, or "" when the problem names no column."""
        if not self.column_header:
            return ""
        where = f"「{self.column_header}」"
        label = FIELD_LABELS.get(self.field or "")
        if label and label != self.column_header:
            where += f"（{label}）"
        return where


MAX_RANGES = 8  # row ranges named in one grouped line


def row_ranges(numbers: Sequence[int]) -> str:
    """[2, 3, 4, 7] → 「2〜4・7行目」 (the first ranges, then 「…」)."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    shown = [f"{a}" if a == b else f"{a}〜{b}" for a, b in runs[:MAX_RANGES]]
    return "・".join(shown) + ("…" if len(runs) > MAX_RANGES else "") + "行目"


def grouped(items: Iterable[RowProblem]) -> list[str]:
    """The same problem on several rows said once, with its rows:
    「「種別」: 種別「PC」は登録されていません（40行: 2〜41行目）」."""
    groups: dict[tuple[str | None, str | None, str], list[RowProblem]] = {}
    for item in items:
        groups.setdefault((item.column_header, item.field, item.message), []).append(item)
    lines = []
    for members in groups.values():
        first = members[0]
        numbers = [m.row_number for m in members if m.row_number is not None]
        if len(members) == 1 or not numbers:
            lines.append(str(first))
            continue
        where = first.column_text()
        text = f"{where}: {first.message}" if where else first.message
        if first.message.endswith("行目）"):  # it names its rows itself
            lines.append(text)
        else:
            lines.append(f"{text}（{len(numbers):,}行: {row_ranges(numbers)}）")
    return lines


@dataclass(slots=True)
class PreviewRow:
    row_number: int
    action: str  # create / update / unchanged (meaningful only when ``ok``)
    asset_id: int | None
    values: dict[str, Any]
    custom: dict[str, str]
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[RowProblem] = field(default_factory=list)
    matched_by: str | None = None
    new_department: str | None = None
    new_location: str | None = None
    new_type: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class SecretColumn:
    """A column whose values are secrets (or that the user sends to the keyring): where
    its values go, and how many non-empty values it holds. Never the values."""

    header: str
    index: int  # in table.headers
    kind: str  # CredentialRef.kind: password / license_key
    to_keyring: bool  # False: the column is not imported
    values: int
    looks_secret: bool = True  # the header names a secret (else the user chose the keyring)

    def describe(self) -> str:
        """One Japanese line for the preview (names the column and its value count)."""
        if self.to_keyring:
            return (
                f"「{self.header}」（値 {self.values:,} 件）: 秘密の値のためデータベースには"
                f"保存せず、キーリングに保存します（認証情報の参照を {self.values:,} 件作成）"
            )
        return (
            f"「{self.header}」（値 {self.values:,} 件）: 秘密の値のため取り込みません"
            "（データベースにも履歴にも残しません）"
        )


@dataclass
class ImportPreview:
    table: TableData
    mapping: dict[str, str]  # every header → target (unmapped ones filled in as custom)
    match_keys: tuple[str, ...]
    rows: list[PreviewRow]
    file_problems: list[RowProblem]
    new_departments: list[str]
    new_locations: list[str]
    new_custom_fields: list[str]
    stamp: tuple[Any, ...]
    secret_columns: list[SecretColumn] = field(default_factory=list)
    new_types: list[str] = field(default_factory=list)
    new_manufacturers: list[str] = field(default_factory=list)
    values: Any = None  # the ValueChoices it was made with (import_values)
    # Lookup values naming no entry and not decided: (field, header, value as in the file)
    unresolved: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def keyring_columns(self) -> list[SecretColumn]:
        return [c for c in self.secret_columns if c.to_keyring]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.ok and r.action == action)

    def tally(self) -> dict[str, int]:
        """Rows by what would happen: create / update / unchanged, and ``bad`` (one pass)."""
        out = dict.fromkeys(("create", "update", "unchanged", "bad"), 0)
        for r in self.rows:
            out[r.action if not r.problems else "bad"] += 1
        return out

    @property
    def bad_rows(self) -> int:
        return sum(1 for r in self.rows if not r.ok)

    def problems(self) -> list[RowProblem]:
        return [*self.file_problems, *(p for r in self.rows for p in r.problems)]

    def notes(self) -> list[RowProblem]:
        return [n for r in self.rows for n in r.notes]


# --- reference names -------------------------------------------------------------------


@dataclass
class References:
    """Departments, locations and types by normalised name; existing custom fields."""

    departments: dict[str, int]
    locations: dict[str, int]
    types: dict[str, int]
    type_names: list[str]
    custom_keys: set[str]
    department_names: dict[str, str] = field(default_factory=dict)  # normalised → as stored
    location_names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> References:
        spelled: dict[Any, dict[str, str]] = {Department: {}, Location: {}}

        def names(model: Any) -> dict[str, int]:
            out = {}
            for i, n in session.execute(select(model.id, model.name).order_by(model.name)):
                out[name_key(n)] = i
                spelled[model][name_key(n)] = n
            return out

        types: dict[str, int] = {}
        type_names: list[str] = []
        for type_id, code, type_name in session.execute(
            select(AssetType.id, AssetType.code, AssetType.name).order_by(AssetType.sort_order)
        ):
            types[name_key(code)] = type_id
            types[name_key(type_name)] = type_id
            type_names.append(type_name)
        custom = session.execute(
            select(CustomFieldDef.key).where(CustomFieldDef.asset_type_id.is_(None))
        ).scalars()
        return cls(
            names(Department), names(Location), types, type_names, set(custom),
            spelled[Department], spelled[Location],
        )  # fmt: skip


# --- matching --------------------------------------------------------------------------


@dataclass
class MatchIndex:
    """Existing assets by each match key (loaded once, not one query per row)."""

    keys: tuple[str, ...]
    by_key: dict[str, dict[str, set[int]]] = field(default_factory=dict)
    tags: dict[int, str] = field(default_factory=dict)  # id → tag
    tag_owner: dict[str, int] = field(default_factory=dict)  # tag → id

    @staticmethod
    def key_of(key: str, value: str) -> str:
        if key == "serial_number":
            return serial_key(value)
        if key == "mac_address":
            return mac_key(value)
        if key == "hostname":
            return host_key(value)
        return value.strip()

    @classmethod
    def load(cls, session: Session, keys: Iterable[str]) -> MatchIndex:
        keys = tuple(k for k in keys if k in MATCH_LABELS)
        index = cls(keys, {k: {} for k in keys})
        rows = session.execute(
            select(
                Asset.id, Asset.asset_tag, Asset.serial_number, Asset.mac_address, Asset.hostname
            )
        )
        for asset_id, tag, serial, mac, host in rows:
            index.tags[asset_id] = tag
            index.tag_owner[tag] = asset_id
            values = {
                "asset_tag": tag,
                "serial_number": serial,
                "mac_address": mac,
                "hostname": host,
            }
            for k in keys:
                norm = cls.key_of(k, values[k] or "")
                if norm:
                    index.by_key[k].setdefault(norm, set()).add(asset_id)
        return index

    def find(self, values: dict[str, str]) -> dict[str, set[int]]:
        """Match key → existing asset ids, for the keys present in ``values``."""
        found: dict[str, set[int]] = {}
        for k in self.keys:
            norm = self.key_of(k, values.get(k, ""))
            ids = self.by_key[k].get(norm) if norm else None
            if ids:
                found[k] = ids
        return found

    def describe(self, found: dict[str, set[int]]) -> str:
        parts = []
        for k, ids in found.items():
            assets = "、".join(f"ID {i}「{self.tags.get(i, '')}」" for i in sorted(ids))
            parts.append(f"{MATCH_LABELS[k]}では{assets}")
        return "／".join(parts)


def existing_values(
    session: Session, ids: list[int], fields: list[str]
) -> dict[int, dict[str, Any]]:
    """The current values of ``fields`` (and custom fields) of the assets ``ids``."""
    columns = [getattr(Asset, f) for f in fields]
    out: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        stmt = select(Asset.id, Asset.custom_fields, *columns).where(Asset.id.in_(chunk))
        for row in session.execute(stmt):
            values = dict(zip(fields, row[2:], strict=True))
            values["custom_fields"] = row[1] or {}
            out[row[0]] = values
    return out
