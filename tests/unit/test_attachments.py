"""Attachments on real files and a temporary data folder: storing by content, bad input
(huge, empty, FIFO, device, folder, gone, unreadable), the owner rule, saving a copy
under a hostile name, and the maintenance that removes unreferenced files."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.input_file import InputFileError
from app.paths import DataDir
from app.progress import Cancelled, Progress
from app.services import attachments
from app.services.errors import NotFoundError
from app.services.inventory import assets, contracts, licenses
from app.services.maintenance import tidy_attachments
from app.store import attachments as store
from app.store import changes, search_index
from app.store.attachments import MAX_ATTACHMENT_BYTES, AttachmentError, AttachmentFiles
from app.store.models import Attachment, ChangeLogEntry

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40


@pytest.fixture
def files(db, data_dir: DataDir) -> AttachmentFiles:
    store.install(db.sessions)  # idempotent: make_session_factory may install it already
    return AttachmentFiles(data_dir.root)


@pytest.fixture
def contract_id(db) -> int:
    with db.sessions.begin() as s:
        return contracts.create_contract(s, {"title": "住民記録システム保守"}).id


def make_file(folder: Path, name: str, content: bytes = PDF) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    return path


def attach(db, files, owner_id: int, path: Path, kind: str = "contract") -> int:
    with db.sessions.begin() as s:
        return attachments.attach(s, files, kind, owner_id, path).id


def rows(db) -> int:
    with db.sessions() as s:
        return s.scalar(select(func.count(Attachment.id))) or 0


def stored_files(data_dir: DataDir) -> list[Path]:
    folder = data_dir.root / "attachments"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def tmp_is_empty(data_dir: DataDir) -> bool:
    work = data_dir.root / "tmp"
    return not work.exists() or not any(work.iterdir())


def nothing_stored(db, data_dir: DataDir) -> bool:
    return rows(db) == 0 and stored_files(data_dir) == [] and tmp_is_empty(data_dir)


# --- storing ---------------------------------------------------------------------------


def test_attach_stores_by_content_and_writes_the_row(db, files, data_dir, contract_id, tmp_path):
    source = make_file(tmp_path / "in", "契約書.pdf")
    with changes.recording() as changed:
        attachment_id = attach(db, files, contract_id, source)
    sha = hashlib.sha256(PDF).hexdigest()
    assert stored_files(data_dir) == [data_dir.root / "attachments" / sha[:2] / sha]
    assert files.path_of(sha).read_bytes() == PDF
    with db.sessions() as s:
        row = s.get(Attachment, attachment_id)
        assert (row.filename, row.media_type, row.size_bytes, row.sha256) == (
            "契約書.pdf", "application/pdf", len(PDF), sha)  # fmt: skip
        listed = attachments.list_attachments(s, "contract", contract_id)
        assert [a.filename for a in listed] == ["契約書.pdf"]
        history = s.scalars(
            select(ChangeLogEntry).where(
                ChangeLogEntry.row_id == str(contract_id),
                ChangeLogEntry.table_name == "contracts",
                ChangeLogEntry.action == "link",
            )
        ).all()
        assert [h.new_value for h in history] == [f"契約書.pdf（ID {attachment_id}）"]
        assert s.scalar(select(func.count()).where(ChangeLogEntry.table_name == "attachments"))
        found = search_index.search(s, "契約書")
        assert [hit.ref_id for hit in found.get("attachment", [])] == [attachment_id]
    assert {"attachment", "contract"} <= changed.kinds
    assert tmp_is_empty(data_dir)


def test_the_same_file_twice_is_stored_once(db, files, data_dir, contract_id, tmp_path):
    first = make_file(tmp_path / "a", "見積書.pdf")
    second = make_file(tmp_path / "b", "見積書（写し）.pdf")
    attach(db, files, contract_id, first)
    attach(db, files, contract_id, second)
    assert rows(db) == 2
    assert len(stored_files(data_dir)) == 1


def test_a_huge_file_is_refused_and_nothing_is_kept(db, files, data_dir, contract_id, tmp_path):
    huge = tmp_path / "スキャン.pdf"
    with huge.open("wb") as fh:  # sparse: over the limit without writing 50 MB
        fh.truncate(MAX_ATTACHMENT_BYTES + 1)
    with pytest.raises(AttachmentError, match=r"大きすぎる.*上限 50 MB"):
        attach(db, files, contract_id, huge)
    assert nothing_stored(db, data_dir)


def test_a_file_that_grows_past_the_limit_while_read_is_refused(files, data_dir, monkeypatch):
    # stat() says small (a file still being written, a virtual file): what is read counts.
    monkeypatch.setattr(store, "_size_hint", lambda _fh: 0)
    source = make_file(data_dir.root.parent / "in", "growing.bin", b"x" * 3000)
    with pytest.raises(AttachmentError, match="大きすぎる"):
        files.store(source, max_bytes=2048)
    assert stored_files(data_dir) == [] and tmp_is_empty(data_dir)


def test_an_empty_file_is_refused(db, files, data_dir, contract_id, tmp_path):
    with pytest.raises(AttachmentError, match="空のファイルは添付できません"):
        attach(db, files, contract_id, make_file(tmp_path, "空.txt", b""))
    assert nothing_stored(db, data_dir)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_blocking(db, files, data_dir, contract_id, tmp_path):
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    with pytest.raises(InputFileError, match="名前付きパイプ"):
        attach(db, files, contract_id, fifo)
    assert nothing_stored(db, data_dir)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_is_refused(db, files, data_dir, contract_id, device):
    with pytest.raises(InputFileError, match="デバイスファイル"):
        attach(db, files, contract_id, Path(device))
    assert nothing_stored(db, data_dir)


def test_a_folder_is_refused(db, files, data_dir, contract_id, tmp_path):
    (tmp_path / "フォルダ.pdf").mkdir()
    with pytest.raises(InputFileError, match="フォルダ"):
        attach(db, files, contract_id, tmp_path / "フォルダ.pdf")
    assert nothing_stored(db, data_dir)


def test_a_file_deleted_after_it_was_chosen(db, files, data_dir, contract_id, tmp_path):
    chosen = make_file(tmp_path, "消えた.pdf")
    chosen.unlink()  # between the dialog and the job
    with pytest.raises(InputFileError, match="見つかりません"):
        attach(db, files, contract_id, chosen)
    assert nothing_stored(db, data_dir)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/mem is Linux's")
def test_a_file_that_fails_while_read(db, files, data_dir, contract_id):
    # A regular file whose first read fails (EIO): like a failing disk or a share gone.
    with pytest.raises(AttachmentError, match="読み込めません"):
        attach(db, files, contract_id, Path("/proc/self/mem"))
    assert nothing_stored(db, data_dir)


def test_a_cancelled_copy_leaves_nothing(files, data_dir, tmp_path):
    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled):
        files.store(make_file(tmp_path, "a.pdf"), progress=progress)
    assert stored_files(data_dir) == [] and tmp_is_empty(data_dir)


def test_the_owner_is_checked_before_anything_is_copied(db, files, data_dir, tmp_path):
    source = make_file(tmp_path, "a.pdf")
    with pytest.raises(NotFoundError, match=r"契約（ID 999）は見つかりません"):
        attach(db, files, 999, source)
    with pytest.raises(AttachmentError, match="添付先の種類「nonsense」はありません"):
        attach(db, files, 1, source, kind="nonsense")
    with pytest.raises(AttachmentError, match="添付ファイルにファイルを添付することはできません"):
        attach(db, files, 1, source, kind="attachment")
    assert nothing_stored(db, data_dir)


# --- the owner rule --------------------------------------------------------------------


def test_deleting_the_owner_deletes_its_rows_and_keeps_the_file(
    db, files, data_dir, contract_id, tmp_path
):
    attachment_id = attach(db, files, contract_id, make_file(tmp_path, "契約書.pdf"))
    with db.sessions.begin() as s:
        contracts.delete_contract(s, contract_id)
    assert rows(db) == 0
    with db.sessions() as s:
        deleted = s.scalars(select(ChangeLogEntry).where(
            ChangeLogEntry.table_name == "attachments",
            ChangeLogEntry.row_id == str(attachment_id), ChangeLogEntry.action == "delete",
        )).all()  # fmt: skip
        assert len(deleted) == 1 and "契約書.pdf" in (deleted[0].old_value or "")
    assert len(stored_files(data_dir)) == 1, "the file waits for maintenance"
    db.dispose()  # maintenance holds the folder exclusively
    assert tidy_attachments(data_dir) == (0, 1)
    assert stored_files(data_dir) == []


def test_records_the_database_deletes_with_the_owner_lose_their_rows_too(
    db, files, tmp_path
) -> None:
    with db.sessions.begin() as s:
        asset_id = assets.create_asset(s, {"asset_tag": "PC-1", "name": "事務用PC"}).id
        lic = licenses.create_license(s, {"product": "Office", "seats": 2})
        licenses.assign(s, lic.id, asset_tag="PC-1")
        assignment_id = lic.assignments[0].id
    attach(db, files, assignment_id, make_file(tmp_path, "証書.pdf"), kind="license_assignment")
    with db.sessions.begin() as s:  # ON DELETE CASCADE removes the assignment
        assets.delete_asset(s, asset_id)
    assert rows(db) == 0


def test_a_rolled_back_delete_keeps_the_rows(db, files, contract_id, tmp_path):
    attach(db, files, contract_id, make_file(tmp_path, "a.pdf"))
    with pytest.raises(RuntimeError), db.sessions.begin() as s:
        contracts.delete_contract(s, contract_id)
        raise RuntimeError("rolled back")
    assert rows(db) == 1


# --- deleting, saving a copy -----------------------------------------------------------


def test_delete_attachment_keeps_the_file_until_maintenance(
    db, files, data_dir, contract_id, tmp_path
):
    attachment_id = attach(db, files, contract_id, make_file(tmp_path, "a.pdf"))
    keep_id = attach(db, files, contract_id, make_file(tmp_path, "b.pdf", b"other"))
    with db.sessions.begin() as s:
        attachments.delete_attachment(s, attachment_id)
    with db.sessions() as s:
        unlinked = s.scalars(select(ChangeLogEntry.old_value).where(
            ChangeLogEntry.table_name == "contracts", ChangeLogEntry.action == "unlink"
        )).all()  # fmt: skip
    assert unlinked == [f"a.pdf（ID {attachment_id}）"]
    assert len(stored_files(data_dir)) == 2
    db.dispose()
    assert tidy_attachments(data_dir) == (0, 1)
    kept = stored_files(data_dir)
    assert [p.read_bytes() for p in kept] == [b"other"] and keep_id


def test_save_copy_of_a_hostile_name_lands_inside_the_folder(
    db, files, contract_id, tmp_path
) -> None:
    hostile = os.fsdecode(b"..\\..\\nul.\x01ev:il\xff.pdf. ")
    source = make_file(tmp_path / "in", hostile)
    attachment_id = attach(db, files, contract_id, source)
    out = tmp_path / "保存先"
    out.mkdir()
    with db.sessions() as s:
        first = attachments.save_copy(s, files, attachment_id, out)
        second = attachments.save_copy(s, files, attachment_id, out)
    # 「..\\..\\」 gone, the device name NUL, 「:」, the control byte, the non-UTF-8 byte
    assert first == out / "_nul.ev_il_.pdf"
    assert second == out / "_nul.ev_il_ (2).pdf", "never over an existing file"
    assert sorted(p.name for p in out.iterdir()) == ["_nul.ev_il_ (2).pdf", "_nul.ev_il_.pdf"]
    assert first.read_bytes() == PDF and second.read_bytes() == PDF
    assert not any(p.name.endswith(".tmp") for p in tmp_path.rglob("*"))


def test_save_copy_refuses_a_damaged_or_missing_file(db, files, contract_id, tmp_path):
    attachment_id = attach(db, files, contract_id, make_file(tmp_path / "in", "a.pdf"))
    stored = files.path_of(hashlib.sha256(PDF).hexdigest())
    out = tmp_path / "out"
    out.mkdir()
    stored.write_bytes(b"changed on disk")
    with db.sessions() as s, pytest.raises(AttachmentError, match="壊れています"):
        attachments.save_copy(s, files, attachment_id, out)
    assert list(out.iterdir()) == []
    stored.unlink()
    with db.sessions() as s, pytest.raises(AttachmentError, match="見つかりません"):
        attachments.save_copy(s, files, attachment_id, out)
    with db.sessions() as s, pytest.raises(Exception, match="保存先のフォルダがありません"):
        attachments.save_copy(s, files, attachment_id, tmp_path / "missing")


def test_remove_unreferenced_needs_the_folder_held_exclusively(files, data_dir, db):
    from app.store.access import FolderAccess

    access = FolderAccess(data_dir.root)
    try:
        access.acquire_shared()
        with pytest.raises(RuntimeError):
            files.remove_unreferenced(set(), access)
    finally:
        access.close()


def test_attach_files_reports_progress_and_is_all_or_nothing(db, files, data_dir, contract_id,
                                                              tmp_path):  # fmt: skip
    big = make_file(tmp_path, "大きい.pdf", os.urandom(3 * 2**20 + 5))
    reports: list[tuple[int, int, str]] = []
    ids = attachments.attach_files(db.sessions, files, "contract", contract_id, [big],
                                   progress=Progress(lambda *r: reports.append(r)))  # fmt: skip
    assert len(ids) == 1 and len(reports) >= 3
    assert reports[-1][:2] == (big.stat().st_size, big.stat().st_size)
    assert reports[-1][2] == "大きい.pdf"
    with pytest.raises(AttachmentError, match="空のファイル"):
        attachments.attach_files(db.sessions, files, "contract", contract_id,
                                 [make_file(tmp_path, "b.pdf", b"b"),
                                  make_file(tmp_path, "空.pdf", b"")])  # fmt: skip
    assert rows(db) == 1, "the good file of a refused batch is not attached"


def test_a_data_folder_that_cannot_take_the_copy_says_so(files, data_dir, tmp_path):
    (data_dir.root / "tmp").write_text("not a folder")  # as unusable as a read-only disk
    with pytest.raises(AttachmentError, match="添付ファイルを保存できません"):
        files.store(make_file(tmp_path, "a.pdf"))
    assert stored_files(data_dir) == []
