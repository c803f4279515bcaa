"""The promises of the job API (app.ui.jobs), shown with real widgets and real writes:
a job ends with its owner, a newer job supersedes an older one of the same key, a write
announces what it committed to the watches of those kinds only, the progress dialog
appears only for slow work and cancels it, and a view reloads on another view's edit."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from app.progress import Cancelled, Progress
from app.services.errors import ValidationError
from app.services.inventory import contracts, vendors
from app.services.inventory.assets import create_asset
from app.services.search import global_search
from app.store.changes import Changes
from app.ui import search_panel
from app.ui.jobs import PROGRESS_DELAY_MS, Job, ProgressShown
from app.ui.search_panel import SearchDialog
from tests.gui.user_input import type_text

pytestmark = pytest.mark.gui
T = 10_000


@pytest.fixture
def records(db) -> dict[str, int]:
    with db.sessions.begin() as s:
        ids = {
            "pc": create_asset(s, {"asset_tag": "HT-PC-0001", "name": "総務課 事務用PC"}).id,
            "server": create_asset(s, {"asset_tag": "HT-SV-0002", "name": "ファイルサーバ"}).id,
            "vendor": vendors.create_vendor(s, {"name": "みらい情報システム"}).id,
        }
        ids["contract"] = contracts.create_contract(
            s, {"title": "住民記録システム保守", "vendor_id": ids["vendor"]}
        ).id
        ids["other_contract"] = contracts.create_contract(s, {"title": "複合機リース"}).id
    return ids


def jobs_started(ctx, monkeypatch, method: str) -> list[Job]:
    """The jobs ``ctx.jobs.<method>`` starts from now on (the runner is not changed)."""
    started: list[Job] = []
    real = getattr(ctx.jobs, method)

    def spy(*args: Any, **options: Any) -> Job:
        job = real(*args, **options)
        started.append(job)
        return job

    monkeypatch.setattr(ctx.jobs, method, spy)
    return started


class HeldSearch:
    """``global_search`` that waits for ``release`` on the queries in ``held``."""

    def __init__(self, *held: str) -> None:
        self.held = set(held)
        self.waiting = threading.Event()
        self.release = threading.Event()

    def __call__(self, session: Any, text: str, **options: Any) -> Any:
        if text in self.held:
            self.waiting.set()
            assert self.release.wait(T / 1000)
        return global_search(session, text, **options)


# --- a job belongs to its owner ----------------------------------------------------------


def test_a_job_whose_owner_is_destroyed_never_calls_back_and_is_cancelled(
    qtbot, ctx, records, monkeypatch
) -> None:
    search = HeldSearch("総務")
    monkeypatch.setattr(search_panel, "global_search", search)
    called: list[str] = []
    monkeypatch.setattr(SearchDialog, "_show", lambda self, results: called.append("result"))
    monkeypatch.setattr(SearchDialog, "_failed", lambda self, exc: called.append("error"))
    started = jobs_started(ctx, monkeypatch, "read")
    dialog = SearchDialog(ctx)
    dialog.search("総務")
    assert search.waiting.wait(T / 1000)
    (job,) = started
    dialog.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=T)
    assert job.cancelled  # at once, while its work still runs
    search.release.set()
    qtbot.waitUntil(lambda: job.done and ctx.jobs.active() == 0, timeout=T)
    assert called == []  # the result came back, and was handed to nobody


def test_the_work_of_a_destroyed_owner_sees_the_cancel(qtbot, ctx) -> None:
    gate, reached = threading.Event(), threading.Event()
    checked: list[str] = []

    def work(progress: Progress) -> str:
        reached.set()
        assert gate.wait(T / 1000)
        try:
            progress.check()
        except Cancelled:
            checked.append("cancelled")
            raise
        return "finished"

    owner = QWidget()
    calls: list[object] = []
    job = ctx.jobs.run(work, owner=owner, on_result=calls.append, on_error=calls.append)
    assert reached.wait(T / 1000)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(owner), timeout=T)
    gate.set()
    qtbot.waitUntil(lambda: job.done and ctx.jobs.active() == 0, timeout=T)
    assert checked == ["cancelled"] and job.cancelled
    assert calls == []


# --- latest only -------------------------------------------------------------------------


def test_a_newer_search_supersedes_an_older_one(qtbot, ctx, records, monkeypatch) -> None:
    search = HeldSearch("総務")
    monkeypatch.setattr(search_panel, "global_search", search)
    started = jobs_started(ctx, monkeypatch, "read")
    dialog = SearchDialog(ctx)
    qtbot.addWidget(dialog)
    shown: list[int] = []
    dialog.results_shown.connect(shown.append)
    dialog.search("総務")  # held in its worker
    assert search.waiting.wait(T / 1000)
    with qtbot.waitSignal(dialog.results_shown, timeout=T):
        dialog.search("サーバ")
    older, newer = started
    assert older.cancelled and not newer.cancelled
    search.release.set()  # the older query finishes after the newer one was shown
    qtbot.waitUntil(lambda: older.done and ctx.jobs.active() == 0, timeout=T)
    assert shown == [1]
    hit = dialog.tree.topLevelItem(0).child(0)
    assert hit.text(0) == "ファイルサーバ"
    assert hit.data(0, search_panel.HIT_ROLE) == ("asset", records["server"])


def test_the_same_key_of_another_owner_is_not_superseded(qtbot, ctx) -> None:
    gate = threading.Event()
    first, second = QWidget(), QWidget()
    qtbot.addWidget(first)
    qtbot.addWidget(second)
    results: list[tuple[str, str]] = []

    def work(_p: Progress, name: str) -> str:
        assert gate.wait(T / 1000)
        return name

    for owner, name in ((first, "first"), (second, "second")):
        ctx.jobs.run(
            work, name, owner=owner, key="load", on_result=lambda r, n=name: results.append((n, r))
        )
    gate.set()
    qtbot.waitUntil(lambda: len(results) == 2, timeout=T)
    assert sorted(results) == [("first", "first"), ("second", "second")]


# --- writes announce what they changed ---------------------------------------------------


def test_a_write_reaches_the_watches_of_the_kinds_it_touched_and_no_others(
    qtbot, ctx, db, records
) -> None:
    owners = {name: QWidget() for name in ("vendor", "asset", "any", "gone")}
    for name in ("vendor", "asset", "any"):
        qtbot.addWidget(owners[name])
    seen: dict[str, list[Changes]] = {name: [] for name in owners}
    order: list[str] = []
    ctx.jobs.watch(owners["vendor"], {"vendor", "contact"}, seen["vendor"].append)
    ctx.jobs.watch(owners["asset"], {"asset"}, seen["asset"].append)
    ctx.jobs.watch(owners["any"], None, lambda c: (seen["any"].append(c), order.append("watch")))
    ctx.jobs.watch(owners["gone"], {"vendor"}, seen["gone"].append)
    gone = owners.pop("gone")
    gone.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(gone), timeout=T)

    def rename(session: Any, vendor_id: int) -> None:
        vendors.update_vendor(session, vendor_id, {"name": "みらいシステムズ"})

    with qtbot.waitSignal(ctx.jobs.data_changed, timeout=T) as announced:
        ctx.jobs.write(rename, records["vendor"], on_result=lambda _none: order.append("result"))
    changed = announced.args[0]
    assert changed.ids == {"vendor": {records["vendor"]}}
    assert [c.ids for c in seen["vendor"]] == [changed.ids]
    assert seen["any"] == [changed]
    assert seen["asset"] == [] and seen["gone"] == []
    assert order == ["result", "watch"]  # the job's own callbacks first, then the watches
    with db.sessions() as s:
        assert vendors.get_vendor(s, records["vendor"]).name == "みらいシステムズ"


def test_a_refused_write_announces_nothing(qtbot, ctx, records) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    seen: list[Changes] = []
    ctx.jobs.watch(owner, None, seen.append)
    announced: list[Changes] = []
    ctx.jobs.data_changed.connect(announced.append)
    errors: list[BaseException] = []

    def empty_name(session: Any, vendor_id: int) -> None:
        vendors.update_vendor(session, vendor_id, {"name": ""})

    ctx.jobs.write(empty_name, records["vendor"], owner=owner, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors) and ctx.jobs.active() == 0, timeout=T)
    assert isinstance(errors[0], ValidationError)  # raised in the job, handed over as an error
    assert seen == [] and announced == []


# --- the progress dialog -----------------------------------------------------------------


class ShowEvents(QObject):
    """Counts the Show events of the widget it is installed on."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show:
            self.count += 1
        return False


