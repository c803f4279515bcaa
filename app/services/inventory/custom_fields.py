"""独自項目: fields the user adds to assets, per asset type or for every type.

A definition (CustomFieldDef) gives a key, a label, a kind (text / number / date /
choice) and, for choice fields, the choices. Values live in ``Asset.custom_fields``
under the key: text as typed, numbers as int/float, dates as ISO strings.

Validating and storing values: :mod:`app.services.inventory.custom_values`. Values are never
silently dropped: deleting or retyping a definition leaves the
values already entered in the assets (they stay searchable and come back when a
field with the same key is defined again); a stored value that no longer fits its
definition is kept as it is until the user changes it. Keys never change once
defined ("rename" changes the label), so values cannot be orphaned by a rename.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from app.services.errors import FieldError, ValidationError
from app.services.records import get_or_not_found
from app.store.models import ASSET_FIELDS as FIELD_LABELS
from app.store.models import AssetType, CustomFieldDef

KINDS: dict[str, str] = {"text": "文字列", "number": "数値", "date": "日付", "choice": "選択肢"}
DEF_LABELS = {"key": "キー", "label": "表示名", "kind": "種類", "choices": "選択肢"}
MAX_KEY_CHARS = 60
MAX_LABEL_CHARS = 100
MAX_CHOICES = 200
MAX_CHOICE_CHARS = 100
# Letters (any script), digits, "_" and "-": safe in "custom:<key>" and CSV headers.
_KEY_RE = re.compile(r"^[\w-]+$")
# Names the ledger itself uses for asset columns (compared case-insensitively).
_RESERVED = frozenset(k.casefold() for k in FIELD_LABELS) | frozenset(
    ("id", "custom_fields", "created_at", "updated_at", "last_seen_at")
)
_BUILTIN_LABELS = frozenset(FIELD_LABELS.values())


class FieldDefLike(Protocol):
    """What value validation needs of a definition (a CustomFieldDef or a spec)."""

    key: str
    label: str
    kind: str

    @property
    def choices(self) -> Sequence[str]: ...


@dataclass(frozen=True, slots=True)
class CustomFieldSpec:
    """A definition as plain values, safe to hand from a worker thread to the UI."""

    id: int
    asset_type_id: int | None
    key: str
    label: str
    kind: str
    choices: tuple[str, ...]
    position: int


def field_key(name: str) -> str:
    """The key a value is validated under in a ValidationError: ``custom:<key>``."""
    return f"custom:{name}"


# --- definitions -----------------------------------------------------------------------


def _def_error(name: str, message: str) -> FieldError:
    return FieldError(name, DEF_LABELS[name], message)


def _clean_choices(kind: str, choices: Iterable[str], errors: list[FieldError]) -> list[str]:
    if kind != "choice":
        return []
    out: list[str] = []
    for raw in choices:
        text = unicodedata.normalize("NFKC", str(raw)).strip()
        if not text:
            continue
        if len(text) > MAX_CHOICE_CHARS:
            errors.append(
                _def_error("choices", f"選択肢は{MAX_CHOICE_CHARS}文字以内です: {text[:20]}…")
            )
        elif any(unicodedata.category(ch) == "Cc" for ch in text):
            errors.append(_def_error("choices", "選択肢に制御文字は使えません"))
        elif text in out:
            errors.append(_def_error("choices", f"選択肢「{text}」が重複しています"))
        else:
            out.append(text)
    if not out and not any(e.field == "choices" for e in errors):
        errors.append(_def_error("choices", "選択肢を1つ以上入力してください（1行に1つ）"))
    if len(out) > MAX_CHOICES:
        errors.append(_def_error("choices", f"選択肢は{MAX_CHOICES}個までです"))
    return out


def _clean_label(
    session: Session, label: str, asset_type_id: int | None, def_id: int | None
) -> tuple[str, list[FieldError]]:
    text = (label or "").strip()
    if not text:
        return text, [_def_error("label", "必須です")]
    if len(text) > MAX_LABEL_CHARS:
        return text, [_def_error("label", f"{MAX_LABEL_CHARS}文字以内で入力してください")]
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        return text, [_def_error("label", "制御文字は使えません")]
    if text in _BUILTIN_LABELS:
        return text, [_def_error("label", f"「{text}」は台帳の項目名と同じです")]
    same = session.scalar(
        select(CustomFieldDef.id).where(
            CustomFieldDef.label == text,
            CustomFieldDef.asset_type_id.is_(asset_type_id)
            if asset_type_id is None
            else CustomFieldDef.asset_type_id == asset_type_id,
            CustomFieldDef.id != (def_id or -1),
        )
    )
    if same is not None:
        return text, [_def_error("label", f"表示名「{text}」は既に使われています")]
    return text, []


def _clean_key(
    session: Session, key: str, asset_type_id: int | None
) -> tuple[str, list[FieldError]]:
    text = unicodedata.normalize("NFKC", key or "").strip().replace(" ", "_")
    if not text:
        return text, [_def_error("key", "必須です")]
    if len(text) > MAX_KEY_CHARS:
        return text, [_def_error("key", f"{MAX_KEY_CHARS}文字以内で入力してください")]
    if not _KEY_RE.match(text):
        return text, [_def_error("key", "文字・数字・「_」「-」だけで入力してください")]
    if text.casefold() in _RESERVED:
        return text, [_def_error("key", f"「{text}」は台帳の標準項目と同じ名前です")]
    stmt = select(CustomFieldDef.asset_type_id).where(CustomFieldDef.key == text)
    if asset_type_id is not None:  # an all-types field with this key clashes too
        stmt = stmt.where(
            (CustomFieldDef.asset_type_id == asset_type_id) | CustomFieldDef.asset_type_id.is_(None)
        )
    clash = session.execute(stmt.limit(1)).first()
    if clash is not None:
        where = "すべての種別" if clash[0] is None else _type_name(session, clash[0])
        return text, [_def_error("key", f"キー「{text}」は既に使われています（{where}）")]
    return text, []


def _type_name(session: Session, type_id: int) -> str:
    return session.scalar(select(AssetType.name).where(AssetType.id == type_id)) or str(type_id)


def define_field(
    session: Session,
    *,
    asset_type_id: int | None,
    key: str,
    label: str,
    kind: str = "text",
    choices: Iterable[str] = (),
) -> CustomFieldDef:
    """Add a field (asset_type_id None: every type). Raises ValidationError."""
    errors: list[FieldError] = []
    if asset_type_id is not None and session.get(AssetType, asset_type_id) is None:
        raise ValidationError([FieldError("asset_type_id", "種別", "選択肢にない種別です")])
    clean_key, key_errors = _clean_key(session, key, asset_type_id)
    clean_label, label_errors = _clean_label(session, label, asset_type_id, None)
    errors += key_errors + label_errors
    if kind not in KINDS:
        errors.append(_def_error("kind", f"不明な種類です: {kind}"))
    clean = _clean_choices(kind, choices, errors)
    if errors:
        raise ValidationError(errors)
    last = session.scalar(select(CustomFieldDef.position).order_by(CustomFieldDef.position.desc()))
    definition = CustomFieldDef(
        asset_type_id=asset_type_id,
        key=clean_key,
        label=clean_label,
        kind=kind,
        choices=clean,
        position=(last or 0) + 1,
    )
    session.add(definition)
    session.flush()
    return definition


def get_field(session: Session, def_id: int) -> CustomFieldDef:
    return get_or_not_found(session, CustomFieldDef, def_id)


def update_field(
    session: Session, def_id: int, *, label: str, kind: str, choices: Iterable[str] = ()
) -> CustomFieldDef:
    """Change label (rename), kind and choices. The key stays; values already stored
    in assets are kept as they are, even when they no longer fit."""
    definition = get_field(session, def_id)
    clean_label, errors = _clean_label(session, label, definition.asset_type_id, def_id)
    if kind not in KINDS:
        errors.append(_def_error("kind", f"不明な種類です: {kind}"))
    clean = _clean_choices(kind, choices, errors)
    if errors:
        raise ValidationError(errors)
    definition.label, definition.kind = clean_label, kind
    if list(definition.choices or []) != clean:
        definition.choices = clean  # a new list, so the change is seen and audited
    session.flush()
    return definition


def rename_field(session: Session, def_id: int, label: str) -> CustomFieldDef:
    definition = get_field(session, def_id)
    return update_field(
        session, def_id, label=label, kind=definition.kind, choices=definition.choices
    )


def delete_field(session: Session, def_id: int) -> None:
    """Remove the definition only: values stay in Asset.custom_fields (see module doc)."""
    session.delete(get_field(session, def_id))
    session.flush()


def move_field(session: Session, def_id: int, offset: int) -> None:
    """Move a field up (-1) or down (+1) among the fields of its own scope."""
    definition = get_field(session, def_id)
    scope = CustomFieldDef.asset_type_id
    same = list(
        session.scalars(
            select(CustomFieldDef)
            .where(scope.is_(None) if definition.asset_type_id is None
                   else scope == definition.asset_type_id)
            .order_by(CustomFieldDef.position, CustomFieldDef.id)
        )
    )  # fmt: skip
    index = same.index(definition)
    target = index + offset
    if offset == 0 or not 0 <= target < len(same):
        return
    slots = sorted(d.position for d in same)
    if len(set(slots)) < len(slots):  # repair equal positions before swapping
        slots = list(range(slots[0], slots[0] + len(slots)))
    same.insert(target, same.pop(index))
    for item, slot in zip(same, slots, strict=True):
        if item.position != slot:
            item.position = slot
    session.flush()


def fields_for_type(session: Session, asset_type_id: int | None) -> list[CustomFieldDef]:
    """Fields an asset of this type has: its own and the all-types ones, by position."""
    scope: ColumnElement[bool] = CustomFieldDef.asset_type_id.is_(None)
    if asset_type_id is not None:
        scope = or_(scope, CustomFieldDef.asset_type_id == asset_type_id)
    return list(
        session.scalars(
            select(CustomFieldDef).where(scope).order_by(CustomFieldDef.position, CustomFieldDef.id)
        )
    )


def to_spec(d: CustomFieldDef) -> CustomFieldSpec:
    return CustomFieldSpec(
        d.id, d.asset_type_id, d.key, d.label, d.kind, tuple(d.choices or ()), d.position
    )


def load_field_specs(session: Session) -> list[CustomFieldSpec]:
    """Every definition, by position (for the editor, which filters per type itself)."""
    rows = session.scalars(
        select(CustomFieldDef).order_by(CustomFieldDef.position, CustomFieldDef.id)
    )
    return [to_spec(d) for d in rows]


def specs_for_type(specs: Iterable[CustomFieldSpec], type_id: int | None) -> list[CustomFieldSpec]:
    """The same selection as fields_for_type, over specs already loaded."""
    return [s for s in specs if s.asset_type_id is None or s.asset_type_id == type_id]
