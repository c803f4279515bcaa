"""Asset export: CSV bytes and XLSX cells read back, formula neutralisation, layouts, files."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from app import output_file
from app.errors import UserError
from app.interchange import asset_export
from app.interchange.asset_export import column_widths, export_assets
from app.progress import Cancelled, Progress
from app.services.inventory.assets import FIELD_LABELS
from app.store.models import Asset, AssetType, CustomFieldDef, Department, Location

HEADERS = list(FIELD_LABELS.values())
CUSTOM_HEADERS = ["購入価格", "備品番号", "other"]  # by position, then undefined keys
HOSTILE = {
    "name": "=1+1",
    "user_name": "+81-3-0000",
    "notes": "@SUM(A1)",
    "manufacturer": "-2",
    "model": "\tTab",
    "serial_number": "\rCR",
}


@pytest.fixture
def ids(db) -> dict[str, int]:
    """Three assets: a plain one, one full of formula-like text, one CP932 cannot encode."""
    with db.sessions.begin() as s:
        dept = Department(name="総務課")
        loc = Location(name="本庁舎2階")
        s.add_all([dept, loc])
        s.flush()
        desktop = s.query(AssetType).filter_by(code="desktop").one()
        s.add_all(
            [
                CustomFieldDef(key="asset_no", label="備品番号", position=2),
                CustomFieldDef(key="price", label="購入価格", kind="number", position=1),
            ]
        )
        a = Asset(
            asset_tag="HT-001", name="事務用PC", asset_type_id=desktop.id, status="in_use",
            segment="lgwan", department_id=dept.id, location_id=loc.id, user_name="山田 太郎",
            purchase_date=date(2024, 4, 1), eol_date=date(2031, 10, 14),
            confidentiality=3, integrity=2, availability=1, notes="10時〜17時—要確認",
            custom_fields={"asset_no": "備-1", "price": 98000},
        )  # fmt: skip
        b = Asset(asset_tag="HT-002", status="spare", custom_fields={"price": -5}, **HOSTILE)
        c = Asset(asset_tag="HT-003", name="𠮷野家のPC", integrity=2, custom_fields={"other": "x"})
        s.add_all([a, b, c])
        s.flush()
        return {"a": a.id, "b": b.id, "c": c.id}


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """Where files are written (tmp_path also holds the data folder)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def export(db, path: Path, **kw) -> asset_export.ExportResult:
    with db.sessions() as s:
        return export_assets(s, path, **kw)


def read_csv(path: Path, encoding: str = "utf-8-sig") -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline="")))


def by_tag(rows: list[list[str]]) -> dict[str, dict[str, str]]:
    header = rows[0]
    return {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}


# --- CSV -----------------------------------------------------------------------------------


def test_csv_utf8_has_bom_header_labels_and_custom_columns(db, ids, out_dir) -> None:
    out = out_dir / "台帳.csv"
    result = export(db, out)
    assert result.rows == 3 and result.path == out
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = read_csv(out)
    assert rows[0] == HEADERS + CUSTOM_HEADERS
    a = by_tag(rows)["HT-001"]
    assert (a["種別"], a["状態"], a["ネットワーク区分"]) == (
        "デスクトップPC",
        "稼働中",
        "LGWAN接続系",
    )
    assert (a["部署"], a["設置場所"], a["利用者"]) == ("総務課", "本庁舎2階", "山田 太郎")
    assert (a["購入日"], a["サポート終了日（EOL）"], a["保守終了日"]) == (
        "2024-04-01",
        "2031-10-14",
        "",
    )
    assert (a["機密性"], a["完全性"], a["可用性"]) == ("3", "2", "1")
    assert (a["購入価格"], a["備品番号"], a["other"]) == ("98000", "備-1", "")
    assert by_tag(rows)["HT-003"]["other"] == "x"
    assert [r[0] for r in rows[1:]] == ["HT-001", "HT-002", "HT-003"]  # by asset tag


def test_csv_neutralises_formula_like_text_only(db, ids, out_dir) -> None:
    out = out_dir / "a.csv"
    export(db, out)
    b = by_tag(read_csv(out))["HT-002"]
    for field, text in HOSTILE.items():
        assert b[FIELD_LABELS[field]] == "'" + text, field
    assert b["状態"] == "予備"
    assert b["購入価格"] == "-5"  # a number, not text: never prefixed
    assert by_tag(read_csv(out))["HT-001"]["名称"] == "事務用PC"


