"""A read-only view of any record, made from its kind's declaration (app.store.kinds).

Used for a record whose area has no page yet (a notice, a task, a runbook …) and for any
kind no view opens: every field the kind declares, with coded values as their labels,
dates in 和暦 and 西暦, and references to other records as their titles — each a link
that asks the main window to open that record (``record_requested``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from app import jdate
from app.store.kind_index import kind_by_code, model_by_code, model_by_table, title_of
from app.ui.context import AppContext


@dataclass(frozen=True)
class FieldShown:
    label: str
    text: str
    link: tuple[str, int] | None = None  # (kind code, id) of a referenced record


@dataclass(frozen=True)
class RecordShown:
    title: str
    fields: list[FieldShown]
    missing: bool = False


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{jdate.to_wareki(value)}（{value.isoformat()}）"
    return "" if value is None else str(value)


def read_record(session: Session, code: str, record_id: int) -> RecordShown:
    """What the dialog shows of record ``record_id`` of kind ``code`` (worker thread)."""
    model = model_by_code(code)
    kind = kind_by_code(code)
    record = session.get(model, record_id)
    if record is None:
        return RecordShown("", [], missing=True)
    columns = inspect(model).columns
    shown: list[FieldShown] = []
    for name, label in kind.fields.items():
        value = getattr(record, name, None)
        column = columns.get(name)
        target = next(iter(column.foreign_keys), None) if column is not None else None
        if target is not None and value is not None:
            other = model_by_table(target.column.table.name)
            if other is not None and "__kind__" in vars(other):
                referenced = session.get(other, value)
                text = title_of(referenced) if referenced is not None else f"（ID {value}）"
                shown.append(FieldShown(label, text, (other.__kind__.code, value)))
                continue
        if name in kind.values:
            shown.append(FieldShown(label, kind.value_label(name, value)))
        else:
            shown.append(FieldShown(label, _text(value)))
    return RecordShown(title_of(record), shown)


class RecordDialog(QDialog):
    """Shows one record read-only; links open the records it refers to."""

    record_requested = Signal(str, int)
    loaded = Signal()

    def __init__(self, ctx: AppContext, code: str, record_id: int, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.kind = kind_by_code(code)
        self.setWindowTitle(self.tr("{0}（閲覧）").format(self.kind.label))
        self.resize(560, 520)
        self.heading = QLabel(self.tr("読み込み中…"), self)
        self.heading.setObjectName("viewHeading")
        self.heading.setWordWrap(True)
        self.note = QLabel(
            self.tr("この種類の記録を編集する画面はまだありません。内容の確認だけができます。"),
            self,
        )
        self.note.setWordWrap(True)
        self.form_host = QWidget(self)
        self.form = QFormLayout(self.form_host)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form_host)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.note)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        ctx.jobs.read(
            read_record,
            code,
            record_id,
            on_result=self._show,
            on_error=lambda exc: self.heading.setText(str(exc)),
        )
        self._record_id = record_id

    def _show(self, shown: RecordShown) -> None:
        if shown.missing:
            self.heading.setText(
                self.tr("{0}（ID {1}）は見つかりません。削除された可能性があります。").format(
                    self.kind.label, self._record_id
                )
            )
            self.loaded.emit()
            return
        self.heading.setText(shown.title or self.tr("{0}（ID {1}）").format(
            self.kind.label, self._record_id))  # fmt: skip
        for field in shown.fields:
            value = QLabel(self.form_host)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
            if field.link is not None:
                code, ref = field.link
                value.setText(f'<a href="{code}:{ref}">{_escape(field.text)}</a>')
                value.linkActivated.connect(self._follow)
            else:
                value.setText(_escape(field.text) or "—")
            self.form.addRow(field.label, value)
        self.loaded.emit()

    def _follow(self, href: str) -> None:
        code, _, ref = href.partition(":")
        self.record_requested.emit(code, int(ref))


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")
    )
