"""``bzf operations``: how delivered housing is let — occupancy, rent against market rent, small units.

Only projects delivered as of D count. Each figure is taken over the delivered projects
that report it, so a missing number lowers no rate; the projects that should have reported
by now (delivered more than ``grace_days`` ago) are flagged instead:

* occupancy (出租率) = Σ leased_units ÷ Σ units, over projects reporting leased_units;
* rent ratio (租金/市场租金) = Σ rent × units ÷ Σ market rent × units, over projects with both rents;
* small-unit share (≤70㎡占比) = Σ small_units ÷ Σ units, over projects reporting small_units.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from baozufang_cli.facts.project import is_delivered
from baozufang_cli.facts.records import Project, Settings
from baozufang_cli.ledger.registry import Ledger
from baozufang_cli.ledger.rules_money import rent_ratio
from baozufang_cli.reports.filters import Filters
from baozufang_cli.reports.value import Column, Highlight, Report, Table, ratio

CORE_FIELDS = {"leased_units": "已出租套数", "rent_yuan_m2": "租金", "market_rent_yuan_m2": "市场租金"}
SUMS = (
    "delivered_projects",
    "delivered_units",
    "reported_units",
    "leased_units",
    "rent_units",
    "rent_weighted",
    "market_weighted",
    "small_reported_units",
    "small_units",
    "rent_flagged_projects",
    "missing_data_projects",
)
INTERNAL = ("rent_units", "rent_weighted", "market_weighted", "small_reported_units")


def missing_fields(project: Project) -> list[str]:
    operations = project.operations
    if operations is None:
        return list(CORE_FIELDS)
    return [key for key in CORE_FIELDS if getattr(operations, key) is None]


def project_row(
    project: Project, delivered_on: date, as_of: date, settings: Settings, grace_days: int
) -> dict[str, Any]:
    operations = project.operations
    leased = operations.leased_units if operations else None
    exact_ratio = rent_ratio(project)
    days = (as_of - delivered_on).days
    missing = missing_fields(project)
    flags = []
    if exact_ratio is not None and exact_ratio >= settings.rent_ceiling_ratio:
        flags.append("rent-ceiling")
    elif exact_ratio is not None and exact_ratio >= settings.rent_flag_ratio:
        flags.append("rent-high")
    if missing and days > grace_days:
        flags.append("operations-missing")
    return {
        "id": project.id,
        "name": project.name,
        "district": project.district,
        "supply_type": project.supply_type,
        "unit_kind": project.unit_kind,
        "units": project.units,
        "delivered_on": delivered_on.isoformat(),
        "days_since_delivery": days,
        "opened": operations.opened.isoformat() if operations and operations.opened else None,
        "leased_units": leased,
        "vacant_units": project.units - leased if leased is not None else None,
        "occupancy_pct": ratio(leased, project.units) if leased is not None else None,
        "rent_yuan_m2": operations.rent_yuan_m2 if operations else None,
        "market_rent_yuan_m2": operations.market_rent_yuan_m2 if operations else None,
        "rent_ratio": round(exact_ratio, 4) if exact_ratio is not None else None,
        "small_units": project.small_units,
        "small_units_pct": ratio(project.small_units, project.units)
        if project.small_units is not None
        else None,
        "missing_fields": missing,
        "flags": flags,
    }


def _add(sums: dict[str, Any], project: Project, row: dict[str, Any]) -> None:
    units = project.units
    sums["delivered_projects"] += 1
    sums["delivered_units"] += units
    if row["leased_units"] is not None:
        sums["reported_units"] += units
        sums["leased_units"] += row["leased_units"]
    if row["rent_ratio"] is not None:
        sums["rent_units"] += units
        sums["rent_weighted"] += row["rent_yuan_m2"] * units
        sums["market_weighted"] += row["market_rent_yuan_m2"] * units
    if project.small_units is not None:
        sums["small_reported_units"] += units
        sums["small_units"] += project.small_units
    sums["rent_flagged_projects"] += bool({"rent-high", "rent-ceiling"} & set(row["flags"]))
    sums["missing_data_projects"] += "operations-missing" in row["flags"]


def _finish(sums: dict[str, Any]) -> dict[str, Any]:
    row = {k: v for k, v in sums.items() if k not in INTERNAL}
    row["occupancy_pct"] = ratio(sums["leased_units"], sums["reported_units"])
    row["avg_rent_yuan_m2"] = (
        round(sums["rent_weighted"] / sums["rent_units"], 2) if sums["rent_units"] else None
    )
    row["rent_ratio"] = ratio(sums["rent_weighted"], sums["market_weighted"])
    row["small_units_pct"] = ratio(sums["small_units"], sums["small_reported_units"])
    return row


FLAG_TEXT = {"rent-high": "租金偏高", "rent-ceiling": "租金达上限"}


def _flag_text(row: dict[str, Any]) -> str:
    """Short enough for a terminal column; the days and missing fields have columns of their own in CSV."""
    parts = [FLAG_TEXT[f] for f in row["flags"] if f in FLAG_TEXT]
    if "operations-missing" in row["flags"]:
        parts.append("无运营数据" if len(row["missing_fields"]) == len(CORE_FIELDS) else "运营数据不全")
    return "；".join(parts)


def operations_report(
    ledger: Ledger, as_of: date, filters: Filters | None = None, grace_days: int | None = None
) -> Report:
    filters = filters or Filters()
    registry = ledger.registry
    settings = registry.criteria.settings
    grace = settings.operations_grace_days if grace_days is None else grace_days
    districts = {
        name: dict.fromkeys(SUMS, 0)
        for name in registry.districts
        if not filters.districts or name in filters.districts
    }
    total: dict[str, Any] = dict.fromkeys(SUMS, 0)
    projects = []
    for project in ledger.valid_projects():
        if not filters.matches(project):
            continue
        milestone = ledger.delivered_milestone(project)
        if not is_delivered(ledger, project, as_of) or milestone is None or milestone.actual is None:
            continue
        row = project_row(project, milestone.actual, as_of, settings, grace)
        projects.append(row)
        for sums in (districts.setdefault(project.district, dict.fromkeys(SUMS, 0)), total):
            _add(sums, project, row)
    order = registry.district_order
    projects.sort(key=lambda r: (order[r["district"]], r["id"]))
    district_rows = [
        {"district": name, **_finish(sums)}
        for name, sums in sorted(districts.items(), key=lambda kv: order[kv[0]])
    ]
    total = _finish(total)
    thresholds = {
        "rent_ceiling_ratio": settings.rent_ceiling_ratio,
        "rent_flag_ratio": settings.rent_flag_ratio,
        "grace_days": grace,
    }
    return Report.as_of_day(
        "运营情况",
        ledger.name,
        as_of,
        [_district_table(district_rows, total), _project_table(projects)],
        {
            **thresholds,
            "districts": district_rows,
            "total": total,
            "projects": projects,
        },
        subtitle=[
            *filters.describe(registry),
            "只统计截至统计日已建成交付的项目；租金：元/㎡·月；租金比 = 租金 ÷ 同地段市场租金",
            f"标记：租金比达 {settings.rent_flag_ratio:.0%} 为租金偏高、达 {settings.rent_ceiling_ratio:.0%} 为达上限；"
            f"交付超过 {grace} 天仍缺运营数据为缺数据",
        ],
    )


def _district_table(rows: list[dict[str, Any]], total: dict[str, Any]) -> Table:
    columns = [
        Column("district", "区县"),
        Column("delivered_projects", "交付项目", "int", sums=True),
        Column("delivered_units", "交付套数", "int", sums=True),
        Column("leased_units", "已出租", "int", sums=True),
        # rates over the projects that report them: their denominators are not columns
        Column("occupancy_pct", "出租率", "pct"),
        Column("avg_rent_yuan_m2", "平均租金", "float"),
        Column("rent_ratio", "租金比", "pct"),
        Column("small_units_pct", "≤70㎡占比", "pct"),
        Column("rent_flagged_projects", "租金偏高", "int", sums=True),
        Column("missing_data_projects", "缺数据", "int", sums=True),
    ]
    flags = {
        i: {"warning"} for i, r in enumerate(rows) if r["rent_flagged_projects"] or r["missing_data_projects"]
    }
    highlights = (
        Highlight("warning", "rent_flagged_projects", above=0),
        Highlight("warning", "missing_data_projects", above=0),
    )
    table = Table(
        "运营汇总（按区县）", columns, rows, {"district": "合计", **total}, flags, highlights=highlights
    )
    unreported = [r["district"] for r in rows if r["reported_units"] != r["delivered_units"]]
    if unreported:
        table.notes.append(
            f"出租率只按填报了已出租套数的项目计算；{'、'.join(unreported)}有已交付项目未填报（见明细）"
        )
    return table


def _project_table(rows: list[dict[str, Any]]) -> Table:
    columns = [
        Column("id", "项目编号"),
        Column("name", "项目名称"),
        # rows are sorted by district and the summary above names them: on screen the column gives way
        Column("district", "区县", screen=False),
        Column("delivered_on", "交付日期", screen=False),
        Column("days_since_delivery", "交付天数", "int", screen=False),
        Column("units", "套数", "int"),
        Column("leased_units", "已出租", "int"),
        Column("occupancy_pct", "出租率", "pct"),
        Column("rent_yuan_m2", "租金", "float"),
        Column("market_rent_yuan_m2", "市场租金", "float", screen=False),
        Column("rent_ratio", "租金比", "pct"),
        Column("small_units_pct", "≤70㎡占比", "pct"),
        Column("notice", "提示"),
        Column("missing_text", "缺少", screen=False),
    ]
    table_rows = [
        {**r, "notice": _flag_text(r), "missing_text": "、".join(CORE_FIELDS[k] for k in r["missing_fields"])}
        for r in rows
    ]
    flags: dict[int, set[str]] = {}
    for i, row in enumerate(rows):
        if "rent-ceiling" in row["flags"] or "operations-missing" in row["flags"]:
            flags[i] = {"shortfall"}
        elif row["flags"]:
            flags[i] = {"warning"}
    highlights = (
        Highlight("shortfall", "notice", contains=FLAG_TEXT["rent-ceiling"]),
        Highlight("shortfall", "notice", contains="运营数据"),
        Highlight("warning", "notice", contains=FLAG_TEXT["rent-high"]),
    )
    table = Table("已交付项目运营明细", columns, table_rows, None, flags, highlights=highlights)
    if not rows:
        table.notes.append("截至统计日没有已交付的项目")
    return table
