"""The notices tracker: input checks, identity, deadline history, status flow, the lists,
tasks made from notices, and the history written for their links."""

from __future__ import annotations

import hashlib
import itertools
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select, text

from app.services import links
from app.services.errors import ValidationError
from app.services.notices import tracker
from app.services.notices.deadlines import deadline_history, set_deadline
from app.store.models import Asset, BusinessSystem, ChangeLogEntry, Notice, NoticeDeadline

TODAY = date(2026, 5, 1)


def fingerprint(db: Any) -> tuple[Any, ...]:
    """The counts and contents of the tables a notice's writes touch."""
    with db.engine.connect() as conn:
        counts = tuple(
            conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
            for t in ("notices", "notice_deadlines", "change_log", "tasks")
        )
        rows = conn.execute(text("SELECT * FROM notice_deadlines ORDER BY id")).all()
        notices = conn.execute(text("SELECT * FROM notices ORDER BY id")).all()
    return (*counts, hashlib.sha256(repr((rows, notices)).encode()).hexdigest())


def add(db: Any, **data: Any) -> int:
    values = {"issuer": "総務省", "title": "通知", "issued_on": "2026-04-01"} | data
    with db.sessions.begin() as s:
        return tracker.create_notice(s, values).id


def deadline(db: Any, notice_id: int, kind: str, when: date | None, reason: str = "") -> Any:
    with db.sessions.begin() as s:
        return set_deadline(s, notice_id, kind, when, reason, today=TODAY)


