"""Excel workbooks from report tables, laid out like a government 台账 and made to be printed.

Every worksheet: a merged title row (``贵阳市保障性租赁住房项目台账``), a subtitle with the
as-of date, the ledger and the filters, the sheet's own lines (the form line 填报单位 … 填报日期,
a headline), then the sheet's tables top to bottom — an optional caption, a bold, filled,
bordered header (two rows when columns are grouped), the rows, a 合计 row, notes, a colour
legend — and closing lines (审核人 / 分管领导). Numbers keep real number formats (units
``#,##0``, money ``#,##0.00`` 万元, rates ``0.0%``, dates as dates); columns are as wide as
their text, a CJK character counting 2; rows with wrapped text are as tall as their lines.

* **Formulas.** 合计 and 小计 cells of ``Column.sums`` are ``=SUBTOTAL(109, …)`` over the rows
  they add up (rows flagged ``muted`` are left out, as the reports leave them out), so a
  filtered view totals what it shows; ``Column.ratio_of`` cells divide two cells of their own
  row. Each formula carries its computed value for readers that do not recalculate.
* **Colour marks the deciding cell** (``Table.highlights``: the 状态 cell says 逾期, a 预计缺口
  above 0 …) as a conditional format, so it follows edits; a legend line says what it means.
  A flag without a deciding column colours the row's first cell only.
* **Printing** (``render/xlsx_print.py``): A3 landscape, fit to the page width only where the
  text stays ≥ 7 pt, else printed wide with the key columns repeated; a single-table sheet
  freezes, filters and repeats its header; stacked tables start on a new page when they would
  not fit on the current one. Footer 第 &P 页 共 &N 页 and the as-of day inside the margins.
* **Text stays text** (``xlsx_cells.row_writer``).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from baozufang_cli.render.xlsx_cells import (
    BODY,
    CAPTION,
    FLAG_COLOURS,
    FLAG_ORDER,
    FONT,
    HEADER,
    LEGEND,
    LINE_HEIGHT,
    NOTE,
    SUBTITLE,
    TITLE,
    TOTAL,
    Formats,
    condition,
    display_width,
    light_formula,
    row_writer,
    runs,
    subtotal_formula,
    text_lines,
    widest,
)
from baozufang_cli.render.xlsx_layout import TableLayout, legend_items, painted_flags, plan_table
from baozufang_cli.render.xlsx_print import (
    MIN_SCALE,
    PAGE_HEIGHT_PT,
    PageRows,
    add_chart,
    chart_height,
    set_up_page,
    sheet_scale,
)
from baozufang_cli.reports.value import Column, Report, Sheet, Table

if TYPE_CHECKING:
    from xlsxwriter.format import Format

MIN_WIDTH, MAX_WIDTH, WRAP_WIDTH = 6, 60, 40  # display cells; text wider than the wrap width wraps
HEADER_WRAP = 14  # a long header wraps onto two lines rather than widening a column of short numbers
SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def heading(city: str, title: str) -> str:
    """贵阳市保障性租赁住房项目台账; a title that already names the programme keeps its own wording."""
    if "保障性租赁住房" in title:
        return title if title.startswith(city) else city + title
    return f"{city}保障性租赁住房{title}"


# ------------------------------------------------------------------ the workbook


@dataclass
class SheetLayout:
    name: str
    tables: list[TableLayout]


class Book:
    """A workbook being written: ``add_sheet`` writes each sheet, ``save`` writes the file."""

    def __init__(self, city: str) -> None:
        import xlsxwriter

        self.city = city
        self.buffer = io.BytesIO()
        self.workbook = xlsxwriter.Workbook(
            self.buffer,
            {
                "in_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "default_date_format": "yyyy-mm-dd",
            },
        )
        self.workbook.set_properties({"author": "bzf", "title": f"{city}保障性租赁住房台账"})
        self.formats = Formats(self.workbook)
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
        sheet = self.workbook.add_worksheet(name)
        return SheetLayout(name, _SheetWriter(self, sheet, name, spec).write())

    def save(self, path: Path) -> None:
        """Write the file atomically: a reader never sees half a workbook."""
        from baozufang_cli.files import atomic_write

        self.workbook.close()
        atomic_write(path, self.buffer.getvalue(), new=not path.exists())


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
    def __init__(self, book: Book, sheet: Any, name: str, spec: Sheet) -> None:
        self.book = book
        self.sheet = sheet
        self.name = name
        self.formats = book.formats
        self.spec = spec
        self.row = 0  # the last row written (1-based)
        self.widths: dict[int, int] = {}
        self.wrapped: set[int] = set()
        self.write_row = row_writer(sheet, self.formats)
        self.pages = PageRows()

    def fmt(self, name: str, kind: str = "", wrap: bool = False, flag: str = "") -> Format:
        return self.formats.get(name, kind, wrap, flag)

    def height(self, row: int, points: float) -> None:
        self.sheet.set_row(row - 1, points)
        self.pages.add(points)

    def line(self, text: str, style: str, span: int) -> int:
        """A text line across ``span`` columns, as tall as its wrapped text."""
        self.row += 1
        fmt = self.fmt(style)
        if span > 1:
            self.sheet.merge_range(self.row - 1, 0, self.row - 1, span - 1, text, fmt)
        else:
            self.sheet.write_string(self.row - 1, 0, text, fmt)
        room = sum(self.widths.get(i, MIN_WIDTH) for i in range(span))
        lines = text_lines(text, room) if style in (SUBTITLE, NOTE) else 1  # captions do not wrap
        self.height(self.row, 30 if style == TITLE else lines * LINE_HEIGHT + 3)
        return self.row

    def write(self) -> list[TableLayout]:
        spec = self.spec
        report = spec.report
        single_title = spec.tables[0].title if len(spec.tables) == 1 else ""
        shown_heading = spec.title or single_title or report.title
        for table in spec.tables:
            self._measure(table)
        span = max([len(t.columns) for t in spec.tables] + [6])
        dated = [f"统计截至 {report.as_of.isoformat()}"] if report.as_of is not None else []
        subtitle = "　".join([*dated, f"台账：{report.ledger}", *report.subtitle])
        title = heading(self.book.city, shown_heading)
        self._columns(span)
        self.pages.scale = max(MIN_SCALE, sheet_scale([self.widths.get(i, MIN_WIDTH) for i in range(span)]))
        self.line(title, TITLE, span)
        self.line(subtitle, SUBTITLE, span)
        for text in spec.lines:
            self.line(text, SUBTITLE, span)
        layouts = []
        breaks = []
        for index, table in enumerate(spec.tables):
            # a sheet of one table is titled by its heading; stacked tables each name themselves
            caption = len(spec.tables) > 1 and bool(table.title) and table.title != shown_heading
            legend = bool(legend_items(table))
            if index:
                self.row += 1  # a blank row between tables
                self.pages.add(LINE_HEIGHT)
                if not self.pages.fits(len(table.rows) + 3):
                    breaks.append(self.row)  # the table starts on a new page
                    self.pages.new_page()
            layout = plan_table(table, self.row + 1, caption, legend)
            layouts.append(layout)
            self._write_table(table, layout, legend)
        if spec.chart is not None and layouts[spec.chart.table].data_rows:
            self.row += 1
            points = chart_height(spec.chart, layouts[spec.chart.table]) * 0.75
            if not self.pages.fits(0, 0) or self.pages.used + points > PAGE_HEIGHT_PT / self.pages.scale:
                breaks.append(self.row - 1)
                self.pages.new_page()
            self.pages.add(points)
            self.row += add_chart(
                self.book.workbook, self.sheet, self.name, spec.chart, spec.tables[spec.chart.table],
                layouts[spec.chart.table], self.row,
            )  # fmt: skip
        for text in spec.closing:
            self.row += 1
            self.line(text, CAPTION, span)
        single = len(spec.tables) == 1
        main = layouts[spec.main]
        main_table = spec.tables[spec.main]
        if single:
            self.sheet.freeze_panes(main.first_data_row - 1, spec.freeze_columns)
        if main_table.rows:
            self.sheet.autofilter(
                main.header_rows[1] - 1, 0, max(main.last_data_row, main.header_rows[1]) - 1,
                max(len(main_table.columns), 1) - 1,
            )  # fmt: skip
        if breaks:
            self.sheet.set_h_pagebreaks(breaks)
        set_up_page(
            self.sheet,
            [self.widths.get(i, MIN_WIDTH) for i in range(span)],
            title,
            report.as_of,
            (main.header_rows[0] - 1, main.header_rows[1] - 1) if single else None,
            spec.freeze_columns,
        )
        return layouts

    # -- before the first row: widths ------------------------------------------------------

    def _measure(self, table: Table) -> None:
        wrap_width = self.spec.wrap_width or WRAP_WIDTH
        for index, column in enumerate(table.columns):
            values = [row.get(column.key) for row in table.rows]
            if table.total is not None:
                values.append(table.total.get(column.key))
            header = display_width(column.header if column.group else column.full_header)
            found, multiline = widest(column, values)
            width = max(found, min(header, HEADER_WRAP)) + 2
            if column.kind == "text" and (width > wrap_width or multiline):
                width = min(width, wrap_width)
                self.wrapped.add(index)
            self.widths[index] = min(MAX_WIDTH, max(MIN_WIDTH, width, self.widths.get(index, 0)))

    def _columns(self, span: int) -> None:
        for index in range(span):
            self.sheet.set_column(index, index, self.widths.get(index, MIN_WIDTH) + 0.7)

    # -- the rows --------------------------------------------------------------------------

    def _write_table(self, table: Table, layout: TableLayout, legend: bool) -> None:
        columns = table.columns
        if layout.caption_row is not None:
            self.line(table.title, CAPTION, 1)
        self._header(table, layout)
        keys = [column.key for column in columns]
        wrapped = [i for i in range(len(columns)) if i in self.wrapped]
        widths = self.widths
        plain_formats = [self._body_format(i, c, "") for i, c in enumerate(columns)]
        painted = painted_flags(table)
        flags_of = table.flags
        for index, row in enumerate(table.rows):
            flags = flags_of.get(index)
            if flags and "subtotal" in flags:
                self._summary_row(
                    table, row, layout, layout.subtotals[index], "muted" if "muted" in flags else ""
                )
                continue
            formats = plain_formats
            if flags:
                flag = next((f for f in ("muted", *FLAG_ORDER) if f in flags and f in painted), "")
                if flag == "muted":
                    formats = [self._body_format(i, c, flag) for i, c in enumerate(columns)]
                elif flag:  # no deciding column on this table: mark the row's first cell only
                    formats = [self._body_format(0, columns[0], flag), *plain_formats[1:]]
            values = [row.get(key) for key in keys]
            self.row += 1
            self.write_row(self.row - 1, values, formats)
            lines = 1
            for i in wrapped:
                value = values[i]
                if type(value) is str and (len(value) * 2 > widths[i] or "\n" in value):
                    lines = max(lines, text_lines(value, widths[i]))
            if lines > 1:
                self.height(self.row, lines * LINE_HEIGHT)
            else:
                self.pages.add(LINE_HEIGHT)
        if table.total is not None:
            self._summary_row(table, table.total, layout, layout.summed, "")
        if not table.rows and table.total is None:
            self.line("（无数据）", NOTE, 1)
        for note in table.notes:
            self.line(note, NOTE, max(len(columns), 6))
        if legend:
            self._legend(table)
        self._highlights(table, layout)
        assert self.row == layout.end_row, "the plan and the rows written disagree"

    def _header(self, table: Table, layout: TableLayout) -> None:
        columns = table.columns
        fmt = self.fmt(HEADER)
        first, second = layout.header_rows
        lines = max(
            [text_lines(c.header if first != second else c.full_header, self.widths.get(i, MIN_WIDTH))
             for i, c in enumerate(columns)] + [1]
        )  # fmt: skip
        if first == second:
            self.row += 1
            self.write_row(self.row - 1, [c.full_header for c in columns], [fmt] * len(columns))
            self.height(self.row, max(1, lines) * LINE_HEIGHT + 4)
            return
        self.row += 2
        top, bottom = first - 1, second - 1
        groups: dict[str, list[int]] = {}
        for position, column in enumerate(columns):
            if column.group:
                groups.setdefault(column.group, []).append(position)
                self.sheet.write_string(bottom, position, column.header, fmt)
            else:
                self.sheet.merge_range(top, position, bottom, position, column.header, fmt)
        for group, positions in groups.items():
            if len(positions) > 1 and positions == list(range(positions[0], positions[-1] + 1)):
                self.sheet.merge_range(top, positions[0], top, positions[-1], group, fmt)
            else:
                for position in positions:
                    self.sheet.write_string(top, position, group, fmt)
        self.height(first, LINE_HEIGHT + 4)
        self.height(second, max(1, lines) * LINE_HEIGHT + 4)

    def _body_format(self, index: int, column: Column, flag: str) -> Format:
        return self.fmt(BODY, column.kind, index in self.wrapped, flag)

    def _legend(self, table: Table) -> None:
        """图例： then a coloured square and its meaning per flag the table uses — one cell, so a
        reader (and ``bzf import``) takes it for a note under the table."""
        self.row += 1
        note = self.fmt(LEGEND)
        parts: list[Any] = [note, "图例："]
        for flag, meaning in legend_items(table):
            square = self.formats.workbook.add_format(
                {"font_name": FONT, "font_size": 14, "font_color": FLAG_COLOURS[flag][0]}
            )
            parts += [square, "■", note, f" {meaning}　"]
        self.sheet.write_rich_string(self.row - 1, 0, *parts, note)
        self.pages.add(LINE_HEIGHT)

    def _highlights(self, table: Table, layout: TableLayout) -> None:
        """Conditional formats on the deciding cells only (not the row)."""
        if not layout.data_rows:
            return
        by_cell: dict[tuple[str, str], list[str]] = {}
        for highlight in table.highlights:
            letter = layout.letters.get(highlight.column)
            if letter is not None and highlight.flag in FLAG_COLOURS:
                by_cell.setdefault((highlight.column, highlight.flag), []).append(
                    condition(highlight, f"{letter}{layout.data_rows[0]}")
                )
        if not by_cell:
            return
        spans = runs(layout.data_rows)
        for (key, flag), conditions in sorted(by_cell.items(), key=lambda item: FLAG_ORDER.index(item[0][1])):
            letter = layout.letters[key]
            ranges = " ".join(f"{letter}{a}:{letter}{b}" for a, b in spans)
            criteria = conditions[0] if len(conditions) == 1 else f"OR({','.join(conditions)})"
            column = list(layout.letters).index(key)
            self.sheet.conditional_format(
                spans[0][0] - 1,
                column,
                spans[-1][1] - 1,
                column,
                {
                    "type": "formula",
                    "criteria": "=" + criteria,
                    "format": self.formats.workbook.add_format(
                        {"bg_color": FLAG_COLOURS[flag][0], "font_color": FLAG_COLOURS[flag][1]}
                    ),
                    "multi_range": ranges,
                    "stop_if_true": True,
                },
            )

    def _summary_row(
        self, table: Table, values: dict[str, Any], layout: TableLayout, rows: list[int], flag: str
    ) -> None:
        """A 合计 or 小计 row: SUBTOTALs over ``rows``, ratios of its own cells where the columns say so."""
        self.row += 1
        number = self.row
        formats = [self.fmt(TOTAL, column.kind, False, flag) for column in table.columns]
        cells = [values.get(c.key) for c in table.columns]
        self.write_row(number - 1, cells, formats)
        for position, column in enumerate(table.columns):
            value = values.get(column.key)
            if value is None:
                continue  # nothing to show: the report says the figure does not add up
            formula = None
            if column.sums:
                formula = subtotal_formula(layout.letters[column.key], rows)
            elif column.ratio_of and all(key in layout.letters for key in column.ratio_of):
                top, bottom = (f"{layout.letters[key]}{number}" for key in column.ratio_of)
                formula = f'=IF({bottom}=0,"",{top}/{bottom})'
            elif column.light_of and all(
                k in layout.letters for k in (column.light_of.actual, column.light_of.target)
            ):
                rule = column.light_of
                formula = light_formula(
                    rule, f"{layout.letters[rule.actual]}{number}", f"{layout.letters[rule.target]}{number}"
                )
            if formula is not None:
                self.sheet.write_formula(number - 1, position, formula, formats[position], value)
        self.pages.add(LINE_HEIGHT)
