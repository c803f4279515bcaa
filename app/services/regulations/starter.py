"""The starter set of the register: national laws and guidelines a municipal IT desk
follows, with their known versions, shipped as data (resources/regulations/starter.json).

    {"version": 1, "entries": [{"key": "…", "title": "…", …,
                                "versions": [{"key": "…", "label": "…", …}]}]}

An entry holds a rule's fields as the editor takes them, a version a version's (no
notice: the officer links those). Each has a stable ``key``; adopting the set adds the
entries whose key is new and, to an entry already there (matched by its
``starter_key``), the versions whose key is new. Existing rows are never changed: the
officer's edits stay. Every key ever adopted is kept in the setting
``regulations.starter`` ({"version": n, "keys": ["entry", "entry/version", …]}), so an
entry or a version the officer deleted is not added again by a later set.

The file is read and checked whole before anything is written: a file that is not JSON,
has the wrong shape or comes from a newer program is refused (StarterError).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import UserError
from app.paths import resources_dir
from app.services.field_input import FieldReader
from app.services.regulations.register import (
    REGULATION_LABELS,
    VERSION_LABELS,
    read_regulation,
    read_version,
)
from app.store.models import Regulation, RegulationVersion, Setting

STARTER_FILE = Path("regulations") / "starter.json"
VERSION = 1
SETTING_KEY = "regulations.starter"
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,99}$")
ENTRY_FIELDS = frozenset({"key", "versions", *REGULATION_LABELS})
VERSION_FIELDS = frozenset({"key", *VERSION_LABELS} - {"notice_id"})
WHERE = "法令・規程台帳の初期データ"


class StarterError(UserError):
    """The starter set cannot be read (a broken installation or an edited file)."""


@dataclass(frozen=True)
class StarterVersion:
    key: str
    values: dict[str, Any]


@dataclass(frozen=True)
class StarterEntry:
    key: str
    values: dict[str, Any]
    versions: tuple[StarterVersion, ...]

    @property
    def title(self) -> str:
        return str(self.values["title"])


@dataclass(frozen=True)
class Starter:
    version: int
    entries: tuple[StarterEntry, ...]


@dataclass(frozen=True)
class AdoptionResult:
    """What adopting the set did: rules and versions added (「名称」, 「名称 版」), those
    not added because the officer deleted them, those there already, and entries not added
    because a rule of the same name (entered by hand) exists."""

    added_entries: tuple[str, ...]
    added_versions: tuple[str, ...]
    skipped_deleted: tuple[str, ...]
    already: tuple[str, ...]
    same_title: tuple[str, ...]

    def summary(self) -> str:
        parts = [f"登録済み {len(self.already):,} 件"]
        if self.skipped_deleted:
            parts.append(f"削除されたため追加しなかったもの {len(self.skipped_deleted):,} 件")
        if self.same_title:
            parts.append(f"同じ名称の法令・規程があるため追加しなかったもの "
                         f"{len(self.same_title):,} 件")  # fmt: skip
        return (
            f"{WHERE}から法令・規程 {len(self.added_entries):,} 件と改定 "
            f"{len(self.added_versions):,} 件を追加しました（{'、'.join(parts)}）"
        )


def starter_path() -> Path:
    return resources_dir() / STARTER_FILE


def _key(raw: Any, where: str) -> str:
    if not isinstance(raw, str) or not KEY_RE.match(raw):
        rule = "英小文字・数字・_.- の100文字以内"
        raise StarterError(f"{where}の key が正しくありません（{rule}）: {raw!r}")
    return raw


def _unknown(raw: dict[str, Any], allowed: frozenset[str], where: str) -> None:
    if unknown := sorted(set(raw) - allowed):
        raise StarterError(f"{where}に使えない項目があります: {', '.join(unknown)}")


def _read(labels: dict[str, str], data: dict[str, Any], where: str, read: Any) -> dict[str, Any]:
    reader = FieldReader(labels, data)
    values: dict[str, Any] = read(reader)
    if reader.errors:
        raise StarterError(f"{where}が正しくありません: " + " / ".join(map(str, reader.errors)))
    return values


def _version(raw: Any, where: str) -> StarterVersion:
    if not isinstance(raw, dict):
        raise StarterError(f"{where}が改定の形（{{…}}）になっていません")
    key = _key(raw.get("key"), where)
    _unknown(raw, VERSION_FIELDS, where)
    data = {k: v for k, v in raw.items() if k != "key"}
    values = _read(VERSION_LABELS, data, f"{where}「{key}」", lambda r: read_version(r))
    return StarterVersion(key, values)


def _entry(n: int, raw: Any) -> StarterEntry:
    where = f"{n}件目"
    if not isinstance(raw, dict):
        raise StarterError(f"{where}が項目の形（{{…}}）になっていません")
    key = _key(raw.get("key"), where)
    where = f"{n}件目「{raw.get('title', key)}」"
    _unknown(raw, ENTRY_FIELDS, where)
    data = {k: v for k, v in raw.items() if k not in ("key", "versions")}
    values = _read(REGULATION_LABELS, data, where, lambda r: read_regulation(r, new=True))
    raw_versions = raw.get("versions", [])
    if not isinstance(raw_versions, list):
        raise StarterError(f"{where}の versions が一覧になっていません")
    versions = tuple(_version(v, f"{where}の{m}番目の改定")
                     for m, v in enumerate(raw_versions, start=1))  # fmt: skip
    keys = [v.key for v in versions]
    if repeated := sorted({k for k in keys if keys.count(k) > 1}):
        raise StarterError(f"{where}に同じ key の改定が2件以上あります: {'、'.join(repeated)}")
    return StarterEntry(key, values, versions)


def load_starter(path: Path | None = None) -> Starter:
    """The starter set (the bundled file unless ``path`` is given), checked whole.

    Raises StarterError naming the file and what is wrong with it.
    """
    path = path or starter_path()
    where = f"{WHERE}（{path.name}）"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StarterError(f"{where}を読めません: {exc}") from exc
    if not isinstance(document, dict):
        raise StarterError(f'{where}の形が正しくありません（{{"version": …, "entries": […]}}）')
    version = document.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        raise StarterError(
            f"{where}の版（version: {version}）はこのプログラムより新しいため読めません。"
            "Hitori を更新してください"
        )
    if isinstance(version, bool) or version != VERSION:
        raise StarterError(f"{where}の版（version: {version}）に対応していません")
    raw_entries = document.get("entries")
    if not isinstance(raw_entries, list):
        raise StarterError(f"{where}に entries の一覧がありません")
    try:
        entries = tuple(_entry(n, raw) for n, raw in enumerate(raw_entries, start=1))
    except StarterError as exc:
        raise StarterError(f"{where}: {exc}") from exc
    for what, names in (("key", [e.key for e in entries]), ("名称", [e.title for e in entries])):
        if repeated := sorted({k for k in names if names.count(k) > 1}):
            raise StarterError(f"{where}に同じ{what}の項目が2件以上あります: {'、'.join(repeated)}")
    return Starter(version, entries)


def adopted_keys(session: Session) -> tuple[int, set[str]]:
    """The version of the newest set adopted and every key ever adopted (none when the
    setting is missing or unreadable: the rows' own starter keys still match)."""
    stored = session.get(Setting, SETTING_KEY)
    value = stored.value if stored is not None else None
    if not isinstance(value, dict):
        return 0, set()
    version = value.get("version")
    keys = value.get("keys")
    return (
        version if isinstance(version, int) and not isinstance(version, bool) else 0,
        {k for k in keys if isinstance(k, str)} if isinstance(keys, list) else set(),
    )


def _save_keys(session: Session, version: int, keys: set[str]) -> None:
    value = {"version": version, "keys": sorted(keys)}
    stored = session.get(Setting, SETTING_KEY)
    if stored is None:
        session.add(Setting(key=SETTING_KEY, value=value))
    elif stored.value != value:
        stored.value = value
    session.flush()


def adopt_starter(session: Session, starter: Starter | None = None) -> AdoptionResult:
    """Add what is new in the starter set (the bundled one unless given); never change
    a row that exists, never add again what the officer deleted. Adopting the same set
    twice writes nothing the second time."""
    starter = load_starter() if starter is None else starter  # refused before any write
    old_version, keys = adopted_keys(session)
    keyed = Regulation.starter_key.in_([e.key for e in starter.entries])
    present = {r.starter_key: r for r in session.scalars(select(Regulation).where(keyed))}
    named = Regulation.title.in_([e.title for e in starter.entries])
    titles = set(session.scalars(select(Regulation.title).where(named)))
    added: list[str] = []
    added_versions: list[str] = []
    deleted: list[str] = []
    already: list[str] = []
    same: list[str] = []
    new_keys = set(keys)
    for entry in starter.entries:
        regulation = present.get(entry.key)
        if regulation is None and entry.key in keys:
            deleted.append(entry.title)
            continue
        if regulation is None and entry.title in titles:
            same.append(entry.title)
            continue
        if regulation is None:
            regulation = Regulation(**entry.values, starter_key=entry.key)
            session.add(regulation)
            added.append(entry.title)
        else:
            already.append(entry.title)
        new_keys.add(entry.key)
        have = {v.starter_key for v in regulation.versions}
        for item in entry.versions:
            full_key = f"{entry.key}/{item.key}"
            name = f"{regulation.title} {item.values['label']}"
            if item.key in have:
                new_keys.add(full_key)
            elif full_key in keys:
                deleted.append(name)
            else:
                regulation.versions.append(RegulationVersion(**item.values, starter_key=item.key))
                added_versions.append(name)
                new_keys.add(full_key)
    session.flush()
    version = max(old_version, starter.version)
    if new_keys != keys or version != old_version:
        _save_keys(session, version, new_keys)
    return AdoptionResult(tuple(added), tuple(added_versions), tuple(deleted), tuple(already),
                          tuple(same))  # fmt: skip
