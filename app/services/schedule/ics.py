"""The deadlines as an iCalendar file (.ics), for Outlook and other calendar programs.

Each deadline is an all-day event (DTSTART;VALUE=DATE, DTEND the next day) named
「回答期限: <件名>」, with the date in 和暦 and the deadline's context in its
description, the record's kind as its category, and TRANSP:TRANSPARENT (a deadline does
not make the officer busy all day). Its UID is made of what identifies the deadline —
record kind, id and which of its dates (``notice-12-reply@hitori.local``) — never of
its date or title: importing a newer file updates the events instead of adding copies.

The calendar is written with the icalendar library: its ``Calendar`` writes the
calendar's own properties, and the events' content lines are those its ``Event`` would
write (app.services.schedule.ics_lines explains why they are not made by it). The file
is written whole or not at all (app.output_file.replacing).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from icalendar import Calendar, vCategory, vDate, vDDDTypes
from sqlalchemy.orm import Session

from app import __version__
from app.jdate import format_date
from app.output_file import replacing
from app.services.schedule.deadlines import Deadline, deadlines
from app.services.schedule.ics_lines import fold, text_line
from app.store.kind_index import kind_by_code

CALENDAR_NAME = "Hitori 期限"
PRODID = f"-//Hitori//Hitori {__version__}//JA"
UID_DOMAIN = "hitori.local"
_END = b"END:VCALENDAR\r\n"
_EVENT_END = b"TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n"


def uid(d: Deadline) -> str:
    """The event's UID: the deadline's identity (Deadline.key), not its date or title.
    Kind codes and LABELS' codes are lower-case ASCII words: nothing in it needs
    escaping."""
    return f"{d.ref_kind}-{d.ref_id}-{d.what_code}@{UID_DOMAIN}"


def summary(d: Deadline) -> str:
    """「回答期限: <件名>」."""
    return f"{d.what}: {d.title}"


@functools.lru_cache(maxsize=4096)
def day_text(on: date) -> str:
    """令和8年3月31日（2026-03-31）; the ISO date alone before 明治."""
    wareki = format_date(on, mode="wareki")
    iso = on.isoformat()
    return iso if wareki == iso else f"{wareki}（{iso}）"


def description_lines(d: Deadline) -> tuple[str, ...]:
    """What falls on which day, in 和暦 and 西暦; then the deadline's context."""
    first = f"{d.what} {day_text(d.on)}"
    return (first, d.detail) if d.detail else (first,)


def calendar_bytes(items: Iterable[Deadline], *, stamp: datetime) -> bytes:
    """The whole .ics file (CRLF line ends): one event per deadline, each stamped with
    ``stamp``, the time of the export (a naive one is taken as local time)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", CALENDAR_NAME)
    envelope = cal.to_ical()
    if not envelope.endswith(_END):  # icalendar changed how it ends a calendar
        raise RuntimeError(f"unexpected end of an iCalendar object: {envelope[-40:]!r}")
    dtstamp = b"DTSTAMP:" + vDDDTypes(stamp.astimezone(UTC)).to_ical() + b"\r\n"
    # Lines shared by many events, made once: the dates of each day, the categories.
    days: dict[date, bytes] = {}
    categories: dict[str, bytes] = {}
    parts = [envelope[: -len(_END)]]
    for d in items:
        when = days.get(d.on)
        if when is None:
            when = days[d.on] = _dates(d.on)
        category = categories.get(d.ref_kind)
        if category is None:
            label = kind_by_code(d.ref_kind).label
            category = categories[d.ref_kind] = _line(b"CATEGORIES:", vCategory([label]).to_ical())
        parts.append(
            b"".join(
                (
                    b"BEGIN:VEVENT\r\n",
                    text_line(b"SUMMARY:", summary(d)),
                    when,
                    dtstamp,
                    fold(b"UID:" + uid(d).encode("ascii")) + b"\r\n",
                    category,
                    text_line(b"DESCRIPTION:", *description_lines(d)),
                    _EVENT_END,
                )
            )
        )
    parts.append(_END)
    return b"".join(parts)


def _line(name: bytes, value: bytes) -> bytes:
    return fold(name + value) + b"\r\n"


def _dates(on: date) -> bytes:
    """DTSTART and DTEND of an all-day event on ``on``. On the last day a date can
    have (9999-12-31, which ledgers use for "no end") there is no next day: DTSTART
    alone is a one-day event too (RFC 5545 §3.6.1)."""
    start = _line(b"DTSTART;VALUE=DATE:", vDate(on).to_ical())
    if on == date.max:
        return start
    return start + _line(b"DTEND;VALUE=DATE:", vDate(on + timedelta(days=1)).to_ical())


def export_calendar(
    session: Session, path: Path, start: date, end: date, *, stamp: datetime | None = None
) -> int:
    """Write every deadline from ``start`` to ``end`` to ``path`` (all or nothing);
    the number of events written. A name that cannot be written is refused before the
    deadlines are read (UserError, naming the file)."""
    with replacing(path) as tmp:
        items = deadlines(session, start, end)
        tmp.write_bytes(calendar_bytes(items, stamp=stamp or datetime.now(UTC)))
    return len(items)
