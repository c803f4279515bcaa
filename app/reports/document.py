"""The base of Hitori's flowing documents (the digest now, the 事務引継書 later): A4
portrait pages of Japanese text built with reportlab's platypus.

What a document gets from here:

- ``DocumentSpec``: its title and subtitle, when it was made and the identity of the
  data it was made from (the data folder's name and the time, say). Every page has a
  header (the title, and the date made in 和暦 and 西暦) and a footer (the identity and
  「n / N」, N the number of pages: the document is laid out a second time once N is
  known; the header and footer sit outside the frame, so the second pass lays out the
  same pages).
- ``styles()``: paragraph styles in IPAexGothic (embedded as a subset) with
  ``wordWrap="CJK"``, so that Japanese breaks between any two characters with reportlab's
  禁則 (、。」） and small kana never begin a line: one that would hangs at the end of
  the previous one; reportlab has no rule for 「（ at a line's end), and a run of Latin
  letters breaks at a space where it can: title, subtitle, h1–h3, body, small, and the
  table's cells.
- ``paragraph(text)``: user text printed as it is: ``escape`` turns ``& < >`` into
  entities (a ``<script>`` in a title prints as ``<script>``), drops control characters
  and keeps line breaks; ``link(url)`` is a link only for http and https addresses.
- ``heading(text, level)``: a heading (level 1–3) that adds an entry to the PDF's
  outline (bookmarks, a level never deeper than one below the previous heading's) and
  to a ``table_of_contents()`` if the story has one (built in as many passes as it
  needs).
- ``table(rows, header, col_widths)``: cells as wrapping paragraphs, the header row
  repeated at the top of every page the table continues on.
- ``build_pdf(spec, story, path)``: the PDF's bytes and page count, and the file
  written all or nothing (app.output_file.replacing) when a path is given.

This module sits below app/services: it takes plain values, never records.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as _xml_escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import registerFontFamily, stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from app.jdate import to_wareki
from app.output_file import replacing
from app.reports.asset_labels import ELLIPSIS, FONT, register_font

__all__ = [
    "FRAME_WIDTH",
    "PAGE",
    "BuiltDocument",
    "DocumentSpec",
    "Heading",
    "Styles",
    "build_pdf",
    "date_text",
    "escape",
    "heading",
    "is_web_address",
    "link",
    "paragraph",
    "render_pdf",
    "styles",
    "table",
    "table_of_contents",
    "title_block",
]

PAGE = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 22 * mm  # the header sits in it
MARGIN_BOTTOM = 20 * mm  # the footer sits in it
FRAME_WIDTH = PAGE[0] - 2 * MARGIN_X
FRAME_HEIGHT = PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM
HEADER_SIZE = 8.0
FOOTER_SIZE = 7.5
GREY = colors.Color(0.4, 0.4, 0.4)
RULE = colors.Color(0.7, 0.7, 0.7)
HEAD_FILL = colors.Color(0.90, 0.92, 0.95)
LINK_COLOUR = colors.Color(0.05, 0.25, 0.6)
LOCKED_HINT = "PDFを他のプログラムで開いていれば閉じてから、もう一度お試しください。"
KEEP_ROOM = 40 * mm  # a heading starts a page when less is left below it
TOC_LEVELS = 2  # headings of levels 1 and 2 are in a table of contents
MAX_PASSES = 6  # the page count, and a table of contents that moves pages

# C0 and C1 control characters (but tab and line feed) and bidirectional overrides:
# nothing a reader should see, and some upset the paragraph parser.
_SPACES = re.compile(r"[ \t\r\n\f\v]+")  # not U+3000, a Japanese separator of its own
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class DocumentSpec:
    """What every page says about its document.

    ``title`` is printed in each page's header (cut with 「…」 when it is too long for
    it) and is the PDF's title; ``subtitle`` is the PDF's subject and is printed under
    the title by ``title_block``; ``made_at`` (local time) is the date in the header;
    ``identity`` (the data it was made from: folder name, time) is in each footer.
    """

    title: str
    subtitle: str
    made_at: datetime
    identity: str = ""


@dataclass(frozen=True)
class BuiltDocument:
    data: bytes
    pages: int


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    head_cell: ParagraphStyle

    def for_level(self, level: int) -> ParagraphStyle:
        """The heading style of ``level`` (1–3; deeper ones take h3's)."""
        return (self.h1, self.h2, self.h3)[min(max(level, 1), 3) - 1]


@functools.cache
def styles() -> Styles:
    """The documents' paragraph styles (IPAexGothic registered on first use)."""
    register_font()
    # One weight only: <b> and <i> in our own markup map to the same face.
    registerFontFamily(FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT)

    def style(name: str, size: float, **kw: Any) -> ParagraphStyle:
        base: dict[str, Any] = {
            "fontName": FONT,
            "fontSize": size,
            "leading": size * 1.55,
            "wordWrap": "CJK",
            "alignment": TA_LEFT,
            "allowOrphans": 0,
            "allowWidows": 0,
        }
        return ParagraphStyle(name, **(base | kw))

    return Styles(
        title=style("Title", 18, leading=24, spaceAfter=2 * mm),
        subtitle=style("Subtitle", 9.5, textColor=GREY, spaceAfter=5 * mm),
        h1=style("H1", 14, leading=20, spaceBefore=5 * mm, spaceAfter=2 * mm, keepWithNext=1),
        h2=style("H2", 11.5, leading=16, spaceBefore=3.5 * mm, spaceAfter=1.2 * mm,
                 keepWithNext=1),
        h3=style("H3", 10, leading=14, spaceBefore=2.5 * mm, spaceAfter=0.8 * mm,
                 keepWithNext=1),
        body=style("Body", 9.5, spaceAfter=1.5 * mm),
        small=style("Small", 8, leading=11.5, textColor=GREY, spaceAfter=1 * mm),
        cell=style("Cell", 8.5, leading=12),
        head_cell=style("HeadCell", 8.5, leading=12),
    )  # fmt: skip


def escape(text: str) -> str:
    """``text`` as Paragraph markup that prints it literally: ``& < >`` as entities,
    control characters dropped, line breaks kept (``<br/>``)."""
    clean = _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "<br/>".join(_xml_escape(line) for line in clean.split("\n"))


def is_web_address(url: str) -> bool:
    """True for an http or https address (the only ones a document links)."""
    return re.match(r"(?i)https?://\S+$", url.strip()) is not None


def link(url: str, label: str | None = None) -> str:
    """Paragraph markup for ``url``: a link when it is an http or https address, else its
    text only (a ``javascript:`` or ``file:`` address is printed, never linked)."""
    shown = escape(label if label is not None else url)
    if not is_web_address(url):
        return shown
    href = _xml_escape(url.strip(), {'"': "&quot;"})
    return f'<a href="{href}" color="#{LINK_COLOUR.hexval()[2:]}">{shown}</a>'


def paragraph(text: str, style: ParagraphStyle | None = None) -> Paragraph:
    """A paragraph printing ``text`` as it is (``escape``), in ``style`` (default body)."""
    return Paragraph(escape(text), style or styles().body)


class Heading(Paragraph):
    """A heading: a paragraph the document adds to its outline and table of contents."""

    def __init__(self, text: str, level: int, style: ParagraphStyle | None = None) -> None:
        super().__init__(escape(text), style or styles().for_level(level))
        self.plain_text = " ".join(text.split())
        self.level = max(1, level)
        self.key = f"h{id(self):x}"


def heading(text: str, level: int = 1) -> Heading:
    """A heading of ``level`` (1: a part, 2: a section, 3: an item) in its style."""
    return Heading(text, level)


def title_block(spec: DocumentSpec) -> list[Flowable]:
    """The title and subtitle printed at the top of the first page."""
    s = styles()
    out: list[Flowable] = [paragraph(spec.title, s.title)]
    if spec.subtitle:
        out.append(paragraph(spec.subtitle, s.subtitle))
    else:
        out.append(Spacer(1, 3 * mm))
    return out


def table_of_contents() -> TableOfContents:
    """A table of contents of the story's headings (levels 1 and 2) with page numbers."""
    s = styles()
    toc = TableOfContents(dotsMinLevel=0)
    toc.levelStyles = [
        ParagraphStyle("TOC1", parent=s.body, leftIndent=0, firstLineIndent=0, spaceAfter=0.6 * mm),
        ParagraphStyle("TOC2", parent=s.body, fontSize=8.5, leftIndent=6 * mm, firstLineIndent=0,
                       spaceAfter=0.4 * mm),
    ]  # fmt: skip
    return toc


def _cell(value: str | Flowable, style: ParagraphStyle) -> Flowable:
    return value if isinstance(value, Flowable) else Paragraph(escape(str(value)), style)


def table(
    rows: Iterable[Sequence[str | Flowable]],
    header: Sequence[str],
    col_widths: Sequence[float] | None = None,
) -> Table:
    """A table with ``header`` repeated on every page it continues on; each text cell a
    wrapping paragraph (printed as it is). ``col_widths`` are relative (any unit), scaled
    to the frame's width; none: equal columns."""
    s = styles()
    weights = list(col_widths) if col_widths else [1.0] * len(header)
    if len(weights) != len(header) or min(weights) <= 0:
        raise ValueError("one positive width per column")
    widths = [FRAME_WIDTH * w / sum(weights) for w in weights]
    data: list[list[Flowable]] = [[_cell(h, s.head_cell) for h in header]]
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"a row of {len(row)} cells in a table of {len(header)} columns")
        data.append([_cell(v, s.cell) for v in row])
    result = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    result.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
                ("GRID", (0, 0), (-1, -1), 0.4, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 1.6 * mm),
                ("RIGHTPADDING", (0, 0), (-1, -1), 1.6 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 1.0 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2 * mm),
            ]
        )
    )
    return result


