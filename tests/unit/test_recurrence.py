"""Recurrence rules and business days, without a database: the dates each rule gives in a
年度 (April–March), leap years, month ends, nth and last weekdays, intervals across the
year end, the rule's period; public holidays (振替休日, 国民の休日), the year-end closure
and the closure-days setting's parsing; and properties that must hold for every rule."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.services.errors import ValidationError
from app.services.tasks.business_days import (
    DEFAULT_CLOSURES,
    MAX_CLOSED_DAYS,
    ClosureRange,
    MonthDay,
    adjust,
    clean_closures,
    closed_days,
    is_business_day,
    is_holiday,
    parse_closure,
)
from app.services.tasks.recurrence import (
    Occurrence,
    Rule,
    nth_weekday,
    occurrences,
    rule_dates,
    rule_problems,
)

D = date


def yearly(month: int, day: int, **kw: Any) -> Rule:
    return Rule("yearly", month=month, day=day, **kw)


# --- the 年度 ------------------------------------------------------------------------------


def test_january_to_march_belong_to_the_year_that_began_the_april_before() -> None:
    assert rule_dates(yearly(4, 1), 2026) == [D(2026, 4, 1)]
    assert rule_dates(yearly(12, 31), 2026) == [D(2026, 12, 31)]
    assert rule_dates(yearly(1, 1), 2026) == [D(2027, 1, 1)]
    assert rule_dates(yearly(3, 31), 2026) == [D(2027, 3, 31)]
    assert rule_dates(yearly(3, 31), 2025) == [D(2026, 3, 31)]


def test_monthly_runs_from_april_to_march() -> None:
    got = rule_dates(Rule("monthly", day=10), 2026)
    assert [(d.year, d.month) for d in got] == [(2026, m) for m in range(4, 13)] + [
        (2027, m) for m in range(1, 4)
    ]
    assert {d.day for d in got} == {10}


# --- leap years and month ends -----------------------------------------------------------


@pytest.mark.parametrize(
    ("fy", "expected"),
    [
        (2026, D(2027, 2, 28)),  # common year
        (2027, D(2028, 2, 29)),  # leap year
        (2099, D(2100, 2, 28)),  # a century: not a leap year
        (2399, D(2400, 2, 29)),  # divisible by 400: a leap year
    ],
)
def test_february_29_falls_on_the_28th_in_common_years(fy: int, expected: date) -> None:
    assert rule_dates(yearly(2, 29), fy) == [expected]


def test_monthly_day_31_takes_each_month_s_last_day() -> None:
    got = rule_dates(Rule("monthly", day=31), 2027)  # February 2028 has 29 days
    assert got == [
        D(2027, 4, 30), D(2027, 5, 31), D(2027, 6, 30), D(2027, 7, 31), D(2027, 8, 31),
        D(2027, 9, 30), D(2027, 10, 31), D(2027, 11, 30), D(2027, 12, 31), D(2028, 1, 31),
        D(2028, 2, 29), D(2028, 3, 31),
    ]  # fmt: skip


def test_monthly_day_30_in_february() -> None:
    assert D(2027, 2, 28) in rule_dates(Rule("monthly", day=30), 2026)
    assert D(2100, 2, 28) in rule_dates(Rule("monthly", day=30), 2099)


# --- nth weekdays ------------------------------------------------------------------------


def test_last_friday_of_every_month() -> None:
    got = rule_dates(Rule("nth_weekday", nth=-1, weekday=4), 2026)
    assert got[0] == D(2026, 4, 24)
    assert got[-1] == D(2027, 3, 26)
    assert len(got) == 12
    assert all(d.weekday() == 4 and (d + timedelta(days=7)).month != d.month for d in got)


def test_a_fifth_weekday_is_skipped_in_months_without_one() -> None:
    # Mondays of FY2026: only June, August, November 2026 and March 2027 have five.
    got = rule_dates(Rule("nth_weekday", nth=5, weekday=0), 2026)
    assert got == [D(2026, 6, 29), D(2026, 8, 31), D(2026, 11, 30), D(2027, 3, 29)]


def test_a_rule_that_cannot_occur_this_year_gives_nothing() -> None:
    # A 5th Tuesday of February exists only when February 1 is a Tuesday in a leap year.
    rule = Rule("nth_weekday", nth=5, weekday=1, month=2)
    assert rule_dates(rule, 2026) == []
    assert occurrences(rule, 2026) == []
    assert rule_dates(rule, 2027) == [D(2028, 2, 29)]


def test_nth_weekday_of_one_month_only() -> None:
    # The 2nd Wednesday of December, and of March (which belongs to the next calendar year).
    assert rule_dates(Rule("nth_weekday", nth=2, weekday=2, month=12), 2026) == [D(2026, 12, 9)]
    assert rule_dates(Rule("nth_weekday", nth=2, weekday=2, month=3), 2026) == [D(2027, 3, 10)]


def test_nth_weekday_helper_on_the_first_and_last_days() -> None:
    assert nth_weekday(2026, 6, 1, 0) == D(2026, 6, 1)  # June 2026 begins on a Monday
    assert nth_weekday(2026, 5, -1, 6) == D(2026, 5, 31)  # and May ends on a Sunday
    assert nth_weekday(2026, 4, 5, 0) is None


# --- intervals and the period ------------------------------------------------------------


def test_interval_runs_across_the_year_end_and_into_the_next_year() -> None:
    rule = Rule("interval", interval_days=14, starts_on=D(2026, 12, 21))
    fy2026 = rule_dates(rule, 2026)
    assert fy2026[:3] == [D(2026, 12, 21), D(2027, 1, 4), D(2027, 1, 18)]
    assert fy2026[-1] == D(2027, 3, 29)
    # The next 年度 carries on from the same start, not from its own April 1.
    assert rule_dates(rule, 2027)[0] == D(2027, 4, 12)


def test_interval_started_years_before() -> None:
    start = D(2019, 5, 1)
    got = rule_dates(Rule("interval", interval_days=10, starts_on=start), 2026)
    assert got[0] >= D(2026, 4, 1) and got[0] - timedelta(days=10) < D(2026, 4, 1)
    assert all((d - start).days % 10 == 0 for d in got)
    assert len(got) in (36, 37)


def test_interval_longer_than_a_year_skips_years() -> None:
    rule = Rule("interval", interval_days=730, starts_on=D(2026, 6, 1))
    assert rule_dates(rule, 2026) == [D(2026, 6, 1)]
    assert rule_dates(rule, 2027) == []
    assert rule_dates(rule, 2028) == [D(2028, 5, 31)]


def test_starts_on_and_ends_on_bound_the_dates_inclusively() -> None:
    rule = Rule("monthly", day=15, starts_on=D(2026, 6, 16), ends_on=D(2026, 9, 15))
    assert rule_dates(rule, 2026) == [D(2026, 7, 15), D(2026, 8, 15), D(2026, 9, 15)]
    assert rule_dates(rule, 2025) == []  # ended before, or not begun
    assert rule_dates(rule, 2027) == []
    one_day = yearly(10, 1, starts_on=D(2026, 10, 1), ends_on=D(2026, 10, 1))
    assert rule_dates(one_day, 2026) == [D(2026, 10, 1)]


# --- impossible rules --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "field", "message"),
    [
        (yearly(2, 30), "day", "2月30日はありません（2月は29日まで）"),
        (yearly(4, 31), "day", "4月31日はありません（4月は30日まで）"),
        (Rule("monthly", day=0), "day", "1〜31で入力してください"),
        (Rule("monthly", day=32), "day", "1〜31で入力してください"),
        (Rule("interval", interval_days=0, starts_on=D(2026, 4, 1)), "interval_days", "1〜"),
        (Rule("nth_weekday", nth=6, weekday=0), "nth", "1〜5、または -1（最終）"),
        (Rule("nth_weekday", nth=0, weekday=0), "nth", "1〜5、または -1（最終）"),
        (Rule("nth_weekday", nth=1, weekday=7), "weekday", "0（月曜日）〜6（日曜日）"),
        (Rule("nth_weekday", nth=1, weekday=0, month=13), "month", "1〜12"),
        (yearly(13, 1), "month", "1〜12"),
        (yearly(5, 1, starts_on=D(2026, 5, 1), ends_on=D(2026, 4, 30)), "ends_on", "より前"),
        (Rule("interval", interval_days=7), "starts_on", "「一定の日数ごと」では必須です"),
        (Rule("yearly", month=5), "day", "「毎年（月日）」では必須です"),
        (Rule("monthly", day=1, weekday=2), "weekday", "「毎月（日）」では指定しません"),
        (Rule("weekly"), "rule", "のいずれかを選んでください"),
        (Rule("monthly", day=1, business_day="later"), "business_day", "翌営業日"),
    ],
)
def test_impossible_rules_name_the_field(rule: Rule, field: str, message: str) -> None:
    problems = rule_problems(rule)
    assert field in problems
    assert message in problems[field]
    with pytest.raises(ValueError, match="impossible"):
        rule_dates(rule, 2026)


def test_sound_rules_have_no_problems() -> None:
    for rule in (
        yearly(2, 29),
        Rule("monthly", day=31),
        Rule("interval", interval_days=1, starts_on=D(2026, 4, 1)),
        Rule("nth_weekday", nth=-1, weekday=6, month=3),
    ):
        assert rule_problems(rule) == {}


# --- business days -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "business"),
    [
        (D(2026, 5, 1), True),  # Friday before Golden Week
        (D(2026, 5, 2), False),  # Saturday
        (D(2026, 5, 3), False),  # 憲法記念日 (a Sunday)
        (D(2026, 5, 6), False),  # 振替休日 for 5/3
        (D(2026, 5, 7), True),
        (D(2026, 9, 21), False),  # 敬老の日
        (D(2026, 9, 22), False),  # 国民の休日 (between two holidays)
        (D(2026, 9, 23), False),  # 秋分の日
        (D(2026, 9, 24), True),
        (D(2026, 12, 28), True),
        (D(2026, 12, 29), False),  # year-end closure (a Tuesday)
        (D(2027, 1, 3), False),
        (D(2027, 1, 4), True),
    ],
)
def test_business_days(day: date, business: bool) -> None:
    assert is_business_day(day) is business


def test_holidays_of_jpholiday() -> None:
    assert is_holiday(D(2026, 5, 6)) and is_holiday(D(2026, 9, 22))
    assert not is_holiday(D(2026, 12, 29))  # a closure day, not a public holiday
    assert is_business_day(D(2026, 12, 29), closures=())


@pytest.mark.parametrize(
    ("rule", "expected"),
    [("keep", D(2026, 5, 4)), ("previous", D(2026, 5, 1)), ("next", D(2026, 5, 7))],
)
def test_adjust_around_golden_week(rule: str, expected: date) -> None:
    assert adjust(D(2026, 5, 4), rule) == expected


def test_adjust_across_the_year_end_closure() -> None:
    assert adjust(D(2026, 12, 31), "previous") == D(2026, 12, 28)
    assert adjust(D(2026, 12, 31), "next") == D(2027, 1, 4)
    assert adjust(D(2026, 12, 31), "next", closures=()) == D(2026, 12, 31)


def test_adjust_leaves_a_business_day_where_it_is() -> None:
    for rule in ("keep", "previous", "next"):
        assert adjust(D(2026, 5, 7), rule) == D(2026, 5, 7)


def test_adjust_refuses_an_unknown_rule_and_a_year_without_business_days() -> None:
    with pytest.raises(ValueError, match="unknown"):
        adjust(D(2026, 5, 4), "nearest")
    # clean_closures refuses such a setting; built by hand, it must not loop for ever.
    every_day = (ClosureRange(MonthDay(1, 1), MonthDay(12, 31)),)
    with pytest.raises(ValueError, match="no business day"):
        adjust(D(2026, 5, 4), "next", every_day)


def test_occurrences_keep_the_rule_date_and_move_the_due_date() -> None:
    got = occurrences(yearly(5, 5, business_day="previous"), 2026)
    assert got == [Occurrence(D(2026, 5, 5), D(2026, 5, 1))]
    assert occurrences(yearly(5, 5, business_day="keep"), 2026) == [
        Occurrence(D(2026, 5, 5), D(2026, 5, 5))
    ]


def test_dates_landing_on_the_same_business_day_make_one_occurrence() -> None:
    daily = Rule("interval", interval_days=1, starts_on=D(2026, 12, 25), business_day="next")
    got = [o for o in occurrences(daily, 2026) if o.due <= D(2027, 1, 5)]
    # Fri 12/25; Sat 12/26–Mon 12/28 → Mon 12/28; 12/29–1/3 (closure) → Mon 1/4; Tue 1/5.
    assert got == [
        Occurrence(D(2026, 12, 25), D(2026, 12, 25)),
        Occurrence(D(2026, 12, 26), D(2026, 12, 28)),
        Occurrence(D(2026, 12, 29), D(2027, 1, 4)),
        Occurrence(D(2027, 1, 5), D(2027, 1, 5)),
    ]


def test_a_closure_setting_moves_dates() -> None:
    obon = (ClosureRange(MonthDay(8, 13), MonthDay(8, 14)),)
    rule = yearly(8, 13, business_day="previous")
    # 8/11 is 山の日, so Wednesday 8/12 is the last business day before the closure.
    assert occurrences(rule, 2026, obon) == [Occurrence(D(2026, 8, 13), D(2026, 8, 12))]
    assert occurrences(rule, 2026) == [Occurrence(D(2026, 8, 13), D(2026, 8, 13))]


# --- the closure days as people write them -----------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["12/29〜1/3", "12/29-1/3", "12/29 ~ 1/3", "１２／２９～１／３", "12月29日から1月3日まで"],
)
def test_closure_ranges_as_written(text: str) -> None:
    assert parse_closure(text) == DEFAULT_CLOSURES[0]


def test_a_single_closure_day_and_february_29() -> None:
    assert parse_closure("8/15") == ClosureRange(MonthDay(8, 15), MonthDay(8, 15))
    leap_day = parse_closure("2/29")
    assert leap_day.contains(D(2028, 2, 29)) and not leap_day.contains(D(2027, 3, 1))


def test_closure_range_across_the_year_end() -> None:
    closure = DEFAULT_CLOSURES[0]
    assert [closure.contains(D(2026, 12, n)) for n in (28, 29, 31)] == [False, True, True]
    assert [closure.contains(D(2027, 1, n)) for n in (1, 3, 4)] == [True, True, False]
    assert str(closure) == "12/29〜1/3"
    assert closed_days(DEFAULT_CLOSURES) == 6


def test_bad_closure_lines_are_named() -> None:
    with pytest.raises(ValidationError) as caught:
        clean_closures(["12/29〜1/3", "", "2/30", "13/1〜13/2", "年末年始"])
    messages = [str(e) for e in caught.value.errors]
    assert messages == [
        "休業日（年末年始など）: 3行目「2/30」: 2月30日はありません（2月は29日まで）",
        "休業日（年末年始など）: 4行目「13/1〜13/2」: 13月はありません",
        "休業日（年末年始など）: 5行目「年末年始」: "
        "「12/29〜1/3」のように 月/日〜月/日 で入力してください",
    ]


def test_closures_are_deduplicated_and_bounded() -> None:
    assert clean_closures(["12/29〜1/3", "１２／２９～１／３", " "]) == DEFAULT_CLOSURES
    assert clean_closures([]) == ()
    with pytest.raises(ValidationError, match=f"{MAX_CLOSED_DAYS}日以内"):
        clean_closures(["1/1〜12/31"])
    assert len(clean_closures(["7/1〜8/29"])) == 1  # exactly 60 days


# --- properties --------------------------------------------------------------------------

MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
fiscal_years = st.integers(min_value=2000, max_value=2100)
moves = st.sampled_from(["keep", "previous", "next"])
any_dates = st.dates(D(1999, 1, 1), D(2102, 12, 31))


@st.composite
def rules(draw: st.DrawFn) -> Rule:
    kind = draw(st.sampled_from(["yearly", "monthly", "interval", "nth_weekday"]))
    starts_on, ends_on = draw(st.none() | any_dates), draw(st.none() | any_dates)
    if kind == "interval" and starts_on is None:
        starts_on = draw(any_dates)
    if starts_on and ends_on and ends_on < starts_on:
        starts_on, ends_on = ends_on, starts_on
    common = {"business_day": draw(moves), "starts_on": starts_on, "ends_on": ends_on}
    if kind == "yearly":
        month = draw(st.integers(1, 12))
        return Rule(kind, month=month, day=draw(st.integers(1, MONTH_DAYS[month - 1])), **common)
    if kind == "monthly":
        return Rule(kind, day=draw(st.integers(1, 31)), **common)
    if kind == "interval":
        return Rule(kind, interval_days=draw(st.integers(1, 800)), **common)
    return Rule(
        kind,
        nth=draw(st.sampled_from([1, 2, 3, 4, 5, -1])),
        weekday=draw(st.integers(0, 6)),
        month=draw(st.none() | st.integers(1, 12)),
        **common,
    )


@settings(max_examples=300, deadline=None)
@given(rule=rules(), fy=fiscal_years)
def test_every_date_is_in_the_year_and_the_period_in_order(rule: Rule, fy: int) -> None:
    assert rule_problems(rule) == {}
    got = rule_dates(rule, fy)
    first, last = D(fy, 4, 1), D(fy + 1, 3, 31)
    assert all(first <= d <= last for d in got)
    assert all(rule.starts_on is None or d >= rule.starts_on for d in got)
    assert all(rule.ends_on is None or d <= rule.ends_on for d in got)
    assert all(a < b for a, b in pairwise(got))


@settings(max_examples=300, deadline=None)
@given(rule=rules(), fy=fiscal_years)
def test_each_date_is_what_the_rule_says(rule: Rule, fy: int) -> None:
    got = rule_dates(rule, fy)
    for d in got:
        last_day = calendar.monthrange(d.year, d.month)[1]
        if rule.rule == "yearly":
            assert (d.month, d.day) == (rule.month, min(rule.day or 0, last_day))
        elif rule.rule == "monthly":
            assert d.day == min(rule.day or 0, last_day)
        elif rule.rule == "interval":
            assert rule.starts_on is not None and rule.interval_days is not None
            assert (d - rule.starts_on).days % rule.interval_days == 0
        else:
            assert d.weekday() == rule.weekday and rule.month in (None, d.month)
            if rule.nth == -1:
                assert d.day + 7 > last_day
            else:
                assert (d.day - 1) // 7 + 1 == rule.nth
    if rule.rule == "monthly" and rule.starts_on is None and rule.ends_on is None:
        assert len(got) == 12  # every month, however short


@settings(max_examples=300, deadline=None)
@given(rule=rules(), fy=fiscal_years)
def test_occurrences_land_on_business_days_in_order(rule: Rule, fy: int) -> None:
    dates = rule_dates(rule, fy)
    got = occurrences(rule, fy)
    assert {o.on for o in got} <= set(dates)
    assert all(a.on < b.on for a, b in pairwise(got))
    assert all(a.due < b.due for a, b in pairwise(got))
    for o in got:
        if rule.business_day == "keep":
            assert o.due == o.on
            continue
        assert is_business_day(o.due)
        # Moved to the nearest business day: none lies between the rule date and the due date.
        low, high = sorted((o.on, o.due))
        between = [low + timedelta(days=n) for n in range((high - low).days + 1)]
        assert [d for d in between if is_business_day(d)] == [o.due]
        assert (o.due <= o.on) if rule.business_day == "previous" else (o.due >= o.on)
    # Only dates that share a due date with an earlier one are dropped.
    kept = {o.on for o in got}
    for d in dates:
        if d not in kept:
            assert adjust(d, rule.business_day) in {o.due for o in got}
