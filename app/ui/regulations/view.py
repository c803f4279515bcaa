"""The 法令・規程台帳 tab of the 通知・法令 area: every law, guideline and own rule with its
current version, what takes effect next (施行予定, in yellow) and the own rules that lag
behind a rule they follow (追随遅れ, in red); the rules of the state (and prefecture) or
the own ones only, or only those that lag. The starter set of national rules is adopted
from here (初期データを取り込む), and a rule's 詳細 holds its history and dependencies."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QMessageBox, QPushButton, QWidget
from sqlalchemy.orm import Session

from app.services.regulations import register as svc
from app.services.regulations.register import RegisterRow
from app.services.regulations.starter import AdoptionResult, adopt_starter
from app.store.models import Regulation, RegulationVersion
from app.ui import date_style
from app.ui.context import AppContext
from app.ui.inventory.record_view import RecordListView
from app.ui.inventory.rows_model import RowColumn
from app.ui.regulations.editor import RegulationEditor
from app.ui.translations import QT_TRANSLATE_NOOP
from app.ui.widgets.styles import ERROR_STYLE, OK_STYLE

CTX = "RegulationsView"
SHOWN = {
    "all": "すべて", "national": "国の法令・指針", "own": "自団体の規程",
    "lagging": "追随遅れのみ",
}  # fmt: skip
OUTSIDE = frozenset({"national", "prefecture"})  # 国の法令・指針: rules made elsewhere


def _adopt(session: Session) -> AdoptionResult:
    return adopt_starter(session)


def _regulation_of(session: Session, version_id: int) -> int | None:
    version = session.get(RegulationVersion, version_id)
    return version.regulation_id if version is not None else None


def _name(row: RegisterRow) -> str:
    return row.short_name or row.title


def _name_tip(row: RegisterRow) -> str:
    lines = [row.title]
    if row.number:
        lines.append(row.number)
    if row.owner:
        lines.append(f"所管: {row.owner}")
    return "\n".join(lines)


def _current_on(row: RegisterRow) -> date | None:
    return row.current_effective_on or row.current_revised_on


def _current_tip(row: RegisterRow) -> str:
    if row.current_id is None:
        return "施行されている版はありません" if row.version_count else "改定が登録されていません"
    parts = [row.current_label]
    if row.current_revised_on:
        parts.append(f"公布・改定日 {date_style.shown(row.current_revised_on)}")
    if row.current_effective_on:
        parts.append(f"施行日 {date_style.shown(row.current_effective_on)}")
    return "\n".join(parts)


def _upcoming_tip(row: RegisterRow) -> str:
    if row.upcoming_id is None:
        return ""
    return f"{row.upcoming_label}（{date_style.shown(row.upcoming_effective_on)} 施行予定）"


def _lag_tip(row: RegisterRow) -> str:
    if not row.lagging:
        return ""
    names = "、".join(f"「{t}」" for t in row.lagging_behind)
    return f"{names}の改定に追随していません（{date_style.shown(row.lagging_since)} から）"


def _alert(row: RegisterRow) -> str | None:
    if row.lagging:
        return "error"
    return "warn" if row.upcoming_id is not None else None


class RegulationsView(RecordListView):
    view_key = "regulations"
    title = "法令・規程"
    record_model = Regulation
    shows = frozenset(
        {"regulation", "regulation_version", "regulation_dependency", "task", "notice"}
    )
    opens = frozenset({"regulation", "regulation_version"})
    noun = "法令・規程"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        columns = [
            RowColumn(QT_TRANSLATE_NOOP(CTX, "名称"), _name, tooltip=_name_tip),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "種別"), lambda r: r.kind_label),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "制定主体"), lambda r: r.origin_label),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "現行の版"), lambda r: r.current_label,
                      tooltip=_current_tip),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "施行日/改定日"), _current_on, "date",
                      tooltip=_current_tip),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "施行予定"), lambda r: r.upcoming_effective_on,
                      "date", tooltip=_upcoming_tip),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "追随遅れ"), lambda r: r.lagging_since, "date",
                      alert=_alert, tooltip=_lag_tip),
        ]  # fmt: skip
        editor = RegulationEditor(ctx)
        super().__init__(ctx, columns, editor, parent)
        self.regulation_editor = editor
        self._all_rows: list[RegisterRow] | None = None
        # Seven columns in the table's share of a 1366-pixel screen: long names, labels
        # and the 和暦 of a date are cut (whole in the tooltips); the name takes what
        # is left on a wider screen.
        self.table.fit_columns((160, 84, 52, 96, 120, 120, 120), stretch=0)
        if ctx.settings.value(f"layout/{self.view_key}/detail") is None:
            self.splitter.setSizes([800, 380])  # the user's sizes are restored otherwise
        self.shown = QComboBox(self)
        for code, label in SHOWN.items():
            self.shown.addItem(self.tr(label), code)
        self.shown.setItemData(1, self.tr("国・都道府県が定めた法令・指針"),
                               Qt.ItemDataRole.ToolTipRole)  # fmt: skip
        self.shown.setToolTip(self.tr("表示する法令・規程"))
        self.starter_button = QPushButton(self.tr("初期データを取り込む…"), self)
        self.starter_button.setToolTip(
            self.tr("自治体の情報部門が従う国の法令・指針とその改定を台帳に追加します"
                    "（登録済みのもの・削除したものはそのまま）")
        )  # fmt: skip
        self.note = QLabel(self)  # what the last adoption did (kept across reloads)
        self.note.setWordWrap(True)
        self.note.setVisible(False)
        at = self.bar.indexOf(self.filter_box)  # after 新規登録 / 再読み込み
        self.bar.insertWidget(at, self.shown)
        self.bar.insertWidget(self.bar.indexOf(self.count_label), self.starter_button)
        layout = self.layout()
        assert layout is not None
        layout.insertWidget(1, self.note)  # type: ignore[attr-defined]
        self.shown.currentIndexChanged.connect(lambda _i: self._apply_shown())
        self.starter_button.clicked.connect(self.ask_adopt_starter)
        editor.open_regulation.connect(self.show_record)

    @staticmethod
    def load_rows(session: Session, today: date) -> tuple[list[Any], Any]:
        return svc.register_rows(session, today), None

    # --- public ------------------------------------------------------------------------

    def open_record(self, kind: str, record_id: int) -> None:
        """A rule, or a version: its rule is opened with the version selected."""
        if kind != "regulation_version":
            self.show_record(record_id)
            return

        def found(regulation_id: int | None) -> None:
            if regulation_id is None:
                self._say(self.tr("改定（ID {0}）は見つかりません。削除された可能性があります。")
                          .format(record_id), error=True)  # fmt: skip
                return
            self.regulation_editor.select_version(record_id)
            self.show_record(regulation_id)

        self.ctx.jobs.read(_regulation_of, record_id, owner=self, key="open-version",
                           on_result=found, name="regulation-of-version")  # fmt: skip

    def show_record(self, record_id: int) -> None:
        rows = self._all_rows
        shown = self.model.row_for_id(record_id) is not None
        if rows is not None and not shown and any(r.id == record_id for r in rows):
            self.shown.setCurrentIndex(0)  # filtered out: すべて
        super().show_record(record_id)

    def show_only(self, subset: str) -> None:
        """Show one subset of the rules (a key of the combo: "lagging" from the
        dashboard's 追随遅れの規程)."""
        at = self.shown.findData(subset)
        if at >= 0:
            self.shown.setCurrentIndex(at)

    def ask_adopt_starter(self) -> None:
        answer = QMessageBox.question(
            self, self.tr("初期データの取り込み"),
            self.tr("国の法令・指針（標準化法、情報セキュリティポリシーガイドライン など）と"
                    "その改定を台帳に追加します。\n登録済みのもの、削除したものは変更しません。"
                    "取り込みますか？"),
        )  # fmt: skip
        if answer == QMessageBox.StandardButton.Yes:
            self.adopt_starter()

    def adopt_starter(self) -> None:
        """Adopt the bundled starter set (one write); its summary stays in the note."""
        self._say(self.tr("初期データを取り込んでいます…"))
        self.starter_button.setEnabled(False)

        def done(result: AdoptionResult) -> None:
            self.starter_button.setEnabled(True)
            self._say(result.summary(), ok=True)

        def failed(exc: BaseException) -> None:
            self.starter_button.setEnabled(True)
            self._say(str(exc), error=True)

        self.ctx.jobs.write(_adopt, owner=self, on_result=done, on_error=failed,
                            name="regulations-starter")  # fmt: skip

    # --- internals ---------------------------------------------------------------------

    def _say(self, text: str, *, error: bool = False, ok: bool = False) -> None:
        self.note.setStyleSheet(ERROR_STYLE if error else OK_STYLE if ok else "")
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def _populate(self, rows: list[Any], extra: Any) -> None:
        self._all_rows = rows
        super()._populate(self._chosen(rows), extra)

    def _chosen(self, rows: list[RegisterRow]) -> list[RegisterRow]:
        shown = self.shown.currentData() if hasattr(self, "shown") else "all"
        if shown == "national":
            return [r for r in rows if r.origin in OUTSIDE]
        if shown == "own":
            return [r for r in rows if r.origin not in OUTSIDE]
        if shown == "lagging":
            return [r for r in rows if r.lagging]
        return rows

    def _apply_shown(self) -> None:
        if self._all_rows is not None:
            super()._populate(self._chosen(self._all_rows), self.extra)

    def _update_count(self) -> None:
        super()._update_count()
        lagging = sum(1 for r in self._all_rows or () if r.lagging)
        if lagging:
            self.count_label.setText(
                self.count_label.text() + self.tr("（追随遅れ {0} 件）").format(lagging)
            )
