"""``bzf problem add|close``: the problem list (问题清单) of one project."""

from __future__ import annotations

from typing import Annotated

import typer

from baozufang_cli.cli import completion
from baozufang_cli.cli.options import AsOfOpt, DataOpt, DryRunOpt
from baozufang_cli.cli.runtime import as_of_date, guard, open_project, write_document

ORDER = 120

ProjectArg = Annotated[
    str,
    typer.Argument(
        metavar="项目编号",
        help="项目编号（大小写不限）、项目名称或名称中唯一的一段",
        autocompletion=completion.project_ids,
    ),
]

problem_app = typer.Typer(
    help="问题清单：添加问题（bzf problem add）、办结问题（bzf problem close）",
    rich_markup_mode=None,
    no_args_is_help=True,
)


@problem_app.command("add", help="给项目添加一个问题；编号自动为 P1、P2……")
@guard
def add(
    project_id: ProjectArg,
    text: Annotated[str, typer.Option("--text", help="问题描述", show_default=False)],
    category: Annotated[
        str,
        typer.Option("--category", "-c", help="问题类别：房源筹集、建设手续、资金来源、组织实施（可写前缀）"),
    ],
    department: Annotated[
        str, typer.Option("--department", help="责任部门，例如 市住建局", show_default=False)
    ],
    due: Annotated[
        str | None, typer.Option("--due", help="办结时限", metavar="YYYY-MM-DD", show_default=False)
    ] = None,
    raised: Annotated[
        str | None,
        typer.Option(
            "--raised", help="提出日期，默认统计日（今天）", metavar="YYYY-MM-DD", show_default=False
        ),
    ] = None,
    problem_id: Annotated[str | None, typer.Option("--id", help="问题编号，默认自动编号")] = None,
    measures: Annotated[
        str | None, typer.Option("--measures", help="整改措施（导出的问题清单列出）", show_default=False)
    ] = None,
    person: Annotated[str | None, typer.Option("--person", help="整改责任人", show_default=False)] = None,
    data: DataOpt = None,
    as_of: AsOfOpt = None,
    dry_run: DryRunOpt = False,
) -> None:
    from baozufang_cli.edit.items import add_problem
    from baozufang_cli.edit.values import parse_date_text

    document, registry = open_project(data, project_id)
    _, changes = add_problem(
        document.data,
        registry,
        text=text,
        category=category,
        department=department,
        raised=parse_date_text(raised, "提出日期") if raised else as_of_date(as_of),
        due=parse_date_text(due, "办结时限") if due else None,
        problem_id=problem_id,
        measures=measures,
        person=person,
    )
    write_document(document, registry, changes, dry_run)


@problem_app.command("close", help="办结项目的一个问题：填写办结日期（默认统计日）和办结情况")
@guard
def close(
    project_id: ProjectArg,
    problem_id: Annotated[str, typer.Argument(metavar="问题编号", help="例如 P1")],
    closed: Annotated[
        str | None,
        typer.Option("--date", help="办结日期，默认统计日（今天）", metavar="YYYY-MM-DD", show_default=False),
    ] = None,
    resolution: Annotated[str | None, typer.Option("--resolution", "-r", help="办结情况")] = None,
    data: DataOpt = None,
    as_of: AsOfOpt = None,
    dry_run: DryRunOpt = False,
) -> None:
    from baozufang_cli.edit.items import close_problem
    from baozufang_cli.edit.values import parse_date_text

    document, registry = open_project(data, project_id)
    day = parse_date_text(closed, "办结日期") if closed else as_of_date(as_of)
    changes = close_problem(document.data, problem_id, day, resolution, project_id)
    write_document(document, registry, changes, dry_run)


def register(app: typer.Typer) -> None:
    app.add_typer(problem_app, name="problem", short_help="问题清单：添加（add）、办结（close）问题")
