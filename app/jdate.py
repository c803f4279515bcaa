"""Japanese calendar (和暦) helpers: parsing, formatting and fiscal years.

Dates are always stored as ISO :class:`datetime.date` values; the Japanese era
calendar is only a presentation and input format.  This module is pure Python
(standard library only) so it can be used from every layer of the app.

Supported eras: 明治 (1868-01-01), 大正 (1912-07-30), 昭和 (1926-12-25),
平成 (1989-01-08) and 令和 (2019-05-01).  Japan adopted the Gregorian calendar
only on 明治6年1月1日 (1873-01-01); dates in 明治1-5年 are mapped arithmetically.

Error messages (:class:`JDateError`) are Japanese sentences meant to be shown
to the user as-is.
"""

from __future__ import annotations

import calendar
import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from app.errors import UserError

__all__ = [
    "JDateError",
    "add_months",
    "era_of",
    "fiscal_year",
    "fiscal_year_label",
    "fiscal_year_range",
    "format_date",
    "parse_date",
    "parse_optional_date",
    "to_wareki",
]


class JDateError(UserError, ValueError):
    """Raised when a date cannot be parsed or expressed; the message is Japanese."""


@dataclass(frozen=True, slots=True)
class _Era:
    name: str  # 令和
    letter: str  # R
    start: date
    end: date | None  # last day of the era; None for the current era

    @property
    def last_year(self) -> int | None:
        """Last era year actually used (平成 -> 31), or None for the current era."""
        if self.end is None:
            return None
        return self.end.year - self.start.year + 1

    @property
    def start_text(self) -> str:
        return f"{self.start.year}年{self.start.month}月{self.start.day}日"


_ERAS: tuple[_Era, ...] = (
    _Era("明治", "M", date(1868, 1, 1), date(1912, 7, 29)),
    _Era("大正", "T", date(1912, 7, 30), date(1926, 12, 24)),
    _Era("昭和", "S", date(1926, 12, 25), date(1989, 1, 7)),
    _Era("平成", "H", date(1989, 1, 8), date(2019, 4, 30)),
    _Era("令和", "R", date(2019, 5, 1), None),
)

# How many years past an era's last real year are still accepted (平成32年 etc.
# appear on documents printed before the era change).
_ERA_TOLERANCE_YEARS = 5

_ERA_BY_TOKEN: dict[str, _Era] = {}
for _era in _ERAS:
    _ERA_BY_TOKEN[_era.name] = _era
    _ERA_BY_TOKEN[_era.name[0]] = _era
    _ERA_BY_TOKEN[_era.letter] = _era
del _era

_WEEKDAYS = "月火水木金土日"  # index == date.weekday()
_MAX_ECHO = 40

# Dash-like characters users type (or IMEs produce) instead of "-".
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−ー", "-"))

_ERA_RE = r"(?:(?P<era>明治|大正|昭和|平成|令和|[明大昭平令MTSHR])\s*)?"
_YEAR_RE = r"(?P<year>\d{1,4}|元)"
_WEEKDAY_RE = r"(?:\s*\(\s*(?P<wd>[月火水木金土日])(?:曜日?)?\s*\))?"

# 令和8年3月31日 / 2026年 3月 31日 / R8年3月31日 (trailing 日 optional).
_KANJI_RE = re.compile(
    rf"{_ERA_RE}{_YEAR_RE}\s*年\s*(?P<month>\d{{1,2}})\s*月\s*(?P<day>\d{{1,2}})\s*日?{_WEEKDAY_RE}"
)
# 2026-03-31 / 2026/3/31 / R8.3.31 (the two separators must be the same).
_SEPARATED_RE = re.compile(
    rf"{_ERA_RE}{_YEAR_RE}\s*(?P<sep>[./-])\s*(?P<month>\d{{1,2}})\s*(?P=sep)\s*"
    rf"(?P<day>\d{{1,2}}){_WEEKDAY_RE}"
)
# 20260331
_COMPACT_RE = re.compile(rf"(?P<year>\d{{4}})(?P<month>\d{{2}})(?P<day>\d{{2}}){_WEEKDAY_RE}")
# 3/31 / 3月31日 (year taken from ``today``).
_MONTH_DAY_RES = (
    re.compile(rf"(?P<month>\d{{1,2}})\s*/\s*(?P<day>\d{{1,2}}){_WEEKDAY_RE}"),
    re.compile(rf"(?P<month>\d{{1,2}})\s*月\s*(?P<day>\d{{1,2}})\s*日?{_WEEKDAY_RE}"),
)
# Incomplete inputs that deserve a specific message.
_NO_DAY_RE = re.compile(
    rf"(?:{_ERA_RE}{_YEAR_RE}\s*(?:年|(?P<sep>[./-]))\s*)?(?P<month>\d{{1,2}})\s*(?(sep)|月)"
)
_NO_MONTH_RE = re.compile(rf"{_ERA_RE}{_YEAR_RE}\s*年")


