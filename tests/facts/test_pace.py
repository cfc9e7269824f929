"""序时进度 and the lights: the definitions of facts/pace.py on hand-computed numbers."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from baozufang_cli.facts.pace import days_in_year, district_light, elapsed_fraction, round_half_up
from baozufang_cli.models import Lights

DEFAULT = Lights()


@pytest.mark.parametrize(
    ("as_of", "year", "expected"),
    [
        (date(2024, 1, 1), 2024, Fraction(1, 366)),  # the first day counts
        (date(2024, 2, 29), 2024, Fraction(60, 366)),  # leap day: 31 + 29
        (date(2024, 6, 30), 2024, Fraction(182, 366)),
        (date(2023, 6, 30), 2023, Fraction(181, 365)),
        (date(2024, 12, 31), 2024, Fraction(1)),  # year end: the whole year
        (date(2023, 12, 31), 2023, Fraction(1)),
        (date(2025, 3, 1), 2024, Fraction(1)),  # a past year: 1
        (date(2023, 12, 31), 2024, Fraction(0)),  # before the year: 0
    ],
)
def test_elapsed_fraction(as_of: date, year: int, expected: Fraction) -> None:
    assert elapsed_fraction(as_of, year) == expected


def test_days_in_year() -> None:
    assert [days_in_year(y) for y in (2023, 2024, 2100, 2000)] == [365, 366, 365, 366]


def test_behind_exactly_on_a_threshold_is_the_milder_light() -> None:
    # 2023-04-10 is day 100 of 365: f = 100/365 = 1000/3650; A = 635 of T = 3650 → behind = 365/3650 × 100 = 10
    on_yellow = district_light(3650, 635, date(2023, 4, 10), 2023, DEFAULT)
    assert on_yellow.behind == 10 and on_yellow.light == "green"  # binary floats would say 10.000000000000002
    assert district_light(3650, 634, date(2023, 4, 10), 2023, DEFAULT).light == "yellow"
    # behind exactly 30: A = 1000 − 1095 < 0 is impossible, so shift the day: day 300 (2023-10-27), A = 1905
    on_red = district_light(3650, 1905, date(2023, 10, 27), 2023, DEFAULT)
    assert on_red.behind == 30 and on_red.light == "yellow"
    assert district_light(3650, 1904, date(2023, 10, 27), 2023, DEFAULT).light == "red"


def test_ahead_of_schedule_is_negative_and_green() -> None:
    pace = district_light(1000, 1000, date(2024, 6, 30), 2024, DEFAULT)
    assert pace.completion == 1 and pace.behind_points == -50.3 and pace.light == "green"
    assert pace.elapsed_pct == 0.4973 and pace.actual_pct == 1.0


def test_actual_pct_may_exceed_one() -> None:
    pace = district_light(600, 900, date(2024, 12, 31), 2024, DEFAULT)
    assert pace.actual_pct == 1.5 and pace.behind_points == -50.0 and pace.light == "green"


@pytest.mark.parametrize("target", [None, 0])
def test_no_target_no_light(target: int | None) -> None:
    pace = district_light(target, 500, date(2024, 6, 30), 2024, DEFAULT)
    assert (pace.light, pace.actual_pct, pace.behind_points) == ("none", None, None)
    assert pace.elapsed_pct == 0.4973


def test_thresholds_come_from_criteria() -> None:
    strict = Lights(yellow_points=5, red_points=15)
    # 观山湖区 of tests/data/deadlines: 500 of 1500 started, f = 182/366 → behind 16.39
    assert district_light(1500, 500, date(2024, 6, 30), 2024, DEFAULT).light == "yellow"
    assert district_light(1500, 500, date(2024, 6, 30), 2024, strict).light == "red"


def test_round_half_up() -> None:
    assert round_half_up(Fraction(1225, 100), 1) == Fraction(123, 10)
    assert round_half_up(Fraction(-1225, 100), 1) == Fraction(-123, 10)  # away from zero, like Excel
    assert round_half_up(Fraction(5, 2)) == 3 and round_half_up(Fraction(7, 2)) == 4  # not to even
    assert round_half_up(Fraction(1224, 100), 1) == Fraction(122, 10)
