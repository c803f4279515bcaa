"""Tags (タグ) on notices and Q&A notes: typed names read into tags, put on a record,
listed for completion, renamed, merged and tidied away.

A tag's name is NFKC-normalised (全角英数 → 半角), trimmed, its inner white space runs
become one space, and a leading 「#」/「＃」 is dropped (``#ガバクラ`` is ``ガバクラ``). Names
are told apart by ``casefold``: "AWS" and "aws" are one tag, spelt as it was first
written (an existing tag keeps its spelling; ``rename_tag`` changes it).

A typed list (``parse_tags``) is split at 「,」「、」「，」「;」「；」 and line breaks — not at
spaces, which belong inside names such as 「Microsoft 365」; these separators can therefore
not be part of a name. Empty pieces are skipped, repeats dropped (the first spelling and
place are kept).

Links go through app.services.links, so putting a tag on a record or taking it off writes
「関連付け」/「関連付けを解除」 on both the record and the tag. Everything is flushed in the
caller's transaction, never committed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from sqlalchemy import Subquery, func, select, union_all
from sqlalchemy.orm import Session

from app.services import links
from app.services.errors import FieldError, NotFoundError, ValidationError
from app.services.records import get_or_not_found
from app.store.kind_index import model_by_code
from app.store.models import Tag

__all__ = [
    "MAX_TAG_CHARS",
    "TAGGED_KINDS",
    "all_tags",
    "delete_unused_tags",
    "find_tag",
    "normalise_tag",
    "parse_tags",
    "rename_tag",
    "set_tags",
    "tags_of",
    "unique_tags",
]

MAX_TAG_CHARS = 60  # Tag.name
TAGGED_KINDS = ("notice", "knowledge_note")
FIELD = "tags"
LABEL = "タグ"
_SEPARATORS = re.compile(r"[,、;\n\r]")  # after NFKC: 「，」→「,」, 「；」→「;」, 「､」→「、」
_SPACES = re.compile(r"\s+")
_ID_CHUNK = 10_000  # ids bound in one statement (SQLite allows 32,766)


def normalise_tag(text: str) -> str:
    """The tag ``text`` names; ValueError (Japanese) when it cannot be one."""
    name = _SPACES.sub(" ", unicodedata.normalize("NFKC", text or "")).strip()
    name = name.lstrip("#").strip()
    if not name:
        raise ValueError("タグを入力してください")
    if _SEPARATORS.search(name):
        raise ValueError(f"タグに区切りの文字（、 , ;）は使えません: {name}")
    if any(unicodedata.category(c) == "Cc" for c in name):
        raise ValueError(f"タグに制御文字は使えません: {name!r}")
    if len(name) > MAX_TAG_CHARS:
        raise ValueError(
            f"タグは{MAX_TAG_CHARS}文字以内で入力してください（{len(name)}文字）: {name[:20]}…"
        )
    return name


def unique_tags(names: Iterable[str]) -> list[str]:
    """``names`` normalised, repeats (by casefold) dropped, first spelling and order kept.
    ValueError listing every bad name (one per line)."""
    out: dict[str, str] = {}
    problems: list[str] = []
    for raw in names:
        try:
            name = normalise_tag(raw)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        out.setdefault(name.casefold(), name)
    if problems:
        raise ValueError("\n".join(dict.fromkeys(problems)))
    return list(out.values())


def parse_tags(text: str) -> list[str]:
    """The tags of a typed list (「標準化、ガバクラ, #AWS」→ 標準化, ガバクラ, AWS): split at
    、 , ， ; ； and line breaks, empty pieces skipped, repeats dropped."""
    pieces = _SEPARATORS.split(unicodedata.normalize("NFKC", text or ""))
    return unique_tags(p for p in pieces if p.strip().lstrip("#").strip())


# --- tags on a record ------------------------------------------------------------------------


def _check_kind(kind: str) -> None:
    if kind not in TAGGED_KINDS:
        raise ValueError(f"tags are not kept for kind {kind!r}")


def _by_folded(session: Session) -> dict[str, Tag]:
    """Every tag by its casefolded name (the oldest one where spellings clash)."""
    found: dict[str, Tag] = {}
    for tag in session.scalars(select(Tag).order_by(Tag.id)):
        found.setdefault(tag.name.casefold(), tag)
    return found


def set_tags(session: Session, kind: str, record_id: int, names: Iterable[str]) -> list[str]:
    """Give the record exactly the tags ``names`` (creating the missing ones); the final
    names, in the order given, with existing tags' spellings. ValidationError naming the
    bad names (nothing written); NotFoundError when the record is gone."""
    _check_kind(kind)
    try:
        wanted_names = unique_tags(names)
    except ValueError as exc:
        raise ValidationError([FieldError(FIELD, LABEL, str(exc))]) from exc
    get_or_not_found(session, model_by_code(kind), record_id)
    existing = _by_folded(session)
    wanted: list[Tag] = []
    for name in wanted_names:
        tag = existing.get(name.casefold())
        if tag is None:
            tag = Tag(name=name)
            session.add(tag)
        wanted.append(tag)
    session.flush()
    wanted_ids = [t.id for t in wanted]
    current = set(links.linked_ids(session, kind, record_id, "tag"))
    for tag_id in sorted(current - set(wanted_ids)):
        links.unlink(session, kind, record_id, "tag", tag_id)
    for tag_id in wanted_ids:
        if tag_id not in current:
            links.link(session, kind, record_id, "tag", tag_id)
    return [t.name for t in wanted]


def tags_of(session: Session, kind: str, ids: Iterable[int] | None = None) -> dict[int, list[str]]:
    """The tag names of records of ``kind``, each record's in name order: a key for every
    id of ``ids`` (an empty list when it has none), or with ``ids`` None, for every
    record that has a tag. One query (per 10,000 ids)."""
    _check_kind(kind)
    table, own, other = links.link_table(kind, "tag")
    stmt = (
        select(table.c[own], Tag.name)
        .join(Tag, Tag.id == table.c[other])
        .order_by(table.c[own], Tag.name)
    )
    if ids is None:
        out: dict[int, list[str]] = {}
        for record_id, name in session.execute(stmt):
            out.setdefault(record_id, []).append(name)
        return out
    wanted = list(dict.fromkeys(int(i) for i in ids))
    out = {i: [] for i in wanted}
    for start in range(0, len(wanted), _ID_CHUNK):
        chunk = wanted[start : start + _ID_CHUNK]
        for record_id, name in session.execute(stmt.where(table.c[own].in_(chunk))):
            out[record_id].append(name)
    return out


def _used() -> Subquery:
    """The tag id of every link of a tag to a record (one row per link)."""
    parts = []
    for kind in TAGGED_KINDS:
        table, _own, other = links.link_table(kind, "tag")
        parts.append(select(table.c[other].label("tag_id")))
    return union_all(*parts).subquery()


def all_tags(session: Session) -> list[tuple[str, int]]:
    """Every tag with the number of records that carry it, most used first (then by
    name): what completion offers. Unused tags are listed with 0."""
    used = _used()
    uses = func.count(used.c.tag_id)
    stmt = (
        select(Tag.name, uses)
        .outerjoin(used, used.c.tag_id == Tag.id)
        .group_by(Tag.id, Tag.name)
        .order_by(uses.desc(), Tag.name)
    )
    return [(name, int(n)) for name, n in session.execute(stmt)]


def find_tag(session: Session, name: str) -> Tag | None:
    """The tag ``name`` names (by casefold), None when there is none or it cannot be one."""
    try:
        wanted = normalise_tag(name)
    except ValueError:
        return None
    return _by_folded(session).get(wanted.casefold())


def _find(session: Session, name: str) -> Tag:
    try:
        wanted = normalise_tag(name)
    except ValueError as exc:
        raise ValidationError([FieldError(FIELD, LABEL, str(exc))]) from exc
    tag = _by_folded(session).get(wanted.casefold())
    if tag is None:
        raise NotFoundError(f"タグ「{wanted}」は見つかりません。削除された可能性があります。")
    return tag


def rename_tag(session: Session, old: str, new: str) -> str:
    """Rename the tag ``old`` to ``new`` (both matched by casefold); when another tag is
    already called ``new``, ``old`` is merged into it: every notice and note carrying
    ``old`` is given that tag (history on each) and ``old`` is deleted. The final name."""
    tag = _find(session, old)
    try:
        name = normalise_tag(new)
    except ValueError as exc:
        raise ValidationError([FieldError(FIELD, LABEL, str(exc))]) from exc
    target = _by_folded(session).get(name.casefold())
    if target is None or target.id == tag.id:
        tag.name = name
        session.flush()
        return name
    for kind in TAGGED_KINDS:
        for record_id in links.linked_ids(session, "tag", tag.id, kind):
            links.unlink(session, kind, record_id, "tag", tag.id)
            links.link(session, kind, record_id, "tag", target.id)
    session.delete(tag)
    session.flush()
    return target.name


def delete_unused_tags(session: Session) -> list[str]:
    """Delete the tags no notice or note carries; their names."""
    used = select(_used().c.tag_id)
    unused = list(session.scalars(select(Tag).where(Tag.id.not_in(used)).order_by(Tag.name)))
    for tag in unused:
        session.delete(tag)
    session.flush()
    return [tag.name for tag in unused]
