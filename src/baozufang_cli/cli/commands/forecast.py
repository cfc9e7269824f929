"""``bzf forecast``: 年底预计 — each district's year-end forecast from the ledger's own record of slips."""

from __future__ import annotations

from typing import TYPE_CHECKING

from baozufang_cli.cli.commands.lights import TARGET_YEAR
from baozufang_cli.cli.report_command import Run

if TYPE_CHECKING:
    from baozufang_cli.reports.value import Report

ORDER = 34

SHORT_HELP = "年底预计：按台账中已完成项目的拖期推算各区县年底能完成多少"
HELP = (
    "年底预计：各区县启动建设、建成交付到年底的预计完成套数和预计缺口。未完成项目的年内完成概率"
    "按台账中已完成项目的实际拖期推算（同类项目不少于 5 个用同类，否则用全部项目，都不足时按计划日期），"
    "并列出计划在本年完成、概率不足 50% 的项目"
)
OPTIONS = [TARGET_YEAR]
FILTERS = ("district", "type")


def compute(run: Run) -> Report:
    from baozufang_cli.reports.forecast import forecast_report

    year = run.option("target_year") or run.as_of.year
    return forecast_report(run.ledger, run.as_of, year, run.filters)
