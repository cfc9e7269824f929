"""The briefing's seam to 红黄绿灯 and 年底预计: it reads ``bzf lights`` (``reports/lights.py``,
``facts/pace.py``) and the year-end forecast in their JSON shapes, so the page shows what the
commands show.

The district forecasts are ``bzf forecast``'s (``reports/forecast.py``); a city-level target
(tagged, cumulative) has no forecast there, so its card shows ``bzf gap``'s *projected* (done +
planned by year end, the plan taken at its word) and says so.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from baozufang_cli.facts.pace import Light, exact
from baozufang_cli.facts.pace import elapsed_fraction as exact_elapsed

if TYPE_CHECKING:
    from baozufang_cli.facts.project import ProjectProgress
    from baozufang_cli.facts.records import Lights
    from baozufang_cli.ledger.registry import Ledger
    from baozufang_cli.reports.filters import Filters

# where the forecast comes from, shown under the headline figures
FORECAST_BASIS = (
    "区县的年底预计即 bzf forecast：已完成 + 未完成项目按台账中同类项目的实际拖期推算年底前完成的概率 × 套数"
)
CITY_FORECAST_BASIS = "全市目标的年底预计即 bzf gap 的“预计”：已完成 + 计划在年底前完成、尚未完成的项目套数"


def elapsed_fraction(as_of: date, year: int) -> float:
    """序时进度 (``facts/pace.py``), as a float for display and charts."""
    return float(exact_elapsed(as_of, year))


def light_for(
    expected: Fraction | None, actual: int, target: int | None, thresholds: Lights
) -> tuple[Light, float | None]:
    """The light for ``actual`` of ``target`` against an expected completion share (序时进度),
    by the same thresholds and exact arithmetic as ``bzf lights``; with the behind points."""
    if expected is None or not target or target <= 0:
        return "none", None
    behind = (expected - Fraction(actual, target)) * 100
    light: Light = (
        "green"
        if behind <= exact(thresholds.yellow_points)
        else "yellow"
        if behind <= exact(thresholds.red_points)
        else "red"
    )
    return light, round(float(behind), 1)


def district_lights(ledger: Ledger, as_of: date, filters: Filters) -> list[dict[str, Any]]:
    """``bzf lights`` district rows for the as-of year."""
    from baozufang_cli.reports.lights import district_lights as lights_rows

    return lights_rows(ledger, as_of, as_of.year, filters)


def project_lights(ledger: Ledger, progresses: list[ProjectProgress]) -> dict[str, dict[str, Any]]:
    """``bzf lights`` project rows by project id."""
    from baozufang_cli.reports.lights import project_lights as lights_rows

    return {row["id"]: row for row in lights_rows(ledger, progresses)}


def district_forecasts(ledger: Ledger, as_of: date, filters: Filters) -> list[dict[str, Any]]:
    """``bzf forecast`` district rows for the as-of year (from the ledger's own record of slips)."""
    from baozufang_cli.reports.forecast import forecast

    return [
        {
            "district": row.district,
            "metric": row.metric,
            "target": row.target,
            "actual": row.actual,
            "forecast": row.forecast,
            "forecast_gap": row.forecast_gap,
            "reference": row.reference,
        }
        for row in forecast(ledger, as_of, as_of.year, filters).districts
    ]


def targeted_sum(forecasts: list[dict[str, Any]], metric: str) -> int:
    """The forecasts of the districts with a target, summed (as the 合计 compares targets with their districts)."""
    return sum(row["forecast"] for row in forecasts if row["metric"] == metric and row["target"] is not None)
