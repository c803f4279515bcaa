"""Export and label printing for the asset ledger: file dialogs, background jobs, progress.

The ledger view calls ``export_view`` with the ids of its filtered view (in display
order) and ``print_labels`` with the selected ids. The work runs in a background job
with ``ProgressShown``: a progress dialog appears only if it takes longer than ~600 ms,
and its cancel button cancels the job (no partial file is left). The result is a
status-bar message, a UserError a message box with its Japanese text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.errors import UserError
from app.interchange.asset_export import LAYOUTS, export_assets
from app.progress import Cancelled, Progress
from app.reports.asset_labels import CODES, SHEETS, make_labels
from app.services.inventory.label_settings import (
    ORGANISATION_LIMIT,
    set_label_code,
    set_organisation,
)
from app.store.errors import classify
from app.ui.context import AppContext
from app.ui.jobs import Job, ProgressShown

log = logging.getLogger("hitori.ui.assets")

FILTER_XLSX = "Excel ブック (*.xlsx)"
FILTER_CSV = "CSV UTF-8・BOM付き (*.csv)"
FILTER_CSV_SJIS = "CSV Shift_JIS・CP932 (*.csv)"
FILTER_PDF = "PDF (*.pdf)"


def _tr(text: str) -> str:
    return QCoreApplication.translate("AssetExport", text)


def _last_dir(ctx: AppContext) -> Path:
    saved = ctx.settings.value("export/last_dir")
    if isinstance(saved, str) and Path(saved).is_dir():
        return Path(saved)
    return Path.home()


def export_view(
    parent: QWidget, ctx: AppContext, asset_ids: Sequence[int], layout: str = "ledger"
) -> Job | None:
    """Ask for a file (.xlsx / .csv) and export ``asset_ids`` to it in the background.

    Returns the job, or None when the user cancelled the file dialog.
    """
    title = _tr("{0}を書き出す").format(_tr(LAYOUTS[layout]))
    suggested = _last_dir(ctx) / f"{LAYOUTS[layout]}_{ctx.today():%Y%m%d}.xlsx"
    filters = ";;".join((FILTER_XLSX, FILTER_CSV, FILTER_CSV_SJIS))
    chosen, chosen_filter = QFileDialog.getSaveFileName(
        parent, title, str(suggested), filters, FILTER_XLSX
    )
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() not in (".xlsx", ".csv"):
        path = path.with_name(path.name + (".xlsx" if chosen_filter == FILTER_XLSX else ".csv"))
    encoding = "cp932" if chosen_filter == FILTER_CSV_SJIS else "utf-8-sig"
    ctx.settings.setValue("export/last_dir", str(path.parent))
    return _run(
        parent,
        ctx,
        title,
        _export,
        path,
        layout,
        encoding,
        list(asset_ids),
        success=lambda rows: _tr("{0}件を書き出しました: {1}").format(f"{rows:,}", path),
    )


def _export(
    session: Session,
    progress: Progress,
    path: Path,
    layout: str,
    encoding: str,
    asset_ids: list[int],
) -> int:
    return export_assets(
        session, path, layout=layout, encoding=encoding, asset_ids=asset_ids, progress=progress
    ).rows


class LabelOptionsDialog(QDialog):
    """Choose the label sheet and the first free label on it."""

    def __init__(
        self,
        count: int,
        sheet: str = "A4-12",
        parent: QWidget | None = None,
        *,
        code: str = "qr",
        organisation: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("資産ラベルの印刷"))
        self._count = count
        self.sheet_box = QComboBox(self)
        for key, label_sheet in SHEETS.items():
            self.sheet_box.addItem(label_sheet.title, key)
        self.code_box = QComboBox(self)
        for key, title in CODES.items():
            self.code_box.addItem(title, key)
        self.code_box.setCurrentIndex(max(0, self.code_box.findData(code)))
        self.org_box = QLineEdit(organisation, self)
        self.org_box.setPlaceholderText(self.tr("例: ひとり町 総務課（空なら印刷しない）"))
        self.org_box.setMaxLength(ORGANISATION_LIMIT)
        self.start_box = QSpinBox(self)
        self.start_box.setToolTip(self.tr("使いかけの用紙では、最初に使うラベルの位置（左上 = 1）"))
        self.pages_label = QLabel(self)
        note = QLabel(
            self.tr(
                "用紙の寸法は目安です。はじめは普通紙に印刷し、"
                "ラベル用紙と重ねて位置を確かめてください。"
            ),
            self,
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("ラベル用紙"), self.sheet_box)
        form.addRow(self.tr("開始位置"), self.start_box)
        form.addRow(self.tr("コード"), self.code_box)
        form.addRow(self.tr("団体名"), self.org_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.pages_label)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.sheet_box.currentIndexChanged.connect(self._update)
        self.start_box.valueChanged.connect(self._update)
        self.sheet_box.setCurrentIndex(max(0, self.sheet_box.findData(sheet)))
        self._update()

    def sheet(self) -> str:
        return str(self.sheet_box.currentData())

    def start_position(self) -> int:
        return self.start_box.value()

    def code(self) -> str:
        return str(self.code_box.currentData())

    def organisation(self) -> str:
        return " ".join(self.org_box.text().split())

    def _update(self) -> None:
        per_page = SHEETS[self.sheet()].per_page
        self.start_box.setRange(1, per_page)
        pages = -(-(self.start_position() - 1 + self._count) // per_page)
        self.pages_label.setText(self.tr("{0}件のラベル（{1}ページ）").format(self._count, pages))


def print_labels(parent: QWidget, ctx: AppContext, asset_ids: Sequence[int]) -> Job | None:
    """Ask for the sheet layout and a .pdf file, then make the labels in the background."""
    title = _tr("資産ラベルの印刷")
    if not asset_ids:
        QMessageBox.information(parent, title, _tr("ラベルを作る資産を選んでください。"))
        return None
    saved_sheet, saved_code, saved_org = (
        ctx.settings.value(f"labels/{key}") for key in ("sheet", "code", "organisation")
    )
    dialog = LabelOptionsDialog(
        len(asset_ids),
        saved_sheet if isinstance(saved_sheet, str) else "A4-12",
        parent,
        code=saved_code if isinstance(saved_code, str) else "qr",
        organisation=saved_org if isinstance(saved_org, str) else "",
    )
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted.value:
            return None
        sheet, start = dialog.sheet(), dialog.start_position()
        code, organisation = dialog.code(), dialog.organisation()
    finally:
        dialog.deleteLater()
    suggested = _last_dir(ctx) / f"資産ラベル_{ctx.today():%Y%m%d}.pdf"
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), FILTER_PDF)
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() != ".pdf":
        path = path.with_name(path.name + ".pdf")
    ctx.settings.setValue("labels/sheet", sheet)
    ctx.settings.setValue("labels/code", code)
    ctx.settings.setValue("labels/organisation", organisation)
    ctx.settings.setValue("export/last_dir", str(path.parent))
    # The organisation's name is kept in the database too: `hitori labels` prints it.
    ctx.jobs.write(save_label_settings, organisation, code, owner=parent, name="label-settings")
    return _run(
        parent,
        ctx,
        title,
        _labels,
        list(asset_ids),
        path,
        sheet,
        start,
        code,
        organisation,
        success=lambda n: _tr("ラベル{0}件のPDFを保存しました: {1}").format(f"{n:,}", path),
    )


def _labels(
    session: Session,
    progress: Progress,
    asset_ids: list[int],
    path: Path,
    sheet: str,
    start: int,
    code: str = "qr",
    organisation: str = "",
) -> int:
    return make_labels(
        session, asset_ids, path, sheet=sheet, start_position=start, progress=progress,
        code=code, footer=organisation,
    )  # fmt: skip


def save_label_settings(session: Session, organisation: str, code: str) -> None:
    set_organisation(session, organisation)
    set_label_code(session, code)


def _run(
    parent: QWidget,
    ctx: AppContext,
    title: str,
    op: Callable[..., Any],
    *args: Any,
    success: Callable[[Any], str],
) -> Job:
    """Run ``op`` in the background with a delayed, cancellable progress dialog."""

    def on_result(value: Any) -> None:
        _status(parent, success(value))

    def on_error(exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            _status(parent, _tr("キャンセルしました（ファイルは作成していません）"))
            return
        if isinstance(exc, UserError):
            QMessageBox.warning(parent, title, str(exc))
            return
        problem = classify(exc)
        if problem is not None:
            QMessageBox.warning(parent, title, problem.message)
            return
        QMessageBox.critical(
            parent,
            title,
            _tr(
                "予期しないエラーが発生しました。ログファイルを添えて報告してください。\n{0}"
            ).format(exc),
        )

    return ctx.jobs.read(
        op,
        *args,
        reports=True,
        owner=parent,
        on_result=on_result,
        on_error=on_error,
        progress=ProgressShown(parent, title),
        name=getattr(op, "__name__", "export"),
        quiet_gc=True,
    )


def _status(parent: QWidget, text: str) -> None:
    window = parent.window() if parent is not None else None
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(text, 10_000)
    else:
        log.info("%s", text)
