"""``bzf listings``: available housing for the city's rental platform.

A project is listed when it is delivered as of D and has vacant units (units − leased_units
> 0). A delivered project without ``leased_units`` is not listed: its vacancy is unknown,
and publishing all its units as vacant would mislead applicants; it is named instead.
The JSON shape is pinned by ``schemas/listing.schema.json``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from baozufang_cli.facts.project import is_delivered
from baozufang_cli.facts.records import Project
from baozufang_cli.ledger.registry import Ledger
from baozufang_cli.reports.filters import Filters
from baozufang_cli.reports.value import Column, Report, Table

SCHEMA_FILE = "listing.schema.json"
COLUMNS = [
    Column("project_id", "项目编号"),
    Column("project_name", "项目名称"),
    Column("district", "区县"),
    Column("district_code", "行政区划代码"),
    Column("address", "地址"),
    Column("supply_type", "筹集方式代码"),
    Column("supply_type_label", "筹集方式"),
    Column("unit_kind", "计量单位"),
    Column("units", "总套(间)数", "int"),
    Column("vacant_units", "空置套(间)数", "int"),
    Column("rent_yuan_m2", "租金（元/㎡·月）", "float"),
    Column("admission", "面向对象"),
    Column("operator", "运营单位"),
    Column("contact", "咨询电话"),
    Column("opened", "开始运营日期", "date"),
    Column("updated", "更新日期", "date"),
]
# the terminal and Markdown preview: the columns a person scans, short headers; CSV and JSON carry all
PREVIEW_COLUMNS = [
    Column("project_id", "项目编号"),
    Column("project_name", "项目名称"),
    Column("district", "区县"),
    Column("vacant_units", "空置", "int"),
    Column("unit_kind", "单位"),
    Column("rent_yuan_m2", "租金", "float"),
    Column("contact", "咨询电话"),
]


def schema_text() -> str:
    from importlib.resources import files

    return (files("baozufang_cli") / "schemas" / SCHEMA_FILE).read_text(encoding="utf-8")


def listing(ledger: Ledger, project: Project, vacant: int) -> dict[str, Any]:
    registry = ledger.registry
    operations = project.operations
    assert operations is not None
    return {
        "project_id": project.id,
        "project_name": project.name,
        "district": project.district,
        "district_code": registry.districts[project.district].code,
        "address": project.address,
        "supply_type": project.supply_type,
        "supply_type_label": registry.supply_types[project.supply_type].label,
        "unit_kind": project.unit_kind,
        "units": project.units,
        "vacant_units": vacant,
        "rent_yuan_m2": operations.rent_yuan_m2,
        "admission": operations.admission,
        "operator": project.operator,
        "contact": operations.contact or project.contact,
        "opened": operations.opened.isoformat() if operations.opened else None,
        "updated": project.updated.isoformat() if project.updated else None,
    }


def listings_report(ledger: Ledger, as_of: date, filters: Filters | None = None) -> Report:
    filters = filters or Filters()
    order = ledger.registry.district_order
    rows: list[dict[str, Any]] = []
    unreported: list[str] = []
    for project in sorted(ledger.valid_projects(), key=lambda p: (order[p.district], p.id)):
        if not filters.matches(project) or not is_delivered(ledger, project, as_of):
            continue
        leased = project.operations.leased_units if project.operations else None
        if leased is None:
            unreported.append(project.id)
        elif project.units - leased > 0:
            rows.append(listing(ledger, project, project.units - leased))
    table = Table("可租房源", COLUMNS, rows)
    vacant = sum(r["vacant_units"] for r in rows)
    table.notes.append(f"共 {len(rows)} 个项目有空置房源，合计 {vacant:,} 套(间)")
    if unreported:
        table.notes.append(
            f"{len(unreported)} 个已交付项目未填写已出租套数，空置情况不明，未列出：{'、'.join(unreported[:5])}"
            + ("等" if len(unreported) > 5 else "")
        )
    return Report.as_of_day(
        "可租房源",
        ledger.name,
        as_of,
        [table],
        {
            "ledger": ledger.name,
            "count": len(rows),
            "listings": rows,
            "unreported_projects": unreported,
        },
        subtitle=[
            *filters.describe(ledger.registry),
            "截至统计日已建成交付、仍有空置的项目；租金单位：元/㎡·月",
        ],
    )


def preview(report: Report) -> Report:
    """The same report with the narrow columns a terminal can show."""
    report.tables = [
        Table(t.title, PREVIEW_COLUMNS, t.rows, t.total, t.flags, t.notes) for t in report.tables
    ]
    return report
