"""``bzf init DIR``: create a new ledger for a city (Guiyang's districts by default, no invented targets)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

ORDER = 140

DESCRIPTIONS = {
    "criteria.yaml": "筹集方式、节点序列与标准工期、问题类别（默认口径，按需修改）",
    "projects/.gitkeep": "项目文件夹（用 bzf new 新建项目；不写示例项目）",
    "schema/": "JSON Schema（编辑器悬停提示、边写边查错）",
    ".gitignore": "忽略缓存 .bzf-cache/",
    ".pre-commit-config.yaml": "提交前运行 bzf check 和 bzf fmt --check",
    ".vscode/settings.json": "VS Code 按 Schema 提示字段",
}


SHORT_HELP = "新建台账（城市、区县名录、git、pre-commit）"
HELP = (
    "新建台账：targets.yaml（城市与区县名录；目标留空，--plan guiyang 时写入贵阳市计划的全市目标）、"
    "criteria.yaml（默认的六类筹集方式与节点）、空的 projects/、schema/、.gitignore、"
    ".pre-commit-config.yaml；目录不在 git 仓库中时执行 git init"
)


def command(
    folder: Annotated[Path, typer.Argument(metavar="目录", help="新台账的目录（可不存在）")],
    city: Annotated[str, typer.Option("--city", metavar="名称", help="城市名称，用于报表标题")] = "贵阳市",
    districts: Annotated[
        str,
        typer.Option(
            "--districts",
            metavar="文件|guiyang",
            help="区县名录：guiyang（贵阳市的 15 个区县，默认）或一个 YAML 文件（格式见 docs/commands/init.md）",
        ),
    ] = "guiyang",
    plan: Annotated[
        str | None,
        typer.Option(
            "--plan",
            metavar="guiyang",
            help="写入贵阳市三年行动计划的全市目标；不给时目标留空，按计划文件填写",
        ),
    ] = None,
) -> None:
    from baozufang_cli.cli.runtime import today
    from baozufang_cli.edit.scaffold import CitySetup, create_ledger

    day = today()
    result = create_ledger(folder, CitySetup(city=city, districts=districts, plan=plan), day)
    targets = f"{city.strip()}，{result.districts} 个区县；" + (
        "全市目标取自贵阳市计划，区县目标留空" if plan else "目标留空，按计划文件填写"
    )
    typer.echo(f"已创建台账 {folder.as_posix()}：")
    for rel in result.created:
        typer.echo(f"  {rel:<26}{targets if rel == 'targets.yaml' else DESCRIPTIONS.get(rel, '')}")
    for rel in result.kept:
        typer.echo(
            f"  {rel:<26}已存在，保留（已确认忽略缓存）"
            if rel == ".gitignore"
            else f"  {rel:<26}已存在，保留"
        )
    if result.git == "initialized":
        typer.echo("已执行 git init")
    elif result.git.startswith("inside "):
        repo = result.git.removeprefix("inside ")
        typer.echo(f"目录位于 git 仓库 {repo} 中，未执行 git init")
        if Path(repo).resolve() != folder.resolve():
            typer.echo(
                "注意：pre-commit 只读取仓库根目录的 .pre-commit-config.yaml，请把其中的钩子并入根目录的配置，"
                "并把 --data . 改为台账相对仓库根目录的路径"
            )
    else:
        typer.echo("未找到 git，未初始化仓库（建议用 git 管理台账）")
    project_id = " --id 项目编号" if result.first_needs_id else ""
    typer.echo(
        f"下一步：cd {folder.as_posix()} && bzf new --district {result.first_district} --type new_build "
        f"--name 项目名称 --units 套数 --deliver-by {day.year + 1}-12-31{project_id}"
    )