# --------------------------------------------------------------------------- parsing


def _normalise(text: str) -> str:
    """NFKC-normalise, unify dashes and upper-case era letters."""
    return unicodedata.normalize("NFKC", text).translate(_DASHES).strip().upper()


def _echo(text: str) -> str:
    shown = text.strip()
    if len(shown) > _MAX_ECHO:
        shown = shown[:_MAX_ECHO] + "…"
    return f"'{shown}'"


def _unreadable(text: str) -> JDateError:
    return JDateError(f"日付として読み取れません: {_echo(text)}")


def _year_label(year: int) -> str:
    return "元" if year == 1 else str(year)


def _make_date(year: int, month: int, day: int, year_text: str) -> date:
    """Build a date, explaining in Japanese what is wrong with invalid parts.

    ``year_text`` is how the year is shown in messages (e.g. ``令和5年``).
    """
    if not 1 <= year <= 9999:
        raise JDateError(f"{year_text}は扱える範囲（西暦1年〜9999年）を超えています")
    if not 1 <= month <= 12:
        raise JDateError(f"{month}月は存在しません（月は1〜12で指定してください）")
    last_day = calendar.monthrange(year, month)[1]
    if day == 29 and month == 2 and last_day == 28:
        raise JDateError(
            f"{year_text}2月29日は存在しない日付です（{year}年はうるう年ではありません）"
        )
    if not 1 <= day <= last_day:
        raise JDateError(f"{month}月{day}日は存在しない日付です")
    return date(year, month, day)


def _era_date(era: _Era, year_text: str, month: int, day: int) -> date:
    """Convert an era date to a Gregorian date, applying the tolerance rule."""
    if len(year_text) >= 4:
        raise JDateError(
            f"{era.name}{year_text}年は和暦の年として読み取れません"
            "（西暦の場合は元号を付けずに入力してください）"
        )
    year = 1 if year_text == "元" else int(year_text)
    if year == 0:
        raise JDateError(f"{era.name}0年は存在しません（{era.name}は元年（1年）から始まります）")
    last = era.last_year
    if last is not None and year > last + _ERA_TOLERANCE_YEARS:
        raise JDateError(
            f"{era.name}{year}年は{era.name}の範囲を超えています（{era.name}は{last}年まで）"
        )
    label = f"{era.name}{_year_label(year)}年"
    result = _make_date(era.start.year + year - 1, month, day, label)
    if result < era.start:
        raise JDateError(
            f"{label}{month}月{day}日は{era.name}の開始前です（{era.name}は{era.start_text}からです）"
        )
    # Dates after the era's end (平成31年5月1日, 平成32年1月1日) are accepted
    # and normalised arithmetically.
    return result


def _check_weekday(result: date, weekday: str | None) -> date:
    if weekday is not None:
        actual = _WEEKDAYS[result.weekday()]
        if weekday != actual:
            raise JDateError(
                f"{result.year}年{result.month}月{result.day}日は{actual}曜日です"
                f"（{weekday}曜日と入力されています）"
            )
    return result


def _from_match(m: re.Match[str], text: str) -> date:
    """Turn a match of _KANJI_RE / _SEPARATED_RE / _COMPACT_RE into a date."""
    groups = m.groupdict()
    era_token = groups.get("era")
    year_text: str = groups["year"]
    month, day = int(groups["month"]), int(groups["day"])
    if era_token:
        result = _era_date(_ERA_BY_TOKEN[era_token], year_text, month, day)
    elif len(year_text) == 4:
        year = int(year_text)
        if year == 0:
            raise JDateError("西暦0年は存在しません")
        result = _make_date(year, month, day, f"{year}年")
    else:
        # 元年 without an era, or a 2-3 digit year without an era: ambiguous.
        raise _unreadable(text)
    return _check_weekday(result, groups.get("wd"))


def parse_date(text: str, *, today: date | None = None) -> date:
    """Parse a 西暦 or 和暦 date typed by a user.

    Accepted (after NFKC normalisation, so full-width input works):
    ``2026-03-31``, ``2026/3/31``, ``2026.3.31``, ``20260331``, ``2026年3月31日``,
    ``令和8年3月31日``, ``令和元年5月1日``, ``R8.3.31``, ``r8/3/31``, ``令8.3.31``,
    ``㋿8.3.31``; an optional weekday suffix such as ``(火)`` is checked.
    Month/day without a year (``3/31``, ``3月31日``) uses the year of ``today``
    (default: :meth:`date.today`).

    Raises:
        JDateError: with a Japanese message explaining what is wrong.
    """
    # Ledgers repeat the same dates thousands of times: parse each text once.
    return _parse_cached(text, today or date.today())


