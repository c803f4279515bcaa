"""Asset labels: a PDF of A4 label sheets, each label with a code of the asset tag (a QR
code beside the text, or a CODE128 barcode under it, for the scanners a municipality
already has), the tag in bold, the asset's name, its location, and the organisation's
name (a setting) as a small last line.

The font is IPAexGothic from ``resources/fonts`` (embedded). Text is first shrunk to
fit, then wrapped — between Japanese characters (with simple 禁則) or at spaces, never
inside a word such as a model name or a host name — and only at the smallest size cut
with 「…」, so that it never leaves its label: ``fit_text`` does that and is tested on
its own. IPAexGothic has one weight; the tag is drawn bold by stroking the glyph
outlines as well as filling them. A CODE128 bar narrower than ``MIN_BAR`` would not
scan reliably: such a label is refused with a message naming the tag.

The sheet layouts in SHEETS are approximate (measured from typical products, not
verified on every brand): print a test page on plain paper and hold it against the
label sheet before printing on labels. ``start_position`` (1 = top left, counted
left to right, then down) skips labels already used on a partly used sheet.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode import createBarcodeDrawing
from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import UserError
from app.output_file import replacing
from app.paths import fonts_dir
from app.progress import Progress
from app.store.models import Asset, Location

__all__ = [
    "CODES",
    "SHEETS",
    "LabelGeometry",
    "LabelSheet",
    "code128_drawing",
    "fit_text",
    "label_lines",
    "make_labels",
    "qr_drawing",
]

CODES = {"qr": "QRコード", "code128": "バーコード（CODE128）"}
MIN_BAR = 0.19 * mm  # the narrowest CODE128 module a common handheld scanner reads
MAX_BAR = 0.33 * mm

FONT = "IPAexGothic"
LEADING = 1.2  # line height as a multiple of the font size
PRINTER_MARGIN = 4.5 * mm  # most printers cannot print nearer the paper's edge
ELLIPSIS = "…"
LOCKED_HINT = "PDFを他のプログラムで開いていれば閉じてから、もう一度お試しください。"
# Characters that should not begin a line (simple 禁則).
_NO_LINE_START = set("、。，．・：；？！ー―）」』】〕〉》”’ゃゅょっぁぃぅぇぉャュョッァィゥェォ")
# ... nor end one.
_NO_LINE_END = set("（「『【〔〈《“‘([")
# Words that are never split across lines: runs of letters, digits and signs (model
# names, host names, addresses), of katakana (シンクライアント), of full-width letters.
_TOKEN_RE = re.compile(r"[A-Za-z0-9_.,:;/#()\-]+|[ァ-ヺー・]+|[Ａ-Ｚａ-ｚ０-９]+|\s+|.")


@dataclass(frozen=True)
class LabelSheet:
    """One A4 label sheet layout; lengths in millimetres, all approximate."""

    key: str
    title: str
    columns: int
    rows: int
    width: float  # one label
    height: float
    left: float  # page edge to the first label
    top: float
    pitch_x: float  # left edge to left edge of neighbouring labels
    pitch_y: float

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def origin(self, position: int) -> tuple[float, float]:
        """Bottom-left corner (points) of the label at ``position`` (0-based) on its page."""
        row, col = divmod(position % self.per_page, self.columns)
        x = (self.left + col * self.pitch_x) * mm
        y = A4[1] - (self.top + row * self.pitch_y + self.height) * mm
        return x, y


SHEETS: dict[str, LabelSheet] = {
    s.key: s
    for s in (
        LabelSheet("A4-12", "A4 12面 86.4×42.3mm（A-one 72212 タイプ）",
                   2, 6, 86.4, 42.3, 18.6, 21.6, 86.4, 42.3),
        LabelSheet("A4-24", "A4 24面 70×33.9mm", 3, 8, 70.0, 33.9, 0.0, 12.9, 70.0, 33.9),
        LabelSheet("A4-44", "A4 44面 48.3×25.4mm", 4, 11, 48.3, 25.4, 8.4, 8.8, 48.3, 25.4),
    )
}  # fmt: skip


def register_font() -> str:
    """Register IPAexGothic with reportlab (once per process) and return its name."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(fonts_dir() / "ipaexg.ttf")))
    return FONT


