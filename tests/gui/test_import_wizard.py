"""The asset import wizard driven page by page, with the work in background jobs; columns
holding secrets skipped by default or sent to the keyring, never shown or stored."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QComboBox, QWizard
from sqlalchemy import func, select

from app.interchange.asset_mapping import IGNORE, KEYRING
from app.progress import Progress
from app.secrets import SecretStore
from app.services.inventory.asset_import import ImportResult
from app.store.models import Asset, CredentialRef, ImportProfile
from app.ui.assets.import_preview_page import _BAD
from app.ui.assets.import_wizard import AssetImportWizard
from tests.integration.keyring_test_backend import MemoryKeyring

pytestmark = pytest.mark.gui

SYSTEMWALKER = (
    '"資産管理番号","モデル名","シリアル番号","メーカ名","PC名","部門名","コンピュータ名",'
    '"IPアドレス","MACアドレス","リース契約No","リース終了日"\r\n'
    '"00123","ESPRIMO","SN1","富士通㈱","総務①","総務課","PC-00123","10.0.0.23",'
    '"00-11-22-33-44-55","L-1","R8.3.31"\r\n'
    '"00124","LIFEBOOK","SN2","富士通㈱","髙橋PC","税務課","PC-00124","10.0.0.24",'
    '"00-11-22-33-44-56","L-2","令和8年3月31日"\r\n'
)


@pytest.fixture
def wizard(qtbot, ctx):
    w = AssetImportWizard(ctx)
    qtbot.addWidget(w)
    w.show()
    return w


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def load(qtbot, wizard: AssetImportWizard, path: str) -> Any:
    with qtbot.waitSignal(wizard.file_page.loaded, timeout=10_000) as blocker:
        wizard.file_page.load(path)
    return blocker.args[0]


def to_mapping(qtbot, wizard: AssetImportWizard) -> None:
    with qtbot.waitSignal(wizard.mapping_page.profiles_loaded, timeout=10_000):
        wizard.next()
    assert wizard.currentPage() is wizard.mapping_page


def to_values(qtbot, wizard: AssetImportWizard) -> Any:
    with qtbot.waitSignal(wizard.values_page.found, timeout=10_000) as blocker:
        wizard.next()
    assert wizard.currentPage() is wizard.values_page
    return blocker.args[0]


def to_preview(qtbot, wizard: AssetImportWizard) -> Any:
    if wizard.currentPage() is wizard.mapping_page:
        to_values(qtbot, wizard)  # new names are registered (the page's default)
    with qtbot.waitSignal(wizard.preview_page.previewed, timeout=20_000) as blocker:
        wizard.next()
    assert wizard.currentPage() is wizard.preview_page
    return blocker.args[0]


def to_result(qtbot, wizard: AssetImportWizard) -> Any:
    with qtbot.waitSignal(wizard.run_page.finished, timeout=20_000) as blocker:
        wizard.next()
    return blocker.args[0]


def asset_count(ctx) -> int:
    with ctx.db.sessions() as s:
        return s.scalar(select(func.count(Asset.id)))


def test_a_cp932_ledger_goes_through_every_page(qtbot, wizard, ctx, tmp_path) -> None:
    table = load(qtbot, wizard, write(tmp_path, "sw.csv", SYSTEMWALKER.encode("cp932")))
    assert table.rows[0][0] == "00123"
    assert "Shift_JIS（CP932）、カンマ区切り、2行" in wizard.file_page.info.text()
    assert not wizard.file_page.sheet.isEnabled()
    to_mapping(qtbot, wizard)
    mapping = wizard.mapping()
    assert mapping["コンピュータ名"] == "hostname" and mapping["PC名"] == "name"
    assert mapping["リース契約No"] == "custom:リース契約No"
    assert wizard.mapping_page.table.item(0, 1).text() == "00123、00124"
    wizard.mapping_page.set_target("モデル名", "")  # not imported
    preview = to_preview(qtbot, wizard)
    assert [r.action for r in preview.rows] == ["create", "create"]
    page = wizard.preview_page
    assert page.model.rowCount() == 2
    assert page.model.index(0, 2).data() == "00123"
    assert "新規登録 2 件" in page.counts.text() and "総務課" in page.counts.text()
    assert page.isComplete()
    assert wizard.button(QWizard.WizardButton.CommitButton).text() == "取り込む"
    with qtbot.waitSignal(wizard.imported, timeout=20_000) as imported:
        result = to_result(qtbot, wizard)
    assert isinstance(result, ImportResult) and imported.args[0] == result
    assert (result.created, result.custom_fields_added) == (2, 1)
    summary = wizard.run_page.message.text().splitlines()
    assert summary[1] == "新規登録 2 件／更新 0 件／変更なし 0 件"
    assert "新しく追加: 部署 2 件、独自項目 1 件" in summary
    assert wizard.run_page.cancel_button.isHidden()  # nothing left to stop
    with ctx.db.sessions() as s:
        a = s.scalars(select(Asset).where(Asset.asset_tag == "00124")).one()
        assert (a.name, a.hostname, a.model) == ("髙橋PC", "PC-00124", "")


def test_problems_are_highlighted_and_block_until_skipped(qtbot, wizard, ctx, tmp_path) -> None:
    body = "資産管理番号,名称,IPアドレス\nA-1,PC,10.0.0.1\nA-2,PC,10.0.0.999\nA-3,PC,=1+1\n"
    load(qtbot, wizard, write(tmp_path, "bad.csv", body.encode()))
    to_mapping(qtbot, wizard)
    preview = to_preview(qtbot, wizard)
    page = wizard.preview_page
    assert preview.bad_rows == 2
    assert page.model.index(1, 1).data() == "問題あり"
    assert (
        page.model.index(1, 4).data() == "「IPアドレス」IPアドレスの形式ではありません: 10.0.0.999"
    )
    assert page.model.index(1, 0).data(Qt.ItemDataRole.BackgroundRole) == _BAD
    assert not page.isComplete()
    page.only_problems.setChecked(True)
    assert page.model.rowCount() == 2 and page.model.index(0, 0).data() == "3"
    page.skip_bad.setChecked(True)
    assert page.isComplete()
    result = to_result(qtbot, wizard)
    assert (result.created, result.skipped) == (1, 2)
    assert asset_count(ctx) == 1


def _workbook() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.title = "説明"
    wb.active.append(["この台帳について"])
    ws = wb.create_sheet("一覧")
    ws.append(["資産管理番号", "名称", "保守期限"])
    ws.append(["00007", "サーバ", 46112])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_xlsx_sheet_choice_reloads(qtbot, wizard, ctx, tmp_path) -> None:
    path = write(tmp_path, "book.xlsx", _workbook())
    exc = load(qtbot, wizard, path)  # the first sheet, 説明, has no rows under its header
    assert isinstance(exc, Exception)
    assert "シート「説明」: 見出しの行（1行目）しかありません" in wizard.file_page.info.text()
    assert not wizard.file_page.isComplete()
    sheet = wizard.file_page.sheet
    assert sheet.isEnabled() and [sheet.itemText(i) for i in range(sheet.count())] == [
        "説明",
        "一覧",
    ]
    with qtbot.waitSignal(wizard.file_page.loaded, timeout=10_000) as blocker:
        sheet.setCurrentIndex(1)
        sheet.activated.emit(1)  # as when the user picks it
    assert blocker.args[0].sheet == "一覧"
    assert wizard.file_page.sheet.isEnabled() and wizard.file_page.sheet.currentText() == "一覧"
    assert "シート「一覧」" in wizard.file_page.info.text()
    to_mapping(qtbot, wizard)
    assert wizard.mapping()["保守期限"] == "maintenance_end"
    to_preview(qtbot, wizard)
    result = to_result(qtbot, wizard)
    assert result.created == 1


def test_unreadable_file_shows_the_reason(qtbot, wizard, tmp_path) -> None:
    exc = load(qtbot, wizard, write(tmp_path, "photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00"))
    assert isinstance(exc, Exception)
    assert "テキスト形式のCSVではありません" in wizard.file_page.info.text()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_saved_mapping_is_offered_for_the_next_file(qtbot, wizard, ctx, tmp_path) -> None:
    path = write(tmp_path, "sw.csv", SYSTEMWALKER.encode("cp932"))
    load(qtbot, wizard, path)
    to_mapping(qtbot, wizard)
    wizard.mapping_page.set_target("PC名", "user_name")
    wizard.mapping_page.profile_name.setText("Systemwalker 台帳")
    with qtbot.waitSignal(wizard.mapping_page.profile_saved, timeout=10_000):
        wizard.mapping_page.save_button.click()
    with ctx.db.sessions() as s:
        saved = s.scalars(select(ImportProfile)).one()
        assert saved.name == "Systemwalker 台帳" and saved.mapping["PC名"] == "user_name"
    again = AssetImportWizard(ctx)
    qtbot.addWidget(again)
    again.show()
    load(qtbot, again, path)
    to_mapping(qtbot, again)
    assert again.mapping()["PC名"] == "user_name"
    assert "取込設定「Systemwalker 台帳」を適用しました" in again.mapping_page.status.text()


def test_cancelling_the_import_writes_nothing(qtbot, wizard, ctx, tmp_path) -> None:
    load(qtbot, wizard, write(tmp_path, "a.csv", "資産管理番号,名称\nA-1,PC\n".encode()))
    to_mapping(qtbot, wizard)
    to_preview(qtbot, wizard)
    gate = threading.Event()

    def hold(_p: Progress) -> None:
        gate.wait(10)

    ctx.jobs.run(hold, writer=True, name="hold-writer")  # the import queues behind it
    wizard.next()
    wizard.run_page.cancel_button.click()
    with qtbot.waitSignal(wizard.run_page.finished, timeout=20_000) as blocker:
        gate.set()
    assert type(blocker.args[0]).__name__ == "Cancelled"
    assert "中止しました。何も書き込んでいません。" in wizard.run_page.message.text()
    assert asset_count(ctx) == 0


def test_collector_waits_while_open_and_closing_frees_the_wizard(qtbot, ctx, tmp_path) -> None:
    import shiboken6

    from app import gc_pause

    assert not gc_pause.paused()
    w = AssetImportWizard(ctx)
    w.show()
    load(qtbot, w, write(tmp_path, "a.csv", SYSTEMWALKER.encode("cp932")))
    assert gc_pause.paused()  # the file's rows are not walked by a full collection
    assert ctx.jobs.collector.collect_due() == -1
    w.close()
    assert not gc_pause.paused()
    qtbot.waitUntil(lambda: not shiboken6.isValid(w))  # deleted on close, rows and all


# --- columns holding secrets -------------------------------------------------------------

PW1, PW2 = "Zq8!tokyo-PW-0001", "Zq8!tokyo-PW-0002"
SECRET_LEDGER = (
    "資産管理番号,名称,管理者パスワード,キーボード\n"
    f"PC-0001,総務PC,{PW1},JIS\n"
    f"PC-0002,税務PC,{PW2},US\n"
)


@pytest.fixture
def memory_keyring(ctx) -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    ctx.secrets = SecretStore.from_keyring()
    yield backend
    keyring.set_keyring(previous)


def target_combo(wizard: AssetImportWizard, header: str) -> QComboBox:
    row = wizard.table.headers.index(header)
    combo = wizard.mapping_page.table.cellWidget(row, 2)
    assert isinstance(combo, QComboBox)
    return combo


def refs(ctx) -> list[tuple[str, str]]:
    with ctx.db.sessions() as s:
        return [tuple(r) for r in s.execute(select(CredentialRef.label, CredentialRef.kind))]


def test_a_password_column_is_skipped_by_default_or_sent_to_the_keyring(
    qtbot, wizard, ctx, tmp_path, memory_keyring
) -> None:
    load(qtbot, wizard, write(tmp_path, "pw.csv", SECRET_LEDGER.encode()))
    to_mapping(qtbot, wizard)
    page = wizard.mapping_page
    combo = target_combo(wizard, "管理者パスワード")
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "取り込まない（秘密の値）", "キーリングに保存",
    ]  # fmt: skip
    assert combo.currentData() == IGNORE  # the safe default
    assert page.table.item(2, 1).text() == "（秘密の値のため表示しません）"
    assert PW1 not in page.table.item(2, 1).text()
    assert page.secrets_notice.isVisibleTo(page)
    assert "・「管理者パスワード」値 2 件 → 取り込まない" in page.secrets_notice.text()
    page.set_target("管理者パスワード", KEYRING)
    assert "・「管理者パスワード」値 2 件 → キーリングに保存" in page.secrets_notice.text()
    assert "メモリ" not in page.secrets_notice.text()  # a real keyring keeps them
    preview = to_preview(qtbot, wizard)
    assert [c.header for c in preview.keyring_columns] == ["管理者パスワード"]
    notice = wizard.preview_page.secrets
    assert notice.isVisibleTo(wizard.preview_page)
    assert (
        "「管理者パスワード」（値 2 件）: 秘密の値のためデータベースには保存せず" in notice.text()
    )
    result = to_result(qtbot, wizard)
    assert isinstance(result, ImportResult) and result.secrets.stored == 2
    message = wizard.run_page.message.text()
    assert (
        "秘密の値 2 件を保存しました（認証情報の参照を作成。保存先: OSの資格情報ストア" in message
    )
    assert refs(ctx) == [("PC-0001 管理者パスワード", "password"),
                         ("PC-0002 管理者パスワード", "password")]  # fmt: skip
    assert sorted(memory_keyring.secrets.values()) == [PW1, PW2]
    with ctx.db.sessions() as s:
        custom = [a.custom_fields for a in s.scalars(select(Asset).order_by(Asset.id))]
    assert custom == [{"キーボード": "JIS"}, {"キーボード": "US"}]


def test_without_a_usable_keyring_the_values_live_for_this_run_only(
    qtbot, wizard, ctx, tmp_path
) -> None:
    ctx.secrets = store = SecretStore.in_memory()
    load(qtbot, wizard, write(tmp_path, "pw.csv", SECRET_LEDGER.encode()))
    to_mapping(qtbot, wizard)
    wizard.mapping_page.set_target("管理者パスワード", KEYRING)
    assert "この実行中だけメモリに保持し" in wizard.mapping_page.secrets_notice.text()
    to_preview(qtbot, wizard)
    assert "この実行中だけメモリに保持します" in wizard.preview_page.secrets.text()
    result = to_result(qtbot, wizard)
    assert result.secrets.stored == 2
    assert "値はこの実行中だけメモリに保持しています" in wizard.run_page.message.text()
    with ctx.db.sessions() as s:
        ref = s.scalars(select(CredentialRef).order_by(CredentialRef.id)).first()
        assert ref is not None and "メモリのみ" in ref.where_kept
        assert store.get(ref) == PW1


def test_without_a_secret_store_the_keyring_cannot_be_chosen(qtbot, wizard, ctx, tmp_path) -> None:
    assert ctx.secrets is None
    load(qtbot, wizard, write(tmp_path, "pw.csv", SECRET_LEDGER.encode()))
    to_mapping(qtbot, wizard)
    combo = target_combo(wizard, "管理者パスワード")
    model = combo.model()
    assert isinstance(model, QStandardItemModel)
    assert not model.item(combo.findData(KEYRING)).isEnabled()
    assert combo.currentData() == IGNORE
    assert "初期化されていないため" in wizard.mapping_page.secrets_notice.text()
    to_preview(qtbot, wizard)
    result = to_result(qtbot, wizard)
    assert result.created == 2 and refs(ctx) == []


def test_a_saved_profile_remembers_the_choice_not_the_values(
    qtbot, wizard, ctx, tmp_path, memory_keyring
) -> None:
    path = write(tmp_path, "pw.csv", SECRET_LEDGER.encode())
    load(qtbot, wizard, path)
    to_mapping(qtbot, wizard)
    wizard.mapping_page.set_target("管理者パスワード", KEYRING)
    wizard.mapping_page.profile_name.setText("パスワード付き台帳")
    with qtbot.waitSignal(wizard.mapping_page.profile_saved, timeout=10_000):
        wizard.mapping_page.save_button.click()
    with ctx.db.sessions() as s:
        saved = s.scalars(select(ImportProfile)).one()
        assert saved.mapping["管理者パスワード"] == KEYRING
        assert PW1 not in repr((saved.mapping, saved.options))
    again = AssetImportWizard(ctx)
    qtbot.addWidget(again)
    again.show()
    load(qtbot, again, path)
    to_mapping(qtbot, again)
    assert target_combo(again, "管理者パスワード").currentData() == KEYRING
