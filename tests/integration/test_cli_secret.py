"""``hitori secret set/delete`` in real processes: refused (exit 1, nothing written)
without a usable keyring; stored through a file-free test backend otherwise; stdin read
as strict UTF-8; and on a disk that cannot take the reference, nothing in the keyring."""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from keyring.errors import KeyringLocked

from app.secrets import MAX_SECRET_CHARS
from tests.integration.keyring_test_backend import MemoryKeyring, digest

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[2]
TEST_BACKEND = "tests.integration.keyring_test_backend.MemoryKeyring"
LOCKED_BACKEND = "tests.integration.test_cli_secret.LockedKeyring"
SECRET = "Adm1n-P@ss-東京"


class LockedKeyring(MemoryKeyring):
    """A keyring that refuses to store (as a locked collection does)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("the collection is locked")


def hitori(
    *args: str,
    data_dir: Path,
    backend: str,
    stdin: str | bytes = SECRET + "\n",
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.pop("PYTHONWARNINGS", None)
    env.update(
        PYTHON_KEYRING_BACKEND=backend,
        HITORI_TEST_KEYRING_REPORT="1",
        PYTHONIOENCODING="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "app", "secret", *args, "--data-dir", str(data_dir)],
        cwd=REPO_ROOT,
        env=env,
        input=stdin.encode() if isinstance(stdin, str) else stdin,
        capture_output=True,
        timeout=120,
        preexec_fn=preexec_fn,
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode(), proc.stderr.decode()
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


def one_line(proc: subprocess.CompletedProcess[str]) -> str:
    """The one line a refused command prints (the test backend's reports left out)."""
    lines = [x for x in proc.stderr.splitlines() if not x.startswith("test-keyring: ")]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("hitori: ")
    return lines[0]


def keyring_untouched(proc: subprocess.CompletedProcess[str]) -> bool:
    return "test-keyring: set" not in proc.stderr


@pytest.mark.parametrize(
    ("stdin", "words"),
    [
        ("秘密".encode("cp932") + b"\n", "標準入力の値をUTF-8として読めません"),
        (b"\xff\xfeA\x00B\x00", "標準入力の値をUTF-8として読めません"),  # UTF-16
        (b"ab\x00cd\n", "制御文字"),
        (b"ab\tcd\n", "制御文字"),
        (b"first\nsecond\n", "制御文字"),
        (b"x" * (MAX_SECRET_CHARS + 1) + b"\n", "長すぎます"),
        (("あ" * MAX_SECRET_CHARS).encode() * 2, "長すぎます"),  # over the byte limit
        (b"\r\n", "空"),
    ],
    ids=["cp932", "utf16", "nul", "tab", "inner-newline", "too-long", "too-many-bytes", "empty"],
)
def test_bad_stdin_is_refused_and_nothing_is_written(
    tmp_path: Path, stdin: bytes, words: str
) -> None:
    data_dir = tmp_path / "data"
    proc = hitori("set", "VPN", data_dir=data_dir, backend=TEST_BACKEND, stdin=stdin)
    assert proc.returncode == 1
    line = one_line(proc)
    assert words in line and "Traceback" not in proc.stderr
    assert keyring_untouched(proc)
    assert not data_dir.exists()  # not even the database


def test_stdin_with_a_bom_and_crlf_and_the_longest_value(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    bom = hitori(
        "set", "VPN", data_dir=data_dir, backend=TEST_BACKEND,
        stdin=b"\xef\xbb\xbf" + SECRET.encode() + b"\r\n",
    )  # fmt: skip
    assert bom.returncode == 0, bom.stderr
    assert f"test-keyring: set {digest('hitori', 'VPN', SECRET)}" in bom.stderr
    longest = "鍵" * MAX_SECRET_CHARS
    full = hitori("set", "長い", data_dir=data_dir, backend=TEST_BACKEND, stdin=longest + "\n")
    assert full.returncode == 0, full.stderr
    assert digest("hitori", "長い", longest) in full.stderr


def test_a_keyring_refusal_leaves_no_reference(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    assert hitori("set", "先に作成", data_dir=data_dir, backend=TEST_BACKEND).returncode == 0
    before = refs(data_dir)
    proc = hitori("set", "VPN", data_dir=data_dir, backend=LOCKED_BACKEND)
    assert proc.returncode == 1
    assert "キーリングに保存できませんでした" in one_line(proc)
    assert refs(data_dir) == before  # the reference made for it was removed again


def _no_file_growth(limit: int) -> Callable[[], None]:
    def limit_writes() -> None:
        # Every write past ``limit`` bytes of any file fails with EFBIG (and no signal).
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_writes


def test_a_reference_the_disk_cannot_take_leaves_nothing_in_the_keyring(tmp_path: Path) -> None:
    """Finding 9: the reference is committed before the keyring gets the value, so a
    database that cannot grow stops the command before the keyring is touched."""
    data_dir = tmp_path / "data"
    assert hitori("set", "先に作成", data_dir=data_dir, backend=TEST_BACKEND).returncode == 0
    db_path = data_dir / "hitori.sqlite3"
    log = data_dir / "logs" / "hitori.log"
    limit = 4096  # less than one WAL frame (a 4 KiB page and its header)
    with closing(sqlite3.connect(db_path)) as reader:
        # An open connection keeps the -shm at full size and an empty -wal: the child
        # can map them, but the WAL cannot grow to take the reference.
        before = reader.execute("SELECT * FROM credential_refs ORDER BY id").fetchall()
        history = reader.execute("SELECT count(*) FROM change_log").fetchone()
        assert (db_path.parent / "hitori.sqlite3-wal").stat().st_size == 0
        assert not log.exists() or log.stat().st_size < limit // 2  # the log still has room
        proc = hitori(
            "set", "NAS 管理者", data_dir=data_dir, backend=TEST_BACKEND,
            preexec_fn=_no_file_growth(limit),
        )  # fmt: skip
        assert proc.returncode == 1
        line = one_line(proc)
        assert "ディスク" in line and "キーリングには保存していません" in line
        assert keyring_untouched(proc)
        assert reader.execute("SELECT * FROM credential_refs ORDER BY id").fetchall() == before
        assert reader.execute("SELECT count(*) FROM change_log").fetchone() == history
        assert reader.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert SECRET.encode() not in all_bytes(data_dir)
