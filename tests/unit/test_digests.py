"""Digests (app.services.digests): what a period holds (notices, regulation versions,
Q&A notes inside and outside it, its bounds included), each with its lines, link,
deadlines and topic (first tag, the rule's short name, else the section); a few queries
whatever the number of records; the next period after a kept digest; keeping one
(every refusal, an empty one included, leaving nothing behind); reading it back with a
deleted record shown as gone; the text and HTML outputs (escaped, 和暦 deadlines, mail
lines of 72 columns, links only for http and https) and the choice of output by suffix."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import event, func, select

from app.errors import UserError
from app.services.digests.compose import candidates, compose_content, describe
from app.services.digests.content import GONE, Candidate, Content, Item, Topic
from app.services.digests.render import (
    WIDTH,
    as_html,
    as_text,
    display_width,
    wrap,
    write_digest,
)
from app.services.digests.store import (
    EMPTY,
    create_digest,
    digest_content,
    items_of,
    list_digests,
    next_period,
)
from app.services.errors import NotFoundError, ValidationError
from app.store.models import (
    Digest,
    DigestItem,
    KnowledgeAnswer,
    KnowledgeNote,
    Notice,
    NoticeDeadline,
    Regulation,
    RegulationVersion,
    Tag,
    knowledge_note_tags,
    notice_tags,
)

START, END = date(2026, 4, 1), date(2026, 4, 7)  # 令和8年4月1日（水）〜4月7日（火）
SCRIPT = "<script>alert(1)</script>"
MADE = datetime(2026, 4, 8, 9, 0)


def noon(day: date) -> datetime:
    """A UTC stamp on ``day`` in any time zone within ±11 hours."""
    return datetime(day.year, day.month, day.day, 12, 0)


def fill(db: Any) -> dict[str, int]:
    """Records inside and outside the period 2026-04-01 … 2026-04-07; name → id."""
    with db.sessions.begin() as s:
        std, sec = Tag(name="標準化"), Tag(name="セキュリティ")
        rule = Regulation(
            title="地方公共団体における情報セキュリティポリシーに関するガイドライン",
            short_name="セキュリティGL",
            url="https://www.soumu.go.jp/gl/",
        )
        plain_rule = Regulation(title="個人情報の保護に関する法律", url="file:///c:/law.pdf")
        records: dict[str, Any] = {
            "first_day": Notice(
                issuer="デジタル庁", doc_number="デジ地第613号", kind="irai", status="acting",
                issued_on=START, url="https://www.digital.go.jp/x?a=1&b=2",
                title="標準準拠システムへの移行に係る進捗状況調査について（依頼）" + SCRIPT,
                summary="移行の進捗を回答してください。\n二行目"),
            "last_day": Notice(issuer="総務省", issued_on=END, title="セキュリティ研修の案内",
                               url="javascript:alert(1)"),
            "undated_in": Notice(issuer="県", title="日付のない事務連絡", kind="jimurenraku",
                                 created_at=noon(date(2026, 4, 3))),
            "before": Notice(issuer="総務省", issued_on=date(2026, 3, 31), title="前の週の通知",
                             created_at=noon(date(2026, 4, 2))),
            "after": Notice(issuer="総務省", issued_on=date(2026, 4, 8), title="次の週の通知"),
            "undated_out": Notice(issuer="県", title="前に入れた事務連絡",
                                  created_at=noon(date(2026, 3, 20))),
            "rule": rule,
            "plain_rule": plain_rule,
            "note_in": KnowledgeNote(
                question="接続回線の費用は誰が負担しますか", community="オンライン市役所",
                thread_url="https://example.jp/t/1", created_at=noon(date(2026, 4, 2))),
            "note_reviewed": KnowledgeNote(
                question="古いQ&A（見直した）", reviewed_on=date(2026, 4, 7),
                created_at=noon(date(2025, 1, 10))),
            "note_out": KnowledgeNote(question="期間外のQ&A", created_at=noon(date(2026, 3, 1))),
        }  # fmt: skip
        s.add_all([std, sec, *records.values()])
        s.flush()
        ids = {name: r.id for name, r in records.items()}
        versions = {
            "revised_in": RegulationVersion(
                regulation_id=rule.id, label="令和8年4月版", revised_on=date(2026, 4, 2),
                effective_on=date(2026, 10, 1), changes="クラウド利用の記述を追加",
                requirements="ポリシーを見直す", notice_id=ids["last_day"]),
            "effective_in": RegulationVersion(
                regulation_id=plain_rule.id, label="令和7年改正", revised_on=date(2025, 6, 1),
                effective_on=date(2026, 4, 1)),
            "version_out": RegulationVersion(
                regulation_id=rule.id, label="令和7年版", revised_on=date(2025, 3, 28),
                effective_on=date(2025, 4, 1)),
        }  # fmt: skip
        s.add_all(versions.values())
        s.flush()
        ids |= {name: v.id for name, v in versions.items()}
        s.add_all([
            NoticeDeadline(notice_id=ids["first_day"], kind="reply", deadline=date(2026, 5, 22),
                           changed_at=datetime(2026, 4, 1)),  # superseded
            NoticeDeadline(notice_id=ids["first_day"], kind="reply", deadline=date(2026, 5, 29),
                           is_current=True, changed_at=datetime(2026, 4, 2)),
            NoticeDeadline(notice_id=ids["first_day"], kind="effective", deadline=date(2026, 4, 20),
                           is_current=True),
            NoticeDeadline(notice_id=ids["last_day"], kind="action", deadline=None,
                           is_current=True),  # withdrawn
            KnowledgeAnswer(note_id=ids["note_in"], position=2, body="二番目の回答"),
            KnowledgeAnswer(note_id=ids["note_in"], position=1, body="各団体の負担です。",
                            answered_by="A町"),
        ])  # fmt: skip
        s.execute(notice_tags.insert(), [
            {"notice_id": ids["first_day"], "tag_id": std.id},
            {"notice_id": ids["first_day"], "tag_id": sec.id},
            {"notice_id": ids["undated_in"], "tag_id": std.id},
        ])  # fmt: skip
        s.execute(knowledge_note_tags.insert(), [{"knowledge_note_id": ids["note_in"],
                                                  "tag_id": std.id}])  # fmt: skip
    return ids


def by_ref(found: list[Candidate]) -> dict[tuple[str, int], Candidate]:
    return {(c.ref_kind, c.ref_id): c for c in found}


def test_a_period_holds_what_was_issued_made_or_entered_in_it(db: Any, session: Any) -> None:
    ids = fill(db)
    found = candidates(session, START, END)
    assert [(c.ref_kind, c.ref_id) for c in found] == [
        ("notice", ids["first_day"]),  # 4/1 (issued on the first day)
        ("notice", ids["undated_in"]),  # 4/3 (entered, no issue date)
        ("notice", ids["last_day"]),  # 4/7 (issued on the last day)
        ("regulation_version", ids["effective_in"]),  # in force 4/1
        ("regulation_version", ids["revised_in"]),  # made 4/2
        ("knowledge_note", ids["note_in"]),  # entered 4/2
        ("knowledge_note", ids["note_reviewed"]),  # confirmed again 4/7
    ]
    only = candidates(session, START, END, ["knowledge_note"])
    assert {c.ref_kind for c in only} == {"knowledge_note"}
    assert candidates(session, date(2026, 4, 9), date(2026, 4, 30)) == []
    with pytest.raises(UserError, match="notices"):
        candidates(session, START, END, ["notices"])
    with pytest.raises(UserError, match="より前"):
        candidates(session, END, START)


def test_what_each_candidate_says(db: Any, session: Any) -> None:
    ids = fill(db)
    found = by_ref(candidates(session, START, END))
    notice = found[("notice", ids["first_day"])]
    assert notice.kind_label == "依頼・照会"
    assert notice.lines == (
        "デジタル庁　デジ地第613号　令和8年4月1日（水）発出",
        "状態: 対応中",
        "概要: 移行の進捗を回答してください。 二行目",
    )
    assert [d.text for d in notice.deadlines] == [  # current ones, by kind; none superseded
        "回答期限: 令和8年5月29日（金）",
        "施行日: 令和8年4月20日（月）",
    ]
    assert found[("notice", ids["last_day"])].deadlines == ()  # withdrawn: no date
    version = found[("regulation_version", ids["revised_in"])]
    assert version.title.endswith("ガイドライン（令和8年4月版）")
    assert "改定内容: クラウド利用の記述を追加" in version.lines
    assert "関連する通知: セキュリティ研修の案内（総務省）" in version.lines
    assert [d.text for d in version.deadlines] == ["施行日: 令和8年10月1日（木）"]
    assert version.url == "https://www.soumu.go.jp/gl/"
    note = found[("knowledge_note", ids["note_in"])]
    assert note.lines == ("情報源: オンライン市役所", "回答（A町）: 各団体の負担です。")
    assert note.url == "https://example.jp/t/1"
    reviewed = found[("knowledge_note", ids["note_reviewed"])]
    assert reviewed.lines == ("回答: （まだありません）", "確認日: 令和8年4月7日（火）")


def test_topics_come_from_tags_rules_or_sections(db: Any, session: Any) -> None:
    ids = fill(db)
    found = by_ref(candidates(session, START, END))
    topic = {name: found[(kind, ids[name])].topic for kind, name in [
        ("notice", "first_day"), ("notice", "undated_in"), ("notice", "last_day"),
        ("regulation_version", "revised_in"), ("regulation_version", "effective_in"),
        ("knowledge_note", "note_in"), ("knowledge_note", "note_reviewed")]}  # fmt: skip
    assert topic == {
        "first_day": "セキュリティ",  # two tags: the first by name
        "undated_in": "標準化",
        "last_day": "通知・事務連絡",  # no tag: its section
        "revised_in": "セキュリティGL",  # the rule's short name
        "effective_in": "法令・規程",  # no short name
        "note_in": "標準化",
        "note_reviewed": "Q&A・ナレッジ",
    }
    content = compose_content("今週", START, END, "", list(found.values()))
    assert [t.name for t in content.topics] == [
        "セキュリティ", "標準化", "通知・事務連絡", "法令・規程", "セキュリティGL", "Q&A・ナレッジ",
    ]  # fmt: skip
    assert [i.ref_id for i in content.topics[1].items] == [ids["undated_in"], ids["note_in"]]


def test_a_few_queries_whatever_the_number_of_records(db: Any) -> None:
    fill(db)
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    def queries() -> tuple[int, int]:
        statements.clear()
        with db.sessions() as s:
            found = len(candidates(s, START, END))
        return found, len(statements)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        found, few = queries()
        with db.sessions.begin() as s:
            for n in range(30):
                notice = Notice(issuer="総務省", issued_on=START, title=f"通知 {n}")
                s.add(notice)
                s.flush()
                s.add(NoticeDeadline(notice_id=notice.id, kind="reply", deadline=END,
                                     is_current=True))  # fmt: skip
        assert queries() == (found + 30, few)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert few <= 8, statements  # notices 3, versions 1, notes 3, and BEGIN


def test_the_next_period_starts_after_the_last_kept_digest(db: Any) -> None:
    today = date(2026, 4, 15)

    def period(length: str = "week") -> tuple[date, date]:
        with db.sessions() as s:
            return next_period(s, today, length)

    assert period() == (date(2026, 4, 8), date(2026, 4, 14))  # none kept: the week before
    assert period("month") == (date(2026, 3, 15), date(2026, 4, 14))
    ids = fill(db)
    with db.sessions.begin() as s:
        create_digest(
            s, "第1号", START, END, ["notice"], "", [("notice", ids["first_day"], "", "")]
        )
    assert period() == (date(2026, 4, 8), date(2026, 4, 14))
    assert period("month") == (date(2026, 4, 8), date(2026, 5, 7))
    with db.sessions.begin() as s:
        create_digest(s, "第2号", date(2026, 4, 8), date(2026, 4, 30), [], "ひとこと", [])
    assert period("month") == (date(2026, 5, 1), date(2026, 5, 31))
    with pytest.raises(ValueError):
        period("year")


def refusal(db: Any, *args: Any) -> str:
    """The message of create_digest(*args) refused in a transaction of its own; nothing
    may be left behind."""
    with pytest.raises(ValidationError) as refused, db.sessions.begin() as s:
        create_digest(s, *args)
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Digest)) == 0
        assert s.scalar(select(func.count()).select_from(DigestItem)) == 0
    return str(refused.value)


def test_keeping_a_digest_is_checked_first(db: Any) -> None:
    ids = fill(db)
    item = ("notice", ids["first_day"], "標準化", "")
    assert refusal(db, " ", START, END, [], "x", [item]) == "件名: 入力してください"
    assert "200文字以内" in refusal(db, "あ" * 201, START, END, [], "x", [item])
    assert "期間の終わり: 期間の始め（2026-04-07）より前です" in refusal(
        db, "件名", END, START, [], "x", [item]
    )
    assert "知らない種類です: notices" in refusal(db, "件名", START, END, ["notices"], "", [item])
    missing = refusal(db, "件名", START, END, [], "", [item, ("knowledge_note", 999, "", "")])
    assert missing == "項目: Q&A（ID 999）が見つかりません（削除されたかもしれません）"
    assert "2回あります" in refusal(db, "件名", START, END, [], "", [item, item])
    assert "トピックは60文字以内" in refusal(
        db, "件名", START, END, [], "", [("notice", ids["first_day"], "長" * 61, "")]
    )
    assert "知らない種類の記録です: task" in refusal(
        db, "件名", START, END, [], "", [("task", 1, "", "")]
    )


def test_an_empty_digest_is_refused(db: Any, session: Any) -> None:
    assert refusal(db, "件名", START, END, ["notice"], "  \n", []) == f"項目: {EMPTY}"
    assert EMPTY == "この期間に載せるものがありません"
    # In the caller's session: nothing added, nothing pending.
    with pytest.raises(ValidationError):
        create_digest(session, "件名", START, END, [], "", [])
    assert not session.new


def test_a_kept_digest_reads_back_with_a_deleted_record_gone(db: Any, session: Any) -> None:
    ids = fill(db)
    with db.sessions.begin() as s:
        content = compose_content(
            "第1号", START, END, "今週は移行の調査があります。",
            candidates(s, START, END),
            comments={("notice", ids["last_day"]): "全員受講してください"},
        )  # fmt: skip
        digest = create_digest(s, content.title, START, END, ["notice", "knowledge_note"],
                               content.intro, items_of(content))  # fmt: skip
        digest_id = digest.id
    with db.sessions.begin() as s:
        s.delete(s.get(Notice, ids["undated_in"]))
    kept = digest_content(session, digest_id)
    assert kept.digest_id == digest_id and kept.sections == ("notice", "knowledge_note")
    assert [t.name for t in kept.topics] == [t.name for t in content.topics]
    standard = next(t for t in kept.topics if t.name == "標準化")
    gone = standard.items[0]
    assert (gone.ref_kind, gone.ref_id, gone.gone) == ("notice", ids["undated_in"], True)
    assert gone.title == GONE == "（削除された記録）" and gone.kind_label == "通知"
    assert standard.items[1].title == "接続回線の費用は誰が負担しますか"
    last = next(i for i in kept.items if i.ref_id == ids["last_day"] and i.ref_kind == "notice")
    assert last.comment == "全員受講してください"
    assert GONE in as_text(kept) and GONE in as_html(kept)
    summaries = list_digests(session)
    assert [(d.id, d.title, d.items) for d in summaries] == [(digest_id, "第1号", 7)]
    assert summaries[0].period_text == "令和8年4月1日（水）〜令和8年4月7日（火）"
    with pytest.raises(NotFoundError):
        digest_content(session, digest_id + 1)
    assert describe(session, [("notice", ids["undated_in"])]) == {}


def sample() -> Content:
    from app.services.digests.content import Deadline

    item = Item("notice", 1, "通知", "研修の案内" + SCRIPT,
                ("総務省　総行情第12号　令和8年4月3日（金）発出",
                 "概要: " + "とても長い概要の文章が続きます、" * 8),
                "https://www.soumu.go.jp/menu/" + "a" * 80 + "?x=1&y=<2>",
                (Deadline("回答期限", date(2026, 5, 29)),), comment="<b>全員</b>必読")  # fmt: skip
    bad = Item("knowledge_note", 2, "Q&A", "リンクが危ないQ&A", url="javascript:alert('x')")
    return Content("今週の<ダイジェスト>", START, END, "一行目 & <i>\n二行目",
                   (Topic("標準化<script>", (item,)), Topic("Q&A・ナレッジ", (bad,))))  # fmt: skip


def test_the_text_is_for_a_mail() -> None:
    text = as_text(sample())
    assert text.startswith("今週の<ダイジェスト>\n期間: 令和8年4月1日（水）〜令和8年4月7日（火）\n")
    assert "★回答期限: 令和8年5月29日（金）" in text  # 和暦 with the day of the week
    assert SCRIPT in text  # plain text: printed as it is
    assert "一行目 & <i>\n二行目" in text
    lines = text.splitlines()
    url = next(ln for ln in lines if "soumu" in ln)
    assert url.strip() == "https://www.soumu.go.jp/menu/" + "a" * 80 + "?x=1&y=<2>"  # whole
    assert all(display_width(ln) <= WIDTH for ln in lines if ln is not url)
    assert not any(ln.strip()[:1] in ("、", "。") for ln in lines)
    assert text.endswith("（2 件）\n")


def test_mail_lines_break_with_kinsoku() -> None:
    assert wrap("あ" * 35 + "。」いい", 72) == ["あ" * 34, "あ。」いい"]  # pushed out
    assert wrap("あ" * 35 + "「いい", 72) == ["あ" * 35, "「いい"]
    assert wrap("使うのは Windows、です", 16) == ["使うのは", "Windows、です"]  # a word whole
    assert wrap("総務省　 総行情第12号", 40) == ["総務省　 総行情第12号"]  # U+3000 kept
    assert wrap("長い" * 3 + "　区切り", 12, 8) == ["長い長い長い", "区切り"]  # not first
    assert wrap("x" * 90, 72) == ["x" * 90]  # a word longer than a line stands alone


def test_the_html_is_escaped_and_links_only_the_web() -> None:
    page = as_html(sample())
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<title>今週の&lt;ダイジェスト&gt;</title>" in page
    assert "&lt;b&gt;全員&lt;/b&gt;必読" in page and "一行目 &amp; &lt;i&gt;<br>二行目" in page
    assert '<a href="https://www.soumu.go.jp/menu/' in page and "x=1&amp;y=&lt;2&gt;" in page
    assert 'href="javascript' not in page and "javascript:alert(&#x27;x&#x27;)" in page
    assert "回答期限: 令和8年5月29日（金）" in page
    assert page.count("<a ") == 1


def test_the_output_is_chosen_by_its_suffix(tmp_path: Path) -> None:
    content = sample()
    for name in ("d.txt", "d.html", "d.HTM"):
        assert write_digest(content, tmp_path / name, made_at=MADE) == 1
    assert (tmp_path / "d.txt").read_text(encoding="utf-8") == as_text(content)
    assert (tmp_path / "d.html").read_text(encoding="utf-8") == as_html(content)
    pages = write_digest(content, tmp_path / "d.pdf", made_at=MADE, identity="データ: 試験")
    reader = PdfReader(io.BytesIO((tmp_path / "d.pdf").read_bytes()))
    assert pages == len(reader.pages) == 1
    printed = reader.pages[0].extract_text()
    for words in ("今週の<ダイジェスト>", "研修の案内" + SCRIPT, "令和8年5月29日（金）",
                  "ひとこと: <b>全員</b>必読", "1 / 1", "データ: 試験"):  # fmt: skip
        assert words in printed, words
    assert [o.title for o in reader.outline if not isinstance(o, list)][:2] == [
        "この期間の期限", "標準化<script>",
    ]  # fmt: skip
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(UserError, match=r"\.txt、\.html、\.htm、\.pdf") as refused:
        write_digest(content, tmp_path / "d.docx", made_at=MADE)
    assert "d.docx" in str(refused.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written


def test_a_kept_digest_s_file_takes_its_name_only_after_the_commit(tmp_path: Path) -> None:
    """``before_placing`` (the --keep commit) runs with the file written aside: when it
    fails the file is not there either; when it succeeds the file is."""
    content = sample()
    out = tmp_path / "d.txt"
    seen: list[bool] = []

    def commit_fails() -> None:
        seen.append(out.exists())
        raise RuntimeError("database is locked")

    with pytest.raises(RuntimeError):
        write_digest(content, out, made_at=MADE, before_placing=commit_fails)
    assert seen == [False] and not out.exists()
    assert list(tmp_path.iterdir()) == []  # nothing left aside either
    write_digest(content, out, made_at=MADE, before_placing=lambda: seen.append(out.exists()))
    assert seen == [False, False] and out.read_text(encoding="utf-8") == as_text(content)