def errors_of(info: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {e.field: e.message for e in info.value.errors}


@pytest.fixture
def system_and_asset(db: Any) -> tuple[int, int]:
    with db.sessions.begin() as s:
        system, asset = (
            BusinessSystem(name="住民記録システム"),
            Asset(asset_tag="SV-1", name="住基サーバ"),
        )
        s.add_all([system, asset])
        s.flush()
        return system.id, asset.id


# --- input -----------------------------------------------------------------------------------


def test_each_bad_field_is_named_and_nothing_is_written(db: Any) -> None:
    before = fingerprint(db)
    data = {
        "issuer": "",
        "title": "",
        "kind": "memo",
        "issued_on": "2026-02-30",
        "url": "ftp://example.jp/a.pdf",
        "feed_guid": "x",
    }
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        tracker.create_notice(s, data)
    errors = errors_of(info)
    assert errors["issuer"] == "必須です" and errors["title"] == "必須です"
    assert "選択肢にない値です: memo" in errors["kind"]
    assert "2月30日は存在しない日付です" in errors["issued_on"]
    assert "http:// または https://" in errors["url"]
    assert errors["feed_guid"] == "不明な項目です"  # not editable: it is the feed's
    assert "発出元: 必須です" in str(info.value)
    assert fingerprint(db) == before


def test_an_issuer_over_100_characters_and_unknown_links_are_refused(db: Any) -> None:
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        tracker.create_notice(
            s, {"issuer": "省" * 101, "title": "通知", "system_ids": [987], "asset_ids": ["x"]}
        )
    errors = errors_of(info)
    assert "100文字以内" in errors["issuer"]
    assert errors["system_ids"] == "登録されていない業務システムです（ID 987）"
    assert errors["asset_ids"] == "IDの一覧を指定してください"


def test_wareki_dates_and_markdown_notes_are_stored(db: Any) -> None:
    notes = "## 影響\n- 住民記録  \n- 税務\n\n**4/30まで**に回答"
    notice_id = add(db, issued_on="R8.4.1", interpretation=notes, url="https://www.soumu.go.jp/a")
    with db.sessions() as s:
        notice = s.get(Notice, notice_id)
        assert notice is not None
        assert (notice.issued_on, notice.interpretation) == (date(2026, 4, 1), notes)
        assert (notice.kind, notice.status) == ("tsuchi", "unread")


def test_the_same_identity_names_the_notice_it_collides_with(db: Any) -> None:
    first = add(db, title="標準化の進め方について")
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        tracker.create_notice(s, {"issuer": "総務省", "title": "標準化の進め方について",
                                  "issued_on": "令和8年4月1日"})  # fmt: skip
    assert errors_of(info)["title"] == (
        "同じ発出元・発出日・件名の通知が既にあります: 「標準化の進め方について」"
        f"（総務省、2026-04-01、ID {first}）"
    )
    other_day = add(db, title="標準化の進め方について", issued_on="2026-04-02")
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        tracker.update_notice(s, other_day, {"issued_on": "2026-04-01"})
    assert f"ID {first}" in errors_of(info)["title"]
    add(db, title="照会", issued_on=None)
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        tracker.create_notice(s, {"issuer": "総務省", "title": "照会"})
    assert "発出日なし" in errors_of(info)["title"]
    with db.sessions() as s:
        assert s.execute(select(func.count()).select_from(Notice)).scalar_one() == 3


def test_a_feed_notice_is_not_held_to_the_hand_entered_identity(db: Any) -> None:
    add(db, title="新着")
    with db.sessions.begin() as s:
        feed = Notice(issuer="総務省", title="別件", issued_on=date(2026, 4, 1), feed_guid="g1")
        s.add(feed)
        s.flush()
        tracker.update_notice(s, feed.id, {"title": "新着"})  # the feed_guid identifies it


# --- deadlines -------------------------------------------------------------------------------


def test_deadline_revisions_keep_their_history_with_one_current_row(db: Any) -> None:
    notice_id = add(db)
    assert deadline(db, notice_id, "reply", date(2026, 10, 31)).changed
    assert deadline(db, notice_id, "reply", date(2026, 11, 28), "デジタル庁から延長の連絡").changed
    assert deadline(db, notice_id, "reply", date(2026, 12, 11), "再延長").changed
    assert deadline(db, notice_id, "effective", date(2027, 4, 1)).changed
    with db.sessions() as s:
        history = deadline_history(s, notice_id)
        current = s.get(Notice, notice_id).current_deadlines()  # type: ignore[union-attr]
    replies = [h for h in history if h.kind == "reply"]
    assert [(h.deadline, h.reason, h.is_current) for h in replies] == [
        (date(2026, 12, 11), "再延長", True),
        (date(2026, 11, 28), "デジタル庁から延長の連絡", False),
        (date(2026, 10, 31), "", False),
    ]
    assert history[0].kind_label == "施行日" and replies[0].kind_label == "回答期限"
    assert all(a.set_at >= b.set_at for a, b in itertools.pairwise(history))
    assert current == {"reply": date(2026, 12, 11), "effective": date(2027, 4, 1)}


def test_withdrawing_leaves_a_current_row_without_a_date(db: Any) -> None:
    notice_id = add(db)
    deadline(db, notice_id, "action", date(2026, 6, 30))
    assert deadline(db, notice_id, "action", None, "照会が取り下げられた").changed
    assert not deadline(db, notice_id, "action", None, "二度目").changed
    assert not deadline(db, notice_id, "reply", None).changed  # nothing to withdraw
    with db.sessions() as s:
        rows = deadline_history(s, notice_id)
    assert [(r.deadline, r.is_current) for r in rows] == [(None, True), (date(2026, 6, 30), False)]


def test_setting_the_same_date_again_writes_nothing(db: Any) -> None:
    notice_id = add(db)
    deadline(db, notice_id, "reply", date(2026, 6, 30))
    before = fingerprint(db)
    assert not deadline(db, notice_id, "reply", date(2026, 6, 30), "念のため").changed
    assert fingerprint(db) == before


def test_a_deadline_before_the_issue_date_is_refused_and_nothing_changes(db: Any) -> None:
    notice_id = add(db)
    deadline(db, notice_id, "reply", date(2026, 6, 30))
    before = fingerprint(db)
    with pytest.raises(ValidationError) as info:
        deadline(db, notice_id, "reply", date(2026, 3, 1), "誤り")
    assert "回答期限（2026-03-01）が発出日（2026-04-01）より前です" in str(info.value)
    assert fingerprint(db) == before


def test_a_revision_needs_its_reason_and_a_past_date_is_warned_of(db: Any) -> None:
    notice_id = add(db)
    first = deadline(db, notice_id, "reply", date(2026, 4, 20))
    assert first.warning == "回答期限（2026-04-20）は既に過ぎています"
    with pytest.raises(ValidationError) as info:
        deadline(db, notice_id, "reply", date(2026, 6, 1), "  ")
    assert errors_of(info)["reason"] == "回答期限を変更する理由を入力してください"
    with pytest.raises(ValidationError):
        deadline(db, notice_id, "deadline", date(2026, 6, 1))


def test_moving_the_issue_date_past_a_deadline_is_refused(db: Any) -> None:
    notice_id = add(db)
    deadline(db, notice_id, "reply", date(2026, 4, 10))
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        tracker.update_notice(s, notice_id, {"issued_on": "2026-04-15"})
    assert errors_of(info)["issued_on"] == "回答期限（2026-04-10）が発出日（2026-04-15）より前です"


# --- status ------------------------------------------------------------------------------------


def status_of(db: Any, notice_id: int) -> str:
    with db.sessions() as s:
        return s.get(Notice, notice_id).status  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("path"),
    [
        ["reading", "acting", "done", "reading", "na"],
        ["acting", "na", "reading", "unread", "done"],
    ],
)
def test_allowed_moves(db: Any, path: list[str]) -> None:
    notice_id = add(db)
    for status in path:
        with db.sessions.begin() as s:
            assert tracker.set_status(s, notice_id, status)
        assert status_of(db, notice_id) == status
    with db.sessions.begin() as s:
        assert not tracker.set_status(s, notice_id, path[-1])


