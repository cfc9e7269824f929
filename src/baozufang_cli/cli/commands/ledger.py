"""``bzf ledger``: the 台账 view, one row per project."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from baozufang_cli.cli.report_command import Option, Run

if TYPE_CHECKING:
    from baozufang_cli.reports.value import Report

from baozufang_cli.reports.ledger_view_columns import COLUMN_KEYS, DEFAULT_KEYS

ORDER = 55

COLUMNS = Option(
    "columns",
    Annotated[
        list[str] | None,
        typer.Option(
            "--columns",
            "-C",
            help=(
                "列（JSON 键或中文表头，逗号分隔或多次指定，按给出的顺序；all 为全部列）。"
                f"默认：{', '.join(DEFAULT_KEYS)}。可选：{', '.join(COLUMN_KEYS)}"
            ),
            show_default=False,
            metavar="KEYS",
        ),
    ],
)

SHORT_HELP = "项目台账：每个项目一行，含启动/交付日期、当前与下一节点、状态"
HELP = "项目台账：每个项目一行（按区县、项目编号排序），含计划与实际启动/交付日期、当前节点、下一节点、状态、逾期、未办结问题"
OPTIONS = [COLUMNS]


def compute(run: Run) -> Report:
    from baozufang_cli.reports.ledger_view import ledger_report, resolve_columns

    keys = resolve_columns(run.option("columns"))  # a bad column is refused before the ledger is read
    return ledger_report(run.ledger, run.as_of, run.filters, keys)
