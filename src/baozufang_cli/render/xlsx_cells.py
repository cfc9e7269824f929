"""Formats, cell values, total formulas, column widths and row heights of bzf's workbooks
(``render/xlsx.py`` lays them out, ``render/xlsx_print.py`` sets up the printed page).

Speed matters here: a 10,000-project export writes about a million cells. A format is made
once per (style, number format, wrap, flag) and shared; values are bound by their Python type
(``write_row``), which is also what keeps text text: a string is never written as a formula,
a number or a URL.

XlsxWriter is imported inside the functions (start-up time of the commands that never write Excel).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from baozufang_cli.ledger.characters import visible
from baozufang_cli.render.text import FORMULA_STARTS, formula_like
from baozufang_cli.reports.value import Column, Highlight, LightRule

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

FONT = "宋体"
TITLE_FONT = "黑体"
BODY_SIZE = 11  # printed at ≥ 65 % (xlsx_print.MIN_SCALE): never below 7 pt on paper
# text Excel would run as a formula when the cell is edited (and CSV's defused prefixes)
FORMULA_PREFIXES = FORMULA_STARTS  # render/text.formula_like: also after leading spaces, and newline
NUMBER_FORMATS = {
    "int": "#,##0",
    "year": "0",
    "number": "#,##0.0",
    "float": "#,##0.00",
    "money": "#,##0.00",
    "pct": "0.0%",
    "date": "yyyy-mm-dd",
    "code": "@",
}
NUMERIC_KINDS = ("int", "year", "number", "float", "money", "pct")
HEADER_FILL = "#D9E1F2"
TOTAL_FILL = "#F2F2F2"
GRID = "#808080"
# (fill, font colour): Excel's own "light red fill with dark red text" and friends
FLAG_COLOURS = {
    "overdue": ("#FFC7CE", "#9C0006"),
    "shortfall": ("#FFC7CE", "#9C0006"),
    "late": ("#E4DFEC", "#5B3F86"),
    "upcoming": ("#FFEB9C", "#9C5700"),
    "warning": ("#FFEB9C", "#9C5700"),
    "done": ("#C6EFCE", "#006100"),
}
FLAG_ORDER = tuple(FLAG_COLOURS)  # the first flag of a row decides its colour
# the legend under a sheet that uses colour: what a coloured cell means
FLAG_LEGEND = {
    "overdue": "逾期",
    "shortfall": "缺口、超支或超限",
    "late": "晚于计划完成",
    "upcoming": "即将到期",
    "warning": "需关注",
    "done": "已完成",
}
MUTED_COLOUR = "#808080"
MAX_FORMULA = 8000  # Excel allows 8,192 characters
LINE_HEIGHT = 15.0  # points per line of 11 pt CJK text (宋体 / Noto CJK), padding included

TITLE, SUBTITLE, CAPTION, HEADER, BODY, TOTAL, NOTE, LEGEND = (
    "title", "subtitle", "caption", "header", "body", "total", "note", "legend",
)  # fmt: skip


class Formats:
    """The workbook's formats: a base per style, each variant made once and shared."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self._made: dict[tuple[str, str, bool, str, bool], Format] = {}
        self._quoted: dict[int, Format] = {}  # id(format) → the same with Excel's quote prefix

    def get(
        self, name: str, kind: str = "", wrap: bool = False, flag: str = "", quoted: bool = False
    ) -> Format:
        key = (name, kind, wrap, flag, quoted)
        found = self._made.get(key)
        if found is None:
            found = self._made[key] = self.workbook.add_format(_properties(name, kind, wrap, flag, quoted))
            if not quoted:
                self._quoted[id(found)] = self.get(name, kind, wrap, flag, quoted=True)
        return found

    def quoted(self, fmt: Format) -> Format:
        return self._quoted.get(id(fmt), fmt)


