"""The meeting workbook (``bzf export``): which report goes on which sheet.

Pure: the ledger, the as-of date, the filters and the form in, ``Sheet``s out; the Excel and
CSV renderers lay them out. Every sheet is an existing report computed over the ledger **as
of** the day (``reports/as_of.as_of_ledger``: nothing dated later, undated figures only when
known on the day), so the workbook shows what the commands show and nothing after the day.
One table per sheet, so each prints with its own header, widths and page breaks:

===========  =====================================================================
汇总          ``bzf gap`` for the as-of year: a city headline, city targets, districts with
              序号, 排名 and a 合计 row, a bar chart of target / 启动 / 交付 by district, the
              signature line (``reports/export_summary.py``)
会议台账      the ~15 columns a meeting reads (``MEETING_COLUMNS``), fits an A3 page width
项目台账      ``bzf ledger`` with every 台账 column (``EXPORT_COLUMNS``): ``bzf import`` reads it
逾期节点      ``bzf overdue``, worst first
问题清单      open problems with 整改措施 / 完成时限 / 责任单位 / 责任人
问题汇总      the problems by department
分类统计      supply type × plan year (``reports/breakdown.py``)
资金 …        ``bzf funding``: one sheet per table (按区县, 按资金来源, 超支, 中央补助)
运营 …        ``bzf operations``: 运营 (by district) and 运营明细
===========  =====================================================================
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from baozufang_cli.reports.value import Column, Report, Sheet, Table

if TYPE_CHECKING:
    from baozufang_cli.ledger.registry import Ledger
    from baozufang_cli.reports.filters import Filters

# the 项目台账 sheet: the columns of a real 台账 (domain.md), computed ones included; the three
# list cells (节点, 资金来源, 存在问题) carry what `bzf import xlsx` needs to rebuild a project
EXPORT_COLUMNS = [
    "seq", "id", "name", "district", "address", "supply_type_label", "tags", "owner", "operator",
    "units", "unit_kind", "small_units", "floor_area_m2", "plan_year",
    "start_planned", "start_actual", "delivered_planned", "delivered_actual",
    "stage", "stage_date", "next_milestone", "next_planned", "status", "overdue", "overdue_milestones",
    "schedule", "progress", "certificate_no", "certificate_date",
    "total_investment_wan", "completed_investment_wan", "funding_planned_wan", "funding_received_wan",
    "funding_sources", "rent_yuan_m2", "market_rent_yuan_m2", "leased_units",
    "open_problems", "overdue_problems", "problem_list",
    "responsible_unit", "responsible_person", "contact_person", "contact", "updated", "note",
]  # fmt: skip
# the 会议台账 sheet: what a meeting reads, on one A3 page width
MEETING_COLUMNS = [
    "seq", "name", "district", "supply_type_label", "units",
    "start_planned", "start_actual", "delivered_planned", "delivered_actual",
    "stage", "progress", "status", "overdue", "responsible_unit", "problem_list",
]  # fmt: skip
SHEET_NAMES = (
    "汇总", "会议台账", "项目台账", "逾期节点", "问题清单", "问题汇总", "分类统计",
    "资金", "资金来源", "资金超支", "中央补助", "运营", "运营明细",
)  # fmt: skip
FUNDING_SHEETS = {"按资金来源": "资金来源", "累计完成投资超过到位资金": "资金超支", "中央补助": "中央补助"}


@dataclass(frozen=True)
class Form:
    """The government form's blanks: printed filled in, or as lines to fill in by hand."""

    unit: str | None = None  # 填报单位
    preparer: str | None = None  # 填表人
    phone: str | None = None  # 联系电话
    reviewer: str | None = None  # 审核人
    leader: str | None = None  # 分管领导
    filled: date | None = None  # 填报日期 (the pack's own date: exempt from the as-of rule)

    def line(self) -> str:
        day = self.filled.isoformat() if self.filled else None
        parts = [
            ("填报单位", self.unit),
            ("填表人", self.preparer),
            ("联系电话", self.phone),
            ("填报日期", day),
        ]
        return "　　".join(f"{label}：{value or BLANK}" for label, value in parts)

    def signatures(self) -> str:
        parts = [("审核人", self.reviewer), ("分管领导", self.leader)]
        return "　　　　".join(f"{label}：{value or BLANK}" for label, value in parts)


BLANK = "＿" * 8


