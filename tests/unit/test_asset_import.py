"""Importing assets: preview, matching, all-or-nothing writes, and every kind of bad input.

Each bad input asserts the Japanese message names the row and the column, and that the
database is unchanged (row counts, change-history count, and a hash of the assets table).
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
from datetime import date
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select, text

from app.errors import UserError
from app.interchange.asset_mapping import suggest_mapping
from app.interchange.table_reader import TableData, read_table_bytes
from app.progress import Cancelled, Progress
from app.services.errors import ValidationError
from app.services.inventory.asset_import import (
    ImportPreview,
    ImportRejected,
    ImportResult,
    apply_import,
    load_profiles,
    match_profile,
    preview_import,
    save_profile,
)
from app.services.inventory.asset_import_check import CACHE_LIMIT
from app.services.inventory.assets import create_asset
from app.services.inventory.import_values import ValueChoices
from app.store.models import Asset, ChangeLogEntry, CustomFieldDef, Department, SearchDoc
from tests.xlsx_files import without_sheets

# --- helpers ---------------------------------------------------------------------------


def fingerprint(db: Any) -> tuple[Any, ...]:
    with db.engine.connect() as conn:
        counts = tuple(
            conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
            for t in ("assets", "departments", "locations", "custom_field_defs", "change_log")
        )
        rows = conn.execute(text("SELECT * FROM assets ORDER BY id")).all()
    return (*counts, hashlib.sha256(repr(rows).encode()).hexdigest())


def csv_table(body: str, *, encoding: str = "utf-8") -> TableData:
    return read_table_bytes(body.encode(encoding), name="ledger.csv")


def preview(
    db: Any,
    table: TableData,
    mapping: dict[str, str] | None = None,
    values: ValueChoices | None = None,
) -> ImportPreview:
    """The preview as `hitori import assets --create-missing` makes it (unless ``values``)."""
    with db.sessions() as session:
        return preview_import(
            session, table, mapping or suggest_mapping(table.headers),
            values=ValueChoices(create_missing=True) if values is None else values,
        )  # fmt: skip


def run(
    db: Any, table: TableData, mapping: dict[str, str] | None = None, **kw: Any
) -> ImportResult:
    return apply_import(db.sessions, preview(db, table, mapping), **kw)


def asset_by_tag(db: Any, tag: str) -> Asset:
    with db.sessions() as session:
        return session.scalars(select(Asset).where(Asset.asset_tag == tag)).one()


def add_asset(db: Any, **values: Any) -> int:
    with db.sessions.begin() as session:
        return create_asset(session, {"name": "既存", **values}).id


SYSTEMWALKER = (
    '"資産管理番号","モデル名","シリアル番号","メーカ名","分類","PC名","ユーザーID","部門名",'
    '"コンピュータ名","IPアドレス","MACアドレス","リース契約No","リース開始日","リース終了日"\r\n'
    '"00123","ESPRIMO D588","SN0001","富士通㈱","デスクトップPC","総務①","髙橋","総務課",'
    '"PC-00123","10.0.0.23","00-11-22-33-44-55","L-0001","R3.4.1","R8.3.31"\r\n'
    '"00124","LIFEBOOK U9","SN0002","富士通㈱","ノートPC","税務②","takahashi","税務課",'
    '"pc-00124","10.0.0.24","0011.2233.4456","L-0002","H31.4.30","令和8年3月31日"\r\n'
)


# --- importing -------------------------------------------------------------------------


def test_systemwalker_cp932_ledger_is_imported(db) -> None:
    table = csv_table(SYSTEMWALKER, encoding="cp932")
    pv = preview(db, table)
    assert pv.problems() == []
    assert [r.action for r in pv.rows] == ["create", "create"]
    assert pv.new_departments == ["税務課", "総務課"]
    assert pv.new_custom_fields == ["リース契約No", "リース開始日"]
    result = apply_import(db.sessions, pv)
    assert result == ImportResult(2, 0, 0, 2, 0, departments_added=2, locations_added=0)
    a = asset_by_tag(db, "00123")
    assert (a.name, a.model, a.manufacturer, a.user_name) == (
        "総務①",
        "ESPRIMO D588",
        "富士通㈱",
        "髙橋",
    )
    assert a.mac_address == "00:11:22:33:44:55"
    assert a.lease_end == date(2026, 3, 31)
    assert a.custom_fields == {"リース契約No": "L-0001", "リース開始日": "R3.4.1"}
    assert asset_by_tag(db, "00124").mac_address == "00:11:22:33:44:56"
    with db.sessions() as s:
        assert s.get(Department, a.department_id).name == "総務課"
        defs = s.scalars(select(CustomFieldDef.key).where(CustomFieldDef.asset_type_id.is_(None)))
        assert set(defs) == {"リース契約No", "リース開始日"}
        inserts = s.scalar(
            select(func.count()).where(ChangeLogEntry.table_name == "assets",
                                       ChangeLogEntry.action == "insert")
        )  # fmt: skip
        assert inserts == 2
        indexed = s.scalar(select(func.count()).where(SearchDoc.kind == "asset"))
        assert indexed == 2


def test_dates_in_wareki_seireki_excel_serials_and_with_times(db) -> None:
    table = csv_table(
        "資産管理番号,名称,購入日,リース終了日,保守終了日\n"
        "A-1,PC,H31.4.30,令和8年3月31日,R8.3.31\n"
        "A-2,PC,2019/04/30 0:00:00,46112,Ｒ８．３．３１\n"
    )
    run(db, table)
    for tag in ("A-1", "A-2"):
        a = asset_by_tag(db, tag)
        assert (a.purchase_date, a.lease_end, a.maintenance_end) == (
            date(2019, 4, 30), date(2026, 3, 31), date(2026, 3, 31),
        )  # fmt: skip


def _ledger_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "資産管理番号"
    ws.merge_cells("A1:A2")
    ws["B1"] = "機器"
    ws.merge_cells("B1:C1")
    ws["D1"] = "保守"
    ws.merge_cells("D1:E1")
    for col, label in (("B", "名称"), ("C", "種別"), ("D", "開始日"), ("E", "終了日")):
        ws[f"{col}2"] = label
    ws.append(["00123", "総務課PC", "デスクトップPC", date(2021, 4, 1), 46112])
    ws.append(["00124", "税務課PC", "ノートPC", "R3.4.1", date(2027, 3, 31)])
    ws["A3"].number_format = ws["A4"].number_format = "@"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_xlsx_with_merged_headers_serial_and_date_cells(db) -> None:
    table = read_table_bytes(_ledger_xlsx(), name="ledger.xlsx")
    assert table.headers == ["資産管理番号", "名称", "種別", "開始日", "終了日"]
    mapping = {**suggest_mapping(table.headers), "終了日": "maintenance_end"}
    run(db, table, mapping)
    assert asset_by_tag(db, "00123").maintenance_end == date(2026, 3, 31)
    assert asset_by_tag(db, "00124").maintenance_end == date(2027, 3, 31)
    assert asset_by_tag(db, "00123").custom_fields == {"開始日": "2021-04-01"}


def test_formula_looking_cells_are_stored_as_literal_text(db) -> None:
    table = csv_table(
        '資産管理番号,名称,備考,リンク\nA-1,=1+1,=1+1,"=HYPERLINK(""http://x.example"",""x"")"\n'
    )
    pv = preview(db, table)
    assert str(pv.notes()[0]).startswith("2行目「名称」: 数式のような値です")
    apply_import(db.sessions, pv)
    a = asset_by_tag(db, "A-1")
    assert a.name == "=1+1" and a.notes == "=1+1"
    assert a.custom_fields == {"リンク": '=HYPERLINK("http://x.example","x")'}


def test_labels_of_coded_fields_and_names_of_references(db) -> None:
    with db.sessions.begin() as s:
        s.add(Department(name="総務課"))
    table = csv_table(
        "資産管理番号,名称,状態,ネットワーク区分,部署,機密性\n"
        "A-1,PC,廃棄済み,LGWAN接続系,総務課 ,２\n"
        "A-2,PC,spare,internet,ＩＴ推進室,3（高）\n"
    )
    pv = preview(db, table)
    assert pv.new_departments == ["IT推進室"]  # full-width letters as the standard ones
    apply_import(db.sessions, pv)
    a1, a2 = asset_by_tag(db, "A-1"), asset_by_tag(db, "A-2")
    assert (a1.status, a1.segment, a1.confidentiality) == ("disposed", "lgwan", 2)
    assert (a2.status, a2.segment, a2.confidentiality) == ("spare", "internet", 3)
    with db.sessions() as s:
        assert s.get(Department, a1.department_id).name == "総務課"


def test_name_falls_back_to_hostname_or_model(db) -> None:
    table = csv_table("資産管理番号,ホスト名,型番\nA-1,PC-SOMU01,D588\nA-2,,D589\n")
    run(db, table)
    assert asset_by_tag(db, "A-1").name == "PC-SOMU01"
    assert asset_by_tag(db, "A-2").name == "D589"


def test_an_empty_name_cell_is_not_filled_from_the_host_name(db) -> None:
    table = csv_table("資産管理番号,名称,ホスト名\nA-1,,PC-SOMU01\nA-2,会計課PC,\n")
    assert [str(p) for p in preview(db, table).problems()] == ["2行目「名称」: 必須です"]
    no_host = csv_table("資産管理番号,ホスト名,型番\nA-1,,\n")
    assert [str(p) for p in preview(db, no_host).problems()] == [
        "2行目「ホスト名」（名称）: 必須です"
    ]


# --- matching existing assets ----------------------------------------------------------


def test_matching_by_tag_serial_mac_and_hostname(db) -> None:
    by_tag = add_asset(db, asset_tag="PC-1", ip_address="10.0.0.1")
    by_serial = add_asset(db, asset_tag="OLD-2", serial_number="SN-2")
    by_mac = add_asset(db, asset_tag="PC-3", mac_address="00-11-22-33-44-55")
    by_host = add_asset(db, asset_tag="PC-4", hostname="PC-Somu04")
    table = csv_table(
        "資産管理番号,名称,シリアル番号,MACアドレス,ホスト名\n"
        "PC-1,更新1,,,\n"
        "NEW-2,更新2,sn-2,,\n"
        "NEW-3,更新3,,00:11:22:33:44:55,\n"
        "NEW-4,更新4,,,pc-somu04\n"
        "PC-5,新規5,,,\n"
    )
    pv = preview(db, table)
    assert [(r.action, r.asset_id, r.matched_by) for r in pv.rows] == [
        ("update", by_tag, "asset_tag"),
        ("update", by_serial, "serial_number"),
        ("update", by_mac, "mac_address"),
        ("update", by_host, "hostname"),
        ("create", None, None),
    ]
    before = fingerprint(db)[0]
    result = apply_import(db.sessions, pv)
    assert (result.created, result.updated) == (1, 4)
    assert fingerprint(db)[0] == before + 1  # updated, not duplicated
    assert asset_by_tag(db, "PC-1").ip_address == "10.0.0.1"  # empty cells clear nothing
    assert asset_by_tag(db, "NEW-2").id == by_serial  # renumbered asset keeps its record
    assert asset_by_tag(db, "NEW-3").mac_address == "00-11-22-33-44-55"  # same MAC, kept
    assert asset_by_tag(db, "NEW-4").hostname == "pc-somu04"


def test_importing_the_same_file_again_changes_nothing(db) -> None:
    table = csv_table(SYSTEMWALKER, encoding="cp932")
    run(db, table)
    before = fingerprint(db)
    pv = preview(db, table)
    assert [r.action for r in pv.rows] == ["unchanged", "unchanged"]
    result = apply_import(db.sessions, pv)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert fingerprint(db) == before


def test_custom_fields_are_merged_into_existing_ones(db) -> None:
    with db.sessions.begin() as s:
        asset = Asset(asset_tag="A-1", name="PC", custom_fields={"内線": "123"})
        s.add(asset)
    run(db, csv_table("資産管理番号,部屋\nA-1,201\n"))
    assert asset_by_tag(db, "A-1").custom_fields == {"内線": "123", "部屋": "201"}


def test_ignored_columns_are_not_stored(db) -> None:
    table = csv_table("資産管理番号,名称,メモ\nA-1,PC,秘密\n")
    run(db, table, {**suggest_mapping(table.headers), "メモ": ""})
    assert asset_by_tag(db, "A-1").custom_fields == {}


# --- problems: nothing written ---------------------------------------------------------


def rejected(
    db: Any,
    table: TableData,
    mapping: dict[str, str] | None = None,
    values: ValueChoices | None = None,
) -> str:
    before = fingerprint(db)
    with pytest.raises(ImportRejected) as info:
        apply_import(db.sessions, preview(db, table, mapping, values))
    assert fingerprint(db) == before
    return str(info.value)


H = "資産管理番号,名称"
BAD_ROWS = {
    "impossible date": (
        f"{H},リース終了日\nA-1,PC,2026/3/31\nA-2,PC,R8.2.30\n",
        "3行目「リース終了日」: 2月30日は存在しない日付です",
    ),
    "bad IP address": (
        f"{H},IPアドレス\nA-1,PC,10.0.0.1\nA-2,PC,10.0.0.256\n",
        "3行目「IPアドレス」: IPアドレスの形式ではありません: 10.0.0.256",
    ),
    "duplicate tags in the file": (
        f"{H}\nA-1,PC\nA-2,PC\nA-1,PC\n",
        "\n「資産管理番号」: 資産管理番号「A-1」がファイル内で重複しています（2・4行目）",
    ),
    "unknown type": (
        f"{H},種別\nA-1,PC,タイプライター\n",
        "2行目「種別」: 種別「タイプライター」は登録されていません",  # without --create-missing
    ),
    "unknown status": (
        f"{H},状態\nA-1,PC,行方不明\n",
        "2行目「状態」: 状態「行方不明」は登録されていません（登録済み: 稼働中、予備、修理中、"
        "廃棄予定、廃棄済）",
    ),
    "tag too long": (
        f"{H}\n{'X' * 61},PC\n",
        "2行目「資産管理番号」: 60文字以内で入力してください（61文字）",
    ),
    "empty required name": ("資産管理番号,機器名\nA-1,\n", "2行目「機器名」（名称）: 必須です"),
    "huge cell": (
        f"{H},備考\nA-1,PC,{'x' * 10_001}\n",
        "2行目「備考」: セルの文字数が多すぎます（10,001文字、上限 10,000文字）",
    ),
    "missing tag column": (
        "名称,IPアドレス\nPC,10.0.0.1\n",
        "必須の列「資産管理番号」が対応付けられていません",
    ),
    "missing name column": (
        "資産管理番号,IPアドレス\nA-1,10.0.0.1\nA-2,\n",
        "必須の列「名称」が対応付けられていません。名称・ホスト名・型番のいずれかの列が必要です"
        "（新しく登録する行: 2・3行目）",
    ),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_a_bad_row_rejects_the_whole_file(db, case: str) -> None:
    body, expected = BAD_ROWS[case]
    message = rejected(db, csv_table(body), values=ValueChoices())
    assert "取り込みませんでした（何も書き込んでいません）" in message
    assert expected in message


def test_a_row_matching_two_assets_or_two_rows_one_asset(db) -> None:
    add_asset(db, asset_tag="PC-1", serial_number="SN-1")
    add_asset(db, asset_tag="PC-2", serial_number="SN-2")
    message = rejected(db, csv_table("資産管理番号,名称,シリアル番号\nPC-1,PC,SN-2\n"))
    assert (
        "2行目「シリアル番号」: 別々の既存資産に一致します"
        "（資産管理番号ではID 1「PC-1」／シリアル番号ではID 2「PC-2」）"
    ) in message
    message = rejected(db, csv_table("資産管理番号,名称,シリアル番号\nPC-9,PC,SN-1\nPC-1,PC,\n"))
    assert (
        "2行目「シリアル番号」: 既存の同じ資産（ID 1「PC-1」）に複数の行（2・3行目）が一致します"
    ) in message
    assert "3行目「資産管理番号」: 既存の同じ資産（ID 1「PC-1」）" in message


def test_a_tag_used_by_an_asset_matched_otherwise_is_in_use(db) -> None:
    add_asset(db, asset_tag="PC-1", serial_number="SN-1")
    add_asset(db, asset_tag="PC-2")
    table = csv_table("資産管理番号,名称,シリアル番号\nPC-2,PC,SN-1\n")
    # Without the tag as a match key, the serial decides and the tag is taken.
    with db.sessions() as s:
        pv = preview_import(
            s, table, suggest_mapping(table.headers), match_keys=["serial_number"],
            values=ValueChoices(create_missing=True),
        )  # fmt: skip
    assert [str(p) for p in pv.problems()] == [
        "2行目「資産管理番号」: 「PC-2」は既に使われています"
    ]


def test_skip_bad_rows_writes_the_good_ones(db) -> None:
    table = csv_table("資産管理番号,名称,IPアドレス\nA-1,PC,10.0.0.1\nA-2,PC,x\nA-3,PC,\n")
    result = run(db, table, skip_bad_rows=True)
    assert (result.created, result.skipped) == (2, 1)
    with db.sessions() as s:
        assert set(s.scalars(select(Asset.asset_tag))) == {"A-1", "A-3"}


def test_file_level_problems_cannot_be_skipped(db) -> None:
    table = csv_table("名称\nPC\n")
    with pytest.raises(ImportRejected, match="必須の列「資産管理番号」"):
        run(db, table, skip_bad_rows=True)


def test_mapping_two_columns_to_one_field_is_a_problem(db) -> None:
    table = csv_table("資産管理番号,名称,PC名\nA-1,PC,PC2\n")
    mapping = {"資産管理番号": "asset_tag", "名称": "name", "PC名": "name"}
    assert "「名称」「PC名」が同じ取込先（名称）に対応付けられています" in rejected(
        db, table, mapping
    )


def test_many_problems_are_listed_up_to_twenty(db) -> None:
    body = "資産管理番号,名称,IPアドレス\n" + "".join(f"A-{i},PC,bad{i}\n" for i in range(30))
    message = rejected(db, csv_table(body))
    assert message.count("IPアドレスの形式ではありません") == 20
    assert "ほか 10 件" in message


def test_a_problem_on_many_rows_is_said_once_with_its_rows(db) -> None:
    rows = "".join(f"A-{i},PC,bad\n" for i in range(30)) + "B-1,PC,10.0.0.1\nB-2,PC,bad\n"
    message = rejected(db, csv_table("資産管理番号,名称,IPアドレス\n" + rows))
    assert message.count("IPアドレスの形式ではありません") == 1
    assert "「IPアドレス」: IPアドレスの形式ではありません: bad（31行: 2〜31・33行目）" in message


BAD_FILES = {
    "mixed encodings": (
        "資産管理番号,名称\nA-1,総務\n".encode() + "A-2,税務①\n".encode("cp932"),
        "3行目「名称」",
    ),
    "empty": (b"", "ファイルが空です"),
    "header only": (codecs.BOM_UTF8 + "資産管理番号,名称\n".encode(), "見出しの行（1行目）しか"),
    "binary renamed .csv": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(300),
        "テキスト形式のCSVではありません",
    ),
    "wrong encoding (EUC-JP)": (
        "\n".join(["資産管理番号,名称"] + [f"A-{i},総務課の事務用パソコン" for i in range(20)])
        .encode("euc_jp"),
        "1行目（12バイト目）に読めない文字があります。推定される文字コード: EUC-JP",
    ),
    "xlsx without sheets": (
        without_sheets(_ledger_xlsx()), "Excelブックにワークシートがありません"
    ),
    "xlsx that is not a zip": (b"id,name\n1,2\n", "ZIP形式ではありません"),
    "password protected xlsx": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600) + "EncryptedPackage".encode("utf-16-le"),
        "パスワード付きのファイルは読めません",
    ),
}  # fmt: skip


def test_huge_cell_in_an_ignored_column_is_no_problem(db) -> None:
    table = csv_table(f"資産管理番号,名称,ログ\nA-1,PC,{'x' * 10_001}\n")
    result = run(db, table, {**suggest_mapping(table.headers), "ログ": ""})
    assert result.created == 1


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_unreadable_files_leave_the_database_unchanged(db, case: str) -> None:
    data, expected = BAD_FILES[case]
    before = fingerprint(db)
    with pytest.raises(UserError, match=re.escape(expected)):
        run(db, read_table_bytes(data, name="x.xlsx" if "xlsx" in case else "x.csv"))
    assert fingerprint(db) == before


def test_cancel_rolls_everything_back(db) -> None:
    body = "資産管理番号,名称,部署\n" + "".join(f"A-{i},PC,新設課\n" for i in range(1500))
    pv = preview(db, csv_table(body))
    before = fingerprint(db)
    progress = Progress(lambda done, total, message: progress.cancel())
    with pytest.raises(Cancelled):
        apply_import(db.sessions, pv, progress=progress)
    assert fingerprint(db) == before


def test_a_preview_made_stale_by_another_write_is_redone(db) -> None:
    pv = preview(db, csv_table("資産管理番号,名称\nA-1,PC\nA-2,PC\n"))
    add_asset(db, asset_tag="A-2", name="先に登録")
    result = apply_import(db.sessions, pv)  # A-2 is now an update, not a clashing insert
    assert (result.created, result.updated) == (1, 1)
    assert asset_by_tag(db, "A-2").name == "PC"


# --- profiles --------------------------------------------------------------------------


def test_profiles_are_saved_listed_and_matched(session) -> None:
    save_profile(session, "Systemwalker", {"資産管理番号": "asset_tag", "PC名": "name"}, {"x": 1})
    save_profile(
        session,
        "JP1",
        {"資産管理番号": "asset_tag", "ホスト名": "hostname", "S/N": "serial_number"},
    )
    saved = save_profile(session, "Systemwalker", {"資産管理番号": "asset_tag", "PC名": "hostname"})
    assert saved.mapping["PC名"] == "hostname" and saved.options == {}
    assert [p.name for p in load_profiles(session)] == ["JP1", "Systemwalker"]
    assert match_profile(session, ["資産管理番号", "PC名", "備考"]).name == "Systemwalker"
    assert match_profile(session, ["資産管理番号", "ホスト名"]) is None
    with pytest.raises(ValidationError, match="設定名"):
        save_profile(session, "  ", {})


def test_problems_are_found_in_columns_past_the_value_cache(db) -> None:
    """A column of mostly distinct values stops being remembered after CACHE_LIMIT values;
    rows after that are checked the same, and a repeated bad value is reported each time."""
    count = CACHE_LIMIT + 500
    lines = [f"A-{i:05d},PC {i},10.0.{i // 256}.{i % 256},{'R8.2.30' if i % 997 == 0 else ''}"
             for i in range(count)]  # fmt: skip
    lines[-1] = f"A-{count - 1:05d},PC,10.0.0.999,R8.2.30"
    table = csv_table("資産管理番号,名称,IPアドレス,リース終了日\n" + "\n".join(lines) + "\n")
    pv = preview(db, table)
    problems = [str(p) for p in pv.problems()]
    bad_dates = [i for i in range(count) if i % 997 == 0] + [count - 1]
    assert [p for p in problems if "2月30日" in p] == [
        f"{i + 2}行目「リース終了日」: 2月30日は存在しない日付です" for i in bad_dates
    ]
    assert f"{count + 1}行目「IPアドレス」: IPアドレスの形式ではありません: 10.0.0.999" in problems
    assert pv.count("create") == count - len(bad_dates)
    ok = next(r for r in pv.rows if r.row_number == count)  # past the cache limit
    assert ok.values["ip_address"] == f"10.0.{(count - 2) // 256}.{(count - 2) % 256}"


def test_tally_counts_each_row_once(db) -> None:
    add_asset(db, asset_tag="A-1", name="同じ")
    add_asset(db, asset_tag="A-2", name="古い名前")
    table = csv_table("資産管理番号,名称,IPアドレス\nA-1,同じ,\nA-2,新しい名前,\nA-3,新規,\n"
                      "A-4,新規,10.0.0.999\n")  # fmt: skip
    pv = preview(db, table)
    assert pv.tally() == {"create": 1, "update": 1, "unchanged": 1, "bad": 1}
    assert [pv.count(a) for a in ("create", "update", "unchanged")] == [1, 1, 1]
    assert pv.bad_rows == 1


def test_a_bad_name_is_reported_once_not_also_as_missing(db) -> None:
    table = csv_table(f"資産管理番号,名称,ホスト名\nA-1,{'名' * 201},総務PC\n")
    assert sorted(str(p) for p in preview(db, table).problems()) == [
        "2行目「ホスト名」: ホスト名に使えない文字が含まれています",
        "2行目「名称」: 200文字以内で入力してください（201文字）",
    ]