def test_csv_cp932_decodes_and_maps_common_mismatches(db, ids, out_dir) -> None:
    out = out_dir / "sjis.csv"
    export(db, out, encoding="cp932", asset_ids=[ids["a"], ids["b"]])
    data = out.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    rows = read_csv(out, "cp932")
    assert rows[0] == [*HEADERS, "購入価格", "備品番号"]
    assert by_tag(rows)["HT-001"]["備考"] == "10時～17時―要確認"
    assert by_tag(rows)["HT-002"]["名称"] == "'=1+1"


def test_csv_cp932_refuses_unencodable_naming_asset_and_column(db, ids, out_dir) -> None:
    out = out_dir / "sjis.csv"
    with pytest.raises(UserError) as info:
        export(db, out, encoding="cp932")
    message = str(info.value)
    assert "HT-003" in message and "「名称」" in message and "𠮷" in message
    assert not out.exists() and list(out_dir.iterdir()) == []


def test_csv_cp932_replace_writes_geta(db, ids, out_dir) -> None:
    out = out_dir / "sjis.csv"
    export(db, out, encoding="cp932", errors="replace")
    assert by_tag(read_csv(out, "cp932"))["HT-003"]["名称"] == "〓野家のPC"


# --- XLSX ----------------------------------------------------------------------------------


def load(path: Path):
    return openpyxl.load_workbook(path).active


def test_xlsx_header_filter_panes_widths_and_dates(db, ids, out_dir) -> None:
    out = out_dir / "台帳.xlsx"
    assert export(db, out).rows == 3
    ws = load(out)
    assert ws.title == "資産台帳"
    headers = [c.value for c in ws[1]]
    assert headers == HEADERS + CUSTOM_HEADERS
    assert ws.auto_filter.ref == "A1:AA4"  # 24 fields + 3 custom
    assert ws.freeze_panes == "A2"
    assert ws.print_title_rows == "$1:$1"
    assert all(ws["A1"].font.b and c.fill.fgColor.rgb == "FFDDEBF7" for c in ws[1])
    for i in range(1, len(headers) + 1):
        letter = openpyxl.utils.get_column_letter(i)
        assert 6 <= ws.column_dimensions[letter].width <= 60, letter
    assert ws.column_dimensions["B"].width >= 2 * len("事務用PC")
    purchase = ws.cell(2, headers.index("購入日") + 1)
    assert purchase.data_type == "d" and purchase.number_format == "yyyy/mm/dd"
    assert purchase.value == datetime(2024, 4, 1)
    row = {h: c.value for h, c in zip(headers, ws[2], strict=True)}
    assert (row["種別"], row["機密性"], row["購入価格"], row["備品番号"]) == (
        "デスクトップPC", 3, 98000, "備-1",
    )  # fmt: skip


def test_xlsx_neutralised_cells_are_literal_strings(db, ids, out_dir) -> None:
    out = out_dir / "a.xlsx"
    export(db, out)
    ws = load(out)
    headers = [c.value for c in ws[1]]
    cells = {h: c for h, c in zip(headers, ws[3], strict=True)}
    assert cells["資産管理番号"].value == "HT-002"
    for field, text in HOSTILE.items():
        cell = cells[FIELD_LABELS[field]]
        assert (cell.data_type, cell.value, cell.quotePrefix) == ("s", text, True), field
    assert cells["購入価格"].value == -5 and cells["購入価格"].data_type == "n"
    assert not cells["状態"].quotePrefix


def test_xlsx_escapes_markup_and_control_characters(db, out_dir) -> None:
    with db.sessions.begin() as s:
        s.add(Asset(asset_tag="<&>", name=" 前後に空白 ", notes="1行目\r\n2行目", model="a\x01b"))
    out = out_dir / "x.xlsx"
    export(db, out)
    row = [c.value for c in load(out)[2]]
    assert row[0] == "<&>"
    assert row[1] == " 前後に空白 "
    assert row[HEADERS.index("備考")] == "1行目\r\n2行目"
    # Not allowed in XML: written in OOXML's escape, which Excel shows as the character
    # (openpyxl does not unescape inline strings when reading).
    assert row[HEADERS.index("型番")] == "a_x0001_b"