@pytest.mark.parametrize(
    ("start", "to", "possible"),
    [
        (["acting"], "reading", "対応済、対応不要"),
        (["acting"], "unread", "対応済、対応不要"),
        (["done"], "acting", "確認中"),
        (["na"], "unread", "確認中"),
        (["done"], "na", "確認中"),
    ],
)
def test_refused_moves_say_which_are_possible(
    db: Any, start: list[str], to: str, possible: str
) -> None:
    notice_id = add(db)
    for status in start:
        with db.sessions.begin() as s:
            tracker.set_status(s, notice_id, status)
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        tracker.set_status(s, notice_id, to)
    assert f"（変更できる状態: {possible}）" in errors_of(info)["status"]
    assert status_of(db, notice_id) == start[-1]


def test_an_edit_follows_the_same_moves(db: Any) -> None:
    notice_id = add(db, status="done")  # entering an old notice: any status
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        tracker.update_notice(s, notice_id, {"status": "unread"})
    assert errors_of(info)["status"].startswith("対応済から未確認には変更できません")


# --- lists -----------------------------------------------------------------------------------


def test_inbox_shows_unread_notices_newest_first(db: Any) -> None:
    old = add(db, title="古い", issued_on="2026-03-01")
    new = add(db, title="新しい", issued_on="2026-04-20")
    undated = add(db, title="日付なし", issued_on=None)
    read = add(db, title="読んだ", status="reading")
    deadline(db, old, "reply", date(2026, 4, 30))
    with db.sessions() as s:
        rows = tracker.inbox(s, today=TODAY)
    assert [r.id for r in rows] == [new, old, undated]
    assert read not in [r.id for r in rows]
    assert (rows[1].deadline, rows[1].deadline_label, rows[1].overdue) == (
        date(2026, 4, 30), "回答期限", True,
    )  # fmt: skip
    assert (rows[0].deadline, rows[0].overdue, rows[0].status_label) == (None, False, "未確認")
    assert rows[0].kind_label == "通知"


