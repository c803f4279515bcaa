"""What a digest shows: plain, frozen values that every output (text, HTML, PDF) and the
GUI read, made either from the records of a period (app.services.digests.compose) or
from a kept digest (app.services.digests.store.digest_content).

A ``Content`` has its title, period, the officer's own lines (``intro``) and its topics
in order; a ``Topic`` its items in order; an ``Item`` what one record says (its kind,
title, lines, link, deadlines) and the officer's comment on it. An item whose record
was deleted after the digest was kept is ``gone``: shown as 「（削除された記録）」,
never dropped (the digest is a record of what was sent).

Dates are shown in 和暦 with the day of the week (「令和8年5月29日（金）」).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from app.jdate import to_wareki

__all__ = [
    "GONE",
    "Candidate",
    "Content",
    "Deadline",
    "Item",
    "Topic",
    "day_text",
    "group_by_topic",
    "is_web_address",
    "period_text",
]

GONE = "（削除された記録）"
WEEKDAYS = "月火水木金土日"


def day_text(day: date) -> str:
    """「令和8年5月29日（金）」 (a date before 明治: its ISO form)."""
    try:
        wareki = to_wareki(day)
    except ValueError:
        wareki = day.isoformat()
    return f"{wareki}（{WEEKDAYS[day.weekday()]}）"


def period_text(start: date, end: date) -> str:
    """「令和8年4月1日（水）〜令和8年4月7日（火）」; one day: that day."""
    if start == end:
        return day_text(start)
    return f"{day_text(start)}〜{day_text(end)}"


def is_web_address(url: str) -> bool:
    """True for an http or https address: the only ones an output links."""
    return re.match(r"(?i)https?://\S+$", url.strip()) is not None


@dataclass(frozen=True)
class Deadline:
    """A date the reader must know: 回答期限, 施行日, 対応期限."""

    label: str
    on: date

    @property
    def when(self) -> str:
        """「令和8年5月29日（金）」."""
        return day_text(self.on)

    @property
    def text(self) -> str:
        """「回答期限: 令和8年5月29日（金）」."""
        return f"{self.label}: {self.when}"


@dataclass(frozen=True)
class Candidate:
    """A record of the period that may go into a digest (app.services.digests.compose).

    ``ref_kind`` is its section's code (app.store.vocab.DIGEST_SECTIONS), ``kind_label``
    what it is (通知, 事務連絡, 法令・規程の改定, Q&A), ``lines`` what it says (issuer and
    number, status, changes, the first answer …), ``on`` the date that put it in the
    period, ``topic`` its first tag (by name), else its section's topic.
    """

    ref_kind: str
    ref_id: int
    kind_label: str
    title: str
    lines: tuple[str, ...]
    url: str
    deadlines: tuple[Deadline, ...]
    topic: str
    on: date


@dataclass(frozen=True)
class Item:
    """One item of a digest as it is shown."""

    ref_kind: str
    ref_id: int
    kind_label: str
    title: str
    lines: tuple[str, ...] = ()
    url: str = ""
    deadlines: tuple[Deadline, ...] = ()
    comment: str = ""
    gone: bool = False

    @classmethod
    def of(cls, candidate: Candidate, comment: str = "") -> Item:
        c = candidate
        return cls(c.ref_kind, c.ref_id, c.kind_label, c.title, c.lines, c.url, c.deadlines,
                   comment.strip())  # fmt: skip


@dataclass(frozen=True)
class Topic:
    name: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Content:
    """A digest to show or write. ``digest_id`` is the kept digest's id (None: composed
    for a period, not kept)."""

    title: str
    start: date
    end: date
    intro: str
    topics: tuple[Topic, ...]
    digest_id: int | None = None
    sections: tuple[str, ...] = field(default=())

    @property
    def period_text(self) -> str:
        return period_text(self.start, self.end)

    @property
    def items(self) -> list[Item]:
        """Every item, topic by topic."""
        return [item for topic in self.topics for item in topic.items]

    @property
    def deadlines(self) -> list[tuple[Deadline, Item]]:
        """Every deadline of every item (not gone), by date."""
        found = [(d, item) for item in self.items for d in item.deadlines]
        return sorted(found, key=lambda pair: pair[0].on)

    @property
    def is_empty(self) -> bool:
        """Nothing to send: no item and no lines of the officer's own."""
        return not self.topics and not self.intro.strip()


def group_by_topic(entries: Iterable[tuple[str, Item]]) -> tuple[Topic, ...]:
    """(topic, item) pairs as topics in the order of their first item, each with its
    items in the order given."""
    topics: dict[str, list[Item]] = {}
    for name, item in entries:
        topics.setdefault(name, []).append(item)
    return tuple(Topic(name, tuple(items)) for name, items in topics.items())
