"""Data safety as a careful tester tries it: real ``hitori`` processes, real files.

Other processes' WAL files are never deleted; a damaged database is neither written to nor
backed up over good generations; leftovers of killed work are cleared at a later start —
only when nothing else uses the folder; hostile paths get a message; a read-only data
folder can still be read; a writer waits for another process's write.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

import pytest

from app.paths import DataDir
from tests.integration.test_cli import (
    REPO_ROOT,
    _cmd,
    _env,
    assert_ok,
    assert_refused,
    hitori,
    make_db,
    sha256,
)

pytestmark = pytest.mark.integration

KEYRING = {"PYTHON_KEYRING_BACKEND": "tests.integration.keyring_test_backend.MemoryKeyring"}


def start(args: Sequence[str | Path], data_dir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        _cmd(args, data_dir),
        cwd=REPO_ROOT,
        env=_env({"QT_QPA_PLATFORM": "offscreen", **KEYRING}),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.PIPE,
        text=True,
    )


def wait_for(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.002)


def fill(db_path: Path, rows: int, width: int = 1000) -> None:
    """Make the database big enough that reading all of it takes a while."""
    now = "2026-01-01 00:00:00"
    with closing(sqlite3.connect(db_path)) as conn:
        conn.executemany(
            "INSERT INTO departments (name, notes, created_at, updated_at) VALUES (?, ?, ?, ?)",
            ((f"部署{i:06d}", "備考" * (width // 2), now, now) for i in range(rows)),
        )
        conn.commit()


def ledger(path: Path, prefix: str, rows: int) -> Path:
    lines = ["資産管理番号,名称,種別"]
    lines += [f"{prefix}-{i:05d},端末 {i},デスクトップPC" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# --- finding 1: nothing deletes the WAL files another process uses ------------------------


def test_a_checking_process_leaves_the_wal_index_of_others_alone(tmp_path: Path) -> None:
    """`check` opened the database first; another connection attached to the same
    -shm meanwhile. When check ended it deleted that -shm (the other connection then
    wrote through a WAL index nobody else saw). It must leave it."""
    data_dir = make_db(tmp_path / "d", "S-1")
    fill(data_dir.db_path, 40_000)
    shm = Path(f"{data_dir.db_path}-shm")
    check = start(["check"], data_dir.root)
    try:
        wait_for(shm.exists)
        other = sqlite3.connect(data_dir.db_path, isolation_level=None, timeout=30)
        other.execute("SELECT count(*) FROM departments").fetchone()
        inode = shm.stat().st_ino
        _out, err = check.communicate(timeout=120)
        assert check.returncode == 0, err
        assert shm.exists() and shm.stat().st_ino == inode, "check deleted another's -shm"
        other.execute(
            "INSERT INTO departments (name, notes, created_at, updated_at)"
            " VALUES ('後から', '', '2026-01-01', '2026-01-01')"
        )
        # A new process sees what the other connection wrote (one shared WAL index).
        found = hitori("search", "後から", data_dir=data_dir.root)
        assert_ok(found)
        other.close()
    finally:
        check.kill()
        check.communicate()
    with closing(sqlite3.connect(data_dir.db_path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM departments WHERE name='後から'").fetchone()[0]


# --- finding 4: a damaged database is neither written to nor backed up --------------------


def damage(db_path: Path) -> None:
    """Overwrite 64 KiB in the middle of the file (as a failing disk or a bad copy does)."""
    size = db_path.stat().st_size
    with db_path.open("r+b") as fh:
        fh.seek((size // 2) // 4096 * 4096)
        fh.write(bytes((i * 131 + 7) % 256 for i in range(65536)))


@pytest.fixture
def damaged(tmp_path: Path) -> DataDir:
    data_dir = make_db(tmp_path / "d", "D-1", "D-2")
    fill(data_dir.db_path, 3_000)
    good = hitori("backup", data_dir=data_dir.root)
    assert_ok(good)
    damage(data_dir.db_path)
    return data_dir


def test_after_a_failed_check_nothing_writes_to_or_copies_the_damaged_file(
    damaged: DataDir, tmp_path: Path
) -> None:
    check = hitori("check", data_dir=damaged.root)
    assert check.returncode == 1 and "NG" in check.stdout
    before = sha256(damaged.db_path)
    backups_before = listing(damaged.backups)
    csv = ledger(tmp_path / "l.csv", "NEW", 3)
    for args in (
        ["backup"],
        ["backup", "--out", str(tmp_path / "copy.sqlite3")],
        ["import", "assets", str(csv)],
        ["export", "assets", str(tmp_path / "out.xlsx")],
        ["labels", str(tmp_path / "labels.pdf")],
        ["init"],
    ):
        refused = hitori(*args, data_dir=damaged.root)
        assert_refused(refused, "壊れています")
    assert_refused(hitori("demo", data_dir=damaged.root), "実際のデータベースがあります")
    refused = subprocess.run(
        _cmd(["secret", "set", "業務PC管理者"], damaged.root),
        cwd=REPO_ROOT,
        env=_env(KEYRING),
        input="secret-value\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert_refused(refused, "壊れています")
    assert sha256(damaged.db_path) == before
    assert listing(damaged.backups) == backups_before
    assert not (tmp_path / "copy.sqlite3").exists() and not (tmp_path / "out.xlsx").exists()
    assert not list(tmp_path.glob(".copy*"))


def test_a_backup_finds_the_damage_itself_and_rotates_nothing_out(damaged: DataDir) -> None:
    before = listing(damaged.backups)
    refused = hitori("backup", data_dir=damaged.root)
    assert_refused(refused, "壊れています", "既存のバックアップはそのまま")
    assert listing(damaged.backups) == before
    assert (damaged.root / "hitori.damaged").exists()
    # From now on the other commands know, without a check of their own.
    assert_refused(hitori("export", "assets", "x.csv", data_dir=damaged.root), "壊れています")


def test_the_gui_refuses_to_open_a_database_known_to_be_damaged(damaged: DataDir) -> None:
    assert hitori("check", data_dir=damaged.root).returncode == 1
    gui = hitori("--self-test", data_dir=damaged.root)
    assert gui.returncode == 1
    assert "壊れています" in gui.stderr and "Traceback" not in gui.stderr


def test_a_restore_mends_it_and_writes_work_again(damaged: DataDir, tmp_path: Path) -> None:
    assert hitori("check", data_dir=damaged.root).returncode == 1
    good = sorted(damaged.backups.glob("manual-*.sqlite3"))[0]
    assert_ok(hitori("restore", good, data_dir=damaged.root))
    assert not (damaged.root / "hitori.damaged").exists()
    assert_ok(hitori("check", data_dir=damaged.root))
    assert_ok(
        hitori("import", "assets", ledger(tmp_path / "l.csv", "AFTER", 3), data_dir=damaged.root)
    )


# --- finding 5: leftovers of killed work ---------------------------------------------------


def test_a_killed_backup_leaves_nothing_for_long(tmp_path: Path) -> None:
    data_dir = make_db(tmp_path / "d", "K-1")
    fill(data_dir.db_path, 60_000)
    out = tmp_path / "usb" / "copy.sqlite3"
    out.parent.mkdir()
    backup = start(["backup", "--out", out], data_dir.root)
    try:
        wait_for(lambda: any(out.parent.glob(".copy.sqlite3.hitori-partial-*")))
        backup.send_signal(signal.SIGKILL)
    finally:
        backup.communicate(timeout=60)
    assert backup.returncode == -signal.SIGKILL
    assert list(out.parent.glob(".copy.sqlite3.hitori-partial-*")), "nothing was left to clear"
    assert list((data_dir.root / "tmp").iterdir())
    assert not out.exists()

    assert_ok(hitori("search", "K-1", data_dir=data_dir.root))  # any later start, when alone

    assert list(out.parent.iterdir()) == []
    assert list((data_dir.root / "tmp").iterdir()) == []


def test_leftovers_are_kept_while_another_process_may_be_writing_them(tmp_path: Path) -> None:
    data_dir = make_db(tmp_path / "d", "L-1")
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(data_dir.root)],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        # What work in progress (or killed work) looks like, while the holder runs.
        work = data_dir.root / "tmp" / "backup-abc123"
        work.mkdir(parents=True)
        (work / "manual-x.sqlite3").write_bytes(b"half a copy")
        (work / "manual-x.sqlite3-journal").write_bytes(b"journal")
        data_dir.backups.mkdir(exist_ok=True)
        legacy = data_dir.backups / "manual-old.sqlite3.partial"
        legacy.write_bytes(b"x" * 1000)
        restoring = data_dir.root / "hitori.sqlite3.restoring"
        restoring.write_bytes(b"x")
        assert_ok(hitori("search", "L-1", data_dir=data_dir.root))
        assert work.exists() and legacy.exists() and restoring.exists()
    finally:
        holder.communicate("", timeout=30)
    assert_ok(hitori("search", "L-1", data_dir=data_dir.root))
    assert not work.exists() and not legacy.exists() and not restoring.exists()


_HOLDER = """
import sys
from pathlib import Path
from app.paths import DataDir
from app.store.database import open_database
db = open_database(DataDir(Path(sys.argv[1])))
print("open", flush=True)
sys.stdin.read()
db.dispose()
"""


# --- finding 6: hostile paths --------------------------------------------------------------

LONG = "長" * 100  # 300 bytes in UTF-8: longer than a file name may be


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["backup", "--out", "{tmp}/" + LONG + ".sqlite3"], ["長すぎます"]),
        (["restore", "{tmp}/" + LONG + ".sqlite3"], ["長すぎます"]),
        (["restore", "{tmp}"], ["フォルダです"]),
        (["restore", "{fifo}"], ["名前付きパイプ（FIFO）です"]),
        (["restore", "/dev/zero"], ["デバイスファイルです"]),
        (["restore", "/dev/urandom"], ["デバイスファイルです"]),
        # A regular file whose every read fails with EIO (a failing disk).
        (["restore", "/proc/self/mem"], ["入出力エラー"]),
        (["restore", "{tmp}/missing.sqlite3"], ["見つかりません"]),
    ],
    ids=["backup-long-name", "restore-long-name", "restore-folder", "restore-fifo",
         "restore-dev-zero", "restore-dev-urandom", "restore-eio", "restore-missing"],
)  # fmt: skip
def test_hostile_paths_get_a_message(tmp_path: Path, args: list[str], words: list[str]) -> None:
    data_dir = make_db(tmp_path / "d", "H-1")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    argv = [a.format(tmp=tmp_path, fifo=fifo) for a in args]
    if argv[-1].startswith(("/dev/", "/proc/")) and not Path(argv[-1]).exists():
        pytest.skip("no such device here")
    before = sha256(data_dir.db_path)
    started = time.monotonic()
    assert_refused(hitori(*argv, data_dir=data_dir.root), *words)
    assert time.monotonic() - started < 10
    assert sha256(data_dir.db_path) == before
    assert list((data_dir.root / "tmp").iterdir()) == []


@pytest.mark.parametrize("command", [["init"], ["check"], ["search", "x"], ["--self-test"]])
def test_a_data_folder_name_too_long(tmp_path: Path, command: list[str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "app", *command, "--data-dir", str(tmp_path / LONG)],
        cwd=REPO_ROOT,
        env=_env({"QT_QPA_PLATFORM": "offscreen"}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    assert "長すぎます" in proc.stderr and "Traceback" not in proc.stderr


# --- finding 10: a read-only data folder; a writer waits for another's write ------------


def _read_only_mount_works() -> bool:
    if sys.platform != "linux" or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount --bind /tmp /mnt && mount -o remount,bind,ro /mnt"],
        capture_output=True,
        timeout=30,
    )
    return probe.returncode == 0


def hitori_read_only(folder: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run hitori with ``folder`` mounted read-only over itself (a real read-only file
    system, as a CD or a read-only share: even root cannot write there)."""
    cmd = " ".join(f"'{a}'" for a in _cmd(args, folder))
    script = f"mount --bind '{folder}' '{folder}' && mount -o remount,bind,ro '{folder}' && {cmd}"
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", script],
        cwd=REPO_ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(not _read_only_mount_works(), reason="needs unshare and mount namespaces")
