"""``bzf gap``: started and delivered units against the city and district targets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from baozufang_cli.cli.options import TargetYearOpt
from baozufang_cli.cli.report_command import Option, Run
from baozufang_cli.cli.runtime import resolve_target_years

if TYPE_CHECKING:
    from baozufang_cli.ledger.registry import Ledger
    from baozufang_cli.reports.filters import Filters
    from baozufang_cli.reports.value import Report

ORDER = 30

SHORT_HELP = "目标缺口：区县与全市目标的启动、交付完成数、缺口和预计缺口"
HELP = (
    "目标缺口：全市目标与各区县年度目标的启动建设、建成交付完成数、缺口、完成率，"
    "以及按现有计划能否完成（预计缺口）；--data 写多次时为全省汇总（每个台账一个城市）"
)
OPTIONS = [Option("target_year", TargetYearOpt)]
FILTERS = ("district", "type")
PROVINCE = True  # --data may be repeated: rows with their city, totals over the cities


def compute(run: Run) -> Report:
    from baozufang_cli.reports.gap import gap_report

    if run.several:
        from baozufang_cli.reports.province import province_gap

        def one(ledger: Ledger, filters: Filters) -> Report:
            years = resolve_target_years(ledger, run.option("target_year"), run.as_of)
            return gap_report(ledger, run.as_of, years, filters)

        return province_gap(run.per_city(one), run.as_of, run.cities[0].ledger.criteria.lights)
    years = resolve_target_years(run.ledger, run.option("target_year"), run.as_of)
    return gap_report(run.ledger, run.as_of, years, run.filters)
