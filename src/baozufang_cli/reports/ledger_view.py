"""``bzf ledger``: the 台账 view — one row per project, sorted by district (registry order) then id.

Every column is named by its JSON key; ``--columns`` picks some of them. JSON rows and CSV rows
hold exactly the chosen columns, so the two formats always agree. Dates follow the as-of rule:
an actual date after D is not known on D and shows as empty.

Module-level imports stay light (no pydantic): the command lists the column keys in ``--help``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from baozufang_cli.facts.project import DELIVERED, NOT_STARTED, STARTED, project_progress
from baozufang_cli.reports.ledger_view_cells import problems_text, schedule_text, sources_text
from baozufang_cli.reports.ledger_view_columns import COLUMN_KEYS, DEFAULT_KEYS
from baozufang_cli.reports.value import Column, Highlight, Report, Table

if TYPE_CHECKING:
    from baozufang_cli.facts.project import ProjectProgress
    from baozufang_cli.facts.records import Project
    from baozufang_cli.ledger.registry import Ledger
    from baozufang_cli.reports.filters import Filters

COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", "int"),
    Column("id", "项目编号", "code"),
    Column("name", "项目名称"),
    Column("district", "所在区县"),
    Column("address", "地址"),
    Column("supply_type", "筹集方式代码", "code"),
    Column("supply_type_label", "筹集方式"),
    Column("tags", "房源类别"),
    Column("owner", "建设主体"),
    Column("operator", "运营单位"),
    Column("units", "套数", "int", sums=True),
    Column("unit_kind", "单位"),
    Column("small_units", "其中≤70㎡套数", "int", sums=True),
    Column("floor_area_m2", "建筑面积（㎡）", "float", sums=True),
    Column("total_investment_wan", "总投资（万元）", "money", sums=True),
    Column("completed_investment_wan", "累计完成投资（万元）", "money", sums=True),
    Column("funding_planned_wan", "计划资金（万元）", "money", sums=True),
    Column("funding_received_wan", "到位资金（万元）", "money", sums=True),
    Column("funding_sources", "资金来源与到位"),
    Column("certificate_no", "认定书编号"),
    Column("certificate_date", "认定日期", "date"),
    Column("plan_year", "计划年度", "year"),
    Column("start_planned", "计划启动", "date"),
    Column("start_actual", "实际启动", "date"),
    Column("delivered_planned", "计划交付", "date"),
    Column("delivered_actual", "实际交付", "date"),
    Column("stage", "当前节点"),
    Column("stage_date", "当前节点完成日期", "date"),
    Column("next_milestone", "下一节点"),
    Column("next_planned", "下一节点计划", "date"),
    Column("status", "状态"),
    Column("overdue", "逾期", "bool"),
    Column("overdue_milestones", "逾期节点数", "int", sums=True),
    Column("schedule", "倒排工期节点"),
    Column("progress", "形象进度"),
    Column("rent_yuan_m2", "租金（元/㎡·月）", "float"),
    Column("market_rent_yuan_m2", "同地段市场租金", "float"),
    Column("leased_units", "已出租套数", "int", sums=True),
    Column("open_problems", "未办结问题", "int", sums=True),
    Column("overdue_problems", "逾期问题", "int", sums=True),
    Column("problem_list", "存在问题"),
    Column("responsible_unit", "责任单位"),
    Column("responsible_person", "责任人"),
    Column("contact_person", "联系人"),
    Column("contact", "联系电话", "code"),
    Column("updated", "更新日期", "date"),
    Column("note", "备注"),
)
if tuple(c.key for c in COLUMNS) != COLUMN_KEYS:  # the light list the CLI's --help reads must match
    raise RuntimeError("ledger_columns.COLUMN_KEYS is out of step with ledger_view.COLUMNS")


# in the default view, the terminal leaves these out first when the table does not fit
DEFAULT_OPTIONAL = {
    "start_planned": 7, "start_actual": 6, "delivered_planned": 5, "delivered_actual": 4,
    "plan_year": 3, "supply_type_label": 2, "district": 1,  # rows are sorted by district anyway
}  # fmt: skip


def resolve_columns(texts: list[str] | None) -> list[str]:
    """``--columns id,name --columns 套数`` → keys in the order given (a key or a Chinese header);
    ``all``; default when empty. An unknown column is a usage error listing the columns there are.
    """
    from baozufang_cli.reports.columns import ALL, match_name, split_names, unknown_column

    names = split_names(texts)
    if not names:
        return list(DEFAULT_KEYS)
    if ALL in names:
        return list(COLUMN_KEYS)
    keys = []
    for name in names:
        column = match_name(name, COLUMNS)
        if column is None:
            raise unknown_column(name, COLUMNS, "ledger")
        keys.append(column.key)
    return list(dict.fromkeys(keys))


def project_row(progress: ProjectProgress, ledger: Ledger) -> dict[str, Any]:
    """Every column of one project's 台账 row (keys of ``COLUMNS`` except ``seq``)."""
    project: Project = progress.project
    registry = ledger.registry
    start, delivered, stage, following = progress.start, progress.delivered, progress.stage, progress.next
    funding, operations, certificate = project.funding, project.operations, project.certificate
    return {
        "id": project.id,
        "name": project.name,
        "district": project.district,
        "address": project.address,
        "supply_type": project.supply_type,
        "supply_type_label": registry.supply_types[project.supply_type].label,
        "tags": list(project.tags),
        "owner": project.owner,
        "operator": project.operator,
        "units": project.units,
        "unit_kind": project.unit_kind,
        "small_units": project.small_units,
        "floor_area_m2": project.floor_area_m2,
        "total_investment_wan": funding.total_wan if funding else None,
        "completed_investment_wan": funding.completed_wan if funding else None,
        "funding_planned_wan": sum(s.planned_wan for s in funding.sources) if funding else None,
        "funding_received_wan": sum(s.received_wan for s in funding.sources) if funding else None,
        "funding_sources": sources_text(funding.sources) if funding else None,
        "certificate_no": certificate.no if certificate else None,
        "certificate_date": certificate.date if certificate else None,
        "plan_year": project.plan_year,
        "start_planned": start.planned if start else None,
        "start_actual": start.actual if start else None,
        "delivered_planned": delivered.planned if delivered else None,
        "delivered_actual": delivered.actual if delivered else None,
        "stage": stage.name if stage else None,
        "stage_date": stage.actual if stage else None,
        "next_milestone": following.name if following else None,
        "next_planned": following.planned if following else None,
        "status": progress.status,
        "overdue": progress.is_overdue,
        "overdue_milestones": len(progress.overdue_milestones),
        # every milestone the file lists, with its recorded dates (the data, not the as-of view)
        "schedule": schedule_text(
            m for state in progress.milestones if (m := project.milestone(state.name)) is not None
        ),
        "progress": project.progress,
        "rent_yuan_m2": operations.rent_yuan_m2 if operations else None,
        "market_rent_yuan_m2": operations.market_rent_yuan_m2 if operations else None,
        "leased_units": operations.leased_units if operations else None,
        "open_problems": len(progress.open_problems),
        "overdue_problems": len(progress.overdue_problems),
        "problem_list": problems_text(state.problem for state in progress.open_problems),
        "responsible_unit": project.responsible_unit,
        "responsible_person": project.responsible_person,
        "contact_person": project.contact_person,
        "contact": project.contact,
        "updated": project.updated,
        "note": project.note,
    }