def date_text(moment: datetime) -> str:
    """「令和8年5月1日（2026-05-01）」: a date in 和暦 and 西暦."""
    day = moment.date()
    return f"{to_wareki(day)}（{day.isoformat()}）"


def _fit(text: str, width: float, size: float) -> str:
    """``text`` on one line no wider than ``width``, cut with 「…」 if needed."""
    text = _SPACES.sub(" ", text).strip(" ")
    if stringWidth(text, FONT, size) <= width:
        return text
    while text and stringWidth(text + ELLIPSIS, FONT, size) > width:
        text = text[:-1]
    return text + ELLIPSIS


class _PageCount(Flowable):
    """Zero-sized, first in the story: the number of pages of the previous pass (the
    footer's N) and of this one; the build is done when they agree."""

    def __init__(self, doc: BaseDocTemplate) -> None:
        super().__init__()
        self.doc = doc
        self.previous: int | None = None
        self.total: int | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0.0, 0.0

    def draw(self) -> None:
        pass

    def isIndexing(self) -> int:
        return 1

    def beforeBuild(self) -> None:
        self.previous = self.total

    def afterBuild(self) -> None:
        self.total = self.doc.page

    def isSatisfied(self) -> bool:
        return self.total is not None and self.total == self.previous

    def notify(self, kind: str, stuff: object) -> None:
        pass  # the document tells every indexing flowable of every heading


