"""``bzf ledger``: the 台账 view, one row per project."""

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
from baozufang_cli.reports.ledger_view_columns import COLUMN_KEYS, DEFAULT_KEYS

ORDER = 55


def register(app: typer.Typer) -> None:
    @app.command(
        short_help="项目台账：每个项目一行，含启动/交付日期、当前与下一节点、状态",
        help="项目台账：每个项目一行（按区县、项目编号排序），含计划与实际启动/交付日期、当前节点、下一节点、状态、逾期、未办结问题",
    )
    @guard
    def ledger(
        data: DataOpt = None,
        as_of: AsOfOpt = None,
        columns: Annotated[
            list[str] | None,
            typer.Option(
                "--columns",
                "-C",
                help=(
                    "列（JSON 键，逗号分隔或多次指定，按给出的顺序；all 为全部列）。"
                    f"默认：{', '.join(DEFAULT_KEYS)}。可选：{', '.join(COLUMN_KEYS)}"
                ),
                show_default=False,
                metavar="KEYS",
            ),
        ] = None,
        district: DistrictOpt = None,
        year: YearOpt = None,
        supply_type: TypeOpt = None,
        fmt: FormatOpt = Format.table,
        output: OutputOpt = None,
        no_cache: NoCacheOpt = False,
    ) -> None:
        from baozufang_cli.reports.ledger_view import ledger_report, resolve_columns

        keys = resolve_columns(columns)
        day = as_of_date(as_of)
        ledger = open_ledger(data, no_cache)
        filters = resolve_filters(ledger, district, year, supply_type)
        finish(ledger_report(ledger, day, filters, keys), ledger, fmt, output)
