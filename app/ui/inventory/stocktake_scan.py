"""The 読取 tab of the 棚卸 view: the scan field, the result banner and the result list.

A barcode reader is a keyboard: it types the tag and presses Enter. Each Enter takes
the text out of the field at once and queues it; the queue is written in order by
background jobs on the single writer, one batch at a time, so scans typed faster
than they are written are neither lost nor reordered. Each result is shown in its
colour (and mark, for those who cannot tell the colours apart) and flashed in the
banner — no sound.
"""

from __future__ import annotations

import logging
import unicodedata
from collections import deque
from dataclasses import dataclass
from datetime import date, datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.errors import UserError
from app.services.inventory.assets import Choice
from app.services.inventory.stocktake import ScanOutcome, SessionInfo, record_scan
from app.ui.context import AppContext

log = logging.getLogger("hitori.ui.stocktake")
KIND_ROLE = int(Qt.ItemDataRole.UserRole) + 1
TAG_ROLE = int(Qt.ItemDataRole.UserRole) + 2
BATCH = 200  # scans written per job
MAX_LIST = 5000  # results kept in the list (the oldest are dropped)
# kind → (light background, text colour, strong flash colour, mark)
STYLES: dict[str, tuple[str, str, str, str]] = {
    "matched": ("#e3f4e6", "#1b5e20", "#2e7d32", "✓"),
    "wrong_location": ("#fff1c1", "#5c4500", "#c79100", "！"),
    "unknown": ("#ffe2c6", "#7a3300", "#ef6c00", "？"),
    "duplicate": ("#ececec", "#5f5f5f", "#8a8a8a", "＝"),
    "rejected": ("#f8d7da", "#8b0000", "#c62828", "×"),
    "pending": ("#ffffff", "#707070", "#9e9e9e", "…"),
}


@dataclass
class _Pending:
    raw: str
    session_id: int
    seen_location_id: int | None
    item: QListWidgetItem | None  # its line in the list (None: the list was cleared)


def _record_batch(
    session: Session, session_id: int, scans: list[tuple[str, int | None]], today: date
) -> list[ScanOutcome | str]:
    """Record scans in order in one transaction; a refused scan gives its message."""
    out: list[ScanOutcome | str] = []
    for raw, seen in scans:
        try:  # record_scan refuses before it writes anything
            out.append(record_scan(session, session_id, raw, seen_location_id=seen, today=today))
        except UserError as exc:
            out.append(str(exc))
    return out


def printable(text: str, limit: int = 40) -> str:
    """Scanned text made safe to show: control characters marked, long input cut."""
    shown = "".join(c if unicodedata.category(c)[0] != "C" else "�" for c in text[:limit])
    return shown + ("…" if len(text) > limit else "")


def outcome_kind(outcome: ScanOutcome | str) -> str:
    """The colour a result is shown in (a str is a refusal message)."""
    if isinstance(outcome, str):
        return "rejected"
    if outcome.kind == "matched" and outcome.wrong_location:
        return "wrong_location"
    return outcome.kind


