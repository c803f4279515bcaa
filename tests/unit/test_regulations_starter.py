"""The register's starter set on a real SQLite file: the bundled file holds only the facts
of FACTS.md; adopting it twice adds nothing; a later set adds its new entries and
versions and keeps the officer's edits and deletions; a broken file, a file of the wrong
shape and a file from a newer program are refused before anything is written."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.services.regulations import register as reg
from app.services.regulations import starter
from app.store.models import Regulation, RegulationVersion, Setting
from tests.unit.test_regulations_register import TODAY, dump, new_rule

D = date
GUIDELINE = "地方公共団体における情報セキュリティポリシーに関するガイドライン"


def write(tmp_path: Path, document: Any, name: str = "starter.json") -> Path:
    path = tmp_path / name
    raw = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False)
    path.write_text(raw, encoding="utf-8")
    return path


def adopt(db: Any, path: Path | None = None) -> starter.AdoptionResult:
    with db.sessions.begin() as s:
        return starter.adopt_starter(s, starter.load_starter(path) if path else None)


def versions_of(db: Any, key: str) -> dict[str, tuple[str, date | None, date | None]]:
    with db.sessions() as s:
        rule = s.scalars(select(Regulation).where(Regulation.starter_key == key)).one()
        return {v.starter_key: (v.label, v.revised_on, v.effective_on) for v in rule.versions}


# --- the bundled set ------------------------------------------------------------------------


def test_the_bundled_set_holds_the_known_national_rules_and_dates() -> None:
    loaded = starter.load_starter()
    assert loaded.version == starter.VERSION == 1
    by_key = {e.key: e for e in loaded.entries}
    assert all(e.values["origin"] == "national" for e in loaded.entries)
    law = by_key["standardization_act"]
    assert (law.values["number"], law.values["kind"]) == ("令和3年法律第40号", "law")
    assert [(v.values["revised_on"], v.values["effective_on"]) for v in law.versions] == [
        (D(2021, 5, 19), D(2021, 9, 1))
    ]
    policy = by_key["standardization_basic_policy"]
    assert [v.values["revised_on"] for v in policy.versions] == [
        D(2022, 10, 7), D(2023, 9, 8), D(2024, 12, 24),
    ]  # fmt: skip
    guideline = by_key["security_policy_guideline"]
    assert guideline.title == GUIDELINE
    assert [v.values["revised_on"] for v in guideline.versions] == [
        D(2018, 9, 1), D(2020, 12, 1), D(2022, 3, 1), D(2023, 3, 1), D(2024, 10, 1),
        D(2025, 3, 1),
    ]  # fmt: skip
    assert all("月のみ判明" in v.values["changes"] for v in guideline.versions)
    cloud = by_key["gov_cloud_usage"]
    assert [(v.values["label"], v.values["revised_on"]) for v in cloud.versions] == [
        ("第2.0版", D(2024, 4, 24))
    ]
    assert "利用に関する基準" in cloud.values["notes"]
    procedure = by_key["standardization_procedure"]
    assert [v.values["revised_on"] for v in procedure.versions] == [D(2021, 7, 7)]
    assert by_key["mynumber_act"].versions == ()  # FACTS.md gives no date
    # no date beyond those above: nothing invented
    dates = {d for e in loaded.entries for v in e.versions
             for d in (v.values.get("revised_on"), v.values.get("effective_on")) if d}  # fmt: skip
    assert len(dates) == 13


def test_adopting_twice_adds_nothing_the_second_time(db: Any) -> None:
    first = adopt(db)
    assert len(first.added_entries) == 6 and len(first.added_versions) == 12
    assert first.summary() == (
        "法令・規程台帳の初期データから法令・規程 6 件と改定 12 件を追加しました（登録済み 0 件）"
    )
    with db.sessions() as s:
        setting = s.get(Setting, starter.SETTING_KEY)
        assert setting is not None and setting.value["version"] == 1
        assert "security_policy_guideline/2025-03" in setting.value["keys"]
        rows = reg.register_rows(s, TODAY)
    current = {r.title: r.current_label for r in rows}
    assert current[GUIDELINE] == "令和7年3月改定"
    assert current["行政手続における特定の個人を識別するための番号の利用等に関する法律"] == ""
    before = dump(db)
    again = adopt(db)
    assert (again.added_entries, again.added_versions, len(again.already)) == ((), (), 6)
    assert dump(db) == before


# --- upgrading ------------------------------------------------------------------------------


def entry(key: str, title: str, *versions: dict[str, Any], **values: Any) -> dict[str, Any]:
    return {"key": key, "title": title, "kind": "guideline", "origin": "national",
            "versions": list(versions), **values}  # fmt: skip


def version(key: str, label: str, revised_on: str) -> dict[str, Any]:
    return {"key": key, "label": label, "revised_on": revised_on}


def test_a_later_set_adds_what_is_new_and_keeps_edits_and_deletions(
    db: Any, tmp_path: Path
) -> None:
    a1, a2 = version("a1", "第1版", "2020-04-01"), version("a2", "第2版", "2021-04-01")
    b1 = version("b1", "初版", "2019-04-01")
    entries = [entry("a", "指針A", a1, notes="原文"), entry("b", "指針B", b1),
               entry("c", "指針C", a1, a2)]  # fmt: skip
    v1 = {"version": 1, "entries": entries}
    first = adopt(db, write(tmp_path, v1))
    assert first.added_entries == ("指針A", "指針B", "指針C")
    with db.sessions.begin() as s:
        a = s.scalars(select(Regulation).where(Regulation.starter_key == "a")).one()
        reg.update_regulation(s, a.id, {"title": "指針A（自団体メモ付き）", "notes": "編集した"})
        b = s.scalars(select(Regulation).where(Regulation.starter_key == "b")).one()
        reg.delete_regulation(s, b.id)
        c = s.scalars(select(Regulation).where(Regulation.starter_key == "c")).one()
        reg.delete_version(s, next(v.id for v in c.versions if v.starter_key == "a2"))
        reg.add_version(s, a.id, {"label": "自分で追加", "revised_on": "2022-01-01"}, today=TODAY)
    d1 = version("d1", "制定", "2023-04-01")
    v2 = {"version": 1, "entries": [entry("a", "指針A", a1, a2, notes="新しい原文"),
                                     entry("b", "指針B", b1), entry("c", "指針C", a1, a2),
                                     entry("d", "指針D", d1)]}  # fmt: skip
    later = adopt(db, write(tmp_path, v2))
    assert later.added_entries == ("指針D",)
    assert later.added_versions == ("指針A（自団体メモ付き） 第2版", "指針D 制定")
    assert later.skipped_deleted == ("指針B", "指針C 第2版")
    assert later.already == ("指針A", "指針C")
    assert later.summary() == (
        "法令・規程台帳の初期データから法令・規程 1 件と改定 2 件を追加しました"
        "（登録済み 2 件、削除されたため追加しなかったもの 2 件）"
    )
    with db.sessions() as s:
        a = s.scalars(select(Regulation).where(Regulation.starter_key == "a")).one()
        assert (a.title, a.notes) == ("指針A（自団体メモ付き）", "編集した")
        assert s.scalars(select(Regulation).where(Regulation.starter_key == "b")).first() is None
    assert set(versions_of(db, "a")) == {"a1", "a2", None}
    assert set(versions_of(db, "c")) == {"a1"}
    before = dump(db)
    assert adopt(db, write(tmp_path, v2)).added_versions == ()
    assert dump(db) == before


def test_an_entry_named_like_a_rule_entered_by_hand_is_not_added(db: Any, tmp_path: Path) -> None:
    mine = new_rule(db, "指針A", owner="総務課")
    result = adopt(db, write(tmp_path, {"version": 1, "entries": [entry("a", "指針A")]}))
    assert (result.added_entries, result.same_title) == ((), ("指針A",))
    assert "同じ名称の法令・規程があるため追加しなかったもの 1 件" in result.summary()
    with db.sessions() as s:
        rule = s.get(Regulation, mine)
        assert rule is not None and (rule.starter_key, rule.owner) == (None, "総務課")


def test_a_lost_setting_still_matches_the_rows_keys(db: Any) -> None:
    adopt(db)
    with db.sessions.begin() as s:
        setting = s.get(Setting, starter.SETTING_KEY)
        assert setting is not None
        setting.value = "壊れた値"
    again = adopt(db)
    assert (again.added_entries, again.added_versions) == ((), ())
    with db.sessions() as s:
        assert s.get(Setting, starter.SETTING_KEY).value["version"] == 1  # type: ignore[union-attr]


# --- refused files --------------------------------------------------------------------------


GOOD = entry("a", "指針A", version("a1", "第1版", "2020-04-01"))


@pytest.mark.parametrize(
    ("document", "said"),
    [
        ("{", "法令・規程台帳の初期データ（starter.json）を読めません: "),
        ("\ufeff\x00", "を読めません"),
        ([GOOD], "の形が正しくありません"),
        ({"version": 2, "entries": []},
         "の版（version: 2）はこのプログラムより新しいため読めません。Hitori を更新してください"),
        ({"version": 0, "entries": []}, "の版（version: 0）に対応していません"),
        ({"version": True, "entries": []}, "の版（version: True）に対応していません"),
        ({"version": "1", "entries": []}, "の版（version: 1）に対応していません"),
        ({"version": 1}, "に entries の一覧がありません"),
        ({"version": 1, "entries": ["x"]}, "1件目が項目の形（{…}）になっていません"),
        ({"version": 1, "entries": [{**GOOD, "key": "A B"}]}, "1件目の key が正しくありません"),
        ({"version": 1, "entries": [{**GOOD, "starter_key": "x"}]},
         "1件目「指針A」に使えない項目があります: starter_key"),
        ({"version": 1, "entries": [{**GOOD, "kind": "treaty"}]},
         "1件目「指針A」が正しくありません: 種別: 選択肢にない値です: treaty"),
        ({"version": 1, "entries": [{**GOOD, "title": "x" * 301}]}, "名称: 300文字以内"),
        ({"version": 1, "entries": [{**GOOD, "versions": {}}]}, "versions が一覧になっていません"),
        ({"version": 1, "entries": [entry("a", "指針A", {"key": "a1", "label": "第1版"})]},
         "1番目の改定「a1」が正しくありません: 公布・改定日: 公布・改定日か施行日のどちらかを"),
        ({"version": 1, "entries": [entry("a", "指針A", {**version("a1", "x", "2020-04-01"),
                                                        "effective_on": "2020-03-01"})]},
         "施行日（2020-03-01）が公布・改定日（2020-04-01）より前です"),
        ({"version": 1, "entries": [entry("a", "指針A", {**version("a1", "x", "2020-04-01"),
                                                        "notice_id": 1})]},
         "使えない項目があります: notice_id"),
        ({"version": 1, "entries": [entry("a", "指針A", version("a1", "x", "2020-04-01"),
                                          version("a1", "y", "2021-04-01"))]},
         "同じ key の改定が2件以上あります: a1"),
        ({"version": 1, "entries": [GOOD, {**GOOD, "title": "指針B"}]},
         "同じkeyの項目が2件以上あります: a"),
        ({"version": 1, "entries": [GOOD, {**GOOD, "key": "b"}]},
         "同じ名称の項目が2件以上あります: 指針A"),
    ],
)  # fmt: skip
def test_a_broken_or_newer_file_is_refused_and_nothing_is_written(
    db: Any, tmp_path: Path, document: Any, said: str
) -> None:
    adopt(db, write(tmp_path, {"version": 1, "entries": [GOOD]}, "first.json"))
    before = dump(db)
    path = write(tmp_path, document)
    with pytest.raises(starter.StarterError) as caught, db.sessions.begin() as s:
        starter.adopt_starter(s, starter.load_starter(path))
    assert said in str(caught.value)
    assert dump(db) == before
    with db.sessions() as s:
        assert len(s.scalars(select(RegulationVersion)).all()) == 1


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(starter.StarterError, match="を読めません"):
        starter.load_starter(tmp_path / "none.json")
