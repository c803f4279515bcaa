"""The list view every record list uses (app.ui.inventory.rows_model): sorting by a
column is the model's (the selection stays on its row, new rows keep the sort, -1 gives
the service's order back), the filter matches any shown cell (a date as shown, in 和暦
too) and keeps working across sorts, and neither asks for a value once per cell per
comparison."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from PySide6.QtCore import Qt

from app.ui.inventory.rows_model import (
    FILTER_ROLE,
    ID_ROLE,
    RowColumn,
    RowsTableModel,
    RowsTableView,
)

pytestmark = pytest.mark.gui


@dataclass(frozen=True)
class Row:
    id: int
    title: str
    due: date | None
    count: int


ROWS = [
    Row(1, "予算要求", date(2026, 10, 1), 3),
    Row(2, "出納閉鎖", date(2026, 5, 29), 10),
    Row(3, "証明書の更新", None, 2),
    Row(4, "アカウント棚卸", date(2027, 3, 31), 10),
]


@pytest.fixture
def table(qtbot):
    calls = {"title": 0}

    def title(r: Row) -> str:
        calls["title"] += 1
        return r.title

    model = RowsTableModel([
        RowColumn("件名", title),
        RowColumn("期限", lambda r: r.due, "date"),
        RowColumn("件数", lambda r: r.count, "int"),
    ])  # fmt: skip
    view = RowsTableView(model)
    qtbot.addWidget(view)
    model.set_rows(ROWS)
    view.calls = calls  # type: ignore[attr-defined]
    return view


def shown_ids(view: RowsTableView) -> list[int]:
    proxy = view.proxy
    return [proxy.index(r, 0).data(ID_ROLE) for r in range(proxy.rowCount())]


def test_sorting_is_stable_keeps_the_selection_and_survives_new_rows(table) -> None:
    assert shown_ids(table) == [1, 2, 3, 4]  # the service's order
    table.select_id(2)
    table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    assert shown_ids(table) == [2, 4, 1, 3]  # 10, 10 (as given), 3, 2
    assert table.selected_id() == 2
    table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert shown_ids(table) == [2, 1, 4, 3]  # no date last
    table.source.set_rows([*ROWS, Row(5, "年度末の移動", date(2026, 4, 1), 1)])
    assert shown_ids(table) == [5, 2, 1, 4, 3]
    table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    assert shown_ids(table) == [1, 2, 3, 4, 5]


def test_a_sort_asks_each_row_once(table) -> None:
    table.source.set_rows([Row(n, f"件名{n % 97}", None, n) for n in range(2_000)])
    table.calls["title"] = 0
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert table.calls["title"] == 2_000


def test_the_filter_matches_any_cell_as_shown(table) -> None:
    table.set_filter_text("R8.5")  # 出納閉鎖's date, in 和暦
    assert shown_ids(table) == [2]
    table.set_filter_text("棚卸")
    assert shown_ids(table) == [4]
    table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    table.set_filter_text("10")  # the count, or a date with 10 in it
    assert shown_ids(table) == [4, 1, 2]  # by date, latest first
    table.set_filter_text("")
    assert len(shown_ids(table)) == 4
    haystack = table.source.index(table.source.row_for_id(1), 0).data(FILTER_ROLE)
    assert "予算要求" in haystack and "2026-10-01" in haystack


def test_filter_texts_are_made_ahead_and_kept_for_the_same_rows(qtbot, table) -> None:
    rows = [Row(n, f"件名{n}", None, n) for n in range(1_500)]
    table.source.set_rows(rows)
    qtbot.waitUntil(lambda: not table.source._warmer.isActive(), timeout=5_000)
    table.calls["title"] = 0
    table.source.set_rows(rows[:700])  # another view of the same rows
    table.set_filter_text("件名12")
    assert table.calls["title"] == 0
    assert shown_ids(table) == [12, *range(120, 130)]
