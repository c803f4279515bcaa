"""How the GUI shows dates: 西暦, 和暦 or both (表示 ▸ 日付の表示), one choice for every
view, kept in the settings. Input fields show the typed date once, with the other
calendar beside it only as the check of what was understood."""

from __future__ import annotations

from datetime import date

from app import jdate

STYLES = {"both": "西暦と和暦", "seireki": "西暦", "wareki": "和暦"}
SETTING = "display/dates"
_current = {"style": "both"}


def date_style() -> str:
    return _current["style"]


def set_date_style(style: str) -> None:
    if style not in STYLES:
        raise ValueError(f"unknown date style: {style!r}")
    _current["style"] = style


def shown(d: date | None) -> str:
    """``d`` as the user chose to see dates ("" for None)."""
    return jdate.format_date(d, mode=_current["style"])


def understood(d: date, typed: str) -> str:
    """What a date field shows under the input: the date in the calendar the input was
    not typed in (令和8年3月31日 under 2026-03-31, 2026-03-31 under R8.3.31)."""
    if typed.strip()[:1].isdigit() and len(typed.strip()) >= 8:
        return jdate.format_date(d, mode="wareki")
    return jdate.format_date(d, mode="seireki")
