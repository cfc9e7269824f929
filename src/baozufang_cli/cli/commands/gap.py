"""``bzf gap``: started and delivered units against the city and district targets."""

from __future__ import annotations

import typer

from baozufang_cli.cli.options import (
    AsOfOpt,
    DataOpt,
    DistrictOpt,
    Format,
    FormatOpt,
    NoCacheOpt,
    OutputOpt,
    TargetYearOpt,
    TypeOpt,
)
from baozufang_cli.cli.runtime import (
    as_of_date,
    finish,
    guard,
    open_ledger,
    resolve_filters,
    resolve_target_years,
)

ORDER = 30


def register(app: typer.Typer) -> None:
    @app.command(
        short_help="目标缺口：区县与全市目标的启动、交付完成数、缺口和预计缺口",
        help="目标缺口：全市目标与各区县年度目标的启动建设、建成交付完成数、缺口、完成率，"
        "以及按现有计划能否完成（预计缺口）",
    )
    @guard
    def gap(
        data: DataOpt = None,
        as_of: AsOfOpt = None,
        year: TargetYearOpt = None,
        district: DistrictOpt = None,
        supply_type: TypeOpt = None,
        fmt: FormatOpt = Format.table,
        output: OutputOpt = None,
        no_cache: NoCacheOpt = False,
    ) -> None:
        from baozufang_cli.reports.gap import gap_report

        day = as_of_date(as_of)
        ledger = open_ledger(data, no_cache)
        filters = resolve_filters(ledger, district, None, supply_type)
        years = resolve_target_years(ledger, year, day)
        finish(gap_report(ledger, day, years, filters), ledger, fmt, output)
