"""Q&A knowledge notes: entering a note with answers, links and tags and reading it back;
replacing and reordering answers; every input check, with nothing written on a refusal;
pasted HTML kept as typed; the global search; review dates across month ends; history."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import delete, event, select, text

from app.services.errors import NotFoundError, ValidationError
from app.services.field_input import MAX_NOTES
from app.services.history import describe_history
from app.services.knowledge import listing, notes
from app.services.search import global_search
from app.store.models import (
    BusinessSystem,
    ChangeLogEntry,
    KnowledgeAnswer,
    KnowledgeNote,
    Notice,
    Regulation,
    Runbook,
    Tag,
)

TODAY = date(2026, 5, 1)
TABLES = ("knowledge_notes", "knowledge_answers", "knowledge_note_notices",
          "knowledge_note_regulations", "knowledge_note_systems", "knowledge_note_runbooks",
          "knowledge_note_tags", "tags", "change_log")  # fmt: skip


def fingerprint(db: Any) -> tuple[Any, ...]:
    """The counts and contents of every table a note's writes touch."""
    with db.engine.connect() as conn:
        counts = tuple(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in TABLES)
        rows = [conn.execute(text(f"SELECT * FROM {t} ORDER BY 1")).all() for t in TABLES]
    return (*counts, hashlib.sha256(repr(rows).encode()).hexdigest())


