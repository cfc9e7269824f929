"""``bzf slip``: 基线对比 — planned dates now against the baseline in git."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from baozufang_cli.cli.report_command import Option, Run

if TYPE_CHECKING:
    from baozufang_cli.reports.value import Report

ORDER = 82

BASELINE = Option(
    "baseline",
    Annotated[
        str | None,
        typer.Option(
            "--baseline",
            "-b",
            help="基线：提交号、分支、标签（HEAD~3 等），或日期 YYYY-MM-DD（该日及以前的最后一次提交）；"
            "默认为每个项目文件第一次提交时的计划",
            show_default=False,
            metavar="REV|DATE",
        ),
    ],
)

SHORT_HELP = "基线对比：节点计划日期与基线（git 中最初的计划）相比推迟了多少天"
HELP = (
    "基线对比：工作区中每个节点的计划日期与基线相比推迟（或提前）的天数，各区县交付推迟的项目数、"
    "最多推迟天数、交付从本年移到以后的套数。基线默认为每个项目文件第一次提交时的计划"
)
OPTIONS = [BASELINE]
FILTERS = ("district", "type")


def compute(run: Run) -> Report:
    from baozufang_cli.history.baseline import load_baseline
    from baozufang_cli.reports.slip import slip_report

    baseline = load_baseline(run.ledger.root, run.ledger.registry, run.option("baseline"))
    return slip_report(run.ledger, run.as_of, baseline, run.filters)
