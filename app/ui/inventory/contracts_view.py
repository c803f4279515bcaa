"""The 契約 page: maintenance, lease and support contracts with their ends and notice
deadlines; rows whose deadline is near (within the configured window) are flagged."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from app.services.inventory.contracts import ContractRow, load_contract_rows
from app.services.inventory.lifecycle import LifecycleWindows, load_windows
from app.store.models import Contract
from app.store.vocab import CONTRACT_KINDS
from app.ui.context import AppContext
from app.ui.inventory.contract_editor import ContractEditor
from app.ui.inventory.record_view import RecordListView
from app.ui.inventory.rows_model import RowColumn
from app.ui.translations import QT_TRANSLATE_NOOP

CTX = "ContractsView"


class ContractsView(RecordListView):
    view_key = "contracts"
    title = "契約"
    record_model = Contract
    # Vendor names, covered asset and system counts, flags by the warning windows.
    shows = frozenset({"vendor", "asset", "system", "setting"})
    noun = "契約"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        columns = [
            RowColumn(
                QT_TRANSLATE_NOOP(CTX, "件名"), lambda r: r.title, alert=lambda r: self._alert(r)
            ),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "種別"), lambda r: CONTRACT_KINDS.get(r.kind, r.kind)),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "ベンダー"), lambda r: r.vendor_name),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "開始日"), lambda r: r.start_date, "date"),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "終了日"), lambda r: r.end_date, "date"),
            RowColumn(
                QT_TRANSLATE_NOOP(CTX, "解約予告期限"),
                lambda r: r.notice_by if r.notice_days else None,
                "date",
                tooltip=lambda r: self._tooltip(r),
            ),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "自動更新"), lambda r: r.auto_renew, "bool"),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "金額"), lambda r: r.amount_yen, "money"),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "資産"), lambda r: r.asset_count, "int"),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "システム"), lambda r: r.system_count, "int"),
        ]
        editor = ContractEditor(ctx)
        super().__init__(ctx, columns, editor, parent)
        self.contract_editor = editor
        self.table.fit_columns((320, 56, 180, 160, 160, 160, 60, 110, 44))
        self.contract_editor.open_asset.connect(lambda i: self.record_requested.emit("asset", i))
        self.contract_editor.open_system.connect(lambda i: self.record_requested.emit("system", i))

    @staticmethod
    def load_rows(session: Session, today: date) -> tuple[list[Any], Any]:
        return load_contract_rows(session, today), (today, load_windows(session))

    def _alert(self, row: ContractRow) -> str | None:
        """ended: muted; notice deadline passed: error; within the window: warn."""
        if not self.extra or row.end_date is None:
            return None
        today, windows = self.extra
        assert isinstance(windows, LifecycleWindows)
        if row.end_date < today:
            return "muted"
        due = row.notice_by or row.end_date
        if due < today:
            return "error"
        if due <= today + timedelta(days=windows.contract_days):
            return "warn"
        return None

    def _tooltip(self, row: ContractRow) -> str:
        if not row.notice_days:
            return ""
        return self.tr("終了日の{0}日前までに解約・変更の申し出が必要です").format(row.notice_days)
