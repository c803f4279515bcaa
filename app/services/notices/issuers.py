"""The issuers (発出元) a notice is offered, and the rename that unifies how one is written.

The offered list is a setting (``notices.issuers``) the officer edits one name a line:
the ministries, bureaus and prefectures this municipality hears from. Until it is saved
it is ``STARTER_ISSUERS``. The editor offers the issuers already in use first (most used
first: what is typed most is found first), then the saved names not in use.

Names are compared exactly once their whitespace is normalised (full-width spaces and
runs of spaces become one space). They are not NFKC-normalised as a whole: 「（J-LIS）」
and 「(J-LIS)」 are then two names, and merging them is the officer's decision, made
with ``rename_issuer`` — which also says what it changed, in each notice's history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from app.services.errors import FieldError, ValidationError
from app.services.field_input import FieldReader
from app.store.models import Notice, Setting

SETTING_KEY = "notices.issuers"
FIELD = "issuers"
LABEL = "発出元の一覧"
NAME_LIMIT = 100  # Notice.issuer
MAX_NAMES = 200  # a list to choose from, not a directory of every office
RENAME_LABELS = {"old": "今の表記", "new": "新しい表記"}
# Offered after the issuers already in use. 地域情報化企画室 sits in 自治行政局's
# 地域力創造グループ; デジタル基盤推進室 (標準化) in 住民制度課.
STARTER_ISSUERS = (
    "総務省 自治行政局 住民制度課",
    "総務省 自治行政局 住民制度課 デジタル基盤推進室",
    "総務省 自治行政局 地域力創造グループ 地域情報化企画室",
    "総務省 自治財政局",
    "デジタル庁",
    "厚生労働省",
    "文部科学省",
    "内閣府",
    "個人情報保護委員会",
    "地方公共団体情報システム機構（J-LIS）",
    "都道府県",
)


@dataclass(frozen=True, slots=True)
class IssuerUse:
    name: str
    count: int  # notices with this issuer


def normal_name(text: str) -> str:
    """``text`` with its whitespace normalised: trimmed, each run of spaces (a full-width
    one included) one ASCII space."""
    return " ".join(text.split())


# --- the saved list ------------------------------------------------------------------------


def clean_issuer_list(lines: Iterable[object]) -> tuple[str, ...]:
    """Validate the list typed one name a line: blank lines and repeats are dropped; a
    name over ``NAME_LIMIT`` characters, or more than ``MAX_NAMES`` names, is refused
    naming the line. Raises ValidationError listing every bad line."""
    errors: list[FieldError] = []
    out: list[str] = []
    for n, line in enumerate(lines, start=1):
        if not isinstance(line, str):
            errors.append(FieldError(FIELD, LABEL, f"{n}行目: 文字列ではありません"))
            continue
        name = normal_name(line)
        if not name or name in out:
            continue
        if len(name) > NAME_LIMIT:
            message = f"{n}行目: {NAME_LIMIT}文字以内にしてください（{len(name)}文字）"
            errors.append(FieldError(FIELD, LABEL, message))
        elif "\x00" in name:
            errors.append(FieldError(FIELD, LABEL, f"{n}行目: 制御文字（NUL）は使えません"))
        elif len(out) == MAX_NAMES:
            message = f"{n}行目: 発出元は{MAX_NAMES}件までです（ここで{MAX_NAMES + 1}件目）"
            errors.append(FieldError(FIELD, LABEL, message))
            break  # every further line would say the same
        else:
            out.append(name)
    if errors:
        raise ValidationError(errors)
    return tuple(out)


def load_issuer_list(session: Session) -> tuple[str, ...]:
    """The saved list; ``STARTER_ISSUERS`` when none is saved or the saved value cannot
    be read (an emptied list is a saved empty list)."""
    stored = session.get(Setting, SETTING_KEY)
    if stored is None or not isinstance(stored.value, dict):
        return STARTER_ISSUERS
    names = stored.value.get("names")
    if not isinstance(names, list):
        return STARTER_ISSUERS
    try:
        return clean_issuer_list(names)
    except ValidationError:
        return STARTER_ISSUERS


def save_issuer_list(session: Session, lines: Iterable[object]) -> tuple[str, ...]:
    """Validate and store the list; raises ValidationError (nothing written)."""
    clean = clean_issuer_list(lines)
    value = {"names": list(clean)}
    stored = session.get(Setting, SETTING_KEY)
    if stored is None:
        session.add(Setting(key=SETTING_KEY, value=value))
    elif stored.value != value:
        stored.value = value
    session.flush()
    return clean


# --- what is offered -----------------------------------------------------------------------


def issuers_in_use(session: Session) -> list[IssuerUse]:
    """Every issuer the notices name, most used first (then by name)."""
    stmt = (
        select(Notice.issuer, func.count())
        .group_by(Notice.issuer)
        .order_by(func.count().desc(), Notice.issuer)
    )
    return [IssuerUse(name, count) for name, count in session.execute(stmt) if name]


def offered_issuers(session: Session) -> list[str]:
    """What the issuer field offers: the issuers in use, most used first, then the saved
    list's names not among them (in the list's order)."""
    used = [use.name for use in issuers_in_use(session)]
    taken = set(used)
    return used + [name for name in load_issuer_list(session) if name not in taken]


# --- unifying how an issuer is written ----------------------------------------------------------


def _collisions(session: Session, old: str, new: str) -> list[tuple[Notice, Notice]]:
    """Pairs (a notice of ``old``, the hand-entered notice of ``new`` it would become
    the same as): hand-entered notices are one per issuer, issue date and title."""
    mine, theirs = aliased(Notice), aliased(Notice)
    stmt = (
        select(mine, theirs)
        .join(theirs, and_(
            theirs.issuer == new,
            theirs.feed_guid.is_(None),
            theirs.title == mine.title,
            theirs.issued_on.is_not_distinct_from(mine.issued_on),
        ))
        .where(mine.issuer == old, mine.feed_guid.is_(None))
        .order_by(mine.issued_on, mine.id)
        .limit(6)
    )  # fmt: skip
    return [(a, b) for a, b in session.execute(stmt)]


def _refuse_collisions(session: Session, old: str, new: str) -> None:
    pairs = _collisions(session, old, new)
    if not pairs:
        return
    named = [
        f"「{b.title}」（{b.issued_on.isoformat() if b.issued_on else '発出日なし'}、"
        f"ID {a.id} と ID {b.id}）"
        for a, b in pairs[:5]
    ]
    more = "ほか" if len(pairs) > 5 else ""
    raise ValidationError([FieldError("new", RENAME_LABELS["new"], (
        f"置き換えると同じ発出元・発出日・件名の通知が重なります: {'、'.join(named)}{more}。"
        "どちらかの件名か発出日を直すか、一方を削除してから置き換えてください"
    ))])  # fmt: skip


def rename_issuer(session: Session, old: str, new: str) -> int:
    """Write ``new`` as the issuer of every notice whose issuer is ``old`` (表記ゆれ:
    「総務省自治行政局」 → 「総務省 自治行政局」), and in the saved list in its place;
    returns how many notices changed. Refused (ValidationError, nothing written) when
    ``new`` is not a valid issuer, ``old`` is neither used nor listed, or two hand-entered
    notices would then have the same issuer, issue date and title.

    Each notice is changed as an ORM object and flushed, so its history says so."""
    r = FieldReader(RENAME_LABELS, {"old": old, "new": new})
    old = r.text("old", 10_000, required=True)  # as stored: it only has to be found
    new = normal_name(r.text("new", NAME_LIMIT, required=True))
    r.raise_if_failed()
    listed = load_issuer_list(session)
    notices = session.scalars(select(Notice).where(Notice.issuer == old)).all()
    if not notices and old not in listed:
        r.error("old", f"「{old}」を発出元とする通知はありません")
    elif new == old:
        r.error("new", "今の表記と同じです")
    r.raise_if_failed()
    _refuse_collisions(session, old, new)
    for notice in notices:
        notice.issuer = new
    session.flush()
    if old in listed:
        save_issuer_list(session, [new if name == old else name for name in listed])
    return len(notices)
