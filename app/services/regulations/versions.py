"""The order of a rule's versions, which one is in force, and when a follower lags.

Pure functions over anything with ``id``, ``revised_on`` and ``effective_on`` (the ORM
``RegulationVersion`` or the light ``VersionInfo`` the lists read), so the register, the
dependencies and the GUI agree on one definition:

- versions are ordered by ``on`` (公布・改定日, else 施行日), then id;
- the *current* version is the newest one in force on a day: 施行日 on or before it, or,
  without a 施行日, 公布・改定日 on or before it;
- *upcoming* versions take effect after the day (施行予定);
- a follower that was brought in line with version F *lags* when the source has a
  version after F (any version when F is None), since the first such version's ``on``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar


class Dated(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def revised_on(self) -> date | None: ...
    @property
    def effective_on(self) -> date | None: ...


V = TypeVar("V", bound=Dated)


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """A version as the lists read it (columns, not an ORM object)."""

    id: int
    regulation_id: int
    label: str
    revised_on: date | None
    effective_on: date | None
    notice_id: int | None = None

    @property
    def on(self) -> date:
        return on(self)


@dataclass(frozen=True, slots=True)
class Lag:
    """A follower behind its source: since the first newer version's date, up to the
    newest version."""

    since: date
    first: VersionInfo
    newest: VersionInfo
    behind: int  # how many versions


def on(version: Dated) -> date:
    """The date that orders versions: 公布・改定日, else 施行日."""
    day = version.revised_on or version.effective_on
    if day is None:  # the table's CHECK "dated" forbids it
        raise ValueError(f"version {version.id} has no date")
    return day


def order_key(version: Dated) -> tuple[date, int]:
    return on(version), version.id


def ordered(versions: Iterable[V]) -> list[V]:
    """Oldest first."""
    return sorted(versions, key=order_key)


def in_force(version: Dated, today: date) -> bool:
    if version.effective_on is not None:
        return version.effective_on <= today
    return version.revised_on is not None and version.revised_on <= today


def current_version(versions: Iterable[V], today: date) -> V | None:
    """The newest version in force on ``today`` (None: none is in force yet)."""
    return max((v for v in versions if in_force(v, today)), key=order_key, default=None)


def upcoming(versions: Iterable[V], today: date) -> list[V]:
    """Versions that take effect after ``today`` (施行予定), oldest first."""
    return ordered(v for v in versions if v.effective_on is not None and v.effective_on > today)


def newest(versions: Iterable[V]) -> V | None:
    return max(versions, key=order_key, default=None)


def newer_than(versions: Iterable[V], followed_id: int | None) -> list[V]:
    """The versions after the followed one, oldest first: all of them when nothing was
    followed (or the followed version is not among them)."""
    versions = ordered(versions)
    followed = next((v for v in versions if v.id == followed_id), None)
    if followed is None:
        return versions
    key = order_key(followed)
    return [v for v in versions if order_key(v) > key]


def lag_of(versions: Iterable[VersionInfo], followed_id: int | None) -> Lag | None:
    """How far a follower of these versions is behind (None: it is in line)."""
    newer = newer_than(versions, followed_id)
    if not newer:
        return None
    return Lag(newer[0].on, newer[0], newer[-1], len(newer))


def previous(versions: Iterable[V], version: Dated) -> V | None:
    """The newest version before ``version`` (itself excluded)."""
    key = order_key(version)
    return newest(v for v in versions if order_key(v) < key and v.id != version.id)
