"""``bzf log ID``: one project's history in git — commit, author, date and the fields changed."""

from __future__ import annotations

import re
from typing import Annotated

import typer

from baozufang_cli.cli.options import DataOpt, Format, FormatOpt, OutputOpt, WideOpt
from baozufang_cli.cli.runtime import emit, ledger_root
from baozufang_cli.errors import UsageError

ORDER = 85


SHORT_HELP = "项目改动记录：一个项目的每次提交、作者、日期和改动的字段"
HELP = (
    "项目改动记录：列出改动过某个项目文件的每次 git 提交（时间先后）、作者、日期和改动的字段"
    "（原值 → 新值），以及工作区中尚未提交的改动"
)


def command(
    project_id: Annotated[str, typer.Argument(help="项目编号，例如 GSH-2023-001", metavar="ID")],
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    wide: WideOpt = False,
) -> None:
    from baozufang_cli.history.versions import LedgerRepository, load_log
    from baozufang_cli.models import ID_PATTERN
    from baozufang_cli.reports.changes import log_report

    if not re.fullmatch(ID_PATTERN, project_id):
        raise UsageError(f"项目编号只能含字母、数字、-、_：{project_id}")
    root = ledger_root(data)
    ledger = LedgerRepository(root)
    entries = load_log(ledger, project_id)
    report = log_report(project_id, entries, str(ledger.repo.root), ledger.pathspec)
    if (note := ledger.truncated()) is not None:
        report.subtitle.append(note)
        report.data["truncated_history"] = note
    emit(report, fmt, output, wide=wide)
