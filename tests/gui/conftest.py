"""What every GUI test shares: the 保存 / 破棄 / キャンセル question never blocks a test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.ui.widgets import unsaved


class Questions:
    """Answers the unsaved-input question as a user would, recording each one asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.answers: list[unsaved.Choice] = []  # given in turn; then DISCARD

    def answer(self, *choices: unsaved.Choice) -> None:
        self.answers = list(choices)

    def __call__(self, _parent: object, label: str) -> unsaved.Choice:
        self.asked.append(label)
        return self.answers.pop(0) if self.answers else unsaved.Choice.DISCARD


@pytest.fixture(autouse=True)
def questions(monkeypatch: pytest.MonkeyPatch) -> Iterator[Questions]:
    recorder = Questions()
    monkeypatch.setattr(unsaved, "ask", recorder)
    yield recorder