def test_a_read_only_data_folder_can_be_read(tmp_path: Path) -> None:
    data_dir = make_db(tmp_path / "d", "RO-1", "RO-2")
    before = listing(data_dir.root)
    digest = sha256(data_dir.db_path)
    out = tmp_path / "out"
    out.mkdir()

    check = hitori_read_only(data_dir.root, "check")
    assert_ok(check)
    assert "NG" not in check.stdout
    search = hitori_read_only(data_dir.root, "search", "RO-1")
    assert_ok(search)
    assert "RO-1" in search.stdout
    assert_ok(hitori_read_only(data_dir.root, "export", "assets", out / "a.csv"))
    assert_ok(hitori_read_only(data_dir.root, "labels", out / "l.pdf"))
    assert_ok(hitori_read_only(data_dir.root, "backup", "--out", out / "b.sqlite3"))
    csv = ledger(tmp_path / "l.csv", "W", 2)
    assert_refused(hitori_read_only(data_dir.root, "import", "assets", csv), "書き込めません")
    # A restore onto a read-only folder is refused and leaves nothing (it used to leave
    # hitori.sqlite3.restoring behind).
    assert_refused(hitori_read_only(data_dir.root, "restore", out / "b.sqlite3"), "書き込めない")

    assert listing(data_dir.root) == before
    assert sha256(data_dir.db_path) == digest
    assert (out / "a.csv").stat().st_size > 0 and (out / "l.pdf").stat().st_size > 0
    assert_ok(hitori("restore", out / "b.sqlite3", data_dir=tmp_path / "restored"))


