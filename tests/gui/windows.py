"""The main window as the GUI tests open it."""

from __future__ import annotations

from typing import Any


def open_main_window(qtbot: Any, ctx: Any) -> Any:
    """A shown MainWindow on ``ctx`` whose dashboard has read its data."""
    from app.ui.main_window import MainWindow

    win = MainWindow(ctx, data_dir_text=str(ctx.db.data_dir.root))
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.dashboard.ready, timeout=10_000):
        win.show()
    return win
