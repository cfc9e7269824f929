"""``bzf funding``: investment, sources, gaps, lagging money and central subsidies."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from baozufang_cli.cli.report_command import Option, Run

if TYPE_CHECKING:
    from baozufang_cli.reports.value import Report

ORDER = 60


class By(str, Enum):
    district = "district"
    year = "year"
    type = "type"
    source = "source"


BY = Option(
    "by",
    Annotated[
        By,
        typer.Option("--by", "-b", help="分组：district 区县、year 计划年度、type 筹集方式、source 资金来源"),
    ],
    By.district,
)

SHORT_HELP = "资金筹措与到位：总投资、计划与到位资金、资金缺口、中央补助资金"
HELP = (
    "资金筹措与到位：总投资、各来源计划与到位资金、资金缺口、未到位资金，"
    "完成投资超过到位资金的项目，各区县中央补助资金申请（金额单位：万元）"
)
OPTIONS = [BY]


def compute(run: Run) -> Report:
    from baozufang_cli.reports.funding import funding_report

    return funding_report(run.ledger, run.as_of, run.option("by").value, run.filters)
