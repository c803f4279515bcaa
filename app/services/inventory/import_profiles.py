"""Saved column mappings (取込設定) for ledger files, and how targets are named.

A profile stores ``{header: target}`` for every column of the file it was made from
(ignored columns included, as ``""``), so it matches a later file whose headers include
all of them. Options are free-form (e.g. ``{"sheet": "台帳"}``).

For a column holding secrets the profile remembers the choice (``KEYRING`` or ``""``),
never a value: a profile only ever holds headers and targets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.interchange.asset_mapping import (
    IGNORE,
    KEYRING,
    custom_key,
    custom_target,
    is_custom,
    is_keyring,
    normalize_header,
    secret_kind,
)
from app.services.errors import FieldError, ValidationError
from app.services.inventory.assets import FIELD_LABELS
from app.store.models import ImportProfile

PROFILE_NAME_LIMIT = 100


@dataclass(frozen=True)
class SavedProfile:
    id: int
    name: str
    mapping: dict[str, str]
    options: dict[str, Any] = field(default_factory=dict)


def _plain(profile: ImportProfile) -> SavedProfile:
    return SavedProfile(
        profile.id, profile.name, dict(profile.mapping or {}), dict(profile.options or {})
    )


def save_profile(
    session: Session, name: str, mapping: dict[str, str], options: dict[str, Any] | None = None
) -> SavedProfile:
    """Create the profile ``name``, or replace its mapping and options.

    A column holding secrets is remembered as ``KEYRING`` or, whatever else it was
    mapped to, as not imported (its values never reach the database).
    """
    name = name.strip()
    if not name or len(name) > PROFILE_NAME_LIMIT:
        raise ValidationError(
            [FieldError("name", "設定名", f"1〜{PROFILE_NAME_LIMIT}文字で入力してください")]
        )
    profile = session.scalar(select(ImportProfile).where(ImportProfile.name == name))
    if profile is None:
        profile = ImportProfile(name=name)
        session.add(profile)
    profile.mapping = {
        header: IGNORE if secret_kind(header) and not is_keyring(target) else target
        for header, target in mapping.items()
    }
    profile.options = dict(options or {})
    session.flush()
    return _plain(profile)


def load_profiles(session: Session) -> list[SavedProfile]:
    rows = session.scalars(select(ImportProfile).order_by(ImportProfile.name))
    return [_plain(p) for p in rows]


def match_profile(session: Session, headers: list[str]) -> SavedProfile | None:
    """The profile whose headers are all present in ``headers`` (the one naming the most
    columns, then the most recently saved), or None."""
    present = set(headers)
    best: tuple[int, Any, SavedProfile] | None = None
    for profile in session.scalars(select(ImportProfile)):
        keys = set(profile.mapping or {})
        if keys and keys <= present:
            candidate = (len(keys), profile.updated_at, _plain(profile))
            if best is None or candidate[:2] > best[:2]:
                best = candidate
    return best[2] if best else None


def target_label(target: str) -> str:
    """A target in Japanese, for the wizard and the command's summary."""
    if target == IGNORE:
        return "取り込まない"
    if is_keyring(target):
        return "キーリングに保存（認証情報の参照）"
    if is_custom(target):
        return f"独自項目「{custom_key(target)}」"
    return FIELD_LABELS.get(target, target)


SECRET_CHOICES = {
    "keyring": KEYRING,
    "キーリング": KEYRING,
    "skip": IGNORE,
    "-": IGNORE,
    "取り込まない": IGNORE,
}


def parse_secret_choice(text: str) -> str:
    """``keyring`` → KEYRING, ``skip`` → IGNORE (``--secret-column``); ValueError else."""
    choice = SECRET_CHOICES.get(text.strip().casefold())
    if choice is None:
        raise ValueError(f"「{text.strip()}」は指定できません（keyring または skip）")
    return choice


def parse_target(text: str, header: str) -> str:
    """A target typed by the user (``--map``): a field key or its Japanese label,
    ``custom`` / ``custom:<key>`` / 独自, or ``-`` / empty / 無視 to skip the column.

    Raises ValueError with a Japanese message for anything else.
    """
    value = text.strip()
    if value in ("", "-", "無視", "取り込まない", "ignore"):
        return IGNORE
    if value in ("custom", "独自", "独自項目"):
        return custom_target(header)
    if is_custom(value):
        return value if custom_key(value) else custom_target(header)
    if value in FIELD_LABELS:
        return value
    by_label = {normalize_header(label): key for key, label in FIELD_LABELS.items()}
    key = by_label.get(normalize_header(value))
    if key is None:
        raise ValueError(
            f"取込先「{value}」は不明な項目です（{', '.join(FIELD_LABELS)} または custom）"
        )
    return key
