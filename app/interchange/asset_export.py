"""Export the asset ledger to CSV or XLSX: the full 資産台帳 or the 情報資産台帳 layout.

``export_assets`` streams rows from the database with a Core select (no ORM objects)
and writes them to a temporary file beside the target, which replaces the target only
when everything was written (app/output_file.py): a cancel or an error never leaves a
partial file.

Formats (chosen by the file suffix):
- ``.csv``: UTF-8 with BOM (Excel opens it directly) or CP932 on request. With CP932 a
  character it cannot encode is refused (UserError naming the asset and column) unless
  the caller passes ``errors="replace"``, which writes 〓 instead. A few well-known
  Unicode/CP932 mismatches (EM DASH, NO-BREAK SPACE) are mapped first.
- ``.xlsx``: written by the streaming writer of app/interchange/xlsx_writer.py (see
  there why not openpyxl or XlsxWriter). Bold filled header, frozen pane, auto filter,
  column widths from a sample of rows, dates as real date cells (yyyy/mm/dd), A4
  landscape fitted to the page width with the header repeated.

Formula neutralisation: a text cell starting with = + - @ TAB or CR is written so that
Excel shows it literally: in CSV with a leading apostrophe, in XLSX as a string cell
(never a formula) with the quotePrefix style. Numbers and dates are never text; a
negative number in a numeric field stays a number (assets have none today).

Layouts: ``ledger`` has every field of FIELD_LABELS (codes as their Japanese labels,
機密性/完全性/可用性 as 1–3 so the file can be imported again) then one column per custom
field key present; ``security`` (情報資産台帳) has 資産管理番号, 名称, 種別, 管理者, 設置場所,
ネットワーク区分, 機密性, 完全性, 可用性 (as labels such as 「3（高）」), 重要度 (the highest of
the three: 高/中/低) and 備考.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session

from app.errors import UserError
from app.interchange.xlsx_writer import FORMULA_PREFIXES, Value, column_widths, write_xlsx
from app.output_file import replacing
from app.progress import Progress
from app.store.models import Asset, AssetType, CustomFieldDef, Department, Location
from app.store.vocab import ASSET_STATUSES, CIA_LEVELS, SEGMENTS

# Column headings: the asset kind's field labels (app.store.kinds).
FIELD_LABELS = Asset.__kind__.fields

__all__ = ["ENCODINGS", "LAYOUTS", "ExportResult", "column_widths", "export_assets", "neutralise"]

LAYOUTS: dict[str, str] = {"ledger": "資産台帳", "security": "情報資産台帳"}
ENCODINGS: dict[str, str] = {"utf-8-sig": "UTF-8（BOM付き）", "cp932": "Shift_JIS（CP932）"}
SECURITY_HEADERS = ["資産管理番号", "名称", "種別", "管理者", "設置場所", "ネットワーク区分",
                    "機密性", "完全性", "可用性", "重要度", "備考"]  # fmt: skip
IMPORTANCE: dict[int, str] = {1: "低", 2: "中", 3: "高"}
CHUNK = 500  # ids per IN (...) query
PROGRESS_EVERY = 1_000
_CP932_FIX = str.maketrans({"\u2014": "\u2015", "\u00a0": " "})


@dataclass(frozen=True, slots=True)
class ExportResult:
    rows: int
    path: Path


def neutralise(text: str) -> str:
    """The CSV form of a text cell: a leading apostrophe if Excel would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def export_assets(
    session: Session,
    path: Path | str,
    *,
    layout: str = "ledger",
    encoding: str = "utf-8-sig",
    asset_ids: Sequence[int] | None = None,
    progress: Progress | None = None,
    errors: str = "strict",
) -> ExportResult:
    """Write assets to ``path`` (.csv or .xlsx); return how many rows were written.

    ``asset_ids`` None exports every asset by asset tag; otherwise those assets in the
    order given (the GUI's filtered view), skipping ids deleted meanwhile. ``encoding``
    applies to CSV only. Raises UserError for a bad suffix, layout, encoding or target,
    and Cancelled (leaving no file) when ``progress`` is cancelled.
    """
    path = Path(path)
    kind = path.suffix.lower()
    if kind not in (".csv", ".xlsx"):
        raise UserError(f"出力ファイルの拡張子は .xlsx か .csv にしてください: {path.name}")
    if layout not in LAYOUTS:
        raise UserError(f"出力の形式が不正です: {layout}（ledger / security）")
    if encoding not in ENCODINGS:
        raise UserError(f"文字コードが不正です: {encoding}（utf-8-sig / cp932）")
    if errors not in ("strict", "replace"):
        raise UserError(f"errors が不正です: {errors}（strict / replace）")
    ids = None if asset_ids is None else list(dict.fromkeys(asset_ids))
    if layout == "ledger":
        custom = _custom_columns(session, ids)
        headers = [*FIELD_LABELS.values(), *(header for _, header, _ in custom)]
        to_values = _ledger_values(custom)
    else:
        headers, to_values = list(SECURITY_HEADERS), _security_values
    if ids is None:
        total = session.scalar(select(func.count()).select_from(Asset)) or 0
    else:
        total = len(ids)
    rows = _counted((to_values(r) for r in _fetch(session, _row_query(), ids)), total, progress)
    with replacing(path) as tmp:
        if kind == ".csv":
            count = _write_csv(tmp, headers, rows, encoding, errors == "replace")
        else:
            count = write_xlsx(tmp, LAYOUTS[layout], headers, rows)
    if progress is not None:
        progress.report(count, count, "書き出しました")
    return ExportResult(count, path)


