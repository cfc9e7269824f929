"""Calendar arithmetic, in one place: months, month ends, year ends, ``YYYY-MM`` text."""

from __future__ import annotations

import re
from datetime import date, timedelta

# dates outside this range are typing slips (0204-03-05, 9999-12-31 placeholders); the bound
# also keeps every date computation of the reports (weeks, years ahead) inside ``date``
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)

_MONTH = re.compile(r"(\d{4})-(\d{2})")
# the range of ledger dates (models.py checks every date against it): dates outside are typing
# slips (0204-03-05, 9999-12-31 placeholders); the bound also keeps every date computation of
# the reports (weeks, years ahead) inside ``date``
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def parse_month(text: str) -> tuple[int, int]:
    """``2024-06`` → (2024, 6); ValueError otherwise."""
    match = _MONTH.fullmatch(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(text)
    return int(match.group(1)), int(match.group(2))


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(year: int, month: int) -> date:
    """The last day of ``month`` (1–12) of ``year``."""
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def year_end(year: int) -> date:
    return date(year, 12, 31)
