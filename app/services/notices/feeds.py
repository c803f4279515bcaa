"""Feed items from the bytes of an RSS 1.0 (RDF), RSS 2.0 or Atom feed, as plain values.

    feed = parse_feed(data, name="news.rdf")        # or name=URL, base_url=URL
    for item in feed.items: item.title, item.issued_on, item.url, item.guid ...

The bytes are decoded here (feed_decoding: the declared encoding is not trusted) and
given to feedparser as a stream — never as a string, which feedparser would take for a
path or a URL and open. feedparser gets no base address, so an item's identifier is
the same whether the feed came from a file or a URL; relative links are resolved here,
for the ``url`` only.

What is refused (FeedError, naming the file or URL; nothing is imported): empty input,
input over MAX_FEED_BYTES, bytes that are no text, a document that is not RSS or Atom,
a feed cut off before its end (a download that stopped: the last item would be
half there), and a malformed feed of which nothing could be read. A malformed feed
whose items could still be read (a stray 「&」, an undefined entity, an invalid
character: feedparser's lenient parser recovers them) is imported with a note saying
where the fault is.

Per item: title and summary as plain text (plain_text), the date as written in the
feed (feed_dates; unreadable → none, with a note), the link only when it is an http or
https address, the identifier = the item's guid / Atom id, else its link.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

from app.input_file import size_text
from app.services.notices.feed_dates import DateUnreadable, feed_date
from app.services.notices.feed_decoding import as_utf8_xml, decode_feed
from app.services.notices.feed_error import FeedError
from app.services.notices.plain_text import collapse_spaces, plain_text, shorten

log = logging.getLogger("hitori.notices")

# 総務省's news.rdf is about 50 KB; a feed of 20 MB holds tens of thousands of items.
MAX_FEED_BYTES = 20 * 2**20

_FORMATS = {"rss10": "RSS 1.0（RDF）", "rss090": "RSS 0.90（RDF）", "rss20": "RSS 2.0",
            "atom10": "Atom", "atom03": "Atom 0.3"}  # fmt: skip
_FEED_ROOTS = frozenset({"rss", "rdf", "feed", "channel"})
_PROLOG = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)", re.S | re.I)
_ROOT = re.compile(r"\s*<([^\s/>!?]+)")
# expat's words for what is wrong, in Japanese.
_XML_PROBLEMS = {
    "not well-formed (invalid token)": "XMLで使えない文字や記号（「&」「<」など）があります",
    "mismatched tag": "開始タグと終了タグが対応していません",
    "undefined entity": "定義されていない実体参照（&…;）があります",
    "syntax error": "XMLの構文に誤りがあります",
    "junk after document element": "文書の終わりの後に余分なデータがあります",
    "duplicate attribute": "属性が重複しています",
    "unbound prefix": "宣言されていない名前空間の接頭辞があります",
    "reference to invalid character number": "使えない文字の参照（&#…;）があります",
    "unclosed token": "途中で終わっています",
    "no element found": "途中で終わっています",
}


@dataclass(frozen=True)
class FeedItem:
    position: int  # 1-based, in the order of the feed
    title: str  # plain text; "" when the item has none
    url: str  # an http(s) address, or ""
    guid: str | None  # guid / Atom id, else the link as written; None when neither
    issued_on: date | None
    summary: str  # plain text
    notes: tuple[str, ...]  # what was left out or could not be read, each 「n件目: …」


@dataclass(frozen=True)
class ParsedFeed:
    name: str  # the file or URL, for messages
    title: str  # the feed's own title, plain text
    format: str  # 「RSS 1.0（RDF）」, 「RSS 2.0」, 「Atom」
    encoding: str  # 「UTF-8」, 「Shift_JIS（CP932）」 ...
    items: tuple[FeedItem, ...]
    notes: tuple[str, ...]  # what was wrong with the feed as a whole


def parse_feed(
    data: bytes, *, name: str, base_url: str | None = None, charset: str | None = None
) -> ParsedFeed:
    """The feed in ``data`` (module docstring). ``name``: the file or URL for messages;
    ``base_url``: the URL it was fetched from (for relative links); ``charset``: the HTTP
    Content-Type's. Raises FeedError."""
    if len(data) > MAX_FEED_BYTES:
        raise FeedError(f"フィードが大きすぎます（上限 {size_text(MAX_FEED_BYTES)}）: {name}")
    if not data.strip():
        raise FeedError(f"フィードが空です: {name}")
    decoded = decode_feed(data, name=name, charset=charset)
    result = _feedparser_parse(as_utf8_xml(decoded.text), name)
    root = _root_name(decoded.text)
    version = result.get("version") or ""
    problem = result.get("bozo_exception") if result.get("bozo") else None
    feed_root = root if _looks_like_a_feed(root) else None
    if problem is not None and feed_root and _is_truncated(decoded.text, feed_root):
        raise FeedError(
            f"フィードが途中で切れています: {name}（{_line_of(problem)}で終わっています）。"
            "ダウンロードし直してから取り込んでください"
        )
    if not version and not _looks_like_a_feed(root):
        hint = "HTMLのページです。ページではなく、" if _is_html(decoded.text, root) else ""
        raise FeedError(
            f"RSS・Atom のフィードではありません: {name}（{hint}RSS 1.0（RDF）・RSS 2.0・"
            "Atom のファイルかURLを指定してください）"
        )
    entries = result.get("entries") or []
    notes: list[str] = [decoded.note] if decoded.note else []
    if not entries and problem is None:
        notes.append("フィードに項目がありません")
    if problem is not None:
        if not entries:
            raise FeedError(f"フィードを読み取れません: {name}（{_describe(problem)}）")
        notes.append(
            f"フィードの形式に誤りがあります（{_describe(problem)}）。"
            "読み取れた項目だけを取り込みました"
        )
    feed = result.get("feed") or {}
    base = base_url or _web_link(feed.get("link"))
    items = tuple(_item(n, entry, base) for n, entry in enumerate(entries, start=1))
    return ParsedFeed(
        name=name,
        title=plain_text(feed.get("title")),
        format=_FORMATS.get(version, _supported_versions().get(version, version or "不明")),
        encoding=decoded.encoding,
        items=items,
        notes=tuple(notes),
    )


