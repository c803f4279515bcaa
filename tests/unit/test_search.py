"""Global search: Japanese 1-2 character queries, width/kana folding, ranking, hostile input."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from app.services.search import SearchQueryError, global_search
from app.store import search_index
from app.store.models import Asset, Department, Location, Notice, SearchDoc, Vendor, WorkLogEntry
from app.store.search_text import EmptyQuery, index_tokens, match_expression, normalize, runs


@pytest.fixture
def filled(db):
    with db.sessions.begin() as s:
        s.add_all(
            [
                Department(name="総務課"),
                Department(name="税務課"),
                Location(name="本庁舎2階 サーバ室"),
                Vendor(
                    name="株式会社ひとり電算",
                    kana="ひとりでんさん",
                    support_hours="平日 8:30〜17:15",
                ),
                Asset(asset_tag="HT-PC-0001", name="総務課 事務用PC", hostname="SOMU-PC-0001"),
                Asset(
                    asset_tag="HT-SV-0002", name="ファイルサーバ", notes="保守契約は令和9年3月まで"
                ),
                Asset(asset_tag="HT-NW-0003", name="ｺｱｽｲｯﾁ", manufacturer="YAMAHA"),
                Notice(issuer="総務省", title="標準化に関する通知について", summary="期限の変更"),
                WorkLogEntry(
                    occurred_on=__import__("datetime").date(2026, 4, 1),
                    title="課内PCの入替",
                    body="保守業者と調整した",
                ),
            ]
        )
    return db


def titles(db, query: str) -> set[str]:
    with db.sessions() as s:
        return {h.title for g in global_search(s, query).groups for h in g.hits}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("総務", {"総務課", "総務課 事務用PC", "標準化に関する通知について"}),
        ("保守", {"ファイルサーバ", "課内PCの入替"}),
        ("通知", {"標準化に関する通知について"}),
        ("課", {"総務課", "税務課", "総務課 事務用PC", "課内PCの入替"}),
        ("サーバ室", {"本庁舎2階 サーバ室"}),
        ("ひとり電算", {"株式会社ひとり電算"}),
    ],
)
def test_short_and_long_japanese_queries(filled, query: str, expected: set[str]) -> None:
    assert titles(filled, query) == expected


@pytest.mark.parametrize(
    "query",
    ["コアスイッチ", "ｺｱｽｲｯﾁ", "こあすいっち", "コアｽｲｯﾁ"],
)
def test_full_half_width_and_kana_fold(filled, query: str) -> None:
    assert titles(filled, query) == {"ｺｱｽｲｯﾁ"}


@pytest.mark.parametrize("query", ["ＨＴ－ＰＣ－０００１", "ht-pc-0001", "somu-pc", "ＳＯＭＵ"])
def test_ascii_width_and_case(filled, query: str) -> None:
    assert "総務課 事務用PC" in titles(filled, query)


def test_all_terms_must_match(filled) -> None:
    assert titles(filled, "総務 通知") == {"標準化に関する通知について"}
    assert titles(filled, "総務 存在しない") == set()


def test_title_hits_rank_above_body_hits(filled) -> None:
    with filled.sessions.begin() as s:
        s.add(Asset(asset_tag="HT-X-9", name="保守用ノートPC"))
    with filled.sessions() as s:
        results = global_search(s, "保守")
    assets = next(g for g in results.groups if g.kind == "asset").hits
    assert [h.title for h in assets] == ["保守用ノートPC", "ファイルサーバ"]
    assert assets[0].score < assets[1].score


def test_groups_are_ordered_by_best_hit_and_labelled(filled) -> None:
    with filled.sessions() as s:
        results = global_search(s, "総務課")
    labels = [g.label for g in results.groups]
    assert "部署" in labels and "資産" in labels
    best = [min(h.score for h in g.hits) for g in results.groups]
    assert best == sorted(best)


@pytest.mark.parametrize(
    "query",
    ['"', "*", "AND", "NEAR(", "）", '" * AND NEAR( ）', "OR", "NOT 総務", "総務*", "col:x", "%_"],
)
def test_operators_and_symbols_are_plain_text(filled, query: str) -> None:
    with filled.sessions() as s:
        try:
            results = global_search(s, query)
        except SearchQueryError as exc:
            assert "検索語" in str(exc)
            return
    # "NOT 総務" searches for both words; nothing contains "not".
    assert all(h.title for g in results.groups for h in g.hits)


def test_operator_words_do_not_act_as_operators(filled) -> None:
    # If NOT were an operator this would return everything with 総務 removed.
    assert titles(filled, "総務 OR 税務") == set()


@pytest.mark.parametrize(("query", "word"), [("", "入力"), ("   ", "入力"), ("x" * 201, "長すぎ")])
def test_empty_and_too_long_queries(filled, query: str, word: str) -> None:
    with filled.sessions() as s, pytest.raises(SearchQueryError, match=word):
        global_search(s, query)


def test_symbols_only_query_is_reported(filled) -> None:
    with filled.sessions() as s, pytest.raises(SearchQueryError, match="文字または数字"):
        global_search(s, "（）「」！？")


def test_index_follows_edits_and_deletes(filled) -> None:
    with filled.sessions.begin() as s:
        asset = s.execute(select(Asset).where(Asset.asset_tag == "HT-SV-0002")).scalar_one()
        asset.name = "バックアップ装置"
    assert "バックアップ装置" in titles(filled, "バックアップ")
    assert "ファイルサーバ" not in titles(filled, "ファイル")
    with filled.sessions.begin() as s:
        s.delete(s.execute(select(Asset).where(Asset.asset_tag == "HT-SV-0002")).scalar_one())
    assert titles(filled, "バックアップ") == set()
    with filled.sessions() as s:
        docs = s.execute(select(func.count(SearchDoc.id))).scalar_one()
        fts = s.execute(text("SELECT count(*) FROM search_fts")).scalar_one()
    assert docs == fts


def test_rollback_leaves_index_unchanged(filled) -> None:
    with filled.sessions() as s:
        s.add(Asset(asset_tag="HT-X-1", name="幻の端末"))
        s.flush()
        s.rollback()
    assert titles(filled, "幻の端末") == set()


def test_rebuild_matches_incremental_index(filled) -> None:
    before = {q: titles(filled, q) for q in ("課", "保守", "サーバ", "通知")}
    with filled.sessions.begin() as s:
        count = search_index.rebuild(s)
    assert count == 9
    assert {q: titles(filled, q) for q in before} == before


def test_tokens_and_expression() -> None:
    assert index_tokens("総務課") == "総務 務課 課"
    assert index_tokens("A") == "a"
    assert normalize("ＰＣ　ｻｰﾊﾞ") == "pc さーば"
    assert match_expression("課") == '"課"*'
    assert match_expression("総務") == '"総務"'
    assert match_expression("総務課") == '"総務 務課"'
    with pytest.raises(EmptyQuery):
        match_expression("!!")


@given(st.text(max_size=60))
def test_index_tokens_are_each_runs_bigrams_then_its_last_character(text: str) -> None:
    expected: list[str] = []
    for run in runs(text):
        expected += [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]
    assert index_tokens(text).split(" ") == expected if expected else index_tokens(text) == ""


# White space of every kind beside characters that NFKC composes, expands or turns into
# spaces: tokenising word by word (index_tokens) must equal tokenising the whole text.
_TRICKY = st.text(
    alphabet=st.sampled_from(" \u3000\u00a0\t\n\x1c\u2028ｶﾞﾊﾟ゛゜\u3099\u309aカはＡß①⑴¨\u0301e_-"),
    max_size=40,
)


@given(_TRICKY)
def test_index_tokens_word_by_word_equal_whole_text(text: str) -> None:
    expected: list[str] = []
    for run in runs(text):
        expected += [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]
    assert index_tokens(text) == " ".join(expected)


@given(st.text(max_size=60))
def test_normalize_folds_width_case_and_katakana(text: str) -> None:
    table = {c: c - 0x60 for c in range(0x30A1, 0x30F7)}
    assert normalize(text) == unicodedata.normalize("NFKC", text).casefold().translate(table)
