"""The 詳細 tab of a rule of the register: its fields (基本情報), its versions with the one
in force and those to come (改定履歴) and the rules it follows or that follow it, each
with how far it lags (追随関係). The three are tabs: the detail pane of a 1366-pixel
screen has room for one of them at a time, and a rule's history is what is read most."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QWidget
from sqlalchemy.orm import Session

from app.services.records import get_or_not_found
from app.services.regulations import register as svc
from app.store.models import Regulation
from app.store.vocab import REGULATION_KINDS, REGULATION_ORIGINS
from app.ui.context import AppContext
from app.ui.inventory.record_editor import RecordAccess, RecordEditor
from app.ui.inventory.record_form import FieldSpec, RecordForm
from app.ui.regulations.dependency_panel import DependencyPanel
from app.ui.regulations.versions_panel import VersionsPanel

L = Regulation.__kind__.fields
SPECS = (
    FieldSpec("title", L["title"], required=True,
              placeholder="例: 情報セキュリティ対策基準（正式な名称）"),
    FieldSpec("short_name", L["short_name"], placeholder="一覧に表示する短い名前（任意）"),
    FieldSpec("kind", L["kind"], "choice", choices=tuple(REGULATION_KINDS.items()), blank=False),
    FieldSpec("origin", L["origin"], "choice", choices=tuple(REGULATION_ORIGINS.items()),
              blank=False),
    FieldSpec("owner", L["owner"], placeholder="例: 総務課 情報政策係 / デジタル庁"),
    FieldSpec("number", L["number"], placeholder="例: 令和3年法律第40号 / 訓令第5号"),
    FieldSpec("url", L["url"], placeholder="https://…"),
    FieldSpec("notes", L["notes"], "multiline"),
)  # fmt: skip
EDITED = tuple(spec.name for spec in SPECS)
NEW_RULE = {"kind": "regulation", "origin": "own"}  # what the officer enters by hand
# The kinds whose changes alter the 改定履歴 and 追随関係 tabs of the rule shown.
PANEL_KINDS = frozenset({"regulation", "regulation_version", "regulation_dependency", "notice"})


class RegulationAccess(RecordAccess):
    def fetch(self, session: Session, record_id: int) -> dict[str, Any]:
        regulation = get_or_not_found(session, Regulation, record_id)
        return {name: getattr(regulation, name) for name in EDITED}

    def create(self, session: Session, data: dict[str, Any]) -> int:
        return svc.create_regulation(session, data).id

    def update(self, session: Session, record_id: int, data: dict[str, Any]) -> None:
        svc.update_regulation(session, record_id, data)

    def remove(self, session: Session, record_id: int) -> None:
        svc.delete_regulation(session, record_id)

    def blank(self, session: Session, copy_of: int | None) -> dict[str, Any] | None:
        if copy_of is None:
            return dict(NEW_RULE)
        values = self.fetch(session, copy_of)
        values["title"] = ""  # names are unique
        return values


class RegulationEditor(RecordEditor):
    noun = "法令・規程"
    open_regulation = Signal(int)  # a rule named in the 追随関係 tab, to show
    tasks_made = Signal(list)  # the ids of the tasks made to bring followers in line

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        form = RecordForm(SPECS, context="RegulationEditor")
        super().__init__(ctx, form, RegulationAccess(), parent)
        self.history_panel = VersionsPanel(ctx, self)
        self.dependency_panel = DependencyPanel(ctx, self)
        self.sections = QTabWidget(self)
        self.sections.setDocumentMode(True)
        self.body.removeWidget(self.form)
        self.sections.addTab(self.form, self.tr("基本情報"))
        self.sections.addTab(self.history_panel, self.tr("改定履歴"))
        self.sections.addTab(self.dependency_panel, self.tr("追随関係"))
        self.body.addWidget(self.sections, 1)
        self.history_panel.loaded.connect(self._update_titles)
        self.dependency_panel.loaded.connect(self._update_titles)
        self.history_panel.tasks_made.connect(self._tasks_made)
        self.dependency_panel.open_regulation.connect(self.open_regulation)
        ctx.jobs.watch(self, PANEL_KINDS, lambda _changes: self._refresh_panels())
        self.record_changed(None)

    def heading_for(self, values: dict[str, Any]) -> str:
        return str(values.get("title") or "")

    def record_changed(self, record_id: int | None) -> None:
        if not hasattr(self, "sections"):
            return  # RecordEditor.__init__ clears the form before the panels exist
        title = self.heading_for(self._values or {}) if record_id is not None else ""
        self.history_panel.set_owner(record_id, title)
        self.dependency_panel.set_owner(record_id, title)
        if record_id is None:
            self.sections.setCurrentWidget(self.form)
        self._update_titles()

    def select_version(self, version_id: int) -> None:
        """Show the 改定履歴 tab with ``version_id`` selected once the rule is loaded."""
        self.sections.setCurrentWidget(self.history_panel)
        self.history_panel.select_version(version_id)

    # --- internals ---------------------------------------------------------------------

    def _refresh_panels(self) -> None:
        if self._mode == "edit":
            self.history_panel.refresh()
            self.dependency_panel.refresh()

    def _update_titles(self) -> None:
        self.sections.setTabText(1, self.history_panel.tab_title())
        self.sections.setTabText(2, self.dependency_panel.tab_title())

    def _save_failed(self, saving: int | None, exc: BaseException) -> None:
        self.sections.setCurrentWidget(self.form)  # where the messages are shown
        super()._save_failed(saving, exc)

    def _tasks_made(self, ids: list[int]) -> None:
        self.say(self.tr("タスクを {0} 件作成しました").format(len(ids)))
        self.tasks_made.emit(ids)
