"""The タスク tab of 作業ログ: what is open (overdue first, in red), completing a task
(with its work-log entry when the officer wants one), a new or edited task, and the
year's recurring work — generating a 年度's occurrences and adopting the starter set of
a municipal IT desk's yearly work."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app import jdate
from app.services.errors import ValidationError
from app.services.tasks import tasks as svc
from app.services.tasks.completion import complete_task
from app.services.tasks.series import generate_fiscal_year
from app.services.tasks.starter import adopt_starter, load_starter
from app.services.tasks.tasks import TaskRow
from app.store.vocab import TASK_PRIORITIES, TASK_STATUSES
from app.ui.context import AppContext
from app.ui.inventory.rows_model import RowColumn, RowsTableModel, RowsTableView
from app.ui.translations import QT_TRANSLATE_NOOP
from app.ui.widgets.date_edit import JDateEdit
from app.ui.widgets.styles import ERROR_STYLE
from app.ui.worklog.closures_dialog import ClosuresDialog

CTX = "TasksPage"


class TasksPage(QWidget):
    record_requested = Signal(str, int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        today = ctx.today()

        def alert(row: TaskRow) -> str | None:
            if row.overdue(today):
                return "error"
            return "muted" if row.status == "done" else None

        def cell(header: str, value: Any, kind: str = "text", **more: Any) -> RowColumn:
            return RowColumn(header, value, kind, **more)

        self.model = RowsTableModel(
            [
                cell(QT_TRANSLATE_NOOP(CTX, "期限"), lambda r: r.due_date, "date", alert=alert),
                cell(QT_TRANSLATE_NOOP(CTX, "件名"), lambda r: r.title),
                cell(QT_TRANSLATE_NOOP(CTX, "状態"), lambda r: TASK_STATUSES.get(r.status)),
                cell(QT_TRANSLATE_NOOP(CTX, "優先度"), lambda r: TASK_PRIORITIES.get(r.priority)),
                cell(QT_TRANSLATE_NOOP(CTX, "繰り返し"), lambda r: r.recurring, "bool"),
                cell(QT_TRANSLATE_NOOP(CTX, "完了日"), lambda r: r.completed_on, "date"),
            ],
            self,
            context=CTX,
        )
        self.table = RowsTableView(self.model, self)
        self.table.fit_columns((165, 420, 80, 70, 80, 165), stretch=1)
        self.shown = QComboBox(self)
        for code, label in svc.SHOWN.items():
            self.shown.addItem(self.tr(label), code)
        self.new_button = QPushButton(self.tr("新規タスク…"), self)
        self.done_button = QPushButton(self.tr("完了にする…"), self)
        self.generate_button = QPushButton(self.tr("年度の定例タスクを作成…"), self)
        self.starter_button = QPushButton(self.tr("定例作業の雛形…"), self)
        self.closures_button = QPushButton(self.tr("休業日…"), self)
        self.closures_button.setToolTip(self.tr("期限を開庁日に合わせるときに休む日。祝日は自動"))
        self.status = QLabel(self)  # how many, how many overdue (read with the list)
        self.note = QLabel(self)  # what the last action did (kept across reloads)
        self.note.setWordWrap(True)
        bar = QHBoxLayout()
        for widget in (self.new_button, self.done_button, self.shown):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.generate_button)
        bar.addWidget(self.starter_button)
        bar.addWidget(self.closures_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status)
        status_row.addWidget(self.note, 1)
        layout.addLayout(status_row)
        layout.addWidget(self.table, 1)
        self.shown.currentIndexChanged.connect(lambda _i: self.reload())
        self.new_button.clicked.connect(lambda: self.edit(None))
        self.done_button.clicked.connect(self.complete_current)
        self.generate_button.clicked.connect(self.generate_year)
        self.starter_button.clicked.connect(self.adopt)
        self.closures_button.clicked.connect(self.edit_closures)
        self.table.record_activated.connect(self.edit)

    def reload(self) -> None:
        self.ctx.jobs.read(svc.list_tasks, self.shown.currentData(), owner=self, key="list",
                           on_result=self._show, on_error=self._failed,
                           name="tasks-list")  # fmt: skip

    def _show(self, rows: list[TaskRow]) -> None:
        self.model.set_rows(rows)
        today = self.ctx.today()
        overdue = sum(1 for r in rows if r.overdue(today))
        text = self.tr("{0:,} 件").format(len(rows))
        if overdue:
            text += self.tr("（期限切れ {0:,} 件）").format(overdue)
        self.status.setText(text)

    def _say(self, text: str) -> None:
        self.note.setStyleSheet("")
        self.note.setText(text)

    def _failed(self, exc: BaseException) -> None:
        self.note.setStyleSheet(ERROR_STYLE)
        self.note.setText(str(exc))

    def current(self) -> TaskRow | None:
        row = self.model.row_for_id(self.table.selected_id())
        return None if row is None else self.model.row_object(row)

    # --- actions -----------------------------------------------------------------------

    def edit(self, task_id: int | None) -> None:
        dialog = TaskDialog(self.ctx, task_id, self)
        dialog.saved.connect(lambda _id: self._say(self.tr("保存しました。")))
        dialog.open()

    def complete_current(self) -> None:
        row = self.current()
        if row is None or row.status == "done":
            return
        minutes, ok = QInputDialog.getInt(
            self, self.tr("タスクの完了"),
            self.tr("「{0}」を完了にします。作業ログにも記録する場合は作業時間（分）を入力してください"
                    "（0: 作業ログに記録しない）:").format(row.title), 0, 0, 24 * 60,
        )  # fmt: skip
        if not ok:
            return
        today = self.ctx.today()

        def work(session: Session) -> None:
            complete_task(session, row.id, today, log=minutes > 0, minutes=minutes or None)

        self.ctx.jobs.write(
            work, owner=self, name="task-complete", on_error=self._failed,
            on_result=lambda _r: self._say(
                self.tr("「{0}」を完了にしました{1}。").format(
                    row.title, self.tr("（作業ログに記録）") if minutes else "")),
        )  # fmt: skip

    def generate_year(self) -> None:
        this_year = jdate.fiscal_year(self.ctx.today())
        years = [jdate.fiscal_year_label(fy) for fy in (this_year, this_year + 1)]
        chosen, ok = QInputDialog.getItem(
            self, self.tr("年度の定例タスク"),
            self.tr("有効な繰り返しルールから、この年度のタスクを作成します（作成済みのものは"
                    "そのまま）:"), years, 0, False,
        )  # fmt: skip
        if not ok:
            return
        fy = this_year + years.index(chosen)
        self.ctx.jobs.write(
            lambda session: generate_fiscal_year(session, None, fy), owner=self,
            name="tasks-generate", on_error=self._failed,
            on_result=lambda r: self._say(
                self.tr("{0}: {1} 件を作成しました（既にあるもの {2} 件）").format(
                    chosen, len(r.created), r.existing)),
        )  # fmt: skip

    def adopt(self) -> None:
        dialog = StarterDialog(self.ctx, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        titles, fy = dialog.chosen(), jdate.fiscal_year(self.ctx.today())
        self.ctx.jobs.write(
            lambda session: adopt_starter(session, fy, chosen=titles), owner=self,
            name="tasks-starter", on_error=self._failed,
            on_result=lambda r: self._say(
                self.tr("定例作業 {0} 件を登録し、{1} のタスクを {2} 件作成しました"
                        "（登録済み {3} 件）").format(
                    len(r.created), jdate.fiscal_year_label(fy), len(r.generation.created),
                    len(r.already))),
        )  # fmt: skip

    def edit_closures(self) -> ClosuresDialog:
        dialog = ClosuresDialog(self.ctx, self)
        dialog.saved.connect(
            lambda closures: self._say(
                self.tr("休業日を保存しました（{0}）").format(
                    "、".join(str(r) for r in closures) or self.tr("土日・祝日のみ")))
        )  # fmt: skip
        dialog.open()
        return dialog


class StarterDialog(QDialog):
    """The starter set of a municipal IT desk's yearly work, to adopt item by item."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("定例作業の雛形"))
        self.list = QListWidget(self)
        for item in load_starter():
            entry = QListWidgetItem(item.title)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(Qt.CheckState.Checked)
            entry.setToolTip(str(item.values.get("body", "")))
            self.list.addItem(entry)
        note = QLabel(self.tr("チェックした作業を繰り返しタスクとして登録し、今年度のタスクを"
                              "作成します。登録済みの作業はそのままです。"), self)  # fmt: skip
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(520, 480)

    def chosen(self) -> list[str]:
        return [
            self.list.item(i).text()
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]


