"""``bzf show PROJECT``: one project's card as of a day — identity, milestones, problems, funding,
operations, its last commits and the ``bzf check`` diagnostics of its file.

Pure: the commits are read by the command (git) and passed in; milestone and problem states come
from ``facts/`` (the one definition of done and overdue), so the card agrees with every report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from baozufang_cli.facts.project import ProjectProgress, project_progress
from baozufang_cli.reports.value import Column, Report, Table, ratio

if TYPE_CHECKING:
    from baozufang_cli.facts.records import Project
    from baozufang_cli.ledger.diagnostics import Diagnostic
    from baozufang_cli.ledger.registry import Ledger


@dataclass(frozen=True)
class CommitLine:
    """One commit that changed the project's file (read from git by the command)."""

    commit: str  # short hash
    author: str
    day: date
    subject: str


FIELD_COLUMNS = [Column("label", "项目"), Column("value", "内容")]
MILESTONE_COLUMNS = [
    Column("name", "节点"),
    Column("planned", "计划日期", "date"),
    Column("actual", "实际日期", "date"),
    Column("state", "状态"),
    Column("days_overdue", "逾期天数", "int"),
]
PROBLEM_COLUMNS = [
    Column("state", "状态"),
    Column("id", "编号", "code", optional=2),
    Column("text", "问题"),
    Column("department", "责任部门"),
    Column("due", "办结时限", "date"),
    Column("closed", "办结日期", "date", optional=1),
    Column("days_overdue", "逾期天数", "int"),
]
FUNDING_COLUMNS = [
    Column("kind", "资金来源"),
    Column("planned_wan", "计划（万元）", "money"),
    Column("received_wan", "到位（万元）", "money"),
    Column("received_pct", "到位率", "pct"),
]
COMMIT_COLUMNS = [
    Column("commit", "提交", "code"),
    Column("author", "作者"),
    Column("day", "日期", "date"),
    Column("subject", "提交说明"),
]
CHECK_COLUMNS = [
    Column("where", "行:列", "code"),
    Column("severity", "级别"),
    Column("code", "代码", "code", optional=1),
    Column("message", "说明"),
]


def identity(ledger: Ledger, project: Project, progress: ProjectProgress) -> dict[str, Any]:
    registry = ledger.registry
    stage = progress.stage
    return {
        "id": project.id,
        "name": project.name,
        "district": project.district,
        "supply_type": project.supply_type,
        "supply_type_label": registry.supply_types[project.supply_type].label,
        "units": project.units,
        "unit_kind": project.unit_kind,
        "plan_year": project.plan_year,
        "responsible_unit": project.responsible_unit,
        "owner": project.owner,
        "address": project.address,
        "status": progress.status,
        "stage": stage.name if stage else None,
        "path": ledger.path(project),
    }


def _milestones(progress: ProjectProgress) -> tuple[list[dict[str, Any]], dict[int, set[str]]]:
    following = progress.next
    rows, flags = [], {}
    for i, state in enumerate(progress.milestones):
        if state.done:
            label = "已完成"
        elif state.overdue:
            label = "逾期"
        elif following is not None and state.name == following.name:
            label = "下一节点"
        else:
            label = "未完成"
        rows.append({
            "name": state.name,
            "planned": state.planned,
            "actual": state.actual,
            "state": label,
            "days_overdue": state.days_overdue,
            "next": following is not None and state.name == following.name,
        })  # fmt: skip
        if state.overdue:
            flags[i] = {"overdue"}
        elif rows[-1]["next"]:
            flags[i] = {"upcoming"}
        elif state.done:
            flags[i] = {"muted"}
    return rows, flags


def _problems(progress: ProjectProgress) -> tuple[list[dict[str, Any]], dict[int, set[str]]]:
    states = [s for s in progress.problems if s.exists]
    states.sort(key=lambda s: (not s.is_open, s.problem.raised, s.problem.id))  # open first
    rows, flags = [], {}
    for i, state in enumerate(states):
        problem = state.problem
        rows.append({
            "id": problem.id,
            "state": "逾期" if state.is_overdue else "未办结" if state.is_open else "已办结",
            "text": problem.text,
            "category": problem.category,
            "department": problem.department,
            "raised": problem.raised,
            "due": problem.due,
            "closed": problem.closed if state.is_closed else None,
            "days_overdue": state.days_overdue,
        })  # fmt: skip
        if state.is_overdue:
            flags[i] = {"overdue"}
        elif not state.is_open:
            flags[i] = {"muted"}
    return rows, flags


def _funding(project: Project) -> tuple[dict[str, Any] | None, list[dict[str, Any]], dict[str, Any] | None]:
    funding = project.funding
    if funding is None:
        return None, [], None
    rows = [
        {
            "kind": s.kind,
            "planned_wan": s.planned_wan,
            "received_wan": s.received_wan,
            "received_pct": ratio(s.received_wan, s.planned_wan),
        }
        for s in funding.sources
    ]
    planned = round(sum(s.planned_wan for s in funding.sources), 2)
    received = round(sum(s.received_wan for s in funding.sources), 2)
    total = {
        "kind": "合计",
        "planned_wan": planned,
        "received_wan": received,
        "received_pct": ratio(received, planned),
    }
    summary = {"total_wan": funding.total_wan, "completed_wan": funding.completed_wan, **total}
    del summary["kind"]
    return summary, rows, total


