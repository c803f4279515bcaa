"""The dashboard: counts per area, lifecycle warnings (per kind, with the configured
windows) and what falls due soon. Read again whenever it is shown, and after any write
while it is on screen (it summarises every kind of record)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import jdate
from app.services.dashboard import (
    LAGGING_RULES,
    NOTES_TO_REVIEW,
    OUTLOOK_WARNINGS,
    OVERDUE_TASKS,
    DashboardOutlook,
    DashboardSummary,
    dashboard_outlook,
    dashboard_summary,
)
from app.store.changes import Changes
from app.ui import date_style
from app.ui.alert_colors import ALERT_COLORS
from app.ui.context import AppContext
from app.ui.views.base import View
from app.ui.views.month_chart import MonthChart


class DashboardView(View):
    view_key = "dashboard"
    title = "ダッシュボード"
    open_warnings = Signal(object)  # a lifecycle warning kind whose list was asked for
    load_demo_requested = Signal()
    open_area = Signal(str, str)  # (view key, tab key or "") a count card opens

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._summary: DashboardSummary | None = None
        self._outlook: DashboardOutlook | None = None
        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("ダッシュボード"))
        heading.setObjectName("viewHeading")
        layout.addWidget(heading)
        self._date = QLabel()
        layout.addWidget(self._date)
        self._cards = QGridLayout()
        layout.addLayout(self._cards)
        layout.addWidget(QLabel(self.tr("期限・警告（件数をクリックすると一覧）")))
        self._warnings = QGridLayout()
        layout.addLayout(self._warnings)
        empty_row = QHBoxLayout()
        if ctx.db.data_dir.is_demo:
            self._empty = QLabel(self.tr("デモ環境です。架空の町のデモデータを読み込めます。"))
            self._demo_button = QPushButton(self.tr("デモデータを読み込む…"))
        else:
            self._empty = QLabel(
                self.tr("まだデータがありません。架空の町のデモ環境で操作を試せます"
                        "（実際のデータとは別のウィンドウで開きます）。")
            )  # fmt: skip
            self._demo_button = QPushButton(self.tr("デモ環境を開く…"))
        self._demo_button.clicked.connect(self.load_demo_requested)
        empty_row.addWidget(self._empty)
        empty_row.addWidget(self._demo_button)
        empty_row.addStretch(1)
        layout.addLayout(empty_row)
        # What is late and what comes (the list), beside the coming months (the chart).
        self._due_heading = QLabel(self.tr("60日以内の期限"))
        chart_heading = QLabel(self.tr("今後12か月の期限（件数）"))
        headings = QHBoxLayout()
        headings.addWidget(self._due_heading, 3)
        headings.addWidget(chart_heading, 1)
        layout.addLayout(headings)
        self._due = QTableWidget(0, 4)
        self._due.setHorizontalHeaderLabels(
            [self.tr("期限"), self.tr("種類"), self.tr("件名"), self.tr("詳細")]
        )
        self._due.verticalHeader().setVisible(False)
        self._due.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self._due.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self._due.setWordWrap(False)  # one line a row; the whole text in the tooltip
        header = self._due.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self._due.itemActivated.connect(self._activated)
        self.chart = MonthChart(self)
        self.chart.setToolTip(self.tr("クリックでその月の年間スケジュールを開きます"))
        self.chart.month_activated.connect(self._open_month)
        lists = QHBoxLayout()
        lists.addWidget(self._due, 3)
        lists.addWidget(self.chart, 1)
        layout.addLayout(lists, 1)
        self._set_empty_visible(False)
        ctx.jobs.watch(self, None, self._data_changed)

    def activate(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.ctx.jobs.read(dashboard_summary, self.ctx.today(), owner=self, key="summary",
                           on_result=self._show, on_error=self._failed)  # fmt: skip

    def _read_outlook(self) -> None:
        """The chart and the regulations' and Q&A's warnings, read once the summary is on
        screen: not on the way to the first view (app.services.dashboard)."""
        self.ctx.jobs.read(dashboard_outlook, self.ctx.today(), owner=self, key="outlook",
                           on_result=self._show_outlook, on_error=self._failed)  # fmt: skip

    def _data_changed(self, _changes: Changes) -> None:
        if self.isVisible():  # a hidden dashboard is read again when shown (activate)
            self.reload()

    def _set_empty_visible(self, visible: bool) -> None:
        self._empty.setVisible(visible)
        self._demo_button.setVisible(visible)

    def _show(self, summary: DashboardSummary) -> None:
        self._date.setText(
            self.tr("今日: {0}（{1}）").format(
                date_style.shown(summary.today),
                jdate.fiscal_year_label(jdate.fiscal_year(summary.today)),
            )
        )
        cards = _fill_grid(self._cards, summary.counts, "card", CARD_TARGETS,
                           notes=summary.excluded)  # fmt: skip
        for card in cards:
            card.linkActivated.connect(self._open_card)
        self._summary = summary
        self._show_warnings()
        self._set_empty_visible(sum(summary.counts.values()) == 0)
        self._show_due(summary)
        self.ready.emit()
        self._read_outlook()

    def _show_outlook(self, outlook: DashboardOutlook) -> None:
        self._outlook = outlook
        self.chart.set_months(outlook.months)
        self._show_warnings()

    def _show_warnings(self) -> None:
        """The summary's warnings, then the outlook's (「…」 until it is read)."""
        summary, outlook = self._summary, self._outlook
        if summary is None:
            return
        later: dict[str, int | None] = {label: None for label, _kind in OUTLOOK_WARNINGS}
        kinds = dict(summary.warning_kinds)
        if outlook is not None:
            later.update(outlook.warnings)
            kinds.update(outlook.warning_kinds)
        cards = _fill_grid(self._warnings, {**summary.warnings, **later}, "warning", kinds,
                           columns=8)  # fmt: skip
        for card in cards:
            card.linkActivated.connect(self._open_warning)

    def _show_due(self, summary: DashboardSummary) -> None:
        """Overdue first (in red, oldest first), then what falls due within 60 days."""
        heading = self.tr("60日以内の期限")
        if summary.overdue_total:
            heading = self.tr("期限切れ {0:,} 件（赤）と60日以内の期限").format(
                summary.overdue_total
            )
            if summary.overdue_total > len(summary.overdue):
                heading += self.tr("　※期限切れは古い順に {0} 件まで").format(len(summary.overdue))
        self._due_heading.setText(heading)
        rows = [(item, True) for item in summary.overdue] + [(i, False) for i in summary.due]
        self._due.setRowCount(len(rows))
        tint, ink = (QBrush(c) for c in ALERT_COLORS["error"])
        for row, (item, overdue) in enumerate(rows):
            cells = [date_style.shown(item.due), item.kind, item.title, item.detail]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                cell.setData(Qt.ItemDataRole.UserRole, (item.ref_kind, item.ref_id))
                if overdue:  # as overdue rows are in every list
                    cell.setBackground(tint)
                    cell.setForeground(ink)
                self._due.setItem(row, col, cell)
        self._due.resizeColumnToContents(0)
        self._due.resizeColumnToContents(1)
        self._due.setColumnWidth(3, min(self._due.sizeHintForColumn(3) + 8, 220))

    def _failed(self, exc: BaseException) -> None:
        self._date.setText(self.tr("ダッシュボードを読み込めませんでした: {0}").format(exc))
        self.ready.emit()

    def _open_warning(self, kind: str) -> None:
        """A lifecycle warning opens the ledger's 期限・警告; 期限切れタスク the tasks; the
        lagging rules and the notes to review their tabs, showing only those."""
        if kind == OVERDUE_TASKS:
            self.open_area.emit("worklog", "tasks")
        elif kind == LAGGING_RULES:
            self.open_area.emit("notices", "regulations:lagging")
        elif kind == NOTES_TO_REVIEW:
            self.open_area.emit("notices", "knowledge:review")
        else:
            self.open_warnings.emit(kind)

    def _open_card(self, target: str) -> None:
        view, _, tab = target.partition(":")
        self.open_area.emit(view, tab)

    def _open_month(self, year: int, month: int) -> None:
        fy = jdate.fiscal_year(date(year, month, 1))
        self.open_area.emit("worklog", f"schedule:{fy}")

    def _activated(self, item: QTableWidgetItem) -> None:
        kind, ref_id = item.data(Qt.ItemDataRole.UserRole)
        self.record_requested.emit(kind, ref_id)


# The count cards that open a list ("view:tab"); the others are areas not built yet and
# say 準備中 (not clickable).
CARD_TARGETS: dict[str, str | None] = {
    "資産": "assets:assets", "業務システム": "assets:systems", "契約": "assets:contracts",
    "作業ログ": "worklog", "未完了タスク": "worklog:tasks", "通知・法令": "notices",
}  # fmt: skip
NOT_BUILT = "準備中"


def _fill_grid(
    grid: QGridLayout,
    values: dict[str, int] | dict[str, int | None],
    style: str,
    kinds: dict[str, str | None] | None = None,
    *,
    columns: int = 5,
    notes: dict[str, str] | None = None,
) -> list[QLabel]:
    while grid.count():
        child = grid.takeAt(0)
        widget = child.widget() if child is not None else None
        if widget:
            widget.deleteLater()
    cards = []
    for i, (label, value) in enumerate(values.items()):
        number = "…" if value is None else f"{value:,}"  # None: still being read
        kind = (kinds or {}).get(label) if value is not None else None
        if kind and (value or style == "card"):  # a link to its list (a card's even at 0)
            number = f"<a href='{kind}' style='color:inherit; text-decoration:none'>{number}</a>"
        if style == "card":
            note = (notes or {}).get(label, "")
            if kinds is not None and label not in kinds:
                note = NOT_BUILT  # an area not built yet: its count, not a link
            text = f"<span style='font-size:11pt'>{label}</span><br>"
            text += f"<b style='font-size:18pt'>{number}</b>"
            if note:
                text += f"<br><span style='font-size:8pt; color:#555'>（{note}）</span>"
        else:  # long labels (they carry the window): wrap, number on its own line
            name, _, window = label.partition("（")
            window = f"<br><span style='font-size:9pt'>（{window}</span>" if window else ""
            text = f"<span style='font-size:10pt'>{name}</span>{window}<br>"
            text += f"<b style='font-size:16pt'>{number}</b>"
            if kinds is not None and not kinds.get(label) and value is not None:  # no list yet
                text += f"<br><span style='font-size:8pt'>（一覧は{NOT_BUILT}）</span>"
        card = QLabel(text)
        card.setWordWrap(style != "card")
        card.setObjectName(style)
        card.setProperty("alert", style == "warning" and bool(value))
        card.setAlignment(Qt.AlignmentFlag.AlignCenter)
        card.setMinimumWidth(150 if style == "card" else 120)
        grid.addWidget(card, i // columns, i % columns)
        cards.append(card)
    return cards
