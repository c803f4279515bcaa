"""Tags on notices and Q&A notes: normalising typed names, one tag per casefolded name,
links with history on both records, completion counts, renaming, merging and tidying."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, func, select

from app.services import tags
from app.services.errors import NotFoundError, ValidationError
from app.services.history import describe_history
from app.store.models import ChangeLogEntry, KnowledgeNote, Notice, Tag


@pytest.fixture
def records(db: Any) -> dict[str, int]:
    with db.sessions.begin() as s:
        one, two = Notice(issuer="総務省", title="通知一"), Notice(issuer="総務省", title="通知二")
        note = KnowledgeNote(question="ガバクラの接続はどうする？")
        s.add_all([one, two, note])
        s.flush()
        return {"notice": one.id, "notice2": two.id, "note": note.id}


@contextmanager
def statements(db: Any) -> Iterator[list[str]]:
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


def tag_names(db: Any) -> list[str]:
    with db.sessions() as s:
        return list(s.scalars(select(Tag.name).order_by(Tag.name)))


# --- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("標準化", "標準化"),
        ("  ＃ＡＷＳ  ", "AWS"),
        ("#ガバクラ", "ガバクラ"),
        ("# セキュリティ", "セキュリティ"),
        ("Microsoft\u3000\u3000365", "Microsoft 365"),
        ("ｶﾞﾊﾞｸﾗ", "ガバクラ"),
        ("C#", "C#"),
        ("x" * 60, "x" * 60),
    ],
)
def test_a_typed_name_is_normalised(typed: str, name: str) -> None:
    assert tags.normalise_tag(typed) == name


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "タグを入力してください"),
        ("   ", "タグを入力してください"),
        ("＃", "タグを入力してください"),
        ("x" * 61, "タグは60文字以内で入力してください（61文字）"),
        ("標準化,ガバクラ", "区切りの文字"),
        ("a\x00b", "制御文字"),
    ],
)
def test_a_name_that_cannot_be_a_tag_is_refused_in_japanese(typed: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        tags.normalise_tag(typed)


def test_a_typed_list_is_split_at_commas_and_semicolons_not_at_spaces() -> None:
    typed = "標準化、ガバクラ, #AWS；aws，Microsoft 365;\nＡＷＳ 、、 ; ＃"
    assert tags.parse_tags(typed) == ["標準化", "ガバクラ", "AWS", "Microsoft 365"]
    assert tags.parse_tags("") == [] and tags.parse_tags(" 、, ") == []


def test_every_bad_name_of_a_list_is_named() -> None:
    with pytest.raises(ValueError) as info:
        tags.parse_tags(f"標準化、{'長' * 61}、{'x' * 70}")
    lines = str(info.value).splitlines()
    assert len(lines) == 2 and "61文字" in lines[0] and "70文字" in lines[1]


# --- tags on a record --------------------------------------------------------------------------


def test_set_tags_creates_links_and_keeps_the_existing_spelling(db: Any, records: Any) -> None:
    with db.sessions.begin() as s:
        assert tags.set_tags(s, "notice", records["notice"], ["AWS", "標準化"]) == ["AWS", "標準化"]
    with db.sessions.begin() as s:
        names = tags.set_tags(s, "knowledge_note", records["note"], ["aws", "ＡＷＳ", "#ガバクラ"])
    assert names == ["AWS", "ガバクラ"]
    assert tag_names(db) == ["AWS", "ガバクラ", "標準化"]
    with db.sessions() as s:
        assert tags.tags_of(s, "knowledge_note", [records["note"]]) == {
            records["note"]: ["AWS", "ガバクラ"]
        }


def test_set_tags_removes_what_is_not_named_and_writes_history_on_both(
    db: Any, records: Any
) -> None:
    with db.sessions.begin() as s:
        tags.set_tags(s, "notice", records["notice"], ["AWS", "標準化"])
    with db.sessions.begin() as s:
        assert tags.set_tags(s, "notice", records["notice"], ["標準化"]) == ["標準化"]
        aws = s.scalars(select(Tag).where(Tag.name == "AWS")).one()
        on_notice = describe_history(s, "notices", records["notice"])
        on_tag = describe_history(s, "tags", aws.id)
    linked = [(h.action, h.field, h.after or h.before) for h in on_notice if h.field == "タグ"]
    assert ("関連付け", "タグ", f"AWS（ID {aws.id}）") in linked
    assert ("関連付けを解除", "タグ", f"AWS（ID {aws.id}）") in linked
    assert [h.action for h in on_tag if h.field == "通知"] == ["関連付けを解除", "関連付け"]
    assert tag_names(db) == ["AWS", "標準化"]  # an unused tag stays until tidied


def test_set_tags_refuses_bad_names_and_writes_nothing(db: Any, records: Any) -> None:
    with db.sessions() as s:
        before = s.scalar(select(func.count()).select_from(ChangeLogEntry))
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        tags.set_tags(s, "notice", records["notice"], ["新しいタグ", "x" * 61])
    assert info.value.errors[0].label == "タグ" and "61文字" in info.value.errors[0].message
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ChangeLogEntry)) == before
    assert tag_names(db) == []


def test_set_tags_on_a_gone_record_or_an_untagged_kind(db: Any, records: Any) -> None:
    with pytest.raises(NotFoundError, match="通知（ID 999）は見つかりません"), db.sessions() as s:
        tags.set_tags(s, "notice", 999, ["標準化"])
    with pytest.raises(ValueError), db.sessions() as s:
        tags.set_tags(s, "asset", 1, ["標準化"])


def test_tags_of_reads_many_records_in_one_query(db: Any, records: Any) -> None:
    with db.sessions.begin() as s:
        tags.set_tags(s, "notice", records["notice"], ["標準化", "AWS"])
        tags.set_tags(s, "notice", records["notice2"], ["AWS"])
    with db.sessions() as s, statements(db) as seen:
        found = tags.tags_of(s, "notice", [records["notice"], records["notice2"], 999])
    assert found == {records["notice"]: ["AWS", "標準化"], records["notice2"]: ["AWS"], 999: []}
    assert len(seen) == 1
    with db.sessions() as s:
        assert tags.tags_of(s, "notice") == {
            records["notice"]: ["AWS", "標準化"],
            records["notice2"]: ["AWS"],
        }


def test_all_tags_counts_uses_across_kinds_most_used_first(db: Any, records: Any) -> None:
    with db.sessions.begin() as s:
        tags.set_tags(s, "notice", records["notice"], ["標準化", "AWS"])
        tags.set_tags(s, "notice", records["notice2"], ["AWS"])
        tags.set_tags(s, "knowledge_note", records["note"], ["aws", "ガバクラ"])
        s.add(Tag(name="未使用"))
    with db.sessions() as s:
        assert tags.all_tags(s) == [("AWS", 3), ("ガバクラ", 1), ("標準化", 1), ("未使用", 0)]


# --- renaming, merging, tidying ----------------------------------------------------------------


def test_rename_changes_the_name_everywhere_at_once(db: Any, records: Any) -> None:
    with db.sessions.begin() as s:
        tags.set_tags(s, "notice", records["notice"], ["aws"])
        tags.set_tags(s, "knowledge_note", records["note"], ["aws"])
    with db.sessions.begin() as s:
        assert tags.rename_tag(s, "AWS", "Amazon Web Services") == "Amazon Web Services"
    with db.sessions.begin() as s:
        assert tags.rename_tag(s, "amazon web services", "ＡＭＡＺＯＮ web services") == (
            "AMAZON web services"
        )  # a change of case only is a rename, not a merge
        tag = s.scalars(select(Tag)).one()
        changes = [(h.before, h.after) for h in describe_history(s, "tags", tag.id)
                   if h.action == "変更"]  # fmt: skip
        assert tags.tags_of(s, "notice", [records["notice"]])[records["notice"]] == [
            "AMAZON web services"
        ]
    assert changes[-1] == ("aws", "Amazon Web Services")


def test_rename_onto_an_existing_tag_merges_the_two(db: Any, records: Any) -> None:
    with db.sessions.begin() as s:
        tags.set_tags(s, "notice", records["notice"], ["ガバクラ"])
        tags.set_tags(s, "notice", records["notice2"], ["ガバクラ", "ガバメントクラウド"])
        tags.set_tags(s, "knowledge_note", records["note"], ["ガバクラ"])
        old_id = s.scalars(select(Tag.id).where(Tag.name == "ガバクラ")).one()
    with db.sessions.begin() as s:
        assert tags.rename_tag(s, "#ガバクラ", "ガバメントクラウド") == "ガバメントクラウド"
    assert tag_names(db) == ["ガバメントクラウド"]
    with db.sessions() as s:
        assert tags.tags_of(s, "notice") == {
            records["notice"]: ["ガバメントクラウド"],
            records["notice2"]: ["ガバメントクラウド"],
        }
        assert tags.tags_of(s, "knowledge_note") == {records["note"]: ["ガバメントクラウド"]}
        history = describe_history(s, "knowledge_notes", records["note"])
        on_note = [(h.action, h.before or h.after) for h in history if h.field == "タグ"]
        assert on_note[0][0] == "関連付け" and on_note[0][1].startswith("ガバメントクラウド")
        assert on_note[1] == ("関連付けを解除", f"ガバクラ（ID {old_id}）")
        assert describe_history(s, "tags", old_id)[0].action == "削除"


def test_rename_refuses_a_missing_tag_or_a_bad_name(db: Any, records: Any) -> None:
    with db.sessions.begin() as s:
        tags.set_tags(s, "notice", records["notice"], ["標準化"])
    with pytest.raises(NotFoundError, match="タグ「ない」は見つかりません"), db.sessions() as s:
        tags.rename_tag(s, "ない", "ある")
    with pytest.raises(ValidationError, match="タグを入力してください"), db.sessions() as s:
        tags.rename_tag(s, "標準化", "  ")
    assert tag_names(db) == ["標準化"]


def test_delete_unused_tags_leaves_those_in_use(db: Any, records: Any) -> None:
    with db.sessions.begin() as s:
        tags.set_tags(s, "notice", records["notice"], ["標準化", "AWS"])
        tags.set_tags(s, "knowledge_note", records["note"], ["ガバクラ"])
        s.add_all([Tag(name="古いタグ"), Tag(name="未使用")])
    with db.sessions.begin() as s:
        tags.set_tags(s, "notice", records["notice"], ["標準化"])
    with db.sessions.begin() as s:
        assert tags.delete_unused_tags(s) == ["AWS", "古いタグ", "未使用"]
    assert tag_names(db) == ["ガバクラ", "標準化"]
    with db.sessions.begin() as s:
        assert tags.delete_unused_tags(s) == []
