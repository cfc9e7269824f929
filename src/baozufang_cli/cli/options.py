"""Command-line options shared by every command, defined once so they mean the same everywhere."""

from __future__ import annotations

import os
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from baozufang_cli.cli import completion


def check_date(text: str | None) -> str | None:
    """Option callback: a bad date is a usage error at parse time (exit 2), like any bad option."""
    if text is not None:
        parse_date(text)
    return text


def check_month(text: str | None) -> str | None:
    """Option callback: ``--month`` is YYYY-MM (a usage error otherwise); returns it normalised."""
    if text is None:
        return None
    parts = text.strip().split("-")
    numeric = len(parts) == 2 and len(parts[0]) == 4 and parts[0].isdigit() and parts[1].isdigit()
    if numeric and 1 <= int(parts[1]) <= 12:
        return f"{parts[0]}-{int(parts[1]):02d}"
    raise typer.BadParameter(f"月份应为 YYYY-MM，例如 2024-06：{text}")


def parse_date(text: str) -> date:
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(f"日期应为 YYYY-MM-DD，例如 2024-06-30：{text}") from None
    from baozufang_cli.facts.dates import EARLIEST_DATE, LATEST_DATE

    if not EARLIEST_DATE <= value <= LATEST_DATE:  # the range of ledger dates
        raise typer.BadParameter(f"日期应在 {EARLIEST_DATE} 至 {LATEST_DATE} 之间：{text}")
    return value


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"
    xlsx = "xlsx"


DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data",
        envvar="BZF_DATA",
        help="台账目录（含 targets.yaml、criteria.yaml、projects/）；默认 ./data，或环境变量 BZF_DATA",
        show_default=False,
        file_okay=False,
        metavar="DIR",
    ),
]
DataListOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--data",
        envvar="BZF_DATA",
        help=(
            "台账目录；可多次指定，每个台账是一个城市（全省汇总），环境变量 BZF_DATA 可写多个目录，以 "
            f"{os.pathsep} 分隔；默认 ./data"
        ),
        show_default=False,
        file_okay=False,
        metavar="DIR",
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="统计截至日期 YYYY-MM-DD，默认今天",
        show_default=False,
        metavar="DATE",
        callback=check_date,
    ),
]
FormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        help="输出格式：table 表格、json、csv、md（Markdown）、xlsx（须配 -o）；"
        "默认按 -o 文件的扩展名（.csv .json .md .xlsx），否则 table",
        metavar="FORMAT",
        show_default=False,
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="写入文件而不是屏幕", show_default=False, metavar="FILE"),
]
DistrictOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--district",
        "-d",
        help="区县：官方名称、别名或唯一前缀（观山湖 → 观山湖区）；可多次指定或用逗号分隔",
        show_default=False,
        metavar="NAME",
        autocompletion=completion.districts,
    ),
]
YearOpt = Annotated[
    list[str] | None,
    typer.Option("--year", "-y", help="计划年度，可多次指定或用逗号分隔", show_default=False, metavar="YEAR"),
]
TypeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--type",
        "-t",
        help="筹集方式：代码、名称或别名（new_build / 新建）；可多次指定或用逗号分隔",
        show_default=False,
        metavar="TYPE",
        autocompletion=completion.supply_types,
    ),
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="不使用缓存，重新读取全部文件")]
TargetYearOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--year",
        "-y",
        help="目标年度（不是计划年度）：可多次指定或用逗号分隔，all 为全部有目标的年度；默认统计截至日所在年度",
        show_default=False,
        metavar="YEAR",
    ),
]
MonthOpt = Annotated[
    str | None,
    typer.Option(
        "--month",
        "-m",
        help="测评月份 YYYY-MM，默认 --as-of 所在月份",
        show_default=False,
        metavar="MONTH",
        callback=check_month,
    ),
]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", "-n", help="预演：显示将要做的修改，不写入文件")]
WideOpt = Annotated[
    bool,
    typer.Option("--wide", "-W", help="表格显示全部列、不折行（宽于终端时可配合 less -S 查看）"),
]
ColumnsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--columns",
        "-C",
        help="只显示这些列（表头或 JSON 键，逗号分隔或多次指定，按给出的顺序；每张表的第一列总保留）；JSON 不变",
        show_default=False,
        metavar="列",
    ),
]
