"""``bzf report week|month|quarter|year``: 周调度、月督导、季评估、年考核.

One report over a period P (a week, month, quarter or year) as of D, the last day counted
(P's last day, or an earlier day inside P for a period still running). Each section reuses the
report that already answers its question, so the numbers agree with the other commands:

1. 本期进展 — milestones whose actual date falls in [P.start, D], and the projects started and
   delivered in that span (their 启动建设 / 建成交付 milestone), by district and supply type;
2. 累计完成 — the gap report (``bzf gap``) as of D for D's year, unchanged (with 序时进度, 灯, 年底预计);
3. 红黄绿灯 — ``bzf lights`` (districts against 序时进度, red and yellow projects) and the projects of
   ``bzf forecast`` planned in the year with less than an even chance of making it;
4. 滞后项目 — the overdue milestones of ``bzf overdue`` as of D, one row per project; a milestone
   is *newly overdue* when its planned date falls in P (it became overdue during P);
5. 问题清单 — problems raised in the span, closed in it, and overdue as of D, by department
   (the rows of ``bzf problems``);
6. 下期计划 — milestones not done and problems still open whose planned date / deadline falls in
   [D, end of the next period] (``bzf overdue --within`` upcoming rows);
7. 区县排名 (month, quarter, year) — districts with a target in D's year ranked by delivered %,
   then started %, from the gap rows of section 2.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from baozufang_cli.facts.periods import Period, PeriodKind
from baozufang_cli.facts.project import project_progress
from baozufang_cli.reports.filters import Filters
from baozufang_cli.reports.forecast import forecast_report
from baozufang_cli.reports.gap import gap_report, missing_targets_line
from baozufang_cli.reports.lights import lights_report
from baozufang_cli.reports.overdue import overdue_report, project_identity
from baozufang_cli.reports.periodic_sections import (
    next_section,
    problems_section,
    ranking_section,
)
from baozufang_cli.reports.value import Column, Report, Table

if TYPE_CHECKING:
    from baozufang_cli.ledger.registry import Ledger

MEETINGS: dict[PeriodKind, str] = {"week": "周调度", "month": "月督导", "quarter": "季评估", "year": "年考核"}
SECTIONS = {
    "progress": "一、本期进展",
    "cumulative": "二、累计完成",
    "lights": "三、红黄绿灯",
    "overdue": "四、滞后项目",
    "problems": "五、问题清单",
    "next": "六、下期计划",
    "ranking": "七、区县排名",
}
PRIMARY = "overdue"  # the section CSV writes: the list the meeting hands to responsible units
COUNTS = ("started_projects", "started_units", "delivered_projects", "delivered_units", "milestones")


def period_data(period: Period) -> dict[str, Any]:
    return {"kind": period.kind, "label": period.label, "title": period.chinese,
            "start": period.start, "end": period.end}  # fmt: skip


def _zero() -> dict[str, Any]:
    return dict.fromkeys(COUNTS, 0)


def _progress_section(
    ledger: Ledger, period: Period, as_of: date, filters: Filters
) -> tuple[dict[str, Any], list[Table]]:
    """Milestones completed in [period.start, as_of]; projects started and delivered in it."""
    registry = ledger.registry
    by_district = {d: _zero() for d in registry.districts if not filters.districts or d in filters.districts}
    by_type = {t: _zero() for t in registry.supply_types if not filters.types or t in filters.types}
    total = _zero()
    milestones: list[dict[str, Any]] = []
    for project in ledger.valid_projects():
        if not filters.matches(project):
            continue
        progress = project_progress(registry, project, as_of)
        counters = (by_district.setdefault(project.district, _zero()), by_type[project.supply_type], total)
        for state in progress.milestones:
            if state.actual is None or state.actual < period.start:
                continue  # done before the period (or not done as of D)
            marks = []
            if state.name == progress.start_name:
                marks.append("启动建设")
            if state.name == progress.delivered_name:
                marks.append("建成交付")
            milestones.append({
                **project_identity(project, registry),
                "units": project.units,
                "milestone": state.name,
                "planned": state.planned,
                "actual": state.actual,
                "days_late": state.days_late,
                "started": state.name == progress.start_name,
                "delivered": state.name == progress.delivered_name,
                "mark": "、".join(marks) or None,
            })  # fmt: skip
            for counts in counters:
                counts["milestones"] += 1
                if state.name == progress.start_name:
                    counts["started_projects"] += 1
                    counts["started_units"] += project.units
                if state.name == progress.delivered_name:
                    counts["delivered_projects"] += 1
                    counts["delivered_units"] += project.units
    order = registry.district_order
    milestones.sort(key=lambda r: (r["actual"], order[r["district"]], r["project_id"],
                                   registry.milestone_order(r["supply_type"])[r["milestone"]]))  # fmt: skip
    district_rows = [{"district": d, **c} for d, c in sorted(by_district.items(), key=lambda i: order[i[0]])]
    type_rows = [
        {"supply_type": t, "supply_type_label": registry.supply_types[t].label, **c}
        for t, c in sorted(by_type.items(), key=lambda i: registry.type_order[i[0]])
    ]
    count_columns = [
        Column("started_projects", "项目", "int", group="本期启动"),
        Column("started_units", "套数", "int", group="本期启动"),
        Column("delivered_projects", "项目", "int", group="本期交付"),
        Column("delivered_units", "套数", "int", group="本期交付"),
        Column("milestones", "完成节点", "int"),
    ]
    section = SECTIONS["progress"]
    span = f"{period.start.isoformat()} 至 {as_of.isoformat()}"
    tables = [
        Table("本期启动与交付（按区县）", [Column("district", "区县"), *count_columns], district_rows,
              total={"district": "合计", **total}, section=section,
              notes=[f"本期：{span}；启动、交付以启动建设、建成交付节点的实际日期计"]),
        Table("本期启动与交付（按筹集方式）", [Column("supply_type_label", "筹集方式"), *count_columns],
              type_rows, total={"supply_type_label": "合计", **total}, section=section),
        Table("本期完成的节点", [
            Column("actual", "完成日期", "date"),
            Column("project_id", "项目编号", "code"),
            Column("project_name", "项目名称"),
            Column("district", "区县", optional=1),
            Column("supply_type_short", "筹集方式", optional=3),
            Column("milestone", "节点"),
            Column("mark", "标志"),
            Column("units", "套数", "int"),
            Column("planned", "计划日期", "date", optional=2),
            Column("days_late", "晚于计划天数", "int", optional=4),
        ], milestones, section=section,
              flags={i: {"done"} for i, r in enumerate(milestones) if r["delivered"]},
              notes=[f"本期完成节点 {len(milestones)} 个"]),
    ]  # fmt: skip
    data = {"from": period.start, "to": as_of, "by_district": district_rows, "by_type": type_rows,
            "total": total, "milestones": milestones}  # fmt: skip
    return data, tables


def _overdue_section(
    ledger: Ledger, period: Period, as_of: date, filters: Filters
) -> tuple[dict[str, Any], list[Table]]:
    """Projects with overdue milestones as of D (the rows of ``bzf overdue``), worst first."""
    base = overdue_report(ledger, as_of, filters).data
    projects: dict[str, dict[str, Any]] = {}
    for row in base["rows"]:  # sorted by days overdue, worst first
        newly = period.contains(row["planned"])
        milestone = {**row, "new": newly}
        entry = projects.get(row["project_id"])
        if entry is None:
            entry = projects[row["project_id"]] = {
                "project_id": row["project_id"],
                "project_name": row["project_name"],
                "district": row["district"],
                "supply_type": row["supply_type"],
                "supply_type_label": row["supply_type_label"],
                "responsible_unit": row["responsible_unit"],
                "max_days_overdue": row["days_overdue"],
                "new": False,
                "milestones": [],
            }
        entry["milestones"].append(milestone)
        entry["new"] = entry["new"] or newly
    rows = list(projects.values())
    for row in rows:
        row["milestones"].sort(key=lambda m: m["planned"])
        row["overdue_text"] = "、".join(f"{m['milestone']} {m['days_overdue']}天" for m in row["milestones"])
        row["new_text"] = "、".join(m["milestone"] for m in row["milestones"] if m["new"]) or None
    count = base["overdue_count"]
    new_count = sum(m["new"] for row in rows for m in row["milestones"])
    notes = [
        f"滞后项目 {len(rows)} 个，逾期节点 {count} 个，其中本期新增 {new_count} 个"
        if rows else "没有逾期节点",
        "本期新增：计划日期在本期内、截至统计日仍未完成的节点",
    ]  # fmt: skip
    table = Table("逾期节点（按项目）", [
        Column("project_id", "项目编号", "code"),
        Column("project_name", "项目名称"),
        Column("district", "区县", optional=1),
        Column("overdue_text", "逾期节点（天数）"),
        Column("max_days_overdue", "最长逾期天数", "int", optional=2),
        Column("new_text", "本期新增"),
        Column("responsible_unit", "责任单位"),
    ], rows, section=SECTIONS["overdue"], notes=notes,
        flags={i: {"overdue"} for i, r in enumerate(rows) if r["new"]})  # fmt: skip
    data = {"projects": rows, "count": count, "new_count": new_count, "project_count": len(rows),
            "by_district": base["by_district"]}  # fmt: skip
    return data, [table]


def _summary(progress: dict[str, Any], overdue: dict[str, Any], problems: dict[str, Any]) -> str:
    """One sentence for the minutes: what moved in the period, what lags, what is open."""
    return (
        f"本期启动 {progress['started_projects']} 个项目 {progress['started_units']:,} 套，"
        f"交付 {progress['delivered_projects']} 个项目 {progress['delivered_units']:,} 套，"
        f"完成节点 {progress['milestones']} 个；滞后项目 {overdue['project_count']} 个"
        f"（逾期节点 {overdue['count']} 个，本期新增 {overdue['new_count']} 个）；"
        f"问题本期新增 {problems['opened']} 个、办结 {problems['closed']} 个，"
        f"未办结 {problems['open']} 个（逾期 {problems['overdue']} 个）"
    )


def periodic_report(ledger: Ledger, period: Period, as_of: date, filters: Filters | None = None) -> Report:
    """The report of ``period`` as of ``as_of`` (which must lie inside the period)."""
    if not period.contains(as_of):
        raise ValueError(f"as_of {as_of} outside {period.label}")
    filters = filters or Filters()
    upcoming = period.next()
    progress, progress_tables = _progress_section(ledger, period, as_of, filters)
    gap = gap_report(ledger, as_of, [as_of.year], filters)
    for table in gap.tables:
        table.section = SECTIONS["cumulative"]
    lights = lights_report(ledger, as_of, as_of.year, filters)
    expected = forecast_report(ledger, as_of, as_of.year, filters)
    lights_tables = [*lights.tables, expected.tables[1]]
    for table in lights_tables:
        table.section = SECTIONS["lights"]
    overdue, overdue_tables = _overdue_section(ledger, period, as_of, filters)
    problems, problem_tables = problems_section(ledger, period, as_of, filters, SECTIONS["problems"])
    plan, plan_tables = next_section(ledger, upcoming, as_of, filters, SECTIONS["next"])
    ranking: list[dict[str, Any]] | None = None
    tables = [*progress_tables, *gap.tables, *lights_tables, *overdue_tables, *problem_tables, *plan_tables]
    if period.kind != "week":
        ranking, ranking_tables = ranking_section(gap.data, progress["by_district"], SECTIONS["ranking"])
        tables += ranking_tables
    meeting = MEETINGS[period.kind]
    running = "（本期尚未结束，统计至统计日）" if as_of < period.end else ""
    summary = _summary(progress["total"], overdue, problems["total"])
    subtitle = [
        f"本期：{period.chinese}，{period.span}{running}",
        f"下期：{upcoming.chinese}，{upcoming.span}",
        *filters.describe(ledger.registry),
        f"概况：{summary}",
        *([line] if (line := missing_targets_line(ledger.targets, [as_of.year])) else []),
    ]
    primary = next(i for i, t in enumerate(tables) if t.section == SECTIONS[PRIMARY])
    return Report(
        title=f"{ledger.targets.city}保障性租赁住房{meeting}报告（{period.chinese}）",
        as_of=as_of,
        ledger=ledger.name,
        tables=tables,
        data={
            "kind": period.kind,
            "meeting": meeting,
            "summary": summary,
            "as_of": as_of.isoformat(),
            "period": period_data(period),
            "next_period": period_data(upcoming),
            "progress": progress,
            "cumulative": gap.data,
            "lights": {k: v for k, v in lights.data.items() if k != "as_of"},
            "forecast": {k: v for k, v in expected.data.items() if k != "as_of"},
            "overdue": overdue,
            "problems": problems,
            "next": plan,
            "ranking": ranking,
        },
        subtitle=subtitle,
        primary_index=primary,
    )
