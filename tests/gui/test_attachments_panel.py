"""The attachments panel on a real database and real files: add (through the dialog's
code path and by drag and drop), list, save a copy, delete; bad input shown inline; and
the panel in the contract editor."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QPushButton

from app.services.inventory import contracts
from app.store import attachments as store
from app.ui.widgets.attachments_panel import AttachmentsPanel

pytestmark = pytest.mark.gui
T = 10_000
PDF = b"%PDF-1.4\n" + b"contract " * 5000


@pytest.fixture
def contract_id(db) -> int:
    store.install(db.sessions)
    with db.sessions.begin() as s:
        return contracts.create_contract(s, {"title": "住民記録システム保守"}).id


@pytest.fixture
def panel(qtbot, ctx, contract_id) -> AttachmentsPanel:
    widget = AttachmentsPanel(ctx, "contract")
    qtbot.addWidget(widget)
    widget.resize(700, 300)
    widget.show()
    with qtbot.waitSignal(widget.loaded, timeout=T):
        widget.set_owner(contract_id)
    return widget


def source(tmp_path: Path, name: str = "契約書.pdf", content: bytes = PDF) -> Path:
    folder = tmp_path / "chosen"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(content)
    return folder / name


def add(qtbot, panel: AttachmentsPanel, *paths: Path) -> None:
    with qtbot.waitSignals([panel.written, panel.loaded], timeout=T):
        panel.add_files(list(paths))


def test_add_list_save_and_delete(qtbot, panel, tmp_path, monkeypatch) -> None:
    chosen = source(tmp_path)
    # 追加… opens the file dialog; its answer goes to the same add_files the drop uses.
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(chosen)], ""))
    with qtbot.waitSignals([panel.written, panel.loaded], timeout=T):
        panel.add_button.click()
    assert panel.items() == ["契約書.pdf"]
    assert panel.table.item(0, 1).text() == "44 KB"
    assert "添付しました" in panel.message.text()

    panel.select_row(0)
    assert panel.save_button.isEnabled() and panel.delete_button.isEnabled()
    out = tmp_path / "保存先"
    out.mkdir()
    with qtbot.waitSignal(panel.saved, timeout=T) as saved:
        panel.save_selected(out)
    assert saved.args[0] == out / "契約書.pdf"
    assert (out / "契約書.pdf").read_bytes() == PDF

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignals([panel.written, panel.loaded], timeout=T):
        panel.delete_selected()
    assert panel.items() == []
    assert not panel.save_button.isEnabled()


def test_files_dropped_on_the_panel_are_attached(qtbot, panel, tmp_path) -> None:
    first = source(tmp_path, "見積書.pdf")
    second = source(tmp_path, "仕様書.pdf", b"other")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(first)), QUrl.fromLocalFile(str(second))])
    event = QDropEvent(
        QPointF(QPoint(10, 10)), Qt.DropAction.CopyAction, data,
        Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    with qtbot.waitSignals([panel.written, panel.loaded], timeout=T):
        panel.dropEvent(event)
    assert panel.items() == ["見積書.pdf", "仕様書.pdf"]


def test_bad_files_are_refused_inline_and_nothing_is_attached(qtbot, panel, tmp_path) -> None:
    good = source(tmp_path, "良い.pdf")
    gone = tmp_path / "chosen" / "消えた.pdf"  # chosen, then deleted before the job ran
    panel.add_files([good, gone])
    qtbot.waitUntil(lambda: "見つかりません" in panel.message.text(), timeout=T)
    empty = source(tmp_path, "空.txt", b"")
    panel.add_files([empty])
    qtbot.waitUntil(lambda: "空のファイルは添付できません" in panel.message.text(), timeout=T)
    with qtbot.waitSignal(panel.loaded, timeout=T):
        panel.refresh()
    assert panel.items() == [], "all or none: the good file was not attached either"
    assert panel.isEnabled()


def test_a_panel_without_a_saved_record_is_disabled(qtbot, ctx) -> None:
    widget = AttachmentsPanel(ctx, "contract")
    qtbot.addWidget(widget)
    assert not widget.add_button.isEnabled() and widget.hint.isVisibleTo(widget)


def test_another_panel_on_the_same_record_reloads(qtbot, ctx, panel, contract_id, tmp_path):
    other = AttachmentsPanel(ctx, "contract")
    qtbot.addWidget(other)
    with qtbot.waitSignal(other.loaded, timeout=T):
        other.set_owner(contract_id)
    with qtbot.waitSignal(other.loaded, timeout=T):
        add(qtbot, panel, source(tmp_path))
    assert other.items() == ["契約書.pdf"]


def test_the_contract_editor_shows_the_panel(qtbot, ctx, contract_id, tmp_path) -> None:
    from app.ui.inventory.contracts_view import ContractsView

    view = ContractsView(ctx)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    with qtbot.waitSignal(view.ready, timeout=T):
        view.activate()
    panel = view.contract_editor.attachments_panel
    with qtbot.waitSignals([view.editor.loaded, panel.loaded], timeout=T):
        view.show_record(contract_id)
    assert panel.owner() == contract_id and panel.isVisible()
    add(qtbot, panel, source(tmp_path))
    assert panel.items() == ["契約書.pdf"]


def test_a_slow_copy_shows_progress_and_can_be_cancelled(qtbot, panel, tmp_path, monkeypatch):
    pause = threading.Event()  # never set: each chunk takes 10 ms, as from a slow share
    chunks = 0

    def slow_copy(_src, _out, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal chunks
        while True:  # until the progress dialog's キャンセル
            kwargs["progress"].check()
            chunks += 1
            pause.wait(0.01)

    monkeypatch.setattr(store, "copy_stream", slow_copy)
    panel.add_files([source(tmp_path)])

    def shown() -> list[QProgressDialog]:
        return [d for d in panel.findChildren(QProgressDialog) if d.isVisible()]

    qtbot.waitUntil(lambda: bool(shown()), timeout=T)  # after the 600 ms delay
    (button,) = shown()[0].findChildren(QPushButton)
    assert button.text() == "キャンセル"
    button.click()
    qtbot.waitUntil(lambda: "キャンセルしました" in panel.message.text(), timeout=T)
    with qtbot.waitSignal(panel.loaded, timeout=T):
        panel.refresh()
    assert panel.items() == [] and chunks > 0
