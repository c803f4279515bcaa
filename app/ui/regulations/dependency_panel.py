"""The 追随関係 tab of a rule: the rules it follows (追随先) and the rules that follow it,
each with the version it was last brought in line with and, when the source has a newer
one, since when it lags and up to which version. A dependency is added (a circle is
refused with the service's message naming it), removed, or marked as brought in line
with the source's newest version (対応済みにする)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.field_input import Choice
from app.services.regulations import dependencies as svc
from app.services.regulations.dependencies import CURRENT, DependencyRow
from app.store.models import Regulation
from app.store.vocab import REGULATION_ORIGINS
from app.ui import date_style
from app.ui.alert_colors import ALERT_COLORS
from app.ui.context import AppContext
from app.ui.regulations.feedback import message_label, refusal_text, say
from app.ui.widgets.form_fit import narrow_combo

ROW_ROLE = int(Qt.ItemDataRole.UserRole)


def _rules(session: Session, own_id: int) -> list[Choice]:
    """Every other rule: the state's first, then the prefecture's, then own ones."""
    stmt = select(Regulation.id, Regulation.title, Regulation.origin).where(Regulation.id != own_id)
    order = list(REGULATION_ORIGINS)
    found = sorted(session.execute(stmt), key=lambda r: (order.index(r[2]), r[1]))
    return [Choice(i, f"{title}（{REGULATION_ORIGINS[origin]}）") for i, title, origin in found]


class DependencyPanel(QWidget):
    loaded = Signal()
    open_regulation = Signal(int)  # the other rule of a dependency, double-clicked

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.regulation_id: int | None = None
        self.regulation_title = ""
        self.rows: list[DependencyRow] = []
        self.dialog: DependencyDialog | None = None
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.list.setSpacing(1)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)  # wrapped again when resized
        self.list.setMinimumHeight(self.fontMetrics().height() * 6)
        self.list.setToolTip(self.tr("ダブルクリックでその法令・規程を開きます"))
        self.add_button = QPushButton(self.tr("追随先を追加…"), self)
        self.remove_button = QPushButton(self.tr("削除"), self)
        self.followed_button = QPushButton(self.tr("対応済みにする"), self)
        self.followed_button.setToolTip(
            self.tr("追随する規程を、追随先の最新の版に合わせて改定したことを記録します")
        )
        self.message = message_label(QLabel(self))
        self.hint = QLabel(self.tr("保存すると追随関係を登録できます。"), self)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.followed_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.hint)
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove_current)
        self.followed_button.clicked.connect(self.mark_current_followed)
        self.list.currentRowChanged.connect(lambda _row: self._update_enabled())
        self.list.itemDoubleClicked.connect(self._open)
        self.set_owner(None, "")

    # --- public ------------------------------------------------------------------------

    def set_owner(self, regulation_id: int | None, title: str) -> None:
        if regulation_id != self.regulation_id:
            self.say("")
        self.regulation_id, self.regulation_title = regulation_id, title
        self.ctx.jobs.drop(self, "rows")
        self.hint.setVisible(regulation_id is None)
        if regulation_id is None:
            self._show([])
        else:
            self.refresh()

    def refresh(self) -> None:
        if self.regulation_id is None:
            return
        self.ctx.jobs.read(
            svc.dependency_rows, self.regulation_id, owner=self, key="rows",
            on_result=self._show, name="regulation-dependencies",
            on_error=lambda exc: self.say(self.tr("読み込めませんでした: {0}").format(exc),
                                          error=True),
        )  # fmt: skip

    def current(self) -> DependencyRow | None:
        item = self.list.currentItem()
        return None if item is None else item.data(ROW_ROLE)

    def select(self, dependency_id: int) -> bool:
        for n in range(self.list.count()):
            row = self.list.item(n).data(ROW_ROLE)
            if row is not None and row.id == dependency_id:
                self.list.setCurrentRow(n)
                return True
        return False

    def tab_title(self) -> str:
        if not self.rows:
            return self.tr("追随関係")
        lagging = sum(1 for r in self.rows if r.lagging_since is not None)
        if lagging:
            return self.tr("追随関係（{0}・遅れ {1}）").format(len(self.rows), lagging)
        return self.tr("追随関係（{0}）").format(len(self.rows))

    def add(self) -> DependencyDialog | None:
        if self.regulation_id is None:
            return None
        if self.dialog is not None:  # one at a time: the last one is done with
            self.dialog.deleteLater()
        self.dialog = DependencyDialog(self.ctx, self.regulation_id, self.regulation_title, self)
        self.dialog.saved.connect(lambda _id: self.say(self.tr("追随関係を登録しました。")))
        self.dialog.open()
        return self.dialog

    def remove_current(self) -> None:
        row = self.current()
        if row is None:
            return
        answer = QMessageBox.question(
            self, self.tr("追随関係の削除"),
            self.tr("「{0}」が「{1}」に追随する関係を削除しますか？").format(
                row.dependent_title, row.source_title),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )  # fmt: skip
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.ctx.jobs.write(
            svc.remove_dependency, row.id, owner=self, name="regulation-dependency-remove",
            on_result=lambda _r: self.say(self.tr("追随関係を削除しました。")),
            on_error=lambda exc: self.say(refusal_text(exc, "処理できませんでした"), error=True),
        )  # fmt: skip

    def mark_current_followed(self) -> None:
        """The selected dependency's rule was brought in line with the source's newest
        version."""
        row = self.current()
        if row is None or row.lagging_since is None:
            return
        done = self.tr("「{0}」を「{1}」の{2}に対応済みにしました。").format(
            row.dependent_title, row.source_title, row.newest_label
        )
        self.ctx.jobs.write(
            svc.mark_followed, row.id, owner=self, name="regulation-dependency-followed",
            on_result=lambda _r: self.say(done),
            on_error=lambda exc: self.say(refusal_text(exc, "処理できませんでした"), error=True),
        )  # fmt: skip

    def say(self, text: str, *, error: bool = False) -> None:
        say(self.message, text, error=error)

    # --- internals ---------------------------------------------------------------------

    def _show(self, rows: list[DependencyRow]) -> None:
        chosen = self.current()
        self.rows = rows
        self.list.clear()
        own = self.regulation_id
        sources = [r for r in rows if r.dependent_id == own]
        followers = [r for r in rows if r.source_id == own]
        for heading, group, follows in (
            (self.tr("この規程が追随する法令・規程（追随先）"), sources, True),
            (self.tr("この規程に追随する規程"), followers, False),
        ):
            if group:
                self.list.addItem(self._heading(heading))
            for row in group:
                self.list.addItem(self._item(row, follows))
        if not rows and own is not None:
            self.list.addItem(self._heading(self.tr("追随関係はありません。")))
        if chosen is not None:
            self.select(chosen.id)
        self._update_enabled()
        self.loaded.emit()

    def _heading(self, text: str) -> QListWidgetItem:
        item = QListWidgetItem(text)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a heading: not selectable
        font = QFont(self.list.font())
        font.setBold(True)
        item.setFont(font)
        return item

    def _item(self, row: DependencyRow, follows: bool) -> QListWidgetItem:
        other = row.source_title if follows else row.dependent_title
        followed = row.followed_label or self.tr("なし")
        lines = [f"「{other}」", self.tr("対応済みの版: {0}").format(followed)]
        if row.lagging_since is not None:
            since = date_style.shown(row.lagging_since)
            lines.append(self.tr("【追随遅れ】{0} から（追随先の最新の版: {1}）").format(
                since, row.newest_label))  # fmt: skip
        item = QListWidgetItem("\n".join(lines))
        item.setData(ROW_ROLE, row)
        item.setToolTip(row.notes or other)
        if row.lagging_since is not None:
            background, foreground = ALERT_COLORS["error"]
            item.setBackground(QBrush(background))
            item.setForeground(QBrush(foreground))
        return item

    def _open(self, item: QListWidgetItem) -> None:
        row = item.data(ROW_ROLE)
        if row is not None:
            other = row.source_id if row.dependent_id == self.regulation_id else row.dependent_id
            self.open_regulation.emit(other)

    def _update_enabled(self) -> None:
        row = self.current()
        owned = self.regulation_id is not None
        self.add_button.setEnabled(owned)
        self.remove_button.setEnabled(owned and row is not None)
        self.followed_button.setEnabled(owned and row is not None
                                        and row.lagging_since is not None)  # fmt: skip


class DependencyDialog(QDialog):
    """A rule this one follows (or one that follows it), chosen from the register;
    ``saved(dependency_id)`` once written. A refusal (a circle, a pair already there)
    is shown in the dialog, which stays open."""

    saved = Signal(int)
    loaded = Signal()

    def __init__(
        self, ctx: AppContext, regulation_id: int, title: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.regulation_id = ctx, regulation_id
        self.setWindowTitle(self.tr("追随関係の追加 — {0}").format(title))
        self.relation = QComboBox(self)
        self.relation.addItem(self.tr("この規程が従う（追随先）"), "follows")
        self.relation.addItem(self.tr("この規程に従う（追随する規程）"), "followed")
        self.rule = narrow_combo(QComboBox(self), chars=24)
        self.followed = QComboBox(self)
        self.followed.addItem(self.tr("現行の版に対応済み"), CURRENT)
        self.followed.addItem(self.tr("まだ対応していない（すべての改定に遅れている）"), None)
        self.notes = QLineEdit(self)
        heading = QLabel(self.tr("「{0}」").format(title), self)
        heading.setWordWrap(True)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("関係"), self.relation)
        form.addRow(self.tr("法令・規程"), self.rule)
        form.addRow(self.tr("対応状況"), self.followed)
        form.addRow(self.tr("備考"), self.notes)
        self.message = message_label(QLabel(self))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.buttons.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(560, 280)
        ctx.jobs.read(_rules, regulation_id, owner=self, on_result=self._fill,
                      on_error=lambda exc: self._say(refusal_text(exc, "処理できませんでした")),
                      name="regulation-choices")  # fmt: skip

    def choose(self, regulation_id: int) -> None:
        self.rule.setCurrentIndex(self.rule.findData(regulation_id))

    def _fill(self, rules: list[Choice]) -> None:
        for choice in rules:
            self.rule.addItem(choice.name, choice.id)
            self.rule.setItemData(self.rule.count() - 1, choice.name,
                                  Qt.ItemDataRole.ToolTipRole)  # fmt: skip
        self.buttons.setEnabled(True)
        self.loaded.emit()

    def save(self) -> None:
        other = self.rule.currentData()
        if other is None:
            self._say(self.tr("法令・規程を選んでください。"))
            return
        own, today = self.regulation_id, self.ctx.today()
        follows = self.relation.currentData() == "follows"
        dependent, source = (own, other) if follows else (other, own)
        followed, notes = self.followed.currentData(), self.notes.text()

        def work(session: Session) -> int:
            return svc.add_dependency(session, dependent, source, today=today,
                                      followed_version_id=followed, notes=notes).id  # fmt: skip

        self.buttons.setEnabled(False)
        self.ctx.jobs.write(work, owner=self, on_result=self._done, on_error=self._refused,
                            name="regulation-dependency-add")  # fmt: skip

    def _done(self, dependency_id: int) -> None:
        self.buttons.setEnabled(True)
        self.saved.emit(dependency_id)
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self._say(refusal_text(exc, "処理できませんでした"))

    def _say(self, text: str) -> None:
        say(self.message, text, error=True)
