"""The regulations register on a real SQLite file: a rule's and a version's input checks
(every bad field named, nothing written), the order of versions and which one is
current or upcoming, the register's rows (read in a fixed number of queries), and
deleting rules and versions."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, select

from app.services import links
from app.services.errors import NotFoundError, ValidationError
from app.services.field_input import MAX_NOTES
from app.services.notices import tracker
from app.services.regulations import register as reg
from app.services.regulations.dependencies import add_dependency
from app.services.regulations.versions import current_version, ordered, upcoming
from app.store.models import (
    ChangeLogEntry,
    Regulation,
    RegulationDependency,
    RegulationVersion,
    Task,
)

TODAY = date(2026, 5, 1)
D = date


def dump(db: Any) -> list[str]:
    """The whole database as SQL statements: equal dumps, equal contents."""
    with closing(sqlite3.connect(f"file:{db.engine.url.database}?mode=ro", uri=True)) as conn:
        return list(conn.iterdump())


def errors_of(info: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {e.field: e.message for e in info.value.errors}


def new_rule(db: Any, title: str = "情報セキュリティポリシー", **data: Any) -> int:
    with db.sessions.begin() as s:
        return reg.create_regulation(s, {"title": title, **data}).id


def new_version(db: Any, regulation_id: int, label: str, **data: Any) -> int:
    with db.sessions.begin() as s:
        return reg.add_version(s, regulation_id, {"label": label, **data}, today=TODAY).id


@contextmanager
def counted(db: Any) -> Iterator[list[str]]:
    """The SELECT statements run meanwhile."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


# --- rules ----------------------------------------------------------------------------------


def test_a_rule_is_stored_with_its_fields(db: Any) -> None:
    rid = new_rule(
        db, "情報セキュリティポリシー", short_name="ポリシー", kind="regulation", origin="own",
        owner="総務課", number="令和2年訓令第3号", url="https://example.lg.jp/policy.pdf",
        notes="基本方針と対策基準",
    )  # fmt: skip
    with db.sessions() as s:
        rule = s.get(Regulation, rid)
        assert rule is not None
        assert (rule.kind, rule.origin, rule.owner, rule.starter_key) == (
            "regulation", "own", "総務課", None,
        )  # fmt: skip
    plain = new_rule(db, "文書管理規程")
    with db.sessions() as s:
        rule = s.get(Regulation, plain)
        assert rule is not None and (rule.kind, rule.origin) == ("guideline", "national")


def test_each_bad_field_of_a_rule_is_named_and_nothing_is_written(db: Any) -> None:
    before = dump(db)
    data = {
        "title": "規" * 301, "short_name": "略" * 101, "kind": "treaty", "origin": "city",
        "owner": "課" * 201, "number": "号" * 101, "url": "ftp://example.jp/a.pdf",
        "notes": "x" * (MAX_NOTES + 1), "starter_key": "x",
    }  # fmt: skip
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        reg.create_regulation(s, data)
    errors = errors_of(info)
    assert errors["title"] == "300文字以内で入力してください（301文字）"
    assert errors["short_name"] == "100文字以内で入力してください（101文字）"
    assert errors["kind"] == "選択肢にない値です: treaty"
    assert errors["origin"] == "選択肢にない値です: city"
    assert errors["owner"] == "200文字以内で入力してください（201文字）"
    assert errors["number"] == "100文字以内で入力してください（101文字）"
    assert errors["url"] == "http:// または https:// で始まるURLを入力してください"
    assert errors["notes"] == f"{MAX_NOTES}文字以内で入力してください（{MAX_NOTES + 1}文字）"
    assert errors["starter_key"] == "不明な項目です"
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        reg.create_regulation(s, {"title": "  ", "notes": "a\x00b"})
    assert errors_of(info) == {"title": "必須です", "notes": "制御文字（NUL）は使えません"}
    assert dump(db) == before


