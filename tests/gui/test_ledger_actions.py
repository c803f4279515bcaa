"""The ledger's 取込・出力 menu hands the current view's ids to export, labels and import."""

from __future__ import annotations

import pytest

from app.services.inventory.assets import AssetFilter, create_asset
from app.ui.assets import ledger_actions
from app.ui.assets.ledger_view import AssetLedgerView

pytestmark = pytest.mark.gui


@pytest.fixture
def view(qtbot, ctx, db):
    with db.sessions.begin() as s:
        for i, segment in enumerate(["lgwan", "mynumber", "lgwan"]):
            create_asset(s, {"asset_tag": f"HT-{i}", "name": f"端末{i}", "segment": segment})
    ledger = AssetLedgerView(ctx)
    qtbot.addWidget(ledger)
    with qtbot.waitSignal(ledger.ready, timeout=10_000):
        ledger.activate()
    return ledger


def test_exports_and_labels_use_the_filtered_view_in_display_order(view, monkeypatch) -> None:
    calls: list[tuple] = []

    def fake_export(parent, ctx, ids, layout):
        calls.append(("export", layout, ids))

    def fake_labels(parent, ctx, ids):
        calls.append(("labels", ids))

    monkeypatch.setattr(ledger_actions, "export_view", fake_export)
    monkeypatch.setattr(ledger_actions, "print_labels", fake_labels)
    view.model.set_filter(AssetFilter(segments={"lgwan"}))
    shown = view.model.ids_in_view()
    assert len(shown) == 2
    view.actions_button.export_ledger()
    view.actions_button.export_security()
    view.actions_button.labels_for_view()
    view.actions_button.labels_for_selection()  # nothing selected
    assert calls == [
        ("export", "ledger", shown),
        ("export", "security", shown),
        ("labels", shown),
        ("labels", []),
    ]


def test_menu_lists_import_export_and_labels(view) -> None:
    texts = [a.text() for a in view.actions_button.menu().actions() if a.text()]
    assert texts[0].startswith("台帳ファイルを取り込む")
    assert any("情報資産台帳" in t for t in texts)
    assert any("ラベル" in t for t in texts)


def test_import_opens_the_wizard(qtbot, view) -> None:
    from app.ui.assets.import_wizard import AssetImportWizard

    view.open_import()
    wizards = view.findChildren(AssetImportWizard)
    assert len(wizards) == 1
    wizards[0].reject()
