"""terminal_progress: one redrawn line on a terminal, nothing in a log."""

from __future__ import annotations

import io
import sys

import pytest

from app.progress import terminal_progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_redraws_one_line_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = _Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    progress = terminal_progress()
    assert progress is not None
    progress.report(5000, 10000, "内容を確認しています")
    progress.report(10000, 10000, "書き込んでいます")
    assert screen.getvalue() == (
        "\r内容を確認しています 5,000/10,000\033[K\r書き込んでいます 10,000/10,000\033[K"
    )


def test_nothing_when_stderr_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert terminal_progress() is None
