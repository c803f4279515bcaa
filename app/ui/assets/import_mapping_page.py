"""The 列の対応 page of the asset import wizard: which field each column goes to.

Prefilled from the headers (app.interchange.asset_mapping) or, when one matches, from a
saved 取込設定; the user can change any row and save the result under a name.

A column holding secrets (パスワード, ライセンスキー …) offers only 「取り込まない」 (the
default) and 「キーリングに保存」; its row is highlighted, its values are not shown, and a
notice above the table names it with its number of values and says what each choice
does (and, without a usable keyring, that the values are kept for this run only).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizardPage,
)
from sqlalchemy.orm import Session

from app.interchange.asset_mapping import (
    IGNORE,
    KEYRING,
    custom_target,
    is_keyring,
    secret_kind,
    suggest_mapping,
)
from app.secrets import SecretStore
from app.services.inventory.asset_import import (
    SecretColumn,
    load_profiles,
    match_profile,
    save_profile,
    secret_columns,
)
from app.services.inventory.assets import FIELD_LABELS
from app.services.inventory.import_profiles import SavedProfile
from app.services.inventory.import_values import ValueChoices

_AUTO = "__auto__"
SECRET_NOTICE_STYLE = "color: #8a4b00; background: #fff3e0; padding: 6px;"
_SECRET_ROW = QColor("#fff3e0")


def _profiles(
    session: Session, headers: list[str]
) -> tuple[list[SavedProfile], SavedProfile | None]:
    return load_profiles(session), match_profile(session, headers)


class MappingPage(QWizardPage):
    profiles_loaded = Signal()
    profile_saved = Signal(object)  # SavedProfile or the exception

    def __init__(self, wizard: Any) -> None:
        super().__init__()
        self._wizard = wizard
        self._profiles: dict[str, SavedProfile] = {}
        self.setTitle(self.tr("列の対応"))
        self.setSubTitle(
            self.tr("ファイルの各列をどの項目に取り込むか選んでください。"
                    "対応のない列は独自項目として保存されます（パスワードなど秘密の値の列を除く）。")
        )  # fmt: skip
        self.profile_combo = QComboBox(self)
        self.profile_combo.addItem(self.tr("（見出しから自動で対応付け）"), _AUTO)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels([self.tr("列"), self.tr("値の例"), self.tr("取込先")])
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.secrets_notice = QLabel(self)
        self.secrets_notice.setWordWrap(True)
        self.secrets_notice.setStyleSheet(SECRET_NOTICE_STYLE)
        self.secrets_notice.setVisible(False)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.profile_name = QLineEdit(self)
        self.profile_name.setPlaceholderText(self.tr("設定名（例: Systemwalker 台帳）"))
        self.save_button = QPushButton(self.tr("この対応を保存"), self)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("取込設定:"), self))
        top.addWidget(self.profile_combo, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.profile_name, 1)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.secrets_notice)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(bottom)
        self.profile_combo.activated.connect(self._profile_chosen)
        self.save_button.clicked.connect(self.save_profile)

    # --- the table ---------------------------------------------------------------------

    def _store(self) -> SecretStore | None:
        return self._wizard.ctx.secrets

    def _combo(self, header: str, target: str) -> QComboBox:
        combo = QComboBox(self.table)
        if secret_kind(header) is not None:
            combo.addItem(self.tr("取り込まない（秘密の値）"), IGNORE)
            combo.addItem(self.tr("キーリングに保存"), KEYRING)
            self._keyring_item(combo)
            combo.setCurrentIndex(1 if is_keyring(target) and self._store() is not None else 0)
            combo.currentIndexChanged.connect(self._changed)
            return combo
        combo.addItem(self.tr("取り込まない"), IGNORE)
        combo.addItem(self.tr("独自項目として保存"), custom_target(header))
        for key, label in FIELD_LABELS.items():
            combo.addItem(label, key)
        combo.addItem(self.tr("キーリングに保存（秘密の値）"), KEYRING)
        self._keyring_item(combo)
        if combo.findData(target) < 0 and target.startswith("custom:"):
            combo.addItem(self.tr("独自項目「{0}」").format(target[len("custom:") :]), target)
        index = combo.findData(target)
        if is_keyring(target) and self._store() is None:
            index = -1
        combo.setCurrentIndex(index if index >= 0 else 1)
        combo.currentIndexChanged.connect(self._changed)
        return combo

    def _keyring_item(self, combo: QComboBox) -> None:
        """Without a secret store (not set up) the keyring cannot be chosen."""
        model = combo.model()
        if self._store() is not None or not isinstance(model, QStandardItemModel):
            return
        item = model.item(combo.findData(KEYRING))
        item.setEnabled(False)
        item.setToolTip(self.tr("キーリング（保存先）が初期化されていません"))

    def _fill(self, mapping: dict[str, str]) -> None:
        table = self._wizard.table
        self.table.setRowCount(len(table.headers))
        for row, header in enumerate(table.headers):
            name = QTableWidgetItem(header)
            if secret_kind(header) is not None:
                samples = QTableWidgetItem(self.tr("（秘密の値のため表示しません）"))
                for item in (name, samples):
                    item.setBackground(_SECRET_ROW)
            else:
                samples = QTableWidgetItem("、".join(s[:40] for s in table.samples(row)))
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, samples)
            self.table.setCellWidget(row, 2, self._combo(header, mapping.get(header, "")))
        self.table.resizeColumnToContents(0)
        self._changed()

    def mapping(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for row, header in enumerate(self._wizard.table.headers):
            combo = self.table.cellWidget(row, 2)
            out[header] = combo.currentData() if isinstance(combo, QComboBox) else ""
        return out

    def set_target(self, header: str, target: str) -> None:
        """Choose the target of one column (as the user would with the combo box)."""
        row = self._wizard.table.headers.index(header)
        combo = self.table.cellWidget(row, 2)
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(combo.findData(target))

    def apply_mapping(self, mapping: dict[str, str]) -> None:
        self._fill({**suggest_mapping(self._wizard.table.headers), **mapping})

    def secret_columns(self) -> list[SecretColumn]:
        """The columns holding secrets (or sent to the keyring) with the current choice."""
        return secret_columns(self._wizard.table, self.mapping())

    def _changed(self) -> None:
        if "asset_tag" in self.mapping().values():
            self.status.setText("")
        else:
            self.status.setText(self.tr("「資産管理番号」に取り込む列を選んでください。"))
        self._describe_secrets()
        self.completeChanged.emit()

    def _describe_secrets(self) -> None:
        columns = self.secret_columns()
        self.secrets_notice.setVisible(bool(columns))
        if not columns:
            self.secrets_notice.clear()
            return
        lines = [
            self.tr(
                "秘密の値（パスワード・キーなど）の列があります。データベース・変更履歴・"
                "検索・出力には保存しません。列ごとに取込先を選んでください"
                "（「取り込まない」が既定）。「キーリングに保存」: 値ごとに認証情報の参照"
                "（ラベル「資産管理番号 列名」）を作り、値はOSのキーリングに保存します。"
            )
        ]
        for column in columns:
            choice = self.tr("キーリングに保存") if column.to_keyring else self.tr("取り込まない")
            lines.append(
                self.tr("・「{0}」値 {1} 件 → {2}").format(
                    column.header, f"{column.values:,}", choice
                )
            )
        store = self._store()
        if store is None:
            lines.append(self.tr("キーリング（保存先）が初期化されていないため、保存できません。"))
        elif not store.is_persistent():
            lines.append(
                self.tr(
                    "注意: OSのキーリングが使えません。「キーリングに保存」を選ぶと、値はこの"
                    "実行中だけメモリに保持し、Hitoriを終了すると消えます。"
                )
            )
        self.secrets_notice.setText("\n".join(lines))

    def isComplete(self) -> bool:
        return self._wizard.table is not None and "asset_tag" in self.mapping().values()

    # --- profiles ----------------------------------------------------------------------

    def initializePage(self) -> None:
        self.apply_mapping({})
        self._wizard.ctx.jobs.read(
            _profiles,
            list(self._wizard.table.headers),
            owner=self,
            key="profiles",  # the file read last supersedes an earlier one
            on_result=lambda found: self._profiles_loaded(*found),
            name="import-profiles",
        )

    def _profiles_loaded(self, profiles: list[SavedProfile], matched: SavedProfile | None) -> None:
        self._set_profiles(profiles)
        if matched is not None:
            self.profile_combo.setCurrentIndex(self.profile_combo.findData(matched.name))
            self.apply_mapping(matched.mapping)
            self._wizard.values = ValueChoices.from_json(matched.options.get("values"))
            self.profile_name.setText(matched.name)
            self.status.setText(self.tr("取込設定「{0}」を適用しました。").format(matched.name))
        self.profiles_loaded.emit()

    def _set_profiles(self, profiles: list[SavedProfile]) -> None:
        self._profiles = {p.name: p for p in profiles}
        current = self.profile_combo.currentData()
        self.profile_combo.clear()
        self.profile_combo.addItem(self.tr("（見出しから自動で対応付け）"), _AUTO)
        for profile in profiles:
            self.profile_combo.addItem(profile.name, profile.name)
        index = self.profile_combo.findData(current)
        self.profile_combo.setCurrentIndex(max(index, 0))

    def _profile_chosen(self) -> None:
        profile = self._profiles.get(self.profile_combo.currentData())
        self.apply_mapping(profile.mapping if profile else {})
        self._wizard.values = ValueChoices.from_json(
            profile.options.get("values") if profile else None
        )
        if profile is not None:
            self.profile_name.setText(profile.name)

    def save_profile(self) -> None:
        name = self.profile_name.text().strip()
        if not name:
            self.status.setText(self.tr("保存する設定名を入力してください。"))
            return
        options: dict[str, Any] = {"values": self._wizard.values.to_json()}
        if self._wizard.table.sheet:
            options["sheet"] = self._wizard.table.sheet
        self.save_button.setEnabled(False)
        self._wizard.ctx.jobs.write(
            save_profile,
            name,
            self.mapping(),
            options,
            owner=self,
            on_result=self._saved,
            on_error=self._not_saved,
            name="import-save-profile",
        )

    def _saved(self, profile: SavedProfile) -> None:
        self.save_button.setEnabled(True)
        profiles = {**self._profiles, profile.name: profile}
        self._set_profiles(sorted(profiles.values(), key=lambda p: p.name))
        self.profile_combo.setCurrentIndex(self.profile_combo.findData(profile.name))
        self.status.setText(self.tr("取込設定「{0}」を保存しました。").format(profile.name))
        self.profile_saved.emit(profile)

    def _not_saved(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.status.setText(self.tr("保存できませんでした: {0}").format(exc))
        self.profile_saved.emit(exc)
