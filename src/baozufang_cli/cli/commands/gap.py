"""``bzf gap``: started and delivered units against the city and district targets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from baozufang_cli.cli.options import TargetYearOpt
from baozufang_cli.cli.report_command import Option, Run
from baozufang_cli.cli.runtime import resolve_target_years

if TYPE_CHECKING:
    from baozufang_cli.reports.value import Report

ORDER = 30

SHORT_HELP = "目标缺口：区县与全市目标的启动、交付完成数、缺口和预计缺口"
HELP = (
    "目标缺口：全市目标与各区县年度目标的启动建设、建成交付完成数、缺口、完成率，"
    "以及按现有计划能否完成（预计缺口）"
)
OPTIONS = [Option("target_year", TargetYearOpt)]
FILTERS = ("district", "type")


def compute(run: Run) -> Report:
    from baozufang_cli.reports.gap import gap_report

    years = resolve_target_years(run.ledger, run.option("target_year"), run.as_of)
    return gap_report(run.ledger, run.as_of, years, run.filters)
