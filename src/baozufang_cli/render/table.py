"""Terminal tables with rich."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from baozufang_cli.ledger.characters import visible
from baozufang_cli.render.text import bar, cell_text, is_numeric
from baozufang_cli.reports.value import Column, Report, Table

if TYPE_CHECKING:
    from rich.console import Console

MIN_TEXT_WIDTH = 10  # text columns fold below their natural width only down to this many cells
# an optional column is left out rather than squeezing text columns below this many cells
COMFORT_TEXT_WIDTH = 12
COLUMN_GAP = 3  # padding + rule between two columns of the box below
FLAG_STYLES = {
    "overdue": "red",
    "shortfall": "red",
    "upcoming": "yellow",
    "warning": "yellow",
    "late": "magenta",
    "done": "green",
    "subtotal": "bold",
    "muted": "dim",
}


def _box():  # type: ignore[no-untyped-def]
    from rich.box import Box

    # rich's SIMPLE box with ASCII rules: box-drawing characters are ambiguous-width in CJK terminals
    return Box("    \n    \n -- \n    \n -- \n -- \n    \n    \n")


def render_table(report: Report, console: Console, wide: bool = False) -> None:
    """Print ``report`` within the console's width; ``wide`` prints every column at its natural width.

    Body rows are written as plain text (``plain_table``), exactly as rich would print them;
    the header, the caption and any row plain text cannot reproduce are printed by rich."""
    _render(report, console, wide, plain=True)


def _render_table_rich(report: Report, console: Console, wide: bool = False) -> None:
    """``render_table`` with every row laid out by rich (what the plain rows are tested against)."""
    _render(report, console, wide, plain=False)


def _render(report: Report, console: Console, wide: bool, plain: bool) -> None:
    from rich.text import Text

    for i, line in enumerate(report.header_lines()):
        console.print(Text(visible(line), style="bold" if i == 0 else "dim"))
    section = ""
    for table in report.tables:
        console.print()
        if table.section and table.section != section:
            console.print(Text(visible(table.section), style="bold underline"))
            console.print()
        section = table.section
        if table.title != report.title:
            console.print(Text(visible(table.title), style="bold"))
        layout = _Layout(table.for_screen())
        # wide: one line per row for `less -S` or a wide window: nothing folded, nothing left out
        omitted = [] if wide else layout.fit(console.width)
        width = None if wide else console.width
        if not (plain and _print_plain(layout, console, width)):
            _print_rich(console, layout.rich_table(width), layout.natural_width if wide else None)
        if omitted:
            console.print(Text(f"已省略：{'、'.join(omitted)}（用 --wide 显示全部列）", style="dim"))
        for note in table.notes:
            console.print(Text(visible(note)))


def _print_rich(console: Console, rich_table: Any, wide: int | None) -> None:
    """Print a rich table: within the console, or (``wide``) at that width, lines not cropped."""
    if wide is None:
        console.print(rich_table)
        return
    from rich.segment import Segments

    console.print(Segments(console.render(rich_table, console.options.update_width(wide))), crop=False)


def _print_plain(layout: _Layout, console: Console, width: int | None) -> bool:
    """Print the table with its body rows as plain text; False (nothing printed) when this
    console or table is one rich must lay out whole."""
    from baozufang_cli.render.plain_table import Codes, PlainRows, Writer

    if console.record or console.is_jupyter or console.legacy_windows or console.soft_wrap:
        return False
    if not layout.body and layout.total is None:
        return False  # the caption （无数据）
    widths = layout.widths(width)
    shown = layout.shown
    table_width = sum(widths.values()) + COLUMN_GAP * (len(shown) - 1)
    if min(widths.values()) < 1 or (width is not None and table_width > console.options.max_width):
        return False  # rich collapses and crops such a table its own way
    wide = None if width is not None else layout.natural_width
    _print_rich(console, layout.rich_table(width, rows=(), total=False), wide)
    rows = PlainRows(
        [widths[i] for i in shown],
        [is_numeric(layout.columns[i]) for i in shown],
        [layout._least(i)[0] for i in shown],
        Codes(console),
    )
    writer = Writer(console)

    def row(cells: list[str], cell_widths: list[int], style: str, index: int | None) -> None:
        lines = rows.lines([cells[i] for i in shown], [cell_widths[i] for i in shown], style)
        if lines is not None:
            writer.extend(lines)
            return
        writer.flush()
        only = layout.rich_table(
            width, rows=() if index is None else (index,), heads=False, total=index is None
        )
        _print_rich(console, only, wide)

    for index, cells in enumerate(layout.body):
        row(cells, layout.body_widths[index], layout.row_style(index), index)
    if layout.total is not None:
        if layout.body:
            writer.extend(["-" * table_width + "\n"])  # rich's section rule (border style: none)
        row(layout.total, layout.total_widths, "bold", None)
    writer.flush()
    return True


class _Layout:
    """A table's cells measured once, and the columns that fit a terminal width."""

    def __init__(self, table: Table) -> None:
        from baozufang_cli.render.plain_table import cell_width as cell_len

        self.table = table
        self.columns = list(table.columns)
        self.body = _grouped([_cells(table, row) for row in table.rows], table.columns)
        self.total = _cells(table, table.total) if table.total is not None else None
        # each cell's width, measured once
        self.body_widths = [[cell_len(cell) for cell in cells] for cells in self.body]
        self.total_widths = [cell_len(cell) for cell in self.total] if self.total is not None else []
        self.natural: list[int] = []  # the widest cell or header of each column
        self.widest: list[int] = []  # the widest cell (header left out: a header may fold)
        every = [*self.body_widths, *([self.total_widths] if self.total is not None else [])]
        for index in range(len(self.columns)):
            header_width = max(cell_len(self.columns[index].header), cell_len(self.columns[index].group))
            self.widest.append(max([0, *(widths[index] for widths in every)]))
            self.natural.append(max(header_width, self.widest[-1]))
        self.shown = list(range(len(self.columns)))

    @property
    def natural_width(self) -> int:
        return sum(self.natural[i] for i in self.shown) + COLUMN_GAP * (len(self.shown) - 1)

    def _least(self, index: int, floor: int = MIN_TEXT_WIDTH) -> tuple[bool, int]:
        """Whether column ``index`` may fold its cells, and the narrowest it may get (a text
        column: its natural width or ``floor``, whichever is less)."""
        column = self.columns[index]
        if column.kind != "text":
            # numbers are never squeezed or cut ("1,2…" would be a wrong number on screen), nor are
            # dates, years and codes such as project ids; only their header folds onto two lines
            return False, max(
                self.widest[index], _two_line_width(column.header), _two_line_width(column.group)
            )
        # text gives way first: a long name folds onto a second line rather than pushing numbers out
        return True, min(self.natural[index], floor)

    def minimum(self, floor: int = MIN_TEXT_WIDTH) -> int:
        """The narrowest the shown columns can be laid out without losing one."""
        return sum(self._least(i, floor)[1] for i in self.shown) + COLUMN_GAP * (len(self.shown) - 1)

    def fit(self, width: int) -> list[str]:
        """Leave out columns until the table fits ``width``: optional ones first, the highest
        ``optional`` first, while text would be squeezed below a comfortable width, then (a report with too many essential columns for a narrow terminal)
        the rightmost ones; the first column always stays. Returns the headers left out."""
        omitted = []
        optional = sorted(
            (i for i, c in enumerate(self.columns) if c.optional), key=lambda i: -self.columns[i].optional
        )
        rightmost = sorted((i for i in range(1, len(self.columns)) if i not in optional), reverse=True)
        for index in optional:
            if self.minimum(COMFORT_TEXT_WIDTH) <= width:
                break
            self.shown.remove(index)
            omitted.append(self.columns[index].full_header)
        for index in rightmost:
            if self.minimum() <= width:
                break
            self.shown.remove(index)
            omitted.append(self.columns[index].full_header)
        return omitted

    def widths(self, width: int | None) -> dict[int, int]:
        """Column widths within ``width``: headers of numbers and dates fold onto two lines first
        (the widest first), then the widest text columns give way, each down to its floor (rich's
        own collapse ignores the floors and then crops the lines it overfilled)."""
        widths = {i: self.natural[i] for i in self.shown}
        if width is None:
            return widths
        excess = sum(widths.values()) + COLUMN_GAP * (len(self.shown) - 1) - width
        floors = {i: self._least(i) for i in self.shown}
        for index in sorted((i for i in floors if not floors[i][0]), key=lambda i: -widths[i]):
            if excess <= 0:
                break
            excess -= widths[index] - floors[index][1]
            widths[index] = floors[index][1]
        text_floors = {i: least for i, (wraps, least) in floors.items() if wraps}
        while excess > 0:
            reducible = [i for i in text_floors if widths[i] > text_floors[i]]
            if not reducible:
                break
            widest = max(widths[i] for i in reducible)
            for i in reducible:  # one cell from each of the widest, left to right
                if widths[i] == widest and excess > 0:
                    widths[i] -= 1
                    excess -= 1
        if excess < 0:  # a folded header left room over: give it back to the text columns
            for i in text_floors:
                grow = min(-excess, self.natural[i] - widths[i])
                widths[i] += grow
                excess += grow
        return widths

    def row_style(self, index: int) -> str:
        """The rich style of body row ``index``, from its flags ("" for none)."""
        flags = self.table.flags.get(index)
        if not flags:
            return ""
        return " ".join(FLAG_STYLES[f] for f in sorted(flags) if f in FLAG_STYLES)

    def rich_table(  # type: ignore[no-untyped-def]
        self, width: int | None, rows: Iterable[int] | None = None, heads: bool = True, total: bool = True
    ):
        """The rich table: its header (``heads``), body ``rows`` (None: all) and total row (``total``)."""
        from rich.cells import cell_len
        from rich.table import Table as RichTable
        from rich.text import Text  # cells are text, never rich markup ("[red]" in a name stays)

        rich_table = RichTable(box=_box(), show_edge=False, pad_edge=False, show_header=heads)
        # a group names itself above its first *shown* column
        headers = _headers(self.table.select([self.columns[i].key for i in self.shown]))
        widths = self.widths(width)
        for position, index in enumerate(self.shown):
            wraps = self._least(index)[0]
            header = headers[position]
            if not wraps:  # a no-wrap column would cut its header with "…": fold it by hand, evenly
                header = "\n".join(
                    line
                    for part in header.split("\n")
                    for line in (
                        _fold(part, _two_line_width(part)) if cell_len(part) > widths[index] else [part]
                    )
                )
            rich_table.add_column(
                header,
                justify="right" if is_numeric(self.columns[index]) else "left",
                no_wrap=not wraps,
                overflow="fold" if wraps else "ellipsis",  # CJK text has no spaces: fold, never "…"
                width=widths[index],
            )
        for i in range(len(self.body)) if rows is None else rows:
            rich_table.add_row(*(Text(self.body[i][j]) for j in self.shown), style=self.row_style(i) or None)
        if self.total is not None and total:
            rich_table.add_section()
            rich_table.add_row(*(Text(self.total[j]) for j in self.shown), style="bold")
        if not self.table.rows and self.table.total is None:
            rich_table.caption = "（无数据）"
        return rich_table


