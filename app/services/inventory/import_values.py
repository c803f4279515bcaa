"""Values of a ledger's lookup columns that Hitori does not know yet, and what the user
chose for each: map it to an existing entry, register it as a new one, or leave it empty.

Lookup columns are 種別, 部署, 設置場所, メーカー, ネットワーク区分 and 状態
(``LOOKUP_FIELDS``). A value is *known* when it matches an entry after normalisation
(NFKC, case and spaces: 「ﾉｰﾄPC」 is 「ノートPC」, 「ＮＥＣ」 is 「NEC」); the entry's own
spelling is then what is stored. For each value that is not known,
:func:`unknown_values` proposes entries by similarity (:func:`propose`): 「複合機」 →
「プリンタ・複合機」, 「本庁舎2F」 → 「本庁舎2階」; 「PC」, which several entries contain,
gets no single proposal and must be chosen.

:class:`ValueChoices` holds the decisions, keyed by field and by the normalised source
value, and how unknown values without a decision are treated (``create_missing``: the
creatable fields register them; else each is a problem). They are saved with an import
profile as plain JSON (:meth:`ValueChoices.to_json`), never anything but names.

    found = unknown_values(session, table, mapping)
    choices = ValueChoices.from_json(profile.options.get("values"))
    choices.set("asset_type_id", "PC", ValueChoice.map("ノートPC"))
    preview = preview_import(session, table, mapping, values=choices)
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.interchange.asset_mapping import segment_code, status_code
from app.interchange.table_reader import TableData
from app.services.inventory.asset_import_rows import References, clean_cell, fold_width, name_key
from app.services.inventory.reference_lists import NAME_LIMITS as LIST_NAME_LIMITS
from app.store.models import ASSET_FIELDS as FIELD_LABELS
from app.store.models import Asset, Manufacturer
from app.store.vocab import ASSET_STATUSES, SEGMENTS

LOOKUP_FIELDS = (
    "asset_type_id", "department_id", "location_id", "manufacturer", "segment", "status",
)  # fmt: skip
CREATABLE = frozenset({"asset_type_id", "department_id", "location_id", "manufacturer"})
# The longest name each creatable field takes: the lists' own limits (their columns).
NAME_LIMITS = {field: LIST_NAME_LIMITS[field.removesuffix("_id")] for field in sorted(CREATABLE)}
PROPOSALS = 5  # proposals listed per unknown value
_CODED = {"status": (ASSET_STATUSES, status_code), "segment": (SEGMENTS, segment_code)}


def lookup_label(field_name: str) -> str:
    return FIELD_LABELS[field_name]


# --- decisions -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ValueChoice:
    """What one unknown value becomes: ``map`` to ``target`` (an entry's name, or the
    label of a status / segment), ``create`` a new entry named as the value, or
    ``empty`` (the cell is left out: it never clears a value of an existing asset)."""

    action: str  # map / create / empty
    target: str = ""

    @classmethod
    def map(cls, target: str) -> ValueChoice:
        return cls("map", target.strip())

    def describe(self, source: str) -> str:
        if self.action == "map":
            return f"「{source}」→「{self.target}」"
        if self.action == "create":
            return f"「{source}」→ 新しく登録"
        return f"「{source}」→ 空にする"

    def to_json(self) -> Any:
        return {"map": self.target} if self.action == "map" else self.action


CREATE = ValueChoice("create")
EMPTY = ValueChoice("empty")


@dataclass
class ValueChoices:
    """The user's decisions: field → normalised source value → (source as typed, choice)."""

    by_field: dict[str, dict[str, tuple[str, ValueChoice]]] = field(default_factory=dict)
    create_missing: bool = False

    def set(self, field_name: str, source: str, choice: ValueChoice) -> None:
        self.by_field.setdefault(field_name, {})[name_key(source)] = (source, choice)

    def clear(self, field_name: str, source: str) -> None:
        self.by_field.get(field_name, {}).pop(name_key(source), None)

    def get(self, field_name: str, source: str) -> ValueChoice | None:
        found = self.by_field.get(field_name, {}).get(name_key(source))
        return found[1] if found else None

    def items(self) -> Iterable[tuple[str, str, ValueChoice]]:
        for field_name, values in self.by_field.items():
            for source, choice in values.values():
                yield field_name, source, choice

    def __bool__(self) -> bool:
        return self.create_missing or any(self.by_field.values())

    def to_json(self) -> dict[str, Any]:
        values: dict[str, dict[str, Any]] = {}
        for field_name, source, choice in self.items():
            values.setdefault(field_name, {})[source] = choice.to_json()
        return {"create_missing": self.create_missing, "values": values}

    @classmethod
    def from_json(cls, data: Any) -> ValueChoices:
        """Read what :meth:`to_json` wrote; anything malformed (an old or hand-edited
        profile) is left out rather than guessed."""
        out = cls()
        if not isinstance(data, Mapping):
            return out
        out.create_missing = data.get("create_missing") is True
        values = data.get("values")
        if not isinstance(values, Mapping):
            return out
        for field_name, entries in values.items():
            if field_name not in LOOKUP_FIELDS or not isinstance(entries, Mapping):
                continue
            for source, raw in entries.items():
                choice = _choice_from_json(raw)
                if isinstance(source, str) and choice is not None:
                    out.set(field_name, source, choice)
        return out


