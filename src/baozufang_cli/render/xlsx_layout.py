"""Where each table of a sheet lands, and which flags it colours (``render/xlsx.py`` writes them).

Positions are planned before the first row is written because formulas (合计 = SUBTOTAL over
the rows above) and conditional formats name rows that the writer has not reached yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from baozufang_cli.render.xlsx_cells import FLAG_COLOURS, FLAG_LEGEND, FLAG_ORDER
from baozufang_cli.reports.value import Table


def column_letter(index: int) -> str:
    """0-based column index → A, B, …, AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# ------------------------------------------------------------------ the plan of a sheet


@dataclass
class TableLayout:
    """Where a table lands on its sheet (1-based rows, as formulas name them; column letters by key)."""

    caption_row: int | None
    header_rows: tuple[int, int]
    first_data_row: int
    last_data_row: int  # first_data_row − 1 when the table has no rows
    total_row: int | None
    letters: dict[str, str]
    data_rows: list[int] = field(default_factory=list)  # body rows that are not 小计
    summed: list[int] = field(default_factory=list)  # rows the 合计 adds up (not 小计, not muted)
    subtotals: dict[int, list[int]] = field(default_factory=dict)  # row index → rows its 小计 adds up
    end_row: int = 0  # the last row of the table, notes and legend included


def plan_table(table: Table, start: int, caption: bool, legend: bool) -> TableLayout:
    """Positions of ``table`` when its first row is ``start`` (the same order ``_write_table`` uses)."""
    letters = {column.key: column_letter(i) for i, column in enumerate(table.columns)}
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
    layout.end_row = row - 1 + len(table.notes) + (1 if legend else 0)
    return layout


def legend_items(table: Table) -> list[tuple[str, str]]:
    """(flag, meaning) of every colour the table can show, in legend order: its highlights' own
    labels, else the flag's default meaning; painted flags only when a row has them."""
    keys = {column.key for column in table.columns}
    present = {flag for flags in table.flags.values() for flag in flags}
    items: list[tuple[str, str]] = []
    for highlight in table.highlights:
        if (
            highlight.column in keys
            and highlight.flag in FLAG_COLOURS
            and (highlight.label or highlight.flag in present)
        ):
            items.append((highlight.flag, highlight.label or FLAG_LEGEND[highlight.flag]))
    formula_flags = {h.flag for h in table.highlights if h.column in keys}
    items += [
        (f, FLAG_LEGEND[f])
        for f in FLAG_ORDER
        if f in present and f in FLAG_COLOURS and f not in formula_flags
    ]
    unique = list(dict.fromkeys(items))
    return sorted(unique, key=lambda item: FLAG_ORDER.index(item[0]))


def painted_flags(table: Table) -> set[str]:
    """Flags drawn as static colours: those no highlight of this table expresses as a formula."""
    keys = {column.key for column in table.columns}
    formula_flags = {h.flag for h in table.highlights if h.column in keys}
    return {"muted", *(flag for flag in FLAG_COLOURS if flag not in formula_flags)}