def _properties(name: str, kind: str, wrap: bool, flag: str, quoted: bool) -> dict[str, Any]:
    props: dict[str, Any] = {"font_name": FONT, "font_size": BODY_SIZE, "valign": "vcenter"}
    if name == TITLE:
        props.update(font_name=TITLE_FONT, font_size=16, bold=True, align="center")
    elif name in (SUBTITLE, NOTE):
        props.update(font_color="#404040", text_wrap=True)
    elif name == LEGEND:  # one line running over the empty cells to its right
        props.update(font_color="#404040")
    elif name == CAPTION:
        props.update(bold=True)
    else:  # HEADER, BODY, TOTAL: the grid
        props.update(border=1, border_color=GRID)
        if name == HEADER:
            props.update(bold=True, bg_color=HEADER_FILL, align="center", text_wrap=True)
        elif name == TOTAL:
            props.update(bold=True, bg_color=TOTAL_FILL)
        number_format = NUMBER_FORMATS.get(kind)
        if number_format and name != HEADER:
            props["num_format"] = number_format
        if kind in NUMERIC_KINDS and name != HEADER:
            props["align"] = "right"
        elif kind == "date" and name != HEADER:
            props["align"] = "center"
        if wrap:
            props["text_wrap"] = True
    if flag == "muted":
        props["font_color"] = MUTED_COLOUR
    elif flag in FLAG_COLOURS:
        fill, colour = FLAG_COLOURS[flag]
        props.update(bg_color=fill, font_color=colour)
    if quoted:
        props["quote_prefix"] = True
    return props


def plain(value: Any) -> Any:
    """A report value as a spreadsheet shows it: booleans 是/否, lists joined with 、."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple | set | frozenset):
        return "、".join(str(v) for v in value)
    return value


def row_writer(sheet: Worksheet, formats: Formats) -> Callable[[int, list[Any], list[Format]], None]:
    """A function writing one row of values with their formats, bound by the values' Python types
    (this runs once per cell of the workbook, hence the local names): a string is always a string
    — never a formula, never a URL — and one that Excel would run as a formula once the cell is
    edited also gets Excel's quote prefix. ``None`` leaves a formatted blank (the grid).

    A string is checked once per distinct text (district names, states and units repeat on
    every row): ``seen`` keeps what to write for it and whether it needs the quote prefix.
    XlsxWriter's ``_write_*`` methods are what its public ``write_*`` call after parsing A1
    notation, which the row and column numbers here never need."""
    write_number = getattr(sheet, "_write_number", sheet.write_number)
    write_string = getattr(sheet, "_write_string", sheet.write_string)
    write_date = getattr(sheet, "_write_datetime", sheet.write_datetime)
    write_blank = getattr(sheet, "_write_blank", sheet.write_blank)
    quoted = formats.quoted
    seen: dict[str, tuple[str, bool]] = {}

    def text_of(value: str) -> tuple[str, bool]:
        found = seen[value] = (_clean(value), formula_like(value))
        return found

    def write(row: int, values: list[Any], cell_formats: list[Format]) -> None:
        column = -1
        for value in values:
            column += 1
            kind = type(value)
            if kind is str:
                if not value:
                    write_blank(row, column, None, cell_formats[column])
                    continue
                text, formula = seen.get(value) or text_of(value)
                write_string(
                    row, column, text, quoted(cell_formats[column]) if formula else cell_formats[column]
                )
            elif kind is int or kind is float:
                write_number(row, column, value, cell_formats[column])
            elif value is None:
                write_blank(row, column, None, cell_formats[column])
            elif kind is date:
                write_date(row, column, value, cell_formats[column])
            else:
                text = str(plain(value))  # lists joined: their first item may look like a formula too
                fmt = quoted(cell_formats[column]) if formula_like(text) else cell_formats[column]
                write_string(row, column, _clean(text), fmt)

    return write


def _clean(text: str) -> str:
    """At most Excel's 32,767 characters; control characters (a cell cannot hold C0: XlsxWriter
    would write ``_x0001_``) and bidi controls written out as ``\\x1b``, ``\\u202e`` (``visible``)."""
    return visible(text)[:32767]


def display_width(text: str) -> int:
    """Cells a text takes on screen: CJK and other wide characters count 2 (UTF-8 needs 3 bytes
    for them and 1 for ASCII, so the mean of both lengths is exact for the two cases that matter)."""
    return (len(text.encode("utf-8")) + len(text)) // 2


def text_lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column ``width`` display cells wide. Narrow characters
    count 1.25 here: LibreOffice sets digits and Latin text in fonts wider than Excel's, and a row
    a little too tall is better than a line cut off."""
    room = max(1.0, width - 1)
    lines = 0
    for line in text.split("\n"):
        wide = (len(line.encode("utf-8")) - len(line)) // 2  # CJK: 3 bytes in UTF-8, 1 character
        lines += max(1, math.ceil((2 * wide + 1.25 * (len(line) - wide)) / room))
    return lines


