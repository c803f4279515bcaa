"""Notices from feeds: RSS 1.0 (RDF), RSS 2.0 and Atom read from bytes and files; plain
text, dates, encodings (wrong declarations included); malformed, truncated, hostile and
huge input refused with a Japanese message; imported into a real temporary database once,
whatever is imported again. (The URL path, against a server on 127.0.0.1:
tests/integration/test_cli_notices.py.)"""

from __future__ import annotations

import hashlib
import io
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from app.input_file import InputFileError
from app.services.notices.feed_dates import DateUnreadable, feed_date
from app.services.notices.feed_error import FeedError
from app.services.notices.feed_import import (
    FeedImportResult,
    IssuerError,
    import_feed,
    issuer_from_title,
)
from app.services.notices.feed_source import read_feed_source
from app.services.notices.feeds import MAX_FEED_BYTES, ParsedFeed, parse_feed
from app.services.notices.plain_text import plain_text
from app.store.models import Notice

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"
SOUMU = FEEDS / "soumu-news.rdf"
DIGITAL = FEEDS / "digital-news.xml"
MIXED = FEEDS / "rss20-mixed.xml"


def parsed(path: Path) -> ParsedFeed:
    return parse_feed(path.read_bytes(), name=path.name)


def rss(items: str, *, title: str = "テスト省 新着情報", head: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{head}<rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://example.go.jp/</link>{items}</channel></rss>"
    ).encode()


def imported(db: Any, feed: ParsedFeed, **kwargs: Any) -> FeedImportResult:
    with db.sessions.begin() as session:
        return import_feed(session, feed, **kwargs)


def notices(db: Any) -> list[Notice]:
    with db.sessions() as session:
        rows = list(session.scalars(select(Notice).order_by(Notice.id)))
        session.expunge_all()
        return rows


def fingerprint(db: Any) -> tuple[Any, ...]:
    with db.engine.connect() as conn:
        counts = tuple(
            conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
            for t in ("notices", "change_log")
        )
        rows = conn.execute(text("SELECT * FROM notices ORDER BY id")).all()
    return (*counts, hashlib.sha256(repr(rows).encode()).hexdigest())


# --- the three formats --------------------------------------------------------------------


def test_rss10_rdf_as_somu_publishes_it() -> None:
    feed = parsed(SOUMU)
    assert (feed.title, feed.format, feed.encoding, feed.notes) == (
        "総務省 ホームページ新着情報", "RSS 1.0（RDF）", "UTF-8", ())  # fmt: skip
    first = feed.items[0]
    assert first.title == (
        "「地方公共団体における情報セキュリティポリシーに関するガイドライン」の改定"
    )
    assert first.url == "https://www.soumu.go.jp/menu_news/s-news/01gyosei07_02000301.html"
    assert first.guid == first.url  # rdf:about
    assert first.summary == "ガイドラインを改定しました（新旧対照表 & 概要資料を掲載）。"
    assert [i.issued_on for i in feed.items] == [
        date(2026, 3, 31), date(2026, 3, 30), date(2026, 3, 27)]  # fmt: skip
    assert feed.items[2].title.endswith("（通知）①")


def test_atom_as_digital_agency_publishes_it() -> None:
    feed = parsed(DIGITAL)
    assert (feed.title, feed.format) == ("新着情報 | デジタル庁", "Atom")
    first, second, third = feed.items
    # HTML title: tags gone, the escaped &amp;amp; decoded once more.
    assert first.title == "ガバメントクラウドの利用に関する&説明会を開催します"
    assert first.summary == "地方公共団体のご担当者向け。 申込期限は4月20日です。"  # no script
    assert first.issued_on == date(2026, 4, 1)  # 23:30 UTC on 3/31 is 4/1 in Japan
    # The id stays as written; the relative link is resolved against the feed's site.
    assert second.guid == "tag:digital.go.jp,2026:news-0002"
    assert second.url == "https://www.digital.go.jp/policies/local_governments/basic-policy"
    assert second.issued_on == date(2026, 3, 25)  # only <updated>
    assert second.summary == "基本方針を改定しました。 移行期限は 原則 令和7年度末です。"
    assert third.issued_on == date(2026, 3, 19) and third.summary == ""


