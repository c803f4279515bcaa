"""What each column of the asset table shows and how it sorts; which rows need attention.

Sort keys are plain Python values computed once per row (the model caches them);
a key of None means "empty" and always sorts last, in both directions.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from app.services.inventory.assets import AssetRow
from app.store.vocab import ASSET_STATUSES, SEGMENTS
from app.ui.translations import QT_TRANSLATE_NOOP

CTX = "AssetTableModel"  # translation context of headers and notes

_STATUS_RANK = {code: n for n, code in enumerate(ASSET_STATUSES)}
_SEGMENT_RANK = {code: n for n, code in enumerate(SEGMENTS)}


@dataclass(frozen=True, slots=True)
class Column:
    header: str  # source text; translated in the model
    value: Callable[[AssetRow], Any]  # str, or date | None for date columns
    sort_key: Callable[[AssetRow], Any]
    is_date: bool = False


def ip_sort_key(text: str) -> bytes | None:
    """Numeric order for IPv4, then IPv6 addresses, then anything else as text.

    Bytes keys (packed address behind a kind prefix) are quick both to build with
    inet_pton and to compare when sorting 50,000 rows.
    """
    if not text:
        return None
    for prefix, family in ((b"4", socket.AF_INET), (b"6", socket.AF_INET6)):
        try:
            return prefix + socket.inet_pton(family, text)
        except (OSError, ValueError):
            pass
    return b"9" + text.encode("utf-8", "surrogatepass")


def _text(header: str, attr: str, *, fold: bool = False) -> Column:
    get = attrgetter(attr)
    if fold:
        return Column(header, get, lambda r: get(r).casefold() or None)
    return Column(header, get, lambda r: get(r) or None)


def _coded(header: str, attr: str, labels: dict[str, str], rank: dict[str, int]) -> Column:
    get = attrgetter(attr)
    return Column(
        header,
        lambda r: labels.get(get(r), get(r)) if get(r) else "",
        lambda r: f"{rank.get(get(r), 99):02d}{get(r)}" if get(r) else None,
    )


def _date(header: str, attr: str) -> Column:
    get = attrgetter(attr)
    return Column(header, get, get, is_date=True)


COLUMNS: tuple[Column, ...] = (
    _text(QT_TRANSLATE_NOOP(CTX, "資産管理番号"), "asset_tag"),
    _text(QT_TRANSLATE_NOOP(CTX, "名称"), "name", fold=True),
    _text(QT_TRANSLATE_NOOP(CTX, "種別"), "type_name"),
    _coded(QT_TRANSLATE_NOOP(CTX, "状態"), "status", ASSET_STATUSES, _STATUS_RANK),
    _coded(QT_TRANSLATE_NOOP(CTX, "ネットワーク区分"), "segment", SEGMENTS, _SEGMENT_RANK),
    _text(QT_TRANSLATE_NOOP(CTX, "部署"), "department_name"),
    _text(QT_TRANSLATE_NOOP(CTX, "設置場所"), "location_name"),
    _text(QT_TRANSLATE_NOOP(CTX, "利用者"), "user_name"),
    _text(QT_TRANSLATE_NOOP(CTX, "ホスト名"), "hostname", fold=True),
    Column(
        QT_TRANSLATE_NOOP(CTX, "IPアドレス"),
        attrgetter("ip_address"),
        lambda r: ip_sort_key(r.ip_address),
    ),
    _date(QT_TRANSLATE_NOOP(CTX, "保守終了日"), "maintenance_end"),
    _date(QT_TRANSLATE_NOOP(CTX, "EOL"), "eol_date"),
)

# --- lifecycle problems ---------------------------------------------------------------

EOL_REACHED, MAINTENANCE_EXPIRED, MAINTENANCE_SOON = "eol", "expired", "soon"

# (background, foreground): dark text on a light tint stays readable in any theme.
PROBLEM_COLORS: dict[str, tuple[QColor, QColor]] = {
    EOL_REACHED: (QColor("#f8d7da"), QColor("#6a1a21")),
    MAINTENANCE_EXPIRED: (QColor("#f8d7da"), QColor("#6a1a21")),
    MAINTENANCE_SOON: (QColor("#fff0c2"), QColor("#5c4500")),
}
PROBLEM_NOTES: dict[str, str] = {
    EOL_REACHED: QT_TRANSLATE_NOOP(CTX, "EOL（サポート終了）を過ぎています"),
    MAINTENANCE_EXPIRED: QT_TRANSLATE_NOOP(CTX, "保守が切れています"),
    MAINTENANCE_SOON: QT_TRANSLATE_NOOP(CTX, "保守終了まで{0}か月以内です"),
}


def legend_html(warn_months: int) -> str:
    """What the row colours mean, as coloured swatches (one per colour in use)."""
    by_colour: dict[tuple[str, str], list[str]] = {}
    for problem, (background, foreground) in PROBLEM_COLORS.items():
        note = QCoreApplication.translate(CTX, PROBLEM_NOTES[problem]).format(warn_months)
        by_colour.setdefault((background.name(), foreground.name()), []).append(note)
    swatches = " ".join(
        f"<span style='background:{bg}; color:{fg};'>&nbsp;{'・'.join(notes)}&nbsp;</span>"
        for (bg, fg), notes in by_colour.items()
    )
    return QCoreApplication.translate(CTX, "行の色:") + " " + swatches


def lifecycle_problem(row: AssetRow, today: date, horizon: date) -> str | None:
    """EOL reached / maintenance expired / maintenance ending by ``horizon``, else None.

    Disposed assets (廃棄済) are never flagged.
    """
    if row.status == "disposed":
        return None
    if row.eol_date is not None and row.eol_date <= today:
        return EOL_REACHED
    end = row.maintenance_end
    if end is not None:
        if end < today:
            return MAINTENANCE_EXPIRED
        if end <= horizon:
            return MAINTENANCE_SOON
    return None
