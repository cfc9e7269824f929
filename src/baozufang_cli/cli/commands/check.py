"""``bzf check``: validate every file and the rules across files; report every problem."""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated

import typer

from baozufang_cli.cli.options import AsOfOpt, DataOpt, NoCacheOpt
from baozufang_cli.cli.runtime import as_of_date, ledger_root
from baozufang_cli.errors import ExitCode
from baozufang_cli.ledger.diagnostics import count_errors

ORDER = 10


class CheckFormat(str, Enum):
    text = "text"
    json = "json"


HELP = "检查台账：逐个文件校验格式与规则，列出全部问题（有错误时退出码为 1）"


def command(
    data: DataOpt = None,
    as_of: AsOfOpt = None,
    fmt: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="text 逐行文字，或 json 列表")
    ] = CheckFormat.text,
    no_cache: NoCacheOpt = False,
) -> None:
    from baozufang_cli.cli import progressbar
    from baozufang_cli.ledger.assessments import load_assessments
    from baozufang_cli.ledger.checks import check_as_of
    from baozufang_cli.ledger.diagnostics import sort_key
    from baozufang_cli.ledger.load import LedgerUnusable, load_ledger, locate_in_files

    day = as_of_date(as_of)
    root = ledger_root(data)
    assessment_files = 0
    try:
        ledger = load_ledger(root, use_cache=not no_cache, progress=progressbar.for_stderr())
        assessments = load_assessments(root, ledger.registry)  # 自评文件 and their evidence
        assessment_files = len(assessments.files)
        diagnostics = sorted(
            ledger.diagnostics + locate_in_files(root, check_as_of(ledger, day)) + assessments.diagnostics,
            key=sort_key,
        )
        files = ledger.file_count
    except LedgerUnusable as unusable:
        diagnostics, files = unusable.diagnostics, unusable.files
    errors = count_errors(diagnostics)
    if fmt is CheckFormat.json:
        typer.echo(json.dumps([d.to_json() for d in diagnostics], ensure_ascii=False, indent=2))
    else:
        for diagnostic in diagnostics:
            typer.echo(diagnostic.format())
        warnings = len(diagnostics) - errors
        counted = f"{files} 个项目文件" + (f"、{assessment_files} 个自评文件" if assessment_files else "")
        summary = f"检查完成（统计截至 {day}）：{counted}，{errors} 个错误，{warnings} 个警告"
        typer.echo(summary, err=bool(errors))
    raise typer.Exit(int(ExitCode.LEDGER_ERRORS if errors else ExitCode.OK))