@contextmanager
def selects(db: Any) -> Iterator[list[str]]:
    """The SELECT statements run meanwhile."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


@pytest.fixture
def linked(db: Any) -> dict[str, int]:
    with db.sessions.begin() as s:
        records = {
            "notice": Notice(issuer="デジタル庁", title="ガバメントクラウドへの接続について"),
            "regulation": Regulation(title="地方公共団体情報システムの標準化に関する法律"),
            "system": BusinessSystem(name="住民記録システム"),
            "runbook": Runbook(title="ガバクラ接続回線の切替手順"),
        }
        s.add_all(records.values())
        s.flush()
        return {kind: r.id for kind, r in records.items()}


def full_input(linked: dict[str, int], **data: Any) -> dict[str, Any]:
    return {
        "question": "ガバメントクラウドへの接続回線は冗長化が必要か",
        "detail": "閉域網で2回線を引くべきか、1回線＋バックアップで足りるか。",
        "community": "デジタル改革共創プラットフォーム",
        "thread_url": "https://example.jp/threads/123",
        "asked_on": "2026-04-10",
        "confidence": "high",
        "review_months": 6,
        "answers": [
            {
                "body": "2回線が推奨です。",
                "answered_by": "A市 情報政策課",
                "answered_on": "R8.4.11",
            },
            {"body": "うちは1回線＋モバイル回線でした。", "answered_by": "", "answered_on": None},
        ],
        "notice_ids": [linked["notice"]],
        "regulation_ids": [linked["regulation"]],
        "system_ids": [linked["system"]],
        "runbook_ids": [linked["runbook"]],
        "tags": "ガバクラ、#ネットワーク, AWS",
    } | data


def create(db: Any, data: dict[str, Any]) -> int:
    with db.sessions.begin() as s:
        return notes.create_note(s, data, today=TODAY).id


def update(db: Any, note_id: int, data: dict[str, Any]) -> listing.NoteDetail:
    with db.sessions.begin() as s:
        notes.update_note(s, note_id, data, today=TODAY)
    return detail_of(db, note_id)


def detail_of(db: Any, note_id: int) -> listing.NoteDetail:
    with db.sessions() as s:
        return listing.note_detail(s, note_id)


def messages(info: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [str(e) for e in info.value.errors]


def refused(db: Any, data: dict[str, Any], note_id: int | None = None) -> list[str]:
    """The messages of a refused write, checking that it wrote nothing."""
    before = fingerprint(db)
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        if note_id is None:
            notes.create_note(s, data, today=TODAY)
        else:
            notes.update_note(s, note_id, data, today=TODAY)
    assert fingerprint(db) == before
    return messages(info)


# --- create and read back ------------------------------------------------------------------


def test_a_note_is_written_with_its_answers_links_and_tags(db: Any, linked: Any) -> None:
    note_id = create(db, full_input(linked))
    d = detail_of(db, note_id)
    assert (d.question, d.community, d.thread_url) == (
        "ガバメントクラウドへの接続回線は冗長化が必要か",
        "デジタル改革共創プラットフォーム",
        "https://example.jp/threads/123",
    )
    assert d.asked_on == date(2026, 4, 10) and d.reviewed_on is None
    assert (d.confidence, d.confidence_label) == ("high", "確か（一次情報で確認済み）")
    assert [(a.number, a.body, a.answered_by, a.answered_on) for a in d.answers] == [
        (1, "2回線が推奨です。", "A市 情報政策課", date(2026, 4, 11)),
        (2, "うちは1回線＋モバイル回線でした。", "", None),
    ]
    assert [(i.id, i.label) for i in d.notices] == [
        (linked["notice"], "ガバメントクラウドへの接続について")
    ]
    assert [i.label for i in d.regulations] == ["地方公共団体情報システムの標準化に関する法律"]
    assert [i.label for i in d.systems] == ["住民記録システム"]
    assert [i.label for i in d.runbooks] == ["ガバクラ接続回線の切替手順"]
    assert d.tags == ("AWS", "ガバクラ", "ネットワーク")
    assert d.review_months == 6 and d.review_due_on is not None


def test_a_question_may_wait_for_answers_and_defaults_apply(db: Any) -> None:
    note_id = create(db, {"question": "マイナポータルの連携、他団体はどうしてる？"})
    d = detail_of(db, note_id)
    assert d.answers == () and d.tags == () and d.notices == ()
    assert (d.confidence, d.review_months, d.detail, d.thread_url) == ("medium", 12, "", "")


def test_saving_the_editor_input_unchanged_writes_nothing(db: Any, linked: Any) -> None:
    note_id = create(db, full_input(linked))
    before = fingerprint(db)
    update(db, note_id, detail_of(db, note_id).as_input())
    assert fingerprint(db) == before


def test_links_and_tags_are_replaced_with_history_on_the_linked_records(
    db: Any, linked: Any
) -> None:
    note_id = create(db, full_input(linked))
    with db.sessions.begin() as s:
        other = BusinessSystem(name="税務システム")
        s.add(other)
        s.flush()
        other_id = other.id
    d = update(db, note_id, {"system_ids": [other_id], "notice_ids": [], "tags": ["AWS"]})
    assert (
        [i.label for i in d.systems] == ["税務システム"] and d.notices == () and d.tags == ("AWS",)
    )
    assert [i.label for i in d.runbooks] == ["ガバクラ接続回線の切替手順"]  # not named: kept
    with db.sessions() as s:
        on_system = [(h.action, h.field) for h in describe_history(s, "business_systems",
                                                                   linked["system"])]  # fmt: skip
        on_notice = [(h.action, h.field) for h in describe_history(s, "notices", linked["notice"])]
        on_note = [(h.action, h.field) for h in describe_history(s, "knowledge_notes", note_id)]
    assert on_system[:2] == [("関連付けを解除", "Q&A"), ("関連付け", "Q&A")]
    assert on_notice[:2] == [("関連付けを解除", "Q&A"), ("関連付け", "Q&A")]
    assert ("関連付け", "業務システム") in on_note and ("関連付けを解除", "業務システム") in on_note
    assert ("関連付けを解除", "タグ") in on_note


# --- answers: replaced and reordered -------------------------------------------------------------


def answers_input(d: listing.NoteDetail) -> list[dict[str, Any]]:
    return d.as_input()["answers"]


def test_answers_keep_their_rows_when_moved_edited_or_deleted(db: Any) -> None:
    bodies = ["一", "二", "三"]
    note_id = create(db, {"question": "Q", "answers": [{"body": b} for b in bodies]})
    one, two, three = answers_input(detail_of(db, note_id))
    d = update(db, note_id, {"answers": [three, {"body": "新"}, one | {"body": "一（訂正）"}]})
    assert [a.body for a in d.answers] == ["三", "新", "一（訂正）"]
    assert d.answers[0].id == three["id"] and d.answers[2].id == one["id"]
    with db.sessions() as s:
        assert s.get(KnowledgeAnswer, two["id"]) is None
        on_one = [(h.action, h.field) for h in describe_history(s, "knowledge_answers", one["id"])]
        on_two = [h.action for h in describe_history(s, "knowledge_answers", two["id"])]
    assert ("変更", "回答") in on_one and ("変更", "順番") in on_one
    assert on_two[0] == "削除"


def test_editing_adding_at_the_end_or_deleting_moves_no_answer(db: Any) -> None:
    note_id = create(db, {"question": "Q", "answers": [{"body": b} for b in "一二三"]})
    one, _two, three = answers_input(detail_of(db, note_id))
    d = update(db, note_id, {"answers": [one, three | {"body": "三'"}, {"body": "四"}]})
    assert [a.body for a in d.answers] == ["一", "三'", "四"]
    with db.sessions() as s:
        moves = [h for a in d.answers for h in describe_history(s, "knowledge_answers", a.id)
                 if h.field == "順番"]  # fmt: skip
    assert moves == []


def test_answers_without_ids_replace_every_answer(db: Any) -> None:
    note_id = create(db, {"question": "Q", "answers": [{"body": "古い回答"}]})
    (old,) = answers_input(detail_of(db, note_id))
    d = update(db, note_id, {"answers": [{"body": "古い回答"}, {"body": "追加"}]})
    assert [a.body for a in d.answers] == ["古い回答", "追加"]
    with db.sessions() as s:
        written = [(e.row_id, e.action) for e in s.scalars(
            select(ChangeLogEntry).where(ChangeLogEntry.table_name == "knowledge_answers")
            .order_by(ChangeLogEntry.id))]  # fmt: skip
    assert written[1:] == [(str(old["id"]), "delete"), *((str(a.id), "insert") for a in d.answers)]
    assert update(db, note_id, {"answers": []}).answers == ()


def test_any_sequence_of_reorders_keeps_positions_unique(db: Any) -> None:
    rng = random.Random(20260501)
    note_id = create(db, {"question": "Q", "answers": [{"body": f"回答{n}"} for n in range(4)]})
    counter = 4
    for _ in range(40):
        current = answers_input(detail_of(db, note_id))
        rng.shuffle(current)
        wanted = [a for a in current if rng.random() > 0.15]
        for _ in range(rng.randint(0, 2)):
            wanted.insert(rng.randint(0, len(wanted)), {"body": f"回答{counter}"})
            counter += 1
        d = update(db, note_id, {"answers": wanted})
        assert [a.body for a in d.answers] == [a["body"] for a in wanted]
        assert [a.number for a in d.answers] == list(range(1, len(wanted) + 1))
    with db.sessions() as s:
        positions = list(s.scalars(select(KnowledgeAnswer.position)))
    assert max(positions, default=0) <= 2 * len(positions) + 8  # positions stay small


# --- input checks: every message, nothing written -------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"question": ""}, "質問: 必須です"),
        ({"question": "あ" * 501}, "質問: 500文字以内で入力してください（501文字）"),
        ({"detail": "あ" * (MAX_NOTES + 1)}, f"質問の詳細: {MAX_NOTES}文字以内で入力してください"),
        ({"community": "あ" * 201}, "情報源: 200文字以内で入力してください（201文字）"),
        ({"thread_url": "javascript:alert(1)"}, "スレッドのURL: http:// または https:// で始まる"),
        ({"asked_on": "2026-05-02"}, "質問日: 未来の日付は入力できません（今日は2026-05-01）"),
        ({"reviewed_on": "R8.6.1"}, "最終確認日: 未来の日付は入力できません（今日は2026-05-01）"),
        ({"asked_on": "2026-02-30"}, "質問日: 2月30日は存在しない日付です"),
        ({"confidence": "sure"}, "確からしさ: 選択肢にない値です: sure"),
        ({"review_months": 0}, "見直しの間隔（月）: 1以上で入力してください"),
        ({"review_months": "121"}, "見直しの間隔（月）: 120以下で入力してください"),
        ({"review_months": "毎年"}, "見直しの間隔（月）: 整数で入力してください"),
        ({"answers": [{"body": "ok"}, {"body": "  \n "}]}, "回答2: 回答を入力してください"),
        (
            {"answers": [{"body": "x" * (MAX_NOTES + 1)}]},
            f"回答1: 回答は{MAX_NOTES}文字以内で入力してください（{MAX_NOTES + 1}文字）",
        ),
        (
            {"answers": [{"body": "ok", "answered_by": "x" * 201}]},
            "回答1: 回答者は200文字以内で入力してください（201文字）",
        ),
        (
            {"answers": [{"body": "ok", "answered_on": "2026-05-02"}]},
            "回答1: 回答日: 未来の日付は入力できません（今日は2026-05-01）",
        ),
        ({"answers": [{"body": "ok", "answered_on": "令和8年13月1日"}]}, "回答1: 回答日: "),
        ({"answers": [{"body": "ok", "id": 1}]}, "回答1: この質問の回答ではありません（ID 1）"),
        ({"answers": [{"body": "ok", "votes": 3}]}, "回答1: 不明な項目です: votes"),
        ({"answers": ["ok"]}, "回答1: 回答の形式が正しくありません"),
        ({"answers": "回答"}, "回答: 回答の一覧を指定してください"),
        ({"notice_ids": [999]}, "通知: 登録されていない通知です（ID 999）"),
        ({"regulation_ids": [998]}, "法令・規程: 登録されていない法令・規程です（ID 998）"),
        ({"system_ids": [997]}, "業務システム: 登録されていない業務システムです（ID 997）"),
        ({"runbook_ids": [996]}, "手順書: 登録されていない手順書です（ID 996）"),
        ({"runbook_ids": "1,2"}, "手順書: IDの一覧を指定してください"),
        ({"tags": f"標準化、{'x' * 61}"}, "タグ: タグは60文字以内で入力してください（61文字）"),
        ({"tags": [1]}, "タグ: タグの一覧を指定してください"),
        ({"author": "me"}, "author: 不明な項目です"),
    ],
)
def test_each_bad_input_is_named_and_nothing_is_written(
    db: Any, data: dict[str, Any], expected: str
) -> None:
    found = refused(db, {"question": "Q"} | data)
    assert any(m.startswith(expected) for m in found), found


def test_every_problem_is_listed_at_once_in_the_order_of_the_fields(db: Any, linked: Any) -> None:
    data = full_input(
        linked,
        question="",
        asked_on="2027-01-01",
        answers=[{"body": ""}, {"body": "ok"}, {"body": "", "answered_on": "2099-01-01"}],
        notice_ids=[linked["notice"], 999],
        tags="x" * 61,
    )
    found = refused(db, data)
    assert [m.split(":")[0] for m in found] == [
        "質問", "質問日", "回答1", "回答3", "回答3", "通知", "タグ",
    ]  # fmt: skip


def test_a_refused_update_leaves_the_note_as_it_was(db: Any, linked: Any) -> None:
    note_id = create(db, full_input(linked))
    current = detail_of(db, note_id).as_input()
    bad = current | {
        "question": "書き換えた質問",
        "answers": [{"body": "新しい回答"}, *current["answers"][::-1]],
        "system_ids": [],
        "tags": "新タグ",
        "runbook_ids": [linked["runbook"], 12345],
    }
    assert refused(db, bad, note_id) == ["手順書: 登録されていない手順書です（ID 12345）"]
    assert detail_of(db, note_id).as_input() == current


def test_a_write_failing_half_way_leaves_nothing_behind(
    db: Any, linked: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    note_id = create(db, full_input(linked))
    before = fingerprint(db)

    def broken(*_args: Any) -> list[str]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(notes.tags, "set_tags", broken)  # the last step of a write
    current = detail_of(db, note_id).as_input()
    with pytest.raises(RuntimeError), db.sessions.begin() as s:
        notes.update_note(s, note_id, current | {"answers": [{"body": "新"}], "tags": ["X"]},
                          today=TODAY)  # fmt: skip
    with pytest.raises(RuntimeError), db.sessions.begin() as s:
        notes.create_note(s, full_input(linked), today=TODAY)
    assert fingerprint(db) == before


def test_an_answer_of_another_note_cannot_be_taken_over(db: Any) -> None:
    first = create(db, {"question": "Q1", "answers": [{"body": "A1"}]})
    second = create(db, {"question": "Q2", "answers": [{"body": "A2"}]})
    (a1,) = answers_input(detail_of(db, first))
    (a2,) = answers_input(detail_of(db, second))
    found = refused(db, {"answers": [a2, a1, a2]}, second)
    assert found == [
        f"回答2: この質問の回答ではありません（ID {a1['id']}）",
        f"回答3: 同じ回答が二度指定されています（ID {a2['id']}）",
    ]


def test_links_to_deleted_records_are_refused_and_disappear(db: Any, linked: Any) -> None:
    note_id = create(db, full_input(linked))
    with db.sessions.begin() as s:
        s.execute(delete(Regulation).where(Regulation.id == linked["regulation"]))
    assert detail_of(db, note_id).regulations == ()  # the link went with the record
    found = refused(db, {"regulation_ids": [linked["regulation"]]}, note_id)
    assert found == [f"法令・規程: 登録されていない法令・規程です（ID {linked['regulation']}）"]


def test_a_very_long_answer_is_kept_whole_up_to_the_limit(db: Any) -> None:
    body = ("長い回答の行です。\n" * (MAX_NOTES // 10))[:MAX_NOTES]
    note_id = create(db, {"question": "Q", "answers": [{"body": body}]})
    assert detail_of(db, note_id).answers[0].body == body


def test_a_gone_note_is_reported(db: Any) -> None:
    with pytest.raises(NotFoundError, match="Q&A（ID 404）は見つかりません"), db.sessions() as s:
        notes.update_note(s, 404, {"question": "Q"}, today=TODAY)
    with pytest.raises(NotFoundError), db.sessions() as s:
        listing.note_detail(s, 404)


# --- pasted HTML and scripts ----------------------------------------------------------------------

HOSTILE = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)"> &amp; &lt;b&gt; <b>太字</b>',
    "</textarea><iframe src=javascript:alert(1)></iframe>",
    "  インデントされた設定\n\tkey = value\r\n末尾の空白  ",
    "'; DROP TABLE knowledge_notes; --",
    "{{ 7*7 }} ${7*7} %s %(x)s \\n",
]


def test_pasted_html_and_scripts_are_stored_exactly_as_typed(db: Any) -> None:
    data = {
        "question": "<b>重要</b> <script>alert(1)</script> の扱い",
        "detail": "\n".join(HOSTILE),
        "community": "<i>コミュニティ</i>",
        "answers": [{"body": body, "answered_by": "<u>B町</u>"} for body in HOSTILE],
        "tags": ["<script>"],
    }
    note_id = create(db, data)
    d = detail_of(db, note_id)
    assert d.question == data["question"] and d.detail == data["detail"]
    assert d.community == "<i>コミュニティ</i>" and d.tags == ("<script>",)
    assert [a.body for a in d.answers] == HOSTILE
    assert {a.answered_by for a in d.answers} == {"<u>B町</u>"}
    with db.engine.connect() as conn:
        stored = conn.execute(text("SELECT body FROM knowledge_answers ORDER BY position")).all()
    assert [r[0] for r in stored] == HOSTILE
    with db.sessions() as s:
        (row,) = listing.note_rows(s, TODAY, text="<script>")
    assert row.question == data["question"]


# --- search ---------------------------------------------------------------------------------------


def test_the_global_search_finds_a_note_by_its_question_and_by_an_answer(db: Any) -> None:
    note_id = create(db, {"question": "LGWAN接続系の端末更新について",
                          "answers": [{"body": "閉域モバイルで代替できました。"}]})  # fmt: skip
    with db.sessions() as s:
        by_question = global_search(s, "端末更新")
        by_answer = global_search(s, "閉域モバイル")
        hits = {(g.kind, h.ref_id) for g in by_question.groups for h in g.hits}
        (answer_hit,) = [
            h for g in by_answer.groups if g.kind == "knowledge_answer" for h in g.hits
        ]
        assert listing.note_of_answer(s, answer_hit.ref_id) == note_id
    assert ("knowledge_note", note_id) in hits
    (answer,) = answers_input(detail_of(db, note_id))
    update(db, note_id, {"answers": [answer | {"body": "有線で更新しました。"}]})
    with db.sessions() as s:
        assert global_search(s, "閉域モバイル").total == 0
        assert global_search(s, "有線で更新").total == 1


# --- lists and review -----------------------------------------------------------------------------


def set_created(db: Any, note_id: int, at: datetime) -> None:
    with db.sessions.begin() as s:
        s.get(KnowledgeNote, note_id).created_at = at  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("reviewed_on", "months", "due_on"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2025, 3, 31), 12, date(2026, 3, 31)),
        (date(2025, 12, 15), 3, date(2026, 3, 15)),
    ],
)
def test_review_is_due_months_after_the_last_confirmation(
    db: Any, reviewed_on: date, months: int, due_on: date
) -> None:
    note_id = create(db, {"question": "Q", "reviewed_on": reviewed_on, "review_months": months})
    with db.sessions() as s:
        (row,) = listing.note_rows(s, due_on)
        assert (row.review_due_on, row.review_due) == (due_on, True)
        (early,) = listing.note_rows(s, date.fromordinal(due_on.toordinal() - 1))
        assert early.review_due is False
        assert listing.due_for_review(s, date.fromordinal(due_on.toordinal() - 1)) == []
    assert detail_of(db, note_id).review_due(due_on)


def test_without_a_confirmation_review_counts_from_the_day_the_note_was_written(db: Any) -> None:
    note_id = create(db, {"question": "Q", "review_months": 6})
    set_created(db, note_id, datetime(2025, 8, 31, 12, 0))  # UTC: 21:00 in Japan
    with db.sessions() as s:
        (row,) = listing.note_rows(s, date(2026, 2, 28))
    assert row.review_due_on == date(2026, 2, 28) and row.review_due


def test_a_note_without_an_interval_is_never_due(db: Any) -> None:
    note_id = create(db, {"question": "Q", "review_months": "", "reviewed_on": "2000-01-01"})
    with db.sessions() as s:
        (row,) = listing.note_rows(s, TODAY)
    assert (row.review_due_on, row.review_due) == (None, False)
    assert detail_of(db, note_id).review_months is None
    other = create(db, {"question": "Q2", "reviewed_on": "2000-01-01"})
    assert detail_of(db, other).review_due(TODAY)
    assert update(db, other, {"review_months": None}).review_due_on is None


def test_confirming_a_note_moves_its_review_on(db: Any) -> None:
    late = create(db, {"question": "古い", "reviewed_on": "2025-01-31", "review_months": 1})
    later = create(db, {"question": "より古い", "reviewed_on": "2024-12-01", "review_months": 1})
    create(db, {"question": "新しい", "reviewed_on": "2026-04-30", "review_months": 1})
    with db.sessions() as s:
        assert [r.id for r in listing.due_for_review(s, TODAY)] == [later, late]
    with db.sessions.begin() as s:
        assert notes.confirm_still_true(s, late, TODAY) == date(2026, 6, 1)
    with db.sessions() as s:
        assert [r.id for r in listing.due_for_review(s, TODAY)] == [later]
        assert [r.id for r in listing.note_rows(s, TODAY, due_only=True)] == [later]
        assert listing.note_detail(s, late).reviewed_on == TODAY


def test_the_list_filters_by_words_and_by_tag_in_a_few_queries(db: Any) -> None:
    first = create(db, {"question": "ファイルサーバの容量", "community": "県ICT部会",
                        "answers": [{"body": "NASを増設", "answered_by": "C村"}],
                        "tags": ["AWS", "ストレージ"], "asked_on": "2026-03-01"})  # fmt: skip
    second = create(db, {"question": "100%の稼働率？", "tags": "セキュリティ",
                         "asked_on": "2026-04-01"})  # fmt: skip
    third = create(db, {"question": "未回答の質問"})
    with db.sessions() as s, selects(db) as seen:
        rows = listing.note_rows(s, TODAY)
    assert [r.id for r in rows] == [second, first, third] and len(seen) == 2
    first_row = rows[1]
    assert (first_row.answer_count, first_row.tags, first_row.confidence_label) == (
        1, ("AWS", "ストレージ"), "おそらく正しい",
    )  # fmt: skip
    with db.sessions() as s:

        def ids(**filters: Any) -> list[int]:
            return [r.id for r in listing.note_rows(s, TODAY, **filters)]

        assert ids(text="NAS") == [first]  # only in an answer
        assert ids(text="c村") == [first]  # an answerer, any case
        assert ids(text="ICT部会 容量") == [first]  # every word
        assert ids(text="ICT部会 稼働率") == []
        assert ids(text="ストレージ") == [first]  # a tag
        assert ids(text="100%") == [second] and ids(text="%") == [second]
        assert ids(text="_") == []
        assert ids(tag="aws") == [first] and ids(tag="#セキュリティ") == [second]
        assert ids(tag="ない") == [] and ids(tag=" ") == [second, first, third]


def test_deleting_a_note_deletes_its_answers_and_tells_the_linked_records(
    db: Any, linked: Any
) -> None:
    note_id = create(db, full_input(linked))
    answer_ids = [a.id for a in detail_of(db, note_id).answers]
    with db.sessions.begin() as s:
        notes.delete_note(s, note_id)
    with db.sessions() as s:
        assert s.get(KnowledgeNote, note_id) is None
        assert all(s.get(KnowledgeAnswer, i) is None for i in answer_ids)
        assert describe_history(s, "runbooks", linked["runbook"])[0].action == "関連付けを解除"
        assert describe_history(s, "knowledge_answers", answer_ids[0])[0].action == "削除"
        assert len(list(s.scalars(select(Tag)))) == 3  # tags stay (app.services.tags tidies)
        assert global_search(s, "冗長化").total == 0