@pytest.fixture
def parent(qtbot) -> QWidget:
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    return window


def test_quick_work_never_shows_the_progress_dialog(qtbot, ctx, parent) -> None:
    results: list[int] = []
    ctx.jobs.run(lambda _p: 42, progress=ProgressShown(parent, "集計中"), on_result=results.append)
    dialog = parent.findChild(QProgressDialog)
    assert dialog is not None and not dialog.isVisible()
    shows = ShowEvents()
    dialog.installEventFilter(shows)
    qtbot.waitUntil(lambda: results == [42], timeout=T)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=T)  # closed, deleted
    assert shows.count == 0


def test_slow_work_shows_the_progress_dialog_after_the_delay_then_closes_it(
    qtbot, ctx, parent
) -> None:
    gate = threading.Event()
    results: list[str] = []

    def work(progress: Progress) -> str:
        progress.report(1, 4, "1件目を処理中")
        assert gate.wait(T / 1000)
        return "done"

    begun = time.monotonic()
    ctx.jobs.run(work, progress=ProgressShown(parent, "集計中"), on_result=results.append)
    dialog = parent.findChild(QProgressDialog)
    assert dialog is not None and not dialog.isVisible()
    qtbot.waitUntil(dialog.isVisible, timeout=T)
    # A coarse single-shot timer may fire up to 5 % early.
    assert time.monotonic() - begun >= PROGRESS_DELAY_MS * 0.9 / 1000
    assert dialog.windowTitle() == "集計中"
    qtbot.waitUntil(lambda: dialog.labelText() == "1件目を処理中", timeout=T)
    assert (dialog.value(), dialog.maximum()) == (1, 4)
    gate.set()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=T)  # closed, deleted
    assert results == ["done"]


