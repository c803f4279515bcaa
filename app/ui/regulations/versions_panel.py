"""The 改定履歴 tab of a rule: its versions newest first, each with its state today (現行 /
施行予定 / 旧版), its dates and the notice that announced it, and — on a rule others
follow — how many of them were not brought in line with it yet. A version is added,
edited or deleted here (VersionDialog), and the tasks to bring the followers in line
with a version are proposed from here (TaskProposalsDialog)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.services.regulations import register as svc
from app.services.regulations.dependencies import dependency_rows
from app.services.regulations.register import VersionRow
from app.services.regulations.versions import newer_than
from app.ui import date_style
from app.ui.alert_colors import ALERT_COLORS
from app.ui.context import AppContext
from app.ui.regulations.feedback import message_label, refusal_text, say
from app.ui.regulations.task_proposals import TaskProposalsDialog
from app.ui.regulations.version_dialog import VersionDialog

ROW_ROLE = int(Qt.ItemDataRole.UserRole)


@dataclass(frozen=True)
class History:
    """A rule's versions (newest first), how many followers lag behind each version
    (by version id) and how many rules follow it at all."""

    versions: list[VersionRow]
    behind: dict[int, int]
    followers: int


def read_history(session: Session, regulation_id: int, today: date) -> History:
    versions = svc.version_history(session, regulation_id, today)
    followers = [d for d in dependency_rows(session, regulation_id) if d.source_id == regulation_id]
    behind: dict[int, int] = {}
    for dependency in followers:
        for version in newer_than(versions, dependency.followed_version_id):
            behind[version.id] = behind.get(version.id, 0) + 1
    return History(versions, behind, len(followers))


def _delete(session: Session, version_id: int) -> None:
    svc.delete_version(session, version_id)


class VersionsPanel(QWidget):
    """``loaded`` after the versions were shown; ``tasks_made(ids)`` after tasks to
    bring followers in line were created."""

    loaded = Signal()
    tasks_made = Signal(list)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.regulation_id: int | None = None
        self.regulation_title = ""
        self.history = History([], {}, 0)
        self.dialog: VersionDialog | TaskProposalsDialog | None = None  # the last one opened
        self._pending: int | None = None  # a version to select once the list is read
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSpacing(1)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)  # wrapped again when resized
        self.list.setMinimumHeight(self.fontMetrics().height() * 6)
        self.add_button = QPushButton(self.tr("改定を追加…"), self)
        self.edit_button = QPushButton(self.tr("編集…"), self)
        self.delete_button = QPushButton(self.tr("削除"), self)
        self.tasks_button = QPushButton(self.tr("追随する規程の改定タスクを作成…"), self)
        self.tasks_button.setToolTip(
            self.tr("選んだ改定に追随していない規程ごとに、改定のタスクを作成します")
        )
        self.message = message_label(QLabel(self))
        self.hint = QLabel(self.tr("保存すると改定を登録できます。"), self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        tasks = QHBoxLayout()
        tasks.addWidget(self.tasks_button)
        tasks.addStretch(1)
        layout.addLayout(tasks)
        layout.addWidget(self.message)
        layout.addWidget(self.hint)
        self.add_button.clicked.connect(lambda: self.edit(None))
        self.edit_button.clicked.connect(lambda: self.edit(self.current()))
        self.delete_button.clicked.connect(self.delete_current)
        self.tasks_button.clicked.connect(self.propose_tasks)
        self.list.itemDoubleClicked.connect(lambda _item: self.edit(self.current()))
        self.list.currentRowChanged.connect(lambda _row: self._update_enabled())
        self.set_owner(None, "")

    # --- public ------------------------------------------------------------------------

    def set_owner(self, regulation_id: int | None, title: str) -> None:
        if regulation_id != self.regulation_id:
            self.say("")
        self.regulation_id, self.regulation_title = regulation_id, title
        self.ctx.jobs.drop(self, "history")
        self.hint.setVisible(regulation_id is None)
        if regulation_id is None:
            self.history = History([], {}, 0)
            self._show(self.history)
        else:
            self.refresh()

    def refresh(self) -> None:
        if self.regulation_id is None:
            return
        self.ctx.jobs.read(
            read_history, self.regulation_id, self.ctx.today(), owner=self, key="history",
            on_result=self._show, name="regulation-history",
            on_error=lambda exc: self.say(self.tr("読み込めませんでした: {0}").format(exc),
                                          error=True),
        )  # fmt: skip

    def select_version(self, version_id: int) -> None:
        """Select ``version_id`` now if it is listed, else when the list is next read."""
        if not self._select(version_id):
            self._pending = version_id

    def current(self) -> VersionRow | None:
        item = self.list.currentItem()
        return None if item is None else item.data(ROW_ROLE)

    def tab_title(self) -> str:
        count = len(self.history.versions)
        return self.tr("改定履歴（{0}）").format(count) if count else self.tr("改定履歴")

    def edit(self, row: VersionRow | None) -> VersionDialog | None:
        """The dialog of a new version (None) or of ``row``."""
        if self.regulation_id is None:
            return None
        dialog = VersionDialog(self.ctx, self.regulation_id, self.regulation_title, row, self)
        dialog.saved.connect(self._saved)
        self._replace_dialog(dialog)
        dialog.open()
        return dialog

    def delete_current(self) -> None:
        row = self.current()
        if row is None:
            return
        answer = QMessageBox.question(
            self, self.tr("改定の削除"),
            self.tr("「{0}」の改定「{1}」を削除しますか？\nこの改定に対応済みだった規程は、"
                    "その前の版に対応済みとして扱います。").format(
                self.regulation_title, row.label),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )  # fmt: skip
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.ctx.jobs.write(
            _delete, row.id, owner=self, name="regulation-version-delete",
            on_result=lambda _r: self.say(self.tr("改定「{0}」を削除しました。").format(row.label)),
            on_error=self._refused,
        )  # fmt: skip

    def propose_tasks(self) -> TaskProposalsDialog | None:
        row = self.current()
        if row is None:
            return None
        dialog = TaskProposalsDialog(self.ctx, row.id, self.regulation_title, row.label, self)
        dialog.created.connect(self.tasks_made)
        self._replace_dialog(dialog)
        dialog.open()
        return dialog

    def say(self, text: str, *, error: bool = False) -> None:
        say(self.message, text, error=error)

    # --- internals ---------------------------------------------------------------------

    def _replace_dialog(self, dialog: VersionDialog | TaskProposalsDialog) -> None:
        if self.dialog is not None:  # one at a time: the last one is done with
            self.dialog.deleteLater()
        self.dialog = dialog

    def _saved(self, version_id: int) -> None:
        self.say(self.tr("改定を保存しました。"))
        self._pending = version_id  # selected when the list is read again

    def _refused(self, exc: BaseException) -> None:
        self.say(refusal_text(exc, self.tr("削除できませんでした")), error=True)

    def _show(self, history: History) -> None:
        chosen = self.current()
        wanted = self._pending if self._pending is not None else (chosen.id if chosen else None)
        self.history = history
        self.list.clear()
        for row in history.versions:
            self.list.addItem(self._item(row, history.behind.get(row.id, 0)))
        if wanted is not None and self._select(wanted):
            self._pending = None
        self.tasks_button.setVisible(history.followers > 0)
        self._update_enabled()
        self.loaded.emit()

    def _item(self, row: VersionRow, behind: int) -> QListWidgetItem:
        dates = [
            f"公布・改定日 {date_style.shown(row.revised_on)}" if row.revised_on else "",
            f"施行日 {date_style.shown(row.effective_on)}" if row.effective_on else "",
        ]
        lines = [f"【{row.state}】{row.label}", "　".join(d for d in dates if d)]
        if row.notice_title:
            lines.append(self.tr("通知: {0}").format(row.notice_title))
        if behind:
            lines.append(self.tr("【追随遅れ】この改定に追随していない規程 {0} 件").format(behind))
        item = QListWidgetItem("\n".join(lines))
        item.setData(ROW_ROLE, row)
        tips = [f"{name}:\n{text}" for name, text in (("改定内容", row.changes),
                ("求められる対応", row.requirements)) if text]  # fmt: skip
        item.setToolTip("\n\n".join(tips) or row.label)
        level = "error" if behind else {"施行予定": "warn", "旧版": "muted"}.get(row.state)
        if level is not None:
            background, foreground = ALERT_COLORS[level]
            if level != "muted":  # old versions: grey text on the alternating rows
                item.setBackground(QBrush(background))
            item.setForeground(QBrush(foreground))
        if row.state == "現行":
            font = QFont(self.list.font())
            font.setBold(True)
            item.setFont(font)
        return item

    def _select(self, version_id: int) -> bool:
        for n in range(self.list.count()):
            if self.list.item(n).data(ROW_ROLE).id == version_id:
                self.list.setCurrentRow(n)
                self.list.scrollToItem(self.list.item(n))
                return True
        return False

    def _update_enabled(self) -> None:
        row = self.current()
        owned = self.regulation_id is not None
        self.add_button.setEnabled(owned)
        self.edit_button.setEnabled(owned and row is not None)
        self.delete_button.setEnabled(owned and row is not None)
        lagging = row is not None and self.history.behind.get(row.id, 0) > 0
        self.tasks_button.setEnabled(owned and lagging)
