"""The flowing document base (app.reports.document) on its own: a three-page document
with a long table read back with pypdf — the page count, 「n / N」 and the header on
every page, the outline of its headings pointing at their pages, the table's header
repeated on the page it continues on, user text printed literally (``<script>``),
Japanese broken with 禁則, links only for http and https, the font embedded as a subset,
a table of contents, and the file written all or nothing."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab.platypus import PageBreak, Paragraph

from app.errors import UserError
from app.reports.document import (
    FRAME_WIDTH,
    DocumentSpec,
    build_pdf,
    escape,
    heading,
    link,
    paragraph,
    styles,
    table,
    table_of_contents,
    title_block,
)

MADE = datetime(2026, 5, 1, 10, 30)
SPEC = DocumentSpec(
    title="事務引継書（試し）",
    subtitle="情報政策係 令和8年度",
    made_at=MADE,
    identity="データ: Hitori　作成: 2026-05-01 10:30",
)
SCRIPT = "<script>alert('x')</script> & 「引用」"
KINSOKU = (
    "これは禁則処理のための試験の文章です。行の頭に句点や読点、閉じ括弧が来てはいけません（例）。"
    * 6
)


def story() -> list[Any]:
    """Page 1: the title, a chapter, the table's first rows; page 2: the rest of the table;
    page 3 (after a break): the second chapter with the user's text."""
    rows = [
        [f"HT-PC-{n:03d}", f"職員用端末 {n} 台目（庁舎{n % 3 + 1}階）", "稼働中"] for n in range(50)
    ]
    return [
        *title_block(SPEC),
        heading("第1章 資産の一覧", 1),
        paragraph(KINSOKU),
        heading("1.1 端末", 2),
        table(rows, ["資産番号", "名称と場所", "状態"], [2, 5, 1.5]),
        PageBreak(),
        heading("第2章 利用者の書いた文字", 1),
        heading("細目（見出しの段が飛んでも作れる）", 3),
        paragraph(SCRIPT),
        Paragraph(link("https://www.digital.go.jp/a?b=1&c=2", "デジタル庁"), styles().body),
        Paragraph(link("javascript:alert(1)"), styles().body),
    ]


@pytest.fixture(scope="module")
def built() -> tuple[PdfReader, int]:
    result = build_pdf(SPEC, story())
    return PdfReader(io.BytesIO(result.data)), result.pages


def texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def test_three_pages_numbered_n_of_n_with_header_and_footer(built) -> None:
    reader, pages = built
    assert pages == len(reader.pages) == 3
    for number, text in enumerate(texts(reader), 1):
        assert f"{number} / 3" in text
        assert "事務引継書（試し）" in text  # the header's title
        assert "令和8年5月1日（2026-05-01）" in text  # the date made, 和暦 and 西暦
        assert "データ: Hitori" in text  # the identity in the footer
    assert reader.metadata is not None
    assert reader.metadata.title == "事務引継書（試し）"
    assert reader.metadata.subject == "情報政策係 令和8年度"
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4 portrait


def test_the_outline_has_every_heading_at_its_page(built) -> None:
    reader, _ = built

    def walk(entries: list[Any], depth: int = 0) -> list[tuple[int, str, int]]:
        out = []
        for entry in entries:
            if isinstance(entry, list):
                out.extend(walk(entry, depth + 1))
            else:
                out.append((depth, entry.title, reader.get_destination_page_number(entry)))
        return out

    assert walk(reader.outline) == [
        (0, "第1章 資産の一覧", 0),
        (1, "1.1 端末", 0),
        (0, "第2章 利用者の書いた文字", 2),
        (1, "細目（見出しの段が飛んでも作れる）", 2),  # level 3 under a level 1: one deeper
    ]


def test_the_long_table_continues_with_its_header(built) -> None:
    reader, _ = built
    first, second, third = texts(reader)
    assert "資産番号" in first and "HT-PC-000" in first
    assert "資産番号" in second and "名称と場所" in second  # the header again
    assert "HT-PC-049" in second and "HT-PC-049" not in first
    every = "".join(texts(reader))
    assert all(every.count(f"HT-PC-{n:03d}") == 1 for n in range(50))  # none lost, none twice
    assert "資産番号" not in third


