"""``bzf schema``: JSON Schemas of the ledger files for editors (hover help, errors while typing)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from baozufang_cli.cli.options import DataOpt
from baozufang_cli.cli.runtime import ledger_root

ORDER = 150


SHORT_HELP = "生成 JSON Schema，供编辑器悬停提示、边写边查错"
HELP = (
    "生成项目文件、targets.yaml、criteria.yaml 的 JSON Schema（字段带中文说明），"
    "VS Code 的 YAML 插件据此悬停提示、边写边查错；默认写入台账的 schema/ 目录"
)


def command(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="写入此目录，默认台账下的 schema/", file_okay=False, show_default=False
        ),
    ] = None,
    data: DataOpt = None,
) -> None:
    from baozufang_cli.edit.schema import SCHEMA_DIR, write_schemas

    folder = output if output is not None else ledger_root(data) / SCHEMA_DIR
    for path in write_schemas(folder):
        typer.echo(f"已写入 {path.as_posix()}")
