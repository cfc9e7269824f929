"""``bzf problems``: the 问题清单 with a summary by responsible department."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from baozufang_cli.cli.report_command import Option, Run

if TYPE_CHECKING:
    from baozufang_cli.reports.value import Report

ORDER = 50


class State(str, Enum):
    all = "all"
    open = "open"
    overdue = "overdue"
    closed = "closed"


OPTIONS = [
    Option(
        "state",
        Annotated[
            State,
            typer.Option(
                "--state",
                "-s",
                metavar="STATE",
                help="列出哪些问题：all 未办结+近期办结、open 未办结、overdue 逾期、closed 近期办结",
            ),
        ],
        State.all,
    ),
    Option(
        "closed_days",
        Annotated[
            int,
            typer.Option(
                "--closed-days", min=0, max=3650, metavar="N", help="近期办结 = 统计日前 N 天内办结"
            ),
        ],
        30,
    ),
    Option(
        "department",
        Annotated[
            list[str] | None,
            typer.Option(
                "--department",
                "--dept",
                help="责任部门：全称或其中唯一的一段文字（住建 → 市住建局）；可多次指定",
                show_default=False,
                metavar="NAME",
            ),
        ],
    ),
    Option(
        "category",
        Annotated[
            list[str] | None,
            typer.Option(
                "--category",
                "-c",
                help="问题类别：房源筹集、建设手续、资金来源、组织实施（以 criteria.yaml 为准）；可多次指定",
                show_default=False,
                metavar="NAME",
            ),
        ],
    ),
]

SHORT_HELP = "问题清单：未办结、逾期和近期办结的问题，按责任部门汇总"
HELP = "问题清单：未办结、逾期和近期办结的问题，按责任部门汇总未办结、逾期、本月办结和办结天数"


def compute(run: Run) -> Report:
    from baozufang_cli.reports.problems import departments, problems_report, resolve_names

    ledger = run.ledger
    filters = run.filters
    chosen_departments = resolve_names(run.option("department") or [], departments(ledger), "责任部门")
    chosen_categories = resolve_names(
        run.option("category") or [], ledger.criteria.problem_categories, "问题类别"
    )
    return problems_report(
        ledger,
        run.as_of,
        filters,
        chosen_departments,
        chosen_categories,
        run.option("state").value,
        run.option("closed_days"),
    )
