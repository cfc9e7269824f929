"""``bzf gap``: units started and delivered against the city and district targets (锁定目标).

District target ``(district, year)``, for each metric (``started`` / ``delivered``):

* ``actual`` — units of the district's projects whose milestone for the metric is done as of D
  with its actual date in ``year``;
* ``projected`` — ``actual`` plus the units of projects not done as of D whose *planned* date
  falls in ``year``; once ``year`` is over (D ≥ 31 Dec) nothing can still land in it, so
  ``projected = actual``;
* ``gap = target − actual``, ``projected_gap = target − projected`` (signed), ``pct = actual / target``;
  a row is a ``shortfall`` when ``projected_gap > 0``: the pipeline cannot close the gap.

City target: ``actual`` = units (of projects carrying the target's ``tag``) whose milestone is
done on or before min(D, 31 Dec of the year) — within the year only when ``cumulative`` is false;
``projected`` adds the units planned by 31 Dec that are not done as of D.

Districts with projects but no target for a year are listed (JSON ``untargeted``, table rows
with target ``-``) and are not part of the 合计, which compares targets with their own districts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from baozufang_cli.facts.dates import year_end
from baozufang_cli.facts.pace import (
    LIGHT_FLAGS,
    LIGHT_LABELS,
    LIGHT_MEANINGS,
    METRICS,
    Tally,
    district_light,
    metric_state,
    tally_year,
)
from baozufang_cli.facts.project import ProjectProgress, facts_progresses
from baozufang_cli.reports.filters import Filters
from baozufang_cli.reports.forecast import forecast
from baozufang_cli.reports.value import Column, Highlight, Report, Table, ratio

if TYPE_CHECKING:
    from baozufang_cli.facts.records import CityTarget, Targets
    from baozufang_cli.ledger.registry import Ledger

TARGET_METRICS = {"started": "启动建设", "delivered": "建成交付"}
GROUP_LABELS = {"started": "启动", "delivered": "交付"}


def target_years(targets: Targets) -> list[int]:
    """Every year that has a city or district target (``--year all``)."""
    return sorted({t.year for t in targets.city_targets} | {t.year for t in targets.district_targets})


def missing_targets_line(targets: Targets, years: Iterable[int], how: str = "-y {year}") -> str | None:
    """When a chosen year has no targets, say so and name the nearest year that has them (the
    default year is the as-of year, and a plan often ends before today); ``how`` picks that year."""
    having = target_years(targets)
    missing = [year for year in years if year not in having]
    if not missing:
        return None
    listed = "、".join(str(y) for y in missing)
    if not having:
        return f"注意：{listed} 年没有目标，targets.yaml 中还没有任何年度的目标"
    nearest = min(having, key=lambda y: (abs(y - missing[0]), -y))
    return f"注意：{listed} 年没有目标；有目标的年度为 {having[0]}—{having[-1]}，最近的是 {nearest} 年（{how.format(year=nearest)}）"


def _measure(target: int | None, tally: Tally) -> dict[str, Any]:
    if target is None:
        return {"target": None, "actual": tally.actual, "gap": None, "pct": None,
                "projected": tally.projected, "projected_gap": None, "shortfall": False}  # fmt: skip
    projected_gap = target - tally.projected
    return {
        "target": target,
        "actual": tally.actual,
        "gap": target - tally.actual,
        "pct": ratio(tally.actual, target),
        "projected": tally.projected,
        "projected_gap": projected_gap,
        "shortfall": projected_gap > 0,
    }


def _city_row(target: CityTarget, progresses: list[ProjectProgress], as_of: date) -> dict[str, Any]:
    through = min(as_of, year_end(target.year))
    tally = Tally()
    for progress in progresses:
        if target.tag is not None and target.tag not in progress.project.tags:
            continue
        state = metric_state(progress, target.metric)
        if state is None:
            continue
        units = progress.project.units
        in_scope = (
            target.cumulative or state.recorded_actual is None or state.recorded_actual.year == target.year
        )
        if state.recorded_actual is not None and state.recorded_actual <= through and in_scope:
            tally.actual += units
            tally.projected += units
        elif (
            as_of < year_end(target.year)
            and not state.done
            and state.planned is not None
            and state.planned <= year_end(target.year)
            and (target.cumulative or state.planned.year == target.year)
        ):
            tally.projected += units
    return {
        "year": target.year,
        "metric": target.metric,
        "metric_label": TARGET_METRICS[target.metric],
        "tag": target.tag,
        "scope": target.tag or "全部项目",
        "cumulative": target.cumulative,
        "through": through,
        **_measure(target.units, tally),
        "note": target.note,
    }


def _unplanned(progresses: list[ProjectProgress]) -> dict[str, dict[str, Any]]:
    """Projects not done for a metric with no planned date: they count toward no projection."""
    out: dict[str, dict[str, Any]] = {}
    for metric in METRICS:
        missing = [
            p.project
            for p in progresses
            if (state := metric_state(p, metric)) is None or (not state.done and state.planned is None)
        ]
        out[metric] = {
            "projects": len(missing),
            "units": sum(p.units for p in missing),
            "project_ids": [p.id for p in missing],
        }
    return out


def district_table_row(district: str, year: int, by_metric: Mapping[Any, dict[str, Any]]) -> dict[str, Any]:
    row: dict[str, Any] = {"year": year, "district": district}
    for metric in METRICS:
        for key, value in by_metric[metric].items():
            row[f"{metric}_{key}"] = value
        light = by_metric[metric].get("light")
        row[f"{metric}_light_label"] = LIGHT_LABELS[light] if light in LIGHT_FLAGS else None
    row["elapsed_pct"] = by_metric[METRICS[0]].get("elapsed_pct")
    return row


def _supervision(
    ledger: Ledger, target: int | None, actual: int, expected: int, as_of: date, year: int
) -> dict[str, Any]:
    """序时进度, the light (bzf lights) and the year-end forecast (bzf forecast) of one district row."""
    pace = district_light(target, actual, as_of, year, ledger.registry.criteria.lights)
    return {
        "elapsed_pct": pace.elapsed_pct,
        "behind_points": pace.behind_points,
        "light": pace.light,
        "forecast": expected,
        "forecast_gap": None if target is None else target - expected,
    }


@dataclass
class _YearSection:
    """One target year of the district table."""

    year: int
    rows: list[dict[str, Any]] = field(default_factory=list)  # JSON rows: target × metric
    untargeted: list[dict[str, Any]] = field(default_factory=list)
    totals: list[dict[str, Any]] = field(default_factory=list)
    table_rows: list[tuple[dict[str, Any], set[str]]] = field(default_factory=list)  # (row, flags)


def _year_section(
    year: int,
    ledger: Ledger,
    by_district: dict[str, list[ProjectProgress]],
    filters: Filters,
    as_of: date,
    subtotal: bool,
    everyone: list[ProjectProgress],
) -> _YearSection:
    order = ledger.registry.district_order
    forecasts = {
        (r.district, r.metric): r.forecast for r in forecast(ledger, as_of, year, filters, everyone).districts
    }
    section = _YearSection(year)
    year_targets = sorted(
        (
            t
            for t in ledger.targets.district_targets
            if t.year == year and (not filters.districts or t.district in filters.districts)
        ),
        key=lambda t: order[t.district],
    )
    total_tally = {metric: Tally() for metric in METRICS}
    total_target = dict.fromkeys(METRICS, 0)
    total_forecast = dict.fromkeys(METRICS, 0)
    for target in year_targets:
        by_metric = {}
        for metric in METRICS:
            tally = tally_year(by_district.get(target.district, []), year, metric, as_of)
            goal: int = getattr(target, metric)
            expected = forecasts.get((target.district, metric), tally.actual)
            by_metric[metric] = _measure(goal, tally) | _supervision(
                ledger, goal, tally.actual, expected, as_of, year
            )
            total_forecast[metric] += expected
            section.rows.append(
                {"district": target.district, "year": year, "metric": metric, **by_metric[metric]}
            )
            total_tally[metric].actual += tally.actual
            total_tally[metric].projected += tally.projected
            total_target[metric] += goal
        flags = {"shortfall"} if any(m["shortfall"] for m in by_metric.values()) else set()
        section.table_rows.append((district_table_row(target.district, year, by_metric), flags))
    targeted = {t.district for t in year_targets}
    for district in sorted(set(by_district) - targeted, key=order.__getitem__):
        by_metric = {}
        for metric in METRICS:
            tally = tally_year(by_district[district], year, metric, as_of)
            expected = forecasts.get((district, metric), tally.actual)
            by_metric[metric] = _measure(None, tally) | _supervision(
                ledger, None, tally.actual, expected, as_of, year
            )
        for metric, measured in by_metric.items():
            section.untargeted.append(
                {"district": district, "year": year, "metric": metric,
                 "actual": measured["actual"], "projected": measured["projected"], "forecast": measured["forecast"]}
            )  # fmt: skip
        section.table_rows.append((district_table_row(district, year, by_metric), {"muted"}))
    measures = {
        metric: _measure(total_target[metric], total_tally[metric])
        | _supervision(
            ledger, total_target[metric], total_tally[metric].actual, total_forecast[metric], as_of, year
        )
        for metric in METRICS
    }
    section.totals = [
        {"year": year, "metric": metric, **measures[metric], **_lagging(section.rows, metric)}
        for metric in METRICS
    ]
    if subtotal:
        section.table_rows.append((district_table_row(f"{year}年合计", year, measures), {"subtotal"}))
    return section


def _lagging(rows: list[dict[str, Any]], metric: str) -> dict[str, int]:
    """The shortfall the net 合计 hides: districts ahead of target would offset those behind."""
    behind = [r for r in rows if r["metric"] == metric and (r["gap"] or 0) > 0]
    return {
        "lagging_gap": sum(r["gap"] for r in behind),
        "lagging_projected_gap": sum(
            r["projected_gap"] for r in rows if r["metric"] == metric and (r["projected_gap"] or 0) > 0
        ),
        "lagging_districts": len(behind),
    }


def lagging_note(totals: list[dict[str, Any]], with_year: bool) -> str | None:
    """One line under the table: the summed shortfall of the districts that are behind."""
    parts = [
        f"{t['year']}年" * with_year
        + f"{GROUP_LABELS[t['metric']]} {t['lagging_gap']:,} 套（{t['lagging_districts']} 个区县）"
        for t in totals
        if t["lagging_districts"]
    ]
    return (
        "其中落后区县缺口合计：" + "，".join(parts) + "（合计行的缺口已扣除超额完成的区县）"
        if parts
        else None
    )


def _district_columns(with_year: bool) -> list[Column]:
    columns = [Column("year", "年度", "year")] if with_year else []
    columns.append(Column("district", "区县"))
    columns.append(Column("elapsed_pct", "序时进度", "pct", optional=3))
    for metric in METRICS:
        group = GROUP_LABELS[metric]
        columns += [
            Column(f"{metric}_target", "目标", "int", group=group, sums=True),
            # the forecast beside the target: what the ledger's own slips say will be done by 31 Dec
            Column(f"{metric}_forecast", "年底预计", "int", group=group, sums=True, optional=3),
            Column(f"{metric}_actual", "完成", "int", group=group, sums=True),
            Column(f"{metric}_gap", "缺口", "int", group=group, sums=True),
            Column(
                f"{metric}_pct",
                "完成率",
                "pct",
                group=group,
                ratio_of=(f"{metric}_actual", f"{metric}_target"),
                optional=1,  # a narrow terminal keeps target, done and gap of both metrics
            ),
            Column(f"{metric}_light_label", "灯", group=group, optional=1),
            Column(f"{metric}_projected_gap", "预计缺口", "int", group=group, sums=True, optional=2),
        ]
    return columns


CITY_COLUMNS = [
    Column("year", "年度", "year"),
    Column("metric_label", "指标"),
    Column("scope", "统计范围", optional=2),
    Column("through", "统计至", "date", optional=1),
    Column("target", "目标", "int"),
    Column("actual", "完成", "int"),
    Column("gap", "缺口", "int"),
    Column("pct", "完成率", "pct", bar=True),
    Column("projected", "预计", "int"),
    Column("projected_gap", "预计缺口", "int"),
]


def gap_report(ledger: Ledger, as_of: date, years: Iterable[int], filters: Filters | None = None) -> Report:
    """Gap to target for the target ``years``; ``filters`` choose the projects (and districts)."""
    filters = filters or Filters()
    registry = ledger.registry
    years = sorted(set(years))
    everyone = facts_progresses(registry, ledger.valid_facts(), as_of)  # no full record is rebuilt
    progresses = [p for p in everyone if filters.matches(p.project)]
    by_district: dict[str, list[ProjectProgress]] = {}
    for progress in progresses:
        by_district.setdefault(progress.project.district, []).append(progress)

    targets = ledger.targets
    city_rows: list[dict[str, Any]] = []
    notes: list[str] = []
    if filters.districts:
        notes.append("已按区县筛选，不显示全市目标")
    else:
        city_rows = [
            _city_row(t, progresses, as_of)
            for t in sorted(targets.city_targets, key=lambda t: (t.year, METRICS.index(t.metric)))
            if t.year in years
        ]

    order = registry.district_order
    sections = [
        _year_section(year, ledger, by_district, filters, as_of, len(years) > 1, everyone) for year in years
    ]
    rows = [row for section in sections for row in section.rows]
    untargeted = [row for section in sections for row in section.untargeted]
    totals = [row for section in sections for row in section.totals]
    table_rows: list[dict[str, Any]] = []
    flags: dict[int, set[str]] = {}
    for section in sections:
        for row, row_flags in section.table_rows:
            if row_flags:
                flags[len(table_rows)] = row_flags
            table_rows.append(row)
        if not section.rows:
            notes.append(f"{section.year} 年没有区县目标")
    if untargeted:
        names = "、".join(sorted({r["district"] for r in untargeted}, key=order.__getitem__))
        notes.append(f"没有目标的区县（{names}）目标显示为 -，不计入合计")

    unplanned = _unplanned(progresses)
    if any(as_of < year_end(year) for year in years):
        missing = [
            f"{GROUP_LABELS[m]} {unplanned[m]['projects']} 个（{unplanned[m]['units']:,} 套）"
            for m in METRICS
            if unplanned[m]["projects"]
        ]
        if missing:
            notes.append("未填计划日期、未计入预计的项目：" + "，".join(missing))
    if (lagging := lagging_note(totals, with_year=len(years) > 1)) is not None:
        notes.insert(0, lagging)
    notes.append(
        "预计 = 已完成 + 计划在目标年度内完成、尚未完成的项目套数；预计缺口 > 0 表示按现有计划仍完不成"
    )
    notes.append("灯：完成率对照序时进度（见 bzf lights）；年底预计：按以往拖期推算（见 bzf forecast）")

    single_year = len(years) == 1
    total_row = None
    if single_year:
        total_row = district_table_row("合计", years[0], {t["metric"]: t for t in totals})
    district_table = Table(
        f"{'、'.join(str(y) for y in years)} 年区县目标完成情况（套）" if years else "区县目标完成情况",
        _district_columns(with_year=not single_year),
        table_rows,
        total=total_row,
        flags=flags,
        notes=notes,
        highlights=(
            *(Highlight("shortfall", f"{metric}_projected_gap", above=0) for metric in METRICS),
            *(
                Highlight(
                    LIGHT_FLAGS[light],
                    f"{metric}_light_label",
                    equals=LIGHT_LABELS[light],
                    label=LIGHT_MEANINGS[light],
                )
                for metric in METRICS
                for light in LIGHT_FLAGS
            ),
        ),
    )
    tables = [district_table]
    if city_rows:
        city_flags = {i: {"shortfall"} for i, row in enumerate(city_rows) if row["shortfall"]}
        city_highlight = (Highlight("shortfall", "projected_gap", above=0),)
        tables.insert(
            0, Table("全市目标（套）", CITY_COLUMNS, city_rows, flags=city_flags, highlights=city_highlight)
        )
    return Report.as_of_day(
        "目标缺口",
        ledger.name,
        as_of,
        tables,
        {
            "years": years,
            "city": city_rows,
            "rows": rows,
            "totals": totals,
            "untargeted": untargeted,
            "unplanned": unplanned,
        },
        subtitle=[
            "目标年度：" + "、".join(str(y) for y in years),
            *filters.describe(registry),
            *([line] if (line := missing_targets_line(ledger.targets, years)) else []),
        ],
    )