class _HeadingWithNext(KeepTogether):
    """A heading (``keepWithNext``) and what follows it: moved whole to the next page
    when it does not fit here but fits on a page; when it is longer than a page (a long
    table), begun here if at least KEEP_ROOM is left (reportlab's KeepTogether would
    move it to the next page, leaving this one half empty)."""

    def split(self, aW: float, aH: float) -> list[Flowable]:
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        if self._H > FRAME_HEIGHT and aH >= KEEP_ROOM:
            return list(self._content)
        return list(super().split(aW, aH))


class _Template(BaseDocTemplate):
    def __init__(self, buffer: io.BytesIO, spec: DocumentSpec) -> None:
        super().__init__(
            buffer,
            pagesize=PAGE,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=spec.title,
            subject=spec.subtitle,
            author="",
            creator="Hitori",
            producer="Hitori (ReportLab)",
            pageCompression=1,
            keepTogetherClass=_HeadingWithNext,
        )
        self.spec = spec
        self.counter = _PageCount(self)
        self._last_level = -1
        frame = Frame(MARGIN_X, MARGIN_BOTTOM, FRAME_WIDTH, FRAME_HEIGHT, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)  # fmt: skip
        self.addPageTemplates([PageTemplate("page", frames=[frame], onPage=self._decorate)])

    def beforeDocument(self) -> None:
        self._last_level = -1
        self.canv.showOutline()  # open the outline pane in the reader

    def _decorate(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        """The header and the footer of the page being begun."""
        spec = self.spec
        width, height = PAGE
        canvas.saveState()
        canvas.setFont(FONT, HEADER_SIZE)
        canvas.setFillColor(GREY)
        top = height - MARGIN_TOP + 8 * mm
        made = f"作成日 {date_text(spec.made_at)}"
        made_width = stringWidth(made, FONT, HEADER_SIZE)
        canvas.drawRightString(width - MARGIN_X, top, made)
        canvas.drawString(MARGIN_X, top, _fit(spec.title, FRAME_WIDTH - made_width - 6 * mm,
                                              HEADER_SIZE))  # fmt: skip
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, top - 2.2 * mm, width - MARGIN_X, top - 2.2 * mm)
        bottom = MARGIN_BOTTOM - 10 * mm
        canvas.line(MARGIN_X, bottom + 4 * mm, width - MARGIN_X, bottom + 4 * mm)
        canvas.setFont(FONT, FOOTER_SIZE)
        total = self.counter.previous
        number = f"{doc.page} / {total}" if total else f"{doc.page}"
        number_width = stringWidth(number, FONT, FOOTER_SIZE)
        canvas.drawRightString(width - MARGIN_X, bottom, number)
        identity = _fit(spec.identity, FRAME_WIDTH - number_width - 6 * mm, FOOTER_SIZE)
        canvas.drawString(MARGIN_X, bottom, identity)
        canvas.restoreState()

    def afterFlowable(self, flowable: Flowable) -> None:
        """A heading's outline entry (at its place on the page) and contents entry."""
        if not isinstance(flowable, Heading):
            return
        # An outline level can be at most one deeper than the previous entry's.
        level = min(flowable.level - 1, self._last_level + 1)
        self._last_level = level
        top = self.frame._y + flowable.height
        self.canv.bookmarkPage(flowable.key, fit="XYZ", left=0, top=top)
        self.canv.addOutlineEntry(flowable.plain_text, flowable.key, level=level, closed=False)
        if flowable.level <= TOC_LEVELS:
            entry = (level, escape(flowable.plain_text), self.page, flowable.key)
            self.notify("TOCEntry", entry)


def render_pdf(spec: DocumentSpec, story: Sequence[Flowable]) -> BuiltDocument:
    """The PDF of ``story`` under ``spec``'s header and footer."""
    styles()  # the font, registered
    buffer = io.BytesIO()
    doc = _Template(buffer, spec)
    doc.multiBuild([doc.counter, *story], maxPasses=MAX_PASSES)
    assert doc.counter.total is not None
    return BuiltDocument(buffer.getvalue(), doc.counter.total)


def build_pdf(
    spec: DocumentSpec, story: Sequence[Flowable], path: Path | None = None
) -> BuiltDocument:
    """The PDF of ``story``; with ``path``, also written there all or nothing (a
    UserError names a file that cannot be written; nothing is laid out then)."""
    if path is None:
        return render_pdf(spec, story)
    with replacing(path, locked_hint=LOCKED_HINT) as tmp:
        built = render_pdf(spec, story)
        tmp.write_bytes(built.data)
    return built