# --- reading -----------------------------------------------------------------------------


def _row_query() -> Any:
    """Columns by position: id, every FIELD_LABELS field, the three names, custom JSON text."""
    return (
        select(
            Asset.id,
            *(getattr(Asset, name) for name in FIELD_LABELS),
            AssetType.name,
            Department.name,
            Location.name,
            type_coerce(Asset.custom_fields, String),
        )
        .outerjoin(AssetType, AssetType.id == Asset.asset_type_id)
        .outerjoin(Department, Department.id == Asset.department_id)
        .outerjoin(Location, Location.id == Asset.location_id)
    )


_N = len(FIELD_LABELS)
_POS = {name: i for i, name in enumerate(FIELD_LABELS, 1)}  # position of a field in a row
_TYPE, _DEPT, _LOC, _CUSTOM = _N + 1, _N + 2, _N + 3, _N + 4


def _fetch(session: Session, stmt: Any, ids: list[int] | None) -> Iterator[Any]:
    """Rows of ``stmt`` (plain Core rows): all by asset tag, or those of ``ids`` in that order."""
    conn = session.connection()
    if ids is None:
        yield from conn.execute(stmt.order_by(Asset.asset_tag))
        return
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found = {r[0]: r for r in conn.execute(stmt.where(Asset.id.in_(chunk)))}
        yield from (found[i] for i in chunk if i in found)


def _custom_columns(session: Session, ids: list[int] | None) -> list[tuple[str, str, str]]:
    """(key, header, kind) of every custom field key present in the exported assets."""
    stmt = select(Asset.id, type_coerce(Asset.custom_fields, String))
    keys: set[str] = set()
    for _id, text in _fetch(session, stmt, ids):
        if text and text not in ("{}", "null"):
            data = json.loads(text)
            if isinstance(data, dict):
                keys.update(data)
    defs: dict[str, tuple[int, str, str]] = {}
    for key, label, kind, position in session.execute(
        select(CustomFieldDef.key, CustomFieldDef.label, CustomFieldDef.kind,
               CustomFieldDef.position)
        .order_by(CustomFieldDef.asset_type_id.is_not(None), CustomFieldDef.position)
    ):  # fmt: skip
        defs.setdefault(key, (position, label or key, kind))
    ordered = sorted(keys, key=lambda k: (0, defs[k][0], k) if k in defs else (1, 0, k))
    used = set(FIELD_LABELS.values())
    columns = []
    for key in ordered:
        _pos, label, kind = defs.get(key, (0, key, "text"))
        header = label if label not in used else f"{label}（{key}）"
        used.add(header)
        columns.append((key, header, kind))
    return columns


