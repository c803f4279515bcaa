"""棚卸 (stock-take): scan or type asset tags into a session, then report what is missing.

A barcode reader is a keyboard: it types the tag and Enter (sometimes CR, LF or TAB),
possibly full-width when an IME is on. ``normalize_tag`` turns such input into the
form stored in a scan; anything that cannot be a tag is refused with a Japanese
message and nothing is written. A tag scanned twice in one session is ignored.

Reports are plain SQL over the whole scope (50,000 assets in well under a second),
never one query per asset (:mod:`app.services.inventory.stocktake_report`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.errors import UserError
from app.services.errors import FieldError, NotFoundError, ValidationError
from app.store.models import Asset, Location, StocktakeScan, StocktakeSession

MAX_TAG_CHARS = 60
MAX_NAME_CHARS = 200
# What a scanner may send after the tag.
_SCANNER_SUFFIX = "\r\n\t"
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
# Dashes a Japanese IME or a spreadsheet puts where the tag has "-" (ー is what romaji
# input makes of "-"); replaced only in otherwise ASCII tags.
_DASHES = str.maketrans(dict.fromkeys("ー−‐‑–—―", "-"))

ScanKind = Literal["matched", "unknown", "duplicate"]


class InvalidScanError(UserError, ValueError):
    """The scanned text cannot be an asset tag; nothing was written."""


class SessionClosedError(UserError, RuntimeError):
    """The stock-take has been finished; no more scans are taken."""


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    kind: ScanKind
    asset_id: int | None
    tag: str
    message_ja: str
    asset_name: str = ""
    wrong_location: bool = False
    # False for a known asset outside the session's scope (disposed, or elsewhere).
    in_scope: bool = True


@dataclass(frozen=True, slots=True)
class SessionInfo:
    id: int
    name: str
    started_on: date
    finished_on: date | None
    location_id: int | None
    location_name: str
    include_disposed: bool
    scan_count: int


# --- input -----------------------------------------------------------------------------


def _show(text: str) -> str:
    """A short, printable echo of hostile input for an error message."""
    shown = "".join(ch if ch.isprintable() else "�" for ch in text[:20])
    return shown + ("…" if len(text) > 20 else "")


def normalize_tag(raw: str) -> str:
    """The tag as stored: NFKC, trimmed, ASCII upper case. Raises InvalidScanError.

    ``ＨＴ－００１\r`` and ``htー001`` (typed with the IME on) both give ``HT-001``.
    """
    if not isinstance(raw, str):
        raise InvalidScanError("読み取った値が文字列ではありません")
    if len(raw) > MAX_TAG_CHARS * 4:  # refuse before normalising a runaway string
        raise InvalidScanError(
            f"資産管理番号が長すぎます（{MAX_TAG_CHARS}文字まで、{len(raw):,}文字）"
        )
    text = unicodedata.normalize("NFKC", raw).rstrip(_SCANNER_SUFFIX).strip()
    if not text:
        raise InvalidScanError("資産管理番号が空です")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in text):
        raise InvalidScanError(f"資産管理番号に制御文字が含まれています: {_show(text)}")
    if len(text) > MAX_TAG_CHARS:
        raise InvalidScanError(
            f"資産管理番号が長すぎます（{MAX_TAG_CHARS}文字まで、{len(text):,}文字）"
        )
    dashed = text.translate(_DASHES)
    if dashed.isascii():
        text = dashed
    return text.translate(_ASCII_UPPER)


# --- sessions --------------------------------------------------------------------------


def _location_or_error(session: Session, location_id: int | None, label: str) -> None:
    if location_id is not None and session.get(Location, location_id) is None:
        raise ValidationError([FieldError("location_id", label, "選択肢にない設置場所です")])


def start_session(
    session: Session,
    name: str,
    *,
    location_id: int | None = None,
    include_disposed: bool = False,
    today: date,
) -> StocktakeSession:
    """Open a new stock-take. Raises ValidationError for a bad name or location."""
    text = (name or "").strip()
    errors = []
    if not text:
        errors.append(FieldError("name", "棚卸名", "必須です"))
    elif len(text) > MAX_NAME_CHARS:
        errors.append(FieldError("name", "棚卸名", f"{MAX_NAME_CHARS}文字以内で入力してください"))
    elif any(unicodedata.category(ch) == "Cc" for ch in text):
        errors.append(FieldError("name", "棚卸名", "制御文字は使えません"))
    if errors:
        raise ValidationError(errors)
    _location_or_error(session, location_id, "対象の設置場所")
    stocktake = StocktakeSession(
        name=text,
        started_on=today,
        location_id=location_id,
        include_disposed=include_disposed,
        notes="",
    )
    session.add(stocktake)
    session.flush()
    return stocktake


def get_session(session: Session, session_id: int) -> StocktakeSession:
    stocktake = session.get(StocktakeSession, session_id)
    if stocktake is None:
        raise _not_found(session_id)
    return stocktake


def _not_found(session_id: int) -> NotFoundError:
    return NotFoundError(f"棚卸（ID {session_id}）は見つかりません。削除されたようです。")


def finish_session(session: Session, session_id: int, *, today: date) -> StocktakeSession:
    """Close the stock-take (no more scans). Finishing twice keeps the first date."""
    stocktake = get_session(session, session_id)
    if stocktake.finished_on is None:
        stocktake.finished_on = today
        session.flush()
    return stocktake


def _info_query() -> Any:
    count = (
        select(func.count(StocktakeScan.id))
        .where(StocktakeScan.session_id == StocktakeSession.id)
        .scalar_subquery()
    )
    return select(StocktakeSession, Location.name, count).outerjoin(
        Location, Location.id == StocktakeSession.location_id
    )


def _to_info(s: StocktakeSession, location_name: str | None, count: int) -> SessionInfo:
    return SessionInfo(
        s.id, s.name, s.started_on, s.finished_on, s.location_id, location_name or "",
        s.include_disposed, count,
    )  # fmt: skip


def list_sessions(session: Session) -> list[SessionInfo]:
    """Every stock-take, newest first."""
    rows = session.execute(
        _info_query().order_by(StocktakeSession.started_on.desc(), StocktakeSession.id.desc())
    )
    return [_to_info(*r) for r in rows]


def session_info(session: Session, session_id: int) -> SessionInfo:
    row = session.execute(_info_query().where(StocktakeSession.id == session_id)).first()
    if row is None:
        raise _not_found(session_id)
    return _to_info(*row)


# --- scanning --------------------------------------------------------------------------


def in_scope_conditions(stocktake: StocktakeSession | SessionInfo) -> list[ColumnElement[bool]]:
    """Conditions on Asset for the assets this stock-take expects to find."""
    conditions: list[ColumnElement[bool]] = []
    if stocktake.location_id is not None:
        conditions.append(Asset.location_id == stocktake.location_id)
    if not stocktake.include_disposed:
        conditions.append(Asset.status != "disposed")
    return conditions


def out_of_scope_condition(stocktake: SessionInfo) -> ColumnElement[bool] | None:
    """The negation of in_scope_conditions, NULL-safe (an asset without a location is outside)."""
    conditions: list[ColumnElement[bool]] = []
    if stocktake.location_id is not None:
        conditions.append(Asset.location_id.is_distinct_from(stocktake.location_id))
    if not stocktake.include_disposed:
        conditions.append(Asset.status == "disposed")
    return or_(*conditions) if conditions else None


def _in_scope(stocktake: StocktakeSession, location_id: int | None, status: str) -> bool:
    """Whether an asset with this location and status is expected (in_scope_conditions)."""
    if stocktake.location_id is not None and location_id != stocktake.location_id:
        return False
    return stocktake.include_disposed or status != "disposed"


def _find_asset(session: Session, tag: str) -> Asset | None:
    asset = session.scalars(select(Asset).where(Asset.asset_tag == tag)).first()
    if asset is None:  # ledger tags typed in lower case; SQLite upper() is ASCII-only too
        asset = session.scalars(
            select(Asset).where(func.upper(Asset.asset_tag) == tag).order_by(Asset.id)
        ).first()
    return asset


def record_scan(
    session: Session,
    session_id: int,
    raw_tag: str,
    *,
    seen_location_id: int | None = None,
    today: date | None = None,
) -> ScanOutcome:
    """Record one scanned or typed tag in the stock-take.

    ``seen_location_id`` is where the asset was found (default: the session's
    location). A known asset's 最終棚卸日 becomes ``today``; an asset found away
    from its ledger location is reported, never moved. Raises InvalidScanError for
    input that cannot be a tag and SessionClosedError after finish_session, in both
    cases without writing anything.
    """
    tag = normalize_tag(raw_tag)
    stocktake = get_session(session, session_id)
    if stocktake.finished_on is not None:
        raise SessionClosedError(f"棚卸「{stocktake.name}」は終了しています")
    _location_or_error(session, seen_location_id, "読取場所")
    where = seen_location_id if seen_location_id is not None else stocktake.location_id
    earlier = session.execute(
        select(StocktakeScan.asset_id).where(
            StocktakeScan.session_id == session_id, StocktakeScan.scanned_tag == tag
        )
    ).first()
    if earlier is not None:
        return ScanOutcome("duplicate", earlier[0], tag, f"{tag}: 読取済みです（無視しました）")
    asset = _find_asset(session, tag)
    session.add(
        StocktakeScan(
            session_id=session_id,
            scanned_tag=tag,
            asset_id=asset.id if asset else None,
            seen_location_id=where,
        )
    )
    if asset is None:
        session.flush()
        return ScanOutcome("unknown", None, tag, f"{tag}: 台帳にない番号です")
    if asset.last_audited_on != (today or date.today()):
        asset.last_audited_on = today or date.today()
    session.flush()
    wrong = where is not None and asset.location_id != where
    ledger = asset.location.name if asset.location else ""
    message = _matched_message(tag, asset.name, wrong, ledger, asset.status)
    in_scope = _in_scope(stocktake, asset.location_id, asset.status)
    return ScanOutcome("matched", asset.id, tag, message, asset.name, wrong, in_scope)


def _matched_message(tag: str, name: str, wrong: bool, ledger_location: str, status: str) -> str:
    message = f"{tag}: {name}"
    if wrong:
        message += f" — 場所が違う（台帳: {ledger_location or '未設定'}）"
    if status == "disposed":
        message += " — 廃棄済の資産です"
    return message


def list_scans(session: Session, session_id: int, *, limit: int = 500) -> list[ScanOutcome]:
    """The latest ``limit`` scans of a session as outcomes, oldest first."""
    stocktake = get_session(session, session_id)
    ledger = aliased(Location)
    stmt = (
        select(
            StocktakeScan.scanned_tag,
            StocktakeScan.asset_id,
            StocktakeScan.seen_location_id,
            Asset.name,
            Asset.location_id,
            Asset.status,
            ledger.name,
        )
        .outerjoin(Asset, Asset.id == StocktakeScan.asset_id)
        .outerjoin(ledger, ledger.id == Asset.location_id)
        .where(StocktakeScan.session_id == session_id)
        .order_by(StocktakeScan.id.desc())
        .limit(limit)
    )
    out: list[ScanOutcome] = []
    for tag, asset_id, seen, name, location_id, status, ledger_name in session.execute(stmt):
        if asset_id is None:
            out.append(ScanOutcome("unknown", None, tag, f"{tag}: 台帳にない番号です"))
            continue
        wrong = seen is not None and location_id != seen
        in_scope = _in_scope(stocktake, location_id, status)
        message = _matched_message(tag, name, wrong, ledger_name or "", status)
        out.append(ScanOutcome("matched", asset_id, tag, message, name, wrong, in_scope))
    out.reverse()
    return out
