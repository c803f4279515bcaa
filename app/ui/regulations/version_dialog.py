"""One version (改定) of a rule, new or edited: its label, 公布・改定日 and 施行日 (和暦 or
西暦 as typed), what changed, what it requires of us, and the notice that announced it,
chosen by typing part of its title. Saved in one write; a refusal is shown under the
field at fault and the dialog stays open."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.errors import UserError
from app.services.errors import ValidationError
from app.services.field_input import Choice
from app.services.regulations import register as svc
from app.services.regulations.register import VersionRow
from app.services.worklog.entries import find_targets
from app.store.models import RegulationVersion
from app.ui.context import AppContext
from app.ui.inventory.record_form import FieldSpec, RecordForm
from app.ui.widgets.styles import ERROR_STYLE
from app.ui.widgets.typed_lookup import TypedLookup

L = RegulationVersion.__kind__.fields
SPECS = (
    FieldSpec("label", L["label"], required=True, placeholder="例: 令和7年3月改定 / 第2.0版"),
    FieldSpec("revised_on", L["revised_on"], "date"),
    FieldSpec("effective_on", L["effective_on"], "date"),
    FieldSpec("changes", L["changes"], "multiline"),
    FieldSpec("requirements", L["requirements"], "multiline"),
)


def _find_notices(session: Session, typed: str) -> list[Choice]:
    return find_targets(session, "notice", typed)


class NoticePicker(QWidget):
    """One notice, chosen by typing part of its title (app.ui.widgets.typed_lookup), or
    none."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.notice_id: int | None = None
        self.typed = QLineEdit(self)
        self.typed.setPlaceholderText(self.tr("件名の一部を入力して選ぶ"))
        self.lookup = TypedLookup(ctx, self.typed, _find_notices,
                                  name="regulation-version-notices")  # fmt: skip
        self.completer = self.lookup.completer
        self.chosen = QLabel(self)
        self.chosen.setWordWrap(True)
        self.clear_button = QPushButton(self.tr("外す"), self)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.chosen, 1)
        row.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.typed)
        layout.addLayout(row)
        self.lookup.taken.connect(self.choose)
        self.clear_button.clicked.connect(lambda: self.choose(None, ""))
        self.choose(None, "", quiet=True)

    def choose(self, notice_id: int | None, title: str, *, quiet: bool = False) -> None:
        self.notice_id = notice_id
        self.chosen.setText(self.tr("通知: {0}").format(title) if notice_id is not None
                            else self.tr("通知なし"))  # fmt: skip
        self.chosen.setToolTip(title)
        self.clear_button.setEnabled(notice_id is not None)
        if not quiet:
            self.changed.emit()

    def candidates(self) -> list[str]:
        return self.lookup.candidates()

    def look_up(self) -> None:
        self.lookup.look_up()


class VersionDialog(QDialog):
    """``saved(version_id)`` once the version was written (then the dialog closes)."""

    saved = Signal(int)

    def __init__(
        self,
        ctx: AppContext,
        regulation_id: int,
        regulation_title: str,
        row: VersionRow | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.regulation_id = ctx, regulation_id
        self.version_id = row.id if row is not None else None
        what = self.tr("改定の追加") if row is None else self.tr("改定の編集")
        self.setWindowTitle(f"{what} — {regulation_title}")
        self.heading = QLabel(regulation_title, self)
        self.heading.setWordWrap(True)
        self.form = RecordForm(SPECS, self, context="VersionDialog")
        self.form.form.addRow(self.tr(L["notice_id"]), self._notice_box())
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setVisible(False)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.form, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(560, 560)
        if row is not None:
            self.form.set_values({name: getattr(row, name) for name in self.form.specs})
            self.notice.choose(row.notice_id, row.notice_title, quiet=True)

    def _notice_box(self) -> QWidget:
        box = QWidget(self)
        self.notice = NoticePicker(self.ctx, box)
        self.notice_error = QLabel(box)
        self.notice_error.setStyleSheet(ERROR_STYLE)
        self.notice_error.setWordWrap(True)
        self.notice_error.setVisible(False)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(self.notice)
        layout.addWidget(self.notice_error)
        self.notice.changed.connect(lambda: self.notice_error.setVisible(False))
        return box

    def values(self) -> dict[str, Any]:
        return {**self.form.values(), "notice_id": self.notice.notice_id}

    def save(self) -> None:
        regulation_id, version_id, data = self.regulation_id, self.version_id, self.values()
        today = self.ctx.today()

        def work(session: Session) -> int:
            if version_id is None:
                return svc.add_version(session, regulation_id, data, today=today).id
            return svc.update_version(session, version_id, data, today=today).id

        self.buttons.setEnabled(False)
        self.ctx.jobs.write(work, owner=self, on_result=self._done, on_error=self._refused,
                            name="regulation-version-save")  # fmt: skip

    def _done(self, version_id: int) -> None:
        self.buttons.setEnabled(True)
        self.saved.emit(version_id)
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.form.show_errors(exc.errors)
            notice = [e.message for e in exc.errors if e.field == "notice_id"]
            self.notice_error.setText("\n".join(notice))
            self.notice_error.setVisible(bool(notice))
            text = "\n".join(f"{e.label}: {e.message}" for e in exc.errors)
        elif isinstance(exc, UserError):
            text = str(exc)
        else:
            text = self.tr("保存できませんでした: {0}").format(exc)
        self.message.setText(text)
        self.message.setVisible(True)
