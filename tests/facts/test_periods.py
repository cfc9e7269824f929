"""Reporting periods: ISO weeks across year ends, quarter ends, leap day, parsing and the as-of rule."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from baozufang_cli.facts.periods import (
    KINDS,
    Period,
    PeriodError,
    parse_period,
    period_containing,
    report_as_of,
)


def span(period: Period) -> tuple[str, str, str]:
    return period.label, period.start.isoformat(), period.end.isoformat()


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 12, 30), ("2025-W01", "2024-12-30", "2025-01-05")),  # Monday of the next ISO year
        (date(2025, 1, 5), ("2025-W01", "2024-12-30", "2025-01-05")),
        (date(2021, 1, 3), ("2020-W53", "2020-12-28", "2021-01-03")),  # Sunday of a 53-week year
        (date(2021, 1, 4), ("2021-W01", "2021-01-04", "2021-01-10")),
        (date(2024, 6, 30), ("2024-W26", "2024-06-24", "2024-06-30")),
        (date(2024, 2, 29), ("2024-W09", "2024-02-26", "2024-03-03")),
    ],
)
def test_iso_weeks(day: date, expected: tuple[str, str, str]) -> None:
    assert span(period_containing("week", day)) == expected


def test_week_titles_use_the_iso_year() -> None:
    assert period_containing("week", date(2024, 12, 30)).chinese == "2025年第1周"
    assert period_containing("week", date(2021, 1, 3)).chinese == "2020年第53周"


@pytest.mark.parametrize(
    ("kind", "day", "expected", "title"),
    [
        ("month", date(2024, 2, 29), ("2024-02", "2024-02-01", "2024-02-29"), "2024年2月"),
        ("month", date(2023, 2, 14), ("2023-02", "2023-02-01", "2023-02-28"), "2023年2月"),
        ("month", date(2024, 12, 31), ("2024-12", "2024-12-01", "2024-12-31"), "2024年12月"),
        ("quarter", date(2024, 2, 29), ("2024-Q1", "2024-01-01", "2024-03-31"), "2024年第一季度"),
        ("quarter", date(2024, 3, 31), ("2024-Q1", "2024-01-01", "2024-03-31"), "2024年第一季度"),
        ("quarter", date(2024, 4, 1), ("2024-Q2", "2024-04-01", "2024-06-30"), "2024年第二季度"),
        ("quarter", date(2024, 9, 30), ("2024-Q3", "2024-07-01", "2024-09-30"), "2024年第三季度"),
        ("quarter", date(2024, 12, 31), ("2024-Q4", "2024-10-01", "2024-12-31"), "2024年第四季度"),
        ("year", date(2024, 2, 29), ("2024", "2024-01-01", "2024-12-31"), "2024年"),
    ],
)
def test_months_quarters_years(kind: str, day: date, expected: tuple[str, str, str], title: str) -> None:
    period = period_containing(kind, day)  # type: ignore[arg-type]
    assert span(period) == expected
    assert period.chinese == title


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-W23", ("2024-W23", "2024-06-03", "2024-06-09")),
        ("2024w23", ("2024-W23", "2024-06-03", "2024-06-09")),
        ("2020-W53", ("2020-W53", "2020-12-28", "2021-01-03")),
        ("2024-06", ("2024-06", "2024-06-01", "2024-06-30")),
        ("2024-6", ("2024-06", "2024-06-01", "2024-06-30")),
        (" 2024-Q2 ", ("2024-Q2", "2024-04-01", "2024-06-30")),
        ("2024q4", ("2024-Q4", "2024-10-01", "2024-12-31")),
        ("2024", ("2024", "2024-01-01", "2024-12-31")),
    ],
)
def test_parse(text: str, expected: tuple[str, str, str]) -> None:
    assert span(parse_period(text)) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2021-W53", "2021 年没有第 53 周"),
        ("2024-W00", "2024 年没有第 0 周"),
        ("2024-13", "月份应为 01–12"),
        ("2024-Q5", "无法识别的期间"),
        ("24-06", "无法识别的期间"),
        ("2024年6月", "无法识别的期间"),
        ("0000", "无法识别的期间"),
    ],
)
def test_parse_errors_are_chinese(text: str, message: str) -> None:
    with pytest.raises(PeriodError, match=message):
        parse_period(text)


def test_next_period_crosses_year_ends() -> None:
    assert span(parse_period("2024-W52").next()) == ("2025-W01", "2024-12-30", "2025-01-05")
    assert span(parse_period("2020-W53").next()) == ("2021-W01", "2021-01-04", "2021-01-10")
    assert span(parse_period("2024-12").next()) == ("2025-01", "2025-01-01", "2025-01-31")
    assert span(parse_period("2024-01").next()) == ("2024-02", "2024-02-01", "2024-02-29")
    assert span(parse_period("2024-Q4").next()) == ("2025-Q1", "2025-01-01", "2025-03-31")
    assert span(parse_period("2024").next()) == ("2025", "2025-01-01", "2025-12-31")


days = st.dates(date(1901, 1, 1), date(2998, 12, 31))


@given(st.sampled_from(KINDS), days)
def test_periods_tile_the_calendar(kind: str, day: date) -> None:
    period = period_containing(kind, day)  # type: ignore[arg-type]
    assert period.contains(day)
    assert period.next().start == period.end + timedelta(days=1)
    assert period.next().previous() == period
    assert parse_period(period.label) == period
    assert period.kind == kind
    if kind == "week":
        assert period.start.isoweekday() == 1 and (period.end - period.start).days == 6


TODAY = date(2024, 7, 3)


def test_without_a_period_the_report_is_for_the_period_of_the_as_of_date() -> None:
    period, day = report_as_of("week", None, date(2024, 12, 31), TODAY)
    assert (period.label, day) == ("2025-W01", date(2024, 12, 31))
    period, day = report_as_of("month", None, None, TODAY)  # default: today
    assert (period.label, day) == ("2024-07", TODAY)


def test_a_named_period_is_reported_as_of_its_last_day() -> None:
    assert report_as_of("month", "2024-02", None, TODAY) == (parse_period("2024-02"), date(2024, 2, 29))
    # a period still running is reported as of today
    assert report_as_of("quarter", "2024-Q3", None, TODAY) == (parse_period("2024-Q3"), TODAY)
    # --as-of inside the period: a report up to that day
    assert report_as_of("week", "2024-W23", date(2024, 6, 5), TODAY)[1] == date(2024, 6, 5)


@pytest.mark.parametrize(
    ("kind", "text", "as_of", "message"),
    [
        ("week", "2024-06", None, "周报告的 --period 应写成 2024-W23 的形式，2024-06 是月"),
        ("year", "2024-Q1", None, "年报告的 --period 应写成 2024 的形式"),
        ("week", "2024-W23", date(2024, 6, 10), "统计截至日 2024-06-10 不在 2024年第23周"),
        ("month", "2024-06", date(2024, 5, 31), "不在 2024年6月"),
        ("month", "2024-08", None, "2024年8月（2024-08-01 至 2024-08-31）尚未开始"),
    ],
)
def test_period_and_as_of_that_do_not_fit(kind: str, text: str, as_of: date | None, message: str) -> None:
    with pytest.raises(PeriodError, match=message.replace("(", r"\(").replace(")", r"\)")):
        report_as_of(kind, text, as_of, TODAY)  # type: ignore[arg-type]
