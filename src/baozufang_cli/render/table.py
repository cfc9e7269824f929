"""Terminal tables with rich."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from baozufang_cli.render.text import bar, cell_text, is_numeric
from baozufang_cli.report import Report, Table

if TYPE_CHECKING:
    from rich.console import Console

MAX_UNWRAPPED = 32  # text columns up to this many cells wide are not wrapped when the table fits
MIN_WRAPPED = 8  # a table too wide for the terminal wraps text columns, but not below this width
COLUMN_GAP = 3  # padding + rule between two columns of the box below
FLAG_STYLES = {
    "overdue": "red",
    "shortfall": "red",
    "upcoming": "yellow",
    "late": "magenta",
    "done": "green",
    "subtotal": "bold",
    "muted": "dim",
}


def _box():  # type: ignore[no-untyped-def]
    from rich.box import Box

    # rich's SIMPLE box with ASCII rules: box-drawing characters are ambiguous-width in CJK terminals
    return Box("    \n    \n -- \n    \n -- \n -- \n    \n    \n")


def render_table(report: Report, console: Console) -> None:
    from rich.segment import Segments
    from rich.text import Text

    for i, line in enumerate(report.header_lines()):
        console.print(Text(line, style="bold" if i == 0 else "dim"))
    for table in report.tables:
        console.print()
        if table.title != report.title:
            console.print(Text(table.title, style="bold"))
        rich_table, minimum = _rich_table(table, console.width)
        if minimum <= console.width:
            console.print(rich_table)
        else:
            # rich would silently drop columns that do not fit: print every column at its natural
            # width (one line per row, for `less -S` or a wider window) and say so
            rich_table, natural = _rich_table(table)
            lines = console.render(rich_table, console.options.update_width(natural))
            console.print(Segments(lines), crop=False)
            console.print(Text("表格宽于终端：可少选几列，或用 -f csv / -o 文件 导出", style="dim"))
        for note in table.notes:
            console.print(Text(note))


def _rich_table(table: Table, width: int | None = None):  # type: ignore[no-untyped-def]
    """The rich table and the narrowest width it can take without losing a column."""
    from rich.cells import cell_len
    from rich.table import Table as RichTable

    rich_table = RichTable(box=_box(), show_edge=False, pad_edge=False)
    body = [_cells(table, row) for row in table.rows]
    total = _cells(table, table.total) if table.total is not None else None
    headers = _headers(table)
    natural = []
    for index in range(len(table.columns)):
        widest = max((cell_len(cells[index]) for cells in [*body, *([total] if total else [])]), default=0)
        natural.append(max(widest, *(cell_len(line) for line in headers[index].split("\n"))))
    gaps = COLUMN_GAP * (len(headers) - 1)
    # a table wider than the terminal wraps its text columns rather than truncating cells to "…"
    squeeze = width is not None and sum(natural) + gaps > width
    minimum = gaps
    for index, column in enumerate(table.columns):
        # names are never squeezed to "观山湖…" when the table fits: short text keeps its full width
        wraps = column.kind == "text" and (squeeze or natural[index] > MAX_UNWRAPPED)
        least = min(natural[index], MIN_WRAPPED if squeeze else MAX_UNWRAPPED) if wraps else natural[index]
        minimum += least
        rich_table.add_column(
            headers[index],
            justify="right" if is_numeric(column) else "left",
            no_wrap=not wraps,
            overflow="fold" if wraps else "ellipsis",  # CJK text has no spaces: fold, never "…"
            min_width=least,
        )
    for i, cells in enumerate(body):
        styles = [FLAG_STYLES[f] for f in sorted(table.flags.get(i, ())) if f in FLAG_STYLES]
        rich_table.add_row(*cells, style=" ".join(styles) if styles else None)
    if total is not None:
        rich_table.add_section()
        rich_table.add_row(*total, style="bold")
    if not table.rows and table.total is None:
        rich_table.caption = "（无数据）"
    return rich_table, minimum


def _headers(table: Table) -> list[str]:
    """Headers; when columns are grouped, a first header line names each group once."""
    if not any(column.group for column in table.columns):
        return [column.header for column in table.columns]
    headers = []
    previous = ""
    for column in table.columns:
        first_of_group = column.group and column.group != previous
        headers.append(f"{column.group if first_of_group else ''}\n{column.header}")
        previous = column.group
    return headers


def _cells(table: Table, row: dict[str, Any]) -> list[str]:
    cells = []
    for column in table.columns:
        value = row.get(column.key)
        text = cell_text(column, value)
        if column.bar:
            text = f"{text} {bar(value)}"
        cells.append(text)
    return cells
