"""``bzf import xlsx FILE``: a spreadsheet 台账 into the ledger — all rows or none."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from baozufang_cli.cli.options import DataOpt, DryRunOpt
from baozufang_cli.cli.runtime import open_registry
from baozufang_cli.errors import WriteRefused

if TYPE_CHECKING:
    from baozufang_cli.xlsx_import.importer import Action, Plan
    from baozufang_cli.xlsx_import.sheets import Book

ORDER = 85
MAX_SHOWN_CHANGES = 8  # per updated file; the rest is summed up


class ImportFormat(str, Enum):
    xlsx = "xlsx"


NAME = "import"
SHORT_HELP = "导入 Excel 台账：每行一个项目，新建或更新项目文件（全部成功才写入）"
HELP = (
    "导入 Excel 台账（.xlsx）：读取每个找到表头的工作表（跳过标题行、填报单位行、合计/小计行、分组行和表尾），"
    "两行表头（开工时间 下分 计划/实际）、表头中的换行和括号都能识别；按常用中文列名（项目名称、所在区县、筹集方式、"
    "套数、计划开工时间、联系人……）和 bzf export 写出的列名对应字段，--mapping 可指定其他列名。每行一个项目：按项目"
    "编号（没有编号时按名称和区县）匹配已有项目，只更新有变化的值；新项目自动编号。先检查全部行，有任何一行无法导入时"
    "逐格列出「工作表!单元格（列名）：原因」、不写入任何文件；重复导入同一文件不会产生重复项目。"
)


def command(
    kind: Annotated[ImportFormat, typer.Argument(help="文件格式：xlsx", metavar="FORMAT")],
    file: Annotated[
        Path,
        typer.Argument(help="Excel 文件（.xlsx）", dir_okay=False, metavar="FILE", show_default=False),
    ],
    sheet: Annotated[
        list[str] | None,
        typer.Option(
            "--sheet",
            help="只读这个工作表（可重复）；默认读取每个找到表头的工作表",
            metavar="工作表",
            show_default=False,
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            help="列名映射文件（YAML）：表头 → 字段、默认值、表头行，见 docs/commands/import.md",
            dir_okay=False,
            metavar="FILE",
            show_default=False,
        ),
    ] = None,
    save_mapping: Annotated[
        Path | None,
        typer.Option(
            "--save-mapping",
            help="把这次识别出的列映射写入 FILE，下次 --mapping FILE 按同样方式导入",
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
    from baozufang_cli.xlsx_import.columns import ColumnMap, load_mapping, mapping_text
    from baozufang_cli.xlsx_import.importer import apply_plan, plan_import
    from baozufang_cli.xlsx_import.sheets import read_book

    root, registry = open_registry(data)
    columns = load_mapping(mapping) if mapping is not None else ColumnMap()
    if district is not None:
        columns.defaults["district"] = registry.district_filter(district)
    book = read_book(file, columns, list(sheet) if sheet else None, registry)
    for name, why in book.skipped:
        typer.echo(f"跳过工作表「{name}」：{why}", err=True)
    for sheet_data in book.sheets:
        if sheet_data.header.unknown:
            unknown = "、".join(sheet_data.header.unknown)
            typer.echo(f"工作表「{sheet_data.name}」未识别的列（未导入）：{unknown}", err=True)
    if save_mapping is not None:
        from baozufang_cli.files import write_output

        write_output(save_mapping, mapping_text(book, columns, file.name).encode("utf-8"))
        typer.echo(f"已写入列映射 {save_mapping}", err=True)
    plan = plan_import(root, registry, book.sheets, columns, file.name)
    if dry_run:
        _show_book(book, plan)
    for warning in plan.warnings:
        typer.echo(f"提示：{warning}", err=True)
    if plan.errors:
        for reason in plan.errors:
            typer.echo(reason, err=True)
        rows = len(plan.refused_rows)
        raise WriteRefused(f"{rows} 行无法导入，未写入任何文件（修正后重新导入）")
    for action in plan.actions:
        _show_action(action, values=dry_run)
    sheets = f"{len(book.sheets)} 个工作表" if len(book.sheets) > 1 else f"工作表「{plan.sheet}」"
    summary = (
        f"{sheets} {len(plan.actions)} 个项目："
        f"新建 {plan.count('new')}，更新 {plan.count('update')}，无变化 {plan.count('same')}"
    )
    if dry_run:
        typer.echo(f"{summary}（预演：未写入）")
        return
    try:
        apply_plan(plan, registry, root)
    except EditRefused:
        typer.echo("导入中断，已写入的文件已恢复原状", err=True)
        raise
    except OSError as error:
        raise WriteRefused(
            f"写入失败（{error.strerror or error}），已写入的文件已恢复原状，台账未改变"
        ) from None
    typer.echo(f"导入完成：{summary}")


def _show_book(book: Book, plan: Plan) -> None:
    """Per sheet: the header rows, which column became which field, the rows not read and why."""
    from baozufang_cli.xlsx_import.columns import IGNORE
    from baozufang_cli.xlsx_import.rows import FIELD_TITLES

    for sheet in book.sheets:
        header = sheet.header
        rows = (
            f"第 {header.first_row} 行"
            if header.first_row == header.row
            else f"第 {header.first_row}–{header.row} 行"
        )
        typer.echo(f"工作表「{sheet.name}」：表头在{rows}，{len(sheet.rows)} 行项目")
        for column in header.columns:
            if not column.label:
                continue
            if column.field is None:
                target = "（未识别，不导入）"
            elif column.field == IGNORE:
                target = "（不导入）"
            else:
                target = f"{FIELD_TITLES[column.field]}（{column.field}）"
            typer.echo(f"  {column.letter} {column.label} → {target}")
        for number, why in sheet.skipped:
            typer.echo(f"  跳过第 {number} 行：{why}")


def _show_action(action: Action, *, values: bool) -> None:
    where = f"{action.sheet}!第 {action.row} 行" if action.sheet else f"第 {action.row} 行"
    if action.kind == "new":
        typer.echo(f"新建 {action.rel}（{where}：{action.name}）")
        if values and action.values:
            from baozufang_cli.models import Project

            for key, value in action.values.items():
                info = Project.model_fields.get(key)
                title = info.title if info is not None and info.title else key
                typer.echo(f"  {title}：{_value_text(value)}")
    elif action.kind == "update":
        typer.echo(f"更新 {action.rel}（{where}：{action.name}）")
        for change in action.changes[:MAX_SHOWN_CHANGES]:
            typer.echo(f"  {change.describe()}")
        if len(action.changes) > MAX_SHOWN_CHANGES:
            typer.echo(f"  ……另有 {len(action.changes) - MAX_SHOWN_CHANGES} 处修改")


def _value_text(value: object) -> str:
    """A new project's value on one line: dates as dates, milestones as 名称 计划/实际."""
    from datetime import date

    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "；".join(_value_text(item) for item in value) or "（无）"
    if isinstance(value, dict):
        if "name" in value and ("planned" in value or "actual" in value):
            parts = [str(value["name"])]
            parts += [
                f"{word} {_value_text(value[key])}"
                for key, word in (("planned", "计划"), ("actual", "实际"))
                if value.get(key)
            ]
            return " ".join(parts)
        return "，".join(f"{key} {_value_text(item)}" for key, item in value.items())
    return str(value)
