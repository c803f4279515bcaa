"""The 集計 tab of 作業ログ: a 年度 month by month (April → March), by category or by
business system, in entries and hours; written as XLSX for the 業務報告."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app import jdate
from app.services.worklog.summary import (
    GROUPINGS,
    MONTHS,
    YearSummary,
    hours,
    write_summary_xlsx,
    year_summary,
)
from app.ui.context import AppContext

SHOWN = {"minutes": "時間（h）", "counts": "件数"}


def _summaries(session: Session, fy: int) -> list[YearSummary]:
    return [year_summary(session, fy, by) for by in GROUPINGS]


class SummaryPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._loaded: list[YearSummary] = []
        self.year = QComboBox(self)
        this_year = jdate.fiscal_year(ctx.today())
        for fy in range(this_year, this_year - 10, -1):
            self.year.addItem(jdate.fiscal_year_label(fy), fy)
        self.by = QComboBox(self)
        for code, label in GROUPINGS.items():
            self.by.addItem(self.tr(label), code)
        self.what = QComboBox(self)
        for code, label in SHOWN.items():
            self.what.addItem(self.tr(label), code)
        self.export_button = QPushButton(self.tr("XLSXに書き出す…"), self)
        self.status = QLabel(self)
        self.table = QTableWidget(0, 14, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("項目"), *(f"{m}月" for m in MONTHS), self.tr("合計")]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(self.fontMetrics().horizontalAdvance("0,000.0") + 8)
        bar = QHBoxLayout()
        for label, widget in ((self.tr("年度"), self.year), (self.tr("集計"), self.by),
                              (self.tr("表示"), self.what)):  # fmt: skip
            bar.addWidget(QLabel(label, self))
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        self.year.currentIndexChanged.connect(lambda _i: self.reload())
        self.by.currentIndexChanged.connect(lambda _i: self._fill())
        self.what.currentIndexChanged.connect(lambda _i: self._fill())
        self.export_button.clicked.connect(self.export)

    def reload(self) -> None:
        self.status.setText(self.tr("集計しています…"))
        self.ctx.jobs.read(_summaries, self.year.currentData(), owner=self, key="summary",
                           on_result=self._show, name="worklog-summary",
                           on_error=lambda exc: self.status.setText(str(exc)))  # fmt: skip

    def _show(self, summaries: list[YearSummary]) -> None:
        self._loaded = summaries
        self._fill()

    def current(self) -> YearSummary | None:
        return next((s for s in self._loaded if s.by == self.by.currentData()), None)

    def _fill(self) -> None:
        summary = self.current()
        if summary is None:
            return
        rows = [*summary.rows, summary.totals()] if summary.rows else []
        minutes = self.what.currentData() == "minutes"
        self.table.setRowCount(len(rows))
        for n, row in enumerate(rows):
            values = row.minutes if minutes else row.counts
            total = row.total_minutes if minutes else row.total_count
            cells = [row.label, *(self._cell(v, minutes) for v in (*values, total))]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if n == len(rows) - 1:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(n, col, item)
        if rows:
            sums = summary.totals()
            self.status.setText(
                self.tr("{0}: {1:,} 件・{2:,} 時間").format(
                    jdate.fiscal_year_label(summary.fiscal_year), sums.total_count,
                    hours(sums.total_minutes),
                )
            )  # fmt: skip
        else:
            self.status.setText(self.tr("この年度の作業ログはありません。"))

    @staticmethod
    def _cell(value: int, minutes: bool) -> str:
        if minutes:
            return f"{hours(value):,.1f}" if value else ""
        return f"{value:,}" if value else ""

    def export(self) -> None:
        fy = self.year.currentData()
        suggested = str(Path.home() / f"作業集計_{jdate.fiscal_year_label(fy)}.xlsx")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("集計を書き出す"), suggested,
                                              self.tr("Excel ブック (*.xlsx)"))  # fmt: skip
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        self.status.setText(self.tr("書き出しています…"))
        fy = self.year.currentData()

        def write(session: Session) -> int:
            return write_summary_xlsx(session, fy, path)

        self.ctx.jobs.read(
            write, owner=self, name="worklog-summary-xlsx",
            on_result=lambda n: self.status.setText(
                self.tr("{0} 行を書き出しました: {1}").format(n, path)),
            on_error=lambda exc: self.status.setText(str(exc)),
        )  # fmt: skip