def test_rss20_with_html_scripts_odd_dates_and_bad_links() -> None:
    feed = parsed(MIXED)
    assert feed.format == "RSS 2.0"
    items = {i.position: i for i in feed.items}
    assert items[1].guid == "mhlw-50001" and items[1].issued_on == date(2026, 3, 31)
    assert items[1].summary == "事務連絡を掲載しました。"  # <script> and <style> gone
    assert items[2].title == "重要 国民健康保険の&標準化<対応>について"
    assert "alert" not in items[2].title and items[2].issued_on == date(2026, 3, 30)
    assert items[2].summary == "改定 内容は こちら。"
    assert items[2].guid == items[2].url  # no guid: the link identifies it
    assert items[3].title == ""
    assert items[5].issued_on is None
    assert items[5].notes == (
        "5件目: 日付「来週の月曜日」を読み取れないため、発出日は空にしました",
    )
    assert items[6].issued_on is None and items[6].notes[0].startswith(
        "6件目: リンク「javascript:alert(document.cookie)」は http・https のアドレスではない"
    )
    assert items[6].url == ""
    assert items[7].issued_on == date(2026, 3, 26)  # R8.3.26


@pytest.mark.parametrize(
    ("title", "issuer"),
    [
        ("総務省 ホームページ新着情報", "総務省"),
        ("新着情報 | デジタル庁", "デジタル庁"),
        ("デジタル庁", "デジタル庁"),
        ("厚生労働省新着情報", "厚生労働省"),
        ("文部科学省　新着情報", "文部科学省"),
        ("個人情報保護委員会：お知らせ", "個人情報保護委員会"),
        ("ひとり町 お知らせ RSS", "ひとり町"),
        ("Example News", "Example"),
        ("新着情報", "新着情報"),
    ],
)
def test_issuer_from_the_feed_title(title: str, issuer: str) -> None:
    assert issuer_from_title(title) == issuer


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("<p>一行目<br>二行目</p>", "一行目 二行目"),
        ("a<script>alert('x')</script>b<style>p{}</style>c", "abc"),
        ("<SCRIPT>unclosed", ""),
        ("&lt;b&gt; &amp; &#12290; &nbsp;x", "<b> & 。 x"),
        ("改行\n\n  と\t空白", "改行 と 空白"),
        ("総務省\u3000お知らせ", "総務省\u3000お知らせ"),  # the Japanese separator is kept
        ("右から\u202e左へ\x00\x07", "右から左へ"),
        ("1 < 2 and 3 > 2", "1 < 2 and 3 > 2"),
        (None, ""),
    ],
)
def test_plain_text(value: str | None, expected: str) -> None:
    assert plain_text(value) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-03-31", date(2026, 3, 31)),
        ("2026-03-31T17:00:00+09:00", date(2026, 3, 31)),
        ("2026-03-31T15:00:00Z", date(2026, 4, 1)),
        ("2026-03-31T10:00:00-05:00", date(2026, 4, 1)),
        ("Tue, 31 Mar 2026 00:30:00 +0900", date(2026, 3, 31)),
        ("Mon, 30 Mar 2026 15:30:00 GMT", date(2026, 3, 31)),
        ("Tue, 31 Mar 2026 10:00:00 JST", date(2026, 3, 31)),
        ("31 Mar 2026", date(2026, 3, 31)),
        ("2026年3月31日", date(2026, 3, 31)),
        ("令和8年3月31日 17時", date(2026, 3, 31)),
        ("R8.3.31", date(2026, 3, 31)),
        ("２０２６／３／３１ 10:00", date(2026, 3, 31)),
        ("", None),
        (None, None),
    ],
)
def test_feed_dates(raw: str | None, expected: date | None) -> None:
    assert feed_date(raw) == expected


@pytest.mark.parametrize("raw", ["3/31", "2026-03", "明日", "2026-02-30", "32 Mar 2026 10:00"])
def test_dates_that_are_not_whole_are_not_guessed(raw: str) -> None:
    with pytest.raises(DateUnreadable):
        feed_date(raw)


# --- encodings ----------------------------------------------------------------------------