def test_the_progress_dialog_cancel_button_cancels_the_job(qtbot, ctx, parent) -> None:
    gate = threading.Event()
    results: list[object] = []

    def work(progress: Progress) -> str:
        assert gate.wait(T / 1000)
        progress.check()  # raises Cancelled once the job was cancelled
        return "not cancelled"

    job = ctx.jobs.run(
        work,
        progress=ProgressShown(parent, "書き出し中"),
        on_result=results.append,
        on_error=results.append,
    )
    dialog = parent.findChild(QProgressDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=T)
    cancel = dialog.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "キャンセル"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert job.cancelled
    gate.set()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=T)  # closed, deleted
    assert len(results) == 1 and isinstance(results[0], Cancelled)


# --- end to end: a view reloads on another view's edit -----------------------------------


def test_a_vendor_renamed_in_its_view_is_shown_by_an_open_contracts_view(
    qtbot, ctx, records
) -> None:
    from app.ui.inventory.contracts_view import ContractsView
    from app.ui.inventory.vendors_view import VendorsView

    pages = []
    for page in (ContractsView(ctx), VendorsView(ctx)):
        qtbot.addWidget(page)
        page.resize(1200, 700)
        page.show()
        with qtbot.waitSignal(page.ready, timeout=T):
            page.activate()
        pages.append(page)
    contracts_view, vendors_view = pages

    def vendor_shown(contract_id: int) -> str:
        model = contracts_view.model
        return str(model.data(model.index(model.row_for_id(contract_id), 2)))

    with qtbot.waitSignal(contracts_view.editor.loaded, timeout=T):
        contracts_view.show_record(records["contract"])
    assert contracts_view.table.selected_id() == records["contract"]
    assert vendor_shown(records["contract"]) == "みらい情報システム"
    with qtbot.waitSignal(vendors_view.editor.loaded, timeout=T):
        vendors_view.show_record(records["vendor"])
    type_text(qtbot, vendors_view.vendor_editor.form.inputs["name"], "みらいシステムズ")
    with qtbot.waitSignals([vendors_view.vendor_editor.saved, contracts_view.ready], timeout=T):
        vendors_view.vendor_editor.save()
    assert vendor_shown(records["contract"]) == "みらいシステムズ"
    assert vendor_shown(records["other_contract"]) in ("", "None")
    assert contracts_view.table.selected_id() == records["contract"]  # the row stays chosen
    assert contracts_view.editor.current_id == records["contract"]