# ------------------------------------------------------------------ formulas and widths


def runs(rows: list[int]) -> list[tuple[int, int]]:
    """Consecutive row numbers as (first, last) runs: [5, 6, 7, 9] → [(5, 7), (9, 9)]."""
    found: list[tuple[int, int]] = []
    for row in rows:
        if found and found[-1][1] == row - 1:
            found[-1] = (found[-1][0], row)
        else:
            found.append((row, row))
    return found


def subtotal_formula(letter: str, rows: list[int]) -> str | None:
    """``=SUBTOTAL(109, …)`` over 1-based ``rows``: a filtered view totals only what it shows."""
    if not rows:
        return None
    parts = [f"{letter}{a}" if a == b else f"{letter}{a}:{letter}{b}" for a, b in runs(rows)]
    if len(parts) > 254:  # SUBTOTAL takes at most 254 references
        return None
    text = f"=SUBTOTAL(109,{','.join(parts)})"
    return text if len(text) <= MAX_FORMULA else None


def condition(highlight: Highlight, cell: str) -> str:
    if highlight.contains is not None:
        return f'ISNUMBER(SEARCH("{quote_text(highlight.contains)}",{cell}))'
    if highlight.above is not None:
        return f"AND(ISNUMBER({cell}),{cell}>{highlight.above:g})"
    value = plain(highlight.equals)
    if isinstance(value, int | float):
        return f"{cell}={value}"
    return f'{cell}="{quote_text(str(value))}"'


def quote_text(text: str) -> str:
    return text.replace('"', '""')


def widest(column: Column, values: list[Any]) -> tuple[int, bool]:
    """The display width of the widest value of a column as Excel shows it (numbers formatted),
    and whether any text of it runs over several lines."""
    kind = column.kind
    if kind == "date":
        return (10 if any(isinstance(v, date) for v in values) else 2), False
    if kind == "pct":
        return 7, False
    if kind == "year":
        return 4, False
    numbers: list[float] = []
    texts: set[str] = set()  # repeated values (district names, units) are measured once
    for value in values:
        kind_of = type(value)
        if kind_of is str:
            texts.add(value)
        elif kind_of is int or kind_of is float:
            numbers.append(value)
        elif value is not None:
            texts.add(str(plain(value)))
    found = 0
    if numbers:
        largest = max(abs(min(numbers)), abs(max(numbers)))
        pattern = "{:,.0f}" if kind == "int" else "{:,.2f}"
        found = len(pattern.format(largest)) + (1 if min(numbers) < 0 else 0)
    multiline = False
    for text in texts:
        if "\n" in text:
            multiline = True
            found = max(found, *(display_width(line) for line in text.split("\n")))
        else:
            found = max(found, display_width(text))
    return found, multiline


def light_formula(rule: LightRule, actual: str, target: str) -> str:
    """The 灯 of a total row from its own ``actual`` and ``target`` cells (``facts/pace.district_light``:
    green when completion lags 序时进度 by ≤ yellow points, yellow when ≤ red, else red; no target
    → the no-light mark). Rounded to 9 decimals so that a boundary case is not lost to binary floats."""
    green, yellow, red, none = (f'"{label}"' for label in rule.labels)
    numerator, denominator = rule.elapsed
    behind = f"ROUND(({numerator}/{denominator}-{actual}/{target})*100,9)"
    return (
        f"=IF(N({target})<=0,{none},IF({behind}<={rule.yellow_points!r},{green},"
        f"IF({behind}<={rule.red_points!r},{yellow},{red})))"
    )
