"""Terminal tables with rich."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from baozufang_cli.render.text import bar, cell_text, is_numeric
from baozufang_cli.report import Report, Table

if TYPE_CHECKING:
    from rich.console import Console

MIN_TEXT_WIDTH = 10  # text columns fold below their natural width only down to this many cells
FLAG_STYLES = {
    "overdue": "red",
    "shortfall": "red",
    "upcoming": "yellow",
    "warning": "yellow",
    "late": "magenta",
    "done": "green",
}


def _box():  # type: ignore[no-untyped-def]
    from rich.box import Box

    # rich's SIMPLE box with ASCII rules: box-drawing characters are ambiguous-width in CJK terminals
    return Box("    \n    \n -- \n    \n -- \n -- \n    \n    \n")


def render_table(report: Report, console: Console) -> None:
    from rich.text import Text

    for i, line in enumerate(report.header_lines()):
        console.print(Text(line, style="bold" if i == 0 else "dim"))
    for table in report.tables:
        console.print()
        if table.title != report.title:
            console.print(Text(table.title, style="bold"))
        console.print(_rich_table(table.for_screen()))
        for note in table.notes:
            console.print(Text(note))


def _rich_table(table: Table):  # type: ignore[no-untyped-def]
    from rich.cells import cell_len
    from rich.table import Table as RichTable

    rich_table = RichTable(box=_box(), show_edge=False, pad_edge=False)
    body = [_cells(table, row) for row in table.rows]
    total = _cells(table, table.total) if table.total is not None else None
    for index, column in enumerate(table.columns):
        widest = max((cell_len(cells[index]) for cells in [*body, *([total] if total else [])]), default=0)
        if is_numeric(column):
            # numbers are never squeezed or cut: "1,2…" would be a wrong number on screen
            widest = max(widest, cell_len(column.header))
            rich_table.add_column(column.header, justify="right", no_wrap=True, min_width=widest)
        else:
            # text gives way first: a long name folds onto a second line rather than pushing numbers out
            rich_table.add_column(column.header, overflow="fold", min_width=min(widest, MIN_TEXT_WIDTH))
    for i, cells in enumerate(body):
        styles = [FLAG_STYLES[f] for f in sorted(table.flags.get(i, ())) if f in FLAG_STYLES]
        rich_table.add_row(*cells, style=styles[0] if styles else None)
    if total is not None:
        rich_table.add_section()
        rich_table.add_row(*total, style="bold")
    if not table.rows and table.total is None:
        rich_table.caption = "（无数据）"
    return rich_table


def _cells(table: Table, row: dict[str, Any]) -> list[str]:
    cells = []
    for column in table.columns:
        value = row.get(column.key)
        text = cell_text(column, value)
        if column.bar:
            text = f"{text} {bar(value)}"
        cells.append(text)
    return cells
