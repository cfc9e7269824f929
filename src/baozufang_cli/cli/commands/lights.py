"""``bzf lights``: 红黄绿灯 — districts against 序时进度, projects by their most overdue milestone."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from baozufang_cli.cli.report_command import Option, Run

if TYPE_CHECKING:
    from baozufang_cli.reports.value import Report

ORDER = 32

TARGET_YEAR = Option(
    "target_year",
    Annotated[
        int | None,
        typer.Option(
            "--year",
            "-y",
            min=2000,
            max=2100,
            help="目标年度（不是计划年度）；默认统计截至日所在年度",
            show_default=False,
            metavar="YEAR",
        ),
    ],
)

SHORT_HELP = "红黄绿灯：区县完成率对照序时进度，项目按最久逾期节点亮灯"
HELP = (
    "红黄绿灯：各区县启动、交付完成率对照序时进度（落后超过 10 个百分点黄灯、30 个红灯），"
    "未交付项目按最久逾期节点的逾期天数亮灯；阈值见 criteria.yaml 的 lights"
)
OPTIONS = [TARGET_YEAR]
FILTERS = ("district", "type")


def compute(run: Run) -> Report:
    from baozufang_cli.reports.lights import lights_report

    year = run.option("target_year") or run.as_of.year
    return lights_report(run.ledger, run.as_of, year, run.filters)
