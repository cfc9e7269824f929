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

HELP = (
    "项目进度汇总：按区县、计划年度或筹集方式统计项目数、套数、已启动与已交付套数；"
    "--data 写多次时为全省汇总（每个台账一个城市）"
)
OPTIONS = [BY]
PROVINCE = True  # --data may be repeated: one row group per city, totals over the cities


def compute(run: Run) -> Report:
    from baozufang_cli.reports.status import status_report

    by = run.option("by").value
    if run.several:
        from baozufang_cli.reports.province import province_status

        parts = run.per_city(lambda ledger, filters: status_report(ledger, run.as_of, by, filters))
        return province_status(parts, run.as_of)
    return status_report(run.ledger, run.as_of, by, run.filters)
