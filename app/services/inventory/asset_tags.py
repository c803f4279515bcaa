"""The next free asset tag in a ledger's own pattern: 「HT-PC-00041」 after 「HT-PC-00040」,
「00124」 after 「00123」 (leading zeros kept), 「A-9」 → 「A-10」.

A tag's pattern is its text up to its last run of digits; the next tag is the highest
number in use with that prefix plus one, as wide as the tags in use.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.store.models import Asset

_TAIL_NUMBER = re.compile(r"^(.*?)(\d+)$")


def next_asset_tag(session: Session, like: str | None = None) -> str:
    """The next free tag in the pattern of ``like`` (default: the most recently added
    asset's tag); "" when there is no pattern to follow (no assets, or a tag without a
    number at its end)."""
    if like is None:
        like = session.scalar(select(Asset.asset_tag).order_by(Asset.id.desc()).limit(1))
    found = _TAIL_NUMBER.match(like or "")
    if found is None:
        return ""
    prefix, digits = found.groups()
    pattern = re.compile(re.escape(prefix) + r"(\d+)")
    tags = session.scalars(
        select(Asset.asset_tag).where(
            Asset.asset_tag.startswith(prefix, autoescape=True),
            func.length(Asset.asset_tag) <= len(prefix) + 18,
        )
    )
    highest, width = int(digits), len(digits)
    for tag in tags:
        number = pattern.fullmatch(tag)
        if number is not None:
            highest = max(highest, int(number.group(1)))
            width = max(width, len(number.group(1)))
    return f"{prefix}{highest + 1:0{width}d}"
