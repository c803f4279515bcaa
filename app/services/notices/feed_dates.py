"""The issue date of a feed item, read from the text the feed gives — never invented.

feedparser's own parsed dates are not used: it turns every date into UTC (an item
published on 3/31 at 00:30 in Japan becomes 3/30) and reads forms it does not know
as something else (「2026年3月31日」 became 12/1). Instead the raw text is read here:

- W3C-DTF / ISO 8601 (RSS 1.0 ``dc:date``, Atom): ``2026-03-31``, ``2026-03-31T17:00+09:00``;
- RFC 822 (RSS 2.0 ``pubDate``): ``Tue, 31 Mar 2026 10:00:00 +0900``, also without a time;
- what Japanese sites write by hand: ``2026/3/31``, ``2026年3月31日``, ``令和8年3月31日``,
  ``R8.3.31`` (app.jdate), with or without a time after it.

A date with a time zone is taken as the date in Japan (UTC+9): ``2026-03-31T23:30:00Z``
is 4/1. A date without one is taken as written. A form with no year (「3/31」) or no
day (``2026-03``) is not a date: nothing is guessed.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from app.jdate import JDateError, parse_date

JST = timezone(timedelta(hours=9), "JST")

_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?|UTC|GMT|JST)?",
    re.IGNORECASE,
)
_RFC822_DAY_ONLY = re.compile(r"(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}")
# A 4-digit year or an era: app.jdate would take 「3/31」 as this year's.
_HAS_YEAR = re.compile(r"\d{4}|(?:明治|大正|昭和|平成|令和|[明大昭平令MTSHR])\s*(?:\d|元)")
_TIME_AFTER = re.compile(r"(?:\s+|T)\d{1,2}\s*[:時].*$")


class DateUnreadable(ValueError):
    """The text is there but is not a date this module can read."""


def feed_date(text: str | None) -> date | None:
    """The date in ``text``; None when there is no text. Raises DateUnreadable."""
    if text is None or not text.strip():
        return None
    raw = text.strip()
    for reader in (_iso_date, _rfc822_date, _japanese_date):
        found = reader(raw)
        if found is not None:
            return found
    raise DateUnreadable(raw)


def _in_japan(moment: datetime) -> date:
    return moment.date() if moment.tzinfo is None else moment.astimezone(JST).date()


def _iso_date(raw: str) -> date | None:
    m = _ISO.fullmatch(raw)
    if m is None:
        return None
    try:
        moment = datetime(
            int(m["y"]), int(m["m"]), int(m["d"]),
            int(m["H"] or 0), int(m["M"] or 0), int(m["S"] or 0),
        )  # fmt: skip
    except ValueError:
        raise DateUnreadable(raw) from None
    zone = (m["tz"] or "").upper()
    if zone in ("Z", "UTC", "GMT"):
        moment = moment.replace(tzinfo=UTC)
    elif zone[:1] in ("+", "-"):
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        moment = moment.replace(tzinfo=timezone(-offset if zone[0] == "-" else offset))
    # JST, or no zone: the date as written.
    return _in_japan(moment)


def _rfc822_date(raw: str) -> date | None:
    text = raw
    if _RFC822_DAY_ONLY.fullmatch(raw):
        text = raw + " 00:00:00"  # the RFC's time is required; the date alone is enough
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return _in_japan(moment)  # an unknown zone name (JST) gives the time as written


def _japanese_date(raw: str) -> date | None:
    normal = unicodedata.normalize("NFKC", raw).strip()
    if not _HAS_YEAR.search(normal.upper()):
        return None
    for candidate in (normal, _TIME_AFTER.sub("", normal)):
        try:
            return parse_date(candidate)
        except JDateError:
            continue
    return None
