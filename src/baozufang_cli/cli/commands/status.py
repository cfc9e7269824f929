"""``bzf status``: the roll-up an analyst runs first."""

from __future__ import annotations

from enum import Enum
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

ORDER = 20


class By(str, Enum):
    district = "district"
    year = "year"
    type = "type"


def register(app: typer.Typer) -> None:
    @app.command(help="项目进度汇总：按区县、计划年度或筹集方式统计项目数、套数、已启动与已交付套数")
    @guard
    def status(
        data: DataOpt = None,
        as_of: AsOfOpt = None,
        by: Annotated[
            By, typer.Option("--by", "-b", help="分组：district 区县、year 计划年度、type 筹集方式")
        ] = By.district,
        district: DistrictOpt = None,
        year: YearOpt = None,
        supply_type: TypeOpt = None,
        fmt: FormatOpt = Format.table,
        output: OutputOpt = None,
        no_cache: NoCacheOpt = False,
    ) -> None:
        from baozufang_cli.reports.status import status_report

        day = as_of_date(as_of)
        ledger = open_ledger(data, no_cache)
        filters = resolve_filters(ledger, district, year, supply_type)
        report = status_report(ledger, day, by.value, filters)
        finish(report, ledger, fmt, output)