def _width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, FONT, size)


def _wrap(text: str, width: float, size: float) -> list[str] | None:
    """Greedy line breaking: between Japanese characters (not before 、。） nor after
    （「) and at spaces; None when a word (a run of letters, digits and signs) is wider
    than the line — the caller shrinks the text rather than break inside the word."""
    lines: list[str] = []
    line = ""
    for token in _TOKEN_RE.findall(text):
        if _width(line + token, size) <= width:
            line += token
            continue
        if token.isspace():
            lines.append(line)
            line = ""
            continue
        if _width(token, size) > width:
            return None
        space = line.rfind(" ")
        chunk = line[space + 1 :] + token  # since the last space: a name, a phrase
        if space > 0 and _width(chunk, size) <= width:
            token, line = chunk, line[: space + 1]  # break at the space, not inside
        elif len(line) > 1 and (token[0] in _NO_LINE_START or line[-1] in _NO_LINE_END):
            token, line = line[-1] + token, line[:-1]
        if line:
            lines.append(line)
        line = token
    if line:
        lines.append(line)
    return [ln.strip() for ln in lines if ln.strip()]


def _wrap_cut(text: str, width: float, size: float) -> list[str]:
    """As _wrap, but a word wider than the line stands on a line of its own, cut with
    「…」 (only at the smallest size, when shrinking could not make it fit)."""
    lines: list[str] = []
    for part in _TOKEN_RE.findall(text):
        if not part.isspace() and _width(part, size) > width:
            lines.append(_ellipsize(part, width, size))
        elif lines and not part.isspace() and _width(lines[-1] + part, size) <= width:
            lines[-1] += part
        elif not part.isspace():
            lines.append(part)
    return lines


def _ellipsize(text: str, width: float, size: float) -> str:
    if _width(text, size) <= width:
        return text
    while text and _width(text + ELLIPSIS, size) > width:
        text = text[:-1]
    return text + ELLIPSIS