def test_by_deadline_lists_each_open_deadline_soonest_first(db: Any) -> None:
    a, b, closed = add(db, title="A"), add(db, title="B"), add(db, title="済", status="done")
    deadline(db, a, "reply", date(2026, 4, 20))
    deadline(db, a, "effective", date(2027, 4, 1))
    deadline(db, b, "action", date(2026, 5, 10))
    deadline(db, b, "reply", date(2026, 5, 10))
    deadline(db, closed, "reply", date(2026, 4, 15))
    withdrawn = add(db, title="取下げ")
    deadline(db, withdrawn, "reply", date(2026, 5, 2))
    deadline(db, withdrawn, "reply", None, "取下げ")
    with db.sessions() as s:
        rows = tracker.by_deadline(s, TODAY)
        near = tracker.by_deadline(s, TODAY, within_days=30)
    assert [(r.id, r.deadline_kind, r.overdue) for r in rows] == [
        (a, "reply", True),
        (b, "reply", False),
        (b, "action", False),
        (a, "effective", False),
    ]
    assert [(r.id, r.deadline_kind) for r in near] == [(a, "reply"), (b, "reply"), (b, "action")]


def test_by_issuer_groups_with_counts_and_the_nearest_deadline(db: Any) -> None:
    a = add(db, issuer="デジタル庁", title="a", issued_on="2026-04-01")
    b = add(db, issuer="デジタル庁", title="b", issued_on="2026-04-10")
    c = add(db, issuer="厚生労働省", title="c")
    deadline(db, a, "effective", date(2026, 10, 1))
    deadline(db, a, "action", date(2026, 6, 1))
    with db.sessions() as s:
        groups = tracker.by_issuer(s)
    assert [(g.issuer, g.count) for g in groups] == [("デジタル庁", 2), ("厚生労働省", 1)]
    assert [r.id for r in groups[0].rows] == [b, a] and groups[1].rows[0].id == c
    assert (groups[0].rows[1].deadline, groups[0].rows[1].deadline_label) == (
        date(2026, 6, 1), "対応期限",
    )  # fmt: skip


def test_for_system_and_notices_in_progress(db: Any, system_and_asset: tuple[int, int]) -> None:
    system_id, _ = system_and_asset
    linked = add(db, title="関係あり", system_ids=[system_id], interpretation="住基に影響")
    add(db, title="関係なし")
    done = add(db, title="済", system_ids=[system_id], status="done", issued_on="2026-04-02")
    deadline(db, linked, "reply", date(2026, 6, 1))
    with db.sessions() as s:
        rows = tracker.for_system(s, system_id)
        open_ones = tracker.notices_in_progress(s)
    assert [r.id for r in rows] == [done, linked]
    assert [n.row.title for n in open_ones] == ["関係あり", "関係なし"]
    assert open_ones[0].interpretation == "住基に影響"


def selects_of(db: Any, read: Any) -> tuple[Any, int]:
    """What ``read(session)`` returns, and how many SELECT statements it ran."""
    from sqlalchemy import event

    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with db.sessions() as s:
            result = read(s)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return result, len([q for q in statements if q.lstrip().startswith("SELECT")])


