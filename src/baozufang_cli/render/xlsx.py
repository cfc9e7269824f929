"""Excel workbooks from report tables, laid out like a government 台账.

Every worksheet: a merged title row (``贵阳市保障性租赁住房项目台账``), a subtitle with the
as-of date, the ledger and the filters, then the sheet's tables top to bottom — an optional
caption, a bold, filled, bordered header (two rows when columns are grouped), the rows, a 合计
row, notes. The main table's header is frozen, filtered and repeated on every printed page
(A3 landscape, one page wide). Numbers keep real number formats (units ``#,##0``, money
``#,##0.00`` 万元, rates ``0.0%``, dates as dates); columns are as wide as their text, a CJK
character counting 2.

* **Formulas.** 合计 and 小计 cells of ``Column.sums`` are ``=SUM()`` over the rows they add up
  (rows flagged ``muted`` are left out, as the reports leave them out); ``Column.ratio_of``
  cells divide two cells of their own row. A number corrected in the meeting flows through.
* **Highlights** are conditional formats on the cell that decides them (``Table.highlights``:
  the 状态 cell says 逾期 …), so they follow edits; other row flags are painted as computed.
* **Text stays text** (``xlsx_cells.make_cells``).
* **Memory.** Sheets are streamed (openpyxl's write-only mode): every position is planned
  first — widths, frozen panes, merges and formats must be known before the first row — and
  each row is written as it is made, so a 20,000-project workbook never sits in memory.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from baozufang_cli.render.xlsx_cells import (
    BODY,
    CAPTION,
    FLAG_COLOURS,
    FLAG_ORDER,
    HEADER,
    NOTE,
    SUBTITLE,
    TITLE,
    TOTAL,
    Styles,
    condition,
    display_width,
    formula_cell,
    make_cells,
    runs,
    sum_formula,
    widest,
)
from baozufang_cli.reports.value import Chart, Column, Report, Sheet, Table

if TYPE_CHECKING:
    from openpyxl.styles.cell_style import StyleArray

MIN_WIDTH, MAX_WIDTH, WRAP_WIDTH = 6, 60, 40  # display cells; text wider than WRAP_WIDTH wraps
HEADER_WRAP = 14  # a long header wraps onto two lines rather than widening a column of short numbers
SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def heading(city: str, title: str) -> str:
    """贵阳市保障性租赁住房项目台账; a title that already names the programme keeps its own wording."""
    if "保障性租赁住房" in title:
        return title if title.startswith(city) else city + title
    return f"{city}保障性租赁住房{title}"


# ------------------------------------------------------------------ the plan of a sheet


@dataclass
class TableLayout:
    """Where a table lands on its sheet (1-based rows; column letters by key)."""

    caption_row: int | None
    header_rows: tuple[int, int]
    first_data_row: int
    last_data_row: int  # first_data_row − 1 when the table has no rows
    total_row: int | None
    letters: dict[str, str]
    data_rows: list[int] = field(default_factory=list)  # body rows that are not 小计
    summed: list[int] = field(default_factory=list)  # rows the 合计 adds up (not 小计, not muted)
    subtotals: dict[int, list[int]] = field(default_factory=dict)  # row index → rows its 小计 adds up
    end_row: int = 0  # the last row of the table, notes included


def _plan_table(table: Table, start: int, caption: bool) -> TableLayout:
    """Positions of ``table`` when its first row is ``start`` (the same order ``_write_table`` uses)."""
    from openpyxl.utils import get_column_letter

    letters = {column.key: get_column_letter(i + 1) for i, column in enumerate(table.columns)}
    row = start
    caption_row = None
    if caption:
        caption_row, row = row, row + 1
    grouped = any(column.group for column in table.columns)
    header_rows = (row, row + 1) if grouped else (row, row)
    row = header_rows[1] + 1
    layout = TableLayout(caption_row, header_rows, row, row - 1, None, letters)
    section: list[int] = []
    for index in range(len(table.rows)):
        flags = table.flags.get(index, ())
        if "subtotal" in flags:
            layout.subtotals[index] = section
            section = []
        else:
            layout.data_rows.append(row)
            if "muted" not in flags:
                section.append(row)
                layout.summed.append(row)
        row += 1
    layout.last_data_row = row - 1
    if table.total is not None:
        layout.total_row, row = row, row + 1
    if not table.rows and table.total is None:
        row += 1  # （无数据）
    layout.end_row = row - 1 + len(table.notes)
    return layout


# ------------------------------------------------------------------ the workbook


@dataclass
class SheetLayout:
    name: str
    tables: list[TableLayout]


class Book:
    """A workbook being written: ``add_sheet`` streams each sheet, ``save`` writes the file."""

    def __init__(self, city: str) -> None:
        from openpyxl import Workbook

        self.city = city
        self.workbook = Workbook(write_only=True)
        self.workbook.properties.creator = "bzf"
        self._styles: Styles | None = None
        self._names: set[str] = set()

    def _unique_name(self, name: str) -> str:
        base = (SHEET_NAME.sub("", name).strip("'") or "Sheet")[:31]
        candidate, number = base, 2
        while candidate.casefold() in self._names:
            suffix = f"({number})"
            candidate, number = base[: 31 - len(suffix)] + suffix, number + 1
        self._names.add(candidate.casefold())
        return candidate

    def add_sheet(self, spec: Sheet) -> SheetLayout:
        name = self._unique_name(spec.name)
        sheet = self.workbook.create_sheet(name)
        if self._styles is None:
            self._styles = Styles(self.workbook)
        # the cells are complete when they arrive: hand them over as they are (openpyxl would
        # otherwise try each as a value first and fail, at the cost of an exception per cell)
        if hasattr(sheet, "_values_to_row"):
            sheet._values_to_row = lambda cells, row: iter(cells)
        return SheetLayout(name, _SheetWriter(sheet, self._styles, spec, self.city).write())

    def save(self, path: Path) -> None:
        """Write the file atomically: a reader never sees half a workbook."""
        from baozufang_cli.files import atomic_write

        buffer = io.BytesIO()
        self.workbook.save(buffer)
        atomic_write(path, buffer.getvalue(), new=not path.exists())


def report_sheets(report: Report) -> list[Sheet]:
    """``--format xlsx``: one sheet per table of a report — or, for a report in sections
    (``bzf report``: 一、本期进展 …), one sheet per section with its tables one below the other."""
    if any(table.section for table in report.tables):
        return [
            Sheet(section or report.title, report, tables, title=f"{report.title}　{section}".strip())
            for section, tables in report.sections
        ]
    return [Sheet(table.title or report.title, report, [table]) for table in report.tables]


def write_report(report: Report, path: Path, city: str) -> None:
    book = Book(city)
    for spec in report_sheets(report):
        book.add_sheet(spec)
    book.save(path)


class _SheetWriter:
    def __init__(self, sheet: Any, styles: Styles, spec: Sheet, city: str) -> None:
        self.sheet = sheet
        self.styles = styles
        self.spec = spec
        self.city = city
        self.row = 0  # the last row written
        self.widths: dict[int, int] = {}
        self.wrapped: set[int] = set()

    def style(self, name: str, kind: str = "", wrap: bool = False, flag: str = "") -> StyleArray:
        return self.styles.array(self.sheet, name, kind, wrap, flag)

    def append(self, values: list[Any], styles: list[StyleArray]) -> int:
        self.row += 1
        self.sheet.append(make_cells(self.sheet, self.row, values, styles))
        return self.row

    def line(self, text: str, style: str) -> int:
        return self.append([text], [self.style(style)])

    def write(self) -> list[TableLayout]:
        spec = self.spec
        report = spec.report
        shown_heading = spec.title or report.title
        for table in spec.tables:
            self._measure(table)
        span = max([len(t.columns) for t in spec.tables] + [6])
        layouts = []
        row = 3  # below the title and the subtitle
        for index, table in enumerate(spec.tables):
            layout = _plan_table(
                table, row + (1 if index else 0), bool(table.title) and table.title != shown_heading
            )
            layouts.append(layout)
            row = layout.end_row + 1
        dated = [f"统计截至 {report.as_of.isoformat()}"] if report.as_of is not None else []
        subtitle = "　".join([*dated, f"台账：{report.ledger}", *report.subtitle])
        self._set_up(layouts, span, subtitle)
        self.line(heading(self.city, shown_heading), TITLE)
        self.line(subtitle, SUBTITLE)
        for index, (table, layout) in enumerate(zip(spec.tables, layouts, strict=True)):
            if index:
                self.append([], [])
            self._write_table(table, layout)
        if spec.chart is not None:
            self._chart(spec.chart, layouts[spec.chart.table])
        return layouts

    # -- before the first row: widths, panes, merges, formats ------------------------------

    def _measure(self, table: Table) -> None:
        for index, column in enumerate(table.columns):
            values = [row.get(column.key) for row in table.rows]
            if table.total is not None:
                values.append(table.total.get(column.key))
            header = display_width(column.header if column.group else column.full_header)
            width = max(widest(column, values), min(header, HEADER_WRAP)) + 2
            multiline = any(isinstance(v, str) and "\n" in v for v in values)
            if column.kind == "text" and (width > WRAP_WIDTH or multiline):
                width = min(width, WRAP_WIDTH)
                self.wrapped.add(index)
            self.widths[index] = min(MAX_WIDTH, max(MIN_WIDTH, width, self.widths.get(index, 0)))

    def _set_up(self, layouts: list[TableLayout], span: int, subtitle: str) -> None:
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.properties import PageSetupProperties

        sheet = self.sheet
        for index, width in self.widths.items():
            sheet.column_dimensions[get_column_letter(index + 1)].width = width + 0.7
        last = get_column_letter(span)
        sheet.merged_cells.add(f"A1:{last}1")
        sheet.merged_cells.add(f"A2:{last}2")
        sheet.row_dimensions[1].height = 30
        room = max(1, sum(self.widths.get(i, MIN_WIDTH) for i in range(span)))
        sheet.row_dimensions[2].height = 16 * max(1, -(-display_width(subtitle) // room)) + 4
        for table, layout in zip(self.spec.tables, layouts, strict=True):
            self._header_merges(table, layout)
            self._highlights(table, layout)
        main = layouts[self.spec.main]
        columns = len(self.spec.tables[self.spec.main].columns)
        sheet.freeze_panes = f"{get_column_letter(self.spec.freeze_columns + 1)}{main.first_data_row}"
        bottom = max(main.last_data_row, main.header_rows[1])
        sheet.auto_filter.ref = f"A{main.header_rows[1]}:{get_column_letter(max(columns, 1))}{bottom}"
        sheet.print_title_rows = f"{main.header_rows[0]}:{main.header_rows[1]}"
        setup = sheet.page_setup
        setup.paperSize = 8  # A3 (Excel's paper size code)
        setup.orientation = "landscape"
        setup.fitToWidth = 1
        setup.fitToHeight = 0  # as many pages down as the rows need
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        sheet.print_options.horizontalCentered = True
        margins = sheet.page_margins
        margins.left = margins.right = 0.4
        margins.top = margins.bottom = 0.6
        sheet.oddFooter.center.text = "第 &P 页，共 &N 页"

    def _header_merges(self, table: Table, layout: TableLayout) -> None:
        first, second = layout.header_rows
        columns = table.columns
        if any(display_width(c.header) + 2 > self.widths.get(i, 0) for i, c in enumerate(columns)):
            self.sheet.row_dimensions[second].height = 30
        if first == second:
            return
        from openpyxl.utils import get_column_letter

        groups: dict[str, list[int]] = {}
        for position, column in enumerate(columns, start=1):
            letter = get_column_letter(position)
            if column.group:
                groups.setdefault(column.group, []).append(position)
            else:
                self.sheet.merged_cells.add(f"{letter}{first}:{letter}{second}")
        for positions in groups.values():
            if len(positions) > 1 and positions == list(range(positions[0], positions[-1] + 1)):
                span = f"{get_column_letter(positions[0])}{first}:{get_column_letter(positions[-1])}{first}"
                self.sheet.merged_cells.add(span)

    def _highlights(self, table: Table, layout: TableLayout) -> None:
        from openpyxl.formatting.rule import FormulaRule
        from openpyxl.styles import Font, PatternFill
        from openpyxl.utils import get_column_letter

        if not layout.data_rows:
            return
        by_flag: dict[str, list[str]] = {}
        for highlight in table.highlights:
            letter = layout.letters.get(highlight.column)
            if letter is not None and highlight.flag in FLAG_COLOURS:
                cell = f"${letter}{layout.data_rows[0]}"
                by_flag.setdefault(highlight.flag, []).append(condition(highlight, cell))
        last = get_column_letter(len(table.columns))
        ranges = " ".join(f"A{a}:{last}{b}" for a, b in runs(layout.data_rows))
        for flag in FLAG_ORDER:
            conditions = by_flag.get(flag)
            if not conditions:
                continue
            fill, colour = FLAG_COLOURS[flag]
            rule = FormulaRule(
                formula=[conditions[0] if len(conditions) == 1 else f"OR({','.join(conditions)})"],
                fill=PatternFill("solid", start_color=fill, end_color=fill),
                font=Font(color=colour),
                stopIfTrue=True,
            )
            self.sheet.conditional_formatting.add(ranges, rule)

    def _chart(self, chart: Chart, layout: TableLayout) -> None:
        from openpyxl.chart import BarChart, Reference, Series
        from openpyxl.chart.series import SeriesLabel
        from openpyxl.utils import column_index_from_string

        if not layout.data_rows:
            return
        first, last = layout.first_data_row, layout.last_data_row
        bar = BarChart()
        bar.type = "col"
        bar.grouping = "clustered"
        bar.title = chart.title
        bar.y_axis.title = chart.axis_title
        bar.y_axis.numFmt = "#,##0"
        bar.x_axis.delete = False  # openpyxl 3.1 hides both axes unless told otherwise
        bar.y_axis.delete = False
        for key, name in chart.series:
            column = column_index_from_string(layout.letters[key])
            series = Series(Reference(self.sheet, min_col=column, min_row=first, max_row=last))
            series.tx = SeriesLabel(v=name)
            bar.series.append(series)
        category = column_index_from_string(layout.letters[chart.category])
        bar.set_categories(Reference(self.sheet, min_col=category, min_row=first, max_row=last))
        bar.width = max(18.0, 1.6 * len(layout.data_rows))
        bar.height = 9.0
        self.sheet.add_chart(bar, f"B{self.row + 2}")

    # -- the rows --------------------------------------------------------------------------

    def _write_table(self, table: Table, layout: TableLayout) -> None:
        columns = table.columns
        if layout.caption_row is not None:
            self.line(table.title, CAPTION)
        header = [self.style(HEADER)] * len(columns)
        if layout.header_rows[0] != layout.header_rows[1]:
            self.append([column.group or column.header for column in columns], header)
            self.append([column.header for column in columns], header)
        else:
            self.append([column.full_header for column in columns], header)
        keys = [column.key for column in columns]
        plain_styles = [self._body_style(i, c, "") for i, c in enumerate(columns)]
        painted = _painted_flags(table)
        for index, row in enumerate(table.rows):
            flags = table.flags.get(index, set())
            if "subtotal" in flags:
                self._summary_row(
                    table, row, layout, layout.subtotals[index], "muted" if "muted" in flags else ""
                )
                continue
            flag = next((f for f in ("muted", *FLAG_ORDER) if f in flags and f in painted), "")
            styles = (
                plain_styles if not flag else [self._body_style(i, c, flag) for i, c in enumerate(columns)]
            )
            self.append([row.get(key) for key in keys], styles)
        if table.total is not None:
            self._summary_row(table, table.total, layout, layout.summed, "")
        if not table.rows and table.total is None:
            self.line("（无数据）", NOTE)
        for note in table.notes:
            self.line(note, NOTE)
        assert self.row == layout.end_row, "the plan and the rows written disagree"

    def _body_style(self, index: int, column: Column, flag: str) -> StyleArray:
        return self.style(BODY, column.kind, index in self.wrapped, flag)

    def _summary_row(
        self, table: Table, values: dict[str, Any], layout: TableLayout, rows: list[int], flag: str
    ) -> None:
        """A 合计 or 小计 row: sums over ``rows``, ratios of its own cells where the columns say so."""
        number = self.row + 1
        formulas: dict[int, str] = {}
        for position, column in enumerate(table.columns):
            if values.get(column.key) is None:
                continue  # nothing to show: the report says the figure does not add up
            if column.sums:
                formula = sum_formula(layout.letters[column.key], rows)
            elif column.ratio_of and all(key in layout.letters for key in column.ratio_of):
                top, bottom = (f"{layout.letters[key]}{number}" for key in column.ratio_of)
                formula = f'=IF({bottom}=0,"",{top}/{bottom})'
            else:
                continue
            if formula is not None:
                formulas[position] = formula
        styles = [self.style(TOTAL, column.kind, False, flag) for column in table.columns]
        cells = make_cells(self.sheet, number, [values.get(c.key) for c in table.columns], styles)
        for position, formula in formulas.items():
            cells[position] = formula_cell(self.sheet, number, position + 1, formula, styles[position])
        self.row = number
        self.sheet.append(cells)


def _painted_flags(table: Table) -> set[str]:
    """Flags drawn as static colours: those no highlight of this table expresses as a formula."""
    keys = {column.key for column in table.columns}
    formula_flags = {h.flag for h in table.highlights if h.column in keys}
    return {"muted", *(flag for flag in FLAG_COLOURS if flag not in formula_flags)}