def _choice_from_json(raw: Any) -> ValueChoice | None:
    if raw == "create":
        return CREATE
    if raw == "empty":
        return EMPTY
    if isinstance(raw, Mapping) and isinstance(raw.get("map"), str) and raw["map"].strip():
        return ValueChoice.map(raw["map"])
    return None


# --- the entries a lookup column can name ----------------------------------------------


@dataclass
class Vocabulary:
    """Per lookup field: normalised name → the entry's own spelling, in list order."""

    names: dict[str, dict[str, str]]

    @classmethod
    def load(cls, session: Session, refs: References | None = None) -> Vocabulary:
        refs = refs or References.load(session)
        names: dict[str, dict[str, str]] = {
            "asset_type_id": {name_key(n): n for n in refs.type_names},
            "department_id": dict(refs.department_names),
            "location_id": dict(refs.location_names),
            "manufacturer": manufacturers(session),
        }
        for field_name, (labels, _coder) in _CODED.items():
            names[field_name] = {name_key(label): label for label in labels.values()}
        return cls(names)

    def entries(self, field_name: str) -> list[str]:
        return list(self.names[field_name].values())

    def find(self, field_name: str, value: str) -> str | None:
        """The entry ``value`` names (its own spelling), or None."""
        if field_name in _CODED:
            labels, coder = _CODED[field_name]
            code = coder(value)
            return labels.get(code)
        return self.names[field_name].get(name_key(value))


def manufacturers(session: Session) -> dict[str, str]:
    """The makers the ledger knows — named by assets, or in the makers' list (一覧の管理):
    normalised → the spelling used most."""
    counts: dict[str, tuple[int, str]] = {}
    for name in session.scalars(select(Manufacturer.name)):
        counts[name_key(name)] = (0, name)
    stmt = (
        select(Asset.manufacturer, func.count())
        .where(Asset.manufacturer != "")
        .group_by(Asset.manufacturer)
    )
    for name, n in session.execute(stmt):
        key = name_key(name)
        if key not in counts or n > counts[key][0]:
            counts[key] = (n, name)
    return {key: name for key, (_n, name) in sorted(counts.items(), key=lambda kv: kv[1][1])}


# --- similarity ------------------------------------------------------------------------

# Spellings that name the same thing in municipal ledgers: floors (2F = 2階), company
# forms (株式会社, (株), ㈱ → nothing), and the marks that vary between ledgers.
_EQUIVALENT = (("階", "f"), ("株式会社", ""), ("(株)", ""), ("有限会社", ""), ("(有)", ""))
_NOISE = re.compile(r"[\s_\-‐―−ー・･.,、。:：/／()（）\[\]［］「」【】'\"]+")


