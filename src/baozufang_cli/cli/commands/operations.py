"""``bzf operations``: occupancy, rent against market rent and small units of delivered projects."""

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

ORDER = 62


def register(app: typer.Typer) -> None:
    @app.command(
        short_help="运营情况：出租率、租金与市场租金之比、≤70㎡占比，标记缺数据的项目",
        help="运营情况：已交付项目的出租率、租金与市场租金之比、≤70㎡户型占比，按区县和项目列出；"
        "标记租金偏高和交付后迟迟没有运营数据的项目",
    )
    @guard
    def operations(
        data: DataOpt = None,
        as_of: AsOfOpt = None,
        grace_days: Annotated[
            int | None,
            typer.Option(
                "--grace-days",
                help="交付超过多少天仍缺运营数据即标记；默认取 criteria.yaml 的 settings.operations_grace_days（90）",
                min=0,
                max=3650,
                show_default=False,
                metavar="DAYS",
            ),
        ] = None,
        district: DistrictOpt = None,
        year: YearOpt = None,
        supply_type: TypeOpt = None,
        fmt: FormatOpt = Format.table,
        output: OutputOpt = None,
        no_cache: NoCacheOpt = False,
    ) -> None:
        from baozufang_cli.reports.operations import operations_report

        day = as_of_date(as_of)
        ledger = open_ledger(data, no_cache)
        filters = resolve_filters(ledger, district, year, supply_type)
        report = operations_report(ledger, day, filters, grace_days)
        finish(report, ledger, fmt, output)
