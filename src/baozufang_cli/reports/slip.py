"""``bzf slip``: 基线对比 — how far each planned date has moved since the plan was set.

For every milestone with a planned date both at the baseline (``history/baseline.py``) and in the
working tree: ``slip_days = (planned_now − planned_baseline).days``; rows are the milestones whose
slip is not 0. Per district, with Y the year of ``--as-of``:

* ``slipped_projects`` — projects whose delivery-standard milestone slipped (slip > 0);
* ``max_slip_days`` — the largest ``slip_days`` among the district's rows (``None`` without rows);
* ``units_moved_out`` — units of projects whose delivery milestone was planned within Y at the
  baseline and is now planned after 31 Dec of Y.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from baozufang_cli.facts.dates import year_end
from baozufang_cli.reports.filters import Filters
from baozufang_cli.reports.value import Column, Report, Table

if TYPE_CHECKING:
    from baozufang_cli.history.baseline import Baseline
    from baozufang_cli.ledger.registry import Ledger

ROW_COLUMNS = [
    Column("id", "项目编号", "code"),
    Column("name", "项目名称"),
    Column("district", "区县"),
    Column("milestone", "节点"),
    Column("baseline_planned", "基线计划", "date"),
    Column("planned", "现计划", "date"),
    Column("slip_days", "推迟天数", "int"),
]
DISTRICT_COLUMNS = [
    Column("district", "区县"),
    Column("slipped_projects", "交付推迟项目", "int", sums=True),
    Column("max_slip_days", "最多推迟天数", "int"),
    Column("units_moved_out", "移出本年套数", "int", sums=True),
]


def slip_report(ledger: Ledger, as_of: date, baseline: Baseline, filters: Filters | None = None) -> Report:
    filters = filters or Filters()
    registry = ledger.registry
    order = registry.district_order
    end = year_end(as_of.year)
    rows: list[dict[str, Any]] = []
    positions: dict[tuple[str, str], int] = {}
    districts: dict[str, dict[str, Any]] = {}
    compared = 0
    for project in ledger.valid_projects():
        if not filters.matches(project):
            continue
        district = districts.setdefault(
            project.district,
            {
                "district": project.district,
                "slipped_projects": 0,
                "max_slip_days": None,
                "units_moved_out": 0,
            },
        )
        plan = baseline.plans.get(project.id)
        if plan is None:
            continue
        compared += 1
        milestone_order = registry.milestone_order(project.supply_type)
        delivered_name = registry.type_of(project).delivered_milestone
        for milestone in project.milestones:
            before = plan.planned.get(milestone.name)
            if milestone.planned is None or before is None:
                continue
            slip = (milestone.planned - before).days
            if milestone.name == delivered_name:
                if slip > 0:
                    district["slipped_projects"] += 1
                if before.year == as_of.year and milestone.planned > end:
                    district["units_moved_out"] += project.units
            if slip == 0:
                continue
            positions[(project.id, milestone.name)] = milestone_order.get(milestone.name, 0)
            rows.append(
                {
                    "id": project.id,
                    "name": project.name,
                    "district": project.district,
                    "milestone": milestone.name,
                    "baseline_planned": before,
                    "planned": milestone.planned,
                    "slip_days": slip,
                }
            )
            if district["max_slip_days"] is None or slip > district["max_slip_days"]:
                district["max_slip_days"] = slip
    rows.sort(
        key=lambda r: (-r["slip_days"], order[r["district"]], r["id"], positions[(r["id"], r["milestone"])])
    )
    district_rows = [districts[name] for name in sorted(districts, key=order.__getitem__)]

    if baseline.commit is None:
        described = "基线：每个项目文件第一次提交时的计划"
    else:
        when = baseline.commit.date.strftime("%Y-%m-%d %H:%M")
        described = (
            f"基线：{baseline.commit.short}（{when} {baseline.commit.author}：{baseline.commit.subject}）"
        )
    notes = [
        f"对比了 {compared} 个项目（基线中没有的项目不对比）；推迟天数 = 现计划 − 基线计划，负数为提前",
    ]
    if baseline.unreadable:
        notes.append(
            f"基线中 {len(baseline.unreadable)} 个文件有错误，未对比：{'、'.join(baseline.unreadable[:5])}"
        )
    row_flags = {i: {"overdue"} for i, r in enumerate(rows) if r["slip_days"] > 0}
    district_table = Table(
        f"区县汇总（移出本年 = 交付节点基线计划在 {as_of.year} 年内、现计划在 {as_of.year} 年以后）",
        DISTRICT_COLUMNS,
        district_rows,
        flags={i: {"shortfall"} for i, r in enumerate(district_rows) if r["units_moved_out"] > 0},
    )
    row_table = Table("计划日期有变化的节点", ROW_COLUMNS, rows, flags=row_flags, notes=notes)
    return Report.as_of_day(
        "基线对比",
        ledger.name,
        as_of,
        [district_table, row_table],
        {"baseline": baseline.label, "rows": rows, "districts": district_rows},
        subtitle=[described, *filters.describe(registry)],
    )
