"""``bzf duties``: 责任清单 / 督办单 — what each responsible unit owes, and by when."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from baozufang_cli.cli.report_command import Option, Run

if TYPE_CHECKING:
    from pathlib import Path

    from baozufang_cli.reports.value import Report

ORDER = 45

WITHIN = Option(
    "within",
    Annotated[
        int,
        typer.Option(
            "--within", "-w", min=0, max=3650, metavar="N", help="列出 N 天内到期的节点和问题（默认 7）"
        ),
    ],
    7,
)
UNIT = Option(
    "unit",
    Annotated[
        str | None,
        typer.Option(
            "--unit", "-u", help="只列这个责任单位（项目的责任单位或问题的责任部门）", show_default=False
        ),
    ],
)
SPLIT = Option(
    "split",
    Annotated[
        bool,
        typer.Option("--split", help="每个责任单位写一份 Markdown 督办单到 -o 指定的文件夹（会后分发）"),
    ],
    False,
)

SHORT_HELP = "责任清单：按责任单位列出逾期与将到期的节点、问题和红灯项目；--split 生成督办单"
HELP = (
    "责任清单（督办单）：按责任单位（项目的责任单位、问题的责任部门）列出逾期节点、N 天内到期的节点、"
    "逾期和将到期的问题、红灯项目，逾期最久的在前；--split -o 文件夹 为每个单位写一份 Markdown 督办单"
)
OPTIONS = [WITHIN, UNIT, SPLIT]
FILTERS = ("district", "type")


def compute(run: Run) -> Report | None:
    from baozufang_cli.errors import UsageError
    from baozufang_cli.reports.duties import duties_report

    output = run.option("output")
    if run.option("split") and output is None:
        raise UsageError("--split 需要用 -o 指定一个文件夹", "例如 bzf duties --split -o 督办单")
    report = duties_report(run.ledger, run.as_of, run.option("within"), run.filters, run.option("unit"))
    if not run.option("split"):
        return report
    if run.warn_excluded(report):
        run.partial = True
    _write_sheets(report, output)
    return None


def _write_sheets(report: Report, folder: Path) -> None:
    from baozufang_cli.errors import UsageError
    from baozufang_cli.files import write_output
    from baozufang_cli.render.data import render_md
    from baozufang_cli.reports.duties import duty_sheets, sheet_file_names

    if folder.exists() and not folder.is_dir():
        raise UsageError(f"无法写入 {folder}：这不是文件夹", "--split 的 -o 应是一个文件夹")
    if not folder.exists():
        if not folder.parent.is_dir():
            raise UsageError(
                f"无法写入 {folder}：文件夹 {folder.parent} 不存在", "请先建立文件夹，或换一个路径"
            )
        folder.mkdir()
    sheets = duty_sheets(report)
    names = sheet_file_names([unit for unit, _ in sheets])
    for (_unit, sheet), name in zip(sheets, names, strict=True):
        write_output(folder / name, render_md(sheet).encode("utf-8"))
    typer.echo(f"已写入 {len(sheets)} 份督办单到 {folder}")
