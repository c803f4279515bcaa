"""Unit tests for app.jdate (和暦 parsing / formatting / fiscal years)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest

from app.jdate import (
    JDateError,
    add_months,
    era_of,
    fiscal_year,
    fiscal_year_label,
    fiscal_year_range,
    format_date,
    parse_date,
    parse_optional_date,
    to_wareki,
)

TODAY = date(2026, 1, 15)
D_2026_03_31 = date(2026, 3, 31)


# --------------------------------------------------------------------------- parse: accepted


@pytest.mark.parametrize(
    "text",
    [
        # 西暦
        "2026-03-31",
        "2026-3-31",
        "2026/3/31",
        "2026/03/31",
        "2026.3.31",
        "20260331",
        "2026年3月31日",
        "2026年 3月 31日",
        "2026年03月31日",
        "2026年3月31",
        "２０２６／０３／３１",
        "２０２６－０３－３１",
        "２０２６年　３月　３１日",
        "２０２６０３３１",
        "  2026-03-31  ",
        "\t2026/3/31\n",
        "2026 / 3 / 31",
        # 和暦 (kanji)
        "令和8年3月31日",
        "令和８年３月３１日",
        "令和 8年 3月 31日",
        "令和08年03月31日",
        "R8年3月31日",
        # 和暦 (short)
        "R8.3.31",
        "R8/3/31",
        "R8-3-31",
        "r8.3.31",
        "R08.03.31",
        "R 8.3.31",
        "Ｒ８．３．３１",
        "ｒ８．３．３１",
        "Ｒ８／３／３１",
        "令8.3.31",
        "令和8.3.31",
        "令8年3月31日",
        # squared era ligatures (NFKC)
        "㋿8.3.31",
        "㋿8年3月31日",
        # dash look-alikes
        "2026ー03ー31",
        "2026−03−31",
        "R8‐3‐31",
        # weekday suffix (matching)
        "2026年3月31日(火)",
        "2026年3月31日（火）",
        "2026年3月31日（火曜日）",
        "R8.3.31(火)",
        "2026-03-31 (火曜)",
    ],
)
def test_parse_forms_of_2026_03_31(text: str) -> None:
    assert parse_date(text) == D_2026_03_31


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和元年5月1日", date(2019, 5, 1)),
        ("令和1年5月1日", date(2019, 5, 1)),
        ("令和01年5月1日", date(2019, 5, 1)),
        ("R1.5.1", date(2019, 5, 1)),
        ("R元.5.1", date(2019, 5, 1)),
        ("令元年5月1日", date(2019, 5, 1)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("平成1年1月8日", date(1989, 1, 8)),
        ("H1.1.8", date(1989, 1, 8)),
        ("昭和元年12月25日", date(1926, 12, 25)),
        ("大正元年7月30日", date(1912, 7, 30)),
        ("明治元年1月1日", date(1868, 1, 1)),
        ("明治6年1月1日", date(1873, 1, 1)),
        ("M6.1.1", date(1873, 1, 1)),
        ("m45.7.29", date(1912, 7, 29)),
        ("t15.12.24", date(1926, 12, 24)),
        ("s64.1.7", date(1989, 1, 7)),
        ("h31.4.30", date(2019, 4, 30)),
        ("H31.4.30", date(2019, 4, 30)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("平31.4.30", date(2019, 4, 30)),
        ("昭64.1.7", date(1989, 1, 7)),
        ("大15.12.24", date(1926, 12, 24)),
        ("明45.7.29", date(1912, 7, 29)),
        ("㍻31.4.30", date(2019, 4, 30)),
        ("㍼64.1.7", date(1989, 1, 7)),
        ("㍽15.12.24", date(1926, 12, 24)),
        ("㍾45.7.29", date(1912, 7, 29)),
        ("Ｈ３１．４．３０", date(2019, 4, 30)),
        ("Ｓ６４．１．７", date(1989, 1, 7)),
        ("2024-02-29", date(2024, 2, 29)),
        ("2000-02-29", date(2000, 2, 29)),
        ("令和6年2月29日", date(2024, 2, 29)),
        ("1900-02-28", date(1900, 2, 28)),
    ],
)
def test_parse_era_dates(text: str, expected: date) -> None:
    assert parse_date(text) == expected


# Era boundaries: (last day of old era, first day of new era, old-era text, new-era text)
ERA_BOUNDARIES = [
    (date(1912, 7, 29), date(1912, 7, 30), "明治45年7月29日", "大正元年7月30日"),
    (date(1926, 12, 24), date(1926, 12, 25), "大正15年12月24日", "昭和元年12月25日"),
    (date(1989, 1, 7), date(1989, 1, 8), "昭和64年1月7日", "平成元年1月8日"),
    (date(2019, 4, 30), date(2019, 5, 1), "平成31年4月30日", "令和元年5月1日"),
]
ERA_BOUNDARY_SHORT = [
    ("M45.7.29", "T1.7.30"),
    ("T15.12.24", "S1.12.25"),
    ("S64.1.7", "H1.1.8"),
    ("H31.4.30", "R1.5.1"),
]


@pytest.mark.parametrize(("last", "first", "old_text", "new_text"), ERA_BOUNDARIES)
def test_parse_era_boundaries(last: date, first: date, old_text: str, new_text: str) -> None:
    assert parse_date(old_text) == last
    assert parse_date(new_text) == first


@pytest.mark.parametrize(("last", "first", "old_text", "new_text"), ERA_BOUNDARIES)
def test_to_wareki_era_boundaries(last: date, first: date, old_text: str, new_text: str) -> None:
    assert to_wareki(last) == old_text
    assert to_wareki(first) == new_text


@pytest.mark.parametrize(
    ("boundary", "short"), list(zip(ERA_BOUNDARIES, ERA_BOUNDARY_SHORT, strict=True))
)
def test_to_wareki_short_era_boundaries(
    boundary: tuple[date, date, str, str], short: tuple[str, str]
) -> None:
    last, first, _, _ = boundary
    assert to_wareki(last, style="short") == short[0]
    assert to_wareki(first, style="short") == short[1]
    assert parse_date(short[0]) == last
    assert parse_date(short[1]) == first


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # after the era's end but within tolerance: accepted, normalised arithmetically
        ("平成31年5月1日", date(2019, 5, 1)),
        ("H31.5.1", date(2019, 5, 1)),
        ("平成31年12月31日", date(2019, 12, 31)),
        ("平成32年1月1日", date(2020, 1, 1)),
        ("H32.3.31", date(2020, 3, 31)),
        ("平成36年12月31日", date(2024, 12, 31)),
        ("昭和64年1月8日", date(1989, 1, 8)),
        ("昭和65年4月1日", date(1990, 4, 1)),
        ("昭和69年1月1日", date(1994, 1, 1)),
        ("大正15年12月25日", date(1926, 12, 25)),
        ("大正20年1月1日", date(1931, 1, 1)),
        ("明治45年7月30日", date(1912, 7, 30)),
        ("明治50年1月1日", date(1917, 1, 1)),
    ],
)
def test_parse_past_era_end_is_tolerated(text: str, expected: date) -> None:
    assert parse_date(text) == expected


def test_parse_month_day_uses_today_year() -> None:
    assert parse_date("3/31", today=TODAY) == date(2026, 3, 31)
    assert parse_date("3月31日", today=TODAY) == date(2026, 3, 31)
    assert parse_date("１２月１日", today=date(2030, 6, 1)) == date(2030, 12, 1)
    assert parse_date("12/1", today=date(2030, 6, 1)) == date(2030, 12, 1)


def test_parse_month_day_defaults_to_current_year() -> None:
    before = date.today().year
    parsed = parse_date("1/1")
    after = date.today().year  # tolerate a New Year's Eve midnight rollover
    assert parsed in {date(before, 1, 1), date(after, 1, 1)}


# --------------------------------------------------------------------------- parse: errors


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("平成37年1月1日", ["平成37年", "範囲を超えています", "平成は31年まで"]),
        ("平成40年1月1日", ["平成40年", "範囲を超えています", "平成は31年まで"]),
        ("H40.1.1", ["平成40年", "範囲を超えています", "平成は31年まで"]),
        ("昭和70年1月1日", ["昭和70年", "範囲を超えています", "昭和は64年まで"]),
        ("大正21年1月1日", ["大正21年", "範囲を超えています", "大正は15年まで"]),
        ("明治51年1月1日", ["明治51年", "範囲を超えています", "明治は45年まで"]),
        ("令和0年1月1日", ["令和0年", "存在しません"]),
        ("R0.5.1", ["令和0年", "存在しません"]),
        ("平成0年1月8日", ["平成0年", "存在しません"]),
        ("令和元年4月30日", ["令和は2019年5月1日からです", "開始前"]),
        ("R1.4.30", ["令和は2019年5月1日からです"]),
        ("平成元年1月7日", ["平成は1989年1月8日からです", "開始前"]),
        ("昭和元年12月24日", ["昭和は1926年12月25日からです"]),
        ("大正元年7月29日", ["大正は1912年7月30日からです"]),
        ("2026-02-30", ["2月30日", "存在しない日付"]),
        ("令和8年2月30日", ["2月30日", "存在しない日付"]),
        ("2026-04-31", ["4月31日", "存在しない日付"]),
        ("2023-02-29", ["2023年2月29日", "存在しない日付", "うるう年"]),
        ("令和5年2月29日", ["令和5年2月29日", "存在しない日付", "うるう年"]),
        ("1900-02-29", ["1900年2月29日", "うるう年"]),
        ("2026-13-01", ["13月", "存在しません"]),
        ("R8.13.1", ["13月", "存在しません"]),
        ("2026-00-10", ["0月", "存在しません"]),
        ("2026-01-00", ["1月0日", "存在しない日付"]),
        ("20260132", ["1月32日", "存在しない日付"]),
        ("0000-01-01", ["西暦0年", "存在しません"]),
        ("", ["日付が入力されていません"]),
        ("   ", ["日付が入力されていません"]),
        ("\u3000", ["日付が入力されていません"]),
        ("abc", ["日付として読み取れません", "'abc'"]),
        ("令和", ["日付として読み取れません"]),
        ("2026-03-31-01", ["日付として読み取れません"]),
        ("2026/3-31", ["日付として読み取れません"]),
        ("26/3/31", ["日付として読み取れません"]),
        ("3.31", ["日付として読み取れません"]),
        ("元年3月1日", ["日付として読み取れません"]),
        ("X8.3.31", ["日付として読み取れません"]),
        ("令和八年三月三十一日", ["日付として読み取れません"]),
        ("2026-003-31", ["日付として読み取れません"]),
        ("令和８年３月", ["日が指定されていません"]),
        ("令和8年3月", ["日が指定されていません"]),
        ("2026年3月", ["日が指定されていません"]),
        ("2026/3", ["日が指定されていません"]),
        ("R8.3", ["日が指定されていません"]),
        ("3月", ["日が指定されていません"]),
        ("2026年", ["月と日が指定されていません"]),
        ("令和8年", ["月と日が指定されていません"]),
        ("R2026.3.31", ["令和2026年", "元号を付けず"]),
        ("2026年3月31日（水）", ["火曜日です", "水曜日と入力"]),
        ("R8.3.31(月)", ["火曜日です", "月曜日と入力"]),
    ],
)
def test_parse_errors(text: str, words: list[str]) -> None:
    with pytest.raises(JDateError) as excinfo:
        parse_date(text, today=TODAY)
    message = str(excinfo.value)
    for word in words:
        assert word in message


def test_jdate_error_is_value_error() -> None:
    with pytest.raises(ValueError, match="読み取れません"):
        parse_date("junk")


def test_unreadable_input_echo_is_truncated_to_40_chars() -> None:
    text = "あ" * 39 + "いうえお"
    with pytest.raises(JDateError) as excinfo:
        parse_date(text)
    message = str(excinfo.value)
    assert "あ" * 39 + "い…'" in message
    assert "う" not in message


def test_unreadable_input_short_echo_is_not_truncated() -> None:
    with pytest.raises(JDateError) as excinfo:
        parse_date("x" * 40)
    assert str(excinfo.value) == "日付として読み取れません: '" + "x" * 40 + "'"


def test_error_messages_exact() -> None:
    cases = {
        "令和0年1月1日": "令和0年は存在しません",
        "2026-02-30": "2月30日は存在しない日付です",
        "abc": "日付として読み取れません: 'abc'",
        "平成40年1月1日": "平成40年は平成の範囲を超えています（平成は31年まで）",
        "": "日付が入力されていません",
    }
    for text, expected in cases.items():
        with pytest.raises(JDateError) as excinfo:
            parse_date(text)
        assert str(excinfo.value).startswith(expected), text


# --------------------------------------------------------------------------- parse_optional_date


@pytest.mark.parametrize("text", [None, "", " ", "\u3000", "\t\n"])
def test_parse_optional_date_empty(text: str | None) -> None:
    assert parse_optional_date(text) is None


def test_parse_optional_date_value() -> None:
    assert parse_optional_date("R8.3.31") == D_2026_03_31
    assert parse_optional_date(" 2026-03-31 ") == D_2026_03_31


def test_parse_optional_date_still_rejects_junk() -> None:
    with pytest.raises(JDateError, match="読み取れません"):
        parse_optional_date("abc")


# --------------------------------------------------------------------------- to_wareki / era_of


@pytest.mark.parametrize(
    ("d", "kanji", "short", "kanji_year"),
    [
        (date(2026, 3, 31), "令和8年3月31日", "R8.3.31", "令和8年"),
        (date(2019, 5, 1), "令和元年5月1日", "R1.5.1", "令和元年"),
        (date(2020, 1, 1), "令和2年1月1日", "R2.1.1", "令和2年"),
        (date(2019, 4, 30), "平成31年4月30日", "H31.4.30", "平成31年"),
        (date(1989, 1, 8), "平成元年1月8日", "H1.1.8", "平成元年"),
        (date(1989, 12, 31), "平成元年12月31日", "H1.12.31", "平成元年"),
        (date(1989, 1, 7), "昭和64年1月7日", "S64.1.7", "昭和64年"),
        (date(1926, 12, 25), "昭和元年12月25日", "S1.12.25", "昭和元年"),
        (date(1926, 12, 24), "大正15年12月24日", "T15.12.24", "大正15年"),
        (date(1912, 7, 30), "大正元年7月30日", "T1.7.30", "大正元年"),
        (date(1912, 7, 29), "明治45年7月29日", "M45.7.29", "明治45年"),
        (date(1868, 1, 1), "明治元年1月1日", "M1.1.1", "明治元年"),
        (date(1873, 1, 1), "明治6年1月1日", "M6.1.1", "明治6年"),
    ],
)
def test_to_wareki_styles(d: date, kanji: str, short: str, kanji_year: str) -> None:
    assert to_wareki(d) == kanji
    assert to_wareki(d, style="kanji") == kanji
    assert to_wareki(d, style="short") == short
    assert to_wareki(d, style="kanji_year") == kanji_year


@pytest.mark.parametrize("style", ["kanji", "short", "kanji_year"])
def test_to_wareki_before_meiji_raises(style: str) -> None:
    with pytest.raises(JDateError, match="明治より前"):
        to_wareki(date(1867, 12, 31), style=style)


def test_to_wareki_unknown_style() -> None:
    with pytest.raises(ValueError, match="unknown wareki style"):
        to_wareki(D_2026_03_31, style="roman")


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2026, 3, 31), ("令和", 8)),
        (date(2019, 5, 1), ("令和", 1)),
        (date(2019, 4, 30), ("平成", 31)),
        (date(1989, 1, 8), ("平成", 1)),
        (date(1989, 1, 7), ("昭和", 64)),
        (date(1926, 12, 25), ("昭和", 1)),
        (date(1926, 12, 24), ("大正", 15)),
        (date(1912, 7, 30), ("大正", 1)),
        (date(1912, 7, 29), ("明治", 45)),
        (date(1868, 1, 1), ("明治", 1)),
    ],
)
def test_era_of(d: date, expected: tuple[str, int]) -> None:
    assert era_of(d) == expected


def test_era_of_before_meiji_raises() -> None:
    with pytest.raises(JDateError, match="明治より前"):
        era_of(date(1867, 12, 31))


# --------------------------------------------------------------------------- round trips


def _all_days(start: date, end: date) -> Iterator[date]:
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)


@pytest.mark.parametrize(
    "render",
    [
        pytest.param(to_wareki, id="kanji"),
        pytest.param(lambda d: to_wareki(d, style="short"), id="short"),
        pytest.param(date.isoformat, id="iso"),
        pytest.param(lambda d: format_date(d, mode="wareki"), id="format-wareki"),
    ],
)
def test_round_trip_every_day_1873_to_2100(render: Callable[[date], str]) -> None:
    failures = []
    count = 0
    for d in _all_days(date(1873, 1, 1), date(2100, 12, 31)):
        count += 1
        text = render(d)
        try:
            parsed = parse_date(text)
        except JDateError as exc:
            failures.append(f"{d}: {text!r} -> {exc}")
            continue
        if parsed != d:
            failures.append(f"{d}: {text!r} -> {parsed}")
    assert count == 83_275
    assert failures == []


def test_round_trip_meiji_1_to_5_arithmetic() -> None:
    for d in _all_days(date(1868, 1, 1), date(1872, 12, 31)):
        assert parse_date(to_wareki(d)) == d
        assert parse_date(to_wareki(d, style="short")) == d


# --------------------------------------------------------------------------- format_date


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("seireki", "2026-03-31"),
        ("wareki", "令和8年3月31日"),
        ("both", "2026-03-31（R8.3.31）"),
    ],
)
def test_format_date_modes(mode: str, expected: str) -> None:
    assert format_date(D_2026_03_31, mode=mode) == expected


def test_format_date_default_is_both() -> None:
    assert format_date(date(2019, 5, 1)) == "2019-05-01（R1.5.1）"


@pytest.mark.parametrize("mode", ["seireki", "wareki", "both"])
def test_format_date_none(mode: str) -> None:
    assert format_date(None, mode=mode) == ""


@pytest.mark.parametrize("mode", ["seireki", "wareki", "both"])
def test_format_date_before_meiji_falls_back_to_iso(mode: str) -> None:
    assert format_date(date(1867, 12, 31), mode=mode) == "1867-12-31"


def test_format_date_unknown_mode() -> None:
    with pytest.raises(ValueError, match="unknown date format mode"):
        format_date(D_2026_03_31, mode="iso")


# --------------------------------------------------------------------------- fiscal years


@pytest.mark.parametrize(
    ("d", "fy"),
    [
        (date(2026, 3, 31), 2025),
        (date(2026, 4, 1), 2026),
        (date(2026, 1, 1), 2025),
        (date(2026, 12, 31), 2026),
        (date(2025, 4, 1), 2025),
        (date(2020, 2, 29), 2019),
        (date(2019, 4, 1), 2019),
    ],
)
def test_fiscal_year(d: date, fy: int) -> None:
    assert fiscal_year(d) == fy


@pytest.mark.parametrize(
    ("fy", "start", "end"),
    [
        (2025, date(2025, 4, 1), date(2026, 3, 31)),
        (2019, date(2019, 4, 1), date(2020, 3, 31)),
        (1988, date(1988, 4, 1), date(1989, 3, 31)),
    ],
)
def test_fiscal_year_range(fy: int, start: date, end: date) -> None:
    assert fiscal_year_range(fy) == (start, end)


def test_fiscal_year_range_consistent_with_fiscal_year() -> None:
    for fy in range(1990, 2031):
        start, end = fiscal_year_range(fy)
        assert fiscal_year(start) == fy
        assert fiscal_year(end) == fy
        assert fiscal_year(start - timedelta(days=1)) == fy - 1
        assert fiscal_year(end + timedelta(days=1)) == fy + 1


@pytest.mark.parametrize(
    ("fy", "label"),
    [
        (2025, "令和7年度"),
        (2026, "令和8年度"),
        (2020, "令和2年度"),
        (2019, "令和元年度"),
        (2018, "平成30年度"),
        (1990, "平成2年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
        (1927, "昭和2年度"),
        (1926, "昭和元年度"),
        (1912, "大正元年度"),
        (1911, "明治44年度"),
        (1868, "明治元年度"),
    ],
)
def test_fiscal_year_label(fy: int, label: str) -> None:
    assert fiscal_year_label(fy) == label


def test_fiscal_year_label_before_meiji_raises() -> None:
    with pytest.raises(JDateError, match="明治より前"):
        fiscal_year_label(1867)


def test_fiscal_year_label_of_date_on_boundaries() -> None:
    assert fiscal_year_label(fiscal_year(date(2026, 3, 31))) == "令和7年度"
    assert fiscal_year_label(fiscal_year(date(2026, 4, 1))) == "令和8年度"


# --------------------------------------------------------------------------- add_months


@pytest.mark.parametrize(
    ("d", "months", "expected"),
    [
        (date(2026, 1, 15), 1, date(2026, 2, 15)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 11, 30), 2, date(2027, 1, 30)),
        (date(2026, 12, 31), 12, date(2027, 12, 31)),
        (date(2026, 1, 1), -1, date(2025, 12, 1)),
        (date(2026, 1, 1), -13, date(2024, 12, 1)),
        (date(2026, 5, 20), 0, date(2026, 5, 20)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 1, 31), 25, date(2028, 2, 29)),
    ],
)
def test_add_months(d: date, months: int, expected: date) -> None:
    assert add_months(d, months) == expected


def test_add_months_out_of_range() -> None:
    with pytest.raises(OverflowError):
        add_months(date(9999, 12, 1), 1)
    with pytest.raises(OverflowError):
        add_months(date(1, 1, 1), -1)
