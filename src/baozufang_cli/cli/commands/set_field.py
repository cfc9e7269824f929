"""``bzf set``: change one thing in one project file; everything else stays byte-identical."""

from __future__ import annotations

from typing import Annotated

import typer

from baozufang_cli.cli import completion
from baozufang_cli.cli.options import AsOfOpt, DataOpt, DryRunOpt
from baozufang_cli.cli.runtime import as_of_date, open_project, write_document

ORDER = 110

ProjectArg = Annotated[
    str,
    typer.Argument(
        metavar="项目编号",
        help="项目编号（大小写不限）、项目名称或名称中唯一的一段（金华园）",
        autocompletion=completion.project_ids,
    ),
]


NAME = "set"
SHORT_HELP = "修改项目的一处内容（节点日期、套数、责任单位……），其余原样不变"
HELP = (
    "修改一个项目的一处内容，只改这一处，注释、顺序和引号保持不变。"
    "节点日期：bzf set 项目编号 开工 --actual 2024-03-05（--planned 计划日期，--clear-actual 清除实际日期）；"
    "字段：bzf set 项目编号 units 820、bzf set 项目编号 operations.leased_units 640、"
    "bzf set 项目编号 problems.P1.due 2024-07-31。写入前校验，结果无效或文件已被他人修改时拒绝写入（退出码 3）"
)


def command(
    project_id: ProjectArg,
    field: Annotated[
        str,
        typer.Argument(
            metavar="字段",
            help="节点名称或别名（开工），或字段路径（units、套数、operations.leased_units、problems.P1.due）",
        ),
    ],
    value: Annotated[
        str | None,
        typer.Argument(
            metavar="值", help="新值：按字段类型解析（整数、数字、日期 YYYY-MM-DD、文字、列表用逗号分隔）"
        ),
    ] = None,
    actual: Annotated[
        str | None,
        typer.Option("--actual", help="节点实际完成日期", metavar="YYYY-MM-DD", show_default=False),
    ] = None,
    planned: Annotated[
        str | None,
        typer.Option("--planned", help="节点计划完成日期", metavar="YYYY-MM-DD", show_default=False),
    ] = None,
    clear_actual: Annotated[bool, typer.Option("--clear-actual", help="清除节点的实际日期")] = False,
    clear: Annotated[bool, typer.Option("--clear", help="把字段置为空（null）")] = False,
    data: DataOpt = None,
    as_of: AsOfOpt = None,
    dry_run: DryRunOpt = False,
) -> None:
    from baozufang_cli.edit.fields import set_field
    from baozufang_cli.edit.items import (
        is_milestone,
        set_milestone,
        unknown_field_or_milestone,
    )
    from baozufang_cli.edit.values import EditError, field_key, parse_date_text
    from baozufang_cli.models import Project

    document, registry = open_project(data, project_id)
    if actual is not None or planned is not None or clear_actual:
        if value is not None or clear:
            raise EditError("节点日期用 --actual / --planned 指定，不要再写值或 --clear")
        if actual is not None and clear_actual:
            raise EditError("--actual 与 --clear-actual 不能同时使用")
        actual_date = parse_date_text(actual, "实际日期") if actual is not None else None
        changes = set_milestone(
            document.data,
            registry,
            field,
            planned=parse_date_text(planned, "计划日期") if planned is not None else None,
            actual=actual_date,
            clear_actual=clear_actual,
        )
        if actual_date is not None and actual_date > as_of_date(as_of):
            typer.echo(f"注意：实际日期 {actual_date} 晚于统计日 {as_of_date(as_of)}", err=True)
    else:
        try:
            field_key(Project, field.split(".")[0])
        except EditError:
            if not is_milestone(document.data, registry, field):
                raise unknown_field_or_milestone(document.data, registry, field) from None
            example = value or "日期"
            raise EditError(
                f"{field} 是节点", f"实际完成：bzf set {project_id} {field} --actual {example}"
            ) from None
        if value is None and not clear:
            raise EditError("缺少要设置的值", f"例如 bzf set {project_id} units 820；置空用 --clear")
        if value is not None and clear:
            raise EditError("--clear 与值不能同时使用")
        changes = set_field(document.data, registry, field, value)
    write_document(document, registry, changes, dry_run)
