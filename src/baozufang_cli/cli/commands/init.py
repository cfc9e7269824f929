"""``bzf init DIR``: create a new ledger with the Guiyang defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

ORDER = 140

DESCRIPTIONS = {
    "targets.yaml": "区县名录与目标（贵阳市默认值，按需修改）",
    "criteria.yaml": "筹集方式、节点序列与标准工期、问题类别",
    "projects/.gitkeep": "项目文件夹（用 bzf new 新建项目）",
    "schema/": "JSON Schema（编辑器悬停提示、边写边查错）",
    ".gitignore": "忽略缓存 .bzf-cache/",
    ".pre-commit-config.yaml": "提交前运行 bzf check 和 bzf fmt --check",
    ".vscode/settings.json": "VS Code 按 Schema 提示字段",
}


SHORT_HELP = "新建台账（贵阳市默认配置、git、pre-commit）"
HELP = (
    "新建台账：targets.yaml、criteria.yaml（贵阳市默认值）、空的 projects/、schema/、"
    ".gitignore、.pre-commit-config.yaml；目录不在 git 仓库中时执行 git init"
)


def command(
    folder: Annotated[Path, typer.Argument(metavar="目录", help="新台账的目录（可不存在）")],
) -> None:
    from baozufang_cli.edit.scaffold import create_ledger

    result = create_ledger(folder)
    typer.echo(f"已创建台账 {folder.as_posix()}：")
    for rel in result.created:
        typer.echo(f"  {rel:<26}{DESCRIPTIONS.get(rel, '')}")
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
    typer.echo(
        f"下一步：cd {folder.as_posix()} && bzf new --district 观山湖 --type new_build "
        "--name 项目名称 --units 800 --deliver-by 2025-12-31"
    )
