"""The 作業ログ area: the list of what was done, filtered by period, category, system and
text, read a page at a time (fast at 200,000 entries); quick entry (作業を記録, Ctrl+N
from anywhere: the main window's action); tasks and the year's recurring work (タスク
tab); and the 年度 summaries (集計 tab)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app import jdate
from app.services.worklog import entries, listing
from app.services.worklog.listing import WorklogFilter, WorklogPage
from app.store.changes import Changes
from app.ui.context import AppContext
from app.ui.views.base import View
from app.ui.widgets.date_edit import JDateEdit
from app.ui.worklog.entry_dialog import EntryDialog
from app.ui.worklog.list_model import WorklogListModel
from app.ui.worklog.schedule_page import SchedulePage
from app.ui.worklog.summary_page import SummaryPage
from app.ui.worklog.tasks_page import TasksPage

PERIODS = {
    "this_fy": "今年度", "last_fy": "昨年度", "this_month": "今月", "last_month": "先月",
    "30days": "過去30日", "all": "すべての期間", "custom": "期間を指定",
}  # fmt: skip


def period_range(key: str, today: date) -> tuple[date | None, date | None]:
    """The first and last 作業日 of a period (None: open)."""
    if key in ("this_fy", "last_fy"):
        fy = jdate.fiscal_year(today) - (key == "last_fy")
        return jdate.fiscal_year_range(fy)
    first = today.replace(day=1)
    if key == "this_month":
        return first, today
    if key == "last_month":
        last = first - timedelta(days=1)
        return last.replace(day=1), last
    if key == "30days":
        return today - timedelta(days=29), today
    return None, None


def _page(session: Session, f: WorklogFilter, after: tuple[date, int] | None) -> WorklogPage:
    return listing.load_page(session, f, after=after)


def _choices(session: Session) -> tuple[list[str], list[tuple[int, str]]]:
    return entries.categories(session), listing.systems_in_use(session)


class WorklogView(View):
    view_key = "worklog"
    title = "作業ログ"
    opens: ClassVar[frozenset[str]] = frozenset({"worklog", "task"})
    shows = frozenset(
        {
            "worklog",
            "task",
            "task_series",
            "system",
            "asset",
            "notice",
            "notice_deadline",
            "contract",
            "license",
            "checklist_progress",
        }
    )

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._activated = False
        self._stale = False
        self.filter = WorklogFilter()
        self.new_button = QPushButton(self.tr("作業を記録…"), self)
        self.new_button.setToolTip(self.tr("作業を記録 (Ctrl+N)"))
        self.period = QComboBox(self)
        for code, label in PERIODS.items():
            self.period.addItem(self.tr(label), code)
        self.start = JDateEdit(self, today=ctx.today())
        self.end = JDateEdit(self, today=ctx.today())
        for edit in (self.start, self.end):
            edit.setVisible(False)
            edit.setMaximumWidth(self.fontMetrics().horizontalAdvance("0" * 16))
        self.category = QComboBox(self)
        self.category.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.system = QComboBox(self)
        self.system.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.system.setMinimumContentsLength(10)
        self.text = QLineEdit(self)
        self.text.setPlaceholderText(self.tr("件名・内容で絞り込み"))
        self.text.setClearButtonEnabled(True)
        self.count_label = QLabel(self)
        self.model = WorklogListModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        metrics = self.fontMetrics()
        widest_day = metrics.horizontalAdvance("2026-12-31（R8.12.31）") + 16
        for col, width in enumerate((widest_day, 120, 0, 90, 160, 110, 90)):
            if width:
                header.resizeSection(col, width)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setToolTip(self.tr("ダブルクリックまたは Enter で編集、Delete で削除"))
        self.summary = SummaryPage(ctx, self)
        list_page = QWidget(self)
        bar = QHBoxLayout()
        bar.addWidget(self.new_button)
        bar.addWidget(QLabel(self.tr("期間"), self))
        bar.addWidget(self.period)
        bar.addWidget(self.start)
        bar.addWidget(self.end)
        bar.addWidget(QLabel(self.tr("分類"), self))
        bar.addWidget(self.category)
        bar.addWidget(QLabel(self.tr("システム"), self))
        bar.addWidget(self.system)
        bar.addWidget(self.text, 1)
        list_layout = QVBoxLayout(list_page)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addLayout(bar)
        list_layout.addWidget(self.count_label)
        list_layout.addWidget(self.table, 1)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(list_page, self.tr("一覧"))
        self.tasks = TasksPage(ctx, self)
        self.tabs.addTab(self.tasks, self.tr("タスク"))
        self.schedule = SchedulePage(ctx, self)
        self.tabs.addTab(self.schedule, self.tr("年間スケジュール"))
        self.schedule.record_requested.connect(self.record_requested)
        self.tabs.addTab(self.summary, self.tr("集計"))
        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("作業ログ"), self)
        heading.setObjectName("viewHeading")
        layout.addWidget(heading)
        layout.addWidget(self.tabs, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.apply_filter)
        self.text.textChanged.connect(lambda _t: self._timer.start())
        for combo in (self.period, self.category, self.system):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        for edit in (self.start, self.end):
            edit.edited.connect(self._timer.start)
        self.new_button.clicked.connect(lambda: self.new_entry())
        self.table.doubleClicked.connect(lambda index: self.edit_row(index.row()))
        self.model.page_wanted.connect(self._more)
        self.tabs.currentChanged.connect(self._tab_changed)
        delete = QKeySequence(QKeySequence.StandardKey.Delete)
        for keys, slot in ((QKeySequence(Qt.Key.Key_Return), self._edit_current),
                           (delete, self.delete_current)):  # fmt: skip
            shortcut = QShortcut(keys, self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        ctx.jobs.watch(self, self.shows, self._data_changed)

    # --- View --------------------------------------------------------------------------

    def activate(self) -> None:
        if not self._activated or self._stale:
            self._activated, self._stale = True, False
            self.ctx.jobs.read(_choices, owner=self, key="choices", on_result=self._fill_choices,
                               name="worklog-choices")  # fmt: skip
            self.apply_filter()
        else:
            self.ready.emit()

    def open_record(self, kind: str, record_id: int) -> None:
        if kind == "task":
            self.tabs.setCurrentWidget(self.tasks)
            self.tasks.edit(record_id)
            return
        self.tabs.setCurrentIndex(0)
        self.edit_entry(record_id)

    # --- the list ----------------------------------------------------------------------

    def current_filter(self) -> WorklogFilter:
        key = self.period.currentData()
        if key == "custom":
            try:
                start, end = self.start.date(), self.end.date()
            except jdate.JDateError:
                start, end = self.filter.start, self.filter.end
        else:
            start, end = period_range(key, self.ctx.today())
        return WorklogFilter(
            start=start, end=end, category=self.category.currentData(),
            system_id=self.system.currentData(), text=self.text.text().strip(),
        )  # fmt: skip

    def apply_filter(self) -> None:
        custom = self.period.currentData() == "custom"
        self.start.setVisible(custom)
        self.end.setVisible(custom)
        self.filter = self.current_filter()
        self.ctx.jobs.drop(self, "more")
        self.count_label.setText(self.tr("読み込み中…"))
        self.ctx.jobs.read(_page, self.filter, None, owner=self, key="page",
                           on_result=self._first_page, on_error=self._failed,
                           name="worklog-page")  # fmt: skip

    def _first_page(self, page: WorklogPage) -> None:
        chosen = self.current_id()
        self.model.reset(page.rows, page.more)
        total = page.total or 0
        self.count_label.setText(
            self.tr("{0:,} 件").format(total)
            if total
            else self.tr("該当する作業ログはありません。")
        )
        if chosen is not None:
            row = self.model.row_of(chosen)
            if row is not None:
                self.table.selectRow(row)
        self.ready.emit()

    def _more(self, after: tuple[date, int]) -> None:
        self.ctx.jobs.read(_page, self.filter, after, owner=self, key="more",
                           on_result=lambda p: self.model.append(p.rows, p.more),
                           on_error=self._failed, name="worklog-more")  # fmt: skip

    def _failed(self, exc: BaseException) -> None:
        self.count_label.setText(self.tr("読み込めませんでした: {0}").format(exc))
        self.ready.emit()

    def _fill_choices(self, result: tuple[list[str], list[tuple[int, str]]]) -> None:
        categories, systems = result
        for combo, items in ((self.category, [(c, c) for c in categories]),
                             (self.system, [(i, n) for i, n in systems])):  # fmt: skip
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("すべて"), None)
            for value, label in items:
                combo.addItem(label, value)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)

    def _data_changed(self, _changes: Changes) -> None:
        if not self._activated:
            return
        if self.isVisible():
            self._stale = True
            self.activate()
            if self.tabs.currentWidget() is self.summary:
                self.summary.reload()
            elif self.tabs.currentWidget() is self.tasks:
                self.tasks.reload()
            elif self.tabs.currentWidget() is self.schedule:
                self.schedule.reload()
        else:
            self._stale = True

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.summary:
            self.summary.reload()
        elif self.tabs.widget(index) is self.tasks:
            self.tasks.reload()
        elif self.tabs.widget(index) is self.schedule:
            self.schedule.reload()

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()).id if index.isValid() else None

    # --- entries -----------------------------------------------------------------------

    def new_entry(self) -> EntryDialog:
        return self._open(EntryDialog(self.ctx, None, self.window()))

    def edit_entry(self, entry_id: int) -> EntryDialog:
        return self._open(EntryDialog(self.ctx, entry_id, self.window()))

    def edit_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.edit_entry(self.model.row_at(row).id)

    def _edit_current(self) -> None:
        self.edit_row(self.table.currentIndex().row())

    def _open(self, dialog: EntryDialog) -> EntryDialog:
        """A window of its own over the main window (switching views leaves it open; the
        main window asks about its unsaved input when it closes)."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        dialog.raise_()
        return dialog

    def delete_current(self) -> None:
        entry_id = self.current_id()
        if entry_id is None:
            return
        row = self.model.row_at(self.table.currentIndex().row())
        answer = QMessageBox.question(
            self, self.tr("作業ログの削除"),
            self.tr("「{0}」（{1}）を削除しますか？ 変更履歴には残ります。").format(
                row.title, row.occurred_on.isoformat()),
        )  # fmt: skip
        if answer == QMessageBox.StandardButton.Yes:
            self.ctx.jobs.write(entries.delete_entry, entry_id, owner=self, name="worklog-delete",
                                on_error=self._failed)  # fmt: skip

    def dialogs(self) -> list[EntryDialog]:
        return self.window().findChildren(EntryDialog)
