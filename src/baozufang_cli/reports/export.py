"""The meeting workbook (``bzf export``): which report goes on which sheet.

Pure: the ledger, the as-of date and the filters in, ``Sheet``s out; the Excel and CSV
renderers lay them out. Every sheet is an existing report, so the workbook shows exactly
what the commands show:

===========  =====================================================================
汇总          ``bzf gap`` for the as-of year: city targets on top, districts with a 合计
              row, a bar chart of delivered target vs actual by district
项目台账      ``bzf ledger`` with the 台账 columns (``EXPORT_COLUMNS``) and a 合计 row
逾期节点      ``bzf overdue``, worst first
问题清单      ``bzf problems --state open`` (open and overdue), then the summary by department
分类统计      supply type × plan year (``reports/breakdown.py``)
资金          ``bzf funding``
运营          ``bzf operations``
===========  =====================================================================
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from baozufang_cli.reports.value import Chart, Sheet

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
    "responsible_unit", "responsible_person", "contact", "updated", "note",
]  # fmt: skip
SHEET_NAMES = ("汇总", "项目台账", "逾期节点", "问题清单", "分类统计", "资金", "运营")


def export_sheets(ledger: Ledger, as_of: date, filters: Filters) -> list[Sheet]:
    from baozufang_cli.reports.breakdown import breakdown_report
    from baozufang_cli.reports.funding import funding_report
    from baozufang_cli.reports.gap import gap_report
    from baozufang_cli.reports.ledger_view import ledger_report
    from baozufang_cli.reports.operations import operations_report
    from baozufang_cli.reports.overdue import overdue_report
    from baozufang_cli.reports.problems import problems_report

    gap = gap_report(ledger, as_of, [as_of.year], filters)
    districts = len(gap.tables) - 1  # the city targets (when shown) come first
    chart = Chart(
        f"{as_of.year} 年各区县建成交付：目标与完成",
        "district",
        (("delivered_target", "交付目标"), ("delivered_actual", "交付完成")),
        "套(间)",
        table=districts,
    )
    ledger_view = ledger_report(ledger, as_of, filters, EXPORT_COLUMNS, with_total=True)
    overdue = overdue_report(ledger, as_of, filters)
    problems = problems_report(ledger, as_of, filters, state="open")
    summary_by_department, problem_list = problems.tables
    breakdown = breakdown_report(ledger, as_of, filters)
    funding = funding_report(ledger, as_of, "district", filters)
    operations = operations_report(ledger, as_of, filters)
    return [
        Sheet(
            "汇总", gap, gap.tables, title=f"目标完成情况汇总（{as_of.year} 年）", main=districts, chart=chart
        ),
        Sheet("项目台账", ledger_view, ledger_view.tables, freeze_columns=3),
        Sheet("逾期节点", overdue, overdue.tables),
        Sheet("问题清单", problems, [problem_list, summary_by_department]),
        Sheet("分类统计", breakdown, breakdown.tables),
        Sheet("资金", funding, funding.tables),
        Sheet("运营", operations, operations.tables),
    ]


def csv_name(sheet: Sheet, index: int) -> str:
    """The file of a sheet's table in ``bzf export csv``: the main table is ``<sheet>.csv``,
    the others ``<sheet>-<table title>.csv``."""
    if index == sheet.main:
        return f"{sheet.name}.csv"
    title = "".join(ch for ch in sheet.tables[index].title if ch not in '\\/:*?"<>|').strip()
    return f"{sheet.name}-{title or index + 1}.csv"