def test_user_text_is_printed_literally(built) -> None:
    reader, _ = built
    third = texts(reader)[2]
    assert "<script>alert('x')</script> & 「引用」" in third
    assert "javascript:alert(1)" in third  # printed ...
    uris = [
        annot.get_object()["/A"].get("/URI")
        for page in reader.pages
        for annot in page.get("/Annots", [])
        if "/A" in annot.get_object()
    ]
    assert uris == ["https://www.digital.go.jp/a?b=1&c=2"]  # ... but only http(s) is linked


def test_japanese_breaks_with_kinsoku(built) -> None:
    reader, _ = built
    lines = [ln for ln in texts(reader)[0].splitlines() if "禁則" in ln or "括弧" in ln]
    assert len(lines) > 3  # the paragraph was wrapped
    assert not any(line[0] in "、。）」" for line in lines)
    # A line exactly full before 。 or 」: it hangs at the line's end (reportlab's 禁則
    # keeps such characters off the start of a line; it has no rule for 「 at the end).
    full = int(FRAME_WIDTH // styles().body.fontSize)
    for text in ("あ" * full + "。つづき", "い" * full + "」です"):
        reader = PdfReader(io.BytesIO(build_pdf(SPEC, [paragraph(text)]).data))
        lines = texts(reader)[0].splitlines()
        start = next(n for n, ln in enumerate(lines) if ln.startswith(text[0]))
        body = lines[start : start + 2]
        assert "".join(body) == text  # on two lines ...
        assert body[1][0] not in "。」", body  # ... the second not begun by 。 or 」


def test_the_font_is_embedded_as_a_subset(built) -> None:
    reader, _ = built
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    japanese = [name for name in fonts if "IPAexGothic" in name]
    assert japanese and all("+" in name for name in japanese)  # e.g. /AAAAAA+IPAexGothic


def test_escape_keeps_lines_and_drops_control_characters() -> None:
    assert escape("a<b>&c") == "a&lt;b&gt;&amp;c"
    assert escape("一行目\r\n二行目\x00\x1b") == "一行目<br/>二行目"
    assert escape("\u202eevil") == "evil"  # no reordering of what follows
    assert link("ftp://example.jp/x") == "ftp://example.jp/x"
    assert link('https://e.jp/"x"', "表").startswith('<a href="https://e.jp/&quot;x&quot;"')


def test_a_table_of_contents_lists_the_headings_with_pages() -> None:
    result = build_pdf(SPEC, [table_of_contents(), PageBreak(), *story()])
    reader = PdfReader(io.BytesIO(result.data))
    assert result.pages == len(reader.pages) == 4
    contents = texts(reader)[0]
    assert "第1章 資産の一覧" in contents and "第2章 利用者の書いた文字" in contents
    assert "1 / 4" in contents and "4 / 4" in texts(reader)[3]


def test_rows_must_match_the_header() -> None:
    with pytest.raises(ValueError, match="columns"):
        table([["a", "b"]], ["一", "二", "三"])
    with pytest.raises(ValueError, match="width"):
        table([["a"]], ["一"], [0])


def test_the_file_is_written_all_or_nothing(tmp_path: Path) -> None:
    out = tmp_path / "引継書.pdf"
    result = build_pdf(SPEC, [paragraph("一枚だけ")], out)
    assert out.read_bytes() == result.data and result.pages == 1
    assert "1 / 1" in PdfReader(out).pages[0].extract_text()
    with pytest.raises(UserError, match="フォルダ"):
        build_pdf(SPEC, [paragraph("x")], tmp_path / "無い" / "a.pdf")
    with pytest.raises(RuntimeError):  # a failure while laying out: the old file stays
        build_pdf(SPEC, [_Broken()], out)
    assert out.read_bytes() == result.data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["引継書.pdf"]


class _Broken(Paragraph):
    def __init__(self) -> None:
        super().__init__("x", styles().body)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        raise RuntimeError("broken")
