"""The export floor: write given rows to a workbook with a bare openpyxl loop, nothing else.

    python benchmarks/openpyxl_floor.py ROWS.pickle OUT.xlsx

``ROWS.pickle`` holds ``[(sheet title, [row, ...]), ...]`` — the cell values of the workbook
``bzf export xlsx`` wrote, so both write the same rows (run.py prepares it, untimed).
"""

from __future__ import annotations

import pickle
import sys

from openpyxl import Workbook


def main() -> None:
    with open(sys.argv[1], "rb") as handle:
        sheets = pickle.load(handle)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(sys.argv[2])


if __name__ == "__main__":
    main()
