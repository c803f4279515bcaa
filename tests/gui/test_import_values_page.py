"""The 値の対応 page of the import wizard: each unknown value of a lookup column listed once
with its rows, a proposal that stands out preselected, 「PC」 waiting for the user, the
choices carried into the preview and the import, and saved with the 取込設定."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWizard
from sqlalchemy import select

from app.services.inventory.import_values import EMPTY, ValueChoice
from app.store.models import Asset, AssetType, ImportProfile, Location
from app.ui.assets.import_wizard import AssetImportWizard
from tests.gui.test_import_wizard import load, to_mapping, to_result, to_values, write

pytestmark = pytest.mark.gui

LEDGER = "資産管理番号,名称,種別,設置場所,状態\n" + "".join(
    f"A-{i:03d},端末{i},{kind},{place},{status}\n"
    for i, (kind, place, status) in enumerate(
        [("PC", "本庁舎2F", "稼働中")] * 40
        + [("複合機", "本庁舎2F", "予備")] * 3
        + [("ﾉｰﾄPC", "第二倉庫", "行方不明")] * 2
    )
)


@pytest.fixture
def wizard(qtbot, ctx):
    with ctx.db.sessions.begin() as s:
        s.add_all([Location(name="本庁舎2階"), Location(name="別館")])
    w = AssetImportWizard(ctx)
    qtbot.addWidget(w)
    w.show()
    return w


def open_values(qtbot, wizard, tmp_path, body: str = LEDGER) -> list:
    load(qtbot, wizard, write(tmp_path, "ledger.csv", body.encode("cp932")))
    to_mapping(qtbot, wizard)
    found = to_values(qtbot, wizard)
    assert isinstance(found, list)
    return found


def shown(page) -> dict[str, tuple[str, str, str, str]]:
    """Each row as (列, 元の値, 行数, chosen item's text), by 元の値."""
    rows = {}
    for row in range(page.table.rowCount()):
        value = page.table.item(row, 1).text()
        rows[value] = (
            page.table.item(row, 0).text(),
            value,
            page.table.item(row, 2).text(),
            page.combo_for(value).currentText(),
        )
    return rows


def test_unknown_values_are_listed_with_counts_and_proposals(qtbot, wizard, tmp_path) -> None:
    open_values(qtbot, wizard, tmp_path)
    page = wizard.values_page
    rows = shown(page)
    assert set(rows) == {"PC", "複合機", "本庁舎2F", "第二倉庫", "行方不明"}  # ﾉｰﾄPC is known
    assert rows["PC"] == ("種別", "PC", "40", "（選んでください）")
    assert rows["複合機"][3] == "→ プリンタ・複合機（候補）"
    assert rows["本庁舎2F"][2:] == ("43", "→ 本庁舎2階（候補）")
    assert rows["第二倉庫"][3] == "新しく登録する（「第二倉庫」）"  # nothing alike
    assert rows["行方不明"][3] == "（選んでください）"  # a fixed list: no new entry
    assert page.combo_for("行方不明").findData("create") == -1
    row = next(r for r in range(page.table.rowCount()) if page.table.item(r, 1).text() == "PC")
    assert page.table.item(row, 2).toolTip() == "2〜41行目"
    assert "登録されていない値が 5 件（90 行）あります" in page.summary.text()
    assert not page.isComplete()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert not page.validatePage()
    assert "対応を選んでください: 種別「PC」、状態「行方不明」" in page.status.text()


def test_the_choices_go_into_the_preview_and_the_import(qtbot, wizard, ctx, tmp_path) -> None:
    open_values(qtbot, wizard, tmp_path)
    page = wizard.values_page
    page.choose("PC", ValueChoice.map("デスクトップPC"))  # an entry outside the proposals too
    page.choose("行方不明", EMPTY)
    assert page.isComplete()
    with qtbot.waitSignal(wizard.preview_page.previewed, timeout=20_000) as blocker:
        wizard.next()
    preview = blocker.args[0]
    assert preview.problems() == [] and preview.new_locations == ["第二倉庫"]
    page = wizard.preview_page  # a row's 問題・注意 in full under the table
    page.view.setCurrentIndex(page.model.index(44, 0))  # A-044, row 46 of the file
    assert (
        page.detail.text() == "46行目: 「種別」「ﾉｰﾄPC」を登録済みの「ノートPC」として取り込みます"
    )
    page.view.setCurrentIndex(page.model.index(0, 0))
    assert page.detail.text() == "2行目: 問題・注意はありません"
    result = to_result(qtbot, wizard)
    assert (result.created, result.locations_added, result.types_added) == (45, 1, 0)
    assert "新しく追加: 設置場所 1 件" in wizard.run_page.message.text()
    with ctx.db.sessions() as s:
        got = dict(
            s.execute(
                select(Asset.asset_tag, AssetType.name).join(
                    AssetType, AssetType.id == Asset.asset_type_id
                )
            ).all()
        )
        place = s.scalar(
            select(Location.name)
            .join(Asset, Asset.location_id == Location.id)
            .where(Asset.asset_tag == "A-000")
        )
    assert (got["A-000"], got["A-040"], got["A-044"], place) == (
        "デスクトップPC", "プリンタ・複合機", "ノートPC", "本庁舎2階",
    )  # fmt: skip


def test_create_the_rest_leaves_only_what_cannot_be_created(qtbot, wizard, tmp_path) -> None:
    open_values(qtbot, wizard, tmp_path)
    page = wizard.values_page
    page.create_rest.click()
    assert page.combo_for("PC").currentData() == "create"
    assert page.combo_for("複合機").currentText() == "→ プリンタ・複合機（候補）"  # kept
    assert [u.value for u in page.undecided()] == ["行方不明"]
    page.choose("行方不明", ValueChoice.map("廃棄済"))
    assert page.isComplete()
    assert wizard.values.get("status", "行方不明") == ValueChoice.map("廃棄済")


def test_choices_are_saved_with_the_profile_and_a_stale_one_asks_again(
    qtbot, wizard, ctx, tmp_path
) -> None:
    open_values(qtbot, wizard, tmp_path)
    page = wizard.values_page
    page.choose("PC", ValueChoice.map("ノートPC"))
    page.choose("本庁舎2F", ValueChoice.map("別館"))
    page.choose("第二倉庫", ValueChoice.map("本庁舎2階"))
    page.choose("行方不明", EMPTY)
    page.save_button.click()  # no name yet: said, nothing saved
    assert "設定名を入力してから" in page.status.text()
    wizard.mapping_page.profile_name.setText("庁内台帳")
    with qtbot.waitSignal(wizard.mapping_page.profile_saved, timeout=10_000):
        page.save_button.click()
    assert "列と値の対応を取込設定「庁内台帳」に保存しました" in page.status.text()
    with ctx.db.sessions() as s:
        saved = s.scalars(select(ImportProfile)).one()
    assert saved.options["values"]["values"]["status"] == {"行方不明": "empty"}
    with ctx.db.sessions.begin() as s:  # renamed since: that choice is asked again
        s.scalars(select(Location).where(Location.name == "別館")).one().name = "別館1階"
    again = AssetImportWizard(ctx)
    qtbot.addWidget(again)
    again.show()
    open_values(qtbot, again, tmp_path)
    rows = shown(again.values_page)
    assert rows["PC"][3] == "→ ノートPC（候補）"
    assert rows["第二倉庫"][3] == "→ 本庁舎2階"
    assert rows["行方不明"][3] == "空にする（取り込まない）"
    assert rows["本庁舎2F"][3] == "→ 本庁舎2階（候補）"  # the saved 別館 is gone: the proposal
    assert again.values_page.isComplete()


def test_a_ledger_of_known_values_passes_straight_through(qtbot, wizard, tmp_path) -> None:
    body = "資産管理番号,名称,種別,設置場所\nA-1,PC,ﾉｰﾄPC,本庁舎２階\n"
    assert open_values(qtbot, wizard, tmp_path, body) == []
    page = wizard.values_page
    assert "登録されていない値はありません" in page.summary.text()
    assert page.table.isHidden() and page.isComplete()


def test_going_back_and_changing_the_mapping_finds_again(qtbot, wizard, tmp_path) -> None:
    open_values(qtbot, wizard, tmp_path)
    wizard.back()
    wizard.mapping_page.set_target("種別", "")  # not imported
    found = to_values(qtbot, wizard)
    assert {u.value for u in found} == {"本庁舎2F", "第二倉庫", "行方不明"}
