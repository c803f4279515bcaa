"""A new digest: what it is made of besides its items (``DraftForm``) — the period
(two dates typed as anywhere else, 和暦 or 西暦; 1週間 / 1か月 set its end from its
start), the sections it takes (DIGEST_SECTIONS), its title (「ダイジェスト 期間」 until
the officer types one) and the officer's own lines (前書き) — with the candidates under
it (``DraftPage``)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app import jdate
from app.errors import UserError
from app.services.digests.store import TITLE_LIMIT, default_title
from app.store.vocab import DIGEST_SECTIONS
from app.ui.digests.candidates_tree import CandidatesTree
from app.ui.widgets.date_edit import JDateEdit
from app.ui.widgets.styles import ERROR_STYLE


def period_end(start: date, length: str) -> date:
    """The last day of a period of ``length`` ("week" | "month") from ``start``."""
    try:
        if length == "week":
            return start + timedelta(days=6)
        return jdate.add_months(start, 1) - timedelta(days=1)
    except OverflowError:
        return date.max


class DraftForm(QWidget):
    period_edited = Signal()  # the dates or the sections: the candidates change
    text_edited = Signal()  # the title or the intro: only the preview changes

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._auto_title = ""  # the default title while the officer has typed none
        self.start = JDateEdit(self, today=today)
        self.end = JDateEdit(self, today=today)
        width = self.fontMetrics().horizontalAdvance("0" * 18)
        for edit in (self.start, self.end):
            edit.setMaximumWidth(width)
            edit.line_edit.setPlaceholderText(self.tr("例: R8.4.1"))
        self.week_button = QPushButton(self.tr("1週間"), self)
        self.month_button = QPushButton(self.tr("1か月"), self)
        for button in (self.week_button, self.month_button):
            button.setToolTip(self.tr("始めの日から{0}の期間にします").format(button.text()))
        self.section_boxes: dict[str, QCheckBox] = {}
        for code, label in DIGEST_SECTIONS.items():
            box = QCheckBox(self.tr(label).replace("&", "&&"), self)  # Q&A: no mnemonic
            box.setChecked(True)
            self.section_boxes[code] = box
        self.title_edit = QLineEdit(self)
        self.title_edit.setMaxLength(TITLE_LIMIT)
        self.intro = QPlainTextEdit(self)
        self.intro.setPlaceholderText(
            self.tr("冒頭に載せる自分の言葉（例: 今週は標準化の調査の回答期限があります）")
        )
        self.intro.setTabChangesFocus(True)
        lines = self.intro.fontMetrics().lineSpacing()
        self.intro.setFixedHeight(lines * 3 + 12)
        self.intro.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        period = QHBoxLayout()
        period.setContentsMargins(0, 0, 0, 0)
        period.addWidget(self.start)
        period.addWidget(QLabel("〜", self))
        period.addWidget(self.end)
        period.addWidget(self.week_button)
        period.addWidget(self.month_button)
        period.addStretch(1)
        sections = QHBoxLayout()
        sections.setContentsMargins(0, 0, 0, 0)
        for box in self.section_boxes.values():
            sections.addWidget(box)
        sections.addStretch(1)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(4)
        form.addRow(self.tr("期間"), period)
        form.addRow(self.tr("載せるもの"), sections)
        form.addRow(self.tr("件名"), self.title_edit)
        form.addRow(self.tr("前書き"), self.intro)
        for edit in (self.start, self.end):
            edit.edited.connect(self._dates_edited)
        self.week_button.clicked.connect(lambda: self.set_length("week"))
        self.month_button.clicked.connect(lambda: self.set_length("month"))
        for box in self.section_boxes.values():
            box.toggled.connect(lambda _on: self.period_edited.emit())
        self.title_edit.textEdited.connect(lambda _t: self.text_edited.emit())
        self.intro.textChanged.connect(self.text_edited)

    # --- reading -------------------------------------------------------------------------

    def period(self) -> tuple[date, date]:
        """The period typed; UserError (JDateError) naming what is wrong."""
        start, end = self.start.date(), self.end.date()
        if start is None:
            raise UserError(self.tr("期間の始めの日付を入力してください"))
        if end is None:
            raise UserError(self.tr("期間の終わりの日付を入力してください"))
        if end < start:
            raise UserError(
                self.tr("期間の終わり（{0}）が始め（{1}）より前です").format(
                    end.isoformat(), start.isoformat())
            )  # fmt: skip
        return start, end

    def sections(self) -> tuple[str, ...]:
        return tuple(code for code, box in self.section_boxes.items() if box.isChecked())

    def title(self) -> str:
        return self.title_edit.text()

    def intro_text(self) -> str:
        return self.intro.toPlainText()

    # --- setting -------------------------------------------------------------------------

    def reset(self, start: date, end: date) -> None:
        """A new digest of ``start``–``end``: its default title, no intro, every section
        (the intro is cleared quietly; the caller shows the new preview)."""
        for box in self.section_boxes.values():
            box.blockSignals(True)
            box.setChecked(True)
            box.blockSignals(False)
        self.intro.blockSignals(True)
        self.intro.clear()
        self.intro.blockSignals(False)
        self._auto_title = ""
        self.title_edit.clear()
        self.set_period(start, end)

    def set_period(self, start: date, end: date) -> None:
        """Show ``start``–``end`` (the title follows while it is the default one)."""
        self.start.setDate(start)
        self.end.setDate(end)
        self._follow_title()

    def set_length(self, length: str) -> None:
        """The end a week or a month after the start (a start that cannot be read: the
        field says why, nothing changes)."""
        try:
            start = self.start.date()
        except UserError:
            return
        if start is None:
            return
        self.end.setDate(period_end(start, length))
        self._dates_edited()

    def _dates_edited(self) -> None:
        self._follow_title()
        self.period_edited.emit()

    def _follow_title(self) -> None:
        """A title the officer did not type follows the period."""
        typed = self.title_edit.text().strip()
        if typed and typed != self._auto_title:
            return
        try:
            start, end = self.period()
        except UserError:
            return
        self._auto_title = default_title(start, end)
        self.title_edit.setText(self._auto_title)


class DraftPage(QWidget):
    """The form, what is wrong with the period (in red), the count and the candidates."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = DraftForm(today, self)
        self.period_message = QLabel(self)
        self.period_message.setStyleSheet(ERROR_STYLE)
        self.period_message.setWordWrap(True)
        self.period_message.setVisible(False)
        self.count_label = QLabel(self)
        self.count_label.setWordWrap(True)
        self.tree = CandidatesTree(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.form)
        layout.addWidget(self.period_message)
        layout.addWidget(self.count_label)
        layout.addWidget(self.tree, 1)

    def show_period_error(self, text: str) -> None:
        self.period_message.setText(text)
        self.period_message.setVisible(bool(text))