def test_all_notices_carry_their_systems_read_in_one_more_query(
    db: Any, system_and_asset: tuple[int, int]
) -> None:
    jumin, _ = system_and_asset
    with db.sessions.begin() as s:
        zei = BusinessSystem(name="個人住民税システム")
        s.add(zei)
        s.flush()
        zei_id = zei.id
    both = add(db, title="両方", system_ids=[jumin, zei_id])
    one = add(db, title="住基だけ", system_ids=[jumin], issued_on="2026-04-02")
    none = add(db, title="なし", issued_on="2026-04-03")
    rows, selects = selects_of(db, lambda s: tracker.all_notices(s, today=TODAY))
    by_id = {r.id: r for r in rows}
    assert by_id[both].systems == ("住民記録システム", "個人住民税システム")  # by name
    assert by_id[both].system_ids == (jumin, zei_id)
    assert (by_id[one].systems, by_id[one].system_ids) == (("住民記録システム",), (jumin,))
    assert (by_id[none].systems, by_id[none].system_ids) == ((), ())
    assert selects == 3  # the list, then every link to a system and every tag at once
    for n in range(5):
        add(db, title=f"追加{n}", system_ids=[zei_id])
    rows, selects = selects_of(db, lambda s: tracker.all_notices(s, today=TODAY))
    assert len(rows) == 8 and selects == 3  # not one per row
    rows, selects = selects_of(db, lambda s: tracker.for_system(s, jumin))
    assert [(r.id, r.systems) for r in rows] == [
        (one, ("住民記録システム",)), (both, ("住民記録システム", "個人住民税システム")),
    ]  # fmt: skip
    assert selects == 2


def test_each_list_is_one_query(db: Any) -> None:
    for n in range(5):
        notice_id = add(db, title=f"通知{n}")
        deadline(db, notice_id, "reply", date(2026, 6, n + 1))
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    from sqlalchemy import event

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with db.sessions() as s:
            for read in (tracker.inbox, tracker.by_issuer, tracker.notices_in_progress):
                statements.clear()
                assert read(s)
                assert len([q for q in statements if q.lstrip().startswith("SELECT")]) == 1
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


# --- a task from a notice ---------------------------------------------------------------------


def test_a_task_from_a_notice(db: Any, system_and_asset: tuple[int, int]) -> None:
    system_id, asset_id = system_and_asset
    notice_id = add(db, title="ガバクラ接続の照会", system_ids=[system_id], asset_ids=[asset_id])
    deadline(db, notice_id, "effective", date(2026, 10, 1))
    deadline(db, notice_id, "reply", date(2026, 6, 30))
    with db.sessions.begin() as s:
        task = tracker.create_task_from_notice(s, notice_id)
        chosen = tracker.create_task_from_notice(
            s, notice_id, title="施行準備", due_kind="effective"
        )
        task_id, chosen_id = task.id, chosen.id
        assert (task.title, task.due_date) == ("対応: ガバクラ接続の照会", date(2026, 6, 30))
        assert (chosen.title, chosen.due_date) == ("施行準備", date(2026, 10, 1))
    with db.sessions() as s:
        assert links.linked_ids(s, "task", task_id, "notice") == [notice_id]
        assert links.linked_ids(s, "task", task_id, "system") == [system_id]
        assert links.linked_ids(s, "task", chosen_id, "asset") == [asset_id]
        assert s.get(Notice, notice_id).status == "acting"  # type: ignore[union-attr]


def test_a_task_needs_the_chosen_deadline_and_leaves_a_closed_notice_closed(db: Any) -> None:
    notice_id = add(db, status="done")
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        tracker.create_task_from_notice(s, notice_id, due_kind="reply")
    assert errors_of(info)["due_kind"] == "この通知には回答期限が設定されていません"
    with db.sessions.begin() as s:
        task = tracker.create_task_from_notice(s, notice_id)
        assert task.due_date is None
    assert status_of(db, notice_id) == "done"


# --- history of links ---------------------------------------------------------------------------


def link_history(db: Any, table: str, row_id: int) -> list[tuple[str, str | None]]:
    with db.sessions() as s:
        stmt = (
            select(ChangeLogEntry.action, ChangeLogEntry.field)
            .where(ChangeLogEntry.table_name == table, ChangeLogEntry.row_id == str(row_id))
            .where(ChangeLogEntry.action.in_(("link", "unlink")))
            .order_by(ChangeLogEntry.id)
        )
        return [(a, f) for a, f in s.execute(stmt)]


