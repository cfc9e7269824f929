"""``bzf listings``: available housing in a stable, documented shape for the rental platform."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from baozufang_cli.cli.report_command import Option, Run

if TYPE_CHECKING:
    from baozufang_cli.reports.value import Report

ORDER = 64

SCHEMA = Option(
    "schema",
    Annotated[bool, typer.Option("--schema", help="输出 JSON 格式的 JSON Schema（draft 2020-12）并退出")],
    False,
)

SHORT_HELP = "可租房源：已交付且有空置的项目，供租赁平台发布（json/csv）"
HELP = (
    "可租房源：截至统计日已建成交付、仍有空置套(间)的项目，供租赁平台发布"
    "（--format json 或 csv；JSON 结构见 --schema）"
)
OPTIONS = [SCHEMA]


def compute(run: Run) -> Report | None:
    from baozufang_cli.cli.options import Format
    from baozufang_cli.reports.listings import listings_report, preview, schema_text

    if run.option("schema"):
        typer.echo(schema_text(), nl=False)
        return None
    report = listings_report(run.ledger, run.as_of, run.filters)
    if run.fmt in (Format.table, Format.md):  # a readable preview; csv and json carry every field
        report = preview(report)
    return report
