"""New feed items become notices (状態「未確認」); items seen before are left as they are.

    with db.sessions.begin() as session:        # one transaction: all or nothing
        result = import_feed(session, parse_feed(data, name=...), source=url_or_name)
    print(result.summary())   # 通知を 12 件追加しました（既にあるもの 30 件、…）

Identity (app.store.models.notices): an item is already known when a notice has its
identifier (``feed_guid``: guid / Atom id, else link), or when a notice without one —
entered by hand, or from an item that had neither — has the same issuer, date and
title. An item repeated within the feed counts once. Known items are not changed (the
officer may have edited them).

The issuer is the ``issuer`` given, else the feed title's organisation
(「総務省 ホームページ新着情報」→「総務省」, 「新着情報 ｜デジタル庁」→「デジタル庁」),
else the feed title. Values longer than their column are shortened (a link too long to
keep is left out) and said so; an item without a title is skipped with its reason.
What is noted about an item (a date unread, a link left out, a value shortened) is said
when it is added only, so that importing a feed again does not repeat it; what is noted
about the feed (its encoding declaration, its faults, items it repeats) is said each time.

Writes through the ORM in the caller's transaction (the flush hooks write the history,
the search index and the change notice); never commits.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import UserError
from app.services.notices.feeds import FeedItem, ParsedFeed
from app.services.notices.plain_text import collapse_spaces, shorten
from app.store.models import Notice

# A summary is a summary: a feed that puts whole pages in it is cut here.
MAX_SUMMARY_CHARS = 10_000
_BATCH = 500
_SEPARATORS = re.compile(r"[\s|｜:：/／\-‐–—―]+")
# How the names of ministries, agencies and local governments end.
_ORGANISATION_ENDINGS = ("省", "庁", "府", "委員会", "本部", "院", "局", "機構", "会議",
                         "都", "道", "県", "市", "区", "町", "村")  # fmt: skip
# Words a feed title adds to the organisation's name.
_FEED_WORDS = ("ホームページ新着情報", "新着情報", "更新情報", "お知らせ", "報道発表",
               "報道資料", "トピックス", "ニュース", "新着", "RSS", "News",
               "What's New")  # fmt: skip


class IssuerError(UserError):
    """No issuer can be told, or the one given is unusable; nothing was written."""


@dataclass
class FeedImportResult:
    feed_title: str
    format: str
    encoding: str
    issuer: str
    added_ids: list[int] = field(default_factory=list)
    known: int = 0  # items already in the database
    repeated: int = 0  # items the feed holds more than once, beyond the first
    skipped: list[str] = field(default_factory=list)  # 「3件目: タイトルがありません」
    notes: list[str] = field(default_factory=list)  # what was shortened, left out, wrong

    @property
    def added(self) -> int:
        return len(self.added_ids)

    def summary(self) -> str:
        return (
            f"通知を {self.added:,} 件追加しました（既にあるもの {self.known:,} 件、"
            f"取り込めなかったもの {len(self.skipped):,} 件）"
        )


@dataclass(frozen=True)
class _Candidate:
    item: FeedItem
    title: str
    guid: str | None
    url: str
    summary: str
    notes: tuple[str, ...]


def issuer_from_title(title: str) -> str:
    """The organisation a feed title names; the title itself when none is recognised."""
    text = collapse_spaces(title)
    for part in _SEPARATORS.split(text):
        if part.endswith(_ORGANISATION_ENDINGS):
            return part
    stripped = text
    for word in _FEED_WORDS:
        stripped = stripped.replace(word, " ")
    stripped = _SEPARATORS.sub(" ", stripped).strip()
    return stripped or text


def import_feed(
    session: Session, feed: ParsedFeed, *, issuer: str | None = None, source: str = ""
) -> FeedImportResult:
    """Add the feed's new items as notices (module docstring). ``source``: the feed's URL
    or file name (取得元). Raises IssuerError."""
    result = FeedImportResult(feed.title, feed.format, feed.encoding, "")
    result.notes.extend(feed.notes)
    result.issuer = _issuer(feed, issuer, result.notes)
    source_limit = _length("source")
    if len(source) > source_limit:
        result.notes.append(f"取得元が{source_limit}文字を超えるため、短くして記録しました")
    source = shorten(source, source_limit)
    candidates = _candidates(feed.items, result)
    known_guids = _known_guids(session, [c.guid for c in candidates if c.guid])
    known_identities = _known_identities(session, result.issuer, [c.title for c in candidates])
    notices: list[Notice] = []
    for c in candidates:
        if c.guid in known_guids or (c.item.issued_on, c.title) in known_identities:
            result.known += 1
            continue
        result.notes.extend(c.notes)
        notices.append(
            Notice(
                issuer=result.issuer, doc_number="", issued_on=c.item.issued_on,
                title=c.title, kind="other", status="unread", url=c.url, summary=c.summary,
                interpretation="", source=source, feed_guid=c.guid,
            )
        )  # fmt: skip
    session.add_all(notices)
    session.flush()
    result.added_ids = [n.id for n in notices]
    return result


def _issuer(feed: ParsedFeed, given: str | None, notes: list[str]) -> str:
    limit = _length("issuer")
    if given is not None:
        name = collapse_spaces(given)
        if not name:
            raise IssuerError("発出元が空です。発出元の名前を指定してください")
        if len(name) > limit:
            raise IssuerError(f"発出元が長すぎます（{limit}文字まで）: {shorten(name, 40)}")
        return name
    name = issuer_from_title(feed.title)
    if not name:
        raise IssuerError(
            f"フィードに題名がないため、発出元が分かりません: {feed.name}。"
            "発出元を指定して取り込んでください（hitori コマンドでは --issuer 総務省 など）"
        )
    if len(name) > limit:
        notes.append(f"フィードの題名から取った発出元が{limit}文字を超えるため、短くしました")
        name = shorten(name, limit)
    return name


def _candidates(items: Sequence[FeedItem], result: FeedImportResult) -> list[_Candidate]:
    """The items that can be notices, each once, fitted to the columns."""
    title_limit, url_limit, guid_limit = _length("title"), _length("url"), _length("feed_guid")
    first: dict[tuple[object, ...], int] = {}
    out: list[_Candidate] = []
    for item in items:
        where = f"{item.position}件目"
        if not item.title:
            result.skipped.append(f"{where}: タイトルがありません")
            continue
        notes = list(item.notes)
        title = shorten(item.title, title_limit)
        if title != item.title:
            notes.append(f"{where}: 件名が{title_limit}文字を超えるため、短くしました")
        url = item.url
        if len(url) > url_limit:
            notes.append(f"{where}: リンクが{url_limit}文字を超えるため、保存しませんでした")
            url = ""
        summary = shorten(item.summary, MAX_SUMMARY_CHARS)
        if summary != item.summary:
            notes.append(f"{where}: 概要が{MAX_SUMMARY_CHARS:,}文字を超えるため、短くしました")
        guid = item.guid
        if guid is not None and len(guid) > guid_limit:
            # Still one identifier per item, and the same on every import.
            guid = "sha256:" + hashlib.sha256(guid.encode()).hexdigest()
        key: tuple[object, ...] = (guid,) if guid else (None, item.issued_on, title)
        if key in first:
            result.repeated += 1
            result.notes.append(f"{where}: {first[key]}件目と同じ項目のため、1件として数えました")
            continue
        first[key] = item.position
        out.append(_Candidate(item, title, guid, url, summary, tuple(notes)))
    return out


def _known_guids(session: Session, guids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(guids):
        stmt = select(Notice.feed_guid).where(Notice.feed_guid.in_(chunk))
        found.update(g for g in session.scalars(stmt) if g is not None)
    return found


def _known_identities(
    session: Session, issuer: str, titles: Sequence[str]
) -> set[tuple[date | None, str]]:
    """(date, title) of the issuer's notices without an identifier, among ``titles``."""
    found: set[tuple[date | None, str]] = set()
    for chunk in _chunks(list(dict.fromkeys(titles))):
        stmt = select(Notice.issued_on, Notice.title).where(
            Notice.issuer == issuer, Notice.feed_guid.is_(None), Notice.title.in_(chunk)
        )
        found.update((d, t) for d, t in session.execute(stmt))
    return found


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _BATCH):
        yield values[start : start + _BATCH]


def _length(column: str) -> int:
    """The length limit of a notice column, as the model declares it."""
    length = getattr(Notice.__table__.c[column].type, "length", None)
    if not isinstance(length, int):
        raise TypeError(f"notices.{column} has no length limit")
    return length
