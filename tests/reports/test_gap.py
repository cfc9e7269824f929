"""`bzf gap`: district and city targets against actual and projected units.

Expected numbers are worked out by hand from tests/data/deadlines (see the comments in its files).
As of D = 2024-06-30:
  观山湖区 G-1 1000 套: 开工 2023-03-05, 交付 2024-06-30 (= D);   G-2 500: 开工 2024-04-10, 交付 planned 2024-12-31
           G-3 400: 开工 planned 2024-07-15 (actual 2024-07-01 > D), 交付 planned 2025-09-30
           G-4 300: no 开工/交付 at all;   G-5 200: 开工 planned 2023-10-01, never started, no 交付
  南明区   N-1 300: 开工 2023-05-01, 交付 planned 2024-01-31 (actual 2024-07-01 > D)
           N-2 120: 签约付款 planned 2024-06-30, 交房 planned 2024-09-30
  贵安新区 GA-1 2000 (no target): 开工 2024-01-15, 交付 planned 2025-12-31
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baozufang_cli.facts.dates import year_end
from baozufang_cli.ledger.registry import Ledger
from baozufang_cli.reports.gap import gap_report
from tests.conftest import SAMPLE, assert_golden, run, run_json
from tests.strategies import DAY0, ledgers

MEASURES = ("target", "actual", "gap", "pct", "projected", "projected_gap")


def gap(ledger: Path, *args: str) -> Any:
    return run_json("gap", "--data", ledger, *args)


def by_row(data: Any) -> dict[tuple[str, int, str], tuple[Any, ...]]:
    return {(r["district"], r["year"], r["metric"]): tuple(r[k] for k in MEASURES) for r in data["rows"]}


def test_district_rows_by_hand(deadlines: Path) -> None:
    data = gap(deadlines, "--as-of", "2024-06-30")
    assert data["as_of"] == "2024-06-30" and data["years"] == [2024]  # default: the year of D
    assert by_row(data) == {
        # started: G-2 in 2024; G-3 planned 2024-07-15 (its actual is after D); G-4 has no plan
        ("观山湖区", 2024, "started"): (1500, 500, 1000, 0.3333, 900, 600),
        # delivered: G-1 done on D counts; G-2 planned 2024-12-31 still to come
        ("观山湖区", 2024, "delivered"): (1000, 1000, 0, 1.0, 1500, -500),
        ("南明区", 2024, "started"): (800, 0, 800, 0.0, 120, 680),  # N-2 planned on D
        # N-1 planned 2024-01-31 and not done as of D (done 07-01), N-2 planned 2024-09-30
        ("南明区", 2024, "delivered"): (600, 0, 600, 0.0, 420, 180),
    }
    assert [(t["metric"], t["target"], t["actual"], t["projected"], t["gap"], t["projected_gap"])
            for t in data["totals"]] == [("started", 2300, 500, 1020, 1800, 1280),
                                         ("delivered", 1600, 1000, 1920, 600, -320)]  # fmt: skip
    shortfalls = {(r["district"], r["metric"]) for r in data["rows"] if r["shortfall"]}
    assert shortfalls == {("观山湖区", "started"), ("南明区", "started"), ("南明区", "delivered")}


def test_a_milestone_done_on_the_as_of_date_counts_and_the_day_before_it_does_not(deadlines: Path) -> None:
    on_day = by_row(gap(deadlines, "--as-of", "2024-06-30"))
    day_before = by_row(gap(deadlines, "--as-of", "2024-06-29"))
    assert on_day[("观山湖区", 2024, "delivered")][1] == 1000
    # G-1 not yet delivered on 06-29: its plan (2024-05-31) is in 2024, so it moves to projected
    assert day_before[("观山湖区", 2024, "delivered")] == (1000, 0, 1000, 0.0, 1500, -500)


def test_a_milestone_done_after_the_as_of_date_is_not_done(deadlines: Path) -> None:
    rows = by_row(gap(deadlines, "--as-of", "2024-06-30"))
    assert rows[("南明区", 2024, "delivered")][1] == 0  # N-1 delivered 2024-07-01
    later = by_row(gap(deadlines, "--as-of", "2024-07-01"))
    assert later[("南明区", 2024, "delivered")] == (600, 300, 300, 0.5, 420, 180)
    # G-3 started 2024-07-01: actual, and no longer counted twice in projected
    assert later[("观山湖区", 2024, "started")] == (1500, 900, 600, 0.6, 900, 600)


def test_a_year_that_is_over_projects_only_what_was_done(deadlines: Path) -> None:
    during = by_row(gap(deadlines, "--as-of", "2023-06-30", "--year", "2023"))
    # G-5 planned to start 2023-10-01: still possible on 2023-06-30
    assert during[("观山湖区", 2023, "started")] == (1000, 1000, 0, 1.0, 1200, -200)
    after = by_row(gap(deadlines, "--as-of", "2024-06-30", "--year", "2023"))
    assert after[("观山湖区", 2023, "started")] == (1000, 1000, 0, 1.0, 1000, 0)
    assert after[("观山湖区", 2023, "delivered")] == (0, 0, 0, None, 0, 0)  # a zero target has no pct


def test_a_target_year_with_no_projects(deadlines: Path) -> None:
    data = gap(deadlines, "--as-of", "2024-06-30", "--year", "2026")
    assert by_row(data) == {
        ("南明区", 2026, "started"): (300, 0, 300, 0.0, 0, 300),
        ("南明区", 2026, "delivered"): (0, 0, 0, None, 0, 0),
    }
    assert data["city"] == []  # no city target in 2026


def test_a_district_with_projects_but_no_target_is_listed_apart(deadlines: Path) -> None:
    data = gap(deadlines, "--as-of", "2024-06-30")
    assert {(r["district"], r["metric"], r["actual"], r["projected"]) for r in data["untargeted"]} == {
        ("贵安新区", "started", 2000, 2000),
        ("贵安新区", "delivered", 0, 0),
    }
    assert all(r["district"] != "贵安新区" for r in data["rows"])
    result = run("gap", "--data", deadlines, "--as-of", "2024-06-30")
    line = next(line for line in result.stdout.splitlines() if line.startswith("贵安新区"))
    # 目标 年底预计 完成 缺口 完成率 灯 预计缺口, for 启动 then 交付
    started = ["-", "2,000", "2,000", "-", "-", "-", "-"]
    delivered = ["-", "0", "0", "-", "-", "-", "-"]
    assert line.split() == ["贵安新区", *started, *delivered]
    assert "没有目标的区县（贵安新区）目标显示为 -，不计入合计" in result.stdout


def test_projects_with_missing_planned_dates_are_reported_not_projected(deadlines: Path) -> None:
    data = gap(deadlines, "--as-of", "2024-06-30")
    assert data["unplanned"]["started"] == {"projects": 1, "units": 300, "project_ids": ["G-4"]}
    assert data["unplanned"]["delivered"] == {"projects": 2, "units": 500, "project_ids": ["G-4", "G-5"]}
    text = run("gap", "--data", deadlines, "--as-of", "2024-06-30").stdout
    assert "未填计划日期、未计入预计的项目：启动 1 个（300 套），交付 2 个（500 套）" in text


def test_city_targets(deadlines: Path) -> None:
    data = gap(deadlines, "--as-of", "2024-06-30", "--year", "all")
    assert data["years"] == [2023, 2024, 2025, 2026]
    city = {(c["year"], c["metric"]): (c["tag"], *(c[k] for k in MEASURES)) for c in data["city"]}
    assert city == {
        # started within 2024 (cumulative: false): G-2 + GA-1; planned in 2024: G-3 + N-2
        (2024, "started"): (None, 2500, 2500, 0, 1.0, 3020, -520),
        # 人才租赁住房 delivered by D: G-1; N-1 planned 2024-01-31 still counts toward the year
        (2024, "delivered"): ("人才租赁住房", 3000, 1000, 2000, 0.3333, 1300, 1700),
        # everything delivered by D, plus what is planned by 2025-12-31 (G-4, G-5 have no plan)
        (2025, "delivered"): (None, 5000, 1000, 4000, 0.2, 4320, 680),
    }
    assert {c["through"] for c in data["city"]} == {"2024-06-30"}


def test_city_target_of_a_past_year_counts_up_to_its_year_end(deadlines: Path) -> None:
    data = gap(deadlines, "--as-of", "2025-03-01", "--year", "2024")
    delivered = next(c for c in data["city"] if c["metric"] == "delivered")
    # G-1 (2024-06-30) and N-1 (2024-07-01) delivered in 2024; the year is over: projected = actual
    assert (delivered["through"], delivered["actual"], delivered["projected"]) == ("2024-12-31", 1300, 1300)


def test_type_filter_chooses_the_projects_that_count(deadlines: Path) -> None:
    data = gap(deadlines, "--as-of", "2024-06-30", "--type", "收购")
    rows = by_row(data)
    assert rows[("南明区", 2024, "started")] == (800, 0, 800, 0.0, 120, 680)
    assert rows[("南明区", 2024, "delivered")] == (600, 0, 600, 0.0, 120, 480)
    assert rows[("观山湖区", 2024, "started")] == (1500, 0, 1500, 0.0, 0, 1500)
    assert data["untargeted"] == []  # 贵安新区 has no acquisition project
    assert [(c["metric"], c["actual"], c["projected"]) for c in data["city"]] == [
        ("started", 0, 120),
        ("delivered", 0, 0),
    ]


def test_district_filter_limits_rows_and_hides_city_targets(deadlines: Path) -> None:
    data = gap(deadlines, "--as-of", "2024-06-30", "--district", "南明")
    assert {r["district"] for r in data["rows"]} == {"南明区"}
    assert data["city"] == [] and data["untargeted"] == []
    assert "已按区县筛选，不显示全市目标" in run("gap", "--data", deadlines, "-d", "南明").stdout


@pytest.mark.parametrize(
    ("args", "years"),
    [
        (("--year", "2024,2026"), [2024, 2026]),
        (("--year", "2026", "--year", "2023"), [2023, 2026]),
        (("--year", "all"), [2023, 2024, 2025, 2026]),
        ((), [2024]),
    ],
)
def test_target_years(deadlines: Path, args: tuple[str, ...], years: list[int]) -> None:
    data = gap(deadlines, "--as-of", "2024-06-30", *args)
    assert data["years"] == years
    assert {r["year"] for r in data["rows"]} <= set(years)


def test_bad_year_is_a_usage_error(deadlines: Path) -> None:
    result = run("gap", "--data", deadlines, "--year", "24")
    assert result.exit_code == 2 and "年度应为四位数字" in result.stderr


def test_json_keys_are_the_contract(deadlines: Path) -> None:
    data = gap(deadlines, "--as-of", "2024-06-30", "--year", "all")
    assert {"as_of", "city", "rows"} <= data.keys()
    for city in data["city"]:
        assert {"year", "metric", "tag", "target", "actual", "gap", "pct"} <= city.keys()
    for row in data["rows"]:
        assert {"district", "year", "metric", *MEASURES} <= row.keys()


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("gap_2024.txt", ("--format", "table")),
        ("gap_all.md", ("--format", "md", "--year", "all")),
        ("gap_2024.csv", ("--format", "csv")),
    ],
)
def test_rendered_output_is_pinned(
    request: pytest.FixtureRequest, deadlines: Path, name: str, args: tuple[str, ...]
) -> None:
    result = run("gap", "--data", deadlines, "--as-of", "2024-06-30", *args)
    assert result.exit_code == 0, result.stderr
    assert_golden(request, name, result.stdout)


def test_sample_ledger_runs_for_every_target_year() -> None:
    data = run_json("gap", "--data", SAMPLE, "--as-of", "2024-06-30", "--year", "all")
    assert data["years"] == [2022, 2023, 2024, 2025]
    assert len(data["rows"]) == 15 * 4 * 2  # every district has a target every year


# ---------------------------------------------------------------- invariants over random ledgers


def _independent_actual(ledger: Ledger, year: int, metric: str, as_of: date) -> int:
    """Units whose milestone for ``metric`` has an actual date in ``year``, on or before D."""
    total = 0
    for project in ledger.valid_projects():
        spec = ledger.registry.type_of(project)
        name = spec.start_milestone if metric == "started" else spec.delivered_milestone
        milestone = project.milestone(name)
        if milestone and milestone.actual and milestone.actual <= as_of and milestone.actual.year == year:
            total += project.units
    return total


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers(), st.integers(0, 1000).map(lambda d: date.fromordinal(DAY0.toordinal() + d)))
def test_rows_add_up_and_projection_never_falls_below_actual(ledger: Ledger, as_of: date) -> None:
    data = gap_report(ledger, as_of, [2024, 2025]).data
    for year in (2024, 2025):
        for metric in ("started", "delivered"):
            rows = [r for r in data["rows"] if (r["year"], r["metric"]) == (year, metric)]
            others = [r for r in data["untargeted"] if (r["year"], r["metric"]) == (year, metric)]
            counted = sum(r["actual"] for r in rows + others)
            assert counted == _independent_actual(ledger, year, metric, as_of)
            for row in rows:
                assert row["gap"] == row["target"] - row["actual"]
                assert row["projected_gap"] == row["target"] - row["projected"]
                assert row["projected"] >= row["actual"]
                if as_of >= year_end(year):
                    assert row["projected"] == row["actual"]
    for city in data["city"]:
        assert city["projected"] >= city["actual"]
        assert city["gap"] == city["target"] - city["actual"]


def test_lagging_districts_shortfall_is_not_netted_away() -> None:
    data = run_json("gap", "--data", SAMPLE, "--as-of", "2024-06-30")
    for total in data["totals"]:
        rows = [r for r in data["rows"] if r["metric"] == total["metric"] and r["year"] == total["year"]]
        behind = [r for r in rows if r["gap"] > 0]
        assert total["lagging_gap"] == sum(r["gap"] for r in behind) >= total["gap"]
        assert total["lagging_districts"] == len(behind)
        assert total["lagging_projected_gap"] == sum(
            r["projected_gap"] for r in rows if r["projected_gap"] > 0
        )
    started = data["totals"][0]
    assert (started["gap"], started["lagging_gap"], started["lagging_districts"]) == (25200, 25400, 14)
    text = run("gap", "--data", SAMPLE, "--as-of", "2024-06-30").stdout
    assert "其中落后区县缺口合计：启动 25,400 套（14 个区县），交付 12,480 套（9 个区县）" in text.replace(
        "\n", ""
    )


def test_a_year_without_targets_names_the_nearest_one() -> None:
    text = run("gap", "--data", SAMPLE, "--as-of", "2026-12-03").stdout
    assert "注意：2026 年没有目标；有目标的年度为 2022—2025，最近的是 2025 年（-y 2025）" in text
    assert "注意：" not in run("gap", "--data", SAMPLE, "--as-of", "2024-06-30").stdout
    week = run("report", "week", "--data", SAMPLE, "--as-of", "2026-12-03").stdout
    assert "注意：2026 年没有目标" in week


def test_supervision_columns_are_the_lights_and_the_forecast(deadlines: Path) -> None:
    """序时进度, 灯 and 年底预计 in gap are bzf lights' and bzf forecast's values, key for key."""
    for as_of in ("2024-06-30", "2024-12-31"):
        data = gap(deadlines, "--as-of", as_of)
        lit = {
            (r["district"], r["metric"]): r
            for r in run_json("lights", "--data", deadlines, "--as-of", as_of)["districts"]
        }
        expected = {
            (r["district"], r["metric"]): r
            for r in run_json("forecast", "--data", deadlines, "--as-of", as_of)["districts"]
        }
        for row in data["rows"]:
            key = (row["district"], row["metric"])
            assert {k: row[k] for k in ("elapsed_pct", "behind_points", "light")} == {
                k: lit[key][k] for k in ("elapsed_pct", "behind_points", "light")
            }
            assert (row["forecast"], row["forecast_gap"]) == (
                expected[key]["forecast"],
                expected[key]["forecast_gap"],
            )
        for row in data["untargeted"]:
            assert row["forecast"] == expected[(row["district"], row["metric"])]["forecast"]
    rows = {(r["district"], r["metric"]): r for r in gap(deadlines, "--as-of", "2024-06-30")["rows"]}
    assert (rows[("观山湖区", "started")]["light"], rows[("观山湖区", "started")]["behind_points"]) == (
        "yellow",
        16.4,
    )
    totals = gap(deadlines, "--as-of", "2024-06-30")["totals"]
    # 合计 started: 500 of 2300 → behind (182/366 − 500/2300) × 100 = 27.97 → yellow; forecast = Σ districts
    assert (totals[0]["behind_points"], totals[0]["light"]) == (28.0, "yellow")
    assert (
        totals[0]["forecast"]
        == rows[("观山湖区", "started")]["forecast"] + rows[("南明区", "started")]["forecast"]
    )
