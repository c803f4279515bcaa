"""The dashboard's small chart: how many deadlines each of the coming twelve months holds,
a stacked bar per month (tasks, notice deadlines, contracts, licences, checklist items),
painted with QPainter — QtCharts would add a module (and megabytes to the installer) for
one chart.

An asset's maintenance and lease ends are not stacked: a ledger of thousands of PCs puts
hundreds in a month and would flatten everything else; each bar's tooltip gives them.
A bar opens the 年間スケジュール (click, or ←/→ then Enter); the month a bar stands for
is said in its tooltip and in the chart's accessible description."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from app.services.dashboard import MonthLoad
from app.store.kind_index import kind_by_code

# Stacked from the bottom in this order; colours from Tableau 10 (distinct for the
# colour-blind, readable on light and dark palettes).
SERIES: tuple[tuple[str, str, str], ...] = (
    ("task", "タスク", "#4e79a7"),
    ("notice", "通知の期限", "#e15759"),
    ("contract", "契約", "#f28e2b"),
    ("license", "ライセンス", "#76b7b2"),
    ("checklist_progress", "チェック項目", "#59a14f"),
)
NOT_STACKED = ("asset",)
_MARGIN = 6


def _month_label(m: MonthLoad) -> str:
    return f"{m.year}年{m.month}月"


class MonthChart(QWidget):
    """``month_activated(year, month)`` when a bar is clicked or chosen with Enter."""

    month_activated = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.months: list[MonthLoad] = []
        self.current = -1  # the bar chosen with the keyboard
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(self.tr("今後12か月の期限の件数"))

    def set_months(self, months: Sequence[MonthLoad]) -> None:
        self.months = list(months)
        self.current = min(self.current, len(self.months) - 1)
        self.setAccessibleDescription("、".join(self._describe(m) for m in self.months))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, 200)

    def minimumSizeHint(self) -> QSize:
        return QSize(300, 140)

    # --- geometry ------------------------------------------------------------------------

    def _legend(self) -> list[tuple[QRectF, str, str]]:
        """Where each series' swatch and label go, wrapped onto more lines when narrow:
        (label box, label, colour)."""
        fm = self.fontMetrics()
        line, box = fm.height() + 2, fm.height() * 0.7
        x, y, out = float(_MARGIN), 2.0, []
        for _code, label, colour in SERIES:
            width = box + 3 + fm.horizontalAdvance(label) + 2
            if x > _MARGIN and x + width > self.width() - _MARGIN:
                x, y = float(_MARGIN), y + line
            out.append((QRectF(x, y, width, fm.height()), label, colour))
            x += width + 8
        return out

    def _legend_height(self) -> int:
        boxes = self._legend()
        return int(boxes[-1][0].bottom()) + 2 if boxes else 0

    def _plot(self) -> QRectF:
        fm = self.fontMetrics()
        left = fm.horizontalAdvance("0000") + _MARGIN
        top = self._legend_height() + _MARGIN
        bottom = fm.height() + _MARGIN
        return QRectF(left, top, self.width() - left - _MARGIN, self.height() - top - bottom)

    def _slot(self, index: int) -> QRectF:
        plot = self._plot()
        width = plot.width() / max(len(self.months), 1)
        return QRectF(plot.left() + index * width, plot.top(), width, plot.height())

    def index_at(self, pos: QPoint) -> int:
        for n in range(len(self.months)):
            if self._slot(n).contains(pos.toPointF()):
                return n
        return -1

    @staticmethod
    def _stacked(m: MonthLoad) -> int:
        return m.total(without=NOT_STACKED)

    def _scale(self) -> int:
        """The value of the plot's top: the largest bar rounded up to a readable step."""
        top = max((self._stacked(m) for m in self.months), default=0)
        for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000):
            if top <= step * 4:
                return max(step * ((top + step - 1) // step), step)
        return top

    # --- painting ------------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        grid = pal.color(QPalette.ColorRole.Mid)
        fm = self.fontMetrics()
        self._paint_legend(painter, text)
        plot = self._plot()
        scale = self._scale()
        # Gridlines at 0, half and the top, labelled on the left.
        for value in (0, scale // 2, scale):
            y = plot.bottom() - plot.height() * value / scale
            painter.setPen(grid)
            painter.drawLine(int(plot.left()), int(y), int(plot.right()), int(y))
            painter.setPen(text)
            label_box = QRectF(0, y - fm.height() / 2, plot.left() - 4, fm.height())
            painter.drawText(label_box, Qt.AlignmentFlag.AlignRight, str(value))
        for n, month in enumerate(self.months):
            slot = self._slot(n)
            bar_width = slot.width() * 0.6
            x = slot.left() + (slot.width() - bar_width) / 2
            y = plot.bottom()
            for code, _label, colour in SERIES:
                count = month.counts.get(code, 0)
                if not count:
                    continue
                height = plot.height() * count / scale
                painter.fillRect(QRectF(x, y - height, bar_width, height), QColor(colour))
                y -= height
            painter.setPen(text)
            label = f"{month.month}月"
            if fm.horizontalAdvance(label) > slot.width() - 2:  # narrow: the number alone
                label = str(month.month)
            label_box = QRectF(slot.left(), plot.bottom() + 2, slot.width(), fm.height())
            painter.drawText(label_box, Qt.AlignmentFlag.AlignHCenter, label)
            if n == self.current and self.hasFocus():
                painter.setPen(pal.color(QPalette.ColorRole.Highlight))
                painter.drawRect(slot.adjusted(1, 0, -2, fm.height()))
        painter.end()

    def _paint_legend(self, painter: QPainter, text: QColor) -> None:
        box = self.fontMetrics().height() * 0.7
        for where, label, colour in self._legend():
            swatch = QRectF(where.left(), where.top() + (where.height() - box) / 2, box, box)
            painter.fillRect(swatch, QColor(colour))
            painter.setPen(text)
            painter.drawText(where.adjusted(box + 3, 0, 0, 0), label)

    # --- what a bar says, and opening it -----------------------------------------------------

    def _describe(self, m: MonthLoad) -> str:
        parts = [f"{label} {m.counts[code]:,}" for code, label, _c in SERIES if m.counts.get(code)]
        return f"{_month_label(m)}: " + ("、".join(parts) if parts else "なし")

    def tooltip(self, index: int) -> str:
        m = self.months[index]
        lines = [f"{_month_label(m)}の期限 {self._stacked(m):,} 件"]
        lines += [
            f"　{label} {m.counts[code]:,}" for code, label, _c in SERIES if m.counts.get(code)
        ]
        for code in NOT_STACKED:
            if m.counts.get(code):
                what = kind_by_code(code).label
                lines.append(f"ほかに{what}の保守・リース終了 {m.counts[code]:,} 件")
        lines.append("クリックで年間スケジュールを開きます")
        return "\n".join(lines)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self.index_at(event.pos())
            if index >= 0:
                QToolTip.showText(event.globalPos(), self.tooltip(index), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.index_at(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and index >= 0:
            self.current = index
            self._activate(index)
            return
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if self.months and key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            step = -1 if key == Qt.Key.Key_Left else 1
            self.current = max(0, min(len(self.months) - 1, self.current + step))
            self.update()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and 0 <= self.current < len(self.months):
            self._activate(self.current)
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        if self.current < 0 and self.months:
            self.current = 0
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusOutEvent(event)

    def _activate(self, index: int) -> None:
        m = self.months[index]
        self.month_activated.emit(m.year, m.month)
