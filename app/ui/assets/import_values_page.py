"""The 値の対応 page of the asset import wizard: what each unknown value becomes.

For every lookup column (種別, 部署, 設置場所, メーカー, ネットワーク区分, 状態) the page
lists each distinct value that names no registered entry, with how many rows hold it
and the entries it resembles (app.services.inventory.import_values). The user maps it
to an entry, registers it as a new one, or leaves it empty; a proposal that stands out
is preselected, a value like 「PC」 that resembles several entries waits for a choice.
The choices live in ``wizard.values`` and are saved with the 取込設定 (this page's
button, or the 列の対応 page's).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizardPage,
)
from sqlalchemy.orm import Session

from app.interchange.table_reader import TableData
from app.services.inventory.asset_import_rows import row_ranges
from app.services.inventory.import_values import (
    CREATABLE,
    CREATE,
    EMPTY,
    UnknownValue,
    ValueChoice,
    ValueChoices,
    Vocabulary,
    lookup_label,
    unknown_values,
)
from app.ui.widgets.styles import ERROR_STYLE

COLUMNS = ("列", "元の値", "行数", "対応")


def _find(
    session: Session, table: TableData, mapping: dict[str, str]
) -> tuple[list[UnknownValue], dict[str, list[str]]]:
    found = unknown_values(session, table, mapping)
    vocab = Vocabulary.load(session)
    return found, {f: vocab.entries(f) for f in {u.field for u in found}}


def _choice_data(choice: ValueChoice | None) -> str | None:
    """How a choice is held as a combo item's data (a string: QVariant compares those)."""
    if choice is None:
        return None
    return f"map:{choice.target}" if choice.action == "map" else choice.action


def _choice_of(data: str) -> ValueChoice:
    if data.startswith("map:"):
        return ValueChoice.map(data[4:])
    return CREATE if data == "create" else EMPTY


