"""app/logs.py on a real full disk: /dev/full takes the file handler's writes and fails
each with ENOSPC. Logging must not print "--- Logging error ---" tracebacks, must note
the failure once in the recent lines, and must carry on (and resume writing the file
once it can)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.logs import log_file, setup_logging

NOTE = "cannot write the log file"


@pytest.fixture
def full_log_dir(tmp_path: Path) -> Iterator[Path]:
    """A log folder whose hitori.log is /dev/full; logging is reset afterwards."""
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full (Linux)")
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    log_file(log_dir).symlink_to("/dev/full")
    yield log_dir
    setup_logging(None)


def test_a_full_disk_is_noted_once_and_logging_carries_on(
    full_log_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recent = setup_logging(full_log_dir)
    log = logging.getLogger("hitori.test")
    for i in range(50):
        log.info("line %d", i)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""
    notes = [line for line in recent.lines if NOTE in line]
    assert len(notes) == 1
    assert "No space left on device" in notes[0] and str(full_log_dir) in notes[0]
    assert [line.rsplit(" ", 1)[1] for line in recent.lines if "hitori.test" in line] == [
        str(i) for i in range(50)
    ]
    setup_logging(None)  # closing the handler flushes nothing more, quietly
    assert capsys.readouterr().err == ""


def test_the_log_file_is_written_again_once_it_can_be(full_log_dir: Path) -> None:
    recent = setup_logging(full_log_dir)
    log = logging.getLogger("hitori.test")
    log.warning("lost")
    path = log_file(full_log_dir)
    path.unlink()  # room again: the next line opens a real file
    log.warning("kept")
    written = path.read_text(encoding="utf-8")
    assert "kept" in written and "lost" not in written
    assert sum(NOTE in line for line in recent.lines) == 1
