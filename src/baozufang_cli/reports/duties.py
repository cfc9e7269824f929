"""``bzf duties``: 责任清单 / 督办单 — every item someone owes, grouped by the unit that owes it.

As of D, with a window of ``within`` days (docs/commands/duties.md):

* ``milestone_overdue`` — a milestone planned before D and not done as of D; owed by the project's
  责任单位; ``days`` = D − planned (positive);
* ``milestone_due`` — not done, planned in [D, D + within]; ``days`` = −(planned − D) (0 or negative);
* ``problem_overdue`` — a problem open as of D past its deadline (due < D); owed by its 责任部门;
* ``problem_due`` — a problem open as of D with its deadline in [D, D + within];
* ``red_project`` — a red-light project (``bzf lights``), owed by its 责任单位; ``due`` is the
  planned date of its most overdue open milestone, ``days`` its days overdue.

Rows sort by unit, then most overdue first. ``duty_sheets`` cuts the report into one 督办单 per unit.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from baozufang_cli.facts.pace import project_light
from baozufang_cli.facts.project import project_progress
from baozufang_cli.reports.filters import Filters
from baozufang_cli.reports.value import Column, Report, Table

if TYPE_CHECKING:
    from baozufang_cli.ledger.registry import Ledger

NO_UNIT = "（未填责任单位）"
KINDS = ("milestone_overdue", "milestone_due", "problem_overdue", "problem_due", "red_project")
KIND_LABELS = {
    "milestone_overdue": "节点逾期",
    "milestone_due": "节点将到期",
    "problem_overdue": "问题逾期",
    "problem_due": "问题将到期",
    "red_project": "红灯项目",
}
KIND_FLAGS = {"milestone_overdue": "overdue", "problem_overdue": "overdue", "red_project": "overdue",
              "milestone_due": "upcoming", "problem_due": "upcoming"}  # fmt: skip
SIGNATURE = "责任单位（盖章）：____________　负责人签字：__________　日期：____年__月__日"


def _unit(text: str | None) -> str:
    return text.strip() if text and text.strip() else NO_UNIT


def duty_rows(
    ledger: Ledger, as_of: date, within: int = 7, filters: Filters | None = None
) -> list[dict[str, Any]]:
    """The JSON ``rows`` of ``bzf duties`` (every unit), sorted by unit, then most overdue first."""
    filters = filters or Filters()
    registry = ledger.registry
    thresholds = registry.criteria.lights
    horizon = as_of + timedelta(days=within)
    rows: list[dict[str, Any]] = []

    def add(unit: str, kind: str, project_id: str, project: str, item: str, due: date) -> None:
        rows.append({"unit": unit, "kind": kind, "project_id": project_id, "project": project,
                     "item": item, "due": due, "days": (as_of - due).days})  # fmt: skip

    for project in ledger.valid_projects():
        if not filters.matches(project):
            continue
        progress = project_progress(registry, project, as_of)
        owner = _unit(project.responsible_unit)
        for state in progress.milestones:
            if state.overdue:
                assert state.planned is not None
                add(owner, "milestone_overdue", project.id, project.name, state.name, state.planned)
            elif state.due_within(within):
                assert state.planned is not None
                add(owner, "milestone_due", project.id, project.name, state.name, state.planned)
        for problem_state in progress.open_problems:
            problem = problem_state.problem
            if problem.due is None:
                continue
            item = f"{problem.id} {problem.text}"
            if problem.due < as_of:
                add(_unit(problem.department), "problem_overdue", project.id, project.name, item, problem.due)
            elif problem.due <= horizon:
                add(_unit(problem.department), "problem_due", project.id, project.name, item, problem.due)
        pace = project_light(progress, thresholds)
        if pace.light == "red":
            item = f"{pace.milestone}逾期 {pace.days_overdue} 天"
            add(
                owner,
                "red_project",
                project.id,
                project.name,
                item,
                as_of - timedelta(days=pace.days_overdue),
            )
    rows.sort(
        key=lambda r: (
            r["unit"] == NO_UNIT,
            r["unit"],
            -r["days"],
            r["project_id"],
            KINDS.index(r["kind"]),
            r["item"],
        )
    )
    return rows


COLUMNS = [
    Column("kind_label", "类别"),
    Column("project_id", "项目编号", "code"),
    Column("project", "项目名称", screen=False),
    Column("item", "事项"),
    Column("due", "期限", "date"),
    Column("days", "天数", "int"),
]


# a 督办单 is read on paper: the project's name beside its id
SHEET_COLUMNS = [Column("project", "项目名称") if c.key == "project" else c for c in COLUMNS]


def _unit_table(
    unit: str, rows: list[dict[str, Any]], notes: list[str], columns: list[Column] = COLUMNS
) -> Table:
    shown = [{**r, "kind_label": KIND_LABELS[r["kind"]]} for r in rows]
    flags = {i: {KIND_FLAGS[r["kind"]]} for i, r in enumerate(rows)}
    return Table(f"{unit}（{len(rows)} 项）", columns, shown, flags=flags, notes=notes)


def resolve_unit(ledger: Ledger, unit: str) -> str:
    """``--unit``: a 责任单位 or 责任部门 the ledger knows, or the one name containing it; else a usage error."""
    import difflib

    from baozufang_cli.errors import UsageError

    known = {_unit(p.responsible_unit) for p in ledger.valid_projects()}
    known |= {_unit(problem.department) for p in ledger.valid_projects() for problem in p.problems}
    if unit in known:
        return unit
    containing = [name for name in sorted(known) if unit in name]
    if len(containing) == 1:
        return containing[0]
    close = containing or difflib.get_close_matches(unit, sorted(known), 3, 0.4)
    hint = (
        f"是否指：{'、'.join(close[:5])}"
        if close
        else "责任单位取自项目的 responsible_unit 和问题的 department"
    )
    if len(containing) > 1:
        raise UsageError(f"有多个责任单位含“{unit}”", f"请写全称：{'、'.join(containing[:5])}")
    raise UsageError(f"台账中没有责任单位 {unit}", hint)


def duties_report(
    ledger: Ledger, as_of: date, within: int = 7, filters: Filters | None = None, unit: str | None = None
) -> Report:
    filters = filters or Filters()
    rows = duty_rows(ledger, as_of, within, filters)
    if unit is not None:
        unit = resolve_unit(ledger, unit.strip())
        rows = [r for r in rows if r["unit"] == unit]
    units = list(dict.fromkeys(r["unit"] for r in rows))
    tables = [_unit_table(name, [r for r in rows if r["unit"] == name], []) for name in units]
    summary = [
        f"{KIND_LABELS[kind]} {count} 项" for kind in KINDS if (count := sum(r["kind"] == kind for r in rows))
    ]
    notes = [
        f"{len(units)} 个责任单位、{len(rows)} 项：" + "，".join(summary) if rows else "没有待办事项",
        "天数：正数为已逾期天数，负数为剩余天数（0 为今天到期）",
        f"将到期：{within} 天内（{as_of.isoformat()} 至 {(as_of + timedelta(days=within)).isoformat()}）到期",
    ]
    if tables:
        tables[-1].notes = notes
    else:
        tables = [Table("责任清单", COLUMNS, [], notes=notes)]
    subtitle = [*filters.describe(ledger.registry)]
    if unit is not None:
        subtitle.append(f"责任单位：{unit}")
    return Report.as_of_day(
        "责任清单",
        ledger.name,
        as_of,
        tables,
        {"within": within, "rows": rows},
        subtitle=subtitle,
    )


def duty_sheets(report: Report) -> list[tuple[str, Report]]:
    """One 督办单 per unit of a ``duties_report``: its items, as of the report's day, and a signature line."""
    assert report.as_of is not None
    within = report.data["within"]
    sheets = []
    for unit in dict.fromkeys(r["unit"] for r in report.data["rows"]):
        rows = [r for r in report.data["rows"] if r["unit"] == unit]
        notes = [
            "天数：正数为已逾期天数，负数为剩余天数（0 为今天到期）",
            f"将到期：{within} 天内到期。请于期限前办结，并将办理情况报送。",
            "",
            SIGNATURE,
        ]
        table = _unit_table("督办事项", rows, notes, SHEET_COLUMNS)
        sheet = Report.as_of_day(
            f"督办单：{unit}", report.ledger, report.as_of, [table], {"within": within, "rows": rows}
        )
        sheets.append((unit, sheet))
    return sheets


_UNSAFE = str.maketrans({c: "_" for c in '/\\:*?"<>|'})


def sheet_file_names(units: list[str]) -> list[str]:
    """A file name per unit (``<unit>.md``), safe on every system and distinct even when names clash."""
    names: list[str] = []
    taken: set[str] = set()
    for unit in units:
        stem = "".join(c for c in unit.translate(_UNSAFE) if c.isprintable()).strip(" .") or "未填责任单位"
        stem = stem.lstrip("-")[:80] or "未填责任单位"
        name, n = f"督办单-{stem}.md", 2
        while name.casefold() in taken:
            name, n = f"督办单-{stem}-{n}.md", n + 1
        taken.add(name.casefold())
        names.append(name)
    return names