def _feedparser_parse(xml: bytes, name: str) -> Any:
    import feedparser

    try:
        return feedparser.parse(io.BytesIO(xml), resolve_relative_uris=False, sanitize_html=True)
    except Exception as exc:  # a third-party parser on untrusted input: say so, keep the cause
        log.warning("feedparser failed on %s", name, exc_info=True)
        raise FeedError(f"フィードを読み取れません: {name}（{type(exc).__name__}）") from exc


def _supported_versions() -> dict[str, str]:
    from feedparser.api import SUPPORTED_VERSIONS

    return dict(SUPPORTED_VERSIONS)


def _item(position: int, entry: Any, base: str | None) -> FeedItem:
    notes: list[str] = []
    guid = collapse_spaces(str(_raw(entry, "id") or "")) or None
    link = collapse_spaces(str(_raw(entry, "link") or ""))
    # feedparser repeats an Atom id as the link when there is no <link>: not an address.
    invented = not _raw(entry, "links") and link == (guid or "")
    url = _web_link(urljoin(base, link) if base and link else link)
    if link and not url and not invented:
        notes.append(
            f"{position}件目: リンク「{shorten(link, 60)}」は http・https のアドレスでは"
            "ないため、保存しませんでした"
        )
    return FeedItem(
        position=position,
        title=plain_text(_raw(entry, "title")),
        url=url,
        guid=guid or link or None,
        issued_on=_issued_on(position, entry, notes),
        summary=plain_text(_raw(entry, "summary") or _content(entry)),
        notes=tuple(notes),
    )


def _issued_on(position: int, entry: Any, notes: list[str]) -> date | None:
    """The first readable of the item's dates (published, else updated); none is
    invented when all are missing or unreadable."""
    unreadable: str | None = None
    for key in ("published", "updated", "created"):
        try:
            found = feed_date(_raw(entry, key))
        except DateUnreadable as exc:
            unreadable = unreadable or str(exc)
            continue
        if found is not None:
            return found
    if unreadable is not None:
        shown = shorten(collapse_spaces(unreadable), 40)
        notes.append(f"{position}件目: 日付「{shown}」を読み取れないため、発出日は空にしました")
    return None


def _raw(entry: Any, key: str) -> Any:
    """An entry's own value for ``key``: feedparser's dictionary otherwise answers some
    keys from others (a missing ``updated`` from ``published``, with a warning)."""
    return dict.get(entry, key)


def _content(entry: Any) -> str:
    for part in _raw(entry, "content") or []:
        value = part.get("value")
        if value:
            return str(value)
    return ""


def _web_link(link: str | None) -> str:
    """``link`` when it is an absolute http(s) address, else ""."""
    if not link:
        return ""
    parts = urlsplit(link)
    return link if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


def _root_name(text: str) -> str | None:
    """The document element's name, after the declaration, comments and DOCTYPE."""
    pos = 0
    while (m := _PROLOG.match(text, pos)) is not None and m.end() > pos:
        pos = m.end()
    m = _ROOT.match(text, pos)
    return m.group(1) if m else None


def _is_truncated(text: str, root: str) -> bool:
    """Whether the document ends before its root element is closed."""
    end = text.rstrip()
    while end.endswith(("-->", "?>")):  # comments after the document element
        start = end.rfind("<!--" if end.endswith("-->") else "<?")
        if start < 0:
            break
        end = end[:start].rstrip()
    return re.search(rf"</\s*{re.escape(root)}\s*>\Z", end) is None


def _looks_like_a_feed(root: str | None) -> bool:
    """Whether the document element is one of a feed (rss, rdf:RDF, feed, channel)."""
    return root is not None and root.rpartition(":")[2].lower() in _FEED_ROOTS


def _is_html(text: str, root: str | None) -> bool:
    return (root or "").lower() == "html" or "<html" in text[:2048].lower()


def _line_of(problem: BaseException) -> str:
    line = getattr(problem, "getLineNumber", None)
    return f"{line():,}行目" if callable(line) else "最後"


def _describe(problem: BaseException) -> str:
    """Where and what the parser found wrong, in Japanese."""
    message = problem.getMessage() if hasattr(problem, "getMessage") else str(problem)
    what = _XML_PROBLEMS.get(message, f"XMLの形式の誤り: {shorten(message, 80)}")
    line = getattr(problem, "getLineNumber", None)
    return f"{line():,}行目: {what}" if callable(line) else what
