"""``bzf show PROJECT``: one project's card (id in any case, or a unique fragment of its name)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from baozufang_cli.cli import completion
from baozufang_cli.cli.report_command import Option, Run

if TYPE_CHECKING:
    from baozufang_cli.facts.records import Project
    from baozufang_cli.ledger.registry import Ledger
    from baozufang_cli.reports.show import CommitLine
    from baozufang_cli.reports.value import Report

ORDER = 56
FILTERS = ()

PROJECT = Option(
    "project",
    Annotated[
        str,
        typer.Argument(
            metavar="PROJECT",
            help="项目编号（大小写不限）、项目名称或名称中唯一的一段，例如 金华园",
            autocompletion=completion.project_ids,
        ),
    ],
    argument=True,
)

SHORT_HELP = "一个项目的卡片：基本情况、节点、问题、资金、运营、最近提交、检查结果"
HELP = (
    "一个项目的卡片：编号、名称、区县、筹集方式、套数、责任单位、建设主体、地址；节点的计划与实际日期"
    "（逾期天数，标出下一节点）；问题（未办结在前，含责任部门与期限）；资金来源的计划与到位；"
    "租金与市场租金、出租率；最近 3 次提交（台账在 git 中时）；bzf check 对该文件的检查结果"
)
OPTIONS = [PROJECT]


def recent_commits(ledger: Ledger, project: Project) -> list[CommitLine] | None:
    """The last commits that changed the project's file; None when the ledger is not in git."""
    from baozufang_cli.history.git import GitError, Repository, find_repository
    from baozufang_cli.reports.show import CommitLine

    root = find_repository(ledger.root)
    if root is None:
        return None
    path = (ledger.root / ledger.path(project)).resolve()
    try:
        commits = Repository(root).log(["HEAD"], paths=[str(path)], with_files=False, limit=20)
    except GitError:
        return None
    return [CommitLine(c.short, c.author, c.date.date(), c.subject) for c, _ in commits]


def compute(run: Run) -> Report:
    from baozufang_cli.reports.show import show_report

    ledger = run.ledger
    project = ledger.find_project(run.option("project"))
    path = ledger.path(project)
    diagnostics = [d for d in ledger.diagnostics if d.path == path]
    return show_report(ledger, project, run.as_of, recent_commits(ledger, project), diagnostics)
