"""The 列の対応 page of the asset import wizard: which field each column goes to.

Prefilled from the headers (app.interchange.asset_mapping) or, when one matches, from a
saved 取込設定; the user can change any row and save the result under a name.
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import Signal
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
from sqlalchemy.orm import Session, sessionmaker

from app.interchange.asset_mapping import IGNORE, custom_target, suggest_mapping
from app.progress import Progress
from app.services.asset_import import load_profiles, match_profile, save_profile
from app.services.assets import FIELD_LABELS
from app.services.import_profiles import SavedProfile

_AUTO = "__auto__"


def _profiles(
    _p: Progress, sessions: sessionmaker[Session], headers: list[str]
) -> tuple[list[SavedProfile], SavedProfile | None]:
    with sessions() as session:
        return load_profiles(session), match_profile(session, headers)


def _save(
    _p: Progress, sessions: sessionmaker[Session], name: str, mapping: dict[str, str], options: dict
) -> SavedProfile:
    with sessions.begin() as session:
        return save_profile(session, name, mapping, options)


class MappingPage(QWizardPage):
    profiles_loaded = Signal()
    profile_saved = Signal(object)  # SavedProfile or the exception

    def __init__(self, wizard: Any) -> None:
        super().__init__()
        self._wizard = wizard
        self._profiles: dict[str, SavedProfile] = {}
        self._generation = 0
        self.setTitle(self.tr("列の対応"))
        self.setSubTitle(
            self.tr("ファイルの各列をどの項目に取り込むか選んでください。"
                    "対応のない列は独自項目として保存されます。")
        )  # fmt: skip
        self.profile_combo = QComboBox(self)
        self.profile_combo.addItem(self.tr("（見出しから自動で対応付け）"), _AUTO)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels([self.tr("列"), self.tr("値の例"), self.tr("取込先")])
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
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
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(bottom)
        self.profile_combo.activated.connect(self._profile_chosen)
        self.save_button.clicked.connect(self.save_profile)

    # --- the table ---------------------------------------------------------------------

    def _combo(self, header: str, target: str) -> QComboBox:
        combo = QComboBox(self.table)
        combo.addItem(self.tr("取り込まない"), IGNORE)
        combo.addItem(self.tr("独自項目として保存"), custom_target(header))
        for key, label in FIELD_LABELS.items():
            combo.addItem(label, key)
        if combo.findData(target) < 0 and target.startswith("custom:"):
            combo.addItem(self.tr("独自項目「{0}」").format(target[len("custom:") :]), target)
        index = combo.findData(target)
        combo.setCurrentIndex(index if index >= 0 else 1)
        combo.currentIndexChanged.connect(self._changed)
        return combo

    def _fill(self, mapping: dict[str, str]) -> None:
        table = self._wizard.table
        self.table.setRowCount(len(table.headers))
        for row, header in enumerate(table.headers):
            self.table.setItem(row, 0, QTableWidgetItem(header))
            samples = "、".join(s[:40] for s in table.samples(row))
            self.table.setItem(row, 1, QTableWidgetItem(samples))
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

    def _changed(self) -> None:
        if "asset_tag" in self.mapping().values():
            self.status.setText("")
        else:
            self.status.setText(self.tr("「資産管理番号」に取り込む列を選んでください。"))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self._wizard.table is not None and "asset_tag" in self.mapping().values()

    # --- profiles ----------------------------------------------------------------------

    def initializePage(self) -> None:
        self._generation += 1
        generation = self._generation
        self.apply_mapping({})
        ctx = self._wizard.ctx
        ctx.jobs.run(
            _profiles,
            ctx.db.sessions,
            list(self._wizard.table.headers),
            on_result=lambda found: self._profiles_loaded(generation, *found),
            name="import-profiles",
        )

    def _profiles_loaded(
        self, generation: int, profiles: list[SavedProfile], matched: SavedProfile | None
    ) -> None:
        if not shiboken6.isValid(self) or generation != self._generation:
            return
        self._set_profiles(profiles)
        if matched is not None:
            self.profile_combo.setCurrentIndex(self.profile_combo.findData(matched.name))
            self.apply_mapping(matched.mapping)
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
        if profile is not None:
            self.profile_name.setText(profile.name)

    def save_profile(self) -> None:
        name = self.profile_name.text().strip()
        if not name:
            self.status.setText(self.tr("保存する設定名を入力してください。"))
            return
        options = {"sheet": self._wizard.table.sheet} if self._wizard.table.sheet else {}
        self.save_button.setEnabled(False)
        ctx = self._wizard.ctx
        ctx.jobs.run(
            _save,
            ctx.db.sessions,
            name,
            self.mapping(),
            options,
            writer=True,
            on_result=self._saved,
            on_error=self._saved,
            name="import-save-profile",
        )

    def _saved(self, outcome: SavedProfile | BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self.save_button.setEnabled(True)
        if isinstance(outcome, SavedProfile):
            profiles = {**self._profiles, outcome.name: outcome}
            self._set_profiles(sorted(profiles.values(), key=lambda p: p.name))
            self.profile_combo.setCurrentIndex(self.profile_combo.findData(outcome.name))
            self.status.setText(self.tr("取込設定「{0}」を保存しました。").format(outcome.name))
        else:
            self.status.setText(self.tr("保存できませんでした: {0}").format(outcome))
        self.profile_saved.emit(outcome)
