"""``bzf report week|month|quarter|year``: 周调度、月督导、季评估、年考核."""

from __future__ import annotations

from enum import Enum
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
    parse_date,
)
from baozufang_cli.cli.runtime import finish, guard, open_ledger, resolve_filters, today

ORDER = 70


class Kind(str, Enum):
    week = "week"
    month = "month"
    quarter = "quarter"
    year = "year"


def register(app: typer.Typer) -> None:
    @app.command(
        short_help="定期报告：week 周调度、month 月督导、quarter 季评估、year 年考核",
        help="定期报告（周调度、月督导、季评估、年考核）：本期进展、累计完成、滞后项目、问题清单、下期计划，"
        "月、季、年报告另有区县排名。默认为统计截至日所在的一期；--period 指定某一期",
    )
    @guard
    def report(
        kind: Annotated[
            Kind,
            typer.Argument(help="week 周调度、month 月督导、quarter 季评估、year 年考核", metavar="KIND"),
        ],
        data: DataOpt = None,
        as_of: AsOfOpt = None,
        period: Annotated[
            str | None,
            typer.Option(
                "--period",
                "-p",
                help="指定一期：周 2024-W23（ISO 周）、月 2024-06、季度 2024-Q2、年 2024；"
                "统计截至该期最后一天（尚未结束的一期截至今天）；--as-of 可指定期内更早的日期",
                show_default=False,
                metavar="PERIOD",
            ),
        ] = None,
        district: DistrictOpt = None,
        supply_type: TypeOpt = None,
        fmt: FormatOpt = Format.table,
        output: OutputOpt = None,
        no_cache: NoCacheOpt = False,
    ) -> None:
        from baozufang_cli.facts.periods import report_as_of
        from baozufang_cli.reports.periodic import periodic_report

        chosen, day = report_as_of(kind.value, period, parse_date(as_of) if as_of else None, today())
        ledger = open_ledger(data, no_cache)
        filters = resolve_filters(ledger, district, None, supply_type)
        finish(periodic_report(ledger, chosen, day, filters), ledger, fmt, output)
