"""Asset labels: PDF read back (pages, text, embedded font), QR drawn, text that fits."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth

from app.errors import UserError
from app.reports import asset_labels
from app.reports.asset_labels import (
    FONT,
    LEADING,
    SHEETS,
    LabelGeometry,
    fit_text,
    label_lines,
    make_labels,
)
from app.store.models import Asset, Location

LONG_NAME = "住民基本台帳ネットワークシステム用の窓口端末（戸籍住民課）" * 8  # 232 chars


@pytest.fixture
def asset_ids(db) -> list[int]:
    """45 assets (more than the largest sheet) with Japanese names and a location."""
    with db.sessions.begin() as s:
        loc = Location(name="本庁舎2階 総務課")
        s.add(loc)
        s.flush()
        assets = [
            Asset(asset_tag=f"HT-{i:03d}", name=f"事務用PC{i}号機", location_id=loc.id)
            for i in range(45)
        ]
        assets[1].name = LONG_NAME
        s.add_all(assets)
        s.flush()
        return [a.id for a in assets]


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def labels(db, ids: list[int], path: Path, **kw) -> int:
    with db.sessions() as s:
        return make_labels(s, ids, path, **kw)


@pytest.mark.parametrize(
    ("sheet", "count", "start", "pages"),
    [
        ("A4-12", 1, 1, 1),
        ("A4-12", 12, 1, 1),
        ("A4-12", 13, 1, 2),
        ("A4-12", 30, 1, 3),
        ("A4-12", 1, 12, 1),
        ("A4-12", 2, 12, 2),
        ("A4-24", 24, 1, 1),
        ("A4-24", 25, 1, 2),
        ("A4-24", 30, 20, 3),
        ("A4-44", 30, 1, 1),
        ("A4-44", 44, 1, 1),
        ("A4-44", 45, 1, 2),
        ("A4-44", 2, 44, 2),
    ],
)
def test_page_count(db, asset_ids, out_dir, sheet, count, start, pages) -> None:
    out = out_dir / "labels.pdf"
    assert labels(db, asset_ids[:count], out, sheet=sheet, start_position=start) == count
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == pages
    assert all(abs(float(p.mediabox.width) - A4[0]) < 0.5 for p in reader.pages)


def test_text_and_embedded_font(db, asset_ids, out_dir) -> None:
    out = out_dir / "labels.pdf"
    labels(db, asset_ids[:13], out)
    reader = pypdf.PdfReader(out)
    text = "".join(p.extract_text() for p in reader.pages)
    for i in range(13):
        assert f"HT-{i:03d}" in text
    assert "事務用PC0号機" in text and "本庁舎2階 総務課" in text
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = [f.get_object()["/BaseFont"] for f in fonts.values()]
    assert any("IPAexGothic" in n for n in names), names
    assert reader.metadata.title == "資産ラベル"
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    plain = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "HT-012" in plain and "事務用PC12号機" in plain


def test_each_label_gets_a_qr_code_of_its_tag(db, asset_ids, out_dir, monkeypatch) -> None:
    drawn: list[str] = []
    real = asset_labels.qr_drawing

    def spy(value: str, size: float):
        drawn.append(value)
        return real(value, size)

    monkeypatch.setattr(asset_labels, "qr_drawing", spy)
    labels(db, asset_ids[:3], out_dir / "l.pdf", sheet="A4-44")
    assert drawn == ["HT-000", "HT-001", "HT-002"]
    drawing = real("HT-000", 50)
    widget = drawing.contents[0]
    assert isinstance(widget, QrCodeWidget) and widget.value == "HT-000"
    assert (drawing.width, drawing.height) == (50, 50)


def _gray(pdf: Path, dpi: int, tmp: Path) -> tuple[int, int, bytes]:
    """Page 1 of ``pdf`` as 8-bit gray pixels, via pdftoppm."""
    subprocess.run(
        ["pdftoppm", "-gray", "-r", str(dpi), "-f", "1", "-l", "1", str(pdf), str(tmp / "p")],
        check=True,
    )
    data = next(tmp.glob("p*.pgm")).read_bytes()
    magic, width, height, maxval, pixels = data.split(maxsplit=4)
    assert magic == b"P5" and maxval == b"255"
    return int(width), int(height), pixels


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm not installed")
def test_qr_area_is_drawn_and_skipped_labels_stay_blank(db, asset_ids, out_dir) -> None:
    out = out_dir / "l.pdf"
    labels(db, asset_ids[:1], out, sheet="A4-12", start_position=2)
    dpi = 72
    width, _height, pixels = _gray(out, dpi, out_dir)
    sheet = SHEETS["A4-12"]

    def dark_share(position: int) -> float:
        x, y = sheet.origin(position)
        g = LabelGeometry.of(sheet, position % sheet.columns)
        top = A4[1] - (y + (sheet.height * 72 / 25.4 + g.qr) / 2)
        x0, y0, side = int(x + g.left) + 2, int(top) + 2, int(g.qr) - 4
        dark = sum(
            pixels[(y0 + r) * width + x0 + c] < 128 for r in range(side) for c in range(side)
        )
        return dark / (side * side)

    assert 0.2 < dark_share(1) < 0.8  # the QR code of the one label
    assert dark_share(0) == 0.0  # the used label that was skipped


@pytest.mark.parametrize("sheet", sorted(SHEETS))
def test_long_japanese_text_never_leaves_the_label(sheet) -> None:
    layout = SHEETS[sheet]
    for column in range(layout.columns):
        g = LabelGeometry.of(layout, column)
        assert g.text_width > 50 and g.qr > 40  # points: readable, scannable
        assert g.left + g.qr < g.text_x and g.text_x + g.text_width <= layout.width * 72 / 25.4
        lines = label_lines(
            "HT-PC-" + "0" * 40, LONG_NAME, "本庁舎" * 30, "情報政策係" * 10,
            width=g.text_width, height=g.text_height, base=g.base_size,
        )  # fmt: skip
        assert sum(line.size * LEADING for line in lines) <= g.text_height + 0.01
        for line in lines:
            assert stringWidth(line.text, FONT, line.size) <= g.text_width + 0.01, line
            assert line.size >= 4.5
        assert lines[0].bold and lines[0].text.startswith("HT-PC-")
        assert sum(1 for line in lines if line.bold) == 1
        assert any(line.text.endswith("…") for line in lines)  # the name was cut


def test_fit_text_wraps_shrinks_then_cuts() -> None:
    size, lines = fit_text("事務用PC", width=200, size=10, min_size=6, max_lines=1)
    assert (size, lines) == (10, ["事務用PC"])
    size, lines = fit_text("あ" * 30, width=100, size=10, min_size=6, max_lines=2)
    assert size < 10 and len(lines) == 2 and "".join(lines) == "あ" * 30
    size, lines = fit_text(LONG_NAME, width=100, size=10, min_size=6, max_height=40)
    assert size == 6 and len(lines) == int(40 // (6 * LEADING)) and lines[-1].endswith("…")
    assert all(stringWidth(line, FONT, size) <= 100 for line in lines)
    _, lines = fit_text("Fortinet FortiGate 60F", width=60, size=8, min_size=8, max_lines=3)
    assert lines[0] == "Fortinet"  # ASCII words are not split where they fit
    _, lines = fit_text("ＡＢＣＤＥＦ、ＧＨ", width=stringWidth("ＡＢＣＤＥＦ", FONT, 10), size=10,
                        min_size=10, max_lines=3)  # fmt: skip
    assert not lines[1].startswith("、")  # 禁則: no comma at the start of a line
    assert fit_text("  ", width=10, size=8, min_size=6) == (8, [])


@pytest.mark.parametrize(
    ("kw", "words"),
    [
        ({"sheet": "A4-99"}, "ラベル用紙"),
        ({"start_position": 0}, "1〜12"),
        ({"start_position": 13}, "1〜12"),
        ({"sheet": "A4-44", "start_position": 45}, "1〜44"),
    ],
)
def test_bad_options(db, asset_ids, out_dir, kw, words) -> None:
    with pytest.raises(UserError, match=words):
        labels(db, asset_ids[:1], out_dir / "l.pdf", **kw)


def test_bad_input_and_targets(db, asset_ids, out_dir) -> None:
    with pytest.raises(UserError, match="選ばれていません"):
        labels(db, [], out_dir / "l.pdf")
    with pytest.raises(UserError, match="見つかりません（ID 999999）"):
        labels(db, [asset_ids[0], 999_999], out_dir / "l.pdf")
    with pytest.raises(UserError, match=r"\.pdf"):
        labels(db, asset_ids[:1], out_dir / "l.png")
    with pytest.raises(UserError, match="フォルダがありません"):
        labels(db, asset_ids[:1], out_dir / "missing" / "l.pdf")
    assert list(out_dir.iterdir()) == []


# --- words kept whole, CODE128, the organisation's name ---------------------------------


@pytest.mark.parametrize(
    "text",
    ["ESPRIMO-D7011/ST-LONGMODELNAME 本庁舎", "SOMU-PC-00012.city.hitori.lg.jp 窓口",
     "HT-PC-00041 Fortinet FortiGate-60F 予備機"],
)  # fmt: skip
def test_a_word_is_shrunk_to_fit_never_broken(text) -> None:
    width = stringWidth("ESPRIMO-D7011/ST", FONT, 10)
    size, lines = fit_text(text, width=width, size=10, min_size=5, max_lines=4)
    words = [w for w in text.split() if w.isascii()]
    for word in words:  # each whole on one line (shrunk if needed), never split in two
        assert any(word in line for line in lines), (word, lines)
    assert all(stringWidth(line, FONT, size) <= width + 0.01 for line in lines)


def test_at_the_smallest_size_a_word_too_long_is_cut_not_split() -> None:
    size, lines = fit_text("X" * 80 + " 本庁舎", width=60, size=8, min_size=6, max_lines=3)
    assert size == 6 and lines[0].endswith("…") and not lines[1].startswith("X")


def _decode(pdf: Path, tmp: Path) -> list[str]:
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", str(pdf), str(tmp / "p")],
                   check=True)  # fmt: skip
    found: list[str] = []
    for page in sorted(tmp.glob("p*.png")):
        out = subprocess.run(["zbarimg", "-q", "--raw", str(page)], capture_output=True,
                             text=True)  # fmt: skip
        found += out.stdout.split()
    return found


needs_zbar = pytest.mark.skipif(
    shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
    reason="zbarimg / pdftoppm not installed (.ci/run installs zbar-tools and poppler-utils)",
)


@needs_zbar
@pytest.mark.parametrize("sheet", sorted(SHEETS))
def test_code128_labels_scan_back_to_their_tags(db, asset_ids, out_dir, tmp_path, sheet):
    pdf = out_dir / "code128.pdf"
    assert labels(db, asset_ids[:6], pdf, sheet=sheet, code="code128") == 6
    assert sorted(_decode(pdf, tmp_path)) == [f"HT-{i:03d}" for i in range(6)]


@needs_zbar
def test_qr_labels_scan_back_to_their_tags(db, asset_ids, out_dir, tmp_path) -> None:
    pdf = out_dir / "qr.pdf"
    labels(db, asset_ids[:4], pdf, sheet="A4-24")
    assert sorted(_decode(pdf, tmp_path)) == [f"HT-{i:03d}" for i in range(4)]


def test_the_organisation_is_on_every_label(db, asset_ids, out_dir) -> None:
    pdf = out_dir / "org.pdf"
    labels(db, asset_ids[:3], pdf, footer="ひとり町 総務課", code="code128")
    text = pypdf.PdfReader(pdf).pages[0].extract_text()
    assert text.count("ひとり町 総務課") == 3


def test_a_barcode_too_narrow_to_scan_is_refused_naming_the_tag(db, out_dir) -> None:
    with db.sessions.begin() as s:
        long_tag = Asset(asset_tag="HT-NETWORK-SWITCH-000123-B", name="スイッチ")
        s.add(long_tag)
        s.flush()
        tag_id = long_tag.id
    with pytest.raises(UserError, match="「HT-NETWORK-SWITCH-000123-B」のバーコードは"):
        labels(db, [tag_id], out_dir / "narrow.pdf", sheet="A4-44", code="code128")
    assert not (out_dir / "narrow.pdf").exists()
    assert labels(db, [tag_id], out_dir / "qr.pdf", sheet="A4-44") == 1  # a QR code fits
