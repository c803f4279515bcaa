"""Recurring tasks on a real SQLite file: the rule's validation (impossible rules refused
naming the field, nothing written), generating a 年度 (idempotent; moved, completed and
edited occurrences left alone; links copied; the closure-days setting obeyed), completing
a task with and without its work-log entry (all or nothing), and the starter set."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from app.services import links
from app.services.errors import NotFoundError, ValidationError
from app.services.inventory.assets import create_asset
from app.services.tasks import business_days, series, starter
from app.services.tasks.completion import complete_task
from app.services.tasks.recurrence import occurrences
from app.store.models import BusinessSystem, Notice, Runbook, Setting, Task, TaskSeries
from app.store.models import WorkLogEntry as Entry

D = date
TABLES = (
    "task_series", "tasks", "worklog_entries", "change_log", "settings", "task_assets",
    "task_systems", "task_notices", "task_runbooks", "task_series_assets",
    "task_series_systems", "task_series_runbooks", "worklog_notices", "worklog_runbooks",
)  # fmt: skip


def snapshot(db: Any) -> dict[str, list[Any]]:
    """Every row of the tables these services write."""
    with db.engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT * FROM {t} ORDER BY 1")).all() for t in TABLES}


def new_series(db: Any, **values: Any) -> int:
    with db.sessions.begin() as s:
        return series.create_series(s, {"title": "定例作業", **values}).id


def tasks_of(db: Any, series_id: int) -> list[Task]:
    with db.sessions() as s:
        stmt = select(Task).where(Task.series_id == series_id).order_by(Task.occurrence_on)
        return list(s.scalars(stmt))


def generate(db: Any, series_id: int | None, fy: int) -> series.GenerationResult:
    with db.sessions.begin() as s:
        return series.generate_fiscal_year(s, series_id, fy)


# --- the rule's validation ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "said"),
    [
        ({"rule": "yearly", "month": 2, "day": 30}, "日: 2月30日はありません（2月は29日まで）"),
        ({"rule": "yearly", "month": 4, "day": 31}, "日: 4月31日はありません（4月は30日まで）"),
        ({"rule": "monthly", "day": 0}, "日: 1〜31で入力してください"),
        ({"rule": "interval", "interval_days": 0, "starts_on": "R8.4.1"}, "間隔（日）: 1〜"),
        ({"rule": "nth_weekday", "nth": 6, "weekday": 0}, "第n週: 1〜5、または -1（最終）"),
        ({"rule": "nth_weekday", "nth": 1, "weekday": 7}, "曜日: 0（月曜日）〜6（日曜日）"),
        ({"rule": "nth_weekday", "nth": 1, "weekday": 0, "month": 13}, "月: 1〜12"),
        ({"rule": "yearly", "month": "十三", "day": 1}, "月: 整数で入力してください"),
        (
            {"rule": "monthly", "day": 1, "starts_on": "2027-04-01", "ends_on": "2027-03-31"},
            "終了日: 開始日（2027-04-01（R9.4.1））より前です",
        ),
        ({"rule": "interval", "interval_days": 7}, "開始日: 「一定の日数ごと」では必須です"),
        ({"rule": "yearly", "month": 5}, "日: 「毎年（月日）」では必須です"),
        (
            {"rule": "weekly"},
            "繰り返し: 毎年（月日）・毎月（日）・一定の日数ごと・第n曜日のいずれか",
        ),
        ({"rule": "monthly", "day": 1, "business_day": "later"}, "休日の場合: そのまま・"),
        ({"rule": "monthly", "day": 1, "priority": 9}, "優先度: 1（高）・2（中）・3（低）"),
        ({"rule": "monthly", "day": 1, "title": ""}, "件名: 必須です"),
        ({"rule": "monthly", "day": 1, "colour": "red"}, "colour: 不明な項目です"),
    ],
)
def test_impossible_rules_are_refused_naming_the_field(db: Any, values: Any, said: str) -> None:
    before = snapshot(db)
    with pytest.raises(ValidationError) as caught, db.sessions.begin() as s:
        series.create_series(s, {"title": "定例作業", **values})
    assert said in str(caught.value)
    assert snapshot(db) == before


def test_every_problem_is_listed_in_the_order_of_the_fields(db: Any) -> None:
    with pytest.raises(ValidationError) as caught, db.sessions.begin() as s:
        series.create_series(s, {"title": "", "rule": "nth_weekday", "nth": 6, "weekday": 7})
    assert [e.field for e in caught.value.errors] == ["title", "nth", "weekday"]


def test_a_rule_takes_full_width_digits_and_wareki_dates(db: Any) -> None:
    sid = new_series(db, rule="yearly", month="１０", day="１", starts_on="R8.4.1")
    with db.sessions() as s:
        got = s.get(TaskSeries, sid)
        assert (got.month, got.day, got.starts_on) == (10, 1, D(2026, 4, 1))
        assert (got.priority, got.business_day, got.active) == (2, "previous", True)


def test_fields_the_rule_does_not_read_are_cleared(db: Any) -> None:
    # An editor may send every field; a hidden one keeps whatever it held.
    sid = new_series(db, rule="monthly", day=15, month=3, nth=9, interval_days=0)
    with db.sessions.begin() as s:
        got = s.get(TaskSeries, sid)
        assert (got.day, got.month, got.nth, got.interval_days) == (15, None, None, None)
        series.update_series(s, sid, {"rule": "yearly", "month": 3})
        assert (got.rule, got.month, got.day) == ("yearly", 3, 15)
        series.update_series(s, sid, {"rule": "nth_weekday", "nth": -1, "weekday": 4})
        assert (got.month, got.day, got.nth, got.weekday) == (3, None, -1, 4)
        series.update_series(s, sid, {"title": "年度末の作業"})
        assert (got.title, got.rule, got.nth) == ("年度末の作業", "nth_weekday", -1)


def test_an_update_is_validated_with_the_values_it_keeps(db: Any) -> None:
    sid = new_series(db, rule="yearly", month=4, day=30)
    before = snapshot(db)
    with pytest.raises(ValidationError, match="4月31日はありません"), db.sessions.begin() as s:
        series.update_series(s, sid, {"day": 31})
    assert snapshot(db) == before
    with db.sessions.begin() as s, pytest.raises(NotFoundError, match="繰り返しタスク"):
        series.update_series(s, 999, {"day": 1})


# --- generating a 年度 -------------------------------------------------------------------


def test_an_occurrence_takes_the_rule_s_fields_and_its_moved_date(db: Any) -> None:
    sid = new_series(
        db, title="予算要求", body="財政担当へ提出", priority=1, rule="yearly", month=10,
        day=3, business_day="previous",
    )  # fmt: skip
    result = generate(db, sid, 2026)
    [task] = tasks_of(db, sid)
    assert result == series.GenerationResult(2026, (task.id,), 0)
    assert (task.title, task.body, task.priority, task.status) == (
        "予算要求",
        "財政担当へ提出",
        1,
        "open",
    )
    # 2026-10-03 is a Saturday: due on Friday the 2nd.
    assert (task.occurrence_on, task.due_date, task.fiscal_year) == (
        D(2026, 10, 3),
        D(2026, 10, 2),
        2026,
    )


def test_january_to_march_occurrences_belong_to_the_year_before(db: Any) -> None:
    sid = new_series(db, rule="monthly", day=31, business_day="keep")
    generate(db, sid, 2026)
    got = tasks_of(db, sid)
    assert len(got) == 12 and {t.fiscal_year for t in got} == {2026}
    assert (got[0].due_date, got[-1].due_date) == (D(2026, 4, 30), D(2027, 3, 31))
    assert D(2027, 2, 28) in {t.due_date for t in got}


def test_generating_twice_adds_nothing(db: Any) -> None:
    sid = new_series(db, rule="nth_weekday", nth=-1, weekday=4)
    first = generate(db, sid, 2026)
    before = snapshot(db)
    again = generate(db, sid, 2026)
    assert len(first.created) == 12
    assert again == series.GenerationResult(2026, (), 12)
    assert snapshot(db) == before


def test_moved_completed_and_edited_occurrences_are_left_alone(db: Any) -> None:
    sid = new_series(db, rule="monthly", day=10, business_day="next")
    generate(db, sid, 2026)
    april, may, june = tasks_of(db, sid)[:3]
    with db.sessions.begin() as s:
        s.get(Task, april.id).due_date = D(2026, 4, 20)
        complete_task(s, may.id, D(2026, 5, 8), log=False)
        s.get(Task, june.id).title = "6月分（担当変更）"
    before = snapshot(db)
    assert generate(db, sid, 2026).created == ()
    assert snapshot(db) == before
    got = {t.id: t for t in tasks_of(db, sid)}
    assert got[april.id].due_date == D(2026, 4, 20)
    assert (got[may.id].status, got[may.id].completed_on) == ("done", D(2026, 5, 8))
    assert got[june.id].title == "6月分（担当変更）"


def test_only_missing_occurrences_are_added(db: Any) -> None:
    sid = new_series(db, rule="monthly", day=1, business_day="keep")
    generate(db, sid, 2026)
    with db.sessions.begin() as s:
        gone = s.scalars(select(Task).where(Task.occurrence_on == D(2026, 7, 1))).one()
        s.delete(gone)
    result = generate(db, sid, 2026)
    assert result.existing == 11 and len(result.created) == 1
    assert len(tasks_of(db, sid)) == 12


def test_each_year_is_generated_for_itself(db: Any) -> None:
    sid = new_series(db, rule="yearly", month=2, day=29, business_day="keep")
    generate(db, sid, 2026)
    generate(db, sid, 2027)
    got = tasks_of(db, sid)
    assert [(t.occurrence_on, t.fiscal_year) for t in got] == [
        (D(2027, 2, 28), 2026),
        (D(2028, 2, 29), 2027),
    ]


def test_the_rule_s_links_are_copied_to_each_new_occurrence(db: Any) -> None:
    with db.sessions.begin() as s:
        asset = create_asset(s, {"asset_tag": "SV-01", "name": "ファイルサーバ"}).id
        system = BusinessSystem(name="財務会計システム")
        runbook = Runbook(title="バックアップ復元手順")
        s.add_all([system, runbook])
        s.flush()
        sid = series.create_series(s, {"title": "復元テスト", "rule": "monthly", "day": 5}).id
        for kind, other in (("asset", asset), ("system", system.id), ("runbook", runbook.id)):
            links.link(s, "task_series", sid, kind, other)
        system_id, runbook_id = system.id, runbook.id
    result = generate(db, sid, 2026)
    with db.sessions() as s:
        for task_id in result.created:
            assert links.linked_ids(s, "task", task_id, "asset") == [asset]
            assert links.linked_ids(s, "task", task_id, "system") == [system_id]
            assert links.linked_ids(s, "task", task_id, "runbook") == [runbook_id]
        assert len(links.linked_ids(s, "asset", asset, "task")) == 12


def test_every_active_rule_or_one_named_rule(db: Any) -> None:
    a = new_series(db, title="A", rule="yearly", month=6, day=1)
    b = new_series(db, title="B", rule="yearly", month=7, day=1)
    off = new_series(db, title="止めた作業", rule="yearly", month=8, day=3, active=False)
    assert len(generate(db, b, 2026).created) == 1
    result = generate(db, None, 2026)
    assert (len(result.created), result.existing) == (1, 1)
    assert [len(tasks_of(db, sid)) for sid in (a, b, off)] == [1, 1, 0]
    with pytest.raises(ValidationError, match="「止めた作業」は無効です"), db.sessions.begin() as s:
        series.generate_fiscal_year(s, off, 2026)
    with pytest.raises(NotFoundError), db.sessions.begin() as s:
        series.generate_fiscal_year(s, 999, 2026)


@pytest.mark.parametrize("fy", [1999, 2101, "2026", True])
def test_a_bad_fiscal_year_is_refused(db: Any, fy: Any) -> None:
    new_series(db, rule="monthly", day=1)
    before = snapshot(db)
    with pytest.raises(ValidationError, match="年度: "), db.sessions.begin() as s:
        series.generate_fiscal_year(s, None, fy)
    assert snapshot(db) == before


def test_generation_follows_the_closure_days_setting(db: Any) -> None:
    sid = new_series(db, rule="yearly", month=12, day=29, business_day="next")
    with db.sessions.begin() as s:
        assert business_days.load_closures(s) == business_days.DEFAULT_CLOSURES
        business_days.save_closures(s, ["8/13〜8/15"])  # the year-end days are open
    generate(db, sid, 2026)
    assert [t.due_date for t in tasks_of(db, sid)] == [D(2026, 12, 29)]


# --- the closure-days setting ------------------------------------------------------------


def test_closure_days_are_saved_loaded_and_validated(db: Any) -> None:
    with db.sessions.begin() as s:
        saved = business_days.save_closures(s, ["１２／２９～１／３", "8月13日から8月15日まで"])
    with db.sessions() as s:
        assert business_days.load_closures(s) == saved
        assert s.get(Setting, business_days.SETTING_KEY).value == {
            "ranges": ["12/29〜1/3", "8/13〜8/15"]
        }
    before = snapshot(db)
    with pytest.raises(ValidationError, match="2行目「4/31」"), db.sessions.begin() as s:
        business_days.save_closures(s, ["12/29〜1/3", "4/31"])
    assert snapshot(db) == before
    with db.sessions.begin() as s:
        business_days.save_closures(s, [])
    with db.sessions() as s:
        assert business_days.load_closures(s) == ()  # none, not the default


def test_an_unreadable_setting_falls_back_to_the_year_end_closure(db: Any) -> None:
    with db.sessions.begin() as s:
        s.add(Setting(key=business_days.SETTING_KEY, value={"ranges": ["2/30"]}))
    with db.sessions() as s:
        assert business_days.load_closures(s) == business_days.DEFAULT_CLOSURES


# --- completing a task -------------------------------------------------------------------


def one_off_task(db: Any, **links_to: list[int]) -> int:
    with db.sessions.begin() as s:
        task = Task(title="プリンタ入替", body="3階", due_date=D(2026, 11, 10))
        s.add(task)
        s.flush()
        for kind, ids in links_to.items():
            for other in ids:
                links.link(s, "task", task.id, kind, other)
        return task.id


def test_completing_without_a_log_entry(db: Any) -> None:
    tid = one_off_task(db)
    with db.sessions.begin() as s:
        assert complete_task(s, tid, D(2026, 11, 5), log=False) is None
    with db.sessions() as s:
        task = s.get(Task, tid)
        assert (task.status, task.completed_on) == ("done", D(2026, 11, 5))
        assert s.scalar(select(func.count()).select_from(Entry)) == 0


def test_completing_with_a_log_entry_carries_the_links(db: Any) -> None:
    with db.sessions.begin() as s:
        pc = create_asset(s, {"asset_tag": "PC-7", "name": "窓口PC"}).id
        systems = [BusinessSystem(name="住民記録"), BusinessSystem(name="税務")]
        notice = Notice(issuer="総務省", title="照会")
        runbook = Runbook(title="プリンタ設定手順")
        s.add_all([*systems, notice, runbook])
        s.flush()
        ids = {"system": [x.id for x in systems], "notice": [notice.id], "runbook": [runbook.id]}
    tid = one_off_task(db, asset=[pc], **ids)
    with db.sessions.begin() as s:
        entry = complete_task(s, tid, D(2026, 11, 5), log=True, minutes=45, note=" 設置完了 ")
        assert entry is not None
        entry_id = entry.id
    with db.sessions() as s:
        got = s.get(Entry, entry_id)
        assert (got.occurred_on, got.title, got.category, got.minutes, got.body) == (
            D(2026, 11, 5),
            "プリンタ入替",
            "タスク",
            45,
            "設置完了",
        )
        # One asset: named by the entry; two systems: the task's links say which.
        assert (got.task_id, got.asset_id, got.system_id) == (tid, pc, None)
        assert links.linked_ids(s, "worklog", entry_id, "notice") == ids["notice"]
        assert links.linked_ids(s, "worklog", entry_id, "runbook") == ids["runbook"]
        assert s.get(Task, tid).status == "done"


def test_an_occurrence_s_log_entry_is_filed_as_recurring_work(db: Any) -> None:
    sid = new_series(db, title="証明書の有効期限確認", rule="monthly", day=1)
    [tid, *_] = generate(db, sid, 2026).created
    with db.sessions.begin() as s:
        entry = complete_task(s, tid, D(2026, 4, 1), log=True)
        assert entry is not None
        assert (entry.category, entry.minutes, entry.title) == (
            "定例業務",
            None,
            "証明書の有効期限確認",
        )
        other = complete_task(s, tid + 1, D(2026, 5, 1), log=True, category="保守・点検")
        assert other is not None and other.category == "保守・点検"


@pytest.mark.parametrize(
    ("kwargs", "said"),
    [
        ({"log": True, "minutes": -1}, "作業時間（分）: 0〜1440分"),
        ({"log": True, "minutes": 1441}, "作業時間（分）: 0〜1440分"),
        ({"log": True, "note": "あ" * 20_001}, "内容: 20000文字以内"),
        ({"log": True, "category": "あ" * 41}, "分類: 40文字以内"),
        ({"log": False, "minutes": 30}, "作業時間（分）: 作業ログを残さない場合は入力できません"),
        ({"log": False, "note": "メモ"}, "内容: 作業ログを残さない場合は入力できません"),
        ({"log": True, "on": "2026-11-05"}, "完了日: 完了日を日付で指定してください"),
    ],
)
def test_a_refused_completion_changes_nothing(db: Any, kwargs: Any, said: str) -> None:
    tid = one_off_task(db)
    before = snapshot(db)
    on = kwargs.pop("on", D(2026, 11, 5))
    with db.sessions.begin() as s:
        with pytest.raises(ValidationError) as caught:
            complete_task(s, tid, on, **kwargs)
        assert not s.dirty and not s.new  # refused before anything changed
    assert said in str(caught.value)
    assert snapshot(db) == before


def test_a_task_is_completed_once(db: Any) -> None:
    tid = one_off_task(db)
    with db.sessions.begin() as s:
        complete_task(s, tid, D(2026, 11, 5), log=True, minutes=10)
    before = snapshot(db)
    refused = r"状態: 既に完了しています（完了日 2026-11-05"
    with pytest.raises(ValidationError, match=refused), db.sessions.begin() as s:
        complete_task(s, tid, D(2026, 11, 6), log=True, minutes=10)
    assert snapshot(db) == before
    with pytest.raises(NotFoundError, match="タスク"), db.sessions.begin() as s:
        complete_task(s, 999, D(2026, 11, 6), log=False)


# --- the starter set ---------------------------------------------------------------------


def test_the_starter_set_loads_and_every_item_is_a_sound_rule() -> None:
    items = starter.load_starter()
    titles = [i.title for i in items]
    assert len(items) >= 10 and len(set(titles)) == len(titles)
    assert "予算要求（情報システム関係経費）" in titles
    for item in items:
        assert series.clean_series_input(item.values) == item.values
        rule = series.rule_of(TaskSeries(**item.values))
        assert occurrences(rule, 2026), item.title  # each happens every 年度


def test_the_starter_file_is_versioned_data(tmp_path: Path) -> None:
    bundled = json.loads(starter.starter_path().read_text(encoding="utf-8"))
    assert bundled["version"] == starter.VERSION

    def broken(document: Any) -> str:
        path = tmp_path / "starter_yearly.json"
        raw = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False)
        path.write_text(raw, encoding="utf-8")
        with pytest.raises(starter.StarterError) as caught:
            starter.load_starter(path)
        return str(caught.value)

    item = {"title": "x", "rule": "yearly", "month": 4, "day": 1}
    assert "を読めません" in broken("{")
    assert "版（version: 2）に対応していません" in broken({"version": 2, "items": []})
    assert "items の一覧がありません" in broken({"version": 1})
    assert "使えない項目があります: starts_on" in broken(
        {"version": 1, "items": [{**item, "starts_on": "2026-04-01"}]}
    )
    assert "1件目「x」が正しくありません:\n日: 4月31日はありません" in broken(
        {"version": 1, "items": [{**item, "day": 31}]}
    )
    assert "同じ件名が2件以上あります: x" in broken({"version": 1, "items": [item, item]})


def test_adopting_the_starter_set_twice_adds_nothing(db: Any) -> None:
    items = starter.load_starter()
    with db.sessions.begin() as s:
        first = starter.adopt_starter(s, 2026, chosen=None)
    expected = sum(len(occurrences(series.rule_of(TaskSeries(**i.values)), 2026)) for i in items)
    assert (len(first.created), first.already) == (len(items), ())
    assert len(first.generation.created) == expected
    before = snapshot(db)
    with db.sessions.begin() as s:
        again = starter.adopt_starter(s, 2026, chosen=None)
    assert again.created == () and len(again.already) == len(items)
    assert again.generation.created == () and again.generation.existing == expected
    assert snapshot(db) == before


def test_adopting_chosen_items_and_the_next_year(db: Any) -> None:
    budget, closing = (
        "予算要求（情報システム関係経費）",
        "出納閉鎖（5月31日）までの前年度分の支払確認",
    )
    with db.sessions.begin() as s:
        first = starter.adopt_starter(s, 2026, chosen=[budget])
        later = starter.adopt_starter(s, 2027, chosen=[budget, closing])
    assert len(first.created) == 1 and len(first.generation.created) == 1
    assert len(later.created) == 1 and later.already == (budget,)
    assert len(later.generation.created) == 2  # FY2027 of both
    with db.sessions() as s:
        got = s.execute(select(Task.title, Task.fiscal_year).order_by(Task.due_date)).all()
    assert got == [(budget, 2026), (closing, 2027), (budget, 2027)]


def test_adopting_an_unknown_item_writes_nothing(db: Any) -> None:
    before = snapshot(db)
    chosen = ["予算要求（情報システム関係経費）", "存在しない作業"]
    refused = "雛形にない件名です: 存在しない作業"
    with pytest.raises(ValidationError, match=refused), db.sessions.begin() as s:
        starter.adopt_starter(s, 2026, chosen=chosen)
    assert snapshot(db) == before
