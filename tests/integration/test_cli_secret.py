"""``hitori secret set/delete`` in real processes: refused (exit 1, nothing written)
without a usable keyring; stored through a file-free test backend otherwise."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from tests.integration.keyring_test_backend import digest

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[2]
TEST_BACKEND = "tests.integration.keyring_test_backend.MemoryKeyring"
SECRET = "Adm1n-P@ss-東京"


def hitori(
    *args: str, data_dir: Path, backend: str, stdin: str = SECRET + "\n"
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.pop("PYTHONWARNINGS", None)
    env.update(
        PYTHON_KEYRING_BACKEND=backend,
        HITORI_TEST_KEYRING_REPORT="1",
        PYTHONIOENCODING="utf-8",
    )
    return subprocess.run(
        [sys.executable, "-m", "app", "secret", *args, "--data-dir", str(data_dir)],
        cwd=REPO_ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def refs(data_dir: Path) -> list[tuple[str, str, str, str]]:
    with closing(sqlite3.connect(data_dir / "hitori.sqlite3")) as conn:
        return conn.execute(
            "SELECT label, kind, service, username FROM credential_refs ORDER BY id"
        ).fetchall()


def all_bytes(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file())


def test_no_keyring_refuses_and_writes_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh"
    proc = hitori("set", "NAS 管理者", data_dir=data_dir, backend="keyring.backends.fail.Keyring")
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("hitori: ")
    assert "キーリング" in lines[0] and "何も書き込んでいません" in lines[0]
    assert not data_dir.exists()  # not even the data folder


def test_no_keyring_leaves_an_existing_database_unchanged(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    ok = hitori("set", "先に作成", data_dir=data_dir, backend=TEST_BACKEND)
    assert ok.returncode == 0, ok.stderr
    before = refs(data_dir)
    proc = hitori("set", "NAS 管理者", data_dir=data_dir, backend="keyring.backends.null.Keyring")
    assert proc.returncode == 1 and len(proc.stderr.strip().splitlines()) == 1
    assert refs(data_dir) == before


def test_set_stores_through_the_backend_and_only_a_reference_in_the_db(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    proc = hitori("set", "NAS 管理者", data_dir=data_dir, backend=TEST_BACKEND)
    assert proc.returncode == 0, proc.stderr
    assert "「NAS 管理者」を保存しました" in proc.stdout and SECRET not in proc.stdout
    # The backend got exactly the secret (without the newline) under service hitori.
    assert f"test-keyring: set {digest('hitori', 'NAS 管理者', SECRET)}" in proc.stderr
    assert SECRET not in proc.stderr
    assert refs(data_dir) == [("NAS 管理者", "password", "hitori", "NAS 管理者")]
    assert SECRET.encode() not in all_bytes(data_dir)
    # Setting again reuses the reference.
    again = hitori("set", "NAS 管理者", data_dir=data_dir, backend=TEST_BACKEND, stdin="new\r\n")
    assert again.returncode == 0 and digest("hitori", "NAS 管理者", "new") in again.stderr
    assert len(refs(data_dir)) == 1


def test_empty_secret_and_bad_labels_are_refused(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    empty = hitori("set", "X", data_dir=data_dir, backend=TEST_BACKEND, stdin="\n")
    assert empty.returncode == 1 and "空" in empty.stderr
    blank = hitori("set", "  ", data_dir=data_dir, backend=TEST_BACKEND)
    assert blank.returncode == 1 and "ラベル" in blank.stderr
    usage = hitori("set", data_dir=data_dir, backend=TEST_BACKEND)
    assert usage.returncode == 2


def test_delete(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    assert hitori("set", "VPN", data_dir=data_dir, backend=TEST_BACKEND).returncode == 0
    proc = hitori("delete", "VPN", data_dir=data_dir, backend=TEST_BACKEND, stdin="")
    # Each process has its own test backend, so the value is not there to delete;
    # the reference nobody uses is removed all the same.
    assert proc.returncode == 0, proc.stderr
    assert "test-keyring: delete missing" in proc.stderr
    assert refs(data_dir) == []
    missing = hitori("delete", "VPN", data_dir=data_dir, backend=TEST_BACKEND, stdin="")
    assert missing.returncode == 1 and "登録されていません" in missing.stderr
    refused = hitori(
        "delete", "VPN", data_dir=data_dir, backend="keyring.backends.fail.Keyring", stdin=""
    )
    assert refused.returncode == 1 and "キーリング" in refused.stderr
