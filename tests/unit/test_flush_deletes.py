"""A child taken out of its parent's list (delete-orphan) is deleted by the flush itself:
its history row is written, the search index forgets it and the change is announced, as
for a record deleted with ``session.delete`` (app.store.flush_deletes)."""

from __future__ import annotations

from sqlalchemy import select

from app.services.search import global_search
from app.store import changes
from app.store.models import ChangeLogEntry, Runbook, RunbookStep


def test_an_orphaned_child_is_recorded_unindexed_and_announced(db) -> None:
    with db.sessions.begin() as s:
        runbook = Runbook(title="年次の証明書更新")
        runbook.steps = [
            RunbookStep(position=1, title="証明書の申請", body="申請書を作る"),
            RunbookStep(position=2, title="旧証明書の失効", body="旧い鍵ヤマビコを失効させる"),
        ]  # fmt: skip
        s.add(runbook)
    with db.sessions() as s:
        assert global_search(s, "ヤマビコ").groups
    with changes.recording() as seen, db.sessions.begin() as s:
        runbook = s.scalars(select(Runbook)).one()
        step_id = runbook.steps[1].id
        runbook.steps.pop(1)
    with db.sessions() as s:
        assert s.get(RunbookStep, step_id) is None
        history = s.scalars(
            select(ChangeLogEntry).where(
                ChangeLogEntry.table_name == "runbook_steps",
                ChangeLogEntry.row_id == str(step_id),
            )
        ).all()
        assert [h.action for h in history] == ["insert", "delete"]  # no "update" to NULL
        assert "旧証明書の失効" in (history[1].old_value or "")
        assert not global_search(s, "ヤマビコ").groups
    assert step_id in seen.ids.get("runbook_step", set())


def test_an_explicit_delete_is_recorded_once(db) -> None:
    with db.sessions.begin() as s:
        runbook = Runbook(title="障害時の連絡")
        runbook.steps = [RunbookStep(position=1, title="ベンダーへ連絡")]
        s.add(runbook)
    with db.sessions.begin() as s:
        s.delete(s.scalars(select(Runbook)).one())  # its step goes by cascade
    with db.sessions() as s:
        actions = s.execute(
            select(ChangeLogEntry.table_name, ChangeLogEntry.action).where(
                ChangeLogEntry.action == "delete"
            )
        ).all()
    assert sorted(actions) == [("runbook_steps", "delete"), ("runbooks", "delete")]
