"""Which period of deadlines to write to a calendar file (.ics), asked before the file
name: the 年度 shown in the 年間スケジュール tab (the default: the schedule the officer
is looking at), a year from today (what ``hitori calendar`` writes when given no dates),
or two dates typed as anywhere else (和暦 or 西暦). A period that ends before it begins
is refused here, in the dialog, before any file is chosen."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app import jdate
from app.ui import date_style
from app.ui.widgets.date_edit import JDateEdit
from app.ui.widgets.styles import ERROR_STYLE


def year_from(today: date) -> tuple[date, date]:
    """Today to the day before the same date a year later (as ``hitori calendar``)."""
    return today, jdate.add_months(today, 12) - timedelta(days=1)


class CalendarPeriodDialog(QDialog):
    """``period()`` and ``label()`` are the chosen period once the dialog is accepted."""

    def __init__(self, fiscal_year: int, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("予定表に書き出す期間"))
        self.fiscal_year, self.today = fiscal_year, today
        self._period: tuple[date, date] = jdate.fiscal_year_range(fiscal_year)
        fy_label = jdate.fiscal_year_label(fiscal_year)
        self.fy_choice = QRadioButton(
            self.tr("表示中の年度（{0}: {1}）").format(
                fy_label, self._span(*jdate.fiscal_year_range(fiscal_year))), self,
        )  # fmt: skip
        self.year_choice = QRadioButton(
            self.tr("今日から1年（{0}）").format(self._span(*year_from(today))), self
        )
        self.range_choice = QRadioButton(self.tr("期間を指定"), self)
        self.choices = QButtonGroup(self)
        for button in (self.fy_choice, self.year_choice, self.range_choice):
            self.choices.addButton(button)
        self.fy_choice.setChecked(True)
        self.start = JDateEdit(self, today=today)
        self.end = JDateEdit(self, today=today)
        self.start.setDate(today)
        self.end.setDate(year_from(today)[1])
        dates = QFormLayout()
        dates.setContentsMargins(24, 0, 0, 0)  # under 期間を指定, as its part
        dates.addRow(self.tr("この日から"), self.start)
        dates.addRow(self.tr("この日まで"), self.end)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        note = QLabel(self.tr("期間内のタスク・通知・契約・ライセンス・資産・チェック項目の"
                              "期限を書き出します。"), self)  # fmt: skip
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        for button in (self.fy_choice, self.year_choice, self.range_choice):
            layout.addWidget(button)
        layout.addLayout(dates)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.range_choice.toggled.connect(self._range_toggled)
        self._range_toggled(False)
        self.resize(540, 320)

    @staticmethod
    def _span(start: date, end: date) -> str:
        return f"{date_style.shown(start)}〜{date_style.shown(end)}"

    def _range_toggled(self, on: bool) -> None:
        self.start.setEnabled(on)
        self.end.setEnabled(on)
        self.message.clear()
        if on:
            self.start.setFocus()

    def chosen(self) -> tuple[date, date]:
        """The period chosen now; ValueError with the message to show when the typed
        dates cannot be read or the period ends before it begins."""
        if self.fy_choice.isChecked():
            return jdate.fiscal_year_range(self.fiscal_year)
        if self.year_choice.isChecked():
            return year_from(self.today)
        days: list[date] = []
        for field, name in ((self.start, self.tr("始めの日")), (self.end, self.tr("終わりの日"))):
            try:
                value = field.date()
            except jdate.JDateError as exc:
                raise ValueError(self.tr("{0}が読めません: {1}").format(name, exc)) from exc
            if value is None:
                raise ValueError(self.tr("{0}を入力してください").format(name))
            days.append(value)
        start, end = days
        if end < start:
            raise ValueError(
                self.tr("終わりの日（{0}）が始めの日（{1}）より前です").format(
                    date_style.shown(end), date_style.shown(start))
            )  # fmt: skip
        return start, end

    def accept(self) -> None:
        try:
            self._period = self.chosen()
        except ValueError as exc:
            self.message.setText(str(exc))
            return
        self.message.clear()
        super().accept()

    def period(self) -> tuple[date, date]:
        return self._period

    def label(self) -> str:
        """The period in a file name: 令和8年度, or 2026-11-01_2027-10-31."""
        start, end = self._period
        if self.fy_choice.isChecked():
            return jdate.fiscal_year_label(self.fiscal_year)
        return f"{start.isoformat()}_{end.isoformat()}"
