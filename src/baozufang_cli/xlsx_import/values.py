"""Cell values as district offices type them (``bzf import xlsx``): dates, counts, amounts, blanks.

Everything here is a pure function of one cell. Text is compared after NFKC (full-width ``３００``
and ``（`` become ``300`` and ``(``; a full-width space becomes a space). A problem is a
``ValueError`` whose message describes the value only (``"2024年13月5日" 不是有效日期``): the
caller puts the sheet, cell and header in front of it.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

EXCEL_SERIAL = (20_000, 80_000)  # 1954 … 2119: a number in a date column in this range is an Excel date
# words meaning "no value": the cell is read as empty
BLANK_WORDS = frozenset(
    {
        "/",
        "／",
        "\\",
        "-",
        "--",
        "—",
        "——",
        "–",
        "－",
        "无",
        "暂无",
        "待定",
        "未定",
        "空",
        "N/A",
        "n/a",
        "#N/A",
    }
)
# words a person types into a date column instead of a date: the row imports without the date, with a warning
STATUS_WORDS = ("已开工", "未开工", "在建", "已竣工", "已完工", "已交付", "未交付", "已完成", "未完成", "已启动", "未启动", "已签约", "已封顶", "已投用", "已运营", "完成", "正在办理", "办理中", "推进中")  # fmt: skip
TOTAL_WORDS = ("合计", "小计", "总计", "累计", "共计")


def clean(value: Any) -> str:
    """A cell as text to compare: NFKC, no surrounding space, inner runs of space as one."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"\s+", " ", text).strip()


def is_blank(value: Any) -> bool:
    """Empty, only spaces, or a word that means "no value" (``/``, ``—``, ``无``, ``待定``)."""
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    stripped = value.strip()
    if not stripped or stripped in BLANK_WORDS:
        return True
    if len(stripped) > 4:
        return False  # the fast path: every blank word is short
    return clean(stripped) in BLANK_WORDS


def is_total(value: Any) -> bool:
    """``合计``, ``合 计``, ``小计：``, ``全区合计``, ``新建小计`` — a row that sums the rows above."""
    if not isinstance(value, str) or "计" not in value:
        return False  # the fast path: every total word has 计
    text = re.sub(r"[\s:：()（）]", "", clean(value))
    return bool(text) and len(text) <= 12 and any(text.endswith(w) or text.startswith(w) for w in TOTAL_WORDS)


def quoted(value: Any) -> str:
    """A cell's value as shown in a message: ``"2024年13月5日"``, a number as written."""
    if isinstance(value, date) or (isinstance(value, float) and value.is_integer()):
        return to_text(value)
    text = to_text(value).replace("\n", " ")
    return f'"{text[:40]}…"' if len(text) > 40 else f'"{text}"'


# ------------------------------------------------------------------ dates


@dataclass(frozen=True)
class CellDate:
    """A date read from a cell; ``month_only`` when the cell named a month without the day."""

    day: date
    month_only: bool = False


class StatusWord(ValueError):
    """A status (``已开工``) where a date was expected: not an error, the date is simply unknown."""


_FULL_DATE = re.compile(r"(\d{2}|\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*(?:份)?\s*(底|末|上旬|中旬|下旬)?")
_TIME = re.compile(r"\s+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")


def parse_date(value: Any) -> CellDate:
    """A date cell: a real date or datetime, an Excel serial number, or text — ``2024-03-05``,
    ``2024/3/5``, ``2024.3.5``, ``24.3.5``, ``2024年3月5日``, and months: ``2024年3月``, ``2024-3``,
    ``2024.3``, ``2024年3月底``. ``StatusWord`` for ``已开工``; ``ValueError`` otherwise."""
    if isinstance(value, datetime):
        return CellDate(value.date())
    if isinstance(value, date):
        return CellDate(value)
    if isinstance(value, bool):
        raise ValueError(f"{quoted(value)} 不是日期")
    if isinstance(value, float) and 1990 < value < 2100 and not value.is_integer():
        return parse_date(str(value))  # 2024.3 typed into Excel is the number 2024.3: a month
    if isinstance(value, int | float):
        if EXCEL_SERIAL[0] <= value <= EXCEL_SERIAL[1]:
            from openpyxl.utils.datetime import from_excel

            return CellDate(from_excel(value).date())
        raise ValueError(f"{quoted(value)} 不是日期（应为日期，如 2024-03-05）")
    text = _TIME.sub("", clean(value))
    if re.fullmatch(r"\d{5}(?:\.0+)?", text) and EXCEL_SERIAL[0] <= float(text) <= EXCEL_SERIAL[1]:
        return parse_date(float(text))
    full = _FULL_DATE.fullmatch(text)
    if full:
        year, month, day = (int(part) for part in full.groups())
        if year < 100:
            year += 2000
        try:
            return CellDate(date(year, month, day))
        except ValueError:
            raise ValueError(f"{quoted(value)} 不是有效日期（{_why_invalid(year, month, day)}）") from None
    month_only = _MONTH.fullmatch(text)
    if month_only:
        year, month = int(month_only.group(1)), int(month_only.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f"{quoted(value)} 不是有效日期（没有 {month} 月）")
        last = calendar.monthrange(year, month)[1]
        return CellDate(date(year, month, last), month_only=True)
    if any(word in text for word in STATUS_WORDS):
        raise StatusWord(f"{quoted(value)} 是进度说明，不是日期")
    raise ValueError(f"{quoted(value)} 不是日期（可写 2024-03-05、2024/3/5、2024年3月5日）")