def ledger_report(
    ledger: Ledger,
    as_of: date,
    filters: Filters | None = None,
    columns: list[str] | None = None,
    with_total: bool = False,
) -> Report:
    """The 台账; ``with_total`` adds a 合计 row of the additive columns (the Excel export has one)."""
    from baozufang_cli.reports.filters import Filters

    filters = filters or Filters()
    keys = columns or list(DEFAULT_KEYS)
    # columns the user chose are all shown; the default view may drop some on a narrow terminal
    optional = DEFAULT_OPTIONAL if keys == list(DEFAULT_KEYS) else {}
    registry = ledger.registry
    order = registry.district_order
    projects = sorted(
        (p for p in ledger.valid_projects() if filters.matches(p)), key=lambda p: (order[p.district], p.id)
    )
    full_rows = []
    for seq, project in enumerate(projects, start=1):
        full_rows.append({"seq": seq, **project_row(project_progress(registry, project, as_of), ledger)})
    rows = [{key: row[key] for key in keys} for row in full_rows]
    flags = {i: {"overdue"} for i, row in enumerate(full_rows) if row["overdue"]}
    by_key = {c.key: replace(c, optional=optional.get(c.key, 0)) for c in COLUMNS}
    units = sum(p.units for p in projects)
    counts = {
        status: sum(r["status"] == status for r in full_rows) for status in (NOT_STARTED, STARTED, DELIVERED)
    }
    notes = [
        f"共 {len(projects)} 个项目，{units:,} 套(间)："
        + "，".join(f"{status} {count}" for status, count in counts.items())
        + f"；逾期 {len(flags)} 个"
    ]
    table = Table(
        "项目台账",
        [by_key[k] for k in keys],
        rows,
        total=_total(rows, [by_key[k] for k in keys]) if with_total else None,
        flags=flags,
        notes=notes,
        highlights=(Highlight("overdue", "overdue", equals=True),),
    )
    return Report.as_of_day(
        "项目台账",
        ledger.name,
        as_of,
        [table],
        {"columns": keys, "rows": rows},
        subtitle=filters.describe(registry),
    )


def _total(rows: list[dict[str, Any]], columns: list[Column]) -> dict[str, Any]:
    total: dict[str, Any] = {columns[0].key: "合计"} if columns else {}
    for column in columns:
        if column.sums:
            values = [row[column.key] for row in rows if row[column.key] is not None]
            total[column.key] = sum(values) if values else None
    return total