def test_security_layout(db, ids, out_dir) -> None:
    out = out_dir / "情報資産台帳.xlsx"
    export(db, out, layout="security")
    ws = load(out)
    assert ws.title == "情報資産台帳"
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == asset_export.SECURITY_HEADERS
    assert rows[1] == [
        "HT-001", "事務用PC", "デスクトップPC", "総務課／山田 太郎", "本庁舎2階", "LGWAN接続系",
        "3（高）", "2（中）", "1（低）", "高", "10時〜17時—要確認",
    ]  # fmt: skip
    assert rows[2][3] == "+81-3-0000" and rows[2][9] is None  # no CIA → no 重要度
    assert rows[3][6:10] == [None, "2（中）", None, "中"]
    assert ws.auto_filter.ref == "A1:K4"
    csv_out = out_dir / "sec.csv"
    export(db, csv_out, layout="security")
    assert read_csv(csv_out)[1][9] == "高"


def test_filtered_ids_keep_their_order_and_their_custom_columns(db, ids, out_dir) -> None:
    out = out_dir / "view.csv"
    result = export(db, out, asset_ids=[ids["c"], 99_999, ids["a"], ids["c"]])
    rows = read_csv(out)
    assert result.rows == 2 and [r[0] for r in rows[1:]] == ["HT-003", "HT-001"]
    assert rows[0][len(HEADERS) :] == CUSTOM_HEADERS
    export(db, out, asset_ids=[ids["b"]])
    assert read_csv(out)[0][len(HEADERS) :] == ["購入価格"]
    xlsx = out_dir / "view.xlsx"
    assert export(db, xlsx, asset_ids=[]).rows == 0
    ws = load(xlsx)
    assert ws.max_row == 1 and ws.auto_filter.ref == "A1:X1"


def test_progress_is_reported_and_cancel_leaves_no_file(db, ids, out_dir, monkeypatch) -> None:
    monkeypatch.setattr(asset_export, "PROGRESS_EVERY", 1)
    seen: list[tuple[int, int]] = []
    export(db, out_dir / "ok.xlsx", progress=Progress(lambda d, t, m: seen.append((d, t))))
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)

    for name in ("old.xlsx", "old.csv"):
        target = out_dir / name
        target.write_bytes(b"previous")
        with pytest.raises(Cancelled):
            export(db, target, progress=CancelAt(2).progress)
        assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in out_dir.iterdir()) == ["ok.xlsx", "old.csv", "old.xlsx"]


class CancelAt:
    """A Progress that cancels itself once ``at`` rows are reported."""

    def __init__(self, at: int) -> None:
        self.at = at
        self.progress = Progress(self)

    def __call__(self, done: int, total: int, message: str) -> None:
        if done >= self.at:
            self.progress.cancel()


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("assets.xls", "拡張子"),
        ("assets", "拡張子"),
        ("missing/assets.xlsx", "フォルダがありません"),
        ("a-file.txt/assets.csv", "フォルダがありません"),
        ("a-dir.xlsx", "フォルダになっています"),
    ],
)
def test_bad_targets_are_refused(db, out_dir, name, words) -> None:
    (out_dir / "a-file.txt").write_text("x")
    (out_dir / "a-dir.xlsx").mkdir()
    with pytest.raises(UserError, match=words):
        export(db, out_dir / name)
    assert sorted(p.name for p in out_dir.iterdir()) == ["a-dir.xlsx", "a-file.txt"]


def test_file_open_elsewhere_is_a_clear_error(db, out_dir, monkeypatch) -> None:
    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(output_file.os, "replace", refuse)
    with pytest.raises(UserError, match="開いていれば閉じて"):
        export(db, out_dir / "open.xlsx")
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize(
    ("kw", "words"),
    [
        ({"layout": "x"}, "形式"),
        ({"encoding": "latin-1"}, "文字コード"),
        ({"errors": "x"}, "errors"),
    ],
)
def test_bad_options_are_refused(db, out_dir, kw, words) -> None:
    with pytest.raises(UserError, match=words):
        export(db, out_dir / "a.csv", **kw)


def test_column_widths_count_cjk_double_and_are_capped() -> None:
    widths = column_widths(["名称", "ID", "日付"], [["あ" * 100, "abc", date(2026, 4, 1)]])
    assert widths == [60.0, 6.0, 12.0]
    assert column_widths(["x"], [["ab\nabcdefghij"]]) == [12.0]