class ScanPanel(QWidget):
    """Takes scans for the session given to ``set_session`` and shows their results."""

    scan_shown = Signal(int, object)  # session id, ScanOutcome or refusal message
    idle = Signal()  # every queued scan has been written

    def __init__(self, ctx: AppContext, big_font: QFont, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._session: SessionInfo | None = None
        self._queue: deque[_Pending] = deque()
        self._in_flight: list[_Pending] = []
        self._flash_kind = "pending"
        self.seen_combo = QComboBox(self)
        self.seen_combo.setToolTip(self.tr("いま読み取っている場所。台帳と違えば「場所が違う」"))
        self.scan_edit = QLineEdit(self)
        self.scan_edit.setFont(big_font)
        self.scan_edit.setPlaceholderText(self.tr("資産管理番号を読み取るか入力して Enter"))
        # A reader types ASCII; with the IME on its keys would turn into かな composition.
        self.scan_edit.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.scan_edit.setMaxLength(1000)
        self.banner = QLabel(self)
        self.banner.setFont(big_font)
        self.banner.setMinimumHeight(48)
        self.banner.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setUniformItemSizes(True)
        list_font = self.list.font()
        if list_font.pointSizeF() > 0:  # readable from a step away, the reader in hand
            list_font.setPointSizeF(list_font.pointSizeF() * 1.15)
        self.list.setFont(list_font)
        self.list.setSpacing(1)
        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.setInterval(450)
        where = QHBoxLayout()
        where.addWidget(QLabel(self.tr("読取場所:"), self))
        where.addWidget(self.seen_combo, 1)
        where.addStretch(2)
        layout = QVBoxLayout(self)
        layout.addLayout(where)
        layout.addWidget(self.scan_edit)
        layout.addWidget(self.banner)
        layout.addWidget(self.list, 1)
        self.scan_edit.returnPressed.connect(self._on_enter)
        self._flash_timer.timeout.connect(self._end_flash)
        self.set_session(None)

    # --- public ------------------------------------------------------------------------

    def set_locations(self, locations: list[Choice]) -> None:
        current = self.seen_combo.currentData()
        self.seen_combo.clear()
        self.seen_combo.addItem(self.tr("棚卸の対象場所（指定なし）"), None)
        for choice in locations:
            self.seen_combo.addItem(choice.name, choice.id)
        self.seen_combo.setCurrentIndex(max(self.seen_combo.findData(current), 0))

    def set_session(self, info: SessionInfo | None, *, clear: bool = True) -> None:
        """Scan into ``info`` from now on (None or finished: no scanning)."""
        if clear:
            for pending in (*self._queue, *self._in_flight):
                pending.item = None  # its line goes with the list; the scan is still written
            self.list.clear()
        self._session = info
        can_scan = info is not None and info.finished_on is None
        self.scan_edit.setEnabled(can_scan)
        self.seen_combo.setEnabled(can_scan)
        if info is not None:
            self.seen_combo.setCurrentIndex(max(self.seen_combo.findData(info.location_id), 0))
        if info is None:
            text = self.tr("棚卸を選ぶか、新しく始めてください。")
        elif info.finished_on is not None:
            text = self.tr("この棚卸は終了しています（{0}）。").format(info.finished_on)
        else:
            text = self.tr("読み取りを待っています。")
        self.set_banner("pending", text, flash=False)
        if can_scan:
            self.scan_edit.setFocus()

    def show_previous(self, scans: list[ScanOutcome]) -> None:
        """Scans recorded before, above anything scanned since the session was chosen."""
        for row, outcome in enumerate(scans):
            item = QListWidgetItem(self.tr("（前回まで）"))
            self.list.insertItem(row, item)
            self._show_result(item, outcome)
        self.list.scrollToBottom()

    def pending_count(self) -> int:
        return len(self._queue) + len(self._in_flight)

    def set_banner(self, kind: str, text: str, *, flash: bool = True) -> None:
        _light, _text, strong, mark = STYLES[kind]
        self._flash_kind = kind
        self.banner.setText(f"{mark}  {text}")
        self.banner.setProperty("kind", kind)
        if flash:  # a strong colour for a moment, then the light tint
            self.banner.setStyleSheet(f"background: {strong}; color: white; padding: 6px;")
            self._flash_timer.start()
        else:
            self._end_flash()

    # --- scanning ----------------------------------------------------------------------

    def _on_enter(self) -> None:
        raw = self.scan_edit.text()
        if not raw.strip():
            return  # an extra Enter from the reader
        self.scan_edit.clear()
        info = self._session
        if info is None or info.finished_on is not None:
            message = self.tr("{0}: 記録していません。読み取れる棚卸が選ばれていません。")
            self.set_banner("rejected", message.format(printable(raw)))
            return
        item = QListWidgetItem(f"{datetime.now():%H:%M:%S}  …  {printable(raw)}")
        self.list.addItem(item)
        self._paint(item, "pending")
        while self.list.count() > MAX_LIST:
            self.list.takeItem(0)
        self.list.scrollToBottom()
        seen = self.seen_combo.currentData()
        self._queue.append(_Pending(raw, info.id, seen, item))
        self._pump()

    def _pump(self) -> None:
        if self._in_flight:
            return
        if not self._queue:
            self.idle.emit()
            return
        session_id = self._queue[0].session_id
        while self._queue and len(self._in_flight) < BATCH:
            if self._queue[0].session_id != session_id:
                break  # the next batch writes to the other session
            self._in_flight.append(self._queue.popleft())
        batch = [(p.raw, p.seen_location_id) for p in self._in_flight]
        self._ctx.jobs.write(
            _record_batch, session_id, batch, self._ctx.today(),
            on_result=self._recorded, on_error=self._failed, name="stocktake-scan",
        )  # fmt: skip

    def _recorded(self, outcomes: list[ScanOutcome | str]) -> None:
        done, self._in_flight = self._in_flight, []
        for pending, outcome in zip(done, outcomes, strict=True):
            if pending.item is not None:
                self._show_result(pending.item, outcome)
                text = outcome if isinstance(outcome, str) else outcome.message_ja
                self.set_banner(outcome_kind(outcome), text)
            self.scan_shown.emit(pending.session_id, outcome)
        self._pump()

    def _failed(self, exc: BaseException) -> None:
        log.error("stocktake: scans not written: %r", exc)
        done, self._in_flight = self._in_flight, []
        message = self.tr("保存できませんでした。もう一度読み取ってください: {0}").format(exc)
        for pending in done:
            if pending.item is not None:
                self._show_result(pending.item, f"{printable(pending.raw)}: {message}")
            self.scan_shown.emit(pending.session_id, message)
        self.set_banner("rejected", message)
        self._pump()

    # --- showing -----------------------------------------------------------------------

    def _show_result(self, item: QListWidgetItem, outcome: ScanOutcome | str) -> None:
        kind = outcome_kind(outcome)
        text = outcome if isinstance(outcome, str) else outcome.message_ja
        stamp = item.text().split("  ", 1)[0]
        item.setText(f"{stamp}  {STYLES[kind][3]}  {text}")
        item.setData(TAG_ROLE, "" if isinstance(outcome, str) else outcome.tag)
        self._paint(item, kind)

    def _paint(self, item: QListWidgetItem, kind: str) -> None:
        light, text, _strong, _mark = STYLES[kind]
        item.setData(KIND_ROLE, kind)
        item.setBackground(QBrush(QColor(light)))
        item.setForeground(QBrush(QColor(text)))

    def _end_flash(self) -> None:
        light, text, _strong, _mark = STYLES[self._flash_kind]
        self.banner.setStyleSheet(f"background: {light}; color: {text}; padding: 6px;")
