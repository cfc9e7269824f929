"""Sections 4–6 of the periodic report (``periodic.py``): problems, next period, district ranking."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from baozufang_cli.facts.periods import Period
from baozufang_cli.reports.filters import Filters
from baozufang_cli.reports.overdue import overdue_report
from baozufang_cli.reports.problems import CLOSED, OVERDUE, problem_rows
from baozufang_cli.reports.value import Column, Table

if TYPE_CHECKING:
    from baozufang_cli.ledger.registry import Ledger

PROBLEM_COUNTS = ("opened", "closed", "open", "overdue")


def problems_section(
    ledger: Ledger, period: Period, as_of: date, filters: Filters, section: str
) -> tuple[dict[str, Any], list[Table]]:
    """Problems raised or closed in [period.start, as_of], and those overdue as of ``as_of``."""
    rows = []
    for row in problem_rows(ledger, as_of, filters):
        opened = row["raised"] >= period.start  # raised ≤ as_of: the problem exists
        closed = row["state"] == CLOSED and row["closed"] >= period.start
        overdue = row["state"] == OVERDUE
        situation = [
            label for flag, label in ((opened, "本期新增"), (closed, "本期办结"), (overdue, "逾期")) if flag
        ]
        rows.append({**row, "opened_in_period": opened, "closed_in_period": closed,
                     "situation": "、".join(situation) or None})  # fmt: skip

    def counts(group: list[dict[str, Any]]) -> dict[str, int]:
        return {
            "opened": sum(r["opened_in_period"] for r in group),
            "closed": sum(r["closed_in_period"] for r in group),
            "open": sum(r["state"] != CLOSED for r in group),
            "overdue": sum(r["state"] == OVERDUE for r in group),
        }

    by_department = []
    for name in sorted({r["department"] for r in rows}):
        tally = counts([r for r in rows if r["department"] == name])
        if any(tally.values()):  # a department with nothing open and nothing this period is not news
            by_department.append({"department": name, **tally})
    by_department.sort(key=lambda d: (-d["overdue"], -d["open"], -d["opened"], d["department"]))
    total = counts(rows)
    order = ledger.registry.district_order
    listed = sorted(
        (r for r in rows if r["situation"]),
        key=lambda r: (r["state"] != OVERDUE, -(r["days_overdue"] or 0), not r["opened_in_period"],
                       r["raised"], order[r["district"]], r["project_id"], r["problem_id"]),
    )  # fmt: skip
    summary = Table("按责任部门", [
        Column("department", "责任部门"),
        Column("opened", "本期新增", "int"),
        Column("closed", "本期办结", "int"),
        Column("open", "未办结", "int"),
        Column("overdue", "其中逾期", "int"),
    ], by_department, total={"department": "合计", **total}, section=section,
        notes=["未办结、逾期为截至统计日的数；本期新增、本期办结按提出日期、办结日期计"])  # fmt: skip
    listing = Table("本期新增、办结和逾期的问题", [
        Column("situation", "情况"),
        Column("project_id", "项目编号", "code"),
        Column("project_name", "项目名称", optional=2),
        Column("district", "区县", optional=1),
        Column("text", "问题"),
        Column("department", "责任部门"),
        Column("raised", "提出日期", "date"),
        Column("due", "办结时限", "date"),
        Column("closed", "办结日期", "date"),
        Column("days_overdue", "逾期天数", "int"),
    ], listed, section=section,
        flags={i: {"overdue"} for i, r in enumerate(listed) if r["state"] == OVERDUE})  # fmt: skip
    data = {"by_department": by_department, "total": total, "rows": listed}
    return data, [summary, listing]


def next_section(
    ledger: Ledger, upcoming: Period, as_of: date, filters: Filters, section: str
) -> tuple[dict[str, Any], list[Table]]:
    """Milestones not done and open problems due in [as_of, end of the next period]."""
    within = (upcoming.end - as_of).days
    milestones = [
        r for r in overdue_report(ledger, as_of, filters, within=within).data["rows"] if r["upcoming"]
    ]
    problems = [
        r
        for r in problem_rows(ledger, as_of, filters)
        if r["state"] != CLOSED and r["due"] is not None and as_of <= r["due"] <= upcoming.end
    ]
    items = [
        {"kind": "milestone", "kind_label": "节点", "due": r["planned"], "project_id": r["project_id"],
         "project_name": r["project_name"], "district": r["district"], "item": r["milestone"],
         "responsible": r["responsible_unit"]}
        for r in milestones
    ] + [
        {"kind": "problem", "kind_label": "问题", "due": r["due"], "project_id": r["project_id"],
         "project_name": r["project_name"], "district": r["district"], "item": r["text"],
         "responsible": r["department"]}
        for r in problems
    ]  # fmt: skip
    order = ledger.registry.district_order
    items.sort(key=lambda r: (r["due"], order[r["district"]], r["project_id"], r["kind"]))
    table = Table(f"统计日至{upcoming.chinese}末到期的事项", [
        Column("due", "到期日期", "date"),
        Column("kind_label", "类型"),
        Column("project_id", "项目编号", "code"),
        Column("project_name", "项目名称", optional=2),
        Column("district", "区县", optional=1),
        Column("item", "节点或问题"),
        Column("responsible", "责任单位"),
    ], items, section=section, notes=[
        f"{as_of.isoformat()} 至 {upcoming.end.isoformat()} 计划完成的节点 {len(milestones)} 个、"
        f"到期的问题 {len(problems)} 个；节点的责任单位为项目责任单位，问题为责任部门",
    ])  # fmt: skip
    data = {"from": as_of, "to": upcoming.end, "milestones": milestones, "problems": problems}
    return data, [table]


def _share(row: dict[str, Any], metric: str) -> float | None:
    target = row[f"{metric}_target"]
    return row[f"{metric}_actual"] / target if target else None


def _rank_key(row: dict[str, Any]) -> tuple[bool, float, bool, float]:
    delivered, started = _share(row, "delivered"), _share(row, "started")
    return delivered is None, -(delivered or 0.0), started is None, -(started or 0.0)


def ranking_section(
    gap_data: dict[str, Any], period_by_district: list[dict[str, Any]], section: str
) -> tuple[list[dict[str, Any]], list[Table]]:
    """Districts with a target ranked by delivered %, then started % (ties share a rank)."""
    period_counts = {row["district"]: row for row in period_by_district}
    by_district: dict[str, dict[str, Any]] = {}
    for row in gap_data["rows"]:  # in registry order, one row per district and metric
        entry = by_district.setdefault(row["district"], {"district": row["district"], "year": row["year"]})
        for measure in ("target", "actual", "pct"):
            entry[f"{row['metric']}_{measure}"] = row[measure]
    rows = sorted(by_district.values(), key=_rank_key)  # stable: ties keep the registry order
    previous: tuple[bool, float, bool, float] | None = None
    for position, row in enumerate(rows, start=1):
        key = _rank_key(row)
        row["rank"] = position if key != previous else rows[position - 2]["rank"]
        previous = key
        counts = period_counts.get(row["district"], {})
        row["period_started_units"] = counts.get("started_units", 0)
        row["period_delivered_units"] = counts.get("delivered_units", 0)
    year = gap_data["years"][0]
    notes = [f"按 {year} 年区县目标：先比交付完成率，再比启动完成率；完成率相同的名次相同"]
    unranked = list(dict.fromkeys(r["district"] for r in gap_data["untargeted"]))  # registry order
    if unranked:
        notes.append(f"没有 {year} 年目标、未参加排名：{'、'.join(unranked)}")
    table = Table(f"区县排名（{year} 年目标）", [
        Column("rank", "名次", "int"),
        Column("district", "区县"),
        Column("delivered_target", "目标", "int", group="交付"),
        Column("delivered_actual", "完成", "int", group="交付"),
        Column("delivered_pct", "完成率", "pct", group="交付"),
        Column("started_target", "目标", "int", group="启动"),
        Column("started_actual", "完成", "int", group="启动"),
        Column("started_pct", "完成率", "pct", group="启动"),
        Column("period_delivered_units", "交付", "int", group="本期", optional=1),
        Column("period_started_units", "启动", "int", group="本期", optional=1),
    ], rows, section=section, notes=notes)  # fmt: skip
    return rows, [table]