JAPANESE = "地方公共団体①㈱髙橋 ガイドライン"


def encoded(declared: str | None, codec: str, title: str = JAPANESE) -> bytes:
    head = f'<?xml version="1.0" encoding="{declared}"?>' if declared else ""
    body = (
        f'<rss version="2.0"><channel><title>総務省 新着情報</title><item><title>{title}</title>'
        f"<guid>g1</guid></item></channel></rss>"
    )
    return head.encode() + body.encode(codec)


@pytest.mark.parametrize(
    ("declared", "codec", "title", "encoding", "wrong"),
    [
        ("Shift_JIS", "cp932", JAPANESE, "Shift_JIS（CP932）", False),  # ①㈱髙: CP932 only
        (None, "cp932", JAPANESE, "Shift_JIS（CP932）", False),
        ("EUC-JP", "euc_jp", "地方公共団体 ガイドライン", "EUC-JP", False),
        ("UTF-8", "utf-8", JAPANESE, "UTF-8", False),
        ("UTF-8", "cp932", JAPANESE, "Shift_JIS（CP932）", True),
        ("Shift_JIS", "utf-8", JAPANESE, "UTF-8", True),
        ("ISO-8859-1", "cp932", JAPANESE, "Shift_JIS（CP932）", True),
        ("windows-1252", "utf-8", JAPANESE, "UTF-8", True),
        # Short EUC-JP text is valid CP932 too: charset-normalizer tells them apart.
        ("Shift_JIS", "euc_jp", "通知", "EUC-JP", True),
        ("x-unknown", "euc_jp", "地方公共団体 ガイドライン", "EUC-JP", True),
    ],
)
def test_encodings_and_wrong_declarations(
    declared: str | None, codec: str, title: str, encoding: str, wrong: bool
) -> None:
    feed = parse_feed(encoded(declared, codec, title), name="f.xml")
    assert [i.title for i in feed.items] == [title]
    assert feed.title == "総務省 新着情報"
    assert feed.encoding == encoding
    notes = [n for n in feed.notes if "文字コードの宣言" in n]
    assert notes == ([f"フィードの文字コードの宣言（{declared}）が実際の文字コードと違うため、"
                      f"{encoding} として読みました"] if wrong else [])  # fmt: skip


def test_feedparser_alone_turns_a_wrongly_declared_feed_into_mojibake() -> None:
    """Why the bytes are decoded before feedparser sees them."""
    import feedparser

    data = encoded("UTF-8", "cp932")
    alone = feedparser.parse(io.BytesIO(data))
    assert alone.entries[0].title != JAPANESE
    assert parse_feed(data, name="f.xml").items[0].title == JAPANESE


def sjis_rdf() -> bytes:
    return SOUMU.read_text(encoding="utf-8").replace("UTF-8", "Shift_JIS").encode("cp932")


@pytest.mark.parametrize("bom", ["utf-8-sig", "utf-16", "utf-32"])
def test_byte_order_marks(bom: str) -> None:
    data = SOUMU.read_text(encoding="utf-8").replace('encoding="UTF-8"', f'encoding="{bom}"')
    feed = parse_feed(data.encode(bom), name="bom.rdf")
    assert feed.items[0].title == parsed(SOUMU).items[0].title


def test_a_feed_of_undecodable_bytes_is_refused() -> None:
    with pytest.raises(FeedError, match=r"フィードの文字コードを判別できません: bad\.xml"):
        parse_feed(b"<rss><channel><title>\xff\xfe\xfd\x80\x80</title></channel></rss>",
                   name="bad.xml")  # fmt: skip


# --- malformed, truncated, not a feed, hostile, huge --------------------------------------


def test_a_malformed_feed_whose_items_can_be_read_is_imported_with_a_note() -> None:
    data = SOUMU.read_bytes().replace(b"&amp; ", b"& ")  # a bare ampersand on line 23
    feed = parse_feed(data, name="soumu.rdf")
    assert len(feed.items) == 3
    assert feed.items[0].summary == "ガイドラインを改定しました（新旧対照表 & 概要資料を掲載）。"
    assert feed.notes == (
        "フィードの形式に誤りがあります（23行目: XMLで使えない文字や記号（「&」「<」など）が"
        "あります）。読み取れた項目だけを取り込みました",
    )