def export_sheets(
    ledger: Ledger,
    as_of: date,
    filters: Filters,
    form: Form | None = None,
    earlier: dict[str, Any] | None = None,  # path → the project as of the day (record or model)
) -> list[Sheet]:
    from baozufang_cli.reports.as_of import as_of_ledger
    from baozufang_cli.reports.breakdown import breakdown_report
    from baozufang_cli.reports.export_summary import summary_sheet
    from baozufang_cli.reports.funding import funding_report
    from baozufang_cli.reports.ledger_view import ledger_report
    from baozufang_cli.reports.operations import operations_report
    from baozufang_cli.reports.overdue import overdue_report
    from baozufang_cli.reports.problems import problems_report

    form = form or Form()
    view = as_of_ledger(ledger, as_of, earlier)
    known = view.ledger
    stale = view.note()
    lines = [form.line()]

    full = ledger_report(known, as_of, filters, EXPORT_COLUMNS, with_total=True)
    meeting = meeting_report(full)
    overdue = overdue_report(known, as_of, filters)
    problems = problems_report(known, as_of, filters, state="open")
    by_department, problem_list = problems.tables
    breakdown = breakdown_report(known, as_of, filters)
    funding = funding_report(known, as_of, "district", filters)
    operations = operations_report(known, as_of, filters)
    for report in (meeting, full, funding, operations):
        for table in report.tables:
            if stale:
                table.notes.append(stale)

    sheets = [
        summary_sheet(known, as_of, filters, form, lines),
        Sheet("会议台账", meeting, meeting.tables, title="项目台账（会议用）", freeze_columns=2,
              lines=lines, wrap_width=24),
        Sheet("项目台账", full, full.tables, freeze_columns=3, lines=lines, wrap_width=30),
        Sheet("逾期节点", overdue, [numbered(overdue.tables[0])], freeze_columns=1, lines=lines),
        Sheet("问题清单", problems, [problem_sheet_table(problem_list, known)], title="问题清单（整改台账）",
              freeze_columns=1, lines=lines),
        Sheet("问题汇总", problems, [by_department], title="问题汇总（按责任部门）", lines=lines),
        Sheet("分类统计", breakdown, breakdown.tables, lines=lines),
    ]  # fmt: skip
    for index, table in enumerate(funding.tables):
        name = "资金" if index == 0 else _funding_sheet(table.title)
        title = f"资金汇总（{table.title}）" if table.title.startswith("按") else table.title
        sheets.append(Sheet(name, funding, [table], title=title, lines=lines))
    for index, table in enumerate(operations.tables):
        if index == 0:
            sheets.append(Sheet("运营", operations, [table], title=table.title, lines=lines))
        else:
            shown = numbered(dated(table, "delivered_on"))
            sheets.append(
                Sheet("运营明细", operations, [shown], title=table.title, freeze_columns=3, lines=lines)
            )
    return sheets


def meeting_report(full: Report) -> Report:
    """The 会议台账: the full 台账's rows read through ``MEETING_COLUMNS`` (computed once)."""
    (table,) = full.tables
    shown = replace(table.select(MEETING_COLUMNS), title="会议台账", notes=list(table.notes))
    return replace(
        full, tables=[shown], data={**full.data, "columns": MEETING_COLUMNS}, subtitle=list(full.subtitle)
    )


def _funding_sheet(title: str) -> str:
    for part, name in FUNDING_SHEETS.items():
        if part in title:
            return name
    return title[:31]


SEQ = Column("seq", "序号", "int")


def dated(table: Table, key: str) -> Table:
    """The table with column ``key`` (ISO text in the JSON rows) as real dates."""
    columns = [replace(c, kind="date") if c.key == key else c for c in table.columns]
    rows = [{**row, key: date.fromisoformat(row[key])} if row.get(key) else row for row in table.rows]
    return replace(table, columns=columns, rows=rows)


def numbered(table: Table) -> Table:
    """The table with a 序号 column first (a list a meeting refers to by number)."""
    if any(column.key == "seq" for column in table.columns):
        return table
    rows = [{"seq": index, **row} for index, row in enumerate(table.rows, start=1)]
    total = {**table.total, "seq": None} if table.total is not None else None
    if total is not None and table.columns:
        total[table.columns[0].key], total["seq"] = None, "合计"
    return replace(table, columns=[SEQ, *table.columns], rows=rows, total=total)


PROBLEM_COLUMNS = (
    Column("seq", "序号", "int"),
    Column("project_name", "项目名称"),
    Column("district", "区县"),
    Column("text", "存在问题"),
    Column("category", "问题类别"),
    Column("measures", "整改措施"),
    Column("due", "完成时限", "date"),
    Column("department", "责任单位"),
    Column("person", "责任人"),
    Column("raised", "提出日期", "date"),
    Column("state_label", "状态"),
    Column("days_overdue", "逾期天数", "int"),
)


def problem_sheet_table(listing: Table, ledger: Ledger) -> Table:
    """The 问题清单 as a 整改台账: each open problem with its measures, deadline and who is responsible."""
    problems = {(p.id, q.id): q for p in ledger.valid_projects() for q in p.problems}
    rows: list[dict[str, Any]] = []
    for index, row in enumerate(listing.rows, start=1):
        problem = problems.get((row["project_id"], row["problem_id"]))
        rows.append(
            {
                **row,
                "seq": index,
                "measures": problem.measures if problem is not None else None,
                "person": problem.person if problem is not None else None,
            }
        )
    return replace(listing, columns=list(PROBLEM_COLUMNS), rows=rows)


def csv_name(sheet: Sheet, index: int) -> str:
    """The file of a sheet's table in ``bzf export csv``: the main table is ``<sheet>.csv``,
    the others ``<sheet>-<table title>.csv``."""
    if index == sheet.main:
        return f"{sheet.name}.csv"
    title = "".join(ch for ch in sheet.tables[index].title if ch not in '\\/:*?"<>|').strip()
    return f"{sheet.name}-{title or index + 1}.csv"
