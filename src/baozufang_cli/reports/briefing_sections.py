"""Sections of the briefing built from per-project facts: deliveries by month, the 倒排工期 Gantt,
the open problems in meeting order and each district's projects."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from baozufang_cli.facts.dates import month_end
from baozufang_cli.reports.briefing_pace import elapsed_fraction

if TYPE_CHECKING:
    from baozufang_cli.facts.project import ProjectProgress
    from baozufang_cli.ledger.registry import Registry

DISTRICT_ROWS = 100  # projects listed per district on a big ledger; the rest are counted in a note


def monthly_deliveries(progresses: list[ProjectProgress], as_of: date, target: int) -> list[dict[str, Any]]:
    """Cumulative units delivered in the as-of year by month end, the plan, and the 序时 line.

    ``actual`` counts exactly as ``bzf gap`` does (the delivery milestone done as of D with its
    actual date in the year) and is ``None`` for months after D; ``planned`` is every project's
    delivery date as the files plan it now (actual when done, else planned); ``pace`` is the
    district targets' sum × the share of the year elapsed at the month end.
    """
    year = as_of.year
    actual_by_month = [0] * 13
    planned_by_month = [0] * 13
    for progress in progresses:
        state = progress.delivered
        if state is None:
            continue
        units = progress.project.units
        if state.actual is not None and state.actual.year == year:
            actual_by_month[state.actual.month] += units
        when = state.actual or (state.planned if not state.done else None)
        if when is not None and when.year == year:
            planned_by_month[when.month] += units
    rows = []
    actual = planned = 0
    for month in range(1, 13):
        actual += actual_by_month[month]
        planned += planned_by_month[month]
        end = month_end(year, month)
        known = end <= as_of or (as_of.year == year and as_of.month == month)
        rows.append(
            {
                "month": month,
                "actual": actual if known else None,
                "planned": planned,
                "pace": round(target * elapsed_fraction(end, year)),
            }
        )
    return rows


def gantt_rows(
    progresses: list[ProjectProgress], lights: dict[str, dict[str, Any]], registry: Registry
) -> list[dict[str, Any]]:
    """Projects with a red or yellow light or an overdue milestone, most overdue first."""
    rows = []
    for progress in progresses:
        light = lights[progress.project.id]
        if light["light"] not in ("red", "yellow") and not progress.is_overdue:
            continue
        project = progress.project
        rows.append(
            {
                "id": project.id,
                "name": project.name,
                "district": project.district,
                "supply_type": registry.short_label(project.supply_type),
                "units": project.units,
                "light": light["light"],
                "days_overdue": light["days_overdue"],
                "milestone": light["milestone"],
                "delivered_name": progress.delivered_name,
                "milestones": [
                    {
                        "name": state.name,
                        "planned": state.planned,
                        "actual": state.actual,
                        "overdue": state.overdue,
                    }
                    for state in progress.milestones
                ],
            }
        )
    rows.sort(key=lambda r: (-r["days_overdue"], r["district"], r["id"]))
    return rows


def open_problems(problems: dict[str, Any]) -> list[dict[str, Any]]:
    """Open problems (``bzf problems --state open`` rows): overdue first (most overdue first), then by deadline."""
    far = date.max.isoformat()
    return sorted(
        problems["problems"],
        key=lambda r: (
            r["days_overdue"] is None,
            -(r["days_overdue"] or 0),
            r["due"] or far,
            r["project_id"],
        ),
    )


def district_projects(
    progresses: list[ProjectProgress], lights: dict[str, dict[str, Any]], registry: Registry, large: bool
) -> list[dict[str, Any]]:
    """Each district's projects: red first, then yellow, then the rest by id; cut on big ledgers."""
    order = registry.district_order
    by_district: dict[str, list[ProjectProgress]] = {}
    for progress in progresses:
        by_district.setdefault(progress.project.district, []).append(progress)
    rank = {"red": 0, "yellow": 1, "green": 2, "done": 3, "none": 4}
    out = []
    for district in sorted(by_district, key=lambda d: order.get(d, len(order))):
        members = sorted(
            by_district[district], key=lambda p: (rank[lights[p.project.id]["light"]], p.project.id)
        )
        shown = members[:DISTRICT_ROWS] if large else members
        out.append(
            {
                "district": district,
                "projects": len(members),
                "units": sum(p.project.units for p in members),
                "red": sum(1 for p in members if lights[p.project.id]["light"] == "red"),
                "yellow": sum(1 for p in members if lights[p.project.id]["light"] == "yellow"),
                "rows": [_project_row(p, lights[p.project.id], registry) for p in shown],
                "more": len(members) - len(shown),
            }
        )
    return out


def _project_row(progress: ProjectProgress, light: dict[str, Any], registry: Registry) -> dict[str, Any]:
    project = progress.project
    stage = progress.stage
    following = progress.next
    return {
        "id": project.id,
        "name": project.name,
        "supply_type": registry.short_label(project.supply_type),
        "units": project.units,
        "status": progress.status,
        "stage": stage.name if stage else "",
        "next": following.name if following else "",
        "next_planned": following.planned if following else None,
        "light": light["light"],
        "days_overdue": light["days_overdue"] or None,
        "open_problems": len(progress.open_problems),
        "responsible_unit": project.responsible_unit or "",
    }