def test_a_truncated_feed_is_refused() -> None:
    data = SOUMU.read_bytes()
    cut = data[: data.index("地方公務員の給与".encode())]
    with pytest.raises(FeedError) as refused:
        parse_feed(cut, name="soumu.rdf")
    assert str(refused.value).startswith("フィードが途中で切れています: soumu.rdf（")
    assert "ダウンロードし直してから取り込んでください" in str(refused.value)


@pytest.mark.parametrize("path", [SOUMU, DIGITAL, MIXED], ids=lambda p: p.name)
@pytest.mark.parametrize("codec", ["utf-8", "cp932"])
def test_a_feed_cut_anywhere_after_its_start_is_refused(path: Path, codec: str) -> None:
    """A download that stopped, even in the middle of a multi-byte character."""
    data = path.read_text(encoding="utf-8").replace("UTF-8", "Shift_JIS").encode(codec)
    root = b"<rss" if path == MIXED else b"<feed" if path == DIGITAL else b"<rdf:RDF"
    start = data.index(root) + len(root)  # from the end of the document element's name
    for end in range(start, len(data) - 1, 23):
        with pytest.raises(FeedError, match=r"^フィードが途中で切れています"):
            parse_feed(data[:end], name=path.name)


def test_a_feed_without_items_is_a_feed() -> None:
    feed = parse_feed(rss(""), name="empty-channel.xml")
    assert (feed.items, feed.notes) == ((), ("フィードに項目がありません",))


def test_a_malformed_feed_with_nothing_readable_is_refused() -> None:
    data = rss("<description>&bogus;</description><<<>>>")  # no item survives
    with pytest.raises(FeedError) as refused:
        parse_feed(data, name="m.xml")
    assert str(refused.value) == (
        "フィードを読み取れません: m.xml（1行目: 定義されていない実体参照（&…;）があります）"
    )


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "フィードが空です: x"),
        (b" \r\n\t ", "フィードが空です: x"),
        (b"<!DOCTYPE html><html><head><title>t</title></head><body>p</body></html>",
         "RSS・Atom のフィードではありません: x（HTMLのページです。"),
        (b"<!DOCTYPE html>\n<html><body><p>cut", "RSS・Atom のフィードではありません: x（HTML"),
        ("資産管理番号,名称\nA-1,PC\n".encode("cp932"), "RSS・Atom のフィードではありません: x"),
        (b'<?xml version="1.0"?><workbook><sheet/></workbook>',
         "RSS・Atom のフィードではありません: x"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
         "フィードではありません: x（文字ではないデータが含まれています）"),
    ],
)  # fmt: skip
def test_what_is_not_a_feed_is_refused(data: bytes, words: str) -> None:
    with pytest.raises(FeedError) as refused:
        parse_feed(data, name="x")
    assert str(refused.value).startswith(words)


def test_entities_neither_expand_nor_read_files() -> None:
    laughs = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10 if n else "ha"}">' for n in range(10))
    bomb = rss("<item><title>&l9;</title><guid>b</guid></item>", head=f"<!DOCTYPE rss [{laughs}]>")
    xxe = rss(
        "<item><title>a&x;b</title><guid>x</guid></item>",
        head='<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    )
    for data in (bomb, xxe):
        feed = parse_feed(data, name="hostile.xml")
        for item in feed.items:
            assert len(item.title) < 100 and "root:" not in item.title


def test_a_feed_over_the_size_limit_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.rdf"
    with big.open("wb") as fh:
        fh.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
        fh.truncate(MAX_FEED_BYTES + 1)
    with pytest.raises(InputFileError, match=r"^フィードが大きすぎます（上限 20 MB）: .*big\.rdf$"):
        read_feed_source(str(big))
    with pytest.raises(FeedError, match=r"^フィードが大きすぎます（上限 20 MB）: big$"):
        parse_feed(b"<" * (MAX_FEED_BYTES + 1), name="big")


def test_a_folder_a_fifo_and_a_missing_file_are_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"^フィードとして読めません: .*（フォルダです）$"):
        read_feed_source(str(tmp_path))
    with pytest.raises(InputFileError, match=r"^フィードを開けません: .*（見つかりません）$"):
        read_feed_source(str(tmp_path / "none.rdf"))
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    fifo = tmp_path / "pipe.rdf"
    os.mkfifo(fifo)
    with pytest.raises(InputFileError, match=r"（名前付きパイプ（FIFO）です）$"):
        read_feed_source(str(fifo))  # returns at once: never waits for a writer


