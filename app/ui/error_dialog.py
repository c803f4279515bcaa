"""Errors shown to the user: environment problems get a plain message; bugs get the
details and the path of the log file."""

from __future__ import annotations

import traceback

from PySide6.QtWidgets import QMessageBox, QWidget

from app.store.errors import classify


def show_error(
    parent: QWidget | None, exc: BaseException, *, log_path: str, recent: list[str]
) -> None:
    problem = classify(exc)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning if problem else QMessageBox.Icon.Critical)
    box.setWindowTitle("Hitori")
    if problem is not None:
        box.setText(problem.message)
    else:
        box.setText(
            box.tr(
                "予期しないエラーが発生しました。お手数ですが、ログファイルを添えて報告してください。"
            )
        )
        box.setInformativeText(box.tr("ログファイル: {0}").format(log_path))
        details = getattr(exc, "__hitori_traceback__", None) or "".join(
            traceback.format_exception(exc)
        )
        box.setDetailedText(details + "\n--- 直近のログ ---\n" + "\n".join(recent[-50:]))
    box.exec()
