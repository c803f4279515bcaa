"""The ヘルプ menu's windows: バージョン情報 (version, data folder, schema revision,
licences, the bundled font's among them) and the user manual bundled with the program
(resources/manual/manual.md, shown with Qt's own Markdown support: no network)."""

from __future__ import annotations

from html import escape

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.paths import resources_dir
from app.services.about import About, about
from app.ui.context import AppContext

MANUAL = "manual/manual.md"


def manual_text() -> str:
    try:
        return (resources_dir() / MANUAL).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return f"# 利用の手引き\n\n手引きのファイルを読めません: {exc}"


class ManualDialog(QDialog):
    """The user manual, readable offline; links to web pages are not followed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("利用の手引き"))
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(False)
        self.browser.setMarkdown(manual_text())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(760, 620)


class AboutDialog(QDialog):
    """Filled once the facts are read (a read job: the schema revision is in the DB)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("バージョン情報"))
        self.summary = QLabel(self.tr("読み込み中…"), self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tabs = QTabWidget(self)
        self.licences = QTextBrowser(self)
        self.font_licence = QTextBrowser(self)
        self.tabs.addTab(self.licences, self.tr("ライセンス"))
        self.tabs.addTab(self.font_licence, self.tr("フォントのライセンス"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.resize(640, 560)
        ctx.jobs.read(about, owner=self, on_result=self.show_about, name="about")

    def show_about(self, facts: About) -> None:
        data_dir = self.ctx.db.data_dir
        self.summary.setText(
            self.tr(
                "ひとり情シス手帳（Hitori） バージョン {0}\n"
                "データフォルダ: {1}\nスキーマ: {2}\n"
                "Python {3}、Qt {4}（PySide6 {5}）"
            ).format(
                facts.version,
                data_dir.root,
                facts.schema_revision,
                facts.python,
                qVersion(),
                pyside_version,
            )
        )
        rows = "".join(
            f"<tr><td>{escape(p.name)}</td><td>{escape(p.version)}</td>"
            f"<td>{escape(p.licence)}</td></tr>"
            for p in facts.packages
        )
        self.licences.setHtml(
            "<p>ひとり情シス手帳: MIT License</p>"
            "<p>画面と帳票の日本語フォント: IPAexゴシック（IPAフォントライセンスv1.0、"
            "「フォントのライセンス」を参照）</p>"
            "<p>Qt / PySide6: GNU LGPL v3</p>"
            "<p>使用しているPythonパッケージ:</p>"
            f"<table border='1' cellpadding='3'><tr><th>名前</th><th>バージョン</th>"
            f"<th>ライセンス</th></tr>{rows}</table>"
        )
        self.font_licence.setPlainText(facts.font_licence)