def test_a_name_is_unique_and_the_message_names_the_other_rule(db: Any) -> None:
    first = new_rule(db, "情報セキュリティポリシー", kind="regulation", origin="own")
    second = new_rule(db, "事務引継規程", kind="regulation", origin="own")
    before = dump(db)
    said = (
        "同じ名称の法令・規程が既にあります: "
        + f"「情報セキュリティポリシー」（規程・自団体、ID {first}）"
    )
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        reg.create_regulation(s, {"title": " 情報セキュリティポリシー "})
    assert errors_of(info) == {"title": said}
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        reg.update_regulation(s, second, {"title": "情報セキュリティポリシー"})
    assert errors_of(info) == {"title": said}
    assert dump(db) == before
    with db.sessions.begin() as s:  # its own name is no collision
        reg.update_regulation(s, first, {"title": "情報セキュリティポリシー", "owner": "総務課"})
        assert s.get(Regulation, first).owner == "総務課"  # type: ignore[union-attr]


def test_editing_or_deleting_a_deleted_rule_says_it_is_gone(db: Any) -> None:
    gone = r"法令・規程（ID 999）は見つかりません"
    with pytest.raises(NotFoundError, match=gone), db.sessions.begin() as s:
        reg.update_regulation(s, 999, {"owner": "x"})
    with pytest.raises(NotFoundError), db.sessions.begin() as s:
        reg.delete_regulation(s, 999)
    with pytest.raises(NotFoundError), db.sessions.begin() as s:
        reg.add_version(s, 999, {"label": "x", "revised_on": "2025-01-01"}, today=TODAY)


# --- versions -------------------------------------------------------------------------------


def test_versions_are_ordered_by_their_date_and_the_current_one_is_in_force(db: Any) -> None:
    rid = new_rule(db, "ガイドライン")
    later = new_version(db, rid, "令和7年3月改定", revised_on="2025-03-01")
    first = new_version(db, rid, "平成30年9月改定", revised_on="H30.9.1")
    effective_only = new_version(db, rid, "令和2年12月改定", effective_on="2020-12-01")
    same_day = new_version(db, rid, "令和7年3月改定（追補）", revised_on="2025-03-01")
    coming = new_version(db, rid, "令和8年改定", revised_on="2026-03-31", effective_on="2026-10-01")
    with db.sessions() as s:
        versions = s.get(Regulation, rid).versions  # type: ignore[union-attr]
        assert [v.id for v in ordered(versions)] == [first, effective_only, later, same_day, coming]
        assert current_version(versions, TODAY).id == same_day  # type: ignore[union-attr]
        assert current_version(versions, D(2026, 10, 1)).id == coming  # type: ignore[union-attr]
        assert current_version(versions, D(2018, 8, 31)) is None
        assert [v.id for v in upcoming(versions, TODAY)] == [coming]
        history = reg.version_history(s, rid, TODAY)
    assert [(h.id, h.state) for h in history] == [
        (coming, "施行予定"), (same_day, "現行"), (later, "旧版"), (effective_only, "旧版"),
        (first, "旧版"),
    ]  # fmt: skip
    assert history[-1].revised_on == D(2018, 9, 1) and history[-1].on == D(2018, 9, 1)


def test_each_bad_field_of_a_version_is_named_and_nothing_is_written(db: Any) -> None:
    rid = new_rule(db)
    before = dump(db)

    def refused(data: dict[str, Any]) -> dict[str, str]:
        with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
            reg.add_version(s, rid, data, today=TODAY)
        return errors_of(info)

    long = "x" * (MAX_NOTES + 1)
    bad = {"label": "", "revised_on": "2025-02-30", "changes": long, "requirements": long}
    assert refused(bad) == {
        "label": "必須です",
        "revised_on": "2月30日は存在しない日付です",
        "changes": f"{MAX_NOTES}文字以内で入力してください（{MAX_NOTES + 1}文字）",
        "requirements": f"{MAX_NOTES}文字以内で入力してください（{MAX_NOTES + 1}文字）",
    }
    assert refused({"label": "版" * 101, "revised_on": "2025-01-01"}) == {
        "label": "100文字以内で入力してください（101文字）"
    }
    assert refused({"label": "改定"}) == {
        "revised_on": "公布・改定日か施行日のどちらかを入力してください"
    }
    assert refused({"label": "改定", "revised_on": "2025-04-01", "effective_on": "2025-03-31"}) == {
        "effective_on": "施行日（2025-03-31）が公布・改定日（2025-04-01）より前です"
    }
    future = refused({"label": "改定", "revised_on": "2026-05-02"})["revised_on"]
    assert future.startswith("2026-05-02 は今日（2026-05-01）より後です。")
    assert "まだ行われていない改定は登録できません" in future
    assert refused({"label": "改定", "revised_on": "2025-01-01", "notice_id": 987}) == {
        "notice_id": "登録されていない通知です（ID 987）。削除された可能性があります"
    }
    assert refused({"label": "改定", "revised_on": "2025-01-01", "notice_id": "abc"}) == {
        "notice_id": "通知のIDを指定してください: abc"
    }
    assert dump(db) == before