class ValuesPage(QWizardPage):
    """Complete when every unknown value has a choice."""

    found = Signal(object)  # the list of UnknownValue, or the exception

    def __init__(self, wizard: Any) -> None:
        super().__init__()
        self._wizard = wizard
        self.unknown: list[UnknownValue] | None = None
        self._combos: list[QComboBox] = []
        self.setTitle(self.tr("値の対応"))
        self.setSubTitle(
            self.tr("登録されていない種別・部署・設置場所・メーカー・ネットワーク区分・状態の値を、"
                    "登録済みの値に対応付けるか、新しく登録するか、空にするか選んでください。")
        )  # fmt: skip
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.create_rest = QPushButton(self.tr("未選択をすべて新しく登録"), self)
        self.save_button = QPushButton(self.tr("取込設定に保存"), self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.create_rest)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.create_rest.clicked.connect(self._create_rest)
        self.save_button.clicked.connect(self._save)
        wizard.mapping_page.profile_saved.connect(self._saved)

    # --- loading -----------------------------------------------------------------------

    def initializePage(self) -> None:
        self.unknown = None
        self._fill([], {})
        self.summary.setStyleSheet("")
        self.summary.setText(self.tr("登録されていない値を探しています…"))
        self.status.clear()
        self._wizard.ctx.jobs.read(
            _find,
            self._wizard.table,
            self._wizard.mapping(),
            owner=self,
            key="values",  # entering the page again supersedes an earlier search
            on_result=lambda result: self._found(*result),
            on_error=self._failed,
            name="import-values",
        )
        self.completeChanged.emit()

    def cleanupPage(self) -> None:
        self._wizard.ctx.jobs.drop(self, "values")

    def _found(self, unknown: list[UnknownValue], entries: dict[str, list[str]]) -> None:
        self._fill(unknown, entries)
        self.unknown = unknown  # after the combos: isComplete() reads both
        if not unknown:
            self.summary.setText(
                self.tr("登録されていない値はありません。「次へ」で取り込む内容を確認します。")
            )
        else:
            rows = sum(len(u.rows) for u in unknown)
            self.summary.setText(
                self.tr("登録されていない値が {0} 件（{1} 行）あります。"
                        "行数にマウスを重ねると行番号を表示します。").format(
                    f"{len(unknown):,}", f"{rows:,}"
                )
            )  # fmt: skip
        self.completeChanged.emit()
        self.found.emit(unknown)

    def _failed(self, exc: BaseException) -> None:
        self.summary.setStyleSheet(ERROR_STYLE)
        self.summary.setText(self.tr("値を確認できませんでした: {0}").format(exc))
        self.found.emit(exc)

    # --- the table ---------------------------------------------------------------------

    def _fill(self, unknown: list[UnknownValue], entries: dict[str, list[str]]) -> None:
        self.table.setRowCount(0)
        self._combos = []
        self.table.setRowCount(len(unknown))
        self.create_rest.setVisible(any(u.field in CREATABLE for u in unknown))
        self.table.setVisible(bool(unknown))
        for row, value in enumerate(unknown):
            named = (
                value.header if value.header == value.label else f"{value.header}（{value.label}）"
            )
            column = QTableWidgetItem(named)
            source = QTableWidgetItem(value.value)
            count = QTableWidgetItem(f"{len(value.rows):,}")
            count.setToolTip(row_ranges(value.rows))
            for col, item in enumerate((column, source, count)):
                self.table.setItem(row, col, item)
            combo = self._combo(value, entries.get(value.field, []))
            self.table.setCellWidget(row, 3, combo)
            self._combos.append(combo)

    def _combo(self, value: UnknownValue, entries: list[str]) -> QComboBox:
        combo = QComboBox(self.table)
        combo.addItem(self.tr("（選んでください）"), None)
        for name in value.proposals:
            combo.addItem(self.tr("→ {0}（候補）").format(name), f"map:{name}")
        if value.field in CREATABLE:
            combo.addItem(self.tr("新しく登録する（「{0}」）").format(value.value), "create")
        combo.addItem(self.tr("空にする（取り込まない）"), "empty")
        others = [e for e in entries if e not in value.proposals]
        if others:
            combo.insertSeparator(combo.count())
            for name in others:
                combo.addItem(self.tr("→ {0}").format(name), f"map:{name}")
        chosen = self._wizard.values.get(value.field, value.value)
        if chosen is not None and chosen.action == "map" and chosen.target not in entries:
            chosen = None  # saved for an entry that is gone: choose again
        if chosen is None:
            chosen = value.default_choice()
        index = combo.findData(_choice_data(chosen)) if chosen is not None else 0
        combo.setCurrentIndex(max(index, 0))
        self._remember(value, combo)
        combo.currentIndexChanged.connect(lambda _i: self._remember(value, combo))
        return combo

    def _remember(self, value: UnknownValue, combo: QComboBox) -> None:
        data = combo.currentData()
        values: ValueChoices = self._wizard.values
        if data is None:
            values.clear(value.field, value.value)
        else:
            values.set(value.field, value.value, _choice_of(data))
        self.completeChanged.emit()

    def choose(self, value: str, choice: ValueChoice) -> None:
        """Choose ``choice`` for the unknown ``value`` (as the user would in its combo)."""
        assert self.unknown is not None
        row = next(i for i, u in enumerate(self.unknown) if u.value == value)
        combo = self._combos[row]
        index = combo.findData(_choice_data(choice))
        assert index >= 0, f"{choice} is not offered for {value}"
        combo.setCurrentIndex(index)

    def combo_for(self, value: str) -> QComboBox:
        assert self.unknown is not None
        return self._combos[next(i for i, u in enumerate(self.unknown) if u.value == value)]

    def _create_rest(self) -> None:
        assert self.unknown is not None
        for value, combo in zip(self.unknown, self._combos, strict=True):
            if combo.currentData() is None and value.field in CREATABLE:
                combo.setCurrentIndex(combo.findData("create"))

    def undecided(self) -> list[UnknownValue]:
        if self.unknown is None:
            return []
        return [
            u for u, c in zip(self.unknown, self._combos, strict=True) if c.currentData() is None
        ]

    def isComplete(self) -> bool:
        return self.unknown is not None and not self.undecided()

    def validatePage(self) -> bool:
        waiting = self.undecided()
        if waiting:
            names = "、".join(f"{lookup_label(u.field)}「{u.value}」" for u in waiting[:5])
            self.status.setText(self.tr("対応を選んでください: {0}").format(names))
        return not waiting

    # --- saving with the profile -------------------------------------------------------

    def _save(self) -> None:
        page = self._wizard.mapping_page
        if not page.profile_name.text().strip():
            self.status.setText(
                self.tr("「列の対応」ページで設定名を入力してから保存してください。")
            )
            return
        page.save_profile()

    def _saved(self, result: Any) -> None:
        if self._wizard.currentPage() is not self:
            return
        if isinstance(result, BaseException):
            self.status.setText(self.tr("保存できませんでした: {0}").format(result))
        else:
            self.status.setText(
                self.tr("列と値の対応を取込設定「{0}」に保存しました。").format(result.name)
            )
