"""``bzf diff``: what changed in the ledger between two git versions, and who changed it."""

from __future__ import annotations

from typing import Annotated

import typer

from baozufang_cli.cli.options import DataOpt, FormatOpt, OutputOpt, WideOpt, check_date, parse_date
from baozufang_cli.cli.runtime import emit, ledger_root
from baozufang_cli.errors import UsageError

ORDER = 80


SHORT_HELP = "台账改动：两个 git 版本之间新增、删除的项目和每个改动的字段，注明提交、作者、日期"
HELP = (
    "台账改动（倒查责任）：比较台账在两个 git 版本之间的差别，列出新增、删除的项目和每个改动的字段"
    "（原值 → 新值），注明最后改动它的提交、作者和日期。默认比较 HEAD 与工作区；"
    "--since 日期 比较该日之前的最后一次提交与工作区；REV_A [REV_B] 指定版本（省略 REV_B 为工作区）"
)


def command(
    rev_a: Annotated[
        str | None,
        typer.Argument(help="较早的版本：提交号、分支、标签、HEAD~1 等", show_default=False, metavar="REV_A"),
    ] = None,
    rev_b: Annotated[
        str | None, typer.Argument(help="较新的版本；省略时为工作区", show_default=False, metavar="REV_B")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="从该日起的改动：比较该日 0 点之前的最后一次提交与工作区",
            show_default=False,
            metavar="DATE",
            callback=check_date,
        ),
    ] = None,
    data: DataOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    wide: WideOpt = False,
) -> None:
    from baozufang_cli.history.versions import LedgerRepository, choose_versions, load_diff
    from baozufang_cli.reports.changes import diff_report

    if since is not None and rev_a is not None:
        raise UsageError("--since 与版本参数不能同时使用：--since 自动选择较早的版本")
    root = ledger_root(data)
    day = parse_date(since) if since else None
    ledger = LedgerRepository(root)
    old, new = choose_versions(ledger, rev_a, rev_b, day)
    changes, commits = load_diff(ledger, old, new)
    report = diff_report(changes, old, new, commits, str(ledger.repo.root), ledger.pathspec, day)
    if (note := ledger.truncated(old, commits)) is not None:
        report.subtitle.append(note)
        report.data["truncated_history"] = note
    emit(report, fmt, output, wide=wide)