def _fold(text: str, width: int) -> list[str]:
    """``text`` cut into lines of at most ``width`` cells (at least one character a line)."""
    from rich.cells import cell_len

    lines = [""]
    for char in text:
        if lines[-1] and cell_len(lines[-1] + char) > width:
            lines.append("")
        lines[-1] += char
    return lines


def _two_line_width(text: str) -> int:
    """The narrowest width at which ``text`` folds onto at most two lines (a header of one or two
    characters stays whole: 天/数 saves one cell and reads worse)."""
    from rich.cells import cell_len

    if len(text) <= 2:
        return cell_len(text)
    width = (cell_len(text) + 1) // 2
    while len(_fold(text, width)) > 2:
        width += 1
    return width


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


def _grouped(body: list[list[str]], columns: list[Column]) -> list[list[str]]:
    """Blank the ``repeat=False`` cells of a row that repeats all of them from the row above."""
    keys = [i for i, column in enumerate(columns) if not column.repeat]
    if not keys:
        return body
    out = []
    for number, cells in enumerate(body):
        if number and all(cells[i] == body[number - 1][i] for i in keys):
            cells = [("" if i in keys else cell) for i, cell in enumerate(cells)]
        out.append(cells)
    return out


def _cells(table: Table, row: dict[str, Any]) -> list[str]:
    cells = []
    for column in table.columns:
        value = row.get(column.key)
        if type(value) is str and value and not column.bar:  # what cell_text makes of a string
            cells.append(visible(value))
            continue
        text = cell_text(column, value)
        if column.bar:
            text = f"{text} {bar(value)}"
        cells.append(text)
    return cells
