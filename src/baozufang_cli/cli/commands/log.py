"""``bzf log ID``: one project's history in git — commit, author, date and the fields changed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from baozufang_cli.cli import completion
from baozufang_cli.cli.options import DataOpt, FormatOpt, OutputOpt, WideOpt
from baozufang_cli.cli.runtime import emit, ledger_root
from baozufang_cli.errors import UsageError

if TYPE_CHECKING:
    from baozufang_cli.ledger.registry import NameNotFound

ORDER = 85


SHORT_HELP = "项目改动记录：一个项目的每次提交、作者、日期和改动的字段"
HELP = (
    "项目改动记录：列出改动过某个项目文件的每次 git 提交（时间先后）、作者、日期和改动的字段"
    "（原值 → 新值），以及工作区中尚未提交的改动"
)


def resolve_project(root: Path, text: str) -> tuple[str, NameNotFound | None]:
    """The id ``text`` names in the current ledger, or ``text`` itself and why it matched nothing
    (a project deleted since still has a history)."""
    from baozufang_cli.ledger.load import LedgerUnusable, load_ledger
    from baozufang_cli.ledger.registry import NameNotFound

    try:
        return load_ledger(root).find_project(text).id, None
    except NameNotFound as error:
        return text, error
    except LedgerUnusable:
        return text, None


def command(
    project_id: Annotated[
        str,
        typer.Argument(
            help="项目编号（大小写不限，例如 gsh-2023-001）、项目名称或名称中唯一的一段",
            metavar="PROJECT",
            autocompletion=completion.project_ids,
        ),
    ],
    data: DataOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    wide: WideOpt = False,
) -> None:
    from baozufang_cli.history.versions import LedgerRepository, load_log
    from baozufang_cli.models import ID_PATTERN
    from baozufang_cli.reports.changes import log_report

    root = ledger_root(data)
    project_id, unknown = resolve_project(root, project_id)
    if not re.fullmatch(ID_PATTERN, project_id):
        raise unknown or UsageError(f"项目编号只能含字母、数字、-、_：{project_id}")
    ledger = LedgerRepository(root)
    entries = load_log(ledger, project_id)
    if not entries and unknown is not None:  # in neither the ledger nor its history
        raise unknown
    report = log_report(project_id, entries, str(ledger.repo.root), ledger.pathspec)
    if (note := ledger.truncated()) is not None:
        report.subtitle.append(note)
        report.data["truncated_history"] = note
    emit(report, fmt, output, wide=wide)
