"""The ダイジェスト tab: the digests kept so far (left), a new one composed from the
records of a period (middle: period, sections, title, 前書き and the candidates grouped
by topic, each checked or not, with a comment), and its preview as mail text and HTML
(right). テキストをコピー puts the mail text on the clipboard; 書き出す… writes .txt,
.html or .pdf (in the background); 保存 keeps the digest, so that the next one starts
the day after it. Selecting a kept digest shows it as its records read now, to copy or
write again.

The candidates are read again (in the background, the latest request only) ~300 ms
after the period or the sections last changed; the preview is composed on the UI
thread (pure and quick) from the candidates read, the checks, comments, title and 前書き.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import ClassVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.errors import UserError
from app.jdate import JDateError
from app.services.digests.compose import candidates, compose_content
from app.services.digests.content import Candidate, Content, day_text
from app.services.digests.render import SUFFIXES, as_text, write_digest
from app.services.digests.store import (
    EMPTY,
    DigestSummary,
    create_digest,
    digest_content,
    items_of,
    list_digests,
    next_period,
)
from app.store.changes import Changes
from app.ui.context import AppContext
from app.ui.digests.draft_form import DraftPage
from app.ui.digests.kept_list import KeptDigestsList
from app.ui.digests.kept_page import KeptPage, StatusLine
from app.ui.digests.preview import DigestPreview
from app.ui.layout_memory import remember_splitter, split_evenly
from app.ui.views.base import View

RELOAD_MS = 300  # after the last change of the period or the sections
PREVIEW_MS = 120  # after the last keystroke in the title, 前書き or a comment
FILTERS = {"テキスト（メール用） (*.txt)": ".txt", "HTML (*.html)": ".html", "PDF (*.pdf)": ".pdf"}
Loaded = tuple[date, date, tuple[str, ...]]  # the period and sections candidates are of


def _overview(session: Session, today: date) -> tuple[list[DigestSummary], tuple[date, date]]:
    return list_digests(session), next_period(session, today, "week")


def _save(session: Session, content: Content) -> int:
    digest = create_digest(session, content.title, content.start, content.end,
                           content.sections, content.intro, items_of(content))  # fmt: skip
    return digest.id


def _write(_progress: object, content: Content, path: Path, made_at: datetime,
           identity: str) -> int:  # fmt: skip
    return write_digest(content, path, made_at=made_at, identity=identity)


class DigestsView(View):
    view_key = "digests"
    title = "ダイジェスト"
    opens: ClassVar[frozenset[str]] = frozenset({"digest"})
    shows = frozenset({"digest", "digest_item", "notice", "notice_deadline", "regulation",
                       "regulation_version", "knowledge_note", "knowledge_answer",
                       "tag"})  # fmt: skip
    candidates_loaded = Signal()
    saved = Signal(int)  # the digest kept
    exported = Signal(Path)  # the file written

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._activated = self._stale = self._ready_pending = False
        self._reset_pending = True  # the next overview starts a new digest
        self._loading = self._saving = False
        self._loaded: Loaded | None = None
        self._kept: Content | None = None
        self._kept_id: int | None = None
        self.kept_list = KeptDigestsList(self)
        self.draft_page = DraftPage(ctx.today(), self)
        self.form, self.tree = self.draft_page.form, self.draft_page.tree
        self.kept_page = KeptPage(self)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.draft_page)
        self.pages.addWidget(self.kept_page)
        self.preview = DigestPreview(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        for widget in (self.kept_list, self.pages, self.preview):
            self.splitter.addWidget(widget)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        split_evenly(self.splitter, (14, 52, 34), 1160)
        remember_splitter(self.splitter, ctx.settings, "digests")
        self.status = StatusLine(self)
        self.copy_button = QPushButton(self.tr("テキストをコピー"), self)
        self.copy_button.setToolTip(self.tr("メールに貼り付けるテキストをクリップボードに入れます"))
        self.export_button = QPushButton(self.tr("書き出す…"), self)
        self.export_button.setToolTip(
            self.tr("テキスト（.txt）、HTML（.html）、PDF（.pdf）に書き出します")
        )
        self.save_button = QPushButton(self.tr("保存（次回はこの翌日から）"), self)
        self.save_button.setToolTip(
            self.tr("このダイジェストを保存します。次のダイジェストは期間の翌日から始まります")
        )
        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        for button in (self.copy_button, self.export_button, self.save_button):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(bar)
        self._reload_timer = self._timer(RELOAD_MS, self._load_candidates)
        self._preview_timer = self._timer(PREVIEW_MS, self._update_preview)
        self.form.period_edited.connect(self._period_edited)
        self.form.text_edited.connect(self._preview_timer.start)
        self.tree.changed.connect(self._preview_timer.start)
        self.tree.record_requested.connect(self.record_requested)
        self.kept_page.tree.record_requested.connect(self.record_requested)
        self.kept_list.chosen.connect(self.show_kept)
        self.kept_list.new_requested.connect(self.new_digest)
        self.copy_button.clicked.connect(self.copy_text)
        self.export_button.clicked.connect(self.export)
        self.save_button.clicked.connect(self.save)
        ctx.jobs.watch(self, self.shows, self._data_changed)

    def _timer(self, ms: int, slot: Callable[[], None]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    # --- View ----------------------------------------------------------------------------

    def activate(self) -> None:
        if self._activated and not self._stale:
            self.ready.emit()
            return
        self._activated, self._stale, self._ready_pending = True, False, True
        self._refresh()

    def open_record(self, kind: str, record_id: int) -> None:
        if kind != "digest":
            super().open_record(kind, record_id)  # raises: no other kind is shown here
        self.show_kept(record_id)

    def _emit_ready(self) -> None:
        if self._ready_pending:
            self._ready_pending = False
            self.ready.emit()

    def _data_changed(self, _changes: Changes) -> None:
        if not self._activated:
            return
        if not self.isVisible():
            self._stale = True
            return
        self._refresh()

    def _refresh(self) -> None:
        """The list and the next period; then the candidates (the draft starts again
        from the next period when ``_reset_pending``: first shown, just saved)."""
        self.ctx.jobs.read(_overview, self.ctx.today(), owner=self, key="overview",
                           on_result=self._show_overview, on_error=self._overview_failed,
                           name="digest-overview")  # fmt: skip
        if self._kept_id is not None:
            self.show_kept(self._kept_id)

    def _show_overview(self, result: tuple[list[DigestSummary], tuple[date, date]]) -> None:
        summaries, (start, end) = result
        self.kept_list.show_summaries(summaries, self._kept_id)
        if self._kept is not None:  # its 保存 time, now that the list is read
            self.kept_page.show_content(
                self._kept, self.kept_list.summaries.get(self._kept_id or 0)
            )
        if self._reset_pending:
            self._reset_pending = False
            self.form.reset(start, end)
            self.tree.forget_choices()
        self._load_candidates()

    def _overview_failed(self, exc: BaseException) -> None:
        self.status.refuse(str(exc))
        self._emit_ready()

    # --- the candidates ------------------------------------------------------------------

    def _period_edited(self) -> None:
        self._loading = True  # what is shown is not of the period typed any more
        self._reload_timer.start()

    def _load_candidates(self) -> None:
        self._reload_timer.stop()
        try:
            start, end = self.form.period()
        except UserError as exc:
            self._loading = False
            self._loaded = None
            self.draft_page.show_period_error("" if isinstance(exc, JDateError) else str(exc))
            self._update_preview()
            self._emit_ready()
            return
        loaded = (start, end, self.form.sections())
        self._loading = True
        self.draft_page.count_label.setText(self.tr("候補を読み込んでいます…"))
        self.ctx.jobs.read(candidates, start, end, loaded[2], owner=self, key="candidates",
                           on_result=lambda found: self._show_candidates(loaded, found),
                           on_error=self._candidates_failed,
                           name="digest-candidates")  # fmt: skip

    def _show_candidates(self, loaded: Loaded, found: list[Candidate]) -> None:
        self._loading = False
        self._loaded = loaded
        self.draft_page.show_period_error("")
        self.tree.show_candidates(found)
        self._update_preview()
        self.candidates_loaded.emit()
        self._emit_ready()

    def _candidates_failed(self, exc: BaseException) -> None:
        self._loading = False
        self._loaded = None
        self.draft_page.show_period_error(str(exc))
        self._update_preview()
        self._emit_ready()

    # --- the preview ---------------------------------------------------------------------

    def draft_content(self) -> Content | None:
        """The new digest as it stands (None: no candidates read for a period)."""
        if self._loaded is None:
            return None
        start, end, sections = self._loaded
        return compose_content(self.form.title(), start, end, self.form.intro_text(),
                               self.tree.chosen(), comments=self.tree.comments(),
                               sections=sections)  # fmt: skip

    def _update_preview(self) -> None:
        self._preview_timer.stop()
        content = self.draft_content()
        found, chosen = len(self.tree.candidates()), len(self.tree.chosen())
        if content is None:
            self.draft_page.count_label.setText("")
        elif found:
            self.draft_page.count_label.setText(
                self.tr("候補 {0:,} 件（載せるもの {1:,} 件）。チェックを外すと載せません。"
                        ).format(found, chosen))  # fmt: skip
        else:
            self.draft_page.count_label.setText(
                self.tr("この期間の候補はありません（前書きだけでも送れます）。")
            )
        if self._kept_id is None:
            self.preview.show_content(
                content, self.tr("期間を正しく入力すると、ここに文面が表示されます。")
            )

    def current_content(self, *, allow_empty: bool = False) -> Content:
        """The digest shown (kept, or the new one); UserError saying why there is none."""
        if self._kept_id is not None:
            if self._kept is None:
                raise UserError(self.tr("ダイジェストを読み込んでいます…"))
            return self._kept
        if self._loading or self._reload_timer.isActive():
            raise UserError(self.tr("期間の候補を読み込んでいます。少し待ってからもう一度"
                                    "お試しください。"))  # fmt: skip
        self.form.period()  # says what is wrong with it
        content = self.draft_content()
        if content is None:
            raise UserError(self.tr("期間を正しく入力してください"))
        if content.is_empty and not allow_empty:
            raise UserError(EMPTY)
        return content

    # --- kept digests --------------------------------------------------------------------

    def show_kept(self, digest_id: int) -> None:
        """Show kept digest ``digest_id`` (read in the background) to copy or write again."""
        if self._kept is not None and self._kept.digest_id != digest_id:
            self._kept = None  # another one: nothing to copy until it is read
        self._kept_id = digest_id
        self.kept_list.select(digest_id)
        self._update_buttons()
        self.ctx.jobs.read(digest_content, digest_id, owner=self, key="kept",
                           on_result=self._show_kept, on_error=self._kept_failed,
                           name="digest-content")  # fmt: skip

    def _show_kept(self, content: Content) -> None:
        if content.digest_id != self._kept_id:
            return
        self._kept = content
        self.pages.setCurrentWidget(self.kept_page)
        self.kept_page.show_content(content, self.kept_list.summaries.get(content.digest_id or 0))
        self.preview.show_content(content)
        self._emit_ready()

    def _kept_failed(self, exc: BaseException) -> None:
        self.status.refuse(str(exc))
        self.new_digest()

    def new_digest(self) -> None:
        """Back to the new digest (what was typed in it stays)."""
        self._kept_id, self._kept = None, None
        self.kept_list.select(None)
        self.pages.setCurrentWidget(self.draft_page)
        self._update_buttons()
        self._update_preview()

    # --- copy, write, keep ---------------------------------------------------------------

    def copy_text(self) -> None:
        """The mail text on the clipboard."""
        try:
            content = self.current_content()
        except UserError as exc:
            self.status.refuse(str(exc))
            return
        QApplication.clipboard().setText(as_text(content))
        copied = self.tr("テキストをコピーしました（{0:,} 件）。メールに貼り付けてください。")
        self.status.ok(copied.format(len(content.items)))

    def export(self) -> None:
        try:
            content = self.current_content()
        except UserError as exc:
            self.status.refuse(str(exc))
            return
        name = f"ダイジェスト_{content.start:%Y%m%d}-{content.end:%Y%m%d}.txt"
        path, chosen = QFileDialog.getSaveFileName(
            self, self.tr("ダイジェストを書き出す"), str(Path.home() / name), ";;".join(FILTERS)
        )
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() not in SUFFIXES:
            target = target.with_name(target.name + FILTERS.get(chosen, ".txt"))
        self.export_to(target)

    def export_to(self, path: Path) -> None:
        """Write the digest shown to ``path`` (.txt / .html / .pdf) in the background."""
        try:
            content = self.current_content()
        except UserError as exc:
            self.status.refuse(str(exc))
            return
        made_at = datetime.now().replace(microsecond=0)
        identity = f"データ: {self.ctx.db.data_dir.root.name}　作成: {made_at:%Y-%m-%d %H:%M}"
        self.status.say(self.tr("書き出しています…"))
        self.ctx.jobs.run(_write, content, path, made_at, identity, owner=self, key="export",
                          on_result=lambda pages: self._exported(path, pages),
                          on_error=lambda exc: self.status.refuse(str(exc)),
                          name="digest-export")  # fmt: skip

    def _exported(self, path: Path, pages: int) -> None:
        shape = self.tr("（{0} ページ）").format(pages) if path.suffix.lower() == ".pdf" else ""
        self.status.ok(self.tr("書き出しました{0}: {1}").format(shape, path))
        self.exported.emit(path)

    def save(self) -> None:
        """Keep the new digest (the service refuses an empty one and says why)."""
        if self._kept_id is not None or self._saving:
            return
        try:
            content = self.current_content(allow_empty=True)
        except UserError as exc:
            self.status.refuse(str(exc))
            return
        self._saving = True
        self._update_buttons()
        self.status.say(self.tr("保存しています…"))
        self.ctx.jobs.write(_save, content, owner=self, key="save",
                            on_result=lambda digest_id: self._saved(digest_id, content),
                            on_error=self._save_failed, name="digest-save")  # fmt: skip

    def _saved(self, digest_id: int, content: Content) -> None:
        self._saving = False
        self._update_buttons()
        following = ""
        if content.end < date.max:
            following = self.tr("次のダイジェストは {0} からです。").format(
                day_text(content.end + timedelta(days=1)))  # fmt: skip
        self.status.ok(self.tr("保存しました: {0}（{1:,} 件）。{2}").format(
            content.title, len(content.items), following))  # fmt: skip
        self._reset_pending = True
        self._refresh()
        self.saved.emit(digest_id)

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self._update_buttons()
        self.status.refuse(str(exc))

    def _update_buttons(self) -> None:
        self.save_button.setEnabled(self._kept_id is None and not self._saving)
