"""The briefing's seam to 红黄绿灯 and 年底预计: lights and forecasts in the shapes of ``bzf lights``
and ``bzf forecast`` (issue 20), so the briefing reads them the same way whichever computes them.

Until those reports exist, this module computes them from ``bzf gap``'s values with issue 20's
definitions: elapsed fraction ``f = (D − 1 Jan + 1 day) / days in year`` (1 for past years),
``behind = (f − A / T) × 100`` points, yellow beyond 10 points, red beyond 30; a project not yet
delivered is yellow when a milestone is overdue, red when more than 30 days overdue. The forecast
is gap's *projected* (done + planned within the year): the plan taken at its word.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from baozufang_cli.facts.dates import year_end

if TYPE_CHECKING:
    from baozufang_cli.facts.project import ProjectProgress

Light = Literal["red", "yellow", "green", "none", "done"]
LIGHT_WORDS: dict[str, str] = {"red": "红", "yellow": "黄", "green": "绿", "none": "无", "done": "已交付"}
YELLOW_POINTS = 10.0
RED_POINTS = 30.0
YELLOW_DAYS = 0
RED_DAYS = 30
# where the forecast comes from, shown under the headline figures
FORECAST_BASIS = "预计 = 已完成 + 计划在本年度内完成、尚未完成的项目套数（bzf gap 的“预计”）"


def elapsed_fraction(as_of: date, year: int) -> float:
    """序时进度: the share of ``year`` elapsed on ``as_of`` (the day itself counted), in [0, 1]."""
    start = date(year, 1, 1)
    days = (year_end(year) - start).days + 1
    return min(1.0, max(0.0, ((as_of - start).days + 1) / days))


def light_for(behind_points: float | None) -> Light:
    if behind_points is None:
        return "none"
    if behind_points <= YELLOW_POINTS:
        return "green"
    return "yellow" if behind_points <= RED_POINTS else "red"


def district_lights(gap_rows: list[dict[str, Any]], as_of: date) -> list[dict[str, Any]]:
    """``bzf lights`` district rows from ``bzf gap``'s JSON rows (district × metric with a target)."""
    out = []
    for row in gap_rows:
        target = row["target"]
        if not target:
            out.append({**_light_keys(row), "elapsed_pct": None, "actual_pct": None,
                        "behind_points": None, "light": "none"})  # fmt: skip
            continue
        elapsed = elapsed_fraction(as_of, row["year"])
        actual = row["actual"] / target
        behind = (elapsed - actual) * 100
        out.append(
            {
                **_light_keys(row),
                "elapsed_pct": round(elapsed, 4),
                "actual_pct": round(actual, 4),
                "behind_points": round(behind, 1),
                "light": light_for(behind),
            }
        )
    return out


def _light_keys(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("district", "metric", "target", "actual")}


def district_forecasts(gap_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``bzf forecast`` district rows: here gap's projection (done + planned within the year)."""
    return [
        {
            **_light_keys(row),
            "forecast": row["projected"],
            "forecast_gap": row["projected_gap"],
            "reference": "plan",
        }
        for row in gap_rows
    ]


def project_light(progress: ProjectProgress) -> dict[str, Any]:
    """``bzf lights`` project row: by the most overdue open milestone; delivered projects are done."""
    project = progress.project
    identity = {"id": project.id, "name": project.name, "district": project.district}
    if progress.is_delivered:
        return {**identity, "light": "done", "days_overdue": 0, "milestone": None}
    worst = max(progress.overdue_milestones, key=lambda s: s.days_overdue or 0, default=None)
    days = worst.days_overdue or 0 if worst is not None else 0
    light: Light = "red" if days > RED_DAYS else "yellow" if days > YELLOW_DAYS else "green"
    return {**identity, "light": light, "days_overdue": days, "milestone": worst.name if worst else None}
