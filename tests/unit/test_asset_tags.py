"""The next free asset tag follows the ledger's own pattern."""

from __future__ import annotations

import pytest

from app.services.inventory.asset_tags import next_asset_tag
from app.store.models import Asset


def add(db, *tags: str) -> None:
    with db.sessions.begin() as s:
        s.add_all([Asset(asset_tag=t, name=t) for t in tags])


@pytest.mark.parametrize(
    ("tags", "like", "expected"),
    [
        (["HT-PC-00039", "HT-PC-00040", "HT-SV-00100"], "HT-PC-00002", "HT-PC-00041"),
        (["00123", "00099"], "00099", "00124"),  # leading zeros kept
        (["A-9"], "A-9", "A-10"),  # grows past its width
        (["PC-9", "PC-0010"], "PC-9", "PC-0011"),  # as wide as the widest in use
        (["50%_1", "50a_7"], "50%_1", "50%_2"),  # LIKE's wildcards taken literally
        (["HT-PC-00040", "HT-PC-00040-2"], "HT-PC-00040", "HT-PC-00041"),  # other patterns
        (["ノートPC-3", "ノートPC-12"], "ノートPC-3", "ノートPC-13"),
        (["台帳外"], "台帳外", ""),  # no number at the end: nothing to follow
    ],
)
def test_the_next_tag_in_the_same_pattern(db, tags, like, expected) -> None:
    add(db, *tags)
    with db.sessions() as s:
        assert next_asset_tag(s, like) == expected


def test_without_a_model_the_latest_asset_sets_the_pattern(db) -> None:
    with db.sessions() as s:
        assert next_asset_tag(s) == ""  # an empty ledger: nothing proposed
    add(db, "SV-0001", "PC-0007", "PC-0008")
    with db.sessions() as s:
        assert next_asset_tag(s) == "PC-0009"
