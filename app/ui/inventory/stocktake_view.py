"""The 棚卸 view: start or pick a stock-take, scan tags, watch the counters, see the report.

The 読取 tab (ScanPanel) queues and writes scans in order; the レポート tab
(StocktakeReportPanel) lists missing assets and unknown tags and saves them as CSV.
The counters 「対象 / 読取済 / 未確認 / 不明」 move with each result, and are re-read
from the database (which also counts scans made on another PC) after each write that
touched scans, assets or stock-takes, once the scan queue is empty; a page not on
screen re-reads them when it is shown.
"""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.errors import UserError
from app.services.inventory.assets import Choice, load_lookups
from app.services.inventory.stocktake import (
    ScanOutcome,
    SessionInfo,
    finish_session,
    list_scans,
    list_sessions,
    session_info,
    start_session,
)
from app.services.inventory.stocktake_report import StocktakeReport, session_counts
from app.store.changes import Changes
from app.ui.context import AppContext
from app.ui.inventory.stocktake_report import StocktakeReportPanel
from app.ui.inventory.stocktake_scan import ScanPanel
from app.ui.views.base import View
from app.ui.widgets.styles import ERROR_STYLE, OK_STYLE

log = logging.getLogger("hitori.ui.stocktake")
Counts = tuple[int, int, int]  # expected, seen, unknown


def _load_start(session: Session) -> tuple[list[SessionInfo], list[Choice]]:
    return list_sessions(session), load_lookups(session).locations


def _load_session(
    session: Session, session_id: int
) -> tuple[SessionInfo, Counts, list[ScanOutcome]]:
    return (
        session_info(session, session_id),
        session_counts(session, session_id),
        list_scans(session, session_id),
    )


def _start(
    session: Session, name: str, location_id: int | None, include_disposed: bool, today: date
) -> int:
    return start_session(
        session, name, location_id=location_id, include_disposed=include_disposed, today=today
    ).id


def _finish(session: Session, session_id: int, today: date) -> int:
    return finish_session(session, session_id, today=today).id


