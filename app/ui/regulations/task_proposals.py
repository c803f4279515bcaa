"""The tasks to bring the rules that follow a rule in line with one of its versions: one
proposal per follower not in line with it yet (app.services.regulations.dependencies.
propose_tasks), each with a check box, its title to edit and a due date (和暦 or 西暦).
The checked ones are created in one write, linked to both rules and the version's
notice; a refusal names the item at fault and nothing is created. A proposal whose
title a task of the follower has already starts unchecked."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.errors import UserError
from app.services.errors import ValidationError
from app.services.regulations.dependencies import TaskProposal, create_tasks, propose_tasks
from app.ui import date_style
from app.ui.alert_colors import ALERT_COLORS
from app.ui.context import AppContext
from app.ui.widgets.date_edit import JDateEdit
from app.ui.widgets.styles import ERROR_STYLE

WARN_STYLE = f"color: {ALERT_COLORS['warn'][1].name()};"


@dataclass
class ProposalRow:
    """The inputs of one proposal."""

    proposal: TaskProposal
    check: QCheckBox
    title: QLineEdit
    due: JDateEdit
    note: QLabel

    def chosen(self) -> tuple[TaskProposal, Any]:
        return replace(self.proposal, title=self.title.text().strip()), self.due.text()


def _create(session: Session, chosen: list[tuple[TaskProposal, Any]]) -> list[int]:
    return create_tasks(session, chosen)


class TaskProposalsDialog(QDialog):
    """``created(ids)`` once the tasks were written (then the dialog closes)."""

    created = Signal(list)
    loaded = Signal()

    def __init__(
        self,
        ctx: AppContext,
        version_id: int,
        regulation_title: str,
        version_label: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[ProposalRow] = []
        self.setWindowTitle(self.tr("追随する規程の改定タスク"))
        self.heading = QLabel(
            self.tr("「{0}」の{1}に追随していない規程です。作成するタスクにチェックを付け、"
                    "件名と期限を確かめてください。").format(regulation_title, version_label),
            self,
        )  # fmt: skip
        self.heading.setWordWrap(True)
        self.host = QWidget(self)
        self.host_layout = QVBoxLayout(self.host)
        self.host_layout.addWidget(QLabel(self.tr("読み込み中…"), self.host))
        self.host_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.host)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.create_button = QPushButton(self.tr("タスクを作成"), self)
        self.create_button.setEnabled(False)
        self.buttons.addButton(self.create_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.make_tasks)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(640, 480)
        ctx.jobs.read(propose_tasks, version_id, owner=self, on_result=self._show,
                      on_error=self._refused, name="regulation-task-proposals")  # fmt: skip

    def _show(self, proposals: list[TaskProposal]) -> None:
        while self.host_layout.count():
            item = self.host_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        if not proposals:
            self.host_layout.addWidget(
                QLabel(self.tr("この改定に追随していない規程はありません。"), self.host)
            )
        for proposal in proposals:
            self.host_layout.addWidget(self._proposal_box(proposal))
        self.host_layout.addStretch(1)
        self.create_button.setEnabled(bool(proposals))
        self.loaded.emit()

    def _proposal_box(self, proposal: TaskProposal) -> QFrame:
        box = QFrame(self.host)
        box.setFrameShape(QFrame.Shape.StyledPanel)
        check = QCheckBox(self.tr("「{0}」").format(proposal.dependent_title), box)
        check.setToolTip(proposal.body)
        since = QLabel(self.tr("{0} から追随遅れ").format(date_style.shown(proposal.since)), box)
        title = QLineEdit(proposal.title, box)
        title.setCursorPosition(0)
        title.setToolTip(proposal.body)
        due = JDateEdit(box, today=self.ctx.today())
        note = QLabel(box)
        note.setStyleSheet(WARN_STYLE)
        note.setWordWrap(True)
        if proposal.existing_task_ids:
            ids = "、".join(str(i) for i in proposal.existing_task_ids)
            note.setText(self.tr("同じ件名のタスクがあります（ID {0}）").format(ids))
        note.setVisible(bool(proposal.existing_task_ids))
        check.setChecked(not proposal.existing_task_ids)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("件名"), title)
        form.addRow(self.tr("期限"), due)
        layout = QVBoxLayout(box)
        layout.addWidget(check)
        layout.addWidget(since)
        layout.addLayout(form)
        layout.addWidget(note)
        row = ProposalRow(proposal, check, title, due, note)
        check.toggled.connect(lambda on: self._enable(row, on))
        self._enable(row, check.isChecked())
        self.rows.append(row)
        return box

    def _enable(self, row: ProposalRow, on: bool) -> None:
        row.title.setEnabled(on)
        row.due.setEnabled(on)

    def make_tasks(self) -> None:
        chosen = [row.chosen() for row in self.rows if row.check.isChecked()]
        if not chosen:
            self._say(self.tr("作成するタスクにチェックを付けてください。"))
            return
        self.create_button.setEnabled(False)
        self.ctx.jobs.write(_create, chosen, owner=self, on_result=self._done,
                            on_error=self._refused, name="regulation-tasks")  # fmt: skip

    def _done(self, ids: list[int]) -> None:
        self.created.emit(ids)
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.create_button.setEnabled(bool(self.rows))
        if isinstance(exc, ValidationError):
            self._say("\n".join(f"{e.label}: {e.message}" for e in exc.errors))
        elif isinstance(exc, UserError):
            self._say(str(exc))
        else:
            self._say(self.tr("タスクを作成できませんでした: {0}").format(exc))

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
