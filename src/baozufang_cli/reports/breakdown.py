"""分类统计: supply type × plan year — projects, units, started and delivered units as of D.

One row per (supply type, plan year) that has projects, supply types in registry order and
years ascending; a 小计 row after each supply type and a 合计 row. Started and delivered
follow the 统计口径 of docs/format.md (the supply type's start/delivered milestone done as of D).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from baozufang_cli.ledger.registry import Ledger
from baozufang_cli.reports.filters import Filters
from baozufang_cli.reports.status import COUNTS, add_project, with_rates, zero_counts
from baozufang_cli.reports.value import Column, Report, Table

COLUMNS = [
    Column("supply_type_label", "筹集方式"),
    Column("year", "计划年度", "year"),
    Column("projects", "项目数", "int", sums=True),
    Column("units", "套数", "int", sums=True),
    Column("started_projects", "已启动项目", "int", sums=True),
    Column("started_units", "已启动套数", "int", sums=True),
    Column("delivered_projects", "已交付项目", "int", sums=True),
    Column("delivered_units", "已交付套数", "int", sums=True),
    Column("started_pct", "启动率", "pct", ratio_of=("started_units", "units")),
    Column("delivered_pct", "交付率", "pct", ratio_of=("delivered_units", "units")),
]


def breakdown_report(ledger: Ledger, as_of: date, filters: Filters | None = None) -> Report:
    filters = filters or Filters()
    registry = ledger.registry
    cells: dict[tuple[str, int], dict[str, Any]] = {}
    for project in ledger.valid_facts():
        if not filters.matches(project):
            continue
        add_project(cells.setdefault((project.supply_type, project.plan_year), zero_counts()), project, as_of)

    rows: list[dict[str, Any]] = []
    flags: dict[int, set[str]] = {}
    by_type: list[dict[str, Any]] = []
    total = zero_counts()
    for type_key in sorted({key for key, _ in cells}, key=registry.type_order.__getitem__):
        label = registry.supply_types[type_key].label
        subtotal = zero_counts()
        years = []
        for year in sorted(year for key, year in cells if key == type_key):
            counts = cells[(type_key, year)]
            row = {
                "supply_type": type_key,
                "supply_type_label": label,
                "year": year,
                **with_rates(dict(counts)),
            }
            rows.append(row)
            years.append(row)
            for name in COUNTS:
                subtotal[name] += counts[name]
                total[name] += counts[name]
        flags[len(rows)] = {"subtotal"}
        rows.append(
            {
                "supply_type": type_key,
                "supply_type_label": f"{label} 小计",
                "year": None,
                **with_rates(subtotal),
            }
        )
        by_type.append({"supply_type": type_key, "supply_type_label": label, "years": years, **subtotal})
    total = with_rates(total)
    table = Table(
        "分类统计（筹集方式 × 计划年度）",
        COLUMNS,
        rows,
        total={"supply_type_label": "合计", **total},
        flags=flags,
        notes=["已启动、已交付按统计截至日的节点完成情况；计划年度为项目所属的年度计划"],
    )
    return Report.as_of_day(
        "分类统计",
        ledger.name,
        as_of,
        [table],
        {
            "rows": [r for i, r in enumerate(rows) if i not in flags],
            "by_type": by_type,
            "total": total,
        },
        subtitle=filters.describe(registry),
    )
