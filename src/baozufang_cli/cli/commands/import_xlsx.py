"""``bzf import xlsx FILE``: a spreadsheet 台账 into the ledger — all rows or none."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from baozufang_cli.cli.options import DataOpt, DryRunOpt
from baozufang_cli.cli.runtime import open_registry
from baozufang_cli.errors import WriteRefused

ORDER = 85
MAX_SHOWN_CHANGES = 8  # per updated file; the rest is summed up


class ImportFormat(str, Enum):
    xlsx = "xlsx"


NAME = "import"
SHORT_HELP = "导入 Excel 台账：每行一个项目，新建或更新项目文件（全部成功才写入）"
HELP = (
    "导入 Excel 台账（.xlsx）：自动找到表头（跳过合并的标题行），按常用中文列名（项目名称、所在区县、筹集方式、套数、"
    "计划开工时间……）和 bzf export 写出的列名对应字段，--mapping 可指定其他列名。每行一个项目：按项目编号（没有编号时按"
    "名称和区县）匹配已有项目，只更新有变化的值；新项目自动编号。先检查全部行，有任何一行无法导入时列出行号和原因、"
    "不写入任何文件；重复导入同一文件不会产生重复项目。"
)


def command(
    kind: Annotated[ImportFormat, typer.Argument(help="文件格式：xlsx", metavar="FORMAT")],
    file: Annotated[
        Path,
        typer.Argument(help="Excel 文件（.xlsx）", dir_okay=False, metavar="FILE", show_default=False),
    ],
    sheet: Annotated[
        str | None,
        typer.Option(
            "--sheet",
            help="工作表名称；默认「项目台账」，没有时取第一个找到表头的工作表",
            show_default=False,
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            help="列名映射文件（YAML）：表头 → 字段、默认值、表头行，见 README「bzf import」",
            dir_okay=False,
            metavar="FILE",
            show_default=False,
        ),
    ] = None,
    district: Annotated[
        str | None,
        typer.Option(
            "--district",
            "-d",
            help="新项目没有填区县时使用的区县（名称、别名或唯一前缀）",
            show_default=False,
        ),
    ] = None,
    data: DataOpt = None,
    dry_run: DryRunOpt = False,
) -> None:
    from baozufang_cli.edit.document import EditRefused
    from baozufang_cli.xlsx_import.columns import ColumnMap, load_mapping
    from baozufang_cli.xlsx_import.importer import apply_plan, plan_import, read_sheet

    root, registry = open_registry(data)
    columns = load_mapping(mapping) if mapping is not None else ColumnMap()
    if district is not None:
        columns.defaults["district"] = registry.district_filter(district)
    sheet_data = read_sheet(file, columns, sheet)
    if sheet_data.header.unknown:
        typer.echo(f"未识别的列（未导入）：{'、'.join(sheet_data.header.unknown)}", err=True)
    plan = plan_import(root, registry, sheet_data, columns, f"{file.name}「{sheet_data.name}」")
    for row, warning in plan.warnings:
        typer.echo(f"第 {row} 行：{warning}", err=True)
    if plan.errors:
        for row, reason in plan.errors:
            typer.echo(f"第 {row} 行：{reason}", err=True)
        rows = len({row for row, _ in plan.errors})
        raise WriteRefused(f"{rows} 行无法导入，未写入任何文件（修正后重新导入）")
    for action in plan.actions:
        if action.kind == "new":
            typer.echo(f"新建 {action.rel}（第 {action.row} 行：{action.name}）")
        elif action.kind == "update":
            typer.echo(f"更新 {action.rel}（第 {action.row} 行：{action.name}）")
            for change in action.changes[:MAX_SHOWN_CHANGES]:
                typer.echo(f"  {change.describe()}")
            if len(action.changes) > MAX_SHOWN_CHANGES:
                typer.echo(f"  ……另有 {len(action.changes) - MAX_SHOWN_CHANGES} 处修改")
    summary = (
        f"工作表「{plan.sheet}」第 {sheet_data.header.row + 1} 行起 {len(plan.actions)} 个项目："
        f"新建 {plan.count('new')}，更新 {plan.count('update')}，无变化 {plan.count('same')}"
    )
    if dry_run:
        typer.echo(f"{summary}（预演：未写入）")
        return
    try:
        apply_plan(plan, registry)
    except EditRefused:
        typer.echo("导入中断，已写入的文件已恢复原状", err=True)
        raise
    except OSError as error:
        raise WriteRefused(
            f"写入失败（{error.strerror or error}），已写入的文件已恢复原状，台账未改变"
        ) from None
    typer.echo(f"导入完成：{summary}")
