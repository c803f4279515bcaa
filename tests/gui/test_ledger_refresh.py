"""The asset ledger follows writes made anywhere (app.ui.jobs): a few changed assets are
read again row by row; more, or a new or renamed department, reload every row keeping
the selection and the scroll position; a ledger not on screen catches up when shown,
not before; a sort chosen while the rows load is applied to them; and a ledger
destroyed while it loads is called back by nothing."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt
from sqlalchemy.orm import Session

from app.interchange.asset_mapping import suggest_mapping
from app.interchange.table_reader import read_table_bytes
from app.progress import Progress
from app.services.inventory.asset_import import ImportResult, apply_import, preview_import
from app.services.inventory.assets import create_asset, delete_asset, update_asset
from app.services.inventory.import_values import ValueChoices
from app.store.models import Department
from app.ui.assets import ledger_view
from app.ui.assets.ledger_view import AssetLedgerView
from app.ui.inventory.area import InventoryArea
from app.ui.jobs import Job

pytestmark = pytest.mark.gui
T = 10_000
COUNT = 80  # enough rows for the table to scroll


@pytest.fixture
def ledger(db) -> dict[str, Any]:
    with db.sessions.begin() as s:
        somu = Department(name="総務課")
        s.add(somu)
        s.flush()
        ids = [
            create_asset(
                s, {"asset_tag": f"PC-{n:04d}", "name": f"端末{n}", "department_id": somu.id}
            ).id
            for n in range(COUNT)
        ]
    return {"department": somu.id, "assets": ids}


def open_ledger(qtbot, ctx) -> AssetLedgerView:
    view = AssetLedgerView(ctx)
    qtbot.addWidget(view)
    view.resize(1200, 500)
    view.show()
    with qtbot.waitSignal(view.ready, timeout=T):
        view.activate()
    return view


def choose(qtbot, view: AssetLedgerView, asset_id: int) -> None:
    row = view.model.row_for_id(asset_id)
    assert row is not None
    with qtbot.waitSignal(view.editor.loaded, timeout=T):
        view.table.selectRow(row)
    assert view.editor.current_asset_id == asset_id


def jobs_started(ctx, monkeypatch) -> list[Job]:
    """The jobs started from now on (the runner is not changed)."""
    started: list[Job] = []
    real = ctx.jobs.run

    def spy(*args: Any, **options: Any) -> Job:
        job = real(*args, **options)
        started.append(job)
        return job

    monkeypatch.setattr(ctx.jobs, "run", spy)
    return started


def names(jobs: list[Job]) -> list[str]:
    return [job.name for job in jobs]


def shown_names(view: AssetLedgerView) -> list[str]:
    return [view.model.row_at(r).name for r in range(view.model.rowCount())]


def rename_department(session: Session, department_id: int, name: str) -> None:
    department = session.get(Department, department_id)
    assert department is not None
    department.name = name


def held_load(monkeypatch) -> tuple[threading.Event, threading.Event]:
    """Make the ledger's loading job wait for ``gate``; ``reached`` once it waits."""
    gate, reached = threading.Event(), threading.Event()
    real = ledger_view._load_ledger

    def held(*args: Any) -> Any:
        reached.set()
        assert gate.wait(T / 1000)
        return real(*args)

    monkeypatch.setattr(ledger_view, "_load_ledger", held)
    return gate, reached


# --- writes made elsewhere -----------------------------------------------------------------


def test_a_write_elsewhere_rereads_that_row_and_keeps_the_selection(
    qtbot, ctx, ledger, monkeypatch
) -> None:
    view = open_ledger(qtbot, ctx)
    chosen, other = ledger["assets"][0], ledger["assets"][5]
    choose(qtbot, view, chosen)
    started = jobs_started(ctx, monkeypatch)
    editor_loads: list[object] = []
    view.editor.loaded.connect(editor_loads.append)
    with qtbot.waitSignal(
        view.row_refreshed, timeout=T, check_params_cb=lambda asset_id: asset_id == other
    ):
        ctx.jobs.write(update_asset, other, {"name": "端末5（更新）"})
    row = view.model.row_for_id(other)
    assert row is not None and view.model.row_at(row).name == "端末5（更新）"
    assert view.table.selected_asset_id() == chosen
    assert view.editor.current_asset_id == chosen and editor_loads == []
    assert names(started) == ["update_asset", "reread-asset-rows"]  # not every row
    assert view.count_label.text() == f"表示 {COUNT} 件 / 全 {COUNT} 件"


