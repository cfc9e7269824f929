"""Reporting periods: ISO weeks, calendar months, quarters and years.

Pure date arithmetic for ``bzf report``: parse a ``--period`` (``2024-W23``, ``2024-06``,
``2024-Q2``, ``2024``), find the period containing a day, step to the next period, and choose
the as-of date of a report (``report_as_of``). Weeks are ISO 8601 weeks (Monday to Sunday;
week 1 holds the year's first Thursday), so 2024-12-30 is in 2025-W01 and 2021-01-03 in 2020-W53.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from baozufang_cli.errors import UsageError
from baozufang_cli.facts.dates import month_end

PeriodKind = Literal["week", "month", "quarter", "year"]
KINDS: tuple[PeriodKind, ...] = ("week", "month", "quarter", "year")
KIND_LABELS: dict[PeriodKind, str] = {"week": "周", "month": "月", "quarter": "季度", "year": "年"}
EXAMPLES: dict[PeriodKind, str] = {
    "week": "2024-W23",
    "month": "2024-06",
    "quarter": "2024-Q2",
    "year": "2024",
}
QUARTER_NAMES = ("一", "二", "三", "四")

_PATTERNS: list[tuple[PeriodKind, re.Pattern[str]]] = [
    ("week", re.compile(r"(\d{4})-?[Ww](\d{1,2})")),
    ("month", re.compile(r"(\d{4})-(\d{1,2})")),
    ("quarter", re.compile(r"(\d{4})-?[Qq]([1-4])")),
    ("year", re.compile(r"(\d{4})")),
]


class PeriodError(UsageError):
    """A period that cannot be parsed or does not fit; the message is Chinese."""


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # inclusive
    kind: PeriodKind

    @property
    def label(self) -> str:
        """The machine form accepted by ``--period``: 2024-W23, 2024-06, 2024-Q2, 2024."""
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    @property
    def chinese(self) -> str:
        """The name used in titles: 2024年第23周, 2024年6月, 2024年第二季度, 2024年."""
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}年第{week}周"
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        if self.kind == "quarter":
            return f"{self.start.year}年第{QUARTER_NAMES[(self.start.month - 1) // 3]}季度"
        return f"{self.start.year}年"

    @property
    def span(self) -> str:
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def next(self) -> Period:
        return period_containing(self.kind, self.end + timedelta(days=1))

    def previous(self) -> Period:
        return period_containing(self.kind, self.start - timedelta(days=1))


def period_containing(kind: PeriodKind, day: date) -> Period:
    """The week (ISO), month, quarter or year that contains ``day``."""
    if kind == "week":
        start = day - timedelta(days=day.isoweekday() - 1)
        return Period(start, start + timedelta(days=6), kind)
    if kind == "month":
        return Period(day.replace(day=1), month_end(day.year, day.month), kind)
    if kind == "quarter":
        first_month = (day.month - 1) // 3 * 3 + 1
        return Period(date(day.year, first_month, 1), month_end(day.year, first_month + 2), kind)
    return Period(date(day.year, 1, 1), date(day.year, 12, 31), kind)


def parse_period(text: str) -> Period:
    """``2024-W23`` / ``2024-06`` / ``2024-Q2`` / ``2024`` → the period; ``PeriodError`` otherwise."""
    cleaned = text.strip()
    for kind, pattern in _PATTERNS:
        match = pattern.fullmatch(cleaned)
        if not match:
            continue
        year = int(match.group(1))
        if not 1 <= year <= 9998:
            break
        if kind == "week":
            week = int(match.group(2))
            try:
                monday = date.fromisocalendar(year, week, 1)
            except ValueError:
                raise PeriodError(f"{year} 年没有第 {week} 周（ISO 周，每年 52 或 53 周）") from None
            return period_containing("week", monday)
        if kind == "month":
            month = int(match.group(2))
            if not 1 <= month <= 12:
                raise PeriodError(f"月份应为 01–12：{text}")
            return period_containing("month", date(year, month, 1))
        if kind == "quarter":
            return period_containing("quarter", date(year, (int(match.group(2)) - 1) * 3 + 1, 1))
        return period_containing("year", date(year, 1, 1))
    raise PeriodError(f"无法识别的期间 {text}：周写 2024-W23，月写 2024-06，季度写 2024-Q2，年写 2024")


def report_as_of(
    kind: PeriodKind, period_text: str | None, as_of: date | None, today: date
) -> tuple[Period, date]:
    """The period of a report and its as-of date D.

    * no ``period_text``: the period of ``kind`` containing D, with D = ``as_of`` or today;
    * ``period_text``: that period (it must be of ``kind``), as of its last day — or as of today
      while it is still running, or as of ``as_of`` when given, which must fall inside it. A
      period that has not begun yet (as of today) has nothing to report and is refused.
    """
    if period_text is None:
        day = as_of or today
        return period_containing(kind, day), day
    period = parse_period(period_text)
    if period.kind != kind:
        raise PeriodError(
            f"{KIND_LABELS[kind]}报告的 --period 应写成 {EXAMPLES[kind]} 的形式，"
            f"{period_text} 是{KIND_LABELS[period.kind]}"
        )
    if as_of is not None:
        if not period.contains(as_of):
            raise PeriodError(
                f"统计截至日 {as_of.isoformat()} 不在 {period.chinese}（{period.span}）内："
                "去掉 --as-of，或改为期内的日期"
            )
        return period, as_of
    if today < period.start:
        raise PeriodError(f"{period.chinese}（{period.span}）尚未开始")
    return period, min(period.end, today)
