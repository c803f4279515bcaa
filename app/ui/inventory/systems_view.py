"""The 業務システム page: each system's vendor, 標準化対象業務, 特定移行支援 status and
deadline, and how many servers and contracts are linked to it."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from app.services.inventory.systems import SystemRow, load_system_rows
from app.store.models import BusinessSystem
from app.store.vocab import SEGMENTS, TOKUTEI_REASONS
from app.ui.context import AppContext
from app.ui.inventory.record_view import RecordListView
from app.ui.inventory.rows_model import RowColumn
from app.ui.inventory.system_editor import SystemEditor
from app.ui.translations import QT_TRANSLATE_NOOP

CTX = "SystemsView"


def _tokutei(row: SystemRow) -> str:
    if not row.tokutei_iko:
        return ""
    return f"○ {row.tokutei_reason}" if row.tokutei_reason else "○"


class SystemsView(RecordListView):
    view_key = "systems"
    title = "業務システム"
    record_model = BusinessSystem
    # Vendor, department and 標準化対象業務 names, asset and contract counts.
    shows = frozenset({"vendor", "department", "asset", "contract", "standard_business"})
    noun = "業務システム"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        columns = [
            RowColumn(QT_TRANSLATE_NOOP(CTX, "システム名"), lambda r: r.name),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "標準化対象業務"), lambda r: r.standard_business),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "ベンダー"), lambda r: r.vendor_name),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "所管部署"), lambda r: r.department_name),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "区分"), lambda r: SEGMENTS.get(r.segment or "", "")),
            RowColumn(
                QT_TRANSLATE_NOOP(CTX, "特定移行支援"),
                _tokutei,
                tooltip=lambda r: TOKUTEI_REASONS.get(r.tokutei_reason or 0, ""),
            ),
            RowColumn(
                QT_TRANSLATE_NOOP(CTX, "移行期限"),
                lambda r: r.tokutei_deadline,
                "date",
                alert=lambda r: self._deadline_alert(r),
            ),
            RowColumn(
                QT_TRANSLATE_NOOP(CTX, "移行予定日"), lambda r: r.migration_planned_on, "date"
            ),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "関連機器"), lambda r: r.server_count, "int"),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "契約"), lambda r: r.contract_count, "int"),
        ]
        editor = SystemEditor(ctx)
        super().__init__(ctx, columns, editor, parent)
        self.system_editor = editor
        self.table.fit_columns((260, 110, 150, 90, 150, 80, 160, 160, 50))
        editor.open_asset.connect(lambda i: self.record_requested.emit("asset", i))
        editor.open_contract.connect(lambda i: self.record_requested.emit("contract", i))

    @staticmethod
    def load_rows(session: Session, today: date) -> tuple[list[Any], Any]:
        return load_system_rows(session), today

    def _deadline_alert(self, row: SystemRow) -> str | None:
        if row.tokutei_deadline is None or self.extra is None:
            return None
        return "error" if row.tokutei_deadline < self.extra else None
