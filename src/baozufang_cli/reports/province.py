"""A province: one report over several cities' ledgers (``--data`` repeated).

Pure: each city's own report goes in (computed by the one report function, so every number of a
city is that city's ``bzf status`` / ``bzf gap``), one report comes out whose rows carry a ``city``
key and whose totals are the sums over the cities. Ids are unique per city, so nothing is merged
across cities but the counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from baozufang_cli.facts.pace import district_light
from baozufang_cli.reports.gap import district_table_row
from baozufang_cli.reports.status import COUNTS, with_rates, zero_counts
from baozufang_cli.reports.value import Column, Report, Table, ratio

if TYPE_CHECKING:
    from baozufang_cli.facts.records import Lights

CITY_COLUMN = Column("city", "城市")
CityReport = tuple[str, Report]  # (city name, that city's report)


def _names(parts: Sequence[CityReport]) -> str:
    return "、".join(city for city, _ in parts)


def _subtitle(parts: Sequence[CityReport]) -> list[str]:
    lines = [f"全省汇总：{len(parts)} 个城市（{_names(parts)}），合计为各城市之和"]
    for city, report in parts:
        lines += [f"{city} {line}" for line in report.subtitle if line.startswith("筛选")]
    return lines


def _with_city(table: Table, parts: Sequence[CityReport], index: int) -> Table:
    """The cities' ``index``-th tables stacked, a 城市 column first, flags kept; a note that
    not every city has is prefixed with its city."""
    rows: list[dict[str, Any]] = []
    flags: dict[int, set[str]] = {}
    notes: list[str] = []
    every = set.intersection(*(set(report.tables[index].notes) for _, report in parts))
    for city, report in parts:
        own = report.tables[index]
        for i, row in enumerate(own.rows):
            if i in own.flags:
                flags[len(rows)] = own.flags[i]
            rows.append({"city": city, **row})
        notes += [f"{city}：{note}" for note in own.notes if note not in every]
    notes += [note for note in table.notes if note in every]
    return replace(table, columns=[CITY_COLUMN, *table.columns], rows=rows, flags=flags, notes=notes)


def province_status(parts: Sequence[CityReport], as_of: date) -> Report:
    """``bzf status`` over several cities: every row with its city; a table of city totals; 合计."""
    first = parts[0][1]
    total = zero_counts()
    cities = []
    for city, report in parts:
        own = report.data["total"]
        for key in COUNTS:
            total[key] += own[key]
        cities.append({"city": city, **{k: own[k] for k in (*COUNTS, "started_pct", "delivered_pct")}})
    total = with_rates(total)
    detail = first.tables[0]
    rows_table = _with_city(detail, parts, 0)
    rows_table = replace(rows_table, total={"city": "合计", **total})
    city_table = Table(
        "各城市合计", [CITY_COLUMN, *detail.columns[1:]], cities, total={"city": "合计", **total}
    )
    rows = [{"city": city, **row} for city, report in parts for row in report.data["rows"]]
    return Report.as_of_day(
        first.title,
        _names(parts),
        as_of,
        [city_table, rows_table],
        {"by": first.data["by"], "cities": cities, "rows": rows, "total": total},
        subtitle=_subtitle(parts),
    )


def _measure(target: int, actual: int, projected: int) -> dict[str, Any]:
    return {
        "target": target,
        "actual": actual,
        "gap": target - actual,
        "pct": ratio(actual, target),
        "projected": projected,
        "projected_gap": target - projected,
        "shortfall": target - projected > 0,
    }


def _supervision(
    target: int, actual: int, forecast: int, as_of: date, year: int, lights: Lights
) -> dict[str, Any]:
    """序时进度 and the light of the province's sums (as ``bzf gap`` does for a city's 合计), and
    the year-end forecast: the sum of the cities' forecasts."""
    pace = district_light(target, actual, as_of, year, lights)
    return {
        "elapsed_pct": pace.elapsed_pct,
        "behind_points": pace.behind_points,
        "light": pace.light,
        "forecast": forecast,
        "forecast_gap": target - forecast,
    }


SUMMED_KEYS = ("target", "actual", "projected", "forecast")
LAGGING_KEYS = ("lagging_gap", "lagging_projected_gap", "lagging_districts")


def province_gap(parts: Sequence[CityReport], as_of: date, lights: Lights) -> Report:
    """``bzf gap`` over several cities: rows, city targets and untargeted rows with their city;
    ``totals`` per year and metric summed over the cities (target, actual, projected, forecast
    and the lagging districts' shortfalls); gap, rate, shortfall, 序时进度 and the light are
    recomputed from the sums with ``lights`` (the first city's thresholds)."""
    first = parts[0][1]
    sums: dict[tuple[int, str], dict[str, int]] = {}
    for _, report in parts:
        for own_total in report.data["totals"]:
            year_metric = (own_total["year"], own_total["metric"])
            entry = sums.setdefault(year_metric, dict.fromkeys((*SUMMED_KEYS, *LAGGING_KEYS), 0))
            for name in (*SUMMED_KEYS, *LAGGING_KEYS):  # lagging shortfalls add up across cities too
                entry[name] += own_total[name]
    totals = [
        {
            "year": year,
            "metric": metric,
            **_measure(entry["target"], entry["actual"], entry["projected"]),
            **_supervision(entry["target"], entry["actual"], entry["forecast"], as_of, year, lights),
            **{name: entry[name] for name in LAGGING_KEYS},
        }
        for (year, metric), entry in sorted(sums.items(), key=lambda kv: (kv[0][0], kv[0][1] != "started"))
    ]
    unplanned: dict[str, dict[str, Any]] = {}
    for city, report in parts:
        for metric, own in report.data["unplanned"].items():
            missing = unplanned.setdefault(metric, {"projects": 0, "units": 0, "project_ids": []})
            missing["projects"] += own["projects"]
            missing["units"] += own["units"]
            missing["project_ids"] += [f"{city}/{pid}" for pid in own["project_ids"]]
    years = sorted({y for _, report in parts for y in report.data["years"]})
    data = {
        "years": years,
        "city": [{"city": city, **row} for city, report in parts for row in report.data["city"]],
        "rows": [{"city": city, **row} for city, report in parts for row in report.data["rows"]],
        "totals": totals,
        "untargeted": [{"city": city, **row} for city, report in parts for row in report.data["untargeted"]],
        "unplanned": unplanned,
    }
    district = _with_city(first.tables[-1], parts, -1)
    if len(years) == 1 and district.total is not None:
        measures = {t["metric"]: {k: v for k, v in t.items() if k not in ("year", "metric")} for t in totals}
        row = {"city": "合计", **district_table_row("", years[0], measures)}
        row.pop("district")
        district = replace(district, total=row)
    else:
        district = replace(district, total=None)
    tables = [district]
    with_city_targets = [(city, report) for city, report in parts if len(report.tables) > 1]
    if with_city_targets:
        tables.insert(0, _with_city(with_city_targets[0][1].tables[0], with_city_targets, 0))
    return Report.as_of_day(
        first.title, _names(parts), as_of, tables, data, subtitle=[*first.subtitle[:1], *_subtitle(parts)]
    )
