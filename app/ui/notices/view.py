"""The 通知・法令 area: every notice with its nearest deadline — the inbox of 未確認, those
in progress by deadline (overdue in red), by issuer, by business system, or all — with its
詳細 (fields, interpretation notes rendered, deadlines and their history, systems, the
notice's PDF), feeds imported from a file (saved on an internet PC and carried over) or a
URL the user gives, and the list of issuers the editor offers (発出元の一覧)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QWidget,
)
from sqlalchemy.orm import Session

from app.services.notices import tracker as svc
from app.services.notices.tracker import NoticeRow
from app.store.models import Notice
from app.ui.context import AppContext
from app.ui.inventory.record_view import RecordListView
from app.ui.inventory.rows_model import RowColumn
from app.ui.notices.editor import NoticeEditor
from app.ui.notices.issuers_dialog import IssuersDialog
from app.ui.translations import QT_TRANSLATE_NOOP
from app.ui.widgets.styles import ERROR_STYLE

CTX = "NoticesView"
SHOWN = {
    "open": "対応が必要なもの", "unread": "未確認（受信箱）", "issuer": "発出元別",
    "system": "システム別", "all": "すべて",
}  # fmt: skip
OPEN = frozenset({"unread", "reading", "acting"})
NO_SYSTEM = "none"  # the システム別 entry of the notices linked to no system


def system_entries(rows: list[NoticeRow]) -> list[tuple[Any, str, int]]:
    """(system id or NO_SYSTEM, name, notices) for the システム別 combo: the systems the
    rows name, in the order the rows list them (by name), then システム未設定."""
    names: dict[int, str] = {}
    count: Counter[Any] = Counter()
    for row in rows:
        names.update(zip(row.system_ids, row.systems, strict=True))
        count.update(row.system_ids or (NO_SYSTEM,))
    order = sorted(names, key=lambda i: (names[i], i))
    entries: list[tuple[Any, str, int]] = [(i, names[i], count[i]) for i in order]
    if count[NO_SYSTEM]:
        entries.append((NO_SYSTEM, "システム未設定", count[NO_SYSTEM]))
    return entries


def _import(session: Session, source: str) -> Any:
    """Read, parse and import one feed (the whole of it, or nothing)."""
    from app.services.notices.feed_import import import_feed
    from app.services.notices.feed_source import read_feed_source
    from app.services.notices.feeds import parse_feed

    got = read_feed_source(source)
    feed = parse_feed(got.data, name=got.name, base_url=got.url, charset=got.charset)
    return import_feed(session, feed, source=got.source)


class NoticesView(RecordListView):
    view_key = "notices"
    title = "通知・法令"
    record_model = Notice
    shows = frozenset({"notice", "notice_deadline", "system", "task"})
    noun = "通知"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        def alert(row: NoticeRow) -> str | None:
            if row.overdue:
                return "error"
            return "warn" if row.status == "unread" else None

        columns = [
            RowColumn(QT_TRANSLATE_NOOP(CTX, "状態"), lambda r: r.status_label, alert=alert),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "発出日"), lambda r: r.issued_on, "date"),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "発出元"), lambda r: r.issuer),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "件名"), lambda r: r.title,
                      tooltip=lambda r: r.title),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "業務システム"), lambda r: "、".join(r.systems),
                      tooltip=lambda r: "\n".join(r.systems)),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "種類"), lambda r: r.kind_label),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "期限"), lambda r: r.deadline, "date",
                      tooltip=lambda r: r.deadline_label),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "タグ"), lambda r: "、".join(r.tags)),
        ]  # fmt: skip
        editor = NoticeEditor(ctx)
        super().__init__(ctx, columns, editor, parent)
        self.notice_editor = editor
        self.table.fit_columns((80, 160, 200, 420, 200, 90, 160, 160), stretch=3)
        self.shown = QComboBox(self)
        for code, label in SHOWN.items():
            self.shown.addItem(self.tr(label), code)
        self.system_box = QComboBox(self)  # システム別: which system; filled from the rows
        self.system_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.system_box.setToolTip(self.tr("通知を表示する業務システム"))
        self.system_box.setVisible(False)
        self.import_button = QPushButton(self.tr("フィードを取り込む…"), self)
        self.import_button.setToolTip(
            self.tr("総務省・デジタル庁などの RSS/Atom フィードのファイル（または URL）から"
                    "新しい通知を取り込みます")
        )  # fmt: skip
        self.issuers_button = QPushButton(self.tr("発出元の一覧…"), self)
        self.issuers_button.setToolTip(
            self.tr("発出元の入力候補を編集し、発出元の表記ゆれを統一します")
        )
        self.issuers_dialog: IssuersDialog | None = None
        self.note = QLabel(self)  # what the last feed import did (kept across reloads)
        self.note.setWordWrap(True)
        at = self.bar.indexOf(self.filter_box)  # after 新規登録 / 再読み込み
        shown = (self.shown, self.system_box, self.import_button, self.issuers_button, self.note)
        for n, widget in enumerate(shown):
            self.bar.insertWidget(at + n, widget)
        self.shown.currentIndexChanged.connect(lambda _i: self._apply_shown())
        self.system_box.currentIndexChanged.connect(lambda _i: self._apply_shown())
        self.issuers_button.clicked.connect(self.edit_issuers)
        menu = QMenu(self.import_button)
        menu.addAction(self.tr("ファイルから…"), self.import_feed)
        menu.addAction(self.tr("URL から（インターネットに接続できるPCで）…"), self.import_from_url)
        self.import_button.setMenu(menu)
        editor.open_system.connect(lambda i: self.record_requested.emit("system", i))
        editor.open_asset.connect(lambda i: self.record_requested.emit("asset", i))
        editor.task_made.connect(lambda i: self.record_requested.emit("task", i))

    @staticmethod
    def load_rows(session: Session, today: date) -> tuple[list[Any], Any]:
        return svc.all_notices(session, today=today), None

    def _populate(self, rows: list[Any], extra: Any) -> None:
        self._all_rows = rows
        self._fill_systems(rows)
        super()._populate(self._chosen(rows), extra)

    def _fill_systems(self, rows: list[NoticeRow]) -> None:
        """The システム別 combo from the rows read; the system chosen stays chosen while
        it has notices."""
        box = self.system_box
        chosen = box.currentData()
        box.blockSignals(True)
        box.clear()
        for key, name, count in system_entries(rows):
            box.addItem(self.tr("{0}（{1}件）").format(name, count), key)
        at = box.findData(chosen) if chosen is not None else -1
        box.setCurrentIndex(at if at >= 0 else min(0, box.count() - 1))
        box.blockSignals(False)

    def _chosen(self, rows: list[NoticeRow]) -> list[NoticeRow]:
        shown = self.shown.currentData() if hasattr(self, "shown") else "open"
        if shown == "unread":
            return [r for r in rows if r.status == "unread"]
        if shown == "open":
            chosen = [r for r in rows if r.status in OPEN]
            return sorted(chosen, key=lambda r: (r.deadline is None, r.deadline or date.max))
        if shown == "issuer":  # the issuers with most notices first; in each as in すべて
            count = Counter(r.issuer for r in rows)
            return sorted(rows, key=lambda r: (-count[r.issuer], r.issuer))  # stable sort
        if shown == "system":  # the chosen system's notices, as in すべて
            system = self.system_box.currentData()
            if system == NO_SYSTEM:
                return [r for r in rows if not r.system_ids]
            return [r for r in rows if system in r.system_ids]
        return rows

    def _apply_shown(self) -> None:
        self.system_box.setVisible(self.shown.currentData() == "system")
        rows = getattr(self, "_all_rows", None)
        if rows is not None:
            super()._populate(self._chosen(rows), self.extra)

    # --- issuers ----------------------------------------------------------------------------

    def edit_issuers(self) -> None:
        """The 発出元の一覧 dialog; a rename it makes reloads the rows (a notice write)."""
        if self.issuers_dialog is not None:  # one at a time: the last one is done with
            self.issuers_dialog.deleteLater()
        dialog = IssuersDialog(self.ctx, self)
        dialog.saved.connect(self.notice_editor.reload_issuers)
        self.issuers_dialog = dialog
        dialog.open()

    # --- feeds ----------------------------------------------------------------------------

    def import_feed(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("フィードのファイル"), str(Path.home()),
            self.tr("フィード (*.rdf *.xml *.rss *.atom);;すべてのファイル (*)"),
        )  # fmt: skip
        if path:
            self.import_from(path)

    def import_from_url(self) -> None:
        url, ok = QInputDialog.getText(self, self.tr("フィードの URL"), self.tr("URL:"),
                                       QLineEdit.EchoMode.Normal, "https://")  # fmt: skip
        if ok and url.strip():
            self.import_from(url.strip())

    def import_from(self, source: str) -> None:
        self.note.setStyleSheet("")
        self.note.setText(self.tr("フィードを取り込んでいます…"))
        self.import_button.setEnabled(False)

        def done(result: Any) -> None:
            self.import_button.setEnabled(True)
            self.note.setText(result.summary())

        def failed(exc: BaseException) -> None:
            self.import_button.setEnabled(True)
            self.note.setStyleSheet(ERROR_STYLE)
            self.note.setText(str(exc))

        self.ctx.jobs.write(_import, source, owner=self, on_result=done, on_error=failed,
                            name="notices-import-feed")  # fmt: skip
