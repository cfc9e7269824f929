"""``bzf operations``: occupancy, rent against market rent and small units of delivered projects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from baozufang_cli.cli.report_command import Option, Run

if TYPE_CHECKING:
    from baozufang_cli.reports.value import Report

ORDER = 62

GRACE_DAYS = Option(
    "grace_days",
    Annotated[
        int | None,
        typer.Option(
            "--grace-days",
            help="交付超过多少天仍缺运营数据即标记；默认取 criteria.yaml 的 settings.operations_grace_days（90）",
            min=0,
            max=3650,
            show_default=False,
            metavar="DAYS",
        ),
    ],
)

SHORT_HELP = "运营情况：出租率、租金与市场租金之比、≤70㎡占比，标记缺数据的项目"
HELP = (
    "运营情况：已交付项目的出租率、租金与市场租金之比、≤70㎡户型占比，按区县和项目列出；"
    "标记租金偏高和交付后迟迟没有运营数据的项目"
)
OPTIONS = [GRACE_DAYS]


def compute(run: Run) -> Report:
    from baozufang_cli.reports.operations import operations_report

    return operations_report(run.ledger, run.as_of, run.filters, run.option("grace_days"))
