"""``bzf forecast``: 年底预计 — will each district make its target by 31 Dec, judged by the ledger's own slips.

For target year Y, as of D, for each metric (started / delivered), docs/commands/forecast.md:

* reference class S: every project (city-wide, all districts, whatever the filters) done for the
  metric by D with both a planned and an actual date on the metric's standard milestone; its slip
  ``s = (actual − planned).days``. A project uses the slips of its supply type when there are at
  least 5, else all types pooled when at least 5, else none;
* a project not done by D with a planned date p: ``x = (D − p).days``; it will slip more than x,
  so ``S_x = {s ∈ S : s > x}`` and ``P = |{s ∈ S_x : p + s ≤ 31 Dec Y}| / |S_x|`` (0 when S_x is
  empty); with no reference class ``P = 1`` when ``max(p, D + 1) ≤ 31 Dec Y``, else 0;
* ``forecast = A + round_half_up(Σ units × P)`` in exact arithmetic, A as ``bzf gap`` counts it;
  ``forecast_gap = T − forecast``. Projects without a planned date are listed, not guessed.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from baozufang_cli.facts.dates import year_end
from baozufang_cli.facts.pace import (
    METRICS,
    Metric,
    group_by_district,
    metric_state,
    round_half_up,
    tally_year,
    year_targets,
)
from baozufang_cli.facts.project import ProjectProgress, project_progress
from baozufang_cli.reports.filters import Filters
from baozufang_cli.reports.value import Column, Highlight, Report, Table

if TYPE_CHECKING:
    from baozufang_cli.ledger.registry import Ledger

Reference = Literal["type", "pooled", "none"]
REFERENCES: tuple[Reference, ...] = ("type", "pooled", "none")
REFERENCE_LABELS = {"type": "同类", "pooled": "全部", "none": "按计划"}
METRIC_LABELS = {"started": "启动", "delivered": "交付"}
MIN_REFERENCE = 5  # slips needed before a reference class is used


@dataclass(frozen=True)
class Slips:
    """The reference slips of one metric: by supply type and pooled."""

    by_type: dict[str, list[int]]
    pooled: list[int]

    def for_type(self, supply_type: str) -> tuple[Reference, list[int]]:
        own = self.by_type.get(supply_type, [])
        if len(own) >= MIN_REFERENCE:
            return "type", own
        if len(self.pooled) >= MIN_REFERENCE:
            return "pooled", self.pooled
        return "none", []


def reference_slips(progresses: list[ProjectProgress], metric: Metric) -> Slips:
    by_type: dict[str, list[int]] = {}
    for progress in progresses:
        state = metric_state(progress, metric)
        if state is None or state.actual is None or state.planned is None:
            continue
        by_type.setdefault(progress.project.supply_type, []).append((state.actual - state.planned).days)
    return Slips(by_type, [s for slips in by_type.values() for s in slips])


def probability(planned: date, as_of: date, year: int, reference: Reference, slips: list[int]) -> Fraction:
    """P(done by 31 Dec of ``year``) of a milestone planned on ``planned`` and not done on ``as_of``."""
    return sorted_probability(planned, as_of, year, reference, sorted(slips))


def sorted_probability(
    planned: date, as_of: date, year: int, reference: Reference, ordered: list[int]
) -> Fraction:
    """``probability`` over slips already sorted: two binary searches instead of a pass over them all.

    ``S_x`` is the slips above ``x``; of those, the ones with ``p + s ≤ 31 Dec`` are the ones up to
    ``(31 Dec − p).days``."""
    end = year_end(year)
    if reference == "none":
        return Fraction(1 if max(planned, as_of + timedelta(days=1)) <= end else 0)
    above = bisect_right(ordered, (as_of - planned).days)  # slips ≤ x come first
    later = len(ordered) - above
    if not later:
        return Fraction(0)
    in_time = max(0, bisect_right(ordered, (end - planned).days) - above)
    return Fraction(in_time, later)


@dataclass
class Pending:
    """A project not done for a metric as of D, with its chance of being done by 31 Dec."""

    progress: ProjectProgress
    metric: Metric
    planned: date
    reference: Reference
    probability: Fraction


@dataclass
class DistrictForecast:
    district: str
    metric: Metric
    target: int | None
    actual: int
    pending: list[Pending] = field(default_factory=list)
    # the reference of the district's projects (for a district with none pending: of its projects' types)
    kinds: Counter[str] = field(default_factory=Counter)

    @cached_property
    def forecast(self) -> int:
        # Σ units × probability, exactly: numerators summed per denominator, one Fraction each
        numerators: dict[int, int] = {}
        for pending in self.pending:
            chance = pending.probability
            numerators[chance.denominator] = (
                numerators.get(chance.denominator, 0) + pending.progress.project.units * chance.numerator
            )
        expected = sum((Fraction(n, d) for d, n in numerators.items()), Fraction(0))
        return self.actual + int(round_half_up(expected))

    @property
    def forecast_gap(self) -> int | None:
        return None if self.target is None else self.target - self.forecast

    @property
    def reference(self) -> Reference:
        if not self.kinds:
            return "none"
        top = max(self.kinds.values())
        return next(kind for kind in REFERENCES if self.kinds[kind] == top)


@dataclass
class Forecast:
    year: int
    districts: list[DistrictForecast]
    unplanned: list[tuple[ProjectProgress, Metric]]
    slips: dict[str, Slips]  # metric → the reference slips


def forecast(
    ledger: Ledger,
    as_of: date,
    year: int,
    filters: Filters | None = None,
    everyone: list[ProjectProgress] | None = None,
) -> Forecast:
    """The year-end forecast of every district (with a target in ``year`` or with projects) and metric.

    ``everyone``: the progress of every valid project as of ``as_of``, when the caller has it already.
    """
    filters = filters or Filters()
    registry = ledger.registry
    if everyone is None:
        everyone = [project_progress(registry, p, as_of) for p in ledger.valid_projects()]
    chosen = [p for p in everyone if filters.matches(p.project)]
    by_district = group_by_district(chosen)
    targets = year_targets(ledger.targets.district_targets, year, filters.districts)
    order = registry.district_order
    rows: list[DistrictForecast] = []
    unplanned: list[tuple[ProjectProgress, Metric]] = []
    all_slips: dict[str, Slips] = {}
    for metric in METRICS:
        slips = all_slips[metric] = reference_slips(everyone, metric)
        sorted_slips: dict[int, list[int]] = {}  # id of a sample in ``slips`` → the sample sorted
        references: dict[
            str, tuple[Reference, list[int]]
        ] = {}  # supply type → its reference, its slips sorted
        chances: dict[tuple[date, int], Fraction] = {}  # (planned, id of the sorted slips) → the chance
        for district in sorted(set(targets) | set(by_district), key=order.__getitem__):
            progresses = by_district.get(district, [])
            row = DistrictForecast(
                district,
                metric,
                targets.get(district, {}).get(metric),
                tally_year(progresses, year, metric, as_of).actual,
            )
            for progress in progresses:
                state = metric_state(progress, metric)
                if state is not None and state.done:
                    continue
                if state is None or state.planned is None:
                    unplanned.append((progress, metric))
                    continue
                found = references.get(progress.project.supply_type)
                if found is None:
                    reference, sample = slips.for_type(progress.project.supply_type)
                    ordered = sorted_slips.get(id(sample))
                    if ordered is None:
                        ordered = sorted_slips[id(sample)] = sorted(sample)
                    found = references[progress.project.supply_type] = (reference, ordered)
                reference, ordered = found
                chance = chances.get((state.planned, id(ordered)))  # many projects share a planned day
                if chance is None:
                    chance = chances[(state.planned, id(ordered))] = sorted_probability(
                        state.planned, as_of, year, reference, ordered
                    )
                row.pending.append(Pending(progress, metric, state.planned, reference, chance))
                row.kinds[reference] += 1
            if not row.pending:
                row.kinds.update(slips.for_type(p.project.supply_type)[0] for p in progresses)
            rows.append(row)
    rows.sort(key=lambda r: (order[r.district], METRICS.index(r.metric)))
    return Forecast(year, rows, unplanned, all_slips)


def district_forecasts(
    ledger: Ledger, as_of: date, year: int, filters: Filters | None = None
) -> dict[tuple[str, str], int]:
    """(district, metric) → the year-end forecast, for gap, the periodic report and the Excel pack."""
    return {(r.district, r.metric): r.forecast for r in forecast(ledger, as_of, year, filters).districts}


DISTRICT_COLUMNS = [
    Column("district", "区县"),
    Column("metric_label", "指标"),
    Column("target", "目标", "int"),
    Column("actual", "完成", "int"),
    Column("forecast", "年底预计", "int"),
    Column("forecast_gap", "预计缺口", "int"),
    Column("reference_label", "参照", optional=1),
]
RISK_COLUMNS = [
    Column("id", "项目编号", "code"),
    Column("name", "项目名称"),
    Column("district", "区县"),
    Column("metric_label", "指标"),
    Column("planned", "计划日期", "date"),
    Column("probability", "概率", "pct"),
    Column("units", "套数", "int"),
]


def forecast_report(ledger: Ledger, as_of: date, year: int, filters: Filters | None = None) -> Report:
    filters = filters or Filters()
    registry = ledger.registry
    order = registry.district_order
    result = forecast(ledger, as_of, year, filters)
    districts: list[dict[str, Any]] = [
        {
            "district": r.district,
            "metric": r.metric,
            "target": r.target,
            "actual": r.actual,
            "forecast": r.forecast,
            "forecast_gap": r.forecast_gap,
            "reference": r.reference,
        }
        for r in result.districts
    ]
    end = year_end(year)
    risky = [
        p
        for r in result.districts
        for p in r.pending
        if date(year, 1, 1) <= p.planned <= end and p.probability < Fraction(1, 2)
    ]
    risky.sort(
        key=lambda p: (
            METRICS.index(p.metric),
            p.probability,
            p.planned,
            order[p.progress.project.district],
            p.progress.project.id,
        )
    )
    at_risk: list[dict[str, Any]] = [
        {
            "id": p.progress.project.id,
            "name": p.progress.project.name,
            "district": p.progress.project.district,
            "metric": p.metric,
            "planned": p.planned,
            "probability": round(float(p.probability), 4),
            "units": p.progress.project.units,
        }
        for p in risky
    ]
    unplanned: list[dict[str, Any]] = [
        {
            "id": p.project.id,
            "name": p.project.name,
            "district": p.project.district,
            "metric": metric,
            "units": p.project.units,
        }
        for p, metric in sorted(
            result.unplanned,
            key=lambda u: (METRICS.index(u[1]), order[u[0].project.district], u[0].project.id),
        )
    ]

    table_rows = [
        {
            **row,
            "metric_label": METRIC_LABELS[row["metric"]],
            "reference_label": REFERENCE_LABELS[row["reference"]],
        }
        for row in districts
    ]
    flags = {i: {"shortfall"} for i, row in enumerate(districts) if (row["forecast_gap"] or 0) > 0}
    notes = [
        "年底预计 = 完成 + Σ 未完成项目套数 × 年内完成概率，四舍五入",
        "预计缺口 > 0：按以往拖期，年底可能完不成",
        "概率按已完成项目的实际拖期推算；参照：同类 = 同一筹集方式（不少于 5 个），",
        "全部 = 各筹集方式合计（不少于 5 个），按计划 = 都不足 5 个，按计划日期",
    ]
    if unplanned:
        parts = [
            f"{METRIC_LABELS[m]} {sum(u['metric'] == m for u in unplanned)} 个"
            for m in METRICS
            if any(u["metric"] == m for u in unplanned)
        ]
        notes.append("未填计划日期、未计入预计的项目：" + "，".join(parts) + "（JSON unplanned）")
    district_table = Table(
        f"{year} 年底预计（套）",
        DISTRICT_COLUMNS,
        table_rows,
        flags=flags,
        notes=notes,
        highlights=(Highlight("shortfall", "forecast_gap", above=0),),
    )
    risk_rows = [{**row, "metric_label": METRIC_LABELS[row["metric"]]} for row in at_risk]
    risk_table = Table(
        f"计划 {year} 年完成、年内完成概率不足 50% 的项目",
        RISK_COLUMNS,
        risk_rows,
        flags={i: {"overdue"} for i in range(len(risk_rows))},
        notes=[] if risk_rows else ["没有"],
    )
    return Report.as_of_day(
        "年底预计",
        ledger.name,
        as_of,
        [district_table, risk_table],
        {
            "year": year,
            "districts": districts,
            "at_risk": at_risk,
            "unplanned": unplanned,
            # the reference classes, so every probability can be checked by hand
            "slips": {
                metric: {key: sorted(values) for key, values in sorted(slips.by_type.items())}
                for metric, slips in result.slips.items()
            },
        },
        subtitle=[f"目标年度：{year}", *filters.describe(registry)],
        primary_index=0,
    )