# --- addresses refused before any connection (a server on 127.0.0.1: tests/integration/
# test_cli_notices.py) ---------------------------------------------------------------------


@pytest.mark.parametrize("url", ["ftp://example.go.jp/news.rdf", "file:///etc/passwd"])
def test_only_web_addresses_are_fetched(url: str) -> None:
    with pytest.raises(FeedError, match="http:// または https:// で始まるURLを指定してください"):
        read_feed_source(url)


def test_a_url_with_a_password_is_refused_without_repeating_it() -> None:
    with pytest.raises(FeedError) as refused:
        read_feed_source("https://officer:hunter2@example.go.jp/news.rdf")
    assert "hunter2" not in str(refused.value) and "パスワード" in str(refused.value)


# --- into the database --------------------------------------------------------------------


def test_import_then_import_again_adds_nothing(db: Any) -> None:
    feed = parsed(SOUMU)
    first = imported(db, feed, source="soumu-news.rdf")
    assert (first.added, first.known, first.skipped, first.issuer) == (3, 0, [], "総務省")
    assert first.summary() == (
        "通知を 3 件追加しました（既にあるもの 0 件、取り込めなかったもの 0 件）"
    )
    rows = notices(db)
    assert [(n.issuer, n.status, n.kind, n.source) for n in rows] == [
        ("総務省", "unread", "other", "soumu-news.rdf")] * 3  # fmt: skip
    assert rows[0].feed_guid == rows[0].url == feed.items[0].url
    assert rows[0].issued_on == date(2026, 3, 31)
    assert [n.id for n in rows] == first.added_ids
    before = fingerprint(db)
    again = imported(db, feed, source="soumu-news.rdf")
    assert (again.added, again.known, again.notes) == (0, 3, [])
    assert fingerprint(db) == before


def test_the_same_items_from_a_url_are_the_same_notices(db: Any) -> None:
    imported(db, parsed(DIGITAL))
    from_url = parse_feed(
        DIGITAL.read_bytes(), name="u", base_url="https://www.digital.go.jp/rss/news.xml"
    )
    again = imported(db, from_url)
    assert (again.added, again.known) == (0, 3)


def test_repeats_missing_titles_and_notes(db: Any) -> None:
    result = imported(db, parsed(MIXED))
    assert (result.added, result.known, result.repeated) == (5, 0, 1)
    assert result.skipped == ["3件目: タイトルがありません"]
    assert result.notes == [
        "4件目: 1件目と同じ項目のため、1件として数えました",
        "5件目: 日付「来週の月曜日」を読み取れないため、発出日は空にしました",
        "6件目: リンク「javascript:alert(document.cookie)」は http・https のアドレスではないため、"
        "保存しませんでした",
    ]
    assert result.summary() == (
        "通知を 5 件追加しました（既にあるもの 0 件、取り込めなかったもの 1 件）"
    )
    titles = {n.title: n for n in notices(db)}
    assert titles["日付のない項目"].url == "" and titles["日付のない項目"].issued_on is None
    assert all("<" not in n.summary and "script" not in n.summary for n in titles.values())
    again = imported(db, parsed(MIXED))
    assert (again.added, again.known, again.skipped) == (0, 5, ["3件目: タイトルがありません"])
    assert again.notes == ["4件目: 1件目と同じ項目のため、1件として数えました"]