class TaskDialog(QDialog):
    """A new task, or one to edit; saved in one write, refusals shown under the form."""

    saved = Signal(int)

    def __init__(self, ctx: AppContext, task_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.task_id = ctx, task_id
        self.setWindowTitle(self.tr("新規タスク") if task_id is None else self.tr("タスクの編集"))
        self.title_edit = QLineEdit(self)
        self.due = JDateEdit(self, today=ctx.today())
        self.status = QComboBox(self)
        for code, label in TASK_STATUSES.items():
            self.status.addItem(self.tr(label), code)
        self.priority = QComboBox(self)
        for level, name in TASK_PRIORITIES.items():
            self.priority.addItem(self.tr(name), level)
        self.priority.setCurrentIndex(self.priority.findData(2))
        self.body = QPlainTextEdit(self)
        self.body.setTabChangesFocus(True)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        form = QFormLayout()
        labels = svc.FIELD_LABELS
        form.addRow(self.tr(labels["title"]), self.title_edit)
        form.addRow(self.tr(labels["due_date"]), self.due)
        form.addRow(self.tr(labels["status"]), self.status)
        form.addRow(self.tr(labels["priority"]), self.priority)
        form.addRow(self.tr(labels["body"]), self.body)
        self.delete_box = QCheckBox(self.tr("このタスクを削除する"), self)
        self.delete_box.setVisible(task_id is not None)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.delete_box)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(480, 380)
        if task_id is not None:
            self.setEnabled(False)
            ctx.jobs.read(svc.task_values, task_id, owner=self, on_result=self._loaded,
                          on_error=lambda exc: self.message.setText(str(exc)),
                          name="task-load")  # fmt: skip

    def _loaded(self, values: dict[str, Any]) -> None:
        self.title_edit.setText(values["title"])
        self.due.setDate(values["due_date"])
        self.status.setCurrentIndex(max(0, self.status.findData(values["status"])))
        self.priority.setCurrentIndex(max(0, self.priority.findData(values["priority"])))
        self.body.setPlainText(values["body"] or "")
        self.setEnabled(True)

    def values(self) -> dict[str, Any]:
        return {
            "title": self.title_edit.text(), "due_date": self.due.text(),
            "status": self.status.currentData(), "priority": self.priority.currentData(),
            "body": self.body.toPlainText(),
        }  # fmt: skip

    def save(self) -> None:
        task_id, data, delete = self.task_id, self.values(), self.delete_box.isChecked()
        if (
            delete
            and QMessageBox.question(
                self, self.tr("タスクの削除"), self.tr("このタスクを削除しますか？")
            )
            != QMessageBox.StandardButton.Yes
        ):
            return

        def work(session: Session) -> int:
            if task_id is not None and delete:
                svc.delete_task(session, task_id)
                return task_id
            if task_id is None:
                return int(svc.create_task(session, data).id)
            return int(svc.update_task(session, task_id, data).id)

        def refused(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                self.message.setText("\n".join(f"{e.label}: {e.message}" for e in exc.errors))
            else:
                self.message.setText(str(exc))

        def done(saved_id: int) -> None:
            self.saved.emit(saved_id)
            self.accept()

        self.ctx.jobs.write(work, owner=self, on_result=done, on_error=refused, name="task-save")
