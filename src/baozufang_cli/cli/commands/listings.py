"""``bzf listings``: available housing in a stable, documented shape for the rental platform."""

from __future__ import annotations

from typing import Annotated

import typer

from baozufang_cli.cli.options import (
    AsOfOpt,
    DataOpt,
    DistrictOpt,
    Format,
    FormatOpt,
    NoCacheOpt,
    OutputOpt,
    TypeOpt,
    YearOpt,
)
from baozufang_cli.cli.runtime import as_of_date, finish, guard, open_ledger, resolve_filters

ORDER = 64


def register(app: typer.Typer) -> None:
    @app.command(
        short_help="可租房源：已交付且有空置的项目，供租赁平台发布（json/csv）",
        help="可租房源：截至统计日已建成交付、仍有空置套(间)的项目，供租赁平台发布"
        "（--format json 或 csv；JSON 结构见 --schema）",
    )
    @guard
    def listings(
        data: DataOpt = None,
        as_of: AsOfOpt = None,
        district: DistrictOpt = None,
        year: YearOpt = None,
        supply_type: TypeOpt = None,
        fmt: FormatOpt = Format.table,
        output: OutputOpt = None,
        no_cache: NoCacheOpt = False,
        schema: Annotated[
            bool, typer.Option("--schema", help="输出 JSON 格式的 JSON Schema（draft 2020-12）并退出")
        ] = False,
    ) -> None:
        from baozufang_cli.reports.listings import listings_report, preview, schema_text

        if schema:
            typer.echo(schema_text(), nl=False)
            return
        day = as_of_date(as_of)
        ledger = open_ledger(data, no_cache)
        filters = resolve_filters(ledger, district, year, supply_type)
        report = listings_report(ledger, day, filters)
        if fmt in (Format.table, Format.md):  # a readable preview; csv and json carry every field
            report = preview(report)
        finish(report, ledger, fmt, output)
