"""``bzf problems``: the 问题清单 with a summary by responsible department."""

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

ORDER = 50


class State(str, Enum):
    all = "all"
    open = "open"
    overdue = "overdue"
    closed = "closed"


def register(app: typer.Typer) -> None:
    @app.command(
        short_help="问题清单：未办结、逾期和近期办结的问题，按责任部门汇总",
        help="问题清单：未办结、逾期和近期办结的问题，按责任部门汇总未办结、逾期、本月办结和办结天数",
    )
    @guard
    def problems(
        data: DataOpt = None,
        as_of: AsOfOpt = None,
        state: Annotated[
            State,
            typer.Option(
                "--state",
                "-s",
                metavar="STATE",
                help="列出哪些问题：all 未办结+近期办结、open 未办结、overdue 逾期、closed 近期办结",
            ),
        ] = State.all,
        closed_days: Annotated[
            int,
            typer.Option(
                "--closed-days", min=0, max=3650, metavar="N", help="近期办结 = 统计日前 N 天内办结"
            ),
        ] = 30,
        department: Annotated[
            list[str] | None,
            typer.Option(
                "--department",
                "--dept",
                help="责任部门：全称或其中唯一的一段文字（住建 → 市住建局）；可多次指定",
                show_default=False,
                metavar="NAME",
            ),
        ] = None,
        category: Annotated[
            list[str] | None,
            typer.Option(
                "--category",
                "-c",
                help="问题类别：房源筹集、建设手续、资金来源、组织实施（以 criteria.yaml 为准）；可多次指定",
                show_default=False,
                metavar="NAME",
            ),
        ] = None,
        district: DistrictOpt = None,
        year: YearOpt = None,
        supply_type: TypeOpt = None,
        fmt: FormatOpt = Format.table,
        output: OutputOpt = None,
        no_cache: NoCacheOpt = False,
    ) -> None:
        from baozufang_cli.reports.problems import departments, problems_report, resolve_names

        day = as_of_date(as_of)
        ledger = open_ledger(data, no_cache)
        filters = resolve_filters(ledger, district, year, supply_type)
        chosen_departments = resolve_names(department or [], departments(ledger), "责任部门")
        chosen_categories = resolve_names(category or [], ledger.criteria.problem_categories, "问题类别")
        report = problems_report(
            ledger, day, filters, chosen_departments, chosen_categories, state.value, closed_days
        )
        finish(report, ledger, fmt, output)
