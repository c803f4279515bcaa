"""The issuers offered to a notice (a saved list, the starter list until then) and the
rename that unifies how an issuer is written: validated, all or nothing, with history."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from sqlalchemy import select, text

from app.services.errors import ValidationError
from app.services.notices import issuers, tracker
from app.store.models import ChangeLogEntry, Notice, Setting


def add(db: Any, issuer: str, title: str, issued_on: Any = "2026-04-01", **data: Any) -> int:
    with db.sessions.begin() as s:
        values = {"issuer": issuer, "title": title, "issued_on": issued_on} | data
        return tracker.create_notice(s, values).id


def messages(info: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [e.message for e in info.value.errors]


def fingerprint(db: Any) -> str:
    """The notices, the settings and the size of the history."""
    with db.engine.connect() as conn:
        state = [conn.execute(text(f"SELECT * FROM {t} ORDER BY 1")).all()
                 for t in ("notices", "settings")]  # fmt: skip
        state.append(conn.execute(text("SELECT count(*) FROM change_log")).all())
    return hashlib.sha256(repr(state).encode()).hexdigest()


# --- the saved list --------------------------------------------------------------------------


def test_the_starter_list_until_one_is_saved_and_an_empty_list_is_kept(db: Any) -> None:
    with db.sessions() as s:
        assert issuers.load_issuer_list(s) == issuers.STARTER_ISSUERS
        assert issuers.offered_issuers(s) == list(issuers.STARTER_ISSUERS)
    with db.sessions.begin() as s:
        assert issuers.save_issuer_list(s, []) == ()
    with db.sessions() as s:
        assert issuers.load_issuer_list(s) == ()
        s.get(Setting, issuers.SETTING_KEY).value = {"names": "壊れた値"}  # type: ignore[union-attr]
        assert issuers.load_issuer_list(s) == issuers.STARTER_ISSUERS


def test_saving_trims_normalises_spaces_and_drops_blanks_and_repeats(db: Any) -> None:
    lines = ["  デジタル庁 ", "", "総務省\u3000自治行政局", "   ", "デジタル庁",
             "総務省  自治行政局", "○○県 情報政策課"]  # fmt: skip
    with db.sessions.begin() as s:
        saved = issuers.save_issuer_list(s, lines)
    assert saved == ("デジタル庁", "総務省 自治行政局", "○○県 情報政策課")
    with db.sessions() as s:
        stored = s.get(Setting, issuers.SETTING_KEY)
        assert stored is not None and stored.value == {"names": list(saved)}
        assert issuers.load_issuer_list(s) == saved


def test_a_bad_list_names_each_bad_line_and_nothing_is_saved(db: Any) -> None:
    before = fingerprint(db)
    lines = ["デジタル庁", "省" * 101, "", "厚生労働省", "局" * 150]
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        issuers.save_issuer_list(s, lines)
    assert messages(info) == [
        "2行目: 100文字以内にしてください（101文字）",
        "5行目: 100文字以内にしてください（150文字）",
    ]
    assert "発出元の一覧: 2行目" in str(info.value)
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        issuers.save_issuer_list(s, ["", *(f"発出元{n}" for n in range(201))])
    assert messages(info) == ["202行目: 発出元は200件までです（ここで201件目）"]
    with db.sessions.begin() as s:  # 200 names, and repeats that do not count
        assert len(issuers.save_issuer_list(s, [f"発出元{n % 200}" for n in range(300)])) == 200
    with pytest.raises(ValidationError):
        issuers.clean_issuer_list(["デジタル庁", 3])
    assert fingerprint(db) != before  # (the valid list above was saved)


def test_the_issuers_in_use_come_first_most_used_first_then_the_list(db: Any) -> None:
    add(db, "デジタル庁", "a")
    add(db, "○○県 情報政策課", "b")
    add(db, "○○県 情報政策課", "c")
    with db.sessions.begin() as s:
        issuers.save_issuer_list(s, ["内閣府", "デジタル庁", "厚生労働省"])
    with db.sessions() as s:
        assert issuers.offered_issuers(s) == [
            "○○県 情報政策課", "デジタル庁", "内閣府", "厚生労働省",
        ]  # fmt: skip
        assert [(u.name, u.count) for u in issuers.issuers_in_use(s)] == [
            ("○○県 情報政策課", 2), ("デジタル庁", 1),
        ]  # fmt: skip


# --- 表記の統一 ------------------------------------------------------------------------------


def test_a_rename_changes_every_notice_and_the_list_with_history(db: Any) -> None:
    a = add(db, "総務省自治行政局", "標準化について")
    b = add(db, "総務省自治行政局", "照会", issued_on=None)
    feed = add(db, "総務省自治行政局", "新着")
    with db.sessions.begin() as s:
        s.get(Notice, feed).feed_guid = "https://www.soumu.go.jp/1"  # type: ignore[union-attr]
    other = add(db, "デジタル庁", "標準化について")
    with db.sessions.begin() as s:
        issuers.save_issuer_list(s, ["デジタル庁", "総務省自治行政局", "内閣府"])
    with db.sessions.begin() as s:
        assert issuers.rename_issuer(s, "総務省自治行政局", " 総務省\u3000自治行政局 ") == 3
    with db.sessions() as s:
        renamed = {n.id: n.issuer for n in s.scalars(select(Notice))}
        assert renamed == {a: "総務省 自治行政局", b: "総務省 自治行政局",
                           feed: "総務省 自治行政局", other: "デジタル庁"}  # fmt: skip
        assert issuers.load_issuer_list(s) == ("デジタル庁", "総務省 自治行政局", "内閣府")
        history = s.execute(
            select(ChangeLogEntry.row_id, ChangeLogEntry.old_value, ChangeLogEntry.new_value)
            .where(ChangeLogEntry.table_name == "notices", ChangeLogEntry.field == "issuer")
            .order_by(ChangeLogEntry.row_id)
        ).all()
    assert history == [
        (str(i), "総務省自治行政局", "総務省 自治行政局") for i in sorted((a, b, feed), key=str)
    ]


def test_a_rename_merges_into_an_issuer_in_use_and_into_its_line(db: Any) -> None:
    add(db, "デジタル庁", "a")
    add(db, "ﾃﾞｼﾞﾀﾙ庁", "b")
    with db.sessions.begin() as s:
        issuers.save_issuer_list(s, ["ﾃﾞｼﾞﾀﾙ庁", "内閣府", "デジタル庁"])
    with db.sessions.begin() as s:
        assert issuers.rename_issuer(s, "ﾃﾞｼﾞﾀﾙ庁", "デジタル庁") == 1
    with db.sessions() as s:
        assert [(u.name, u.count) for u in issuers.issuers_in_use(s)] == [("デジタル庁", 2)]
        assert issuers.load_issuer_list(s) == ("デジタル庁", "内閣府")


def test_a_rename_to_the_same_name_or_of_an_unknown_name_is_refused(db: Any) -> None:
    add(db, "デジタル庁", "a")
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        issuers.rename_issuer(s, "デジタル庁", " デジタル庁 ")
    assert messages(info) == ["今の表記と同じです"]
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        issuers.rename_issuer(s, "どこにもない庁", "デジタル庁")
    assert messages(info) == ["「どこにもない庁」を発出元とする通知はありません"]
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        issuers.rename_issuer(s, "", "庁" * 101)
    assert {e.field: e.message for e in info.value.errors} == {
        "old": "必須です", "new": "100文字以内で入力してください（101文字）",
    }  # fmt: skip
    with db.sessions.begin() as s:  # only in the list: the list is renamed
        assert issuers.rename_issuer(s, "内閣府", "内閣府 地方創生推進事務局") == 0
        assert "内閣府 地方創生推進事務局" in issuers.load_issuer_list(s)


def test_a_rename_that_would_make_two_notices_one_is_refused_and_changes_nothing(
    db: Any,
) -> None:
    first = add(db, "総務省", "標準化について")
    second = add(db, "総務省", "照会", issued_on=None)
    add(db, "総務省", "別の日", issued_on="2026-04-02")
    keep = add(db, "総務省 自治行政局", "標準化について")
    undated = add(db, "総務省 自治行政局", "照会", issued_on=None)
    add(db, "総務省 自治行政局", "別の日", issued_on="2026-04-03")  # another day: no clash
    before = fingerprint(db)
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        issuers.rename_issuer(s, "総務省", "総務省 自治行政局")
    (message,) = messages(info)
    assert message.startswith("置き換えると同じ発出元・発出日・件名の通知が重なります: ")
    assert f"「照会」（発出日なし、ID {second} と ID {undated}）" in message
    assert f"「標準化について」（2026-04-01、ID {first} と ID {keep}）" in message
    assert "別の日" not in message
    assert fingerprint(db) == before
    with db.sessions() as s:
        assert s.scalar(select(Notice.issuer).where(Notice.id == first)) == "総務省"