def test_items_without_guid_or_link_are_known_by_issuer_date_and_title(db: Any) -> None:
    feed = parse_feed(
        rss("<item><title>案内</title><pubDate>2026-04-01</pubDate></item>"
            "<item><title>案内</title><pubDate>2026-04-02</pubDate></item>"
            "<item><title>日付なし</title></item>"
            "<item><title>日付なし</title></item>"),
        name="plain.xml",
    )  # fmt: skip
    first = imported(db, feed)
    assert (first.added, first.repeated) == (3, 1)
    assert {(n.title, n.issued_on, n.feed_guid) for n in notices(db)} == {
        ("案内", date(2026, 4, 1), None), ("案内", date(2026, 4, 2), None),
        ("日付なし", None, None)}  # fmt: skip
    again = imported(db, feed)
    assert (again.added, again.known) == (0, 3)
    # Another issuer's notice of the same date and title is another notice.
    other = imported(db, feed, issuer="別の省")
    assert other.added == 3


def test_a_notice_entered_by_hand_is_not_added_again(db: Any) -> None:
    with db.sessions.begin() as session:
        session.add(Notice(issuer="総務省", issued_on=date(2026, 3, 30), title=parsed(SOUMU)
                           .items[1].title, kind="tsuchi", status="done"))  # fmt: skip
    result = imported(db, parsed(SOUMU))
    assert (result.added, result.known) == (2, 1)
    assert [n.status for n in notices(db)] == ["done", "unread", "unread"]


def test_the_issuer_given_wins_and_is_checked(db: Any) -> None:
    assert imported(db, parsed(SOUMU), issuer="  総務省 自治行政局 ").issuer == "総務省 自治行政局"
    before = fingerprint(db)
    with pytest.raises(IssuerError, match=r"^発出元が長すぎます（100文字まで）"):
        imported(db, parsed(DIGITAL), issuer="省" * 101)
    untitled = parse_feed(rss("<item><title>t</title></item>", title=""), name="untitled.xml")
    with pytest.raises(
        IssuerError, match=r"^フィードに題名がないため、発出元が分かりません: untit"
    ):
        imported(db, untitled)
    assert fingerprint(db) == before


def test_values_longer_than_their_columns(db: Any) -> None:
    long_link = "https://example.go.jp/" + "a" * 1000
    long_guid = "urn:" + "g" * 1500
    feed = parse_feed(
        rss(f"<item><title>{'長' * 600}</title><guid>{long_guid}</guid>"
            f"<link>{long_link}</link><description>{'要' * 12_000}</description></item>"),
        name="long.xml",
    )  # fmt: skip
    result = imported(db, feed, source="https://example.go.jp/" + "s" * 400)
    (notice,) = notices(db)
    assert len(notice.title) == 500 and notice.title.endswith("…")
    assert notice.url == "" and len(notice.summary) == 10_000
    assert notice.feed_guid == "sha256:" + hashlib.sha256(long_guid.encode()).hexdigest()
    assert len(notice.source) == 300
    assert result.notes == [
        "取得元が300文字を超えるため、短くして記録しました",
        "1件目: 件名が500文字を超えるため、短くしました",
        "1件目: リンクが1000文字を超えるため、保存しませんでした",
        "1件目: 概要が10,000文字を超えるため、短くしました",
    ]
    assert imported(db, feed).known == 1  # the shortened identifier is the same each time


def test_a_feed_of_many_items_is_imported_once(db: Any) -> None:
    items = "".join(
        f"<item><title>通知 {n}</title><guid>urn:many:{n}</guid>"
        f"<pubDate>Tue, 31 Mar 2026 10:00:00 +0900</pubDate></item>"
        for n in range(1_200)
    )
    feed = parse_feed(rss(items), name="many.xml")
    assert imported(db, feed).added == 1_200
    assert (imported(db, feed).known, len(notices(db))) == (1_200, 1_200)


def test_nothing_is_committed_by_the_import_itself(db: Any) -> None:
    with pytest.raises(RuntimeError), db.sessions.begin() as session:
        assert import_feed(session, parsed(SOUMU)).added == 3
        raise RuntimeError("the caller's transaction fails afterwards")
    with db.sessions() as session:
        assert session.scalar(select(func.count(Notice.id))) == 0


def test_imported_notices_are_searchable(db: Any) -> None:
    from app.services.search import global_search

    imported(db, parsed(SOUMU))
    with db.sessions() as session:
        results = global_search(session, "情報セキュリティポリシー")
    titles = [hit.title for group in results.groups for hit in group.hits]
    assert parsed(SOUMU).items[0].title in titles
