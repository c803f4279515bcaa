"""A plain page for an area whose screens are not built yet: says so, shows real counts
(read again when a write touched one of its kinds)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.store.changes import Changes
from app.store.kind_index import kind_of
from app.ui.context import AppContext
from app.ui.views.base import View


def _count_rows(session: Session, models: list[tuple[str, type]]) -> list[tuple[str, int]]:
    return [
        (label, int(session.execute(select(func.count()).select_from(m)).scalar_one()))
        for label, m in models
    ]


class NotBuiltView(View):
    def __init__(
        self,
        ctx: AppContext,
        key: str,
        title: str,
        description: str,
        models: list[tuple[str, type]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, parent)
        self.view_key = key
        self.title = title
        self._models = models
        self._loaded = False
        layout = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setObjectName("viewHeading")
        layout.addWidget(heading)
        note = QLabel(
            self.tr("この画面はまだ作られていません。今後の版で追加します。") + "\n" + description
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self._counts = QLabel(self.tr("件数を読み込み中…"))
        self._counts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self._counts)
        layout.addStretch(1)
        ctx.jobs.watch(self, {kind_of(m).code for _label, m in models}, self._data_changed)

    def activate(self) -> None:
        if self._loaded:
            self.ready.emit()
            return
        self.ctx.jobs.read(
            _count_rows,
            self._models,
            owner=self,
            key="counts",
            on_result=self._show,
            on_error=self._failed,
        )

    def _data_changed(self, _changes: Changes) -> None:
        self._loaded = False  # read again when shown (now, if it is)
        if self.isVisible():
            self.activate()

    def _show(self, counts: list[tuple[str, int]]) -> None:
        self._loaded = True
        text = "\n".join(self.tr("{0}: {1:,} 件").format(label, n) for label, n in counts)
        self._counts.setText(
            self.tr("データベースにある件数（検索ボックスから検索できます）:") + "\n" + text
        )
        self.ready.emit()

    def _failed(self, exc: BaseException) -> None:
        self._counts.setText(self.tr("件数を読み込めませんでした: {0}").format(exc))
        self.ready.emit()
