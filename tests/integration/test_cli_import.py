"""``hitori import assets`` end to end: real processes, real files, exit codes, DB unchanged;
columns holding secrets refused until told, and sent to a (file-free) test keyring."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import text

from app.interchange.asset_mapping import KEYRING
from app.services.inventory.asset_import import save_profile
from app.store.models import Location
from tests.integration.keyring_test_backend import digest

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[2]
TEST_BACKEND = "tests.integration.keyring_test_backend.MemoryKeyring"

SYSTEMWALKER = (
    '"資産管理番号","モデル名","シリアル番号","メーカ名","分類","PC名","部門名","コンピュータ名",'
    '"IPアドレス","MACアドレス","リース契約No","リース終了日"\r\n'
    '"00123","ESPRIMO","SN1","富士通㈱","デスクトップPC","総務①","総務課","PC-00123",'
    '"10.0.0.23","00-11-22-33-44-55","L-1","R8.3.31"\r\n'
    '"00124","LIFEBOOK","SN2","富士通㈱","ノートPC","髙橋PC","税務課","PC-00124",'
    '"10.0.0.24","00-11-22-33-44-56","L-2","H31.4.30"\r\n'
)


def hitori(
    data_dir: Path, *args: str | Path, backend: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    if backend is not None:
        env.update(PYTHON_KEYRING_BACKEND=backend, HITORI_TEST_KEYRING_REPORT="1")
    return subprocess.run(
        [sys.executable, "-m", "app", "import", "assets", *map(str, args),
         "--data-dir", str(data_dir)],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


def fingerprint(db: Any) -> tuple[Any, ...]:
    with db.engine.connect() as conn:
        counts = tuple(
            conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
            for t in ("assets", "departments", "custom_field_defs", "change_log")
        )
        rows = conn.execute(text("SELECT * FROM assets ORDER BY id")).all()
    return (*counts, hashlib.sha256(repr(rows).encode()).hexdigest())


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    def put(name: str, data: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    wb = openpyxl.Workbook()
    wb.active.title = "表紙"
    wb.active.append(["資産台帳"])
    ws = wb.create_sheet("一覧")
    ws.append(["管理番号", "機器", "メモ", "保守期限"])
    ws.append(["00007", "ファイルサーバ", "=1+1", 46112])
    ws["C2"].data_type = "s"  # text that looks like a formula, as Excel stores '=1+1
    book = io.BytesIO()
    wb.save(book)
    return {
        "systemwalker": put("sw.csv", SYSTEMWALKER.encode("cp932")),
        "bad_row": put("bad.csv", "資産管理番号,名称,IPアドレス\nA-1,PC,10.0.0.1\nA-2,PC,1.2.3\n"
                       .encode()),
        "xlsx": put("book.xlsx", book.getvalue()),
        "binary": put("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)),
        "password": put("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
                        + "EncryptedPackage".encode("utf-16-le")),
        "mixed": put("mixed.csv", "資産管理番号,名称\nA-1,総務\n".encode()
                     + "A-2,①\n".encode("cp932")),
    }  # fmt: skip


def test_dry_run_then_import_then_nothing_to_change(db, data_dir, files) -> None:
    before = fingerprint(db)
    refused = hitori(data_dir.root, files["systemwalker"], "--dry-run")
    assert refused.returncode == 1
    assert "「部門名」（部署）: 部署「総務課」は登録されていません" in refused.stdout
    assert "--value '列=元の値:登録値'" in refused.stdout
    assert "--value か --create-missing" in refused.stderr
    dry = hitori(data_dir.root, files["systemwalker"], "--dry-run", "--create-missing")
    assert dry.returncode == 0, dry.stderr
    assert "ファイル: Shift_JIS（CP932）、カンマ区切り、2行" in dry.stdout
    assert "コンピュータ名 → ホスト名" in dry.stdout
    assert "リース契約No → 独自項目「リース契約No」" in dry.stdout
    assert "作成 2 件 / 更新 0 件 / 変更なし 0 件 / 問題 0 件" in dry.stdout
    assert "新しく登録する部署: 税務課、総務課" in dry.stdout
    assert "試行のみ（--dry-run）" in dry.stdout
    assert fingerprint(db) == before
    assert "新しく登録するメーカー: 富士通㈱" in dry.stdout
    done = hitori(data_dir.root, files["systemwalker"], "--create-missing")
    assert done.returncode == 0, done.stderr
    assert "取り込みました: 作成 2 件 / 更新 0 件" in done.stdout
    assert "新しく登録: 部署 2 件" in done.stdout
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT asset_tag, name, lease_end FROM assets ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [
        ("00123", "総務①", "2026-03-31"),
        ("00124", "髙橋PC", "2019-04-30"),
    ]
    again = hitori(data_dir.root, files["systemwalker"])  # now every value is known
    assert again.returncode == 0 and "変更なし 2 件" in again.stdout


UNKNOWN_VALUES = "資産管理番号,名称,分類,設置場所,状態\n" + "".join(
    f"PC-{i:03d},端末{i},{kind},本庁舎2F,稼働中\n"
    for i, kind in enumerate(["PC"] * 40 + ["複合機"] * 3 + ["ﾉｰﾄPC"] * 2)
)


def test_unknown_values_are_said_once_with_their_rows_and_mapped_by_value(
    db, data_dir, tmp_path
) -> None:
    with db.sessions.begin() as session:
        session.add(Location(name="本庁舎2階"))
    ledger = tmp_path / "values.csv"
    ledger.write_text(UNKNOWN_VALUES, encoding="cp932")
    before = fingerprint(db)
    refused = hitori(data_dir.root, ledger)
    assert refused.returncode == 1
    out = refused.stdout
    assert (
        "「分類」（種別）: 種別「PC」は登録されていません（候補: デスクトップPC、ノートPC）"
        "（40行: 2〜41行目）" in out
    )
    assert "種別「複合機」は登録されていません（候補: プリンタ・複合機）（3行: 42〜44行目）" in out
    assert "設置場所「本庁舎2F」は登録されていません（候補: 本庁舎2階）（45行: 2〜46行目）" in out
    assert "「ﾉｰﾄPC」を登録済みの「ノートPC」として取り込みます（2行: 45〜46行目）" in out
    assert out.count("は登録されていません") == 3  # once per value, not once per row
    assert fingerprint(db) == before
    done = hitori(
        data_dir.root, ledger, "--value", "分類=PC:デスクトップPC",
        "--value", "種別=複合機:プリンタ・複合機", "--value", "設置場所=本庁舎2F:本庁舎2階",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "値の対応（種別）: 「PC」→「デスクトップPC」" in done.stdout
    with db.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT t.name, l.name, count(*) FROM assets a"
            " JOIN asset_types t ON t.id = a.asset_type_id"
            " JOIN locations l ON l.id = a.location_id GROUP BY 1, 2 ORDER BY 3 DESC"
        )).all()  # fmt: skip
    assert [tuple(r) for r in rows] == [
        ("デスクトップPC", "本庁舎2階", 40), ("プリンタ・複合機", "本庁舎2階", 3),
        ("ノートPC", "本庁舎2階", 2),
    ]  # fmt: skip


def test_value_options_that_cannot_apply_are_refused(db, data_dir, tmp_path) -> None:
    ledger = tmp_path / "values.csv"
    ledger.write_text(UNKNOWN_VALUES, encoding="cp932")
    before = fingerprint(db)
    bad_form = hitori(data_dir.root, ledger, "--value", "分類=PC")
    assert (
        bad_form.returncode == 2 and "「列=元の値:登録値」の形で指定してください" in bad_form.stderr
    )
    not_lookup = hitori(data_dir.root, ledger, "--value", "名称=端末1:端末")
    assert not_lookup.returncode == 1
    assert "--value の列「名称」は値を対応付けられる列ではありません" in not_lookup.stderr
    missing = hitori(data_dir.root, ledger, "--value", "分類=PC:タイプライター", "--create-missing")
    assert missing.returncode == 0, missing.stdout  # the target is registered as new
    assert "新しく登録: 種別 2 件、設置場所 1 件" in missing.stdout  # タイプライター, 複合機
    unused = hitori(data_dir.root, ledger, "--value", "分類=PC:タイプライター",
                    "--value", "状態=稼働中:行方不明", "--dry-run")  # fmt: skip
    assert unused.returncode == 0, unused.stdout  # 稼働中 is known: its choice is never used
    assert "変更なし 45 件" in unused.stdout
    assert fingerprint(db) != before


def test_a_bad_row_refuses_the_file_unless_skipped(db, data_dir, files) -> None:
    before = fingerprint(db)
    refused = hitori(data_dir.root, files["bad_row"])
    assert refused.returncode == 1
    assert refused.stderr.strip().count("\n") == 0
    assert "問題のある行が 1 行あるため取り込みませんでした" in refused.stderr
    assert "3行目「IPアドレス」: IPアドレスの形式ではありません: 1.2.3" in refused.stdout
    assert fingerprint(db) == before
    skipped = hitori(data_dir.root, files["bad_row"], "--skip-bad-rows")
    assert skipped.returncode == 0, skipped.stderr
    assert "作成 1 件" in skipped.stdout and "飛ばした行 1 行" in skipped.stdout


def test_xlsx_sheet_map_and_saved_profile(db, data_dir, files) -> None:
    with db.sessions.begin() as session:
        save_profile(
            session, "機器台帳", {"管理番号": "asset_tag", "機器": "name", "メモ": "notes"}
        )
    done = hitori(data_dir.root, files["xlsx"], "--sheet", "一覧", "--profile", "機器台帳",
                  "--map", "保守期限=maintenance_end")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "取込設定「機器台帳」、--map で変更" in done.stdout
    assert "2行目「メモ」（備考）: 数式のような値です" in done.stdout
    with db.engine.connect() as conn:
        row = conn.execute(text("SELECT asset_tag, notes, maintenance_end FROM assets")).one()
    assert tuple(row) == ("00007", "=1+1", "2026-03-31")


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("binary", "テキスト形式のCSVではありません"),
        ("password", "パスワード付きのファイルは読めません。Excelでパスワードを外して保存してから"),
        ("mixed", "文字コードが混在しています: 3行目「名称」"),
    ],
)
def test_unreadable_files(db, data_dir, files, case: str, message: str) -> None:
    before = fingerprint(db)
    result = hitori(data_dir.root, files[case])
    assert result.returncode == 1
    assert result.stderr.startswith("hitori: ") and message in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert fingerprint(db) == before


def test_usage_errors(db, data_dir, files) -> None:
    bad_map = hitori(data_dir.root, files["systemwalker"], "--map", "PC名")
    assert bad_map.returncode == 2 and "「ヘッダ=項目」の形で指定してください" in bad_map.stderr
    unknown = hitori(data_dir.root, files["systemwalker"], "--profile", "無い設定")
    assert unknown.returncode == 1 and "取込設定「無い設定」がありません" in unknown.stderr
    no_column = hitori(data_dir.root, files["systemwalker"], "--map", "無い列=notes")
    assert no_column.returncode == 1 and "列「無い列」はファイルにありません" in no_column.stderr


# --- columns holding secrets -------------------------------------------------------------

PW1, PW2, KEY = "Zq8!tokyo-PW-0001", "Zq8!tokyo-PW-0002", "XK7Q2-PLM9W-RT4ZB-88HJD"
SECRET_LEDGER = (
    "資産管理番号,名称,パスワード,ライセンスキー,キーボード\n"
    f"PC-0001,総務PC,{PW1},{KEY},JIS\n"
    f"PC-0002,税務PC,{PW2},,US\n"
)


def credential_refs(db) -> list[tuple[str, str, str]]:
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT label, kind, username FROM credential_refs ORDER BY id"))
        return [tuple(r) for r in rows]


def all_bytes(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file())


@pytest.fixture
def secret_ledger(tmp_path: Path) -> Path:
    path = tmp_path / "secrets.csv"
    path.write_text(SECRET_LEDGER, encoding="utf-8")
    return path


def test_secret_columns_are_refused_until_told(db, data_dir, secret_ledger) -> None:
    before = fingerprint(db)
    refused = hitori(data_dir.root, secret_ledger, backend=TEST_BACKEND)
    assert refused.returncode == 1
    assert refused.stderr.startswith("hitori: ") and refused.stderr.strip().count("\n") == 0
    assert "秘密の値の列「パスワード」（値 2 件）「ライセンスキー」（値 1 件）" in refused.stderr
    assert "--secret-column 'パスワード=keyring'" in refused.stderr
    assert "--secret-column 'パスワード=skip'" in refused.stderr
    one = hitori(data_dir.root, secret_ledger, "--secret-column", "パスワード=skip",
                 backend=TEST_BACKEND)  # fmt: skip
    assert one.returncode == 1 and "「ライセンスキー」（値 1 件）" in one.stderr
    assert "「パスワード」" not in one.stderr
    mapped = hitori(data_dir.root, secret_ledger, "--map", "パスワード=custom")
    assert mapped.returncode == 1 and "--map では指定できません" in mapped.stderr
    assert fingerprint(db) == before and credential_refs(db) == []
    assert "test-keyring: set" not in refused.stderr + one.stderr + mapped.stderr


def test_skip_imports_the_rest_and_no_secret(db, data_dir, secret_ledger) -> None:
    done = hitori(data_dir.root, secret_ledger, "--secret-column", "パスワード=skip",
                  "--secret-column", "ライセンスキー=skip")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "秘密の値の列: 「パスワード」（値 2 件）: 秘密の値のため取り込みません" in done.stdout
    assert "取り込みました: 作成 2 件" in done.stdout
    db.dispose()
    raw = all_bytes(data_dir.root)
    assert all(v.encode() not in raw for v in (PW1, PW2, KEY)) and b"JIS" in raw


def test_keyring_stores_each_value_behind_a_reference(db, data_dir, secret_ledger) -> None:
    dry = hitori(data_dir.root, secret_ledger, "--dry-run", "--secret-column",
                 "パスワード=keyring", "--secret-column", "ライセンスキー=keyring",
                 backend=TEST_BACKEND)  # fmt: skip
    assert dry.returncode == 0, dry.stderr
    assert "パスワード → キーリングに保存（認証情報の参照）" in dry.stdout
    assert "（認証情報の参照を 2 件作成）" in dry.stdout
    assert "test-keyring: set" not in dry.stderr and credential_refs(db) == []
    done = hitori(data_dir.root, secret_ledger, "--secret-column", "パスワード=keyring",
                  "--secret-column", "ライセンスキー=keyring", backend=TEST_BACKEND)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "キーリングに保存した値: 3 件" in done.stdout
    refs = credential_refs(db)
    assert [(label, kind) for label, kind, _u in refs] == [
        ("PC-0001 パスワード", "password"),
        ("PC-0001 ライセンスキー", "license_key"),
        ("PC-0002 パスワード", "password"),
    ]
    values = dict(zip([u for _l, _k, u in refs], (PW1, KEY, PW2), strict=True))
    for username, value in values.items():
        assert f"test-keyring: set {digest('hitori', username, value)}" in done.stderr
    for value in (PW1, PW2, KEY):
        assert value not in done.stdout + done.stderr
    db.dispose()
    raw = all_bytes(data_dir.root)  # database, WAL, log, backups: no value anywhere
    assert all(v.encode() not in raw for v in (PW1, PW2, KEY))


def test_keyring_without_a_usable_keyring_writes_nothing(db, data_dir, secret_ledger) -> None:
    before = fingerprint(db)
    refused = hitori(data_dir.root, secret_ledger, "--secret-column", "パスワード=keyring",
                     "--secret-column", "ライセンスキー=skip",
                     backend="keyring.backends.fail.Keyring")  # fmt: skip
    assert refused.returncode == 1 and refused.stderr.strip().count("\n") == 0
    assert (
        "キーリング）が使えないため、「パスワード」をキーリングに保存できません" in refused.stderr
    )
    assert "--secret-column 'パスワード=skip'" in refused.stderr
    assert fingerprint(db) == before and credential_refs(db) == []


def test_a_profile_remembers_the_secret_choice(db, data_dir, secret_ledger) -> None:
    with db.sessions.begin() as session:
        mapping = {"資産管理番号": "asset_tag", "名称": "name", "パスワード": KEYRING,
                   "ライセンスキー": ""}  # fmt: skip
        save_profile(session, "秘密あり", mapping)
    done = hitori(data_dir.root, secret_ledger, backend=TEST_BACKEND)
    assert done.returncode == 0, done.stderr
    assert "取込設定「秘密あり」" in done.stdout and "キーリングに保存した値: 2 件" in done.stdout
    assert [label for label, _k, _u in credential_refs(db)] == [
        "PC-0001 パスワード", "PC-0002 パスワード",
    ]  # fmt: skip


def test_secret_column_usage_errors(db, data_dir, secret_ledger) -> None:
    bad = hitori(data_dir.root, secret_ledger, "--secret-column", "パスワード=custom")
    assert bad.returncode == 2 and "keyring または skip" in bad.stderr
    shape = hitori(data_dir.root, secret_ledger, "--secret-column", "パスワード")
    assert shape.returncode == 2 and "「ヘッダ=keyring」" in shape.stderr
    missing = hitori(data_dir.root, secret_ledger, "--secret-column", "無い列=skip")
    assert missing.returncode == 1 and "--secret-column の列「無い列」はファイルにありません" in (
        missing.stderr
    )
    helptext = subprocess.run(
        [sys.executable, "-m", "app", "import", "assets", "--help"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "--secret-column" in helptext.stdout and "keyring" in helptext.stdout
