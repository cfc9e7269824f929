"""Where a sheet's table starts and what each column is (``bzf import xlsx``).

Real books put a merged title, a line ``填报单位：…  填报日期：…`` and blank rows above the
header, and often a two-row header: a group cell merged over sub-columns (开工时间 over 计划 /
实际; 套数 over 总套数 / 其中≤70㎡), the other headers merged down over both rows. Read
without merge information, such a group shows as its text in the first column of the group and
empty cells after it; a cell of the upper row that is empty above a sub-header belongs to the
group on its left. Each column is then named by the combination that matches a known field
(``计划`` + ``开工时间`` → 计划开工时间) and keeps the sheet's own words for messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from baozufang_cli.xlsx_import.columns import FIELDS, IGNORE, ColumnMap, money_factor, normalize

HEADER_SEARCH_ROWS = 60  # title rows, 填报单位 lines and notes come first; a header is near the top
MIN_MATCHES = 3


@dataclass(frozen=True)
class Column:
    index: int  # 0-based
    letter: str  # A, B, … AA
    label: str  # the sheet's own header, on one line ("开工时间/计划" under a group)
    field: str | None  # the field it holds, IGNORE (read, not imported) or None (unknown)
    factor: float = 1.0  # a money column's unit in 万元


@dataclass
class Header:
    row: int  # 1-based number of the header's last row: data start below it
    first_row: int  # 1-based number of its first row (== row for a one-row header)
    columns: list[Column]

    @property
    def fields(self) -> dict[int, str]:
        """Column index → field, for the columns that are imported."""
        return {c.index: c.field for c in self.columns if c.field is not None and c.field != IGNORE}

    @property
    def factors(self) -> dict[int, float]:
        return {c.index: c.factor for c in self.columns if c.field is not None and c.factor != 1.0}

    @property
    def unknown(self) -> list[str]:
        return [c.label for c in self.columns if c.field is None and c.label]

    def column_of(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.field == key), None)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def one_line(value: Any) -> str:
    """A header cell as shown in messages: its words on one line, spaces kept single."""
    if value is None:
        return ""
    return " ".join(str(value).split())


def find_header(rows: list[tuple[Any, ...]], mapping: ColumnMap) -> Header | None:
    """The header among the first rows: the first with a project name (or id) column and at least
    ``MIN_MATCHES`` known columns — as one row, or with the row below it as sub-headers when that
    names more columns. A merged title row has one cell and never qualifies."""
    if mapping.header_row is not None:
        numbers = [mapping.header_row] if mapping.header_row <= len(rows) else []
    else:
        numbers = list(range(1, min(len(rows), HEADER_SEARCH_ROWS) + 1))
    for number in numbers:
        top = rows[number - 1]
        if mapping.header_row is None and (
            sum(1 for cell in top if normalize(cell)) < 2 or any(_is_filing_line(cell) for cell in top)
        ):
            continue  # a title, a blank row or a 填报单位 line
        single = _columns(top, None, mapping)
        if mapping.header_row is None and _named(single) < 2:
            continue  # a header names at least two columns on its first row
        below = rows[number] if number < len(rows) else ()
        double = _columns(top, below, mapping) if _is_sub_header(top, below) else None
        best, last = single, number
        if double is not None and _named(double) > _named(single):
            best, last = double, number + 1
        keys = {c.field for c in best if c.field not in (None, IGNORE)}
        if ("name" in keys or "id" in keys) and (len(keys) >= MIN_MATCHES or mapping.header_row is not None):
            return Header(last, number, best)
    return None


def _is_filing_line(cell: Any) -> bool:
    """``填报单位：观山湖区住建局``, ``填报日期：2024-06-30``, ``单位：万元`` — a line about the table."""
    return isinstance(cell, str) and bool(re.search(r"[:：]\s*\S", cell.strip()))


def _named(columns: list[Column]) -> int:
    return len({c.field for c in columns if c.field not in (None, IGNORE)})


def _is_sub_header(top: tuple[Any, ...], below: tuple[Any, ...]) -> bool:
    """Whether ``below`` can be the lower row of a two-row header: short texts only, under a row
    that has gaps (merged groups) or qualifiers, and never a number or date (data)."""
    cells = [cell for cell in below if cell is not None and str(cell).strip()]
    if not cells or any(not isinstance(cell, str) for cell in cells):
        return False
    return all(len(normalize(cell)) <= 16 for cell in cells)


def _columns(top: tuple[Any, ...], below: tuple[Any, ...] | None, mapping: ColumnMap) -> list[Column]:
    width = max(len(top), len(below or ()))
    columns: list[Column] = []
    taken: set[str] = set()
    group = ""  # the group cell covering this column (a merged cell shows in its first column)
    for index in range(width):
        upper = one_line(top[index]) if index < len(top) else ""
        lower = one_line(below[index]) if below is not None and index < len(below) else ""
        if upper:
            group = upper if lower else ""
        elif lower and group:
            upper = group
        if below is None or not lower:
            label, forms = upper, [upper]
        elif not upper:
            label, forms = lower, [lower]
        else:
            label = f"{upper}/{lower}"
            forms = [label, f"{lower}{upper}", f"{upper}({lower})", f"{upper}{lower}", lower]
        key = next((found for form in forms if (found := mapping.field_of(form)) is not None), None)
        if key is not None and key != IGNORE and key in taken:
            key = IGNORE  # a second column for one field: the first one counts
        factor = 1.0
        if key is not None and key != IGNORE:
            taken.add(key)
            if FIELDS[key][0] == "money":
                factor = money_factor(normalize(label.replace("/", "")))
        columns.append(Column(index, column_letter(index), label, key, factor))
    return columns
