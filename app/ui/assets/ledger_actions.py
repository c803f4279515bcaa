"""The 取込・出力 menu of the asset ledger: import wizard, exports of the current view,
and label sheets for the selection or the whole view."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from app.ui.context import AppContext
from app.ui.jobs import Job


# Thin wrappers: export_actions pulls in reportlab and the XLSX writer, which the
# ledger does not need until one of these is chosen (start-up time).
def export_view(parent: QWidget, ctx: AppContext, ids: Sequence[int], layout: str) -> Job | None:
    from app.ui.assets import export_actions

    return export_actions.export_view(parent, ctx, ids, layout)


def print_labels(parent: QWidget, ctx: AppContext, ids: Sequence[int]) -> Job | None:
    from app.ui.assets import export_actions

    return export_actions.print_labels(parent, ctx, ids)


class LedgerActionsButton(QToolButton):
    """A drop-down button; asks the ledger for ids only when an action is chosen."""

    def __init__(
        self,
        ctx: AppContext,
        ids_in_view: Callable[[], Sequence[int]],
        selected_ids: Callable[[], Sequence[int]],
        open_import: Callable[[], None] | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._ids_in_view = ids_in_view
        self._selected_ids = selected_ids
        self.setText(self.tr("取込・出力"))
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self)
        if open_import is not None:
            menu.addAction(self.tr("台帳ファイルを取り込む（CSV / Excel）…"), open_import)
            menu.addSeparator()
        menu.addAction(self.tr("表示中の資産を書き出す（資産台帳）…"), self.export_ledger)
        menu.addAction(self.tr("表示中の資産を書き出す（情報資産台帳）…"), self.export_security)
        menu.addSeparator()
        menu.addAction(self.tr("選択した資産のラベルを印刷…"), self.labels_for_selection)
        menu.addAction(self.tr("表示中の資産のラベルを印刷…"), self.labels_for_view)
        self.setMenu(menu)

    def export_ledger(self) -> None:
        export_view(self.window(), self.ctx, list(self._ids_in_view()), "ledger")

    def export_security(self) -> None:
        export_view(self.window(), self.ctx, list(self._ids_in_view()), "security")

    def labels_for_selection(self) -> None:
        """Labels of every selected row (Shift / Ctrl to choose several)."""
        print_labels(self.window(), self.ctx, list(self._selected_ids()))

    def labels_for_view(self) -> None:
        print_labels(self.window(), self.ctx, list(self._ids_in_view()))
