"""AssetTableModel: Qt model contract, sorting, filtering, lazy fetch, in-place updates,
and rows prepared in a worker and swapped in."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QModelIndex, Qt

from app.services.inventory.assets import AssetFilter, AssetRow
from app.ui.assets.columns import COLUMNS, ip_sort_key
from app.ui.assets.table_model import (
    AssetTableModel,
    free_in_pieces,
    keep_unchanged,
    prepare_rows,
    search_texts,
)
from tests.conftest import TODAY

pytestmark = pytest.mark.gui

ROOT = QModelIndex()
SEGMENT_CODES = ["mynumber", "lgwan", "internet", None]
STATUS_CODES = ["in_use", "spare", "repair", "retiring", "disposed"]


def make_row(n: int, rng: random.Random, **overrides: object) -> AssetRow:
    dept = rng.randint(1, 5)
    loc = rng.randint(1, 4)
    values: dict[str, object] = {
        "id": n + 1,
        "asset_tag": f"PC-{n:06d}",
        "name": rng.choice(["デスクトップPC", "ノートPC", "サーバ", "ルータ", ""]) + f" {n}",
        "asset_type_id": rng.randint(1, 15),
        "type_name": rng.choice(["デスクトップPC", "サーバ", "", "ネットワーク機器"]),
        "status": rng.choice(STATUS_CODES),
        "segment": rng.choice(SEGMENT_CODES),
        "department_id": dept,
        "department_name": f"部署{dept}",
        "location_id": loc,
        "location_name": f"庁舎{loc}",
        "user_name": rng.choice(["佐藤 一郎", "鈴木 花子", ""]),
        "hostname": f"host{n}" if rng.random() < 0.8 else "",
        "ip_address": f"10.{n // 65536}.{(n // 256) % 256}.{n % 256}" if rng.random() < 0.8 else "",
        "maintenance_end": (
            TODAY + timedelta(days=rng.randint(-400, 900)) if rng.random() < 0.8 else None
        ),
        "lease_end": TODAY + timedelta(days=rng.randint(-100, 900)) if rng.random() < 0.5 else None,
        "eol_date": TODAY + timedelta(days=rng.randint(-700, 2000)) if rng.random() < 0.7 else None,
    }
    values.update(overrides)
    return AssetRow(**values)


def make_rows(count: int, seed: int = 7) -> list[AssetRow]:
    rng = random.Random(seed)
    return [make_row(n, rng) for n in range(count)]


def fetch_all(model: AssetTableModel) -> None:
    while model.canFetchMore(ROOT):
        model.fetchMore(ROOT)


def shown_ids(model: AssetTableModel) -> list[int]:
    fetch_all(model)
    return [model.index(r, 0).data(AssetTableModel.IdRole) for r in range(model.rowCount())]


@pytest.fixture
def model(qapp) -> AssetTableModel:
    m = AssetTableModel(TODAY)
    m.set_rows(make_rows(100))
    return m


@pytest.mark.parametrize("force_py", [False, True], ids=["qt-tester", "python-tester"])
def test_model_passes_qt_model_tester(
    qtmodeltester, model: AssetTableModel, force_py: bool
) -> None:
    qtmodeltester.check(model, force_py=force_py)


def test_model_tester_with_lazy_fetch_and_changes(qtmodeltester, qapp) -> None:
    model = AssetTableModel(TODAY, chunk=30)
    model.set_rows(make_rows(100))
    qtmodeltester.check(model)  # the Qt tester stays attached for the changes below
    model.sort(1, Qt.SortOrder.DescendingOrder)
    model.set_filter(AssetFilter(segments={"lgwan"}))
    model.set_filter(AssetFilter())
    first = model.row_at(0)
    model.replace_row(make_row(0, random.Random(1), id=first.id, name="変更後"))
    model.add_row(make_row(500, random.Random(2), id=9999))
    model.remove_id(first.id)
    model.remove_id(9999)
    fetch_all(model)
    assert model.rowCount() == 99


def test_chunks_are_fetched_lazily(qapp) -> None:
    model = AssetTableModel(TODAY, chunk=40)
    model.set_rows(make_rows(100))
    assert model.rowCount() == 40
    assert model.canFetchMore(ROOT)
    model.fetchMore(ROOT)
    assert model.rowCount() == 80
    model.fetchMore(ROOT)
    assert model.rowCount() == 100
    assert not model.canFetchMore(ROOT)
    assert model.shown_count() == 100


def test_row_for_id_fetches_up_to_the_row(qapp) -> None:
    model = AssetTableModel(TODAY, chunk=10)
    rows = make_rows(100)
    model.set_rows(rows)
    view_row = model.row_for_id(rows[55].id)
    assert view_row == 55
    assert model.rowCount() == 60
    assert model.index(55, 0).data(AssetTableModel.RowRole) is rows[55]
    model.set_filter(AssetFilter(text="PC-000001"))
    assert model.row_for_id(rows[55].id) is None
    assert model.row_for_id(123456) is None


def test_pinned_row_stays_fetched_across_resets(qtmodeltester, qapp) -> None:
    model = AssetTableModel(TODAY, chunk=10)
    rows = make_rows(100)
    model.set_rows(rows)
    qtmodeltester.check(model)
    target = rows[97]
    model.pin(target.id)
    seen: list[tuple[int | None, int]] = []

    def on_reset() -> None:  # what the ledger view does: re-select inside modelReset
        before = model.rowCount()
        seen.append((model.row_for_id(target.id), model.rowCount() - before))

    model.modelReset.connect(on_reset)
    model.sort(0, Qt.SortOrder.AscendingOrder)
    model.set_filter(AssetFilter(text="PC-00009"))
    model.set_filter(AssetFilter())
    assert seen == [(97, 0), (7, 0), (97, 0)]  # found without fetching inside the reset
    assert model.rowCount() == 100
    model.modelReset.disconnect(on_reset)
    model.pin(None)
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert model.rowCount() == 10


def test_display_values_and_roles(model: AssetTableModel) -> None:
    row = make_row(
        0,
        random.Random(0),
        id=777,
        status="retiring",
        segment="lgwan",
        maintenance_end=date(2027, 3, 31),
        eol_date=None,
    )
    view_row = model.add_row(row)

    def cell(column: int, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        return model.index(view_row, column).data(role)

    assert cell(0) == row.asset_tag
    assert cell(3) == "廃棄予定"
    assert cell(4) == "LGWAN接続系"
    assert cell(10) == "2027-03-31（R9.3.31）"  # the chosen style (default: both)
    assert "令和9年3月31日" in str(cell(10, Qt.ItemDataRole.ToolTipRole))
    assert cell(11) == ""
    assert cell(0, AssetTableModel.IdRole) == 777
    assert cell(0, AssetTableModel.RowRole) is row
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(COLUMNS))]
    assert headers[:4] == ["資産管理番号", "名称", "種別", "状態"]
    assert headers[-2:] == ["保守終了日", "EOL"]


def test_lifecycle_highlight(qapp) -> None:
    rng = random.Random(0)
    rows = [
        make_row(0, rng, status="in_use", eol_date=TODAY, maintenance_end=None),
        make_row(1, rng, status="in_use", eol_date=None, maintenance_end=date(2027, 4, 30)),
        make_row(2, rng, status="in_use", eol_date=None, maintenance_end=date(2027, 5, 2)),
        make_row(3, rng, status="disposed", eol_date=date(2020, 1, 1), maintenance_end=None),
        make_row(4, rng, status="in_use", eol_date=None, maintenance_end=date(2026, 10, 31)),
    ]
    model = AssetTableModel(TODAY)
    model.set_rows(rows)
    background = Qt.ItemDataRole.BackgroundRole
    eol = model.index(0, 1).data(background)
    soon = model.index(1, 1).data(background)
    expired = model.index(4, 1).data(background)
    assert eol is not None and expired is not None and soon is not None
    assert eol.color() == expired.color()
    assert soon.color() != eol.color()
    assert soon.color().red() > soon.color().blue()  # amber, not red or blue
    assert model.index(2, 1).data(background) is None  # more than 6 months away
    assert model.index(3, 1).data(background) is None  # disposed assets are not flagged
    assert model.index(0, 1).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert "EOL" in model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert "6か月以内" in model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole)


def _expected_order(rows: list[AssetRow], column: int, descending: bool) -> list[int]:
    key = COLUMNS[column].sort_key
    filled = [r for r in rows if key(r) is not None]
    empty = [r for r in rows if key(r) is None]
    filled.sort(key=key, reverse=descending)
    return [r.id for r in filled + empty]


@pytest.mark.parametrize("column", [0, 1, 3, 4, 5, 9, 10, 11])
def test_sort_each_column_both_ways_with_empty_last(model: AssetTableModel, column: int) -> None:
    rows = [model.row_at(r) for r in range(model.rowCount())]
    model.sort(column, Qt.SortOrder.AscendingOrder)
    ascending = shown_ids(model)
    assert ascending == _expected_order(rows, column, descending=False)
    model.sort(column, Qt.SortOrder.DescendingOrder)
    descending = shown_ids(model)
    assert descending == _expected_order(rows, column, descending=True)
    by_id = {r.id: r for r in rows}
    key = COLUMNS[column].sort_key
    empties = sum(1 for r in rows if key(r) is None)
    if empties:  # blanks are last in both directions
        assert all(key(by_id[i]) is None for i in ascending[-empties:])
        assert all(key(by_id[i]) is None for i in descending[-empties:])


def test_sort_orders_status_by_vocabulary_and_ip_numerically(qapp) -> None:
    rng = random.Random(3)
    rows = [
        make_row(0, rng, status="disposed", ip_address="10.0.0.10"),
        make_row(1, rng, status="in_use", ip_address="10.0.0.9"),
        make_row(2, rng, status="spare", ip_address="9.255.0.1"),
    ]
    model = AssetTableModel(TODAY)
    model.set_rows(rows)
    model.sort(3, Qt.SortOrder.AscendingOrder)
    assert [model.row_at(r).status for r in range(3)] == ["in_use", "spare", "disposed"]
    model.sort(9, Qt.SortOrder.AscendingOrder)
    assert [model.row_at(r).ip_address for r in range(3)] == ["9.255.0.1", "10.0.0.9", "10.0.0.10"]
    keys = [ip_sort_key(t) for t in ("9.0.0.1", "10.0.0.1", "::1", "fe80::1", "host-a", "")]
    assert keys[:5] == sorted(keys[:5])
    assert keys[5] is None


def test_filters_segment_department_lifecycle_and_text(model: AssetTableModel) -> None:
    rows = [model.row_at(r) for r in range(model.rowCount())]
    model.set_filter(AssetFilter(segments={"lgwan"}))
    assert set(shown_ids(model)) == {r.id for r in rows if r.segment == "lgwan"}
    model.set_filter(AssetFilter(department_ids={2}, segments={"internet"}))
    expected = {r.id for r in rows if r.department_id == 2 and r.segment == "internet"}
    assert set(shown_ids(model)) == expected
    model.set_filter(AssetFilter(lifecycle="eol_reached"))
    expected = {r.id for r in rows if r.eol_date is not None and r.eol_date <= TODAY}
    assert expected and set(shown_ids(model)) == expected
    model.set_filter(AssetFilter(lifecycle="maintenance_within", months=3))
    horizon = date(2027, 2, 1)
    expected = {r.id for r in rows if r.maintenance_end and TODAY <= r.maintenance_end <= horizon}
    assert expected and set(shown_ids(model)) == expected
    model.set_filter(AssetFilter(text="ｐｃ-00004"))  # full-width, case-folded
    assert set(shown_ids(model)) == {r.id for r in rows if r.asset_tag.startswith("PC-00004")}
    model.set_filter(AssetFilter(text="サトウ"))
    assert set(shown_ids(model)) == set()  # 佐藤 is not matched by reading
    model.set_filter(AssetFilter(text="鈴木"))
    assert set(shown_ids(model)) == {r.id for r in rows if r.user_name == "鈴木 花子"}
    assert model.shown_count() == len(shown_ids(model))
    assert model.total_count() == 100


def test_filter_keeps_sort_and_sort_keeps_filter(model: AssetTableModel) -> None:
    model.sort(1, Qt.SortOrder.DescendingOrder)
    model.set_filter(AssetFilter(segments={"mynumber"}))
    rows = [model.row_at(r) for r in range(model.rowCount())]
    assert _expected_order(rows, 1, descending=True) == [r.id for r in rows]
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert all(model.row_at(r).segment == "mynumber" for r in range(model.rowCount()))


def test_replace_add_remove_in_place(model: AssetTableModel, qtbot) -> None:
    model.sort(0, Qt.SortOrder.AscendingOrder)
    target = model.row_at(5)
    changed = make_row(5, random.Random(5), id=target.id, asset_tag=target.asset_tag, name="新名称")
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.replace_row(changed)
    assert blocker.args[0].row() == 5
    assert model.index(5, 1).data() == "新名称"
    model.set_filter(AssetFilter(text="新名称"))  # the text cache follows the change
    assert shown_ids(model) == [target.id]
    model.set_filter(AssetFilter())
    new_row = model.add_row(make_row(1000, random.Random(9), id=5000))
    assert model.index(new_row, 0).data(AssetTableModel.IdRole) == 5000
    assert model.total_count() == 101
    model.remove_id(target.id)
    assert not model.contains_id(target.id)
    assert model.row_for_id(target.id) is None
    assert model.total_count() == 100
    assert model.row_for_id(5000) is not None
    model.set_filter(AssetFilter(text="PC-000006"))
    assert [model.row_at(r).asset_tag for r in range(model.rowCount())] == ["PC-000006"]


def test_fifty_thousand_rows_sort_and_filter(qapp) -> None:
    rows = make_rows(50_000, seed=11)
    model = AssetTableModel(TODAY)
    model.set_rows(rows)
    assert model.rowCount() == 2000
    assert model.total_count() == 50_000
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert model.rowCount() == 2000
    names = [model.row_at(r).name.casefold() for r in range(10)]
    assert names == sorted(names, reverse=True)
    model.set_filter(AssetFilter(segments={"lgwan"}, lifecycle="eol_reached"))
    expected = sum(
        1 for r in rows if r.segment == "lgwan" and r.eol_date is not None and r.eol_date <= TODAY
    )
    assert model.shown_count() == expected
    assert model.rowCount() == min(2000, expected)
    model.set_filter(AssetFilter(text="host4999"))
    expected = sum(1 for r in rows if "host4999" in r.hostname)
    assert model.shown_count() == expected
    assert model.rowCount() == expected
    model.set_filter(AssetFilter())
    fetch_all(model)
    assert model.rowCount() == 50_000


# --- prepared in a worker, swapped in at once ----------------------------------------------


def test_prepared_rows_show_as_set_rows_would(qtmodeltester, qapp) -> None:
    rows = make_rows(300, seed=5)
    direct = AssetTableModel(TODAY, chunk=50)
    direct.sort(1, Qt.SortOrder.DescendingOrder)
    direct.set_filter(AssetFilter(segments={"lgwan", "internet"}))
    direct.set_rows(rows)
    model = AssetTableModel(TODAY, chunk=50)
    model.set_rows(make_rows(10, seed=6))
    qtmodeltester.check(model)  # stays attached through the install
    model.sort(1, Qt.SortOrder.DescendingOrder)
    model.set_filter(AssetFilter(segments={"lgwan", "internet"}))
    prepared = prepare_rows(list(rows), model.shown_as(), search_texts(rows))
    model.install(prepared)
    assert shown_ids(model) == shown_ids(direct)
    assert model.total_count() == 300 and model.contains_id(rows[299].id)
    model.set_filter(AssetFilter(text="PC-000123"))  # the texts came with the rows
    assert shown_ids(model) == [rows[123].id]


def test_a_sort_or_filter_chosen_while_rows_were_prepared_applies_to_them(qapp) -> None:
    rows = make_rows(200, seed=8)
    model = AssetTableModel(TODAY)
    model.set_rows(make_rows(5))
    prepared = prepare_rows(list(rows), model.shown_as())  # unsorted, unfiltered
    model.sort(0, Qt.SortOrder.DescendingOrder)
    model.install(prepared)
    assert shown_ids(model) == _expected_order(rows, 0, descending=True)
    prepared = prepare_rows(list(rows), model.shown_as())
    model.set_filter(AssetFilter(segments={"mynumber"}))
    model.install(prepared)
    mynumber = [r for r in rows if r.segment == "mynumber"]
    assert shown_ids(model) == _expected_order(mynumber, 0, descending=True)


def test_install_keeps_the_rows_the_view_had_fetched(qapp) -> None:
    model = AssetTableModel(TODAY, chunk=10)
    model.set_rows(make_rows(100))
    model.fetchMore(ROOT)
    model.fetchMore(ROOT)
    assert model.rowCount() == 30
    model.install(prepare_rows(make_rows(100, seed=2), model.shown_as()))
    assert model.rowCount() == 30  # so the view's scroll position holds
    model.install(prepare_rows(make_rows(12, seed=3), model.shown_as()))
    assert model.rowCount() == 12
    model.set_rows(make_rows(100, seed=4))
    assert model.rowCount() == 10


def test_what_install_replaces_is_handed_back_and_freed_in_pieces(qapp) -> None:
    rows = make_rows(1200)
    model = AssetTableModel(TODAY)
    model.set_rows(rows, search_texts(rows))
    model.sort(2, Qt.SortOrder.AscendingOrder)
    retired = model.install(prepare_rows(make_rows(3, seed=9), model.shown_as()))
    assert any(container is rows or container == rows for container in retired)
    assert sum(len(c) for c in retired if isinstance(c, list)) >= 4 * 1200
    free_in_pieces(None, retired)
    assert retired == []
    assert model.total_count() == 3 and shown_ids(model) == _expected_order(
        [model.row_at(r) for r in range(3)], 2, descending=False
    )


def test_keep_unchanged_puts_back_the_rows_shown_and_their_texts(qapp) -> None:
    before = make_rows(50, seed=12)
    before_texts = search_texts(before)
    read = make_rows(50, seed=12)  # equal, but new objects
    read[3] = make_row(3, random.Random(1), id=before[3].id, name="変更後")
    del read[10]  # deleted meanwhile
    read.append(make_row(99, random.Random(2), id=9999))  # added meanwhile
    texts = keep_unchanged(read, before, before_texts)
    kept = {id(r) for r in before}
    assert [id(r) in kept for r in read].count(False) == 2  # the changed and the added
    assert read[3].name == "変更後" and read[3] is not before[3]
    assert all(r is before[n] for n, r in enumerate(read[:10]) if n != 3)
    assert texts == search_texts(read)


def test_rows_read_again_are_replaced_and_removed_in_one_pass(qtmodeltester, qapp) -> None:
    rows = make_rows(100)
    model = AssetTableModel(TODAY, chunk=30)
    model.set_rows(rows, search_texts(rows))
    model.sort(0, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(model)
    fetched, unfetched = model.row_at(4), rows[90]
    changed = [
        make_row(4, random.Random(4), id=fetched.id, asset_tag=fetched.asset_tag, name="甲"),
        make_row(90, random.Random(5), id=unfetched.id, asset_tag=unfetched.asset_tag, name="乙"),
        make_row(500, random.Random(6), id=7000, asset_tag="NEW-1"),
    ]
    model.replace_rows(changed)
    assert model.index(4, 1).data() == "甲"
    assert model.total_count() == 101 == model.rowCount()  # the new row is shown
    gone = [model.row_at(2).id, model.row_at(20).id, rows[95].id, 7000, 123456]
    model.remove_ids(gone)
    assert model.total_count() == 97
    assert not any(model.contains_id(i) for i in gone)
    ids = shown_ids(model)
    assert len(ids) == 97 and set(ids) == {r.id for r in rows} - set(gone)
    model.set_filter(AssetFilter(text="乙"))  # positions and texts stayed in step
    assert shown_ids(model) == [unfetched.id]
