"""``bzf funding``: investment, sources, gaps, lagging money and central subsidies."""

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

ORDER = 60


class By(str, Enum):
    district = "district"
    year = "year"
    type = "type"
    source = "source"


def register(app: typer.Typer) -> None:
    @app.command(
        short_help="资金筹措与到位：总投资、计划与到位资金、资金缺口、中央补助资金",
        help="资金筹措与到位：总投资、各来源计划与到位资金、资金缺口、未到位资金，"
        "完成投资超过到位资金的项目，各区县中央补助资金申请（金额单位：万元）",
    )
    @guard
    def funding(
        data: DataOpt = None,
        as_of: AsOfOpt = None,
        by: Annotated[
            By,
            typer.Option(
                "--by", "-b", help="分组：district 区县、year 计划年度、type 筹集方式、source 资金来源"
            ),
        ] = By.district,
        district: DistrictOpt = None,
        year: YearOpt = None,
        supply_type: TypeOpt = None,
        fmt: FormatOpt = Format.table,
        output: OutputOpt = None,
        no_cache: NoCacheOpt = False,
    ) -> None:
        from baozufang_cli.reports.funding import funding_report

        day = as_of_date(as_of)
        ledger = open_ledger(data, no_cache)
        filters = resolve_filters(ledger, district, year, supply_type)
        report = funding_report(ledger, day, by.value, filters)
        finish(report, ledger, fmt, output)
