"""Rules following rules on a real SQLite file: adding a dependency (the version followed
by default, refusals of the rule itself, a repeat and circles of two and three rules —
nothing written), what lags and since when, marking a rule as in line, and the tasks
proposed and created to catch up (links to both rules and the notice, history on both
sides, all or nothing)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from app.services import links
from app.services.errors import NotFoundError, ValidationError
from app.services.notices import tracker
from app.services.regulations import dependencies as deps
from app.services.regulations import register as reg
from app.store.models import ChangeLogEntry, RegulationDependency, Task
from tests.unit.test_regulations_register import TODAY, dump, errors_of, new_rule, new_version

D = date


@pytest.fixture
def rules(db: Any) -> dict[str, int]:
    """The guideline with two versions, the own security policy, the handover rule."""
    guideline = new_rule(db, "ガイドライン", short_name="ガイドライン")
    return {
        "guideline": guideline,
        "policy": new_rule(db, "情報セキュリティポリシー", kind="regulation", origin="own"),
        "handover": new_rule(db, "事務引継規程", kind="regulation", origin="own"),
        "v6": new_version(db, guideline, "令和6年10月改定", revised_on="2024-10-01"),
        "v7": new_version(db, guideline, "令和7年3月改定", revised_on="2025-03-01"),
    }


def follow(db: Any, dependent: int, source: int, **kw: Any) -> int:
    with db.sessions.begin() as s:
        return deps.add_dependency(s, dependent, source, today=TODAY, **kw).id


def followed(db: Any, dependency_id: int) -> int | None:
    with db.sessions() as s:
        found = s.get(RegulationDependency, dependency_id)
        assert found is not None
        return found.followed_version_id


def lags(db: Any) -> list[tuple[str, str, date, str]]:
    with db.sessions() as s:
        rows = deps.lagging(s, TODAY)
    return [(r.dependent_title, r.source_title, r.since, r.newest_label) for r in rows]


# --- adding ---------------------------------------------------------------------------------


def test_a_new_dependency_follows_the_version_in_force_by_default(
    db: Any, rules: dict[str, int]
) -> None:
    new_version(db, rules["guideline"], "令和8年改定", effective_on="2026-10-01")
    dependency = follow(db, rules["policy"], rules["guideline"])
    assert followed(db, dependency) == rules["v7"]  # not the one to come
    assert lags(db) == [("情報セキュリティポリシー", "ガイドライン", D(2026, 10, 1), "令和8年改定")]
    with db.sessions() as s:
        (lag,) = deps.lagging(s, TODAY)
    assert not lag.in_force and lag.followed_label == "令和7年3月改定"
    older = follow(db, rules["handover"], rules["guideline"], followed_version_id=rules["v6"])
    assert followed(db, older) == rules["v6"]
    with db.sessions.begin() as s:  # a version added in the same transaction is seen
        law = reg.create_regulation(s, {"title": "標準化法", "kind": "law"})
        assert law.versions == []
        enacted = reg.add_version(s, law.id, {"label": "制定", "revised_on": "2021-05-19"},
                                  today=TODAY)  # fmt: skip
        dependency = deps.add_dependency(s, rules["policy"], law.id, today=TODAY)
        assert dependency.followed_version_id == enacted.id
        reg.delete_version(s, enacted.id)
        assert law.versions == [] and dependency.followed_version_id is None


def test_a_dependency_on_nothing_lags_behind_every_version(db: Any, rules: dict[str, int]) -> None:
    none = follow(db, rules["policy"], rules["guideline"], followed_version_id=None, notes="要確認")
    assert followed(db, none) is None
    with db.sessions() as s:
        (lag,) = deps.lagging(s, TODAY)
    assert (lag.since, lag.newest_label, lag.versions_behind) == (
        D(2024, 10, 1), "令和7年3月改定", 2,
    )  # fmt: skip
    assert lag.followed_label == "" and lag.in_force
    # a source without any version: nothing to lag behind
    bare = new_rule(db, "番号法", kind="law")
    follow(db, rules["handover"], bare, followed_version_id=None)
    assert [r[0] for r in lags(db)] == ["情報セキュリティポリシー"]


def test_a_rule_cannot_follow_itself_twice_or_another_rules_version(
    db: Any, rules: dict[str, int]
) -> None:
    follow(db, rules["policy"], rules["guideline"])
    before = dump(db)

    def refused(dependent: int, source: int, **kw: Any) -> dict[str, str]:
        with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
            deps.add_dependency(s, dependent, source, today=TODAY, **kw)
        return errors_of(info)

    assert refused(rules["policy"], rules["policy"]) == {
        "source_id": "「情報セキュリティポリシー」自身には追随できません"
    }
    assert refused(rules["policy"], rules["guideline"])["source_id"].startswith(
        "「情報セキュリティポリシー」が「ガイドライン」に追随することは登録済みです（ID "
    )
    other = refused(rules["handover"], rules["policy"], followed_version_id=rules["v7"])
    assert other == {
        "followed_version_id": "「情報セキュリティポリシー」の改定ではありません"
        f"（ID {rules['v7']}）。削除された可能性があります"
    }
    assert refused(rules["handover"], rules["guideline"], notes="x" * 20_001) == {
        "notes": "20000文字以内で入力してください（20001文字）"
    }
    gone = r"法令・規程（ID 999）は見つかりません"
    with pytest.raises(NotFoundError, match=gone), db.sessions.begin() as s:
        deps.add_dependency(s, rules["handover"], 999, today=TODAY)
    assert dump(db) == before


def test_circles_are_refused_naming_the_rules_and_nothing_is_written(
    db: Any, rules: dict[str, int]
) -> None:
    follow(db, rules["policy"], rules["guideline"])
    before = dump(db)
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        deps.add_dependency(s, rules["guideline"], rules["policy"], today=TODAY)
    assert errors_of(info) == {
        "source_id": "循環します: ガイドライン → 情報セキュリティポリシー → ガイドライン"
    }
    assert dump(db) == before
    follow(db, rules["handover"], rules["policy"])
    before = dump(db)
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        deps.add_dependency(s, rules["guideline"], rules["handover"], today=TODAY)
    assert errors_of(info) == {
        "source_id": "循環します: "
        "ガイドライン → 事務引継規程 → 情報セキュリティポリシー → ガイドライン"
    }
    assert dump(db) == before
    # the same rules without a circle are fine: the handover rule may follow the guideline
    follow(db, rules["handover"], rules["guideline"])


# --- lagging, marking -----------------------------------------------------------------------


def test_a_new_version_of_the_source_makes_its_followers_lag_until_marked(
    db: Any, rules: dict[str, int]
) -> None:
    policy_dep = follow(db, rules["policy"], rules["guideline"])
    handover_dep = follow(db, rules["handover"], rules["guideline"])
    assert lags(db) == []
    v8 = new_version(db, rules["guideline"], "令和8年3月改定", revised_on="2026-03-01")
    v9 = new_version(db, rules["guideline"], "令和8年4月改定", revised_on="2026-04-01")
    assert lags(db) == [
        ("事務引継規程", "ガイドライン", D(2026, 3, 1), "令和8年4月改定"),
        ("情報セキュリティポリシー", "ガイドライン", D(2026, 3, 1), "令和8年4月改定"),
    ]
    with db.sessions.begin() as s:
        deps.mark_followed(s, policy_dep)  # the newest version
        deps.mark_followed(s, handover_dep, v8)
    assert followed(db, policy_dep) == v9
    assert lags(db) == [("事務引継規程", "ガイドライン", D(2026, 4, 1), "令和8年4月改定")]
    with db.sessions() as s:
        rows = {r.title: r for r in reg.register_rows(s, TODAY)}
        listed = deps.dependency_rows(s, rules["guideline"])
    assert rows["事務引継規程"].lagging_since == D(2026, 4, 1)
    assert not rows["情報セキュリティポリシー"].lagging
    assert [(r.dependent_title, r.followed_label, r.lagging_since) for r in listed] == [
        ("情報セキュリティポリシー", "令和8年4月改定", None),
        ("事務引継規程", "令和8年3月改定", D(2026, 4, 1)),
    ]
    before = dump(db)
    with pytest.raises(ValidationError), db.sessions.begin() as s:
        deps.mark_followed(s, handover_dep, rules["v7"] + 1000)
    with pytest.raises(NotFoundError), db.sessions.begin() as s:
        deps.mark_followed(s, 999)
    assert dump(db) == before
    with db.sessions.begin() as s:
        deps.remove_dependency(s, handover_dep)
    assert lags(db) == []


def test_lagging_since_is_the_first_version_not_followed(db: Any, rules: dict[str, int]) -> None:
    other = new_rule(db, "標準化法", kind="law")
    new_version(db, other, "制定", revised_on="2021-05-19", effective_on="2021-09-01")
    follow(db, rules["policy"], rules["guideline"], followed_version_id=rules["v6"])
    follow(db, rules["policy"], other, followed_version_id=None)
    with db.sessions() as s:
        row = next(r for r in reg.register_rows(s, TODAY) if r.id == rules["policy"])
    assert (row.lagging_since, row.lagging_behind) == (D(2021, 5, 19), ("標準化法", "ガイドライン"))
    assert lags(db) == [
        ("情報セキュリティポリシー", "標準化法", D(2021, 5, 19), "制定"),
        ("情報セキュリティポリシー", "ガイドライン", D(2025, 3, 1), "令和7年3月改定"),
    ]


# --- tasks ----------------------------------------------------------------------------------


@pytest.fixture
def announced(db: Any, rules: dict[str, int]) -> dict[str, int]:
    """Both own rules follow the guideline's 令和6年10月改定; the 令和7年3月改定 then came
    with a notice. The handover rule was already brought in line with it."""
    with db.sessions.begin() as s:
        notice = tracker.create_notice(s, {"issuer": "総務省", "title": "ガイドライン改定の通知"})
        notice_id = notice.id
        values = {"notice_id": notice_id, "requirements": "クラウド利用の規定を追加する"}
        reg.update_version(s, rules["v7"], values, today=TODAY)
    policy = follow(db, rules["policy"], rules["guideline"], followed_version_id=rules["v6"])
    handover = follow(db, rules["handover"], rules["guideline"], followed_version_id=rules["v7"])
    return {**rules, "notice": notice_id, "policy_dep": policy, "handover_dep": handover}


def test_tasks_are_proposed_for_the_followers_lagging_behind_the_version(
    db: Any, announced: dict[str, int]
) -> None:
    with db.sessions() as s:
        proposals = deps.propose_tasks(s, announced["v7"])
        older = deps.propose_tasks(s, announced["v6"])
    (p,) = proposals
    assert older == []  # both followed it
    assert p.title == "情報セキュリティポリシーの改定（ガイドライン 令和7年3月改定への追随）"
    assert (p.dependent_id, p.source_id, p.notice_id, p.since) == (
        announced["policy"], announced["guideline"], announced["notice"], D(2025, 3, 1),
    )  # fmt: skip
    assert p.body.startswith(
        "「ガイドライン」の令和7年3月改定（公布・改定日 2025-03-01（R7.3.1））に合わせて"
    )
    assert "求められる対応:\nクラウド利用の規定を追加する" in p.body
    with pytest.raises(NotFoundError), db.sessions() as s:
        deps.propose_tasks(s, 999)


def test_created_tasks_are_linked_to_both_rules_and_the_notice(
    db: Any, announced: dict[str, int]
) -> None:
    with db.sessions() as s:
        (p,) = deps.propose_tasks(s, announced["v7"])
    edited = replace(p, title="ポリシー改定")
    with db.sessions.begin() as s:
        ids = deps.create_tasks(s, [(p, D(2026, 6, 30)), (edited, None)])
    with db.sessions() as s:
        first, second = (s.get(Task, i) for i in ids)
        assert first is not None and second is not None
        assert (first.title, first.due_date, first.fiscal_year) == (p.title, D(2026, 6, 30), 2026)
        assert (second.title, second.due_date, second.fiscal_year) == ("ポリシー改定", None, None)
        assert "クラウド利用の規定を追加する" in first.body
        for task_id in ids:
            assert sorted(links.linked_ids(s, "task", task_id, "regulation")) == sorted(
                [announced["policy"], announced["guideline"]]
            )
            assert links.linked_ids(s, "task", task_id, "notice") == [announced["notice"]]
        history = s.execute(
            select(ChangeLogEntry.table_name, ChangeLogEntry.field)
            .where(ChangeLogEntry.action == "link", ChangeLogEntry.row_id == str(ids[0]))
            .where(ChangeLogEntry.table_name == "tasks")
        ).all()
        assert sorted(f for _t, f in history) == ["notice", "regulation", "regulation"]
        policy_history = s.scalars(
            select(ChangeLogEntry.field).where(
                ChangeLogEntry.table_name == "regulations",
                ChangeLogEntry.row_id == str(announced["policy"]),
                ChangeLogEntry.action == "link",
            )
        ).all()
        assert policy_history == ["task", "task"]
        (again,) = deps.propose_tasks(s, announced["v7"])
    assert again.existing_task_ids == (ids[0],)


def test_creating_tasks_is_all_or_nothing(db: Any, announced: dict[str, int]) -> None:
    with db.sessions() as s:
        (p,) = deps.propose_tasks(s, announced["v7"])
    before = dump(db)
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        deps.create_tasks(s, [(p, "2026-06-30"), (replace(p, title=""), "2026-02-30")])
    assert [str(e) for e in info.value.errors] == [
        "2件目の件名: 必須です",
        "2件目の期限: 2月30日は存在しない日付です",
    ]
    with db.sessions.begin() as s:
        reg.delete_regulation(s, announced["policy"])
    after_delete = dump(db)
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        deps.create_tasks(s, [(p, None)])
    assert str(info.value) == (
        f"1件目「{p.title}」: 法令・規程（ID {announced['policy']}）は削除されています"
    )
    assert dump(db) == after_delete != before