def test_assets_deleted_elsewhere_leave_the_table_and_choose_no_other_row(
    qtbot, ctx, ledger
) -> None:
    view = open_ledger(qtbot, ctx)
    chosen, other = ledger["assets"][10], ledger["assets"][11]
    choose(qtbot, view, chosen)
    with qtbot.waitSignal(view.row_refreshed, timeout=T):
        ctx.jobs.write(delete_asset, other)
    assert not view.model.contains_id(other)
    assert view.table.selected_asset_id() == chosen
    editor_loads: list[object] = []
    view.editor.loaded.connect(editor_loads.append)
    with qtbot.waitSignal(view.row_refreshed, timeout=T):
        ctx.jobs.write(delete_asset, chosen)
    assert not view.model.contains_id(chosen)
    assert view.table.selected_asset_id() is None  # not the row that moved up
    assert editor_loads == []
    assert view.count_label.text() == f"表示 {COUNT - 2} 件 / 全 {COUNT - 2} 件"


def _import(_progress: Progress, sessions: Any, preview: Any) -> ImportResult:
    return apply_import(sessions, preview)


def test_an_import_reloads_every_row_keeping_selection_and_scroll(
    qtbot, ctx, db, ledger, monkeypatch
) -> None:
    view = open_ledger(qtbot, ctx)
    deep = ledger["assets"][60]
    choose(qtbot, view, deep)
    bar = view.table.verticalScrollBar()
    bar.setValue(bar.maximum() // 3)  # the user scrolled away from the selected row
    scroll = bar.value()
    assert scroll > 0
    body = (
        "資産管理番号,名称,部署\n"
        "PC-0001,端末1（取込）,情報政策課\n"
        "NW-0001,基幹スイッチ,情報政策課\n"
    )
    table = read_table_bytes(body.encode("cp932"), name="ledger.csv")
    with db.sessions() as s:
        preview = preview_import(
            s, table, suggest_mapping(table.headers), values=ValueChoices(create_missing=True)
        )
    assert preview.problems() == []
    started = jobs_started(ctx, monkeypatch)
    # As the import wizard runs it; the ledger is not told by anyone but the runner.
    with qtbot.waitSignal(view.ready, timeout=T):
        ctx.jobs.run(_import, ctx.db.sessions, preview, writer=True, name="import-apply")
    assert names(started).count("load-assets") == 1  # a new department: every row
    assert view.model.total_count() == COUNT + 1
    assert "端末1（取込）" in shown_names(view) and "基幹スイッチ" in shown_names(view)
    assert view.table.selected_asset_id() == deep
    assert view.editor.current_asset_id == deep
    assert bar.value() == scroll
    combo = view.filter_panel.department_combo
    assert "情報政策課" in [combo.itemText(i) for i in range(combo.count())]
    assert view.count_label.text() == f"表示 {COUNT + 1} 件 / 全 {COUNT + 1} 件"


def test_many_changed_assets_reload_every_row(qtbot, ctx, ledger, monkeypatch) -> None:
    monkeypatch.setattr(ledger_view, "FEW_ASSETS", 2)
    view = open_ledger(qtbot, ctx)
    chosen = ledger["assets"][1]
    choose(qtbot, view, chosen)

    def rename_all(session: Session, asset_ids: list[int]) -> None:
        for asset_id in asset_ids:
            update_asset(session, asset_id, {"user_name": "佐藤 一郎"})

    started = jobs_started(ctx, monkeypatch)
    with qtbot.waitSignal(view.ready, timeout=T):
        ctx.jobs.write(rename_all, ledger["assets"][:3])
    assert names(started).count("load-assets") == 1
    assert "reread-asset-rows" not in names(started)
    assert [view.model.row_at(r).user_name for r in range(3)] == ["佐藤 一郎"] * 3
    assert view.table.selected_asset_id() == chosen


# --- not on screen ---------------------------------------------------------------------


def test_a_ledger_not_on_screen_reloads_when_shown_and_not_before(
    qtbot, ctx, ledger, monkeypatch
) -> None:
    view = AssetLedgerView(ctx)
    area = InventoryArea(ctx, view)
    qtbot.addWidget(area)
    area.resize(1200, 600)
    area.show()
    with qtbot.waitSignal(view.ready, timeout=T):
        area.activate()
    chosen = ledger["assets"][3]
    choose(qtbot, view, chosen)
    with qtbot.waitSignal(area.ready, timeout=T):
        area.show_tab("vendors")
    assert not view.isVisible()
    started = jobs_started(ctx, monkeypatch)
    with qtbot.waitSignal(ctx.jobs.data_changed, timeout=T):
        ctx.jobs.write(rename_department, ledger["department"], "総務部")
    assert "load-assets" not in names(started)  # marked stale, not read yet
    assert view.model.row_at(0).department_name == "総務課"
    with qtbot.waitSignal(view.ready, timeout=T):
        area.show_tab("assets")
    assert names(started).count("load-assets") == 1
    departments = {view.model.row_at(r).department_name for r in range(view.model.rowCount())}
    assert departments == {"総務部"}
    assert view.table.selected_asset_id() == chosen
    started.clear()
    with qtbot.waitSignal(area.ready, timeout=T):
        area.show_tab("assets")  # shown again, nothing changed: nothing is read
    assert "load-assets" not in names(started)


def test_a_few_changed_assets_are_read_again_even_off_screen(
    qtbot, ctx, ledger, monkeypatch
) -> None:
    view = AssetLedgerView(ctx)
    area = InventoryArea(ctx, view)
    qtbot.addWidget(area)
    area.show()
    with qtbot.waitSignal(view.ready, timeout=T):
        area.activate()
    with qtbot.waitSignal(area.ready, timeout=T):
        area.show_tab("vendors")
    started = jobs_started(ctx, monkeypatch)
    changed = ledger["assets"][7]
    with qtbot.waitSignal(view.row_refreshed, timeout=T):
        ctx.jobs.write(update_asset, changed, {"name": "端末7（更新）"})
    assert names(started) == ["update_asset", "reread-asset-rows"]  # cheap: no full load
    assert "端末7（更新）" in shown_names(view)


# --- while the rows load -----------------------------------------------------------------


def test_a_sort_chosen_while_the_rows_load_is_applied_to_them(
    qtbot, ctx, ledger, monkeypatch
) -> None:
    view = open_ledger(qtbot, ctx)
    gate, reached = held_load(monkeypatch)
    with qtbot.waitSignal(view.ready, timeout=T):
        view.reload()
        assert reached.wait(T / 1000)  # the job has taken the table's sort: 資産管理番号
        view.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        gate.set()
    shown = shown_names(view)
    assert shown == sorted(shown, key=str.casefold, reverse=True)
    assert view.model.total_count() == COUNT


def test_a_ledger_destroyed_while_it_loads_is_called_back_by_nothing(
    qtbot, ctx, ledger, monkeypatch
) -> None:
    gate, reached = held_load(monkeypatch)
    called: list[str] = []
    monkeypatch.setattr(AssetLedgerView, "_rows_loaded", lambda _self, _r: called.append("rows"))
    monkeypatch.setattr(AssetLedgerView, "_load_failed", lambda _self, _e: called.append("error"))
    started = jobs_started(ctx, monkeypatch)
    view = AssetLedgerView(ctx)
    view.activate()
    assert reached.wait(T / 1000)
    (job,) = [job for job in started if job.name == "load-assets"]
    view.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(view), timeout=T)
    assert job.cancelled  # at once, while its work still runs
    gate.set()
    qtbot.waitUntil(lambda: job.done and ctx.jobs.active() == 0, timeout=T)
    assert called == []
