"""Calendar arithmetic, in one place: months, month ends, year ends, ``YYYY-MM`` text."""

from __future__ import annotations

import re
from datetime import date, timedelta

_MONTH = re.compile(r"(\d{4})-(\d{2})")


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
