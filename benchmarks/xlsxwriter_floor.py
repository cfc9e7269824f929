"""The XlsxWriter export floor: write given rows to a workbook with a bare XlsxWriter loop, nothing else.

    python benchmarks/xlsxwriter_floor.py ROWS.pickle OUT.xlsx

``ROWS.pickle`` holds ``[(sheet title, [row, ...]), ...]`` — the cell values of the workbook
``bzf export xlsx`` wrote, so both write the same cells (run.py prepares it, untimed). No
formats, widths, formulas or charts: what writing those cells costs with the library bzf uses.
"""

from __future__ import annotations

import pickle
import sys

import xlsxwriter


def main() -> None:
    with open(sys.argv[1], "rb") as handle:
        sheets = pickle.load(handle)
    workbook = xlsxwriter.Workbook(sys.argv[2], {"default_date_format": "yyyy-mm-dd"})
    for title, rows in sheets:
        sheet = workbook.add_worksheet(title)
        for number, row in enumerate(rows):
            sheet.write_row(number, 0, row)
    workbook.close()


if __name__ == "__main__":
    main()