def fit_text(
    text: str,
    *,
    width: float,
    size: float,
    min_size: float,
    max_lines: int | None = None,
    max_height: float | None = None,
) -> tuple[float, list[str]]:
    """Lines of ``text`` no wider than ``width`` points, shrinking from ``size`` down to
    ``min_size`` until they fit ``max_lines`` / ``max_height``; at the smallest size the
    last line that fits ends in 「…」. Returns (font size, lines)."""
    register_font()
    text = " ".join(text.split())
    if not text:
        return size, []
    current = size
    while True:
        allowed = max_lines or 10_000
        if max_height is not None:
            allowed = min(allowed, int(max_height // (current * LEADING)))
        wrapped = _wrap(text, width, current) if allowed > 0 else []
        if allowed > 0 and wrapped is not None and len(wrapped) <= allowed:
            return current, wrapped
        if current - 0.5 < min_size:
            break
        current -= 0.5
    if allowed <= 0:
        return current, []
    lines = wrapped if wrapped is not None else _wrap_cut(text, width, current)
    if len(lines) <= allowed:
        return current, lines
    kept = lines[:allowed]
    rest = "".join(lines[allowed - 1 :])
    kept[-1] = _ellipsize(rest, width, current)
    return current, kept


def qr_drawing(value: str, size: float) -> Drawing:
    """A ``size``-point square drawing of a QR code (level M, 4-module quiet zone)."""
    widget = QrCodeWidget(value, barLevel="M", barBorder=4, barWidth=size, barHeight=size)
    drawing = Drawing(size, size)
    drawing.add(widget)
    return drawing


def code128_drawing(value: str, width: float, height: float) -> Drawing:
    """A CODE128 barcode of ``value`` as wide as fits ``width`` points (quiet zones
    included), ``height`` points tall; ValueError when its bars would be narrower than
    MIN_BAR."""
    modules = Code128(value, barWidth=1, quiet=1, humanReadable=0).width
    bar = min(MAX_BAR, width / modules)
    if bar < MIN_BAR:
        raise ValueError(value)
    drawing: Drawing = createBarcodeDrawing(
        "Code128", value=value, barWidth=bar, barHeight=height, quiet=1, humanReadable=0
    )
    return drawing


@dataclass(frozen=True)
class TextLine:
    text: str
    size: float
    bold: bool
    y: float  # baseline, points below the top of the text box


def label_lines(
    tag: str, name: str, location: str, footer: str, *, width: float, height: float, base: float
) -> list[TextLine]:
    """The text of one label laid out in a ``width`` × ``height`` box (points)."""
    tag_size, tag_lines = fit_text(tag, width=width, size=base, min_size=base * 0.6, max_lines=1)
    small = max(base * 0.7, 5.5)
    loc_size, loc_lines = fit_text(location, width=width, size=small, min_size=5.0, max_lines=2)
    foot_size, foot_lines = fit_text(footer, width=width, size=5.0, min_size=4.5, max_lines=1)
    blocks = [(tag_size, tag_lines, True), (loc_size, loc_lines, False)]
    used = sum(s * LEADING * len(ls) for s, ls, _ in [*blocks, (foot_size, foot_lines, False)])
    name_size, name_lines = fit_text(
        name,
        width=width,
        size=max(base * 0.85, 5.5),
        min_size=max(base * 0.55, 5.5),
        max_height=height - used,
    )
    blocks.insert(1, (name_size, name_lines, False))
    blocks.append((foot_size, foot_lines, False))
    out: list[TextLine] = []
    y = 0.0
    for size, lines, bold in blocks:
        for line in lines:
            y += size * LEADING
            out.append(TextLine(line, size, bold, y - size * (LEADING - 1) - size * 0.12))
    return out


@dataclass(frozen=True)
class LabelGeometry:
    """Where things go on one label, in points from its bottom-left corner."""

    left: float  # white margin inside the label's left edge (the QR starts here)
    qr: float  # side of the QR code (quiet zone included)
    text_x: float
    text_width: float
    text_height: float
    base_size: float  # the tag's font size

    bar_height: float = 0.0  # CODE128: the barcode's height under the text (else 0)

    @classmethod
    def of(cls, sheet: LabelSheet, column: int = 0, code: str = "qr") -> LabelGeometry:
        """The geometry of a label in ``column``: content keeps PRINTER_MARGIN from the
        paper's left and right edges (sheets such as 24面 have labels up to the edge)."""
        w, h = sheet.width * mm, sheet.height * mm
        pad = max(2.0 * mm, min(w, h) * 0.06)
        left_edge = (sheet.left + column * sheet.pitch_x) * mm
        inset_left = max(pad, PRINTER_MARGIN - left_edge)
        inset_right = max(pad, left_edge + w - (A4[0] - PRINTER_MARGIN))
        base = min(12.0, max(7.0, sheet.height * 0.26))
        if code == "code128":  # text across the label, the barcode under it
            bar_height = max(5 * mm, (h - 2 * pad) * 0.34)
            text_height = h - 2 * pad - bar_height - 1 * mm
            width = w - inset_left - inset_right
            return cls(inset_left, 0.0, inset_left, width, text_height, base * 0.85, bar_height)
        qr = min(h - 2 * pad, (w - inset_left - inset_right) * 0.36, 30 * mm)
        text_x = inset_left + qr + 1.5 * mm
        return cls(inset_left, qr, text_x, w - inset_right - text_x, h - 2 * pad, base)


def _draw_label(
    c: Canvas,
    sheet: LabelSheet,
    position: int,
    tag: str,
    name: str,
    location: str,
    footer: str,
    code: str = "qr",
) -> None:
    x, y = sheet.origin(position)
    g = LabelGeometry.of(sheet, position % sheet.columns, code)
    h = sheet.height * mm
    if code == "code128":
        pad = (h - g.text_height - g.bar_height - 1 * mm) / 2
        try:
            bars = code128_drawing(tag, g.text_width, g.bar_height)
        except ValueError:
            raise UserError(
                f"資産管理番号「{tag}」のバーコードは、この用紙では線が細くなりすぎて読み取れない"
                "おそれがあります。QRコードにするか、大きいラベル用紙を選んでください"
            ) from None
        renderPDF.draw(bars, c, x + g.left + (g.text_width - bars.width) / 2, y + pad)
        box_top = y + h - pad
    else:
        pad = (h - g.text_height) / 2
        renderPDF.draw(qr_drawing(tag, g.qr), c, x + g.left, y + (h - g.qr) / 2)
        box_top = y + h - pad
    lines = label_lines(
        tag, name, location, footer, width=g.text_width, height=g.text_height, base=g.base_size
    )
    block = sum(line.size * LEADING for line in lines)
    top = box_top - max(0.0, (g.text_height - block) / 2)  # centred vertically
    for line in lines:
        c.saveState()  # the render mode and line width must not leak into the next line
        t = c.beginText(x + g.text_x, top - line.y)
        t.setFont(FONT, line.size)
        if line.bold:
            c.setLineWidth(line.size * 0.035)
            t.setTextRenderMode(2)  # fill and stroke: a bold look with a single-weight font
        t.textOut(line.text)
        c.drawText(t)
        c.restoreState()


def make_labels(
    session: Session,
    asset_ids: Sequence[int],
    path: Path | str,
    *,
    sheet: str = "A4-12",
    start_position: int = 1,
    footer: str = "",
    code: str = "qr",
    progress: Progress | None = None,
) -> int:
    """Write a PDF of labels for ``asset_ids`` (in that order); return how many were drawn.

    ``footer`` is a small last line on every label (the organisation's name, e.g.
    「ひとり町 総務課」); nothing is printed there when empty. ``code``: "qr" or
    "code128". Raises UserError for no assets, unknown ids, an unknown sheet or code, a
    start position off the sheet, a barcode too narrow to scan, or an unusable file.
    """
    if code not in CODES:
        raise UserError(f"コードの種類が不正です: {code}（{' / '.join(CODES)}）")
    path = Path(path)
    if not asset_ids:
        raise UserError("ラベルを作る資産が選ばれていません。")
    layout = SHEETS.get(sheet)
    if layout is None:
        raise UserError(f"ラベル用紙が不正です: {sheet}（{' / '.join(SHEETS)}）")
    if not 1 <= start_position <= layout.per_page:
        raise UserError(f"開始位置は 1〜{layout.per_page} で指定してください: {start_position}")
    if path.suffix.lower() != ".pdf":
        raise UserError(f"出力ファイルの拡張子は .pdf にしてください: {path.name}")
    ids = list(dict.fromkeys(asset_ids))
    found: dict[int, tuple[str, str, str]] = {}
    stmt = select(Asset.id, Asset.asset_tag, Asset.name, Location.name).outerjoin(
        Location, Location.id == Asset.location_id
    )
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for i, tag, name, loc in session.execute(stmt.where(Asset.id.in_(chunk))):
            found[i] = (tag, name or "", loc or "")
    missing = [i for i in ids if i not in found]
    if missing:
        shown = ", ".join(map(str, missing[:5])) + (" ほか" if len(missing) > 5 else "")
        raise UserError(f"資産が見つかりません（ID {shown}）。削除された可能性があります。")
    register_font()
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4, pageCompression=1)
    c.setTitle("資産ラベル")
    c.setSubject(layout.title)
    c.setCreator("Hitori")
    for n, asset_id in enumerate(ids):
        slot = start_position - 1 + n
        if n and slot % layout.per_page == 0:
            c.showPage()
        _draw_label(c, layout, slot, *found[asset_id], footer, code)
        if progress is not None and n % 100 == 0:
            progress.check()
            progress.report(n, len(ids), "ラベルを作成中…")
    if progress is not None:
        progress.report(len(ids), len(ids), "ラベルを保存中…")
    c.showPage()
    c.save()
    with replacing(path, locked_hint=LOCKED_HINT) as tmp:
        tmp.write_bytes(buffer.getvalue())
    return len(ids)
