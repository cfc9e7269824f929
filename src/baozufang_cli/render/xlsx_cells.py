"""Styles, cells, total formulas and column widths of bzf's Excel workbooks (``render/xlsx.py`` lays them out).

Speed matters here: a 10,000-project export writes about a million cells. Styles are a few
named styles plus variants (number format, wrapping, flag colours), each resolved once on a
detached prototype cell into openpyxl's style array; every cell then shares that array. Values
are bound by their Python type instead of openpyxl's per-cell guessing, which is also what
keeps text text: a string is never written as a formula or an error code.

openpyxl is imported inside the functions (start-up time of the commands that never write Excel).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from baozufang_cli.reports.value import Column, Highlight

if TYPE_CHECKING:
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.workbook import Workbook

FONT = "宋体"
TITLE_FONT = "黑体"
# text Excel would run as a formula when the cell is edited (and CSV's defused prefixes)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NUMBER_FORMATS = {
    "int": "#,##0",
    "year": "0",
    "number": "General",
    "float": "#,##0.00",
    "money": "#,##0.00",
    "pct": "0.0%",
    "date": "yyyy-mm-dd",
    "code": "@",
}
NUMERIC_KINDS = ("int", "year", "number", "float", "money", "pct")
HEADER_FILL = "D9E1F2"
TOTAL_FILL = "F2F2F2"
GRID = "808080"
# (fill, font colour): Excel's own "light red fill with dark red text" and friends
FLAG_COLOURS = {
    "overdue": ("FFC7CE", "9C0006"),
    "shortfall": ("FFC7CE", "9C0006"),
    "late": ("E4DFEC", "5B3F86"),
    "upcoming": ("FFEB9C", "9C5700"),
    "warning": ("FFEB9C", "9C5700"),
    "done": ("C6EFCE", "006100"),
}
FLAG_ORDER = tuple(FLAG_COLOURS)  # the first flag of a row decides its colour
MUTED_COLOUR = "808080"
MAX_FORMULA = 8000  # Excel allows 8,192 characters

TITLE, SUBTITLE, CAPTION, HEADER, BODY, TOTAL, NOTE = (
    "bzf标题", "bzf副标题", "bzf表名", "bzf表头", "bzf正文", "bzf合计", "bzf说明",
)  # fmt: skip


class Styles:
    """The workbook's named styles and their variants, each resolved once to a style array."""

    def __init__(self, workbook: Workbook) -> None:
        from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

        self.workbook = workbook
        self._arrays: dict[tuple[str, str, bool, str], StyleArray] = {}
        thin = Side(style="thin", color=GRID)
        grid = Border(left=thin, right=thin, top=thin, bottom=thin)
        middle = Alignment(vertical="center")
        named = [
            NamedStyle(
                TITLE,
                font=Font(name=TITLE_FONT, size=16, bold=True),
                alignment=Alignment(horizontal="center", vertical="center"),
            ),
            NamedStyle(
                SUBTITLE,
                font=Font(name=FONT, size=10, color="404040"),
                alignment=Alignment(horizontal="left", vertical="center", wrap_text=True),
            ),
            NamedStyle(CAPTION, font=Font(name=FONT, size=11, bold=True), alignment=middle),
            NamedStyle(
                HEADER,
                font=Font(name=FONT, size=11, bold=True),
                fill=PatternFill("solid", fgColor=HEADER_FILL),
                border=grid,
                alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
            ),
            NamedStyle(BODY, font=Font(name=FONT, size=11), border=grid, alignment=middle),
            NamedStyle(
                TOTAL,
                font=Font(name=FONT, size=11, bold=True),
                fill=PatternFill("solid", fgColor=TOTAL_FILL),
                border=grid,
                alignment=middle,
            ),
            NamedStyle(NOTE, font=Font(name=FONT, size=10, color="404040")),
        ]
        for style in named:
            workbook.add_named_style(style)

    def array(self, sheet: Any, name: str, kind: str = "", wrap: bool = False, flag: str = "") -> StyleArray:
        """Named style ``name`` with the number format of column ``kind``, wrapping and the colours
        of ``flag`` — computed on a detached prototype cell the first time, then shared."""
        key = (name, kind, wrap, flag)
        found = self._arrays.get(key)
        if found is not None:
            return found
        from openpyxl.cell.cell import Cell
        from openpyxl.styles import Alignment, Font, PatternFill

        prototype = Cell(sheet)
        prototype.style = name
        number_format = NUMBER_FORMATS.get(kind)
        if number_format:
            prototype.number_format = number_format
        if kind in NUMERIC_KINDS and name != HEADER:
            prototype.alignment = Alignment(horizontal="right", vertical="center")
        elif wrap:
            prototype.alignment = Alignment(vertical="center", wrap_text=True)
        bold = name == TOTAL
        if flag == "muted":
            prototype.font = Font(name=FONT, size=11, bold=bold, color=MUTED_COLOUR)
        elif flag in FLAG_COLOURS:
            fill, colour = FLAG_COLOURS[flag]
            prototype.fill = PatternFill("solid", fgColor=fill)
            prototype.font = Font(name=FONT, size=11, bold=bold, color=colour)
        self._arrays[key] = prototype._style
        return prototype._style


