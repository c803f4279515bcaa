"""The 年間スケジュール tab of 作業ログ: a 年度 April → March, month by month, with the
tasks, notice deadlines, contract and licence ends and checklist items of each month
(app.services.schedule.yearly); double-click opens the record; printable as the A4
landscape PDF the handover will use (app.reports.yearly_schedule); its deadlines, or those
of another period, written to a calendar file (.ics) for Outlook (app.services.schedule.ics:
importing a newer file updates the events instead of adding copies)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app import jdate
from app.services.schedule.ics import export_calendar
from app.services.schedule.yearly import YearlySchedule, yearly_schedule
from app.ui import date_style
from app.ui.context import AppContext
from app.ui.widgets.styles import ERROR_STYLE
from app.ui.worklog.calendar_dialog import CalendarPeriodDialog

REF_ROLE = Qt.ItemDataRole.UserRole


def _load(session: Session, fy: int) -> YearlySchedule:
    return yearly_schedule(session, fy)


class SchedulePage(QWidget):
    record_requested = Signal(str, int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.schedule: YearlySchedule | None = None
        self.year = QComboBox(self)
        this_year = jdate.fiscal_year(ctx.today())
        for fy in range(this_year + 1, this_year - 5, -1):
            self.year.addItem(jdate.fiscal_year_label(fy), fy)
        self.year.setCurrentIndex(1)
        self.pdf_button = QPushButton(self.tr("PDFに書き出す（A4横）…"), self)
        self.ics_button = QPushButton(self.tr("予定表に書き出す（.ics）…"), self)
        self.ics_button.setToolTip(
            self.tr("期限を Outlook などの予定表に取り込めるファイルにします")
        )
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(
            [self.tr("日付"), self.tr("種類"), self.tr("件名"), self.tr("補足")]
        )
        widest_day = self.fontMetrics().horizontalAdvance("2026-12-31（R8.12.31）")
        self.tree.setColumnWidth(0, widest_day + self.tree.indentation() + 24)
        self.tree.setColumnWidth(1, 110)
        self.tree.setColumnWidth(2, 420)
        self.tree.setToolTip(self.tr("ダブルクリックでその記録を開きます"))
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("年度"), self))
        bar.addWidget(self.year)
        bar.addStretch(1)
        bar.addWidget(self.pdf_button)
        bar.addWidget(self.ics_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(self.tree, 1)
        self.year.currentIndexChanged.connect(lambda _i: self.reload())
        self.pdf_button.clicked.connect(self.export)
        self.ics_button.clicked.connect(self.export_calendar)
        self.tree.itemActivated.connect(self._activated)

    def reload(self) -> None:
        self.status.setStyleSheet("")
        self.status.setText(self.tr("読み込み中…"))
        self.ctx.jobs.read(_load, self.year.currentData(), owner=self, key="schedule",
                           on_result=self._show, on_error=self._failed,
                           name="yearly-schedule")  # fmt: skip

    def _show(self, schedule: YearlySchedule) -> None:
        self.schedule = schedule
        self.tree.clear()
        total = 0
        for month in schedule.months:
            head = QTreeWidgetItem([f"{month.month}月（{len(month.items)}件）", "", "", ""])
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            for d in month.items:
                child = QTreeWidgetItem([date_style.shown(d.on), d.what, d.title, d.detail])
                child.setToolTip(2, d.title)
                child.setData(0, REF_ROLE, (d.ref_kind, d.ref_id))
                head.addChild(child)
            total += len(month.items)
            self.tree.addTopLevelItem(head)
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)  # the days under their months, whole
        self.status.setText(
            self.tr("{0}: {1:,} 件（資産の保守・リース終了は含みません）").format(
                jdate.fiscal_year_label(schedule.fiscal_year), total)
        )  # fmt: skip

    def _say(self, text: str) -> None:
        self.status.setStyleSheet("")
        self.status.setText(text)

    def _failed(self, exc: BaseException) -> None:
        self.status.setStyleSheet(ERROR_STYLE)
        self.status.setText(str(exc))

    def _activated(self, item: QTreeWidgetItem) -> None:
        ref = item.data(0, REF_ROLE)
        if ref:
            self.record_requested.emit(*ref)

    def export(self) -> None:
        fy = self.year.currentData()
        suggested = str(Path.home() / f"年間スケジュール_{jdate.fiscal_year_label(fy)}.pdf")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("年間スケジュールを書き出す"),
                                              suggested, self.tr("PDF (*.pdf)"))  # fmt: skip
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        fy, today = self.year.currentData(), self.ctx.today()

        def write(session: Session) -> int:
            from app.reports.yearly_schedule import write_yearly_schedule

            return write_yearly_schedule(yearly_schedule(session, fy), path, printed_on=today)

        self._say(self.tr("書き出しています…"))
        self.ctx.jobs.read(
            write, owner=self, name="yearly-schedule-pdf", on_error=self._failed,
            on_result=lambda pages: self._say(
                self.tr("{0} ページを書き出しました: {1}").format(pages, path)),
        )  # fmt: skip

    def export_calendar(self) -> None:
        """Ask the period, then the file; write it in the background."""
        dialog = CalendarPeriodDialog(self.year.currentData(), self.ctx.today(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        start, end = dialog.period()
        suggested = str(Path.home() / f"期限_{dialog.label()}.ics")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("予定表に書き出す"), suggested,
                                              self.tr("iCalendar (*.ics)"))  # fmt: skip
        if path:
            self.export_calendar_to(Path(path), start, end)

    def export_calendar_to(self, path: Path, start: date, end: date) -> None:
        if path.suffix.lower() != ".ics":
            path = path.with_name(path.name + ".ics")

        def written(count: int) -> None:
            self._say(
                self.tr("{0:,} 件の期限を予定表ファイルに書き出しました: {1}\n"
                        "Outlook などに取り込むと、以前に取り込んだ同じ期限の予定は重複せず"
                        "更新されます。").format(count, path)
            )  # fmt: skip

        self._say(self.tr("書き出しています…"))
        # Tens of thousands of deadlines live until the file is written (app.gc_pause).
        self.ctx.jobs.read(export_calendar, path, start, end, owner=self, quiet_gc=True,
                           on_result=written, on_error=self._failed,
                           name="calendar-ics")  # fmt: skip