def similarity_key(text: str) -> str:
    key = unicodedata.normalize("NFKC", text).casefold()
    for a, b in _EQUIVALENT:
        key = key.replace(a, b)
    return _NOISE.sub("", key)


def _score(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 2 and short in long_:
        return 0.85
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


THRESHOLD = 0.6  # below this an entry is not proposed
PRESELECT = 0.8  # below this it is listed, never preselected (税務課 is not 総務課: 0.67)
MARGIN = 0.1  # the best proposal is preselected only this far ahead of the next


def propose(value: str, entries: Iterable[str]) -> tuple[list[str], str | None]:
    """Entries like ``value``, best first, and the one to preselect (None when none is
    close enough or several are equally close, as 「PC」 is to デスクトップPC and ノートPC).
    difflib's ratio is enough here: a column has tens of distinct values, not thousands."""
    key = similarity_key(value)
    scored = sorted(
        ((s, e) for e in entries if (s := _score(key, similarity_key(e))) >= THRESHOLD),
        key=lambda se: -se[0],
    )
    ranked = [e for _s, e in scored[:PROPOSALS]]
    if not scored or scored[0][0] < PRESELECT:
        return ranked, None
    if len(scored) > 1 and scored[1][0] > scored[0][0] - MARGIN:
        return ranked, None
    return ranked, scored[0][1]


# --- what a file holds -----------------------------------------------------------------


@dataclass
class UnknownValue:
    """One distinct value of a lookup column that names no entry."""

    field: str
    header: str
    value: str  # as in the file, spaces trimmed and width folded (ＮＥＣ is NEC)
    rows: list[int]  # row numbers as in the file
    proposals: list[str]
    proposed: str | None  # the proposal to preselect

    @property
    def label(self) -> str:
        return lookup_label(self.field)

    def default_choice(self) -> ValueChoice | None:
        """What the wizard preselects: the proposal, else a new entry where one can be
        made from the value; None when the user has to choose."""
        if self.proposed is not None:
            return ValueChoice.map(self.proposed)
        if self.field in CREATABLE and not self.proposals:
            return CREATE
        return None


def unknown_values(
    session: Session, table: TableData, mapping: Mapping[str, str]
) -> list[UnknownValue]:
    """Every distinct value of the mapped lookup columns that names no entry, with its
    rows and proposals, in column then first-row order."""
    vocab = Vocabulary.load(session)
    out: list[UnknownValue] = []
    for index, header in enumerate(table.headers):
        field_name = mapping.get(header)
        if field_name not in LOOKUP_FIELDS:
            continue
        rows: dict[str, tuple[str, list[int]]] = {}
        for row_no, cells in zip(table.source_rows, table.rows, strict=True):
            value = fold_width(clean_cell(cells[index]))
            if not value:
                continue
            key = name_key(value)
            found = rows.get(key)
            if found is None:
                rows[key] = (value, [row_no])
            else:
                found[1].append(row_no)
        entries = vocab.entries(field_name)
        for value, numbers in rows.values():
            if vocab.find(field_name, value) is None:
                proposals, proposed = propose(value, entries)
                out.append(UnknownValue(field_name, header, value, numbers, proposals, proposed))
    return out


def stale_choices(choices: ValueChoices, vocab: Vocabulary) -> list[str]:
    """Decisions mapping to entries that no longer exist (deleted or renamed since they
    were saved), as Japanese lines naming them."""
    lines = []
    for field_name, source, choice in choices.items():
        if choice.action == "map" and vocab.find(field_name, choice.target) is None:
            lines.append(
                f"{lookup_label(field_name)}「{source}」の対応付け先「{choice.target}」は"
                "登録されていません（削除されたか名前が変わった可能性があります）"
            )
    return lines
