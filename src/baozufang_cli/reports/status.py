"""``bzf status``: projects, units, started and delivered units rolled up by district, year or type."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date
from typing import Any, Literal

from baozufang_cli.facts.project import facts_delivered, facts_started
from baozufang_cli.facts.records import ProjectFacts
from baozufang_cli.ledger.registry import Ledger
from baozufang_cli.reports.filters import Filters
from baozufang_cli.reports.value import Column, Report, Table, ratio

By = Literal["district", "year", "type"]
COUNTS = ("projects", "units", "started_projects", "started_units", "delivered_projects", "delivered_units")


def zero_counts() -> dict[str, Any]:
    return dict.fromkeys(COUNTS, 0)


def add_project(counts: dict[str, Any], project: ProjectFacts, as_of: date) -> None:
    """Count one project into ``counts`` (projects, units, started and delivered as of D)."""
    started = facts_started(project, as_of)
    delivered = facts_delivered(project, as_of)
    counts["projects"] += 1
    counts["units"] += project.units
    counts["started_projects"] += started
    counts["started_units"] += project.units if started else 0
    counts["delivered_projects"] += delivered
    counts["delivered_units"] += project.units if delivered else 0


def with_rates(row: dict[str, Any]) -> dict[str, Any]:
    row["started_pct"] = ratio(row["started_units"], row["units"])
    row["delivered_pct"] = ratio(row["delivered_units"], row["units"])
    return row


def status_report(ledger: Ledger, as_of: date, by: By = "district", filters: Filters | None = None) -> Report:
    filters = filters or Filters()
    registry = ledger.registry
    groups: dict[Hashable, dict[str, Any]] = {}
    # every district (or supply type) in the registry gets a row, so a zero is visible
    if by == "district":
        for name in registry.districts:
            if not filters.districts or name in filters.districts:
                groups[name] = zero_counts()
    elif by == "type":
        for type_key in registry.supply_types:
            if not filters.types or type_key in filters.types:
                groups[type_key] = zero_counts()

    field = {"district": "district", "year": "plan_year", "type": "supply_type"}[by]
    for project in ledger.valid_facts():  # the cached facts: no full record is rebuilt
        if not filters.matches(project):
            continue
        group: Hashable = getattr(project, field)
        counts = groups.get(group)
        if counts is None:
            counts = groups[group] = zero_counts()
        add_project(counts, project, as_of)
    total = zero_counts()  # every project is in exactly one group
    for counts in groups.values():
        for key in COUNTS:
            total[key] += counts[key]

    if by == "district":
        keys = sorted(groups, key=lambda k: registry.district_order[str(k)])
        rows = [{"district": k, **with_rates(groups[k])} for k in keys]
        group_column = Column("district", "区县")
    elif by == "year":
        keys = sorted(groups, key=lambda k: int(str(k)))
        rows = [{"year": k, **with_rates(groups[k])} for k in keys]
        group_column = Column("year", "计划年度", "year")
    else:
        keys = sorted(groups, key=lambda k: registry.type_order[str(k)])
        rows = [
            {
                "supply_type": k,
                "supply_type_label": registry.supply_types[str(k)].label,
                **with_rates(groups[k]),
            }
            for k in keys
        ]
        group_column = Column("supply_type_label", "筹集方式")

    columns = [
        group_column,
        Column("projects", "项目数", "int", sums=True),
        Column("units", "套数", "int", sums=True),
        Column("started_units", "已启动套数", "int", sums=True),
        Column("delivered_units", "已交付套数", "int", sums=True),
        Column("started_pct", "启动率", "pct", ratio_of=("started_units", "units")),
        Column("delivered_pct", "交付率", "pct", bar=True, ratio_of=("delivered_units", "units")),
    ]
    total = with_rates(total)
    label_key = group_column.key
    table = Table("项目进度汇总", columns, rows, total={label_key: "合计", **total})
    return Report.as_of_day(
        "项目进度汇总",
        ledger.name,
        as_of,
        [table],
        {"by": by, "rows": rows, "total": total},
        subtitle=filters.describe(registry),
    )
