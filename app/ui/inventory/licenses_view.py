"""The ライセンス page: seats, assignments and expiry of each licence; over-assigned
licences in red, expiring ones flagged within the configured window."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from app.services.inventory.licenses import LicenseRow, load_license_rows
from app.services.inventory.lifecycle import load_windows
from app.store.models import License
from app.ui.context import AppContext
from app.ui.inventory.license_editor import LicenseEditor
from app.ui.inventory.record_view import RecordListView
from app.ui.inventory.rows_model import RowColumn
from app.ui.translations import QT_TRANSLATE_NOOP

CTX = "LicensesView"


class LicensesView(RecordListView):
    view_key = "licenses"
    title = "ライセンス"
    record_model = License
    # Vendor, seats in use, expiry flags by the warning windows.
    shows = frozenset({"vendor", "license_assignment", "contract", "asset", "setting"})
    noun = "ライセンス"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        columns = [
            RowColumn(QT_TRANSLATE_NOOP(CTX, "製品名"), lambda r: r.product),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "ベンダー"), lambda r: r.vendor_name),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "席数"), lambda r: r.seats, "int"),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "割当"), lambda r: r.assigned, "int"),
            RowColumn(
                QT_TRANSLATE_NOOP(CTX, "超過"),
                lambda r: r.over_by or None,
                "int",
                alert=lambda r: "error" if r.over_by else None,
                tooltip=lambda r: self._over_tip(r),
            ),
            RowColumn(
                QT_TRANSLATE_NOOP(CTX, "有効期限"),
                lambda r: r.expiry_date,
                "date",
                alert=lambda r: self._expiry_alert(r),
            ),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "契約"), lambda r: r.contract_title),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "キー"), lambda r: r.has_key, "bool"),
        ]
        editor = LicenseEditor(ctx)
        super().__init__(ctx, columns, editor, parent)
        self.license_editor = editor
        self.table.fit_columns((300, 150, 50, 50, 50, 160, 150))

    @staticmethod
    def load_rows(session: Session, today: date) -> tuple[list[Any], Any]:
        return load_license_rows(session), (today, load_windows(session))

    def _expiry_alert(self, row: LicenseRow) -> str | None:
        if not self.extra or row.expiry_date is None:
            return None
        today, windows = self.extra
        if row.expiry_date < today:
            return "error"
        if row.expiry_date <= today + timedelta(days=windows.license_days):
            return "warn"
        return None

    def _over_tip(self, row: LicenseRow) -> str:
        if not row.over_by:
            return ""
        return self.tr("{0}席に対して{1}件割り当てています（{2}超過）").format(
            row.seats, row.assigned, row.over_by
        )
