"""FieldErrors: messages under form fields after a failed save."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from app.ui.widgets.date_edit import JDateEdit
from app.ui.widgets.field_errors import FieldErrors

pytestmark = pytest.mark.gui


def test_messages_per_field_first_in_order_and_clear(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    date_edit = JDateEdit(parent)
    date_edit.setText("R8.2.30")  # the input itself already says what is wrong
    inputs: dict[str, QWidget] = {"name": QLineEdit(parent), "lease_end": date_edit,
                                  "notes": QLineEdit(parent)}  # fmt: skip
    labels = {name: QLabel(parent) for name in inputs}
    errors = FieldErrors(inputs, labels)
    errors.show([
        ("notes", "長すぎます"), ("name", "必須です"), ("name", "使えない文字があります"),
        ("lease_end", date_edit.error_text()), ("colour", "この欄はありません"),
    ])  # fmt: skip
    assert labels["name"].text() == "必須です\n使えない文字があります"
    assert not labels["name"].isHidden()
    assert labels["lease_end"].isHidden()  # not shown twice
    assert errors.message("lease_end") == "2月30日は存在しない日付です"
    assert "colour" not in errors.messages
    assert errors.first(["lease_end", "name", "notes"]) == "lease_end"
    assert errors.first(["notes", "name"]) == "notes"
    errors.clear()
    assert errors.messages == {}
    assert all(label.text() == "" and label.isHidden() for label in labels.values())
    assert errors.first(inputs) is None
