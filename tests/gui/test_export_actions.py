"""Export and label actions: file dialog → background job → file, status, errors, cancel."""

from __future__ import annotations

import threading
from pathlib import Path

import openpyxl
import pypdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QPushButton,
)

from app.progress import Progress
from app.store.models import Asset
from app.ui.assets import export_actions
from app.ui.assets.export_actions import (
    FILTER_CSV_SJIS,
    FILTER_PDF,
    FILTER_XLSX,
    LabelOptionsDialog,
    export_view,
    print_labels,
)

pytestmark = pytest.mark.gui


@pytest.fixture
def asset_ids(db) -> list[int]:
    with db.sessions.begin() as s:
        assets = [Asset(asset_tag=f"HT-{i:02d}", name=f"端末{i}") for i in range(5)]
        s.add_all(assets)
        s.flush()
        return [a.id for a in assets]


@pytest.fixture
def window(qtbot) -> QMainWindow:
    win = QMainWindow()
    qtbot.addWidget(win)
    return win


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def answer_save_dialog(monkeypatch, path: Path | str, chosen_filter: str) -> list[str]:
    """Make QFileDialog.getSaveFileName return ``path``; returns the titles it was asked with."""
    asked: list[str] = []

    def fake(parent, title, start, filters, selected=""):
        asked.append(start)
        return str(path), chosen_filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    return asked


def record_boxes(monkeypatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    for kind in ("warning", "critical", "information"):

        def fake(parent, title, text, *a, _kind=kind):
            shown.append((_kind, text))
            return QMessageBox.StandardButton.Ok

        monkeypatch.setattr(QMessageBox, kind, staticmethod(fake))
    return shown


def status(window: QMainWindow) -> str:
    return window.statusBar().currentMessage()


def test_export_view_writes_the_filtered_rows_in_order(
    qtbot, ctx, window, asset_ids, out_dir, monkeypatch
) -> None:
    asked = answer_save_dialog(monkeypatch, out_dir / "view", FILTER_XLSX)
    job = export_view(window, ctx, [asset_ids[3], asset_ids[1]], "ledger")
    assert job is not None
    qtbot.waitUntil(lambda: "2件を書き出しました" in status(window))
    assert asked[0].endswith("資産台帳_20261101.xlsx")
    ws = openpyxl.load_workbook(out_dir / "view.xlsx").active
    assert [ws["A2"].value, ws["A3"].value] == ["HT-03", "HT-01"]
    assert ctx.settings.value("export/last_dir") == str(out_dir)


def test_export_view_csv_cp932_and_security_layout(
    qtbot, ctx, window, asset_ids, out_dir, monkeypatch
) -> None:
    answer_save_dialog(monkeypatch, out_dir / "sec", FILTER_CSV_SJIS)
    export_view(window, ctx, asset_ids, "security")
    qtbot.waitUntil(lambda: "5件を書き出しました" in status(window))
    text = (out_dir / "sec.csv").read_bytes().decode("cp932")
    assert text.startswith("資産管理番号,名称,種別,管理者")


def test_cancelled_file_dialog_does_nothing(ctx, window, asset_ids, monkeypatch) -> None:
    answer_save_dialog(monkeypatch, "", "")
    assert export_view(window, ctx, asset_ids) is None
    assert ctx.jobs.active() == 0


def test_user_error_is_shown_in_a_message_box(
    qtbot, ctx, window, asset_ids, out_dir, monkeypatch
) -> None:
    answer_save_dialog(monkeypatch, out_dir / "missing" / "a.xlsx", FILTER_XLSX)
    shown = record_boxes(monkeypatch)
    export_view(window, ctx, asset_ids)
    qtbot.waitUntil(lambda: bool(shown))
    assert shown[0][0] == "warning" and "保存先のフォルダがありません" in shown[0][1]


def test_slow_export_shows_progress_after_a_delay_and_cancels(
    qtbot, ctx, window, asset_ids, out_dir, monkeypatch
) -> None:
    started = threading.Event()

    def slow_export(session, path, *, progress: Progress, **kw):
        started.set()
        progress.report(1, 10, "書き出し中")
        while True:  # until cancelled: check() raises Cancelled
            progress.check()
            threading.Event().wait(0.01)

    monkeypatch.setattr(export_actions, "export_assets", slow_export)
    answer_save_dialog(monkeypatch, out_dir / "slow.xlsx", FILTER_XLSX)
    job = export_view(window, ctx, asset_ids)
    dialog = window.findChild(QProgressDialog)
    assert job is not None and dialog is not None
    assert not dialog.isVisible()  # not at once: quick work never flashes a dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    assert started.is_set() and dialog.labelText() == "書き出し中"
    qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)  # キャンセル
    qtbot.waitUntil(lambda: "キャンセルしました" in status(window))
    assert job.cancelled and not (out_dir / "slow.xlsx").exists()


def test_label_options_dialog(qtbot) -> None:
    dialog = LabelOptionsDialog(13, "A4-12")
    qtbot.addWidget(dialog)
    assert dialog.sheet() == "A4-12" and dialog.start_box.maximum() == 12
    assert "13件のラベル（2ページ）" in dialog.pages_label.text()
    dialog.sheet_box.setCurrentIndex(dialog.sheet_box.findData("A4-44"))
    assert dialog.start_box.maximum() == 44 and "（1ページ）" in dialog.pages_label.text()
    dialog.start_box.setValue(40)
    assert dialog.start_position() == 40 and "（2ページ）" in dialog.pages_label.text()


def test_print_labels(qtbot, ctx, window, asset_ids, out_dir, monkeypatch) -> None:
    def choose(self):
        self.sheet_box.setCurrentIndex(self.sheet_box.findData("A4-44"))
        self.start_box.setValue(43)
        self.code_box.setCurrentIndex(self.code_box.findData("code128"))
        self.org_box.setText(" ひとり町  総務課 ")
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(LabelOptionsDialog, "exec", choose)
    answer_save_dialog(monkeypatch, out_dir / "labels", FILTER_PDF)
    assert print_labels(window, ctx, asset_ids) is not None
    qtbot.waitUntil(lambda: "ラベル5件のPDFを保存しました" in status(window))
    reader = pypdf.PdfReader(out_dir / "labels.pdf")
    assert len(reader.pages) == 2  # positions 43, 44, then 3 on the next sheet
    assert reader.pages[0].extract_text().count("ひとり町 総務課") == 2
    assert ctx.settings.value("labels/sheet") == "A4-44"
    from app.services.inventory.label_settings import label_code, organisation

    with ctx.db.sessions() as s:  # kept for `hitori labels` too
        assert (organisation(s), label_code(s)) == ("ひとり町 総務課", "code128")
    again = LabelOptionsDialog(1, "A4-12", code="code128", organisation="ひとり町 総務課")
    qtbot.addWidget(again)
    assert (again.code(), again.organisation()) == ("code128", "ひとり町 総務課")


def test_print_labels_needs_a_selection_and_can_be_cancelled(
    ctx, window, asset_ids, monkeypatch
) -> None:
    shown = record_boxes(monkeypatch)
    assert print_labels(window, ctx, []) is None
    assert shown == [("information", "ラベルを作る資産を選んでください。")]
    monkeypatch.setattr(LabelOptionsDialog, "exec", lambda self: 0)
    assert print_labels(window, ctx, asset_ids) is None
    assert ctx.jobs.active() == 0
