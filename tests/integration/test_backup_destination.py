"""Backups to a destination of the user's choosing (USB drive, shared folder): its own
generations, attachments with them, restorable from there, and what happens when the
destination is missing, read-only or pulled half-way — on real folders and files."""

from __future__ import annotations

import errno
import os
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app.paths import DataDir
from app.store import backup_destination as dest
from app.store.attachments import AttachmentFiles
from app.store.backup import BackupError, list_backups
from app.store.backup_contents import inspect_backup, record_counts_of
from app.store.restore import restore_database
from tests.integration.test_attachments_backup import CONTRACT, seeded, sha
from tests.unprivileged import call_unprivileged

pytestmark = pytest.mark.integration


def folder_files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def counts(path: Path) -> dict[str, int]:
    return dict(record_counts_of(path))


def test_a_destination_backup_holds_everything_and_restores_from_there(tmp_path: Path) -> None:
    data_dir, _contract, _att = seeded(tmp_path / "data", tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    made = dest.backup_to_destination(data_dir.db_path, usb, root=data_dir.root)
    assert made is not None and made.parent == usb and made.name.startswith("manual-")
    # The attachment files are in the destination's own shared store.
    assert (usb / "attachments" / sha(CONTRACT)[:2] / sha(CONTRACT)).read_bytes() == CONTRACT
    assert not [p for p in usb.iterdir() if p.name.startswith(".")]  # no partial, no probe
    contents = inspect_backup(made)
    assert dict(contents.counts) == counts(data_dir.db_path)
    assert dict(contents.counts)["契約"] == 1 and dict(contents.counts)["添付ファイル"] == 2

    # Another PC: an empty data folder restored from the USB copy gets the files back.
    other = DataDir(tmp_path / "other")
    other.root.mkdir()
    result = restore_database(other.root, other.db_path, other.backups, made)
    assert result.missing_attachments == ()
    assert AttachmentFiles(other.root).path_of(sha(CONTRACT)).read_bytes() == CONTRACT
    assert counts(other.db_path) == counts(data_dir.db_path)


def test_automatic_destination_backups_keep_their_own_generations(tmp_path: Path) -> None:
    data_dir, _c, _a = seeded(tmp_path / "data", tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    day = timedelta(days=1)
    first = dest.backup_to_destination(
        data_dir.db_path, usb, root=data_dir.root, reason="auto", interval=day, generations=2
    )
    assert first is not None
    again = dest.backup_to_destination(
        data_dir.db_path, usb, root=data_dir.root, reason="auto", interval=day, generations=2
    )
    assert again is None  # one a day
    made = [first]
    for days_later in (1, 2, 3):
        for b in list_backups(usb, "auto-"):  # age what is there by a day
            ts = b.created.timestamp() - 86400 - 1
            os.utime(b.path, (ts, ts))
        made.append(
            dest.backup_to_destination(
                data_dir.db_path,
                usb,
                root=data_dir.root,
                reason="auto",
                interval=day,
                generations=2,
                now=datetime.now() + timedelta(seconds=days_later),
            )
        )
    kept = [b.path for b in list_backups(usb, "auto-")]
    assert kept == [made[3], made[2]]
    # The data folder's own generations are untouched by the destination's rotation.
    assert list_backups(data_dir.backups, "auto-") == []


def test_a_missing_destination_is_refused_and_never_created(tmp_path: Path) -> None:
    data_dir, _c, _a = seeded(tmp_path / "data", tmp_path)
    pulled = tmp_path / "usb-not-plugged-in" / "Hitori"
    with pytest.raises(BackupError) as info:
        dest.backup_to_destination(data_dir.db_path, pulled, root=data_dir.root)
    assert "バックアップの保存先が見つかりません" in str(info.value)
    assert "USBメモリ" in str(info.value)
    assert not pulled.parent.exists()
    assert dest.destination_problem(Path("relative/folder")) is not None
    a_file = tmp_path / "a-file"
    a_file.write_bytes(b"")
    assert "フォルダではありません" in (dest.destination_problem(a_file) or "")


def _backup_into(db_path: str, folder: str, root: str) -> str:
    return str(dest.backup_to_destination(Path(db_path), Path(folder), root=Path(root)))


def test_a_read_only_destination_is_refused_with_nothing_written(tmp_path: Path) -> None:
    data_dir, _c, _a = seeded(tmp_path / "data", tmp_path)
    share = tmp_path / "share"
    share.mkdir()
    (share / "someone-elses.txt").write_text("keep")
    share.chmod(0o555)
    try:
        with pytest.raises(BackupError) as info:
            call_unprivileged(_backup_into, str(data_dir.db_path), str(share), str(data_dir.root))
    finally:
        share.chmod(0o755)
    assert "バックアップの保存先に書き込めません" in str(info.value)
    assert "書き込みが禁止" in str(info.value) or "権限" in str(info.value)
    assert folder_files(share) == ["someone-elses.txt"]


@pytest.mark.parametrize("folder_pulled", [False, True], ids=["write-error", "usb-pulled"])
def test_a_destination_that_fails_half_way_keeps_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder_pulled: bool
) -> None:
    data_dir, _c, _a = seeded(tmp_path / "data", tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    (usb / "auto-20260101-000000-000000.sqlite3").write_bytes(b"an older generation")
    real_copy = shutil.copyfileobj

    def copy_then_fail(src, out, length=0):  # type: ignore[no-untyped-def]
        out.write(src.read(4096))  # half-way through
        out.flush()
        if folder_pulled:
            shutil.rmtree(usb)
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(dest.shutil, "copyfileobj", copy_then_fail)
    with pytest.raises(BackupError) as info:
        dest.backup_to_destination(data_dir.db_path, usb, root=data_dir.root)
    message = str(info.value)
    assert "バックアップの保存先に書き込めませんでした" in message
    assert "途中までのファイルを残していません" in message
    if folder_pulled:
        assert "外れた" in message
        assert not usb.exists()
    else:
        # What was there is untouched; no partial file and no new generation.
        assert folder_files(usb) == ["auto-20260101-000000-000000.sqlite3"]
    # Nothing of the work is left in the data folder either.
    assert not any((data_dir.root / "tmp").rglob("*.sqlite3"))
    assert not any(p.suffix == ".note" for p in (data_dir.root / "tmp").iterdir())
    monkeypatch.setattr(dest.shutil, "copyfileobj", real_copy)
    if folder_pulled:
        usb.mkdir()  # plugged in again: the next backup works
    assert dest.backup_to_destination(data_dir.db_path, usb, root=data_dir.root) is not None


def test_inspecting_a_damaged_backup_says_what_is_wrong(tmp_path: Path) -> None:
    not_a_backup = tmp_path / "写真.sqlite3"
    not_a_backup.write_bytes(b"\x89PNG\r\n" + os.urandom(4000))
    with pytest.raises(BackupError) as info:
        inspect_backup(not_a_backup)
    assert "復元できないファイルです" in str(info.value)
    assert "SQLiteのデータベースファイルではありません" in str(info.value)


def test_a_pulled_destination_does_not_stop_the_data_folders_own_backup(tmp_path: Path) -> None:
    from app.services.backups import BackupPlan, make_backups

    data_dir, _c, _a = seeded(tmp_path / "data", tmp_path)
    plan = BackupPlan(generations=3, destination=tmp_path / "pulled", destination_generations=3)
    outcome = make_backups(data_dir, plan, reason="auto")
    assert outcome.made is not None and outcome.made.parent == data_dir.backups
    assert outcome.at_destination is None
    assert "見つかりません" in (outcome.destination_problem or "")
    assert "見つかりません" in outcome.summary() and str(outcome.made) in outcome.summary()
    (tmp_path / "pulled").mkdir()  # plugged in again, the same day: the destination's is due
    again = make_backups(data_dir, plan, reason="auto")
    assert again.made is None  # the data folder's daily one was made already
    assert again.at_destination is not None and again.destination_problem is None