def plain(value: Any) -> Any:
    """A report value as a spreadsheet shows it: booleans 是/否, lists joined with 、."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple | set | frozenset):
        return "、".join(str(v) for v in value)
    return value


def make_cells(sheet: Any, row: int, values: list[Any], styles: list[StyleArray]) -> list[Any]:
    """The cells of one sheet row, bound by the values' Python types (this runs once per cell of
    the workbook, hence the local names): a string is always a string — never a formula, never an
    error code such as ``#N/A`` — and one that Excel would run as a formula once the cell is
    edited also gets Excel's quote prefix."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

    illegal = ILLEGAL_CHARACTERS_RE.search
    cells = []
    for column, (value, style) in enumerate(zip(values, styles, strict=True), start=1):
        cell = Cell(sheet, row=row, column=column)
        cell._style = style  # shared: cells never change their style after this
        cells.append(cell)
        if value is None:
            continue
        kind = type(value)
        if kind is int or kind is float:
            cell._value = value
            continue
        if kind is date:
            cell._value = value
            cell.data_type = "d"
            continue
        if kind is bool or kind in (list, tuple, set, frozenset):
            value, kind = plain(value), str
        if kind is not str:
            cell.value = value  # anything else: openpyxl's own binding, but text stays text
            if cell.data_type in ("f", "e"):
                cell.data_type = "s"
            continue
        value = value[:32767]  # Excel's limit for one cell
        if illegal(value):  # control characters Excel cannot store are dropped
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell._value = value
        cell.data_type = "s"
        if value.startswith(FORMULA_PREFIXES):
            quoted = type(style)(style)  # a copy: the shared array stays as it is
            quoted.quotePrefix = 1
            cell._style = quoted
    return cells


def formula_cell(sheet: Any, row: int, column: int, formula: str, style: StyleArray) -> Any:
    from openpyxl.cell.cell import Cell

    cell = Cell(sheet, row=row, column=column)
    cell._style = style
    cell._value = formula
    cell.data_type = "f"
    return cell


def display_width(text: str) -> int:
    """Cells a text takes on screen: CJK and other wide characters count 2 (UTF-8 needs 3 bytes
    for them and 1 for ASCII, so the mean of both lengths is exact for the two cases that matter)."""
    return (len(text.encode("utf-8")) + len(text)) // 2


# ------------------------------------------------------------------ formulas and widths


def runs(rows: list[int]) -> list[tuple[int, int]]:
    """Consecutive row numbers as (first, last) runs: [5, 6, 7, 9] → [(5, 7), (9, 9)]."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def sum_formula(letter: str, rows: list[int]) -> str | None:
    if not rows:
        return None
    parts = [f"{letter}{a}" if a == b else f"{letter}{a}:{letter}{b}" for a, b in runs(rows)]
    text = f"=SUM({','.join(parts)})"
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


def widest(column: Column, values: list[Any]) -> int:
    """The display width of the widest value of a column as Excel shows it (numbers formatted)."""
    kind = column.kind
    if kind == "date":
        return 10 if any(isinstance(v, date) for v in values) else 2
    if kind == "pct":
        return 7
    if kind == "year":
        return 4
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
    widest = 0
    if numbers:
        largest = max(abs(min(numbers)), abs(max(numbers)))
        pattern = "{:,.0f}" if kind == "int" else "{:,.2f}"
        widest = len(pattern.format(largest)) + (1 if min(numbers) < 0 else 0)
    for text in texts:
        lines = text.split("\n") if "\n" in text else (text,)
        widest = max(widest, *(display_width(line) for line in lines))
    return widest
