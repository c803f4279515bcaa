"""The 確認 page of the asset import wizard: what each row would do, and its problems.

The preview is computed in a background job (a read session; nothing is written). Rows
with problems are shown in red, rows with notes (e.g. formula-looking text) in yellow.
Columns holding secrets are listed in a notice of their own: each with its number of
values and where they go (キーリング, or not imported), never a value.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QHeaderView,
    QLabel,
    QProgressBar,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)
from sqlalchemy.orm import Session

from app.interchange.table_reader import TableData
from app.progress import Cancelled, Progress
from app.services.inventory.asset_import import ImportPreview, PreviewRow, preview_import
from app.services.inventory.asset_import_rows import grouped
from app.services.inventory.import_values import ValueChoices
from app.ui.assets.import_mapping_page import SECRET_NOTICE_STYLE
from app.ui.widgets.styles import ERROR_STYLE

_Index = QModelIndex | QPersistentModelIndex
_BAD = QColor("#fde7e9")
_NOTE = QColor("#fff8e1")


def _preview(
    session: Session,
    progress: Progress,
    table: TableData,
    mapping: dict[str, str],
    values: ValueChoices,
) -> ImportPreview:
    return preview_import(session, table, mapping, values=values, progress=progress)


class PreviewTableModel(QAbstractTableModel):
    """One line per file row: row number, action, tag, name, problems."""

    HEADERS = ("行", "処理", "資産管理番号", "名称", "問題・注意")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PreviewRow] = []
        self._shown: list[int] = []
        self._tags: list[str] = []
        self._names: list[str] = []

    def set_preview(self, preview: ImportPreview | None, *, only_problems: bool = False) -> None:
        self.beginResetModel()
        self._rows = preview.rows if preview else []
        if preview is not None:
            self._tags = self._column(preview, "asset_tag")
            self._names = self._column(preview, "name")
        self._shown = [i for i, r in enumerate(self._rows) if not only_problems or not r.ok]
        self.endResetModel()

    @staticmethod
    def _column(preview: ImportPreview, field: str) -> list[str]:
        headers = [h for h, t in preview.mapping.items() if t == field]
        if not headers:
            return [""] * len(preview.rows)
        index = preview.table.headers.index(headers[0])
        return [row[index] for row in preview.table.rows]

    def row_at(self, row: int) -> PreviewRow:
        return self._rows[self._shown[row]]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.tr(self.HEADERS[section])
        return None

    def _action(self, row: PreviewRow) -> str:
        if not row.ok:
            return self.tr("問題あり")
        if row.action == "update":
            return self.tr("更新（ID {0}）").format(row.asset_id)
        return self.tr("変更なし") if row.action == "unchanged" else self.tr("新規登録")

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        position = self._shown[index.row()]
        row = self._rows[position]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            column = index.column()
            if column == 0:
                return str(row.row_number)
            if column == 1:
                return self._action(row)
            if column == 2:
                return self._tags[position]
            if column == 3:
                return self._names[position]
            items = row.problems or row.notes
            separator = "\n" if role == Qt.ItemDataRole.ToolTipRole else "　"
            return separator.join(
                f"「{p.column_header}」{p.message}" if p.column_header else p.message for p in items
            )
        if role == Qt.ItemDataRole.BackgroundRole:
            if row.problems:
                return _BAD
            if row.notes:
                return _NOTE
        return None


class PreviewPage(QWizardPage):
    """Runs the preview when entered; complete when there is something to write."""

    previewed = Signal(object)  # the ImportPreview, or the exception

    def __init__(self, wizard: Any) -> None:
        super().__init__()
        self._wizard = wizard
        self.preview: ImportPreview | None = None
        self._writable = 0  # rows without problems
        self.setTitle(self.tr("確認"))
        self.setSubTitle(self.tr("取り込む前に、各行の処理と問題を確認してください。"))
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("取り込む"))
        self.progress = QProgressBar(self)
        self.counts = QLabel(self)
        self.counts.setWordWrap(True)
        self.file_problems = QLabel(self)
        self.file_problems.setWordWrap(True)
        self.file_problems.setStyleSheet(ERROR_STYLE)
        self.secrets = QLabel(self)
        self.secrets.setWordWrap(True)
        self.secrets.setStyleSheet(SECRET_NOTICE_STYLE)
        self.secrets.setVisible(False)
        self.only_problems = QCheckBox(self.tr("問題のある行だけ表示"), self)
        self.model = PreviewTableModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Fixed starting widths: sizing to contents would measure 10,000 rows on the
        # main thread.
        for column, chars in enumerate((6, 12, 14, 22)):
            header.resizeSection(column, self.fontMetrics().averageCharWidth() * chars * 2)
        # The chosen row's 問題・注意 in full, wrapped (a cell shows one line of them).
        self.detail = QLabel(self)
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setMinimumHeight(self.fontMetrics().height() * 2 + 8)
        self.skip_bad = QCheckBox(self.tr("問題のある行を飛ばして取り込む"), self)
        layout = QVBoxLayout(self)
        for widget in (
            self.progress,
            self.counts,
            self.secrets,
            self.file_problems,
            self.only_problems,
        ):
            layout.addWidget(widget)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.skip_bad)
        self.view.selectionModel().currentRowChanged.connect(self._show_detail)
        self.skip_bad.toggled.connect(self.completeChanged)
        self.only_problems.toggled.connect(self._refilter)

    def _show_detail(self, current: Any, _previous: Any = None) -> None:
        """The 問題・注意 of the current row, each on its own line, with its row number."""
        if not current.isValid():
            self.detail.clear()
            return
        last = self.model.columnCount() - 1
        row_no = current.siblingAtColumn(0).data()
        said = current.siblingAtColumn(last).data(Qt.ItemDataRole.ToolTipRole) or ""
        self.detail.setText(
            self.tr("{0}行目: {1}").format(row_no, said)
            if said
            else self.tr("{0}行目: 問題・注意はありません").format(row_no)
        )

    def initializePage(self) -> None:
        self.detail.clear()
        self.preview = None
        self.model.set_preview(None)
        self.skip_bad.setChecked(False)
        self.skip_bad.setEnabled(False)
        self.file_problems.clear()
        self.secrets.clear()
        self.secrets.setVisible(False)
        self.counts.setText(self.tr("内容を確認しています…"))
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self._wizard.ctx.jobs.read(
            _preview,
            self._wizard.table,
            self._wizard.mapping(),
            copy.deepcopy(self._wizard.values),  # the page may change them meanwhile
            reports=True,
            owner=self,
            key="preview",  # entering the page again supersedes an earlier preview
            on_result=self._done,
            on_error=self._failed,
            on_progress=self._progress,
            name="import-preview",
            quiet_gc=True,
        )
        self.completeChanged.emit()

    def cleanupPage(self) -> None:
        self.cancel()

    def cancel(self) -> None:
        """Stop the preview if it is running (its result is not shown)."""
        self._wizard.ctx.jobs.drop(self, "preview")

    def isComplete(self) -> bool:
        p = self.preview
        if p is None or p.file_problems:
            return False
        return self._writable > 0 and (self._writable == len(p.rows) or self.skip_bad.isChecked())

    def _progress(self, done: int, total: int, _message: str) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _done(self, preview: ImportPreview) -> None:
        self.preview = preview
        self.progress.setVisible(False)
        tally = preview.tally()
        self._writable = tally["create"] + tally["update"] + tally["unchanged"]
        self.model.set_preview(preview, only_problems=self.only_problems.isChecked())
        self.counts.setText(self._summary(preview, tally))
        said = grouped([*preview.file_problems, *(p for r in preview.rows for p in r.problems)])
        if said:
            shown = said[:12] + (
                [self.tr("ほか {0} 件").format(len(said) - 12)] if len(said) > 12 else []
            )
            self.file_problems.setText("\n".join(shown))
        self._describe_secrets(preview)
        self.skip_bad.setEnabled(tally["bad"] > 0 and not preview.file_problems)
        self.completeChanged.emit()
        self.previewed.emit(preview)

    def _summary(self, p: ImportPreview, tally: dict[str, int]) -> str:
        text = self.tr(
            "新規登録 {0} 件／更新 {1} 件／変更なし {2} 件／問題のある行 {3} 行"
        ).format(
            f"{tally['create']:,}", f"{tally['update']:,}", f"{tally['unchanged']:,}",
            f"{tally['bad']:,}",
        )  # fmt: skip
        for label, names in (
            (self.tr("新しく登録する部署"), p.new_departments),
            (self.tr("新しく登録する設置場所"), p.new_locations),
            (self.tr("新しく登録する種別"), p.new_types),
            (self.tr("新しく登録するメーカー"), p.new_manufacturers),
            (self.tr("新しく追加する独自項目"), p.new_custom_fields),
        ):
            if names:
                text += f"\n{label}: {'、'.join(names[:20])}" + ("…" if len(names) > 20 else "")
        if tally["bad"]:
            text += "\n" + self.tr(
                "問題のある行があるため、このままでは何も取り込みません。"
                "直して読み込み直すか、問題のある行を飛ばしてください。"
            )
        return text

    def _describe_secrets(self, preview: ImportPreview) -> None:
        columns = preview.secret_columns
        self.secrets.setVisible(bool(columns))
        if not columns:
            return
        lines = [self.tr("秘密の値の列（値はデータベース・変更履歴・検索・出力に残しません）:")]
        lines += [self.tr("・{0}").format(column.describe()) for column in columns]
        store = self._wizard.ctx.secrets
        if preview.keyring_columns and store is not None and not store.is_persistent():
            lines.append(
                self.tr(
                    "注意: OSのキーリングが使えないため、値はこの実行中だけメモリに保持します。"
                    "Hitoriを終了すると消えます（認証情報の参照は残ります）。"
                )
            )
        self.secrets.setText("\n".join(lines))

    def _failed(self, exc: BaseException) -> None:
        self.progress.setVisible(False)
        if isinstance(exc, Cancelled):
            self.counts.setText(self.tr("確認を中止しました。"))
        else:
            self.counts.setText(self.tr("確認できませんでした: {0}").format(exc))
        self.completeChanged.emit()
        self.previewed.emit(exc)

    def _refilter(self) -> None:
        self.model.set_preview(self.preview, only_problems=self.only_problems.isChecked())