def _ledger_values(custom: list[tuple[str, str, str]]) -> Callable[[Any], list[Value]]:
    i_type, i_status, i_segment = _POS["asset_type_id"], _POS["status"], _POS["segment"]
    i_dept, i_loc = _POS["department_id"], _POS["location_id"]

    def values(r: Any) -> list[Value]:
        out: list[Value] = list(r[1 : _N + 1])
        out[i_type - 1], out[i_dept - 1], out[i_loc - 1] = r[_TYPE], r[_DEPT], r[_LOC]
        out[i_status - 1] = ASSET_STATUSES.get(r[i_status], r[i_status])
        out[i_segment - 1] = SEGMENTS.get(r[i_segment], r[i_segment])
        if custom:
            text = r[_CUSTOM]
            data = json.loads(text) if text and text != "{}" else None
            if not isinstance(data, dict):
                data = {}
            out.extend(_custom_value(data.get(key), kind) for key, _, kind in custom)
        return out

    return values


def _custom_value(value: Any, kind: str) -> Value:
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, int | float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        if kind == "date" and len(value) == 10:
            try:
                return date.fromisoformat(value)
            except ValueError:
                return value
        if kind == "number":
            try:
                return int(value) if re.fullmatch(r"-?\d{1,15}", value) else float(value)
            except ValueError:
                return value
        return value
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False)


def _security_values(r: Any) -> list[Value]:
    cia = (r[_POS["confidentiality"]], r[_POS["integrity"]], r[_POS["availability"]])
    levels = [c for c in cia if c]
    manager = "／".join(p for p in (r[_DEPT], r[_POS["user_name"]]) if p)
    segment = r[_POS["segment"]]
    return [
        r[_POS["asset_tag"]], r[_POS["name"]], r[_TYPE], manager, r[_LOC],
        SEGMENTS.get(segment, segment),
        *(CIA_LEVELS.get(c, str(c)) if c else None for c in cia),
        IMPORTANCE.get(max(levels)) if levels else None, r[_POS["notes"]],
    ]  # fmt: skip


def _counted(
    rows: Iterable[list[Value]], total: int, progress: Progress | None
) -> Iterator[list[Value]]:
    if progress is not None:
        progress.check()
        progress.report(0, total, "資産を書き出し中…")
    for n, values in enumerate(rows, 1):
        yield values
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress.check()
            progress.report(n, max(total, n), "資産を書き出し中…")


# --- CSV ---------------------------------------------------------------------------------


def _write_csv(
    tmp: Path, headers: list[str], rows: Iterable[list[Value]], encoding: str, replace: bool
) -> int:
    # The csv module writes None as "" and dates as ISO dates (str(date)).
    cp932 = encoding == "cp932"
    count = 0
    with tmp.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        line: list[Any] = [neutralise(h) for h in headers]
        writer.writerow(_cp932_cells(line, headers, "", replace) if cp932 else line)
        for values in rows:
            line = [
                "'" + v if type(v) is str and v.startswith(FORMULA_PREFIXES) else v for v in values
            ]
            if cp932:
                line = _cp932_cells(line, headers, str(values[0]), replace)
            writer.writerow(line)
            count += 1
    return count


def _cp932_cells(cells: list[Any], headers: list[str], tag: str, replace: bool) -> list[Any]:
    out = []
    for i, cell in enumerate(cells):
        if type(cell) is str and not cell.isascii():
            cell = cell.translate(_CP932_FIX)
            try:
                cell.encode("cp932")
            except UnicodeEncodeError as exc:
                if not replace:
                    where = f"資産管理番号「{tag}」の" if tag else "見出しの"
                    raise UserError(
                        f"{where}「{headers[i]}」に CP932（Shift_JIS）で表せない文字"
                        f"「{cell[exc.start]}」があります。"
                        "UTF-8 で書き出すか、文字を直してください。"
                    ) from exc
                cell = "".join(ch if _cp932_ok(ch) else "〓" for ch in cell)
        out.append(cell)
    return out


def _cp932_ok(ch: str) -> bool:
    try:
        ch.encode("cp932")
    except UnicodeEncodeError:
        return False
    return True
