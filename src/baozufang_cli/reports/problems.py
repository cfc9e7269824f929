"""``bzf problems``: the 问题清单 — open, overdue and recently closed problems, by department.

As of D a problem exists once raised (``raised ≤ D``); it is closed when its closing date is on
or before D, open otherwise, and overdue when open with a due date before D. The list shows the
open problems and those closed in the last ``closed_days`` days (``closed ≥ D − closed_days``);
the summary by responsible department counts every problem that exists as of D: open, overdue,
closed this month (in D's calendar month, up to D) and the median days from raised to closed
over all problems closed by D.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from statistics import median
from typing import TYPE_CHECKING, Any, Literal

from baozufang_cli.facts.dates import month_start
from baozufang_cli.facts.project import ProblemState, project_progress
from baozufang_cli.ledger.registry import NameNotFound, closest
from baozufang_cli.reports.filters import Filters
from baozufang_cli.reports.value import Column, Highlight, Report, Table

if TYPE_CHECKING:
    from baozufang_cli.facts.records import Project
    from baozufang_cli.ledger.registry import Ledger

State = Literal["all", "open", "overdue", "closed"]
OPEN, OVERDUE, CLOSED = "open", "overdue", "closed"
STATE_LABELS = {OPEN: "未办结", OVERDUE: "逾期", CLOSED: "已办结"}
DEFAULT_CLOSED_DAYS = 30


def departments(ledger: Ledger) -> list[str]:
    """Every responsible department named in the (error-free) project files, sorted."""
    return sorted({p.department for project in ledger.valid_projects() for p in project.problems})


def resolve_names(texts: Iterable[str], known: list[str], what: str) -> frozenset[str]:
    """Exact names, or a unique part of one (``住建`` → 市住建局); otherwise ``NameNotFound`` with a hint."""
    out = set()
    for text in texts:
        text = text.strip()
        if text in known:
            out.add(text)
            continue
        partial = [name for name in known if text and text in name]
        if len(partial) == 1:
            out.add(partial[0])
            continue
        if partial:
            raise NameNotFound(f"{what} {text} 有多个匹配：{'、'.join(partial)}")
        guess = closest(text, known)
        hint = f"是否为 {guess}？" if guess else (f"可选：{'、'.join(known)}" if known else "")
        raise NameNotFound(f'未知{what} "{text}"', hint)
    return frozenset(out)


def _row(ledger: Ledger, project: Project, state: ProblemState) -> dict[str, Any]:
    problem = state.problem
    kind = CLOSED if state.is_closed else OVERDUE if state.is_overdue else OPEN
    return {
        "project_id": project.id,
        "project_name": project.name,
        "district": project.district,
        "problem_id": problem.id,
        "text": problem.text,
        "category": problem.category,
        "department": problem.department,
        "raised": problem.raised,
        "due": problem.due,
        "closed": problem.closed if state.is_closed else None,
        "resolution": problem.resolution if state.is_closed else None,
        "state": kind,
        "state_label": STATE_LABELS[kind],
        "days_open": state.days_open,
        "days_overdue": state.days_overdue,
        "days_to_close": state.days_to_close,
    }


def problem_rows(
    ledger: Ledger,
    as_of: date,
    filters: Filters | None = None,
    departments: frozenset[str] = frozenset(),
    categories: frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """One row per problem that exists as of ``as_of`` (raised on or before it), in file order."""
    filters = filters or Filters()
    rows: list[dict[str, Any]] = []
    for project in ledger.valid_projects():
        if not filters.matches(project):
            continue
        for problem_state in project_progress(ledger.registry, project, as_of).problems:
            problem = problem_state.problem
            if departments and problem.department not in departments:
                continue
            if categories and problem.category not in categories:
                continue
            rows.append(_row(ledger, project, problem_state))
    return rows


def _median(values: list[int]) -> float | None:
    return round(float(median(values)), 1) if values else None


def _summary(rows: list[dict[str, Any]], month: date) -> dict[str, Any]:
    closed = [r for r in rows if r["state"] == CLOSED]
    return {
        "open": sum(r["state"] != CLOSED for r in rows),
        "overdue": sum(r["state"] == OVERDUE for r in rows),
        "closed": len(closed),
        "closed_this_month": sum(r["closed"] >= month for r in closed),
        "median_days_to_close": _median([r["days_to_close"] for r in closed]),
    }


SUMMARY_COLUMNS = [
    Column("department", "责任部门"),
    Column("open", "未办结", "int", sums=True),
    Column("overdue", "其中逾期", "int", sums=True),
    Column("closed_this_month", "本月办结", "int", sums=True),
    Column("closed", "累计办结", "int", sums=True),
    Column("median_days_to_close", "办结天数中位数", "number"),
]
LIST_COLUMNS = [
    Column("state_label", "状态"),
    Column("project_id", "项目编号", "code"),
    Column("project_name", "项目名称", optional=3),
    Column("district", "区县", optional=5),  # a narrow terminal keeps the problem's text readable
    Column("problem_id", "问题编号", "code", optional=4),
    Column("text", "问题"),
    Column("category", "类别", optional=2),
    Column("department", "责任部门"),
    Column("raised", "提出日期", "date"),
    Column("due", "办结时限", "date"),
    Column("closed", "办结日期", "date", optional=1),
    Column("days_overdue", "逾期天数", "int"),
]


def problems_report(
    ledger: Ledger,
    as_of: date,
    filters: Filters | None = None,
    departments: frozenset[str] = frozenset(),
    categories: frozenset[str] = frozenset(),
    state: State = "all",
    closed_days: int = DEFAULT_CLOSED_DAYS,
) -> Report:
    filters = filters or Filters()
    registry = ledger.registry
    rows = problem_rows(ledger, as_of, filters, departments, categories)
    month = month_start(as_of)
    by_department = []
    for name in sorted({r["department"] for r in rows}):
        by_department.append(
            {"department": name, **_summary([r for r in rows if r["department"] == name], month)}
        )
    by_department.sort(key=lambda d: (-d["overdue"], -d["open"], d["department"]))
    total = _summary(rows, month)

    since = as_of - timedelta(days=closed_days)
    wanted = {
        "all": lambda r: r["state"] != CLOSED or r["closed"] >= since,
        "open": lambda r: r["state"] != CLOSED,
        "overdue": lambda r: r["state"] == OVERDUE,
        "closed": lambda r: r["state"] == CLOSED and r["closed"] >= since,
    }[state]
    order = registry.district_order
    rank = {OVERDUE: 0, OPEN: 1, CLOSED: 2}
    listed = sorted(
        (r for r in rows if wanted(r)),
        key=lambda r: (
            rank[r["state"]],
            -(r["days_overdue"] or 0),
            -(r["days_open"] or 0),
            -(r["closed"].toordinal() if r["closed"] else 0),
            order[r["district"]],
            r["project_id"],
            r["problem_id"],
        ),
    )
    flags = {i: {"overdue"} for i, r in enumerate(listed) if r["state"] == OVERDUE}
    notes = [
        f"未办结 {total['open']} 个（其中逾期 {total['overdue']} 个），"
        f"本月办结 {total['closed_this_month']} 个；列出{_describe(state, closed_days)}"
    ]
    summary = Table(
        "按责任部门汇总",
        SUMMARY_COLUMNS,
        by_department,
        total={"department": "合计", **total},
        notes=["办结天数中位数：统计日前已办结问题从提出到办结的天数"],
    )
    overdue_highlight = (Highlight("overdue", "state_label", equals=STATE_LABELS[OVERDUE]),)
    listing = Table("问题清单", LIST_COLUMNS, listed, flags=flags, notes=notes, highlights=overdue_highlight)
    subtitle = filters.describe(registry)
    if departments:
        subtitle.append("责任部门：" + "、".join(sorted(departments)))
    if categories:
        subtitle.append(
            "问题类别：" + "、".join(c for c in ledger.criteria.problem_categories if c in categories)
        )
    return Report.as_of_day(
        "问题清单",
        ledger.name,
        as_of,
        [summary, listing],
        {
            "state": state,
            "closed_days": closed_days,
            "problems": listed,
            "by_department": by_department,
            "total": total,
        },
        subtitle=subtitle,
    )


def _describe(state: State, closed_days: int) -> str:
    return {
        "all": f"未办结问题和近 {closed_days} 天内办结的问题",
        "open": "未办结问题",
        "overdue": "逾期问题",
        "closed": f"近 {closed_days} 天内办结的问题",
    }[state]
