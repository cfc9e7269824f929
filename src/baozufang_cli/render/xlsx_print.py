"""The printed page of a bzf worksheet, and the 汇总 chart.

A3 landscape. The body font is 11 pt (``xlsx_cells.BODY_SIZE``); a sheet is fitted to the page
width only when that keeps the scale at ``MIN_SCALE`` or more (text ≥ 7 pt on paper); a wider
sheet prints at ``MIN_SCALE`` on several pages across, the key columns (序号, 编号, 名称)
repeated on each. Header (the title) and footer (统计截至 …, 第 &P 页 共 &N 页) sit inside the
margins. Column widths are Excel's character units: a unit is 7 px of the default font, plus
5 px of padding per column, at 96 px an inch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from baozufang_cli.render.xlsx_cells import FONT

if TYPE_CHECKING:
    from baozufang_cli.render.xlsx_layout import TableLayout
    from baozufang_cli.reports.value import Chart, Table

MIN_SCALE = 0.65  # 11 pt × 0.65 = 7.15 pt
A3_LANDSCAPE_IN = (16.54, 11.69)
MARGINS_IN = {"left": 0.4, "right": 0.4, "top": 0.75, "bottom": 0.75}
HEADER_MARGIN_IN = 0.3
PAGE_WIDTH_PX = (A3_LANDSCAPE_IN[0] - MARGINS_IN["left"] - MARGINS_IN["right"]) * 96
PAGE_HEIGHT_PT = (A3_LANDSCAPE_IN[1] - MARGINS_IN["top"] - MARGINS_IN["bottom"]) * 72


def sheet_scale(widths: list[int]) -> float:
    """The scale at which columns of these widths (display cells) fill the page width."""
    pixels = sum(7 * (w + 0.7) + 5 for w in widths)
    return min(1.0, PAGE_WIDTH_PX / max(1.0, pixels))


@dataclass
class PageRows:
    """Where the rows written so far fall on the printed pages (rough: heights at the page scale)."""

    used: float = 0.0  # points used on the current page
    scale: float = 1.0

    def add(self, points: float) -> None:
        self.used += points
        room = PAGE_HEIGHT_PT / self.scale
        while self.used > room:
            self.used -= room

    def fits(self, rows: int, points: float = 15.0) -> bool:
        return self.used + rows * points <= PAGE_HEIGHT_PT / self.scale

    def new_page(self) -> None:
        self.used = 0.0


def set_up_page(
    sheet: Any,
    widths: list[int],
    title: str,
    as_of: date | None,
    repeat_rows: tuple[int, int] | None,
    key_columns: int,
) -> float:
    """Paper, scale, margins, header and footer of one sheet; returns the print scale."""
    sheet.set_paper(8)  # A3
    sheet.set_landscape()
    sheet.set_margins(**MARGINS_IN)
    sheet.center_horizontally()
    scale = sheet_scale(widths)
    if scale >= MIN_SCALE:
        sheet.fit_to_pages(1, 0)
    else:
        scale = MIN_SCALE
        sheet.set_print_scale(round(MIN_SCALE * 100))
        if key_columns:
            sheet.repeat_columns(0, key_columns - 1)
    if repeat_rows is not None:
        sheet.repeat_rows(*repeat_rows)
    # 11 pt: Excel keeps it (scale_with_doc off), LibreOffice scales it with the page — ≥ 7 pt either way
    font = f'&"{FONT},Regular"&11'
    dated = f"统计截至 {as_of.isoformat()}" if as_of is not None else ""
    options = {"margin": HEADER_MARGIN_IN, "scale_with_doc": False}
    sheet.set_header(f"&L{font}{_escape(title)}&R{font}{dated}", options)
    sheet.set_footer(f"&L{font}{dated}&C{font}第 &P 页 共 &N 页", options)
    return scale


def _escape(text: str) -> str:
    return text.replace("&", "&&")


def chart_height(chart: Chart, layout: TableLayout) -> int:
    """The chart's height in pixels: room for every bar and its label."""
    return max(320, 22 * len(layout.data_rows) * max(1, len(chart.series)) // 2 + 120)


def add_chart(
    workbook: Any, sheet: Any, sheet_name: str, chart: Chart, table: Table, layout: TableLayout, row: int
) -> int:
    """A horizontal bar chart of ``chart.series`` by ``chart.category`` below ``row`` (1-based),
    with data labels; returns the rows it covers."""
    first, last = layout.first_data_row - 1, layout.last_data_row - 1
    category = list(layout.letters).index(chart.category)
    drawing = workbook.add_chart({"type": "bar"})
    colours = ("#A6A6A6", "#5B9BD5", "#ED7D31", "#70AD47")
    for number, (key, name) in enumerate(chart.series):
        column = list(layout.letters).index(key)
        drawing.add_series(
            {
                "name": name,
                "categories": [sheet_name, first, category, last, category],
                "values": [sheet_name, first, column, last, column],
                # zeros unlabelled: three "0"s of one district would print on top of each other
                "data_labels": {
                    "value": True,
                    "num_format": "#,##0;-#,##0;;",
                    "font": {"name": FONT, "size": 8},
                },
                "fill": {"color": colours[number % len(colours)]},
                "gap": 60,
            }
        )
    drawing.set_title({"name": chart.title, "name_font": {"name": FONT, "size": 12, "bold": True}})
    drawing.set_y_axis(  # the category axis of a bar chart: districts top to bottom in table order
        {"reverse": True, "num_font": {"name": FONT, "size": 9}, "major_gridlines": {"visible": False}}
    )
    drawing.set_x_axis(
        {"name": chart.axis_title, "num_format": "#,##0", "num_font": {"name": FONT, "size": 9},
         "name_font": {"name": FONT, "size": 9}, "major_gridlines": {"visible": True}}
    )  # fmt: skip
    drawing.set_legend({"position": "top", "font": {"name": FONT, "size": 10}})
    height = chart_height(chart, layout)
    drawing.set_size({"width": 980, "height": height})
    sheet.insert_chart(row, 1, drawing, {"object_position": 1})
    return -(-height // 20) + 1  # rows of 15 pt (20 px)
