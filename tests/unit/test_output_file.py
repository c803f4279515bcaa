"""app/output_file.py on a real file system: names as long as the system allows work
(the temporary name never gets longer), longer ones are refused before anything is
written, with a message naming the file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from app.errors import UserError
from app.output_file import SHORT_NAME, replacing, temporary_name


def name_max(folder: Path) -> int:
    if not hasattr(os, "pathconf"):
        pytest.skip("needs pathconf (POSIX)")
    limit = os.pathconf(folder, "PC_NAME_MAX")
    if limit < 255:
        pytest.skip(f"file names limited to {limit} bytes here")
    return int(limit)


@pytest.mark.parametrize(
    "name",
    ["a.csv", "台帳.xlsx", "a" * 246 + ".csv", "a" * 251 + ".csv", "資" * 83 + ".xlsx"],
)
def test_the_temporary_name_is_never_longer_than_a_long_target(name: str) -> None:
    tmp = temporary_name(name, "0123abcd")
    assert tmp.startswith(".") and tmp.endswith(".0123abcd.tmp")
    size = len(os.fsencode(tmp))
    assert size <= max(len(os.fsencode(name)), SHORT_NAME)
    assert len(tmp) <= max(len(name), SHORT_NAME)
    if len(name) < 20:  # short names keep their whole stem
        assert tmp == f".{Path(name).stem}.0123abcd.tmp"


@pytest.mark.parametrize("name", ["a" * 246 + ".csv", "a" * 251 + ".csv", "資" * 83 + ".xlsx"])
def test_a_target_name_as_long_as_allowed_is_written(tmp_path: Path, name: str) -> None:
    name_max(tmp_path)
    target = tmp_path / name
    with replacing(target) as tmp:
        tmp.write_bytes(b"data")
    assert target.read_bytes() == b"data"
    assert [p.name for p in tmp_path.iterdir()] == [name]


@pytest.mark.parametrize("name", ["a" * 252 + ".csv", "資" * 85 + ".xlsx"])
def test_a_target_name_too_long_is_refused_before_writing(tmp_path: Path, name: str) -> None:
    limit = name_max(tmp_path)
    size = len(os.fsencode(name))
    assert size > limit
    with pytest.raises(UserError) as info, replacing(tmp_path / name):
        pytest.fail("the body must not run")
    message = str(info.value)
    assert message.startswith(
        f"ファイル名が長すぎます（{size:,} バイト、この場所では {limit:,} バイトまで）"
    )
    assert name in message
    assert list(tmp_path.iterdir()) == []


def test_a_folder_name_too_long_is_named(tmp_path: Path) -> None:
    name_max(tmp_path)
    target = tmp_path / ("d" * 300) / "a.csv"
    too_long = "ファイル名（またはフォルダ名）が長すぎます"
    with pytest.raises(UserError, match=too_long), replacing(target):
        pytest.fail("the body must not run")


def test_an_error_while_writing_names_the_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    cannot_write = r"ファイルを書き込めません: .*out\.csv（"
    with pytest.raises(UserError, match=cannot_write), replacing(target) as tmp:
        tmp.unlink()
        tmp.mkdir()  # writing to it now fails: it is a folder
        tmp.write_bytes(b"x")
    assert not target.exists()


@pytest.mark.parametrize("target", ["fifo", "/dev/null"])
def test_a_device_or_a_pipe_is_never_replaced(tmp_path: Path, target: str) -> None:
    if target == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs here")
        path = tmp_path / "pipe.csv"
        os.mkfifo(path)
        words = "保存先が名前付きパイプ（FIFO）です"
    else:
        path = Path(target)
        if not path.exists():
            pytest.skip(f"no {target} here")
        words = "保存先がデバイスファイルです"
    with pytest.raises(UserError, match=words), replacing(path):
        pytest.fail("the body must not run")
    assert not stat.S_ISREG(path.stat().st_mode)