def _operations(project: Project, delivered: bool) -> dict[str, Any] | None:
    operations = project.operations
    if operations is None:
        return None
    rent, market = operations.rent_yuan_m2, operations.market_rent_yuan_m2
    leased = operations.leased_units
    return {
        "rent_yuan_m2": rent,
        "market_rent_yuan_m2": market,
        "rent_to_market": ratio(rent, market) if rent is not None and market else None,
        "leased_units": leased,
        "occupancy": ratio(leased, project.units) if leased is not None and delivered else None,
    }


def _text(value: Any, unit: str = "") -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}{unit}"
    if isinstance(value, int):
        return f"{value:,}{unit}"
    return f"{value}{unit}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def show_report(
    ledger: Ledger,
    project: Project,
    as_of: date,
    commits: list[CommitLine] | None = None,
    diagnostics: list[Diagnostic] | None = None,
) -> Report:
    """The card of ``project`` as of ``as_of``; ``commits`` is None when the ledger is not in git."""
    progress = project_progress(ledger.registry, project, as_of)
    ident = identity(ledger, project, progress)
    milestones, milestone_flags = _milestones(progress)
    problems, problem_flags = _problems(progress)
    funding, sources, funding_total = _funding(project)
    operations = _operations(project, progress.is_delivered)
    shown_commits = [c for c in commits or [] if c.day <= as_of][-3:][::-1]  # newest first, none after as_of
    checks = [
        {
            "where": f"{d.line}:{d.col}" if d.line else "-",
            "severity": "错误" if d.is_error else "警告",
            "code": d.code,
            "message": d.message,
        }
        for d in diagnostics or []
    ]

    fields = [
        ("编号", ident["id"]),
        ("名称", ident["name"]),
        ("区县", ident["district"]),
        ("筹集方式", ident["supply_type_label"]),
        ("套数", f"{project.units:,} {project.unit_kind}"),
        ("计划年度", str(project.plan_year)),
        ("状态", ident["status"] + (f"（当前节点：{ident['stage']}）" if ident["stage"] else "")),
        ("责任单位", _text(project.responsible_unit)),
        ("建设主体", _text(project.owner)),
        ("地址", _text(project.address)),
        ("文件", ident["path"]),
    ]
    if operations is not None:
        fields += [
            ("租金 / 市场租金", f"{_text(operations['rent_yuan_m2'])} / {_text(operations['market_rent_yuan_m2'])} 元/㎡·月"
             f"（{_pct(operations['rent_to_market'])}）"),
            ("出租", f"{_text(operations['leased_units'])} {project.unit_kind}（出租率 {_pct(operations['occupancy'])}）"),
        ]  # fmt: skip
    card_notes = [] if checks else ["bzf check：此文件没有问题"]
    if commits is not None and not shown_commits:
        card_notes.append("统计截至日之前没有改动此文件的提交")
    tables = [
        Table("基本情况", FIELD_COLUMNS, [{"label": k, "value": v} for k, v in fields], notes=card_notes)
    ]
    following = progress.next
    tables.append(
        Table(
            "节点",
            MILESTONE_COLUMNS,
            milestones,
            flags=milestone_flags,
            notes=[f"下一节点：{following.name}，计划 {_text(following.planned)}"] if following else [],
        )
    )
    open_count = sum(1 for p in problems if p["state"] != "已办结")
    tables.append(
        Table(
            "问题",
            PROBLEM_COLUMNS,
            problems,
            flags=problem_flags,
            notes=[f"未办结 {open_count} 个，共 {len(problems)} 个"],
        )
    )
    if funding is not None:
        tables.append(
            Table(
                "资金",
                FUNDING_COLUMNS,
                sources,
                total=funding_total,
                notes=[
                    f"总投资 {_text(funding['total_wan'])} 万元，累计完成投资 {_text(funding['completed_wan'])} 万元"
                ],
            )
        )
    if shown_commits:
        tables.append(Table("最近提交", COMMIT_COLUMNS, [vars(c) for c in shown_commits]))
    if checks:
        tables.append(Table("检查", CHECK_COLUMNS, checks))
    data = {
        "project": ident,
        "milestones": milestones,
        "next_milestone": following.name if following else None,
        "problems": problems,
        "funding": None if funding is None else {**funding, "sources": sources},
        "operations": operations,
        "commits": None
        if commits is None
        else [{**vars(c), "day": c.day.isoformat()} for c in shown_commits],
        "diagnostics": checks,
    }
    return Report.as_of_day(f"项目：{project.name}", ledger.name, as_of, tables, data, primary_index=1)