def _why_invalid(year: int, month: int, day: int) -> str:
    if not 1 <= month <= 12:
        return f"没有 {month} 月"
    return f"{year} 年 {month} 月没有 {day} 日"


# ------------------------------------------------------------------ numbers

_UNIT_WORDS = r"(?:套|间|户|个|套\(间\)|套/间|栋|万元|元|亿元|㎡|m2|平方米|平米)?"
_COUNT = re.compile(rf"(?:约|共|计|合计|总计)?\s*([+]?\d[\d,]*(?:\.0+)?)\s*{_UNIT_WORDS}\s*(?:左右)?")
_AMOUNT = re.compile(r"(?:约|共|计)?\s*([+-]?(?:\d[\d,]*(?:\.\d+)?|\.\d+))\s*(万元|亿元|元|万)?\s*(?:左右)?")


def parse_count(value: Any) -> int:
    """A count of units: ``300``, ``"300"``, ``"300套"``, ``"300 套"``, ``"约300套"``, ``"３００"``, ``"1,200"``."""
    if isinstance(value, bool):
        raise ValueError(f"{quoted(value)} 不是整数")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(f"{quoted(value)} 不是整数（套数应为整数）")
    text = clean(value)
    match = _COUNT.fullmatch(text)
    if match:
        return int(float(match.group(1).replace(",", "")))
    raise ValueError(f"{quoted(value)} 不是整数（可写 300 或 300套）")


def parse_amount(value: Any) -> tuple[float | int, float | None]:
    """A number with an optional unit: ``1200``, ``"3,471.6"``, ``"1200万元"``, ``"3亿元"`` →
    (number, factor to 万元 given by the unit in the cell, None when the cell has no unit)."""
    if isinstance(value, bool):
        raise ValueError(f"{quoted(value)} 不是数字")
    if isinstance(value, int | float):
        return value, None
    text = clean(value)
    match = _AMOUNT.fullmatch(text)
    if not match:
        raise ValueError(f"{quoted(value)} 不是数字")
    cleaned = match.group(1).replace(",", "")
    number = float(cleaned)
    amount: float | int = int(number) if number.is_integer() and "." not in cleaned else number
    unit = match.group(2)
    factor = {"万元": 1.0, "万": 1.0, "亿元": 10000.0, "元": 0.0001}.get(unit) if unit else None
    return amount, factor


def parse_year(value: Any) -> int:
    """``2024``, ``"2024年"``, ``"2024年度"``, a date → the year."""
    if isinstance(value, date):
        return value.year
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = clean(value).removesuffix("年度").removesuffix("年")
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    raise ValueError(f"{quoted(value)} 不是四位年份")


def to_text(value: Any) -> str:
    """A text cell: dates as ISO dates, a number typed for a phone number without ``.0``."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def strip_numbering(text: str) -> str:
    """``一、新建项目`` → ``新建项目``; ``（二）配建`` → ``配建``; ``1.收购`` → ``收购``."""
    pattern = r"^\s*(?:[(（]?[一二三四五六七八九十]+[)）、.．]|[(（][0-9]+[)）]|[0-9]+[、.．])\s*"
    return re.sub(pattern, "", clean(text)).strip()


SECTION = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[(（]\s*[一二三四五六七八九十0-9]+\s*[)）])")
