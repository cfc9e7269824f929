"""The XlsxWriter export floor: write given cells to a workbook with a bare XlsxWriter loop.

    python benchmarks/xlsxwriter_floor.py CELLS.pickle OUT.xlsx

``CELLS.pickle`` (run.py's ``workbook_cells`` prepares it, untimed, from the workbook
``bzf export xlsx`` wrote) holds ``(formats, sheets)``: ``formats`` maps a style number to its
XlsxWriter properties (font, fill, border, number format, alignment, wrap), ``sheets`` is
``[(sheet title, [row, ...], [row of style numbers, ...]), ...]``. The loop writes every cell
the export's file holds — values with their types (strings, numbers, dates, formulas), the
formatted blanks of the grid and of merged ranges — each with its format, in the same sheets.
It does not set widths, row heights, merges, print setup, conditional formats or the chart:
what writing those cells costs with the library bzf uses.
"""

from __future__ import annotations

import pickle
import sys

import xlsxwriter


def main() -> None:
    with open(sys.argv[1], "rb") as handle:
        formats, sheets = pickle.load(handle)
    workbook = xlsxwriter.Workbook(sys.argv[2], {"default_date_format": "yyyy-mm-dd"})
    made = {style: workbook.add_format(properties) for style, properties in formats.items()}
    for title, rows, styles in sheets:
        sheet = workbook.add_worksheet(title)
        for number, (row, row_styles) in enumerate(zip(rows, styles, strict=True)):
            for column, (value, style) in enumerate(zip(row, row_styles, strict=True)):
                if style >= 0:
                    sheet.write(number, column, value, made[style])
    workbook.close()


if __name__ == "__main__":
    main()
