"""``bzf overdue``: milestones behind their reverse schedule (倒排工期), worst first.

A milestone is overdue as of D when it has a planned date before D and is not done as of D;
``days_overdue = D − planned``. ``within`` adds milestones due in ``[D, D + within]`` (upcoming,
never counted as overdue); ``late`` adds milestones done as of D after their planned date.
An overdue milestone whose later milestones are already done is still overdue (that is the
definition) but carries ``later_done`` so the meeting can tell a missing date from slippage.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from baozufang_cli.facts.project import MilestoneState, ProjectProgress, project_progress
from baozufang_cli.reports.filters import Filters
from baozufang_cli.reports.value import Column, Highlight, Report, Table

if TYPE_CHECKING:
    from baozufang_cli.facts.records import Project
    from baozufang_cli.ledger.registry import Ledger, Registry

OVERDUE = "逾期"
UPCOMING = "即将到期"
LATE = "延期完成"
KINDS = {OVERDUE: "overdue", UPCOMING: "upcoming", LATE: "late"}  # JSON codes; status is the label


def _row(ledger: Ledger, progress: ProjectProgress, state: MilestoneState, status: str) -> dict[str, Any]:
    project = progress.project
    registry = ledger.registry
    assert state.planned is not None
    days_overdue = (progress.as_of - state.planned).days
    return {
        "kind": KINDS[status],
        "status": status,
        **project_identity(project, registry),
        "milestone": state.name,
        "planned": state.planned,
        "actual": state.actual,
        # overdue: days past the planned date; upcoming: −(days left); late: see days_late
        "days_overdue": days_overdue if status != LATE else None,
        "days_until_due": -days_overdue if status == UPCOMING else None,
        "days_late": state.days_late,
        "days": {OVERDUE: days_overdue, UPCOMING: -days_overdue, LATE: state.days_late}[status],
        "upcoming": status == UPCOMING,
        "later_done": progress.skipped(state),
        "responsible_unit": project.responsible_unit,
        "note": "后续节点已完成，待补实际日期" if progress.skipped(state) else None,
    }


COLUMNS = [
    Column("status", "状态"),
    Column("project_id", "项目编号", "code"),
    Column("project_name", "项目名称"),
    Column("district", "区县", optional=2),  # the project's name usually says it
    Column("supply_type_short", "筹集方式", optional=3),
    Column("milestone", "节点"),
    Column("planned", "计划日期", "date"),
    Column("actual", "实际日期", "date"),
    Column("days", "天数", "int"),
    Column("responsible_unit", "责任单位", optional=1),
    Column("note", "备注"),
]


def overdue_report(
    ledger: Ledger,
    as_of: date,
    filters: Filters | None = None,
    within: int | None = None,
    late: bool = False,
) -> Report:
    filters = filters or Filters()
    registry = ledger.registry
    order = registry.district_order
    overdue: list[dict[str, Any]] = []
    upcoming: list[dict[str, Any]] = []
    completed_late: list[dict[str, Any]] = []
    districts: set[str] = set()
    for project in ledger.valid_projects():
        if not filters.matches(project):
            continue
        districts.add(project.district)
        progress = project_progress(registry, project, as_of)
        for state in progress.milestones:
            if state.overdue:
                overdue.append(_row(ledger, progress, state, OVERDUE))
            elif within is not None and state.due_within(within):
                upcoming.append(_row(ledger, progress, state, UPCOMING))
            elif late and state.late:
                completed_late.append(_row(ledger, progress, state, LATE))

    def tie(row: dict[str, Any]) -> tuple[int, str, int]:
        position = registry.milestone_order(row["supply_type"])[row["milestone"]]
        return order[row["district"]], row["project_id"], position

    overdue.sort(key=lambda r: (-r["days_overdue"], *tie(r)))
    upcoming.sort(key=lambda r: (r["days_until_due"], *tie(r)))
    completed_late.sort(key=lambda r: (-r["days_late"], *tie(r)))

    by_district = [
        {
            "district": name,
            "overdue": sum(r["district"] == name for r in overdue),
            "upcoming": sum(r["district"] == name for r in upcoming),
            "late": sum(r["district"] == name for r in completed_late),
        }
        for name in sorted(districts, key=order.__getitem__)
    ]
    notes = [_summary(by_district, len(overdue))]
    if within is not None:
        notes.append(f"{within} 天内到期 {len(upcoming)} 个（不计入逾期）")
    if late:
        notes.append(f"已完成但晚于计划的节点 {len(completed_late)} 个")
    if any(r["later_done"] for r in overdue):
        notes.append("备注“待补实际日期”：后续节点已完成，多为漏填实际日期，仍按定义计为逾期")
    if within is not None or late:
        notes.append("天数：逾期为已逾期天数，即将到期为剩余天数，延期完成为晚于计划的天数")

    rows = overdue + upcoming + completed_late
    flags = {i: {row["kind"]} for i, row in enumerate(rows)}
    columns = [c for c in COLUMNS if c.key != "actual" or late]
    if within is None and not late:  # only overdue rows: say what the days are
        columns = [Column("days", "逾期天数", "int") if c.key == "days" else c for c in columns]
    if not any(r["note"] for r in rows):
        columns = [c for c in columns if c.key != "note"]
    highlights = tuple(Highlight(kind, "status", equals=status) for status, kind in KINDS.items())
    table = Table("逾期节点", columns, rows, flags=flags, notes=notes, highlights=highlights)
    subtitle = filters.describe(registry)
    if within is not None:
        subtitle.append(f"含 {within} 天内到期的节点")
    return Report.as_of_day(
        "逾期节点",
        ledger.name,
        as_of,
        [table],
        {
            "within": within,
            "rows": overdue + upcoming,
            "late": completed_late,
            "by_district": by_district,
            "overdue_count": len(overdue),
            "upcoming_count": len(upcoming),
            "late_count": len(completed_late),
        },
        subtitle=subtitle,
    )


def _summary(by_district: list[dict[str, Any]], count: int) -> str:
    if not count:
        return "没有逾期节点"
    parts = [f"{d['district']} {d['overdue']}" for d in by_district if d["overdue"]]
    return f"逾期节点 {count} 个：" + "，".join(parts)


def project_identity(project: Project, registry: Registry) -> dict[str, Any]:
    """The keys every milestone row starts with: which project, where, which supply type."""
    return {
        "project_id": project.id,
        "project_name": project.name,
        "district": project.district,
        "supply_type": project.supply_type,
        "supply_type_label": registry.supply_types[project.supply_type].label,
        "supply_type_short": registry.short_label(project.supply_type),
    }
