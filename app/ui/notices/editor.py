"""The 詳細 tab of a notice: its fields and tags, the interpretation notes rendered from Markdown,
its deadlines with every change kept (when and why), the systems it concerns, the PDF of
the notice (attachments), and a task made from it. The issuer field completes what is
typed from the issuers in use and the saved list (app.services.notices.issuers)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QCompleter,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import jdate
from app.services import links, tags
from app.services.errors import FieldError, ValidationError
from app.services.field_input import LinkedItem
from app.services.inventory.systems import system_choices
from app.services.notices import deadlines as dl
from app.services.notices import issuers as issuer_list
from app.services.notices import tracker as svc
from app.store.models import Asset, BusinessSystem, Notice
from app.store.vocab import NOTICE_DEADLINE_KINDS, NOTICE_KINDS, NOTICE_STATUSES
from app.ui import date_style
from app.ui.context import AppContext
from app.ui.inventory.link_panel import AddMode, LinkListPanel
from app.ui.inventory.record_editor import RecordAccess, RecordEditor
from app.ui.inventory.record_form import FieldSpec, RecordForm
from app.ui.widgets.attachments_panel import AttachmentsPanel
from app.ui.widgets.side_by_side import SideBySide
from app.ui.widgets.styles import ERROR_STYLE
from app.ui.widgets.tag_completer import TagCompleter

L = Notice.__kind__.fields
SPECS = (
    FieldSpec("issuer", L["issuer"], required=True, placeholder="例: 総務省 自治行政局 住民制度課"),
    FieldSpec("doc_number", L["doc_number"], placeholder="例: 総行住第○号（事務連絡は空）"),
    FieldSpec("issued_on", L["issued_on"], "date"),
    FieldSpec("title", L["title"], required=True),
    FieldSpec("kind", L["kind"], "choice", choices=tuple(NOTICE_KINDS.items()), blank=False),
    FieldSpec("status", L["status"], "choice", choices=tuple(NOTICE_STATUSES.items()), blank=False),
    FieldSpec("url", L["url"], placeholder="https://…"),
    FieldSpec("tags", "タグ", placeholder="例: 標準化、ガバクラ（「、」で区切る）"),
    FieldSpec("summary", L["summary"], "multiline"),
    FieldSpec("interpretation", L["interpretation"], "multiline",
              placeholder="自団体での解釈・対応方針（Markdown で書けます）"),
)  # fmt: skip
EDITED = tuple(spec.name for spec in SPECS if spec.name != "tags")


def _offered(session: Session) -> dict[str, list[str]]:
    """What the fields offer: the issuers (app.services.notices.issuers) and the tags in
    use, most used first."""
    return {
        "issuers": issuer_list.offered_issuers(session),
        "tags": [name for name, _uses in tags.all_tags(session)],
    }


class NoticeAccess(RecordAccess):
    def fetch(self, session: Session, record_id: int) -> dict[str, Any]:
        notice = session.get(Notice, record_id)
        if notice is None:
            raise LookupError(f"notice {record_id}")
        values = {name: getattr(notice, name) for name in EDITED}
        values["tags"] = "、".join(tags.tags_of(session, "notice", [record_id])[record_id])
        return values

    def fetch_choices(self, session: Session) -> dict[str, list[str]]:
        """The issuers and tags the fields offer (read again with each record: a notice
        saved with a new issuer or tag adds it)."""
        return _offered(session)

    def create(self, session: Session, data: dict[str, Any]) -> int:
        return svc.create_notice(session, data).id

    def update(self, session: Session, record_id: int, data: dict[str, Any]) -> None:
        svc.update_notice(session, record_id, data)

    def remove(self, session: Session, record_id: int) -> None:
        svc.delete_notice(session, record_id)


def _systems(session: Session, notice_id: int) -> list[LinkedItem]:
    ids = links.linked_ids(session, "notice", notice_id, "system")
    names = dict(
        session.query(BusinessSystem.id, BusinessSystem.name)
        .filter(BusinessSystem.id.in_(ids))
        .all()
    )
    return [LinkedItem(i, names[i]) for i in ids if i in names]


def _assets(session: Session, notice_id: int) -> list[LinkedItem]:
    ids = links.linked_ids(session, "notice", notice_id, "asset")
    rows = session.execute(
        select(Asset.id, Asset.asset_tag, Asset.name).where(Asset.id.in_(ids))
    ).all()
    found = {r.id: r for r in rows}
    return [LinkedItem(i, found[i].asset_tag, found[i].name) for i in ids if i in found]


def _link_asset(session: Session, notice_id: int, tag: Any, _mode: str) -> None:
    """The asset whose 資産管理番号 was typed (as printed on its label)."""
    typed = str(tag).strip()
    asset_id = session.scalars(select(Asset.id).where(Asset.asset_tag == typed)).first()
    if asset_id is None:
        label = Asset.__kind__.fields["asset_tag"]
        raise ValidationError(
            [FieldError("asset_tag", label, f"{label}「{typed}」の資産はありません")]
        )
    links.link(session, "notice", notice_id, "asset", asset_id)


def _unlink_asset(session: Session, notice_id: int, asset_id: int) -> None:
    links.unlink(session, "notice", notice_id, "asset", asset_id)


def _link_system(session: Session, notice_id: int, system_id: Any, _mode: str) -> None:
    links.link(session, "notice", notice_id, "system", int(system_id))


def _unlink_system(session: Session, notice_id: int, system_id: int) -> None:
    links.unlink(session, "notice", notice_id, "system", system_id)


class DeadlinesPanel(QGroupBox):
    """The notice's current deadline of each kind, a button to change one (a reason is
    asked: the history keeps it), and every value each has had."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("期限"))
        self.ctx = ctx
        self.notice_id: int | None = None
        self.current = QLabel(self)
        self.current.setWordWrap(True)
        self.change_button = QPushButton(self.tr("期限を設定・変更…"), self)
        self.history = QListWidget(self)
        self.history.setMaximumHeight(self.fontMetrics().height() * 5)
        self.history.setWordWrap(True)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        row = QHBoxLayout()
        row.addWidget(self.current, 1)
        row.addWidget(self.change_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.history)
        layout.addWidget(self.message)
        self.change_button.clicked.connect(self.change)
        self.set_notice(None)

    def set_notice(self, notice_id: int | None) -> None:
        self.notice_id = notice_id
        self.change_button.setEnabled(notice_id is not None)
        self.message.clear()
        self.history.clear()
        self.current.setText(self.tr("保存すると設定できます。") if notice_id is None else "")
        if notice_id is not None:
            self.ctx.jobs.read(dl.deadline_history, notice_id, owner=self, key="history",
                               on_result=self._show, name="notice-deadlines")  # fmt: skip

    def _show(self, rows: list[dl.DeadlineHistoryRow]) -> None:
        self.history.clear()
        current = []
        for r in rows:
            when = date_style.shown(r.deadline) if r.deadline else self.tr("取り消し")
            mark = "★ " if r.is_current else "　 "
            reason = f"（{r.reason}）" if r.reason else ""
            self.history.addItem(
                f"{mark}{r.kind_label}: {when}　{r.set_at:%Y-%m-%d %H:%M} 設定{reason}"
            )
            if r.is_current and r.deadline:
                current.append(f"{r.kind_label} {date_style.shown(r.deadline)}")
        self.current.setText("・".join(current) or self.tr("期限はありません。"))

    def change(self) -> None:
        if self.notice_id is None:
            return
        labels = list(NOTICE_DEADLINE_KINDS.values())
        label, ok = QInputDialog.getItem(self, self.tr("期限"), self.tr("期限の種類:"), labels,
                                         0, False)  # fmt: skip
        if not ok:
            return
        kind = list(NOTICE_DEADLINE_KINDS)[labels.index(label)]
        typed, ok = QInputDialog.getText(
            self, self.tr("期限"),
            self.tr("{0}（空にすると取り消し。例: R8.11.28）:").format(label),
        )  # fmt: skip
        if not ok:
            return
        try:
            new = jdate.parse_optional_date(typed)
        except jdate.JDateError as exc:
            self.message.setText(str(exc))
            return
        reason, ok = QInputDialog.getText(
            self, self.tr("期限"), self.tr("変更の理由（例: 事務連絡で延長）:")
        )
        if not ok:
            return
        notice_id, today = self.notice_id, self.ctx.today()

        def work(session: Session) -> dl.DeadlineChange:
            return dl.set_deadline(session, notice_id, kind, new, reason, today=today)

        self.ctx.jobs.write(work, owner=self, name="notice-deadline",
                            on_result=self._changed, on_error=self._refused)  # fmt: skip

    def _changed(self, change: dl.DeadlineChange) -> None:
        self.message.setText(change.warning or "")
        self.set_notice(self.notice_id)
        if change.warning:
            self.message.setText(change.warning)

    def _refused(self, exc: BaseException) -> None:
        errors = getattr(exc, "errors", None)
        self.message.setText("\n".join(e.message for e in errors) if errors else str(exc))


