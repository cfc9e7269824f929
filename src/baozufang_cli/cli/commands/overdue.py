"""``bzf overdue``: slipped milestones (倒排工期), worst first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from baozufang_cli.cli.report_command import Option, Run

if TYPE_CHECKING:
    from baozufang_cli.reports.value import Report

ORDER = 40

WITHIN = Option(
    "within",
    Annotated[
        int | None,
        typer.Option(
            "--within", "-w", min=0, max=3650, metavar="N", help="同时列出 N 天内到期的节点（不计入逾期）"
        ),
    ],
)
LATE = Option(
    "late", Annotated[bool, typer.Option("--late", help="同时列出已完成但晚于计划日期的节点")], False
)

SHORT_HELP = "逾期节点：计划日期已过仍未完成的节点，按逾期天数排序"
HELP = "逾期节点：计划日期已过而未完成的节点，按逾期天数从多到少列出，附各区县逾期个数"
OPTIONS = [WITHIN, LATE]


def compute(run: Run) -> Report:
    from baozufang_cli.reports.overdue import overdue_report

    return overdue_report(run.ledger, run.as_of, run.filters, run.option("within"), run.option("late"))
