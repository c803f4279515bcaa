"""No edit is lost: before unsaved input is left behind, the user chooses 保存 / 破棄 / キャンセル.

An editor that can hold unsaved input mixes in ``UnsavedInput``. Whatever would leave
that input behind — another record chosen, another tab or view, the window closed —
calls ``settle`` with the editors concerned (``unsaved_in(widget)`` finds them among a
widget's children) and what to do next:

- nothing unsaved: ``proceed`` runs at once;
- 保存: the editor saves (a background job); ``proceed`` runs once it committed, or
  ``stay`` if it was refused (the editor shows why, next to the fields);
- 破棄: the editor goes back to what was saved; ``proceed`` runs;
- キャンセル (or Esc): ``stay`` runs and nothing else happens.

Several editors are asked about one after the other. Saving is asynchronous, so the
caller goes on in ``proceed``; it never waits in a nested event loop.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QStackedWidget, QTabWidget, QWidget


class Choice(enum.Enum):
    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


class UnsavedInput:
    """What an editor with unsaved input offers (mixed into its QWidget class)."""

    def has_unsaved(self) -> bool:
        raise NotImplementedError

    def unsaved_label(self) -> str:
        """What holds the input, for the question (「資産「PC-0001 事務用PC」」)."""
        raise NotImplementedError

    def save_then(self, done: Callable[[], None], failed: Callable[[], None]) -> None:
        """Save; ``done`` once committed, ``failed`` when refused (the editor says why)."""
        raise NotImplementedError

    def discard_unsaved(self) -> None:
        """Go back to what was saved (an empty form for a new record)."""
        raise NotImplementedError

    def bring_into_view(self) -> None:
        """Show the editor (its tab, its view) before the question is asked about it."""
        if isinstance(self, QWidget):
            show_in_window(self)


_quiet = 0  # > 0 while editors are brought into view: the switch guards stand aside


@contextmanager
def quietly() -> Iterator[None]:
    """Switch tabs and views without the guards asking (the caller has asked)."""
    global _quiet
    _quiet += 1
    try:
        yield
    finally:
        _quiet -= 1


def is_quiet() -> bool:
    return _quiet > 0


def show_in_window(widget: QWidget) -> None:
    """Make every tab and stacked page that contains ``widget`` the current one."""
    with quietly():
        child, parent = widget, widget.parentWidget()
        while parent is not None:
            outer = parent.parentWidget()
            if isinstance(parent, QStackedWidget):
                if isinstance(outer, QTabWidget):  # a tab widget's own page stack
                    outer.setCurrentWidget(child)
                else:
                    parent.setCurrentWidget(child)
            child, parent = parent, outer


def unsaved_in(widget: QWidget) -> list[UnsavedInput]:
    """The editors in ``widget`` (itself included) that hold unsaved input."""
    found = [widget, *widget.findChildren(QWidget)]
    return [w for w in found if isinstance(w, UnsavedInput) and w.has_unsaved()]


def ask(parent: QWidget | None, label: str) -> Choice:
    """The question itself (replaced in tests)."""
    tr = QCoreApplication.translate
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(tr("unsaved", "保存していない変更"))
    box.setText(tr("unsaved", "{0}に保存していない変更があります。").format(label))
    box.setInformativeText(tr("unsaved", "保存しますか？ 破棄すると変更は失われます。"))
    save = box.addButton(tr("unsaved", "保存(&S)"), QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton(tr("unsaved", "破棄(&D)"), QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(tr("unsaved", "キャンセル"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    if clicked is save:
        return Choice.SAVE
    if clicked is discard:
        return Choice.DISCARD
    return Choice.CANCEL


def settle(
    parent: QWidget | None,
    editors: Sequence[UnsavedInput],
    proceed: Callable[[], None],
    stay: Callable[[], None] | None = None,
) -> None:
    """Ask about each editor with unsaved input; ``proceed`` once none is left,
    ``stay`` when the user cancelled or a save was refused."""
    pending = [e for e in editors if e.has_unsaved()]
    if not pending:
        proceed()
        return
    editor, rest = pending[0], pending[1:]

    def next_one() -> None:
        settle(parent, rest, proceed, stay)

    def stopped() -> None:
        if stay is not None:
            stay()

    editor.bring_into_view()
    choice = ask(parent, editor.unsaved_label())
    if choice is Choice.SAVE:
        editor.save_then(next_one, stopped)
    elif choice is Choice.DISCARD:
        editor.discard_unsaved()
        next_one()
    else:
        stopped()


def ask_first(parent: QWidget, holder: QWidget, retry: Callable[[], None]) -> bool:
    """For an action that would leave ``holder``'s unsaved input behind: when there is
    some, ask about it and ``retry`` the action once it is saved or discarded (True:
    the caller stops here). False: nothing is unsaved, go on."""
    editors = unsaved_in(holder)
    if not editors:
        return False
    settle(parent, editors, retry)
    return True


def guard_tabs(tabs: QTabWidget, switched: Callable[[int], None]) -> None:
    """Leaving a tab whose page holds unsaved input asks first (the tab stays in front
    while it asks); ``switched`` runs for each change of tab that happens."""
    current = [tabs.currentIndex()]

    def changed(index: int) -> None:
        previous, current[0] = current[0], index
        page = tabs.widget(previous) if previous != index else None
        editors = unsaved_in(page) if page is not None and not is_quiet() else []
        if not editors:
            switched(index)
            return
        with quietly():
            tabs.setCurrentIndex(previous)

        def go_on() -> None:
            with quietly():
                tabs.setCurrentIndex(index)

        settle(tabs, editors, go_on)

    tabs.currentChanged.connect(changed)