def test_a_future_effective_date_is_upcoming_and_a_notice_is_linked(db: Any) -> None:
    rid = new_rule(db)
    with db.sessions.begin() as s:
        notice = tracker.create_notice(s, {"issuer": "総務省", "title": "ガイドラインの改定"})
        notice_id = notice.id
    vid = new_version(db, rid, "令和8年改定", revised_on="2026-04-01", effective_on="2027-04-01",
                      notice_id=str(notice_id), requirements="ポリシーを改定する")  # fmt: skip
    scheduled = new_version(db, rid, "施行予定のみ", effective_on="2027-10-01")
    with db.sessions() as s:
        history = reg.version_history(s, rid, TODAY)
        rows = reg.register_rows(s, TODAY)
    assert [(h.id, h.state, h.notice_title) for h in history] == [
        (scheduled, "施行予定", ""), (vid, "施行予定", "ガイドラインの改定"),
    ]  # fmt: skip
    assert (rows[0].current_id, rows[0].upcoming_id) == (None, vid)
    assert rows[0].upcoming_effective_on == D(2027, 4, 1)


def test_editing_a_version_checks_the_dates_it_keeps(db: Any) -> None:
    rid = new_rule(db)
    vid = new_version(db, rid, "改定", revised_on="2025-04-01")
    before = dump(db)
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        reg.update_version(s, vid, {"effective_on": "2025-03-01"}, today=TODAY)
    assert errors_of(info) == {
        "effective_on": "施行日（2025-03-01）が公布・改定日（2025-04-01）より前です"
    }
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        reg.update_version(s, vid, {"revised_on": ""}, today=TODAY)
    assert errors_of(info) == {"revised_on": "公布・改定日か施行日のどちらかを入力してください"}
    assert dump(db) == before
    with db.sessions.begin() as s:
        reg.update_version(s, vid, {"revised_on": None, "effective_on": "2025-05-01"}, today=TODAY)
        version = s.get(RegulationVersion, vid)
        assert version is not None and (version.revised_on, version.on) == (None, D(2025, 5, 1))
    with pytest.raises(NotFoundError), db.sessions.begin() as s:
        reg.update_version(s, 999, {"label": "x"}, today=TODAY)


# --- the register ---------------------------------------------------------------------------


