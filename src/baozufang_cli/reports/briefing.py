"""The leader briefing (``bzf export html|pdf``): every value the one-file briefing shows.

Pure: the ledger, the as-of date D and the filters in, a ``Briefing`` out; ``render/html.py``
lays it out. Every figure is an existing report's, so the page shows what the commands show:

==================  ===================================================================
总体情况             the year's city target from ``targets.yaml`` (``bzf gap``'s 全市目标) where
                     there is one for the metric, else the sum of district targets — saying
                     which; done, %, 序时进度, 年底预计 and the light (``briefing_pace``)
区县进度与排名        ``bzf gap`` district rows + ``bzf status`` projects and units + lights,
                     ranked by delivery rate
图表                  the same rows; cumulative deliveries by month (``briefing_sections``)
倒排工期              red/yellow and overdue projects (``briefing_sections.gantt_rows``)
问题清单              ``bzf problems --state open``, overdue first
资金                  ``bzf funding`` totals and sources
分区县项目            every project of each district (limited on big ledgers, with a note)
==================  ===================================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from baozufang_cli.facts.pace import elapsed_fraction as exact_elapsed
from baozufang_cli.reports import briefing_pace as pace
from baozufang_cli.reports import briefing_sections as sections
from baozufang_cli.reports.gap import METRICS, TARGET_METRICS
from baozufang_cli.reports.value import ratio

if TYPE_CHECKING:
    from baozufang_cli.ledger.registry import Ledger
    from baozufang_cli.reports.filters import Filters


@dataclass
class Briefing:
    title: str
    city: str
    ledger: str
    as_of: date
    year: int
    filters: list[str]  # the filters applied, as the reports describe them
    headline: list[dict[str, Any]]  # one card per metric
    districts: list[dict[str, Any]]  # gap × status × lights, in registry order, with a rank
    district_total: dict[str, Any]  # the 合计 row: gap's totals (targeted districts), status's totals
    monthly: list[dict[str, Any]]
    gantt: list[dict[str, Any]]
    problems: list[dict[str, Any]]
    funding: dict[str, Any]
    district_projects: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)  # what the reader should know (basis, limits)
    excluded_files: int = 0
    large: bool = False  # a big ledger: district sections start collapsed, long lists are cut
    gantt_more: int = 0  # projects that qualify for the Gantt but are not drawn
    problems_more: int = 0

    @property
    def delivered_target(self) -> int:
        return sum(row["delivered_target"] or 0 for row in self.districts)


LARGE_LEDGER = 300  # projects: beyond this the district sections start collapsed
GANTT_ROWS = 30
PROBLEM_ROWS = 200


def briefing(ledger: Ledger, as_of: date, filters: Filters) -> Briefing:
    from baozufang_cli.facts.project import project_progress
    from baozufang_cli.reports.funding import funding_report
    from baozufang_cli.reports.gap import gap_report
    from baozufang_cli.reports.problems import problems_report
    from baozufang_cli.reports.status import status_report

    year = as_of.year
    registry = ledger.registry
    gap = gap_report(ledger, as_of, [year], filters).data
    status = status_report(ledger, as_of, "district", filters).data
    progresses = [project_progress(registry, p, as_of) for p in ledger.valid_projects() if filters.matches(p)]
    lights = pace.district_lights(ledger, as_of, filters)
    forecasts = pace.district_forecasts(ledger, as_of, filters)
    project_lights = pace.project_lights(ledger, progresses)

    districts = _district_rows(gap, status, lights, forecasts, registry.district_order)
    headline = _headline(gap, forecasts, ledger, as_of, filters)
    gantt_all = sections.gantt_rows(progresses, project_lights, registry)
    problem_rows = sections.open_problems(problems_report(ledger, as_of, filters, state="open").data)
    funding = funding_report(ledger, as_of, "district", filters).data
    large = len(progresses) > LARGE_LEDGER
    notes = [pace.FORECAST_BASIS, *_headline_notes(headline)]
    if any(card["forecast_basis"] == "city" for card in headline):
        notes.insert(1, pace.CITY_FORECAST_BASIS)
    return Briefing(
        title=f"{ledger.targets.city}保障性租赁住房工作简报",
        city=ledger.targets.city,
        ledger=ledger.name,
        as_of=as_of,
        year=year,
        filters=filters.describe(registry),
        headline=headline,
        districts=districts,
        district_total=_district_total(gap, status, forecasts, as_of, ledger),
        monthly=sections.monthly_deliveries(
            progresses, as_of, sum(r["delivered_target"] or 0 for r in districts)
        ),
        gantt=gantt_all[:GANTT_ROWS],
        gantt_more=max(0, len(gantt_all) - GANTT_ROWS),
        problems=problem_rows[:PROBLEM_ROWS],
        problems_more=max(0, len(problem_rows) - PROBLEM_ROWS),
        funding={"total": funding["total"], "rows": funding["rows"], "sources": funding["sources"]},
        district_projects=sections.district_projects(progresses, project_lights, registry, large),
        notes=notes,
        excluded_files=len({d.path for d in ledger.errors}),
        large=large,
    )


def _district_rows(
    gap: dict[str, Any],
    status: dict[str, Any],
    lights: list[dict[str, Any]],
    forecasts: list[dict[str, Any]],
    order: dict[str, int],
) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}

    def row(district: str) -> dict[str, Any]:
        if district not in rows:
            rows[district] = {"district": district, "projects": 0, "units": 0, "started_units": 0,
                              "delivered_units": 0, "rank": None}  # fmt: skip
            for metric in METRICS:
                rows[district].update({f"{metric}_{k}": None for k in
                                       ("target", "actual", "pct", "forecast", "light", "behind_points")})  # fmt: skip
        return rows[district]

    for item in status["rows"]:
        row(item["district"]).update(
            {k: item[k] for k in ("projects", "units", "started_units", "delivered_units")}
        )
    for item in [*gap["rows"], *gap["untargeted"]]:
        target = row(item["district"])
        metric = item["metric"]
        target[f"{metric}_target"] = item.get("target")
        target[f"{metric}_actual"] = item["actual"]
        target[f"{metric}_pct"] = item.get("pct")
        target[f"{metric}_forecast"] = item["projected"]
    for item in lights:
        target = row(item["district"])
        target[f"{item['metric']}_light"] = item["light"]
        target[f"{item['metric']}_behind_points"] = item["behind_points"]
    for item in forecasts:
        row(item["district"])[f"{item['metric']}_forecast"] = item["forecast"]
    ordered = sorted(rows.values(), key=lambda r: order.get(r["district"], len(order)))
    ranked = sorted(
        (r for r in ordered if r["delivered_target"]),
        key=lambda r: (-(r["delivered_pct"] or 0), -(r["started_pct"] or 0), order.get(r["district"], 0)),
    )
    for position, item in enumerate(ranked, 1):
        item["rank"] = position
    return ordered


def _district_total(
    gap: dict[str, Any], status: dict[str, Any], forecasts: list[dict[str, Any]], as_of: date, ledger: Ledger
) -> dict[str, Any]:
    """The 合计 row: gap's totals (targeted districts only), lit like a district; status's counts."""
    total: dict[str, Any] = {
        "district": "合计",
        "projects": status["total"]["projects"],
        "units": status["total"]["units"],
    }
    elapsed = exact_elapsed(as_of, as_of.year)
    rows = [{**row, "district": "合计"} for row in gap["totals"]]
    for row in rows:
        metric = row["metric"]
        light, _ = pace.light_for(elapsed, row["actual"], row["target"], ledger.registry.criteria.lights)
        total.update({f"{metric}_target": row["target"], f"{metric}_actual": row["actual"],
                      f"{metric}_pct": row["pct"], f"{metric}_forecast": pace.targeted_sum(forecasts, metric),
                      f"{metric}_light": light})  # fmt: skip
    return total


def _headline(
    gap: dict[str, Any], forecasts: list[dict[str, Any]], ledger: Ledger, as_of: date, filters: Filters
) -> list[dict[str, Any]]:
    """One card per metric: the city target where targets.yaml has one for the year, else the district sum."""
    elapsed = exact_elapsed(as_of, as_of.year)
    thresholds = ledger.registry.criteria.lights
    city = {row["metric"]: row for row in gap["city"]}
    totals = {row["metric"]: row for row in gap["totals"]}
    cards = []
    for metric in METRICS:
        if metric in city:
            row = city[metric]
            source = "全市目标（targets.yaml" + (f"：{row['note']}" if row["note"] else "") + "）"
            if row["cumulative"]:
                # a cumulative target: on pace means the year-start figure plus the elapsed
                # share of what was left at the start of the year
                base = _city_actual_at_year_start(ledger, as_of, filters, metric)
                # (capped at the whole target: a target met before the year began is simply met)
                expected = (
                    min(Fraction(1), (base + (row["target"] - base) * elapsed) / row["target"])
                    if row["target"]
                    else None
                )
            else:
                expected = elapsed
            scope = row["scope"] + ("（累计）" if row["cumulative"] else "")
            forecast, basis = row["projected"], "city"
        elif metric in totals and totals[metric]["target"]:
            row = totals[metric]
            source, expected, scope = "区县目标合计（targets.yaml 无该年全市目标）", elapsed, "全部项目"
            forecast, basis = pace.targeted_sum(forecasts, metric), "districts"
        else:
            continue
        target = row["target"]
        light, behind = pace.light_for(expected, row["actual"], target, thresholds)
        cards.append(
            {
                "metric": metric,
                "label": TARGET_METRICS[metric],
                "source": source,
                "scope": scope,
                "target": target,
                "actual": row["actual"],
                "pct": ratio(row["actual"], target),
                "pace_pct": None if expected is None else round(float(expected), 4),
                "behind_points": behind,
                "forecast": forecast,
                "forecast_gap": target - forecast,
                "forecast_basis": basis,
                "light": light,
            }
        )
    return cards


def _city_actual_at_year_start(ledger: Ledger, as_of: date, filters: Filters, metric: str) -> int:
    from baozufang_cli.reports.gap import gap_report

    start = date(as_of.year - 1, 12, 31)
    previous = gap_report(ledger, start, [as_of.year], filters).data["city"]
    return next((row["actual"] for row in previous if row["metric"] == metric), 0)


def _headline_notes(cards: list[dict[str, Any]]) -> list[str]:
    notes = []
    for card in cards:
        if "累计" in card["scope"]:
            notes.append(
                f"{card['label']}为累计目标：序时进度 = 年初已完成 + 年初剩余目标 × 本年已过天数占比，再除以目标"
            )
    return notes
