"""A digest as it will be sent: the mail text (as_text) and the HTML (as_html, shown by
a QTextBrowser that follows no link; every text in it is escaped by as_html). Both are
pure and quick; the HTML is laid out only while its tab is shown."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QPlainTextEdit, QTabWidget, QTextBrowser, QWidget

from app.services.digests.content import Content
from app.services.digests.render import as_html, as_text

MAIL_FONTS = ("BIZ UDGothic", "MS Gothic", "Osaka-Mono")


class DigestPreview(QTabWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.content: Content | None = None
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        # Wrapped to the pane (the mail's own lines are 72 columns: wider than the pane
        # at 1366×768); the text copied and written keeps its lines.
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        # As a Japanese mail program shows plain text: a font whose ASCII is half the
        # width of a Japanese character (Windows), else the fixed font, Japanese falling
        # back to the application's.
        font = QFont(self.text.font())
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()
        font.setFamilies([*MAIL_FONTS, fixed, *font.families()])
        self.text.setFont(font)
        self.html = QTextBrowser(self)
        self.html.setOpenLinks(False)
        self.html.setOpenExternalLinks(False)
        self._html_stale = False
        self.addTab(self.text, self.tr("テキスト（メール）"))
        self.addTab(self.html, self.tr("HTML"))
        self.currentChanged.connect(lambda _i: self._render_html())

    def show_content(self, content: Content | None, placeholder: str = "") -> None:
        """Show ``content`` (None: ``placeholder`` in place of the digest)."""
        self.content = content
        bar = self.text.verticalScrollBar()
        at = bar.value()
        self.text.setPlainText(as_text(content) if content is not None else placeholder)
        bar.setValue(at)  # typing a comment keeps the place read
        self._html_stale = True
        self._render_html()

    def text_shown(self) -> str:
        return self.text.toPlainText()

    def _render_html(self) -> None:
        if not self._html_stale or self.currentWidget() is not self.html:
            return
        self._html_stale = False
        if self.content is None:
            self.html.setPlainText(self.text.toPlainText())
            return
        bar = self.html.verticalScrollBar()
        at = bar.value()
        self.html.setHtml(as_html(self.content))
        bar.setValue(at)
