"""The fields of a Q&A note: a RecordForm with two inputs of its own — 情報源, an editable
combo box offering the communities already used (and the usual ones), and タグ, one line
(「標準化、ガバクラ」) whose completer completes the tag being typed after the last
separator from the tags in use."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QFrame, QLineEdit, QWidget

from app.services.knowledge.notes import FIELD_LABELS
from app.store.vocab import CONFIDENCE_LEVELS
from app.ui.inventory.record_form import FieldSpec, RecordForm
from app.ui.widgets.tag_completer import TagCompleter

COMMUNITIES = ("オンライン市役所", "デジタル改革共創プラットフォーム", "都道府県のICT担当者会議")
REVIEW_CHOICES: tuple[tuple[Any, str], ...] = (
    (None, "見直さない"), (3, "3か月"), (6, "6か月"), (12, "12か月（1年）"),
    (24, "24か月（2年）"), (36, "36か月（3年）"),
)  # fmt: skip
L = FIELD_LABELS
SPECS = (
    FieldSpec("question", L["question"], required=True,
              placeholder="例: ガバメントクラウドへの接続回線は冗長化していますか"),
    FieldSpec("detail", L["detail"], "multiline"),
    FieldSpec("tags", L["tags"], placeholder="例: 標準化、ガバクラ（「、」で区切ります）"),
    FieldSpec("community", L["community"], "editable", placeholder="例: オンライン市役所"),
    FieldSpec("thread_url", L["thread_url"], placeholder="https://…"),
    FieldSpec("asked_on", L["asked_on"], "date"),
    FieldSpec("confidence", L["confidence"], "choice", choices=tuple(CONFIDENCE_LEVELS.items()),
              blank=False),
    FieldSpec("reviewed_on", L["reviewed_on"], "date"),
    FieldSpec("review_months", "見直しの間隔", "choice", choices=REVIEW_CHOICES, blank=False),
)  # fmt: skip


class KnowledgeForm(RecordForm):
    """The note's fields (``SPECS``); ``tags`` reads as typed, fills from a list."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(SPECS, parent, context="KnowledgeEditor")
        self.setFrameShape(QFrame.Shape.NoFrame)  # inside the 質問 group box
        for label in self.error_labels.values():  # messages may quote what was typed
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.tag_completer = TagCompleter(self)
        line = self.inputs["tags"]
        assert isinstance(line, QLineEdit)
        line.setCompleter(self.tag_completer)
        self.tag_completer.activated.connect(lambda _text: self._user_edit("tags"))

    @property
    def community(self) -> QComboBox:
        combo = self.inputs["community"]
        assert isinstance(combo, QComboBox)
        return combo

    def set_tag_names(self, names: Sequence[str]) -> None:
        self.tag_completer.set_tags(names)

    def set_communities(self, names: Sequence[str]) -> None:
        """The communities offered; what is typed stays."""
        combo = self.community
        text = combo.currentText()
        combo.blockSignals(True)
        combo.clear()
        combo.addItems(list(names))
        combo.setCurrentIndex(-1)
        combo.setEditText(text)
        combo.blockSignals(False)

    # --- RecordForm ---------------------------------------------------------------------

    def _make_input(self, spec: FieldSpec) -> QWidget:
        if spec.kind != "editable":
            return super()._make_input(spec)
        combo = QComboBox(self)
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(12)
        line = combo.lineEdit()
        completer = combo.completer()
        assert line is not None and completer is not None
        line.setPlaceholderText(spec.placeholder)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        combo.editTextChanged.connect(lambda _text: self._user_edit(spec.name))
        return combo

    def _set(self, name: str, value: Any) -> None:
        widget = self.inputs[name]
        if self.specs[name].kind == "editable" and isinstance(widget, QComboBox):
            widget.blockSignals(True)
            widget.setCurrentIndex(-1)
            widget.setEditText("" if value is None else str(value))
            widget.blockSignals(False)
            return
        if name == "tags" and isinstance(value, list | tuple):
            value = "、".join(value)
        # An interval not among the choices is kept, and named as the others.
        odd = name == "review_months" and value is not None and isinstance(widget, QComboBox)
        if odd and isinstance(widget, QComboBox) and widget.findData(value) < 0:
            widget.addItem(f"{value}か月", value)
        super()._set(name, value)
        if isinstance(widget, QLineEdit):
            widget.setCursorPosition(0)  # a long question shows its beginning

    def _get(self, name: str) -> Any:
        widget = self.inputs[name]
        if self.specs[name].kind == "editable" and isinstance(widget, QComboBox):
            return widget.currentText()
        return super()._get(name)