class NoticeEditor(RecordEditor):
    noun = "通知"
    open_system = Signal(int)
    open_asset = Signal(int)
    task_made = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, RecordForm(SPECS, context="NoticeEditor"), NoticeAccess(), parent)
        self.issuer_names = QStringListModel(self)
        self.issuer_completer = QCompleter(self.issuer_names, self)
        self.issuer_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.issuer_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.issuer_completer.activated.connect(lambda _text: self.form.edited.emit())
        issuer = self.form.inputs["issuer"]
        assert isinstance(issuer, QLineEdit)
        issuer.setCompleter(self.issuer_completer)
        tag_edit = self.form.inputs["tags"]
        assert isinstance(tag_edit, QLineEdit)
        self.tag_completer = TagCompleter(self)
        tag_edit.setCompleter(self.tag_completer)
        self.tag_completer.activated.connect(lambda _text: self.form.edited.emit())
        self.preview = QTextBrowser(self)
        self.preview.setOpenExternalLinks(False)
        self.preview.setPlaceholderText(self.tr("解釈メモの表示"))
        self.deadlines = DeadlinesPanel(ctx, self)
        self.systems_panel = LinkListPanel(
            ctx, self.tr("業務システム"), list_fn=_systems, add_fn=_link_system,
            remove_fn=_unlink_system,
            modes=[AddMode("system", self.tr("業務システム"), choices=system_choices)], parent=self,
        )  # fmt: skip
        self.assets_panel = LinkListPanel(
            ctx, self.tr("資産"), list_fn=_assets, add_fn=_link_asset,
            remove_fn=_unlink_asset,
            modes=[AddMode("asset", self.tr("資産"), self.tr("資産管理番号"))], parent=self,
        )  # fmt: skip
        self.attachments_panel = AttachmentsPanel(ctx, "notice", parent=self)
        self.task_button = QPushButton(self.tr("この通知からタスクを作成"), self)
        self.task_button.setToolTip(
            self.tr("期限と関係する業務システムを引き継いだタスクを作ります")
        )
        memo = QGroupBox(self.tr("解釈メモ（表示）"), self)
        memo_layout = QVBoxLayout(memo)
        memo_layout.addWidget(self.preview)
        # One row of panels (tabs on a detail pane narrower than three of them): the form
        # above keeps the height its fields need on a 1366×768 screen.
        self.panels = SideBySide(
            [self.deadlines, memo, self.systems_panel, self.assets_panel, self.attachments_panel],
            min_panel_width=300, parent=self,
        )  # fmt: skip
        self.body.addWidget(self.panels, 2)
        self.body.addWidget(self.task_button)
        self.systems_panel.item_activated.connect(self.open_system)
        self.assets_panel.item_activated.connect(self.open_asset)
        self.task_button.clicked.connect(self.make_task)
        self.form.edited.connect(self._render)
        self.loaded.connect(lambda _id: self._render())

    def heading_for(self, values: dict[str, Any]) -> str:
        return str(values.get("title") or "")

    def apply_choices(self, choices: Any) -> None:
        """What ``NoticeAccess.fetch_choices`` read: the issuers and tags offered."""
        self.issuer_names.setStringList(list(choices["issuers"]))
        self.tag_completer.set_tags(choices["tags"])

    def reload_issuers(self) -> None:
        """Read the issuers offered again (after the 発出元の一覧 changed)."""
        self._ctx.jobs.read(_offered, owner=self, key="issuers", on_result=self.apply_choices,
                            name="notice-issuers")  # fmt: skip

    def record_changed(self, record_id: int | None) -> None:
        if hasattr(self, "deadlines"):
            self.deadlines.set_notice(record_id)
            self.systems_panel.set_owner(record_id)
            self.assets_panel.set_owner(record_id)
            self.attachments_panel.set_owner(record_id)
            self.task_button.setEnabled(record_id is not None)

    def _render(self) -> None:
        """The interpretation notes as they read (Qt's own Markdown)."""
        text = str(self.form.values().get("interpretation") or "")
        self.preview.setMarkdown(text)

    def make_task(self) -> None:
        notice_id = self.current_id
        if notice_id is None:
            return

        def work(session: Session) -> int:
            return int(svc.create_task_from_notice(session, notice_id).id)

        def refused(exc: BaseException) -> None:
            self.deadlines.message.setText(str(exc))

        self._ctx.jobs.write(work, owner=self, name="notice-task", on_result=self.task_made.emit,
                            on_error=refused)  # fmt: skip