@functools.lru_cache(maxsize=8192)
def _parse_cached(text: str, today: date) -> date:
    normal = _normalise(text)
    if not normal:
        raise JDateError("日付が入力されていません")
    for pattern in (_KANJI_RE, _SEPARATED_RE, _COMPACT_RE):
        m = pattern.fullmatch(normal)
        if m is not None:
            return _from_match(m, text)
    for pattern in _MONTH_DAY_RES:
        m = pattern.fullmatch(normal)
        if m is not None:
            year = today.year
            result = _make_date(year, int(m["month"]), int(m["day"]), f"{year}年")
            return _check_weekday(result, m["wd"])
    m = _NO_DAY_RE.fullmatch(normal)
    if m is not None and (m["era"] or m["year"] is None or len(m["year"]) == 4):
        raise JDateError(f"日が指定されていません: {_echo(text)}")
    m = _NO_MONTH_RE.fullmatch(normal)
    if m is not None and (m["era"] or len(m["year"]) == 4):
        raise JDateError(f"月と日が指定されていません: {_echo(text)}")
    raise _unreadable(text)


def parse_optional_date(text: str | None, *, today: date | None = None) -> date | None:
    """Like :func:`parse_date`, but empty / whitespace-only / None gives None."""
    if text is None or not _normalise(text):
        return None
    return parse_date(text, today=today)


# --------------------------------------------------------------------------- formatting


def _era_for(d: date) -> _Era:
    for era in reversed(_ERAS):
        if d >= era.start:
            return era
    raise JDateError(f"{d.year}年{d.month}月{d.day}日は明治より前のため和暦で表せません")


def era_of(d: date) -> tuple[str, int]:
    """Return the era name and era year of ``d``: ``date(2026, 3, 31)`` -> ``("令和", 8)``."""
    era = _era_for(d)
    return era.name, d.year - era.start.year + 1


def to_wareki(d: date, *, style: str = "kanji") -> str:
    """Format ``d`` in the Japanese era calendar.

    Styles: ``"kanji"`` -> ``令和8年3月31日`` (year 1 is ``元年``),
    ``"short"`` -> ``R8.3.31``, ``"kanji_year"`` -> ``令和8年``.

    Raises:
        JDateError: for dates before 明治 (1868-01-01).
        ValueError: for an unknown style.
    """
    if style not in ("kanji", "short", "kanji_year"):
        raise ValueError(f"unknown wareki style: {style!r}")
    era = _era_for(d)
    year = d.year - era.start.year + 1
    if style == "short":
        return f"{era.letter}{year}.{d.month}.{d.day}"
    if style == "kanji_year":
        return f"{era.name}{_year_label(year)}年"
    return f"{era.name}{_year_label(year)}年{d.month}月{d.day}日"


def format_date(d: date | None, *, mode: str = "both") -> str:
    """Format a date for display.

    Modes: ``"seireki"`` -> ``2026-03-31``, ``"wareki"`` -> ``令和8年3月31日``,
    ``"both"`` -> ``2026-03-31（R8.3.31）``.  ``None`` gives ``""``.  Dates before
    明治 cannot be shown in 和暦 and fall back to the ISO form.

    Raises:
        ValueError: for an unknown mode.
    """
    if mode not in ("seireki", "wareki", "both"):
        raise ValueError(f"unknown date format mode: {mode!r}")
    if d is None:
        return ""
    iso = d.isoformat()
    if mode == "seireki" or d < _ERAS[0].start:
        return iso
    if mode == "wareki":
        return to_wareki(d)
    return f"{iso}（{to_wareki(d, style='short')}）"


# --------------------------------------------------------------------------- fiscal years


def fiscal_year(d: date) -> int:
    """Japanese fiscal year (会計年度, April-March): 2026-03-31 -> 2025, 2026-04-01 -> 2026."""
    return d.year if d.month >= 4 else d.year - 1


def fiscal_year_range(fy: int) -> tuple[date, date]:
    """First and last day of fiscal year ``fy``: (fy-04-01, (fy+1)-03-31)."""
    return date(fy, 4, 1), date(fy + 1, 3, 31)


def fiscal_year_label(fy: int) -> str:
    """Era label of a fiscal year: 2025 -> ``令和7年度``, 2019 -> ``令和元年度``.

    The era in force on the fiscal year's last day is used (so FY2019, which
    began under 平成, is ``令和元年度`` by convention), except when that era
    began only in January-March of the fiscal year, where it would give year 0:
    then the preceding era is used (FY1988 -> ``昭和63年度``, not 平成0年度).
    """
    for era in reversed(_ERAS):
        if era.start.year <= fy:
            return f"{era.name}{_year_label(fy - era.start.year + 1)}年度"
    raise JDateError(f"{fy}年度は明治より前のため和暦で表せません")


# --------------------------------------------------------------------------- arithmetic


def add_months(d: date, months: int) -> date:
    """Add (or subtract) whole months, clamping the day to the month's end.

    ``add_months(date(2026, 1, 31), 1)`` -> ``date(2026, 2, 28)``.
    """
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    if not 1 <= year <= 9999:
        raise OverflowError(f"date out of range: {d.isoformat()} + {months} months")
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))
