"""``bzf funding``: investment, sources planned and received, gaps, and where money lags work.

Gaps are computed per project (per source for arrival) and then added up, so money arranged
beyond one project's needs never hides another project's shortfall:

* funding gap (资金缺口) = max(0, total_wan − Σ planned_wan)
* arrival gap (未到位资金) = Σ over sources of max(0, planned_wan − received_wan)

Amounts are 万元, rounded to two decimals only when they leave this module. Money whose receipt
date (``received_on``) is after the as-of day had not arrived then and counts 0
(``facts.project.funding_as_of``).
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date
from typing import Any, Literal

from baozufang_cli.facts.project import project_funding_as_of
from baozufang_cli.facts.records import Funding, Project
from baozufang_cli.ledger.registry import Ledger
from baozufang_cli.reports.filters import Filters
from baozufang_cli.reports.value import Column, Highlight, Report, Table, ratio

By = Literal["district", "year", "type", "source"]
CENTRAL_SUBSIDY = "中央补助资金"
AMOUNTS = ("total_wan", "completed_wan", "planned_wan", "received_wan", "funding_gap_wan", "arrival_gap_wan")
SOURCE_AMOUNTS = ("planned_wan", "received_wan", "arrival_gap_wan")
CENT = 0.005
MAX_LISTED_IDS = 5  # a note longer than a terminal line wraps badly


def money(amount: float) -> float:
    return round(amount + 0.0, 2)  # + 0.0 turns -0.0 into 0.0


def project_amounts(funding: Funding) -> dict[str, float]:
    planned = sum(s.planned_wan for s in funding.sources)
    return {
        "total_wan": funding.total_wan,
        "completed_wan": funding.completed_wan or 0.0,
        "planned_wan": planned,
        "received_wan": sum(s.received_wan for s in funding.sources),
        "funding_gap_wan": max(0.0, funding.total_wan - planned),
        "arrival_gap_wan": sum(max(0.0, s.planned_wan - s.received_wan) for s in funding.sources),
    }


def _zero() -> dict[str, Any]:
    return {"projects": 0, "funded_projects": 0, **dict.fromkeys(AMOUNTS, 0.0)}


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    for key in AMOUNTS:
        row[key] = money(row[key])
    row["received_pct"] = ratio(row["received_wan"], row["planned_wan"])
    return row


def _zero_source() -> dict[str, Any]:
    return {"projects": 0, **dict.fromkeys(SOURCE_AMOUNTS, 0.0)}


def _finish_source(row: dict[str, Any]) -> dict[str, Any]:
    for key in SOURCE_AMOUNTS:
        row[key] = money(row[key])
    row["received_pct"] = ratio(row["received_wan"], row["planned_wan"])
    return row


def funding_report(
    ledger: Ledger, as_of: date, by: By = "district", filters: Filters | None = None
) -> Report:
    filters = filters or Filters()
    registry = ledger.registry
    projects = [project_funding_as_of(p, as_of) for p in ledger.valid_projects() if filters.matches(p)]

    groups: dict[Hashable, dict[str, Any]] = {}
    if by == "district":
        groups = {
            name: _zero() for name in registry.districts if not filters.districts or name in filters.districts
        }
    elif by == "type":
        groups = {key: _zero() for key in registry.supply_types if not filters.types or key in filters.types}
    sources = {kind: _zero_source() for kind in registry.criteria.funding_kinds}
    total = _zero()
    unfunded: list[str] = []
    for project in projects:
        key: Hashable = {
            "district": project.district,
            "year": project.plan_year,
            "type": project.supply_type,
        }.get(by, "")
        row = groups.setdefault(key, _zero()) if by != "source" else None
        for counts in (row, total):
            if counts is not None:
                counts["projects"] += 1
        if project.funding is None:
            unfunded.append(project.id)
            continue
        amounts = project_amounts(project.funding)
        for counts in (row, total):
            if counts is not None:
                counts["funded_projects"] += 1
                for name, amount in amounts.items():
                    counts[name] += amount
        for kind in dict.fromkeys(s.kind for s in project.funding.sources):
            sources.setdefault(kind, _zero_source())["projects"] += 1
        for source in project.funding.sources:
            entry = sources[source.kind]
            entry["planned_wan"] += source.planned_wan
            entry["received_wan"] += source.received_wan
            entry["arrival_gap_wan"] += max(0.0, source.planned_wan - source.received_wan)

    source_rows = [{"kind": kind, **_finish_source(entry)} for kind, entry in sources.items()]
    total = _finish(total)
    summary = _summary_table(ledger, by, groups, source_rows, total, unfunded)
    ahead = _completed_ahead(ledger, projects)
    central = _central_subsidy(ledger, projects)
    tables = [summary]
    if by != "source":
        tables.append(_sources_table(source_rows, total))
    tables += [ahead[0], central[0]]
    return Report.as_of_day(
        "资金筹措与到位情况",
        ledger.name,
        as_of,
        tables,
        {
            "by": by,
            "rows": source_rows if by == "source" else summary.rows,
            "total": total,
            "sources": source_rows,
            "completed_ahead": ahead[1],
            "central_subsidy": central[1],
            "unfunded_projects": unfunded,
        },
        subtitle=[*filters.describe(registry), "金额单位：万元"],
        primary_index=0,
    )


RECEIVED_PCT = Column("received_pct", "到位率", "pct", ratio_of=("received_wan", "planned_wan"))
AMOUNT_COLUMNS = [
    Column("total_wan", "总投资", "money", sums=True),
    Column("completed_wan", "累计完成投资", "money", sums=True),
    # on screen 计划资金 (= 总投资 − 资金缺口) gives way so long district names fit 120 columns
    Column("planned_wan", "计划资金", "money", screen=False, sums=True),
    Column("funding_gap_wan", "资金缺口", "money", sums=True),
    Column("received_wan", "到位资金", "money", sums=True),
    RECEIVED_PCT,
    Column("arrival_gap_wan", "未到位资金", "money", sums=True),
]
SOURCE_COLUMNS = [
    Column("kind", "资金来源"),
    Column("projects", "项目数", "int"),  # not additive: a project may have several sources
    Column("planned_wan", "计划资金", "money", sums=True),
    Column("received_wan", "到位资金", "money", sums=True),
    RECEIVED_PCT,
    Column("arrival_gap_wan", "未到位资金", "money", sums=True),
]


def _summary_table(
    ledger: Ledger,
    by: By,
    groups: dict[Hashable, dict[str, Any]],
    source_rows: list[dict[str, Any]],
    total: dict[str, Any],
    unfunded: list[str],
) -> Table:
    registry = ledger.registry
    notes = []
    if unfunded:
        shown = "、".join(unfunded[:MAX_LISTED_IDS]) + ("等" if len(unfunded) > MAX_LISTED_IDS else "")
        notes.append(f"{len(unfunded)} 个项目未填写资金信息，未计入：{shown}")
    if by == "source":
        source_total = {"kind": "合计", "projects": None, **{k: total[k] for k in SOURCE_AMOUNTS}}
        source_total["received_pct"] = total["received_pct"]
        return Table("资金汇总（按资金来源）", SOURCE_COLUMNS, source_rows, source_total, notes=notes)
    if by == "district":
        keys = sorted(groups, key=lambda k: registry.district_order[str(k)])
        rows = [{"district": k, **_finish(groups[k])} for k in keys]
        group_column, title = Column("district", "区县"), "资金汇总（按区县）"
    elif by == "year":
        keys = sorted(groups, key=lambda k: int(str(k)))
        rows = [{"year": k, **_finish(groups[k])} for k in keys]
        group_column, title = Column("year", "计划年度", "text"), "资金汇总（按计划年度）"
    else:
        keys = sorted(groups, key=lambda k: registry.type_order[str(k)])
        rows = [
            {"supply_type": k, "supply_type_label": registry.supply_types[str(k)].label, **_finish(groups[k])}
            for k in keys
        ]
        group_column, title = Column("supply_type_label", "筹集方式"), "资金汇总（按筹集方式）"
    columns = [group_column, Column("funded_projects", "项目数", "int", sums=True), *AMOUNT_COLUMNS]
    return Table(title, columns, rows, {group_column.key: "合计", **total}, notes=notes)


def _sources_table(source_rows: list[dict[str, Any]], total: dict[str, Any]) -> Table:
    source_total = {
        "kind": "合计",
        "projects": None,
        **{k: total[k] for k in (*SOURCE_AMOUNTS, "received_pct")},
    }
    return Table("按资金来源", SOURCE_COLUMNS, source_rows, source_total)


def _completed_ahead(ledger: Ledger, projects: list[Project]) -> tuple[Table, list[dict[str, Any]]]:
    """Projects whose completed investment exceeds the money received: bills that may go unpaid."""
    rows: list[dict[str, Any]] = []
    for project in projects:
        funding = project.funding
        if funding is None or funding.completed_wan is None:
            continue
        received = sum(s.received_wan for s in funding.sources)
        if funding.completed_wan > received + CENT:
            rows.append(
                {
                    "id": project.id,
                    "name": project.name,
                    "district": project.district,
                    "supply_type": project.supply_type,
                    "total_wan": money(funding.total_wan),
                    "completed_wan": money(funding.completed_wan),
                    "received_wan": money(received),
                    "ahead_wan": money(funding.completed_wan - received),
                }
            )
    rows.sort(key=lambda r: (-r["ahead_wan"], r["id"]))
    columns = [
        Column("id", "项目编号"),
        Column("name", "项目名称"),
        Column("district", "区县", screen=False),
        Column("completed_wan", "累计完成投资", "money", sums=True),
        Column("received_wan", "到位资金", "money", sums=True),
        Column("ahead_wan", "完成超到位", "money", sums=True),
    ]
    flags = {i: {"shortfall"} for i in range(len(rows))}
    total = None
    if rows:
        total = {
            "id": "合计",
            **{
                k: money(sum(r[k] for r in rows))
                for k in ("total_wan", "completed_wan", "received_wan", "ahead_wan")
            },
        }
    highlight = (Highlight("shortfall", "ahead_wan", above=0),)
    table = Table("累计完成投资超过到位资金的项目", columns, rows, total, flags, highlights=highlight)
    if not rows:
        table.notes.append("没有完成投资超过到位资金的项目")
    return table, rows


def _central_subsidy(ledger: Ledger, projects: list[Project]) -> tuple[Table, list[dict[str, Any]]]:
    """Every 中央补助资金 source, listed per district (the applications the city tracks)."""
    order = ledger.registry.district_order
    by_district: dict[str, list[dict[str, Any]]] = {}
    for project in projects:
        if project.funding is None:
            continue
        for source in project.funding.sources:
            if source.kind != CENTRAL_SUBSIDY:
                continue
            by_district.setdefault(project.district, []).append(
                {
                    "id": project.id,
                    "name": project.name,
                    "supply_type": project.supply_type,
                    "planned_wan": money(source.planned_wan),
                    "received_wan": money(source.received_wan),
                    "arrival_gap_wan": money(max(0.0, source.planned_wan - source.received_wan)),
                    "note": source.note,
                }
            )
    groups: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    for district in sorted(by_district, key=order.__getitem__):
        applications = sorted(by_district[district], key=lambda a: a["id"])
        sums = {k: money(sum(a[k] for a in applications)) for k in SOURCE_AMOUNTS}
        groups.append(
            {
                "district": district,
                "projects": len({a["id"] for a in applications}),
                **sums,
                "received_pct": ratio(sums["received_wan"], sums["planned_wan"]),
                "applications": applications,
            }
        )
        rows += [{"district": district, **a} for a in applications]
    columns = [
        Column("district", "区县"),
        Column("id", "项目编号"),
        Column("name", "项目名称"),
        Column("planned_wan", "申请（计划）", "money", sums=True),
        Column("received_wan", "已到位", "money", sums=True),
        Column("arrival_gap_wan", "未到位", "money", sums=True),
    ]
    if any(r["note"] for r in rows):
        columns.append(Column("note", "说明"))
    total = (
        {"district": "合计", **{k: money(sum(r[k] for r in rows)) for k in SOURCE_AMOUNTS}} if rows else None
    )
    flags = {i: {"warning"} for i, r in enumerate(rows) if r["arrival_gap_wan"] > 0}
    highlight = (Highlight("warning", "arrival_gap_wan", above=0),)
    table = Table(f"{CENTRAL_SUBSIDY}申请（按区县）", columns, rows, total, flags, highlights=highlight)
    if not rows:
        table.notes.append(f"没有{CENTRAL_SUBSIDY}")
    return table, groups
