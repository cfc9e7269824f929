"""``bzf lights``: 红黄绿灯 — each district against 序时进度, each project by its most overdue milestone.

The definitions are in ``facts/pace.py`` (and docs/commands/lights.md): for the target year Y,
``f = ((D − 1 Jan Y).days + 1) / days_in_year(Y)`` capped to [0, 1]; ``r = A / T`` with A counted
exactly as ``bzf gap`` counts it; ``behind = (f − r) × 100`` points → green / yellow / red by the
``lights:`` thresholds of criteria.yaml. A project not delivered is lit by the days its most
overdue open milestone (planned ≤ D, not done) is overdue.

``district_lights`` and ``project_lights`` are the pieces other reports (gap, the periodic
report, the Excel pack, the HTML briefing) reuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from baozufang_cli.facts.pace import (
    LIGHT_FLAGS,
    LIGHT_LABELS,
    METRICS,
    SEVERITY,
    days_in_year,
    district_light,
    elapsed_fraction,
    group_by_district,
    project_light,
    tally_year,
    year_targets,
)
from baozufang_cli.facts.project import ProjectProgress, project_progress
from baozufang_cli.reports.filters import Filters
from baozufang_cli.reports.value import Column, Report, Table

if TYPE_CHECKING:
    from baozufang_cli.ledger.registry import Ledger

METRIC_LABELS = {"started": "启动", "delivered": "交付"}


@dataclass(frozen=True)
class LightsInput:
    """The filtered projects' progress as of D, by district, and the districts to light for year Y."""

    progresses: list[ProjectProgress]
    by_district: dict[str, list[ProjectProgress]]
    targets: dict[str, dict[str, int]]  # district → metric → target of year Y
    districts: list[str]  # in registry order: districts with a target for Y or with projects


def lights_input(ledger: Ledger, as_of: date, year: int, filters: Filters | None = None) -> LightsInput:
    filters = filters or Filters()
    registry = ledger.registry
    progresses = [project_progress(registry, p, as_of) for p in ledger.valid_projects() if filters.matches(p)]
    by_district = group_by_district(progresses)
    targets = year_targets(ledger.targets.district_targets, year, filters.districts)
    order = registry.district_order
    districts = sorted(set(targets) | set(by_district), key=order.__getitem__)
    return LightsInput(progresses, by_district, targets, districts)


def district_lights(
    ledger: Ledger, as_of: date, year: int, filters: Filters | None = None
) -> list[dict[str, Any]]:
    """The JSON ``districts`` rows of ``bzf lights``: one per district and metric."""
    facts = lights_input(ledger, as_of, year, filters)
    return _district_rows(ledger, facts, as_of, year)


def _district_rows(ledger: Ledger, facts: LightsInput, as_of: date, year: int) -> list[dict[str, Any]]:
    thresholds = ledger.registry.criteria.lights
    rows = []
    for district in facts.districts:
        for metric in METRICS:
            target = facts.targets.get(district, {}).get(metric)
            actual = tally_year(facts.by_district.get(district, []), year, metric, as_of).actual
            pace = district_light(target, actual, as_of, year, thresholds)
            rows.append(
                {
                    "district": district,
                    "metric": metric,
                    "target": target,
                    "actual": actual,
                    "elapsed_pct": pace.elapsed_pct,
                    "actual_pct": pace.actual_pct,
                    "behind_points": pace.behind_points,
                    "light": pace.light,
                }
            )
    return rows


def project_lights(ledger: Ledger, progresses: list[ProjectProgress]) -> list[dict[str, Any]]:
    """The JSON ``projects`` rows of ``bzf lights``: red first, then yellow, green, delivered; most overdue first."""
    thresholds = ledger.registry.criteria.lights
    order = ledger.registry.district_order
    rows: list[dict[str, Any]] = []
    for progress in progresses:
        project = progress.project
        pace = project_light(progress, thresholds)
        rows.append(
            {
                "id": project.id,
                "name": project.name,
                "district": project.district,
                "light": pace.light,
                "days_overdue": pace.days_overdue,
                "milestone": pace.milestone,
            }
        )
    rows.sort(key=lambda r: (SEVERITY[r["light"]], -r["days_overdue"], order[r["district"]], r["id"]))
    return rows


