"""``bzf overdue``: slipped milestones (倒排工期), worst first."""

from __future__ import annotations

from typing import Annotated

import typer

from baozufang_cli.cli.options import (
    AsOfOpt,
    DataOpt,
    DistrictOpt,
    Format,
    FormatOpt,
    NoCacheOpt,
    OutputOpt,
    TypeOpt,
    YearOpt,
)
from baozufang_cli.cli.runtime import as_of_date, finish, guard, open_ledger, resolve_filters

ORDER = 40


def register(app: typer.Typer) -> None:
    @app.command(
        short_help="逾期节点：计划日期已过仍未完成的节点，按逾期天数排序",
        help="逾期节点：计划日期已过而未完成的节点，按逾期天数从多到少列出，附各区县逾期个数",
    )
    @guard
    def overdue(
        data: DataOpt = None,
        as_of: AsOfOpt = None,
        within: Annotated[
            int | None,
            typer.Option(
                "--within", "-w", min=0, max=3650, metavar="N", help="同时列出 N 天内到期的节点（不计入逾期）"
            ),
        ] = None,
        late: Annotated[bool, typer.Option("--late", help="同时列出已完成但晚于计划日期的节点")] = False,
        district: DistrictOpt = None,
        year: YearOpt = None,
        supply_type: TypeOpt = None,
        fmt: FormatOpt = Format.table,
        output: OutputOpt = None,
        no_cache: NoCacheOpt = False,
    ) -> None:
        from baozufang_cli.reports.overdue import overdue_report

        day = as_of_date(as_of)
        ledger = open_ledger(data, no_cache)
        filters = resolve_filters(ledger, district, year, supply_type)
        finish(overdue_report(ledger, day, filters, within, late), ledger, fmt, output)
