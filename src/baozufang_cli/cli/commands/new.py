"""``bzf new``: a new project file whose milestones are planned backwards from the delivery date."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from baozufang_cli.cli import completion
from baozufang_cli.cli.options import AsOfOpt, DataOpt
from baozufang_cli.cli.runtime import as_of_date, open_registry

ORDER = 100


SHORT_HELP = "新建项目文件：节点计划日期按标准工期从交付日期倒排，自动编号"
HELP = (
    "新建项目文件（一项目一方案）：节点取该筹集方式的标准序列，计划日期按标准工期从交付日期倒排（倒排工期）；"
    "项目编号自动生成（区县前缀-计划年度-序号，前缀沿用该区县已有编号，否则用行政区划代码），文件写入 projects/区县/"
)


def command(
    district: Annotated[
        str,
        typer.Option(
            "--district",
            "-d",
            help="区县：官方名称、别名、代码或唯一前缀",
            show_default=False,
            autocompletion=completion.districts,
        ),
    ],
    supply_type: Annotated[
        str,
        typer.Option(
            "--type",
            "-t",
            help="筹集方式：代码、名称或别名",
            show_default=False,
            autocompletion=completion.supply_types,
        ),
    ],
    name: Annotated[str, typer.Option("--name", help="项目名称", show_default=False)],
    units: Annotated[int, typer.Option("--units", help="套(间)数", show_default=False, min=1, max=100_000)],
    deliver_by: Annotated[
        str,
        typer.Option(
            "--deliver-by",
            help="计划建成交付日期（倒排的起点）",
            metavar="YYYY-MM-DD",
            show_default=False,
        ),
    ],
    plan_year: Annotated[
        int | None,
        typer.Option(
            "--plan-year",
            help="计划年度，默认为启动建设节点的计划年份（不早于统计日的年份）",
            show_default=False,
        ),
    ] = None,
    project_id: Annotated[
        str | None,
        typer.Option("--id", help="项目编号，默认自动生成：区县代码-计划年度-三位序号", show_default=False),
    ] = None,
    unit_kind: Annotated[str, typer.Option("--unit-kind", help="计量单位：套 或 间")] = "套",
    tags: Annotated[
        list[str] | None,
        typer.Option("--tag", help="标签，例如 人才租赁住房；可多次指定", show_default=False),
    ] = None,
    data: DataOpt = None,
    as_of: AsOfOpt = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="预演：显示将写入的文件内容，不写入")
    ] = False,
) -> None:
    from baozufang_cli.edit.document import write_new_file
    from baozufang_cli.edit.new import compression_days, plan_project, render_project, schema_pointer
    from baozufang_cli.edit.schema import SCHEMA_DIR
    from baozufang_cli.edit.values import parse_date_text

    day = as_of_date(as_of)
    root, registry = open_registry(data)
    existing, projects = _ids_in_use(root)
    new, rel_path = plan_project(
        registry,
        root,
        existing,
        projects,
        district=district,
        supply_type=supply_type,
        name=name,
        units=units,
        deliver_by=parse_date_text(deliver_by, "交付日期"),
        as_of=day,
        plan_year=plan_year,
        project_id=project_id,
        unit_kind=unit_kind,
        tags=tags,
    )
    rel = rel_path.as_posix()
    text = render_project(new, schema_pointer(root, rel_path))
    if dry_run:
        typer.echo(text, nl=False)
    else:
        write_new_file(root / rel_path, rel, text, registry)
        what = f"{new.district.name} · {new.supply_type.label} · {new.units} {new.unit_kind}"
        typer.echo(f"已创建 {rel}（{what} · {new.plan_year} 年度计划）")
    out = dry_run  # with --dry-run stdout is the file: everything else goes to stderr
    typer.echo(f"倒排工期（从交付日期 {new.deliver_by} 倒推，统计日 {day}）：", err=out)
    for milestone in new.schedule:
        gap = f"  +{milestone.days} 天" if milestone.days else ""
        typer.echo(f"  {milestone.planned}  {milestone.name}{gap}", err=out)
    compressed = compression_days(new.schedule, day)
    if compressed:
        first = new.schedule[0]
        total = (new.deliver_by - first.planned).days
        available = (new.deliver_by - day).days
        room = f"距交付只剩 {available} 天" if available >= 0 else f"交付日期已过 {-available} 天"
        typer.echo(
            f"注意：按标准工期应于 {first.planned} 开始（{first.name}），早于统计日 {day}："
            f"工期需压缩 {compressed} 天（标准总工期 {total} 天，{room}）",
            err=True,
        )
    if not (root / SCHEMA_DIR / "project.schema.json").is_file():
        typer.echo("提示：运行 bzf schema 生成 schema/，编辑器即可按文件首行的 Schema 显示字段说明", err=True)


def _ids_in_use(root: Path) -> tuple[set[str], list[tuple[str, str]]]:
    """Every id in use (file names and the ids inside files), and (id, district) of valid projects."""
    from baozufang_cli.ledger.discover import discover
    from baozufang_cli.ledger.load import LedgerUnusable, load_ledger

    files, _ = discover(root)
    ids = {path.stem for path, _ in files}
    try:
        projects = load_ledger(root).projects
    except LedgerUnusable:
        return ids, []
    return ids | {p.id for p in projects}, [(p.id, p.district) for p in projects]