DISTRICT_COLUMNS = [
    Column("district", "区县"),
    Column("metric_label", "指标"),
    Column("target", "目标", "int", optional=2),
    Column("actual", "完成", "int", optional=1),
    Column("actual_pct", "完成率", "pct"),
    Column("behind_points", "落后", "number"),
    Column("light_label", "灯"),
]
PROJECT_COLUMNS = [
    Column("light_label", "灯"),
    Column("id", "项目编号", "code"),
    Column("name", "项目名称"),
    Column("district", "区县"),
    Column("days_overdue", "逾期天数", "int"),
    Column("milestone", "节点"),
    Column("responsible_unit", "责任单位", screen=False),
]


def lights_report(ledger: Ledger, as_of: date, year: int, filters: Filters | None = None) -> Report:
    filters = filters or Filters()
    registry = ledger.registry
    thresholds = registry.criteria.lights
    facts = lights_input(ledger, as_of, year, filters)
    districts = _district_rows(ledger, facts, as_of, year)
    projects = project_lights(ledger, facts.progresses)
    elapsed = elapsed_fraction(as_of, year)

    district_rows = [
        {
            **row,
            "metric_label": METRIC_LABELS[row["metric"]],
            "light_label": LIGHT_LABELS[row["light"]] if row["light"] in LIGHT_FLAGS else None,
        }
        for row in districts
    ]
    district_flags = {
        i: {LIGHT_FLAGS[row["light"]]} for i, row in enumerate(districts) if row["light"] in LIGHT_FLAGS
    }
    counts = {light: sum(r["light"] == light for r in districts) for light in ("red", "yellow", "green")}
    total_days = days_in_year(year)
    district_notes = [
        f"序时进度 {float(elapsed):.1%}（{year} 年 {total_days} 天已过 {int(elapsed * total_days)} 天）",
        "落后 = 序时进度 − 完成率，单位百分点，负数为超前",
        f"落后 ≤ {thresholds.yellow_points:g} 为绿，≤ {thresholds.red_points:g} 为黄，超过为红；无目标的不亮灯（-）",
        f"红灯 {counts['red']} 个、黄灯 {counts['yellow']} 个、绿灯 {counts['green']} 个",
    ]
    district_table = Table(
        f"{year} 年区县红黄绿灯（对照序时进度）",
        DISTRICT_COLUMNS,
        district_rows,
        flags=district_flags,
        notes=district_notes,
    )

    by_id = {p.project.id: p.project for p in facts.progresses}
    shown = [r for r in projects if r["light"] in ("red", "yellow")]
    project_rows = [
        {**r, "light_label": LIGHT_LABELS[r["light"]], "responsible_unit": by_id[r["id"]].responsible_unit}
        for r in shown
    ]
    project_flags = {i: {LIGHT_FLAGS[r["light"]]} for i, r in enumerate(shown)}
    green = sum(r["light"] == "green" for r in projects)
    done = sum(r["light"] == "done" for r in projects)
    project_notes = [
        f"未交付项目按最久逾期节点亮灯：逾期超过 {thresholds.red_days} 天为红，"
        f"超过 {thresholds.yellow_days} 天为黄，其余为绿",
        f"另有绿灯 {green} 个、已交付 {done} 个，未列出（-f json 列出全部项目）",
    ]
    if not shown:
        project_notes.insert(0, "没有红灯、黄灯项目")
    project_table = Table(
        "红灯、黄灯项目", PROJECT_COLUMNS, project_rows, flags=project_flags, notes=project_notes
    )
    return Report.as_of_day(
        "红黄绿灯",
        ledger.name,
        as_of,
        [district_table, project_table],
        {"year": year, "districts": districts, "projects": projects},
        subtitle=[f"目标年度：{year}", *filters.describe(registry)],
        primary_index=0,
    )
