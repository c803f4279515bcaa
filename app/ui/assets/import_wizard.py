"""AssetImportWizard: bring a CSV/XLSX ledger into the asset ledger, in five pages.

ファイル選択 (read in the background; sheet choice for XLSX; the encoding and delimiter
found) → 列の対応 (import_mapping_page) → 値の対応 (import_values_page: values of the
lookup columns that name no entry) → 確認 (import_preview_page; nothing written
yet) → 取込 (one transaction on the writer; cancel rolls it back). All file reading,
checking and writing runs in background jobs, so the window stays responsive. The
import itself runs with ``jobs.run`` on the writer: ``apply_import`` is handed the
session factory (it reports progress, can be cancelled, and puts keyring values in the
store only after its transaction committed), and what it wrote is announced like any
write, so the views showing it reload.

Columns holding secrets are chosen on the 列の対応 page (取り込まない by default, or
キーリングに保存); the values chosen for the keyring go into ``ctx.secrets`` after the
import committed, and the last page says how many were stored, where (memory only for
this run, when the OS has no usable keyring), and which were not.

    wizard = AssetImportWizard(ctx, parent)
    wizard.open()  # ``imported`` carries the ImportResult once written
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)
from sqlalchemy.orm import Session, sessionmaker

from app.gc_pause import gc_paused
from app.interchange.table_reader import TableData, read_table
from app.progress import Cancelled, Progress
from app.secrets import SecretStore
from app.services.inventory.asset_import import ImportPreview, ImportResult, apply_import
from app.services.inventory.import_values import ValueChoices
from app.ui.assets.import_mapping_page import MappingPage
from app.ui.assets.import_preview_page import PreviewPage
from app.ui.assets.import_values_page import ValuesPage
from app.ui.context import AppContext
from app.ui.widgets.styles import ERROR_STYLE


def _read(progress: Progress, path: str, sheet: str | None) -> TableData:
    return read_table(path, sheet=sheet, progress=progress)


def _apply(
    progress: Progress,
    sessions: sessionmaker[Session],
    preview: ImportPreview,
    skip: bool,
    store: SecretStore | None,
) -> ImportResult:
    return apply_import(sessions, preview, skip_bad_rows=skip, progress=progress, secrets=store)


class FilePage(QWizardPage):
    loaded = Signal(object)  # TableData, or the exception

    def __init__(self, wizard: AssetImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self._loading = False
        self.setTitle(self.tr("ファイル選択"))
        self.setSubTitle(
            self.tr("取り込む台帳ファイルを選んでください（CSV: UTF-8・Shift_JIS・UTF-16、"
                    "カンマ・タブ区切り／Excelブック .xlsx）。")
        )  # fmt: skip
        self.path = QLineEdit(self)
        self.browse = QPushButton(self.tr("参照…"), self)
        self.sheet = QComboBox(self)
        self.sheet.setEnabled(False)
        self.info = QLabel(self)
        self.info.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        form = QFormLayout(self)
        form.addRow(self.tr("ファイル:"), row)
        form.addRow(self.tr("シート:"), self.sheet)
        form.addRow(self.info)
        self.browse.clicked.connect(self._choose)
        self.path.returnPressed.connect(lambda: self.load(self.path.text()))
        self.sheet.activated.connect(lambda: self.load(self.path.text(), self.sheet.currentText()))

    def _choose(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("台帳ファイルを選択"),
            str(Path(self.path.text()).parent) if self.path.text() else "",
            self.tr("台帳ファイル (*.csv *.txt *.tsv *.xlsx *.xlsm);;すべてのファイル (*)"),
        )
        if path:
            self.load(path)

    def load(self, path: str, sheet: str | None = None) -> None:
        """Read ``path`` (and ``sheet`` of a workbook) in the background."""
        self._wizard.table = None
        self._loading = True
        self.path.setText(path)
        self.info.setStyleSheet("")
        self.info.setText(self.tr("読み込んでいます…"))
        self.completeChanged.emit()
        self._wizard.ctx.jobs.run(
            _read,
            path,
            sheet,
            owner=self,
            key="read",  # the file (or sheet) chosen last supersedes an earlier one
            on_result=self._loaded,
            on_error=self._failed,
            name="import-read",
            quiet_gc=True,
        )

    def _loaded(self, table: TableData) -> None:
        self._loading = False
        self._wizard.table = table
        self.sheet.clear()
        self.sheet.addItems(table.sheets)
        if table.sheet is not None:
            self.sheet.setCurrentText(table.sheet)
        self.sheet.setEnabled(len(table.sheets) > 1)
        self.info.setText(
            self.tr("{0}。列 {1} 個: {2}").format(
                table.describe(), len(table.headers), "、".join(table.headers[:12])
            )
        )
        self.completeChanged.emit()
        self.loaded.emit(table)

    def _failed(self, exc: BaseException) -> None:
        self._loading = False
        sheets = getattr(exc, "sheets", [])
        self.sheet.clear()
        self.sheet.addItems(sheets)
        self.sheet.setCurrentIndex(-1)
        self.sheet.setEnabled(len(sheets) > 1)
        self.info.setStyleSheet(ERROR_STYLE)
        hint = self.tr(" 別のシートを選んでください。") if len(sheets) > 1 else ""
        self.info.setText(self.tr("読み込めませんでした: {0}").format(exc) + hint)
        self.completeChanged.emit()
        self.loaded.emit(exc)

    def isComplete(self) -> bool:
        return not self._loading and self._wizard.table is not None


class RunPage(QWizardPage):
    finished = Signal(object)  # ImportResult, or the exception

    def __init__(self, wizard: AssetImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self._job: Any = None
        self.result: ImportResult | None = None
        self._done = False
        self.setTitle(self.tr("取込"))
        self.progress = QProgressBar(self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.cancel_button = QPushButton(self.tr("中止"), self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.cancel_button)
        layout.addStretch(1)
        self.cancel_button.clicked.connect(self.cancel)

    def initializePage(self) -> None:
        self._done = False
        self.result = None
        self.progress.setRange(0, 0)
        self.message.setStyleSheet("")
        self.message.setText(self.tr("取り込んでいます…"))
        self.cancel_button.setVisible(True)
        self.cancel_button.setEnabled(True)
        page = self._wizard.preview_page
        ctx = self._wizard.ctx
        self._job = ctx.jobs.run(
            _apply,
            ctx.db.sessions,
            page.preview,
            page.skip_bad.isChecked(),
            ctx.secrets,
            writer=True,
            owner=self,
            on_result=self._finished,
            on_error=self._failed,
            on_progress=self._progress,
            name="import-apply",
            quiet_gc=True,
        )

    def running(self) -> bool:
        return self._job is not None and not self._done

    def cancel(self) -> None:
        if self.running():
            self._job.cancel()
            self.cancel_button.setEnabled(False)
            self.message.setText(self.tr("中止しています…"))

    def _progress(self, done: int, total: int, message: str) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _finished(self, result: ImportResult) -> None:
        self._done, self.result = True, result
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.cancel_button.setVisible(False)
        lines = [
            self.tr("取り込みました（変更履歴に記録し、検索にも反映しました）。"),
            self.tr("新規登録 {0} 件／更新 {1} 件／変更なし {2} 件").format(
                f"{result.created:,}", f"{result.updated:,}", f"{result.unchanged:,}"
            ),
        ]
        if result.skipped:
            lines.append(
                self.tr("飛ばした行 {0} 行（問題のあった行は書き込んでいません）").format(
                    f"{result.skipped:,}"
                )
            )
        added = [
            (self.tr("種別"), result.types_added),
            (self.tr("部署"), result.departments_added),
            (self.tr("設置場所"), result.locations_added),
            (self.tr("独自項目"), result.custom_fields_added),
        ]
        if any(count for _label, count in added):
            lines.append(
                self.tr("新しく追加: ")
                + "、".join(f"{label} {count:,} 件" for label, count in added if count)
            )
        lines += self._secret_lines(result)
        lines.append(self.tr("「完了」を押すと資産台帳に戻ります。"))
        text = "\n".join(lines)
        self.message.setStyleSheet(ERROR_STYLE if result.secrets.not_stored else "")
        self.message.setText(text)
        self.completeChanged.emit()
        self._wizard.imported.emit(result)
        self.finished.emit(result)

    def _secret_lines(self, result: ImportResult) -> list[str]:
        lines: list[str] = []
        if result.secrets.stored:
            lines.append(
                self.tr(
                    "秘密の値 {0} 件を保存しました（認証情報の参照を作成。保存先: {1}）"
                ).format(f"{result.secrets.stored:,}", result.secrets_kept_in)
            )
            store = self._wizard.ctx.secrets
            if store is not None and not store.is_persistent():
                lines.append(
                    self.tr(
                        "注意: OSのキーリングが使えないため、値はこの実行中だけメモリに保持して"
                        "います。Hitoriを終了すると消えます。"
                    )
                )
        if result.secrets.not_stored:
            lines.append(result.secrets.message())
        return lines

    def _failed(self, exc: BaseException) -> None:
        self._done = True
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.cancel_button.setEnabled(False)
        self.message.setStyleSheet(ERROR_STYLE)
        if isinstance(exc, Cancelled):
            self.message.setText(self.tr("中止しました。何も書き込んでいません。"))
        else:
            self.message.setText(
                self.tr("取り込めませんでした（何も書き込んでいません）:\n{0}").format(exc)
            )
        self.completeChanged.emit()
        self.finished.emit(exc)

    def isComplete(self) -> bool:
        return self._done


def _preload_readers() -> None:
    """Import the file readers now, on the UI thread, while the wizard opens.

    Imported later in a worker thread, each module goes through PySide6's import
    hook (shibokensupport reads the module's source), which holds the GIL and
    freezes the UI in the middle of an import.
    """
    import importlib

    for name in (
        "app.interchange.table_header",
        "app.interchange.text_decoding",
        "app.interchange.xlsx_reader",
        "openpyxl",
        "charset_normalizer",
    ):
        importlib.import_module(name)


class AssetImportWizard(QWizard):
    """Import a ledger file; ``imported`` carries the ImportResult once written."""

    imported = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        _preload_readers()
        super().__init__(parent)
        self.ctx = ctx
        # Closed is gone: the file's rows and the preview are freed with the wizard.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # While it is open the wizard holds the file and the preview (a few hundred
        # thousand objects for 10,000 rows); a full cyclic collection would walk them all
        # in the UI thread (200 ms measured). The collector waits until it closes.
        hold = self._gc_hold = ExitStack()
        hold.enter_context(gc_paused())
        self.finished.connect(lambda _result: hold.close())
        self.destroyed.connect(lambda *_: hold.close())  # deleted without being closed
        self.table: TableData | None = None
        self.values = ValueChoices()  # what unknown lookup values become (値の対応)
        self.setWindowTitle(self.tr("資産台帳の取り込み"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.values_page = ValuesPage(self)
        self.preview_page = PreviewPage(self)
        self.run_page = RunPage(self)
        pages = (self.file_page, self.mapping_page, self.values_page, self.preview_page,
                 self.run_page)  # fmt: skip
        for page in pages:
            self.addPage(page)
        self.resize(860, 620)

    def mapping(self) -> dict[str, str]:
        return self.mapping_page.mapping()

    def reject(self) -> None:
        """Closing while importing cancels the import (it is rolled back)."""
        self.preview_page.cancel()
        self.run_page.cancel()
        super().reject()
