"""``bzf status``: the roll-up an analyst runs first."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from baozufang_cli.cli.report_command import Option, Run

if TYPE_CHECKING:
    from baozufang_cli.reports.value import Report

ORDER = 20


class By(str, Enum):
    district = "district"
    year = "year"
    type = "type"


BY = Option(
    "by",
    Annotated[By, typer.Option("--by", "-b", help="分组：district 区县、year 计划年度、type 筹集方式")],
    By.district,
)

HELP = "项目进度汇总：按区县、计划年度或筹集方式统计项目数、套数、已启动与已交付套数"
OPTIONS = [BY]


def compute(run: Run) -> Report:
    from baozufang_cli.reports.status import status_report

    return status_report(run.ledger, run.as_of, run.option("by").value, run.filters)
