"""``bzf report week|month|quarter|year``: 周调度、月督导、季评估、年考核."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from baozufang_cli.cli.options import parse_date
from baozufang_cli.cli.report_command import Option, Run
from baozufang_cli.cli.runtime import today

if TYPE_CHECKING:
    from baozufang_cli.reports.value import Report

ORDER = 70


class Kind(str, Enum):
    week = "week"
    month = "month"
    quarter = "quarter"
    year = "year"


KIND = Option(
    "kind",
    Annotated[
        Kind, typer.Argument(help="week 周调度、month 月督导、quarter 季评估、year 年考核", metavar="KIND")
    ],
    argument=True,
)
PERIOD = Option(
    "period",
    Annotated[
        str | None,
        typer.Option(
            "--period",
            "-p",
            help="指定一期：周 2024-W23（ISO 周）、月 2024-06、季度 2024-Q2、年 2024；"
            "统计截至该期最后一天（尚未结束的一期截至今天）；--as-of 可指定期内更早的日期",
            show_default=False,
            metavar="PERIOD",
        ),
    ],
)

SHORT_HELP = "定期报告：week 周调度、month 月督导、quarter 季评估、year 年考核"
HELP = (
    "定期报告（周调度、月督导、季评估、年考核）：本期进展、累计完成、滞后项目、问题清单、下期计划，"
    "月、季、年报告另有区县排名。默认为统计截至日所在的一期；--period 指定某一期"
)
OPTIONS = [KIND, PERIOD]
FILTERS = ("district", "type")


def compute(run: Run) -> Report:
    from baozufang_cli.facts.periods import report_as_of
    from baozufang_cli.reports.periodic import periodic_report

    as_of = run.option("as_of")
    chosen, run.as_of = report_as_of(
        run.option("kind").value, run.option("period"), parse_date(as_of) if as_of else None, today()
    )
    return periodic_report(run.ledger, chosen, run.as_of, run.filters)