class StocktakeView(View):
    view_key = "stocktake"
    title = "棚卸"

    sessions_loaded = Signal()  # the session list (and locations) were read
    session_loaded = Signal()  # the chosen session's counters and earlier scans are shown
    counts_changed = Signal()
    # What the counters are read from (the in-scope assets are counted as they are now).
    shows = frozenset({"stocktake", "stocktake_scan", "asset"})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._activated = False
        self._session: SessionInfo | None = None
        self._sessions: list[SessionInfo] = []
        self._counts: Counts = (0, 0, 0)
        self._counts_stale = False  # re-read them when shown
        heading = QLabel(self.tr("棚卸"), self)
        heading.setObjectName("viewHeading")
        self.session_combo = QComboBox(self)
        self.session_combo.setMinimumWidth(360)
        self.finish_button = QPushButton(self.tr("棚卸を終了…"), self)
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText(self.tr("例: 令和8年度 本庁舎 棚卸"))
        self.scope_combo = QComboBox(self)
        self.disposed_check = QCheckBox(self.tr("廃棄済も対象にする"), self)
        self.start_button = QPushButton(self.tr("開始"), self)
        self.counts_label = QLabel(self)
        font = self.counts_label.font()
        font.setPointSizeF(max(font.pointSizeF(), 9.0) * 1.4)
        font.setBold(True)
        self.counts_label.setFont(font)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.scan = ScanPanel(ctx, font, self)
        self.report = StocktakeReportPanel(ctx, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.scan, self.tr("読取"))
        self.tabs.addTab(self.report, self.tr("レポート"))
        self._lay_out(heading)
        self.session_combo.activated.connect(
            lambda _i: self._choose(self.session_combo.currentData())
        )
        self.start_button.clicked.connect(self.start_new)
        self.finish_button.clicked.connect(self.finish_current)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.scan.scan_shown.connect(self._count)
        self.report.loaded.connect(self._report_loaded)
        self._update_state()
        ctx.jobs.watch(self, self.shows, self._data_changed)

    # --- public ------------------------------------------------------------------------

    def activate(self) -> None:
        if not self._activated:
            self.reload()
        else:
            if self._counts_stale:
                self._refresh_counts()
            self.ready.emit()
        self.scan.scan_edit.setFocus()

    def reload(self, select_id: int | None = None) -> None:
        """Read sessions and locations; show ``select_id`` or the latest open session."""
        self._activated = True
        self.ctx.jobs.read(
            _load_start,
            owner=self,
            key="sessions",
            on_result=lambda found: self._started(found[0], found[1], select_id),
            on_error=lambda exc: self._say(self.tr("読み込めませんでした: {0}").format(exc)),
            name="stocktake-sessions",
        )

    def current_session(self) -> SessionInfo | None:
        return self._session

    def counts(self) -> Counts:
        """(対象, 読取済, 不明) as shown."""
        return self._counts

    def start_new(self) -> None:
        name = self.name_edit.text().strip() or self._default_name()
        self.start_button.setEnabled(False)
        self.ctx.jobs.write(
            _start, name, self.scope_combo.currentData(), self.disposed_check.isChecked(),
            self.ctx.today(), on_result=self._created, on_error=self._not_created,
            name="stocktake-start",
        )  # fmt: skip

    def finish_current(self) -> None:
        info = self._session
        if info is None or info.finished_on is not None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("棚卸の終了"),
            self.tr("「{0}」を終了しますか？\n終了した棚卸には読み取りできません。").format(
                info.name
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.ctx.jobs.write(
                _finish, info.id, self.ctx.today(), owner=self,
                on_result=lambda sid: self.reload(select_id=sid),
                on_error=lambda exc: self._say(str(exc)), name="stocktake-finish",
            )  # fmt: skip

    # --- layout ------------------------------------------------------------------------

    def _lay_out(self, heading: QLabel) -> None:
        pick = QHBoxLayout()
        pick.addWidget(QLabel(self.tr("棚卸:"), self))
        pick.addWidget(self.session_combo, 1)
        pick.addWidget(self.finish_button)
        new_box = QGroupBox(self.tr("新しい棚卸を始める"), self)
        new_row = QHBoxLayout(new_box)
        new_row.addWidget(QLabel(self.tr("名称:"), new_box))
        new_row.addWidget(self.name_edit, 2)
        new_row.addWidget(QLabel(self.tr("対象の設置場所:"), new_box))
        new_row.addWidget(self.scope_combo, 1)
        new_row.addWidget(self.disposed_check)
        new_row.addWidget(self.start_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(pick)
        layout.addWidget(new_box)
        layout.addWidget(self.message)
        layout.addWidget(self.counts_label)
        layout.addWidget(self.tabs, 1)

    # --- sessions ----------------------------------------------------------------------

    def _started(
        self, sessions: list[SessionInfo], locations: list[Choice], select_id: int | None
    ) -> None:
        self._sessions = sessions
        current = self.scope_combo.currentData()
        self.scope_combo.clear()
        self.scope_combo.addItem(self.tr("全体（すべての設置場所）"), None)
        for choice in locations:
            self.scope_combo.addItem(choice.name, choice.id)
        self.scope_combo.setCurrentIndex(max(self.scope_combo.findData(current), 0))
        self.scan.set_locations(locations)
        self.session_combo.clear()
        for info in sessions:
            self.session_combo.addItem(self._session_text(info), info.id)
        if not self.name_edit.text():
            self.name_edit.setText(self._default_name())
        if select_id is None:
            open_ones = [s.id for s in sessions if s.finished_on is None]
            select_id = open_ones[0] if open_ones else (sessions[0].id if sessions else None)
        self.sessions_loaded.emit()
        self._choose(select_id)
        if select_id is None:
            self.ready.emit()

    def _session_text(self, info: SessionInfo) -> str:
        scope = info.location_name or self.tr("全体")
        text = self.tr("{0}（{1}、{2} 開始）").format(
            info.name, scope, f"{info.started_on:%Y-%m-%d}"
        )
        return text + (self.tr(" [終了]") if info.finished_on else "")

    def _default_name(self) -> str:
        return self.tr("{0} 棚卸").format(f"{self.ctx.today():%Y-%m-%d}")

    def _choose(self, session_id: int | None) -> None:
        self._session = next((s for s in self._sessions if s.id == session_id), None)
        self._counts = (0, 0, 0)
        self.ctx.jobs.drop(self, "counts")  # a re-read of the other session's counters
        self.session_combo.setCurrentIndex(max(self.session_combo.findData(session_id), 0))
        self.scan.set_session(self._session)
        self.report.show_session(session_id, self._session.name if self._session else "")
        self._update_state()
        if session_id is None:
            self.ctx.jobs.drop(self, "session")  # nothing is shown now
            return
        self.ctx.jobs.read(
            _load_session,
            session_id,
            owner=self,
            key="session",  # choosing another session supersedes this one
            on_result=lambda result: self._session_shown(*result),
            on_error=lambda exc: self._say(self.tr("読み込めませんでした: {0}").format(exc)),
            name="stocktake-session",
        )

    def _session_shown(self, info: SessionInfo, counts: Counts, scans: list[ScanOutcome]) -> None:
        self._session = info
        self.scan.set_session(info, clear=False)
        self.scan.show_previous(scans)
        self.ctx.jobs.drop(self, "counts")  # these are newer than a re-read begun before
        self._counts = counts
        self._update_state()
        if self.tabs.currentWidget() is self.report:
            self.report.refresh()
        self.session_loaded.emit()
        self.ready.emit()

    def _created(self, session_id: int) -> None:
        self.start_button.setEnabled(True)
        self._say(self.tr("棚卸を始めました。"), error=False)
        self.name_edit.clear()
        self.reload(select_id=session_id)

    def _not_created(self, exc: BaseException) -> None:
        self.start_button.setEnabled(True)
        if not isinstance(exc, UserError):
            log.error("stocktake: could not start: %r", exc)
        self._say(str(exc))

    # --- counters ----------------------------------------------------------------------

    def _count(self, session_id: int, outcome: ScanOutcome | str) -> None:
        if self._session is None or session_id != self._session.id:
            return
        if isinstance(outcome, ScanOutcome) and outcome.kind != "duplicate":
            expected, seen, unknown = self._counts
            if outcome.kind == "matched" and outcome.in_scope:
                seen += 1
            elif outcome.kind == "unknown":
                unknown += 1
            self.ctx.jobs.drop(self, "counts")  # a re-read begun before would undo this
            self._counts = (expected, seen, unknown)
            self._update_counts()

    def _data_changed(self, _changes: Changes) -> None:
        if self._session is None or self.scan.pending_count():
            return  # while scans are queued, their results move the counters
        if self.isVisible():
            self._refresh_counts()
        else:
            self._counts_stale = True

    def _refresh_counts(self) -> None:
        """Re-read the counters (another PC may scan too)."""
        self._counts_stale = False
        if self._session is None:
            return
        self.ctx.jobs.read(
            session_counts,
            self._session.id,
            owner=self,
            key="counts",
            on_result=self._counts_loaded,
            name="stocktake-counts",
        )

    def _counts_loaded(self, counts: Counts) -> None:
        self._counts = counts
        self._update_counts()

    def _report_loaded(self, report: StocktakeReport) -> None:
        same = self._session is not None and report.session.id == self._session.id
        if same and not self.scan.pending_count():  # the report includes every scan
            self._counts = (report.expected, report.seen, len(report.unknown))
            self._update_counts()

    def _update_counts(self) -> None:
        if self._session is None:
            self.counts_label.setText(self.tr("対象 - / 読取済 - / 未確認 - / 不明 -"))
        else:
            expected, seen, unknown = self._counts
            self.counts_label.setText(
                self.tr("対象 {0} / 読取済 {1} / 未確認 {2} / 不明 {3}").format(
                    f"{expected:,}", f"{seen:,}", f"{max(expected - seen, 0):,}", f"{unknown:,}"
                )
            )
        self.counts_changed.emit()

    # --- state -------------------------------------------------------------------------

    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.report:
            self.report.refresh()
        else:
            self.scan.scan_edit.setFocus()

    def _update_state(self) -> None:
        info = self._session
        self.finish_button.setEnabled(info is not None and info.finished_on is None)
        self._update_counts()

    def _say(self, text: str, *, error: bool = True) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else OK_STYLE)
        self.message.setVisible(bool(text))