def test_a_writer_waits_for_another_process_to_finish_writing(tmp_path: Path) -> None:
    """Another process holds a write transaction for 2 s: an import and a `secret set`
    started meanwhile wait for it (they used to give up after 0.4 s) and then succeed."""
    data_dir = make_db(tmp_path / "d", "B-1")
    holder = subprocess.Popen(
        [sys.executable, "-c", _WRITE_HOLDER, str(data_dir.db_path)],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "writing"
        started = time.monotonic()
        imp = start(["import", "assets", ledger(tmp_path / "l.csv", "WAIT", 50)], data_dir.root)
        secret = start(["secret", "set", "待つ人"], data_dir.root)
        assert secret.stdin is not None
        secret.stdin.write("value\n")
        secret.stdin.close()  # read to its end before the command opens the database
        secret.stdin = None
        holder.communicate("go\n", timeout=30)  # it commits 2 s after this line
        _out, err = imp.communicate(timeout=120)
        assert imp.returncode == 0, err
        _out, err = secret.communicate(timeout=120)
        assert secret.returncode == 0, err
        assert time.monotonic() - started >= 2.0
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.communicate()
    with closing(sqlite3.connect(data_dir.db_path)) as conn:
        waited = conn.execute("SELECT count(*) FROM assets WHERE asset_tag LIKE 'WAIT-%'")
        assert waited.fetchone()[0] == 50
        held = conn.execute("SELECT count(*) FROM departments WHERE name='保留中'")
        assert held.fetchone()[0] == 1


_WRITE_HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO departments (name, notes, created_at, updated_at)"
             " VALUES ('保留中', '', '2026-01-01', '2026-01-01')")
print("writing", flush=True)
sys.stdin.readline()
time.sleep(2.0)  # the other writers are waiting meanwhile
conn.execute("COMMIT")
"""