def test_the_register_has_one_row_per_rule_read_in_a_fixed_number_of_queries(db: Any) -> None:
    guideline = new_rule(db, "ガイドライン", short_name="GL", kind="guideline", origin="national")
    policy = new_rule(db, "情報セキュリティポリシー", kind="regulation", origin="own")
    law = new_rule(db, "標準化法", kind="law", origin="national", number="令和3年法律第40号")
    new_version(db, law, "制定", revised_on="2021-05-19", effective_on="2021-09-01")
    old = new_version(db, guideline, "令和6年10月改定", revised_on="2024-10-01")
    with db.sessions.begin() as s:
        add_dependency(s, policy, guideline, today=TODAY)
    new_version(db, guideline, "令和7年3月改定", revised_on="2025-03-01")
    with db.sessions() as s, counted(db) as statements:
        rows = reg.register_rows(s, TODAY)
    few = len(statements)
    assert few <= 3, statements
    assert [r.title for r in rows] == ["標準化法", "ガイドライン", "情報セキュリティポリシー"]
    law_row, gl_row, policy_row = rows
    assert (law_row.kind_label, law_row.origin_label, law_row.number) == (
        "法律", "国", "令和3年法律第40号",
    )  # fmt: skip
    assert (law_row.current_label, law_row.current_revised_on, law_row.current_effective_on) == (
        "制定", D(2021, 5, 19), D(2021, 9, 1),
    )  # fmt: skip
    assert gl_row.current_label == "令和7年3月改定" and gl_row.version_count == 2
    assert not gl_row.lagging and gl_row.lagging_since is None
    assert (policy_row.lagging, policy_row.lagging_since, policy_row.lagging_behind) == (
        True, D(2025, 3, 1), ("ガイドライン",),
    )  # fmt: skip
    assert (policy_row.current_id, policy_row.current_label) == (None, "")
    with db.sessions() as s:
        assert [r.id for r in reg.register_rows(s, TODAY, lagging_only=True)] == [policy]
        assert old in {v.id for v in s.get(Regulation, guideline).versions}  # type: ignore[union-attr]
    for n in range(20):  # more rules, versions and dependencies: no more queries
        rid = new_rule(db, f"要綱{n}", kind="outline", origin="own")
        new_version(db, rid, "制定", revised_on="2024-01-01")
        with db.sessions.begin() as s:
            add_dependency(s, rid, law, today=TODAY)
    with db.sessions() as s, counted(db) as statements:
        assert len(reg.register_rows(s, TODAY)) == 23
    assert len(statements) == few


# --- deleting -------------------------------------------------------------------------------


def test_deleting_a_rule_takes_its_versions_and_dependencies_and_unlinks_its_tasks(
    db: Any,
) -> None:
    guideline, policy = new_rule(db, "ガイドライン"), new_rule(db, "ポリシー", origin="own")
    new_version(db, guideline, "改定", revised_on="2025-03-01")
    with db.sessions.begin() as s:
        add_dependency(s, policy, guideline, today=TODAY)
        task = Task(title="ポリシーの改定")
        s.add(task)
        s.flush()
        task_id = task.id
        links.link(s, "task", task_id, "regulation", guideline)
    with db.sessions.begin() as s:
        reg.delete_regulation(s, guideline)
    with db.sessions() as s:
        assert s.get(Regulation, guideline) is None and s.get(Regulation, policy) is not None
        assert s.scalars(select(RegulationVersion)).all() == []
        assert s.scalars(select(RegulationDependency)).all() == []
        assert s.get(Task, task_id) is not None
        assert links.linked_ids(s, "task", task_id, "regulation") == []
        unlinked = s.scalars(
            select(ChangeLogEntry.field).where(
                ChangeLogEntry.table_name == "tasks", ChangeLogEntry.action == "unlink"
            )
        ).all()
        assert unlinked == ["regulation"]


def test_deleting_a_followed_version_falls_back_to_the_one_before(db: Any) -> None:
    guideline, policy = new_rule(db, "ガイドライン"), new_rule(db, "ポリシー", origin="own")
    first = new_version(db, guideline, "令和6年10月改定", revised_on="2024-10-01")
    second = new_version(db, guideline, "令和7年3月改定", revised_on="2025-03-01")
    with db.sessions.begin() as s:
        dependency = add_dependency(s, policy, guideline, today=TODAY)
        assert dependency.followed_version_id == second
        dependency_id = dependency.id
    with db.sessions.begin() as s:
        reg.delete_version(s, second)
    with db.sessions() as s:
        kept = s.get(RegulationDependency, dependency_id)
        assert kept is not None and kept.followed_version_id == first
        assert not reg.register_rows(s, TODAY)[1].lagging
    with db.sessions.begin() as s:
        reg.delete_version(s, first)
    with db.sessions() as s:
        kept = s.get(RegulationDependency, dependency_id)
        assert kept is not None and kept.followed_version_id is None
    with pytest.raises(NotFoundError), db.sessions.begin() as s:
        reg.delete_version(s, first)
