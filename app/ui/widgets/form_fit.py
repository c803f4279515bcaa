"""Form inputs that fit a narrow detail pane (a 1366-pixel screen, or 150% scaling): a
combo box may be narrower than its longest entry — no horizontal scroll bar on the form —
while the list it opens, and its tooltip, show whole names."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

POPUP_MARGIN = 40  # the list's frame and scroll bar


def narrow_combo(combo: QComboBox, chars: int = 8) -> QComboBox:
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    combo.currentTextChanged.connect(combo.setToolTip)

    def widen_list(*_args: object) -> None:
        metrics = combo.fontMetrics()
        names = (combo.itemText(i) for i in range(combo.count()))
        widest = max((metrics.horizontalAdvance(n) for n in names), default=0)
        combo.view().setMinimumWidth(widest + POPUP_MARGIN)

    model = combo.model()
    model.rowsInserted.connect(widen_list)
    model.modelReset.connect(widen_list)
    model.dataChanged.connect(widen_list)
    return combo