def test_link_changes_are_written_on_both_records(
    db: Any, system_and_asset: tuple[int, int]
) -> None:
    system_id, asset_id = system_and_asset
    notice_id = add(db, system_ids=[system_id])
    with db.sessions.begin() as s:
        tracker.update_notice(s, notice_id, {"system_ids": [], "asset_ids": [asset_id]})
    assert link_history(db, "notices", notice_id) == [
        ("link", "system"), ("unlink", "system"), ("link", "asset"),
    ]  # fmt: skip
    assert link_history(db, "business_systems", system_id) == [
        ("link", "notice"),
        ("unlink", "notice"),
    ]
    assert link_history(db, "assets", asset_id) == [("link", "notice")]


def test_deleting_a_notice_detaches_its_task_with_history(db: Any) -> None:
    notice_id = add(db)
    deadline(db, notice_id, "reply", date(2026, 6, 30))
    with db.sessions.begin() as s:
        task_id = tracker.create_task_from_notice(s, notice_id).id
    with db.sessions.begin() as s:
        tracker.delete_notice(s, notice_id)
    with db.sessions() as s:
        assert s.execute(select(func.count()).select_from(NoticeDeadline)).scalar_one() == 0
    assert link_history(db, "tasks", task_id) == [("link", "notice"), ("unlink", "notice")]


def test_tags_are_typed_listed_changed_and_detached_with_history(db: Any) -> None:
    from app.services.tags import tags_of

    nid = add(db, title="標準準拠システムの進捗調査", tags="標準化、ガバクラ、標準化")
    with db.sessions() as s:
        assert tags_of(s, "notice", [nid])[nid] == ["ガバクラ", "標準化"]
        row = next(r for r in tracker.all_notices(s, today=TODAY) if r.id == nid)
    assert row.tags == ("ガバクラ", "標準化")
    with db.sessions.begin() as s:
        tracker.update_notice(s, nid, {"tags": ["ガバクラ", "AWS"]})
    with db.sessions() as s:
        assert tags_of(s, "notice", [nid])[nid] == ["AWS", "ガバクラ"]
    before = fingerprint(db)
    with pytest.raises(ValidationError) as refused, db.sessions.begin() as s:
        tracker.update_notice(s, nid, {"tags": "x" * 61, "title": "変えない"})
    assert "60" in errors_of(refused)["tags"]
    assert fingerprint(db) == before
    with db.sessions.begin() as s:
        tracker.delete_notice(s, nid)
    with db.sessions() as s:
        detached = s.scalars(
            select(ChangeLogEntry.action).where(
                ChangeLogEntry.table_name == "tags", ChangeLogEntry.action == "unlink"
            )
        ).all()
    assert len(detached) == 3  # 標準化 at the update; AWS and ガバクラ at the delete


def test_a_regulation_version_keeps_in_its_history_that_its_notice_was_deleted(db: Any) -> None:
    from app.services.regulations.register import add_version, create_regulation
    from app.store.models import RegulationVersion

    nid = add(db, title="ガイドラインの改定について（通知）", kind="guideline")
    with db.sessions.begin() as s:
        rule = create_regulation(s, {"title": "セキュリティポリシーガイドライン"})
        data = {"label": "令和7年3月改定", "notice_id": nid, "revised_on": date(2025, 3, 1)}
        version = add_version(s, rule.id, data, today=TODAY)
        version_id = version.id
    with db.sessions.begin() as s:
        tracker.delete_notice(s, nid)
    with db.sessions() as s:
        assert s.get(RegulationVersion, version_id).notice_id is None  # type: ignore[union-attr]
        changed = s.scalars(
            select(ChangeLogEntry).where(
                ChangeLogEntry.table_name == "regulation_versions",
                ChangeLogEntry.action == "update",
                ChangeLogEntry.field == "notice_id",
            )
        ).all()
    assert len(changed) == 1 and changed[0].old_value == str(nid) and changed[0].new_value is None
