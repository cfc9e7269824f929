"""Table rows written as plain text, byte for byte what rich prints for them (issue 19).

rich lays out every cell of a table (about 100 µs a cell): ``bzf overdue`` over 50,000 late
milestones spent tens of seconds there. The box of ``table._box`` is simple enough to write
directly once the column widths are known: a cell line is its text justified to the column's
width (left: padded with spaces; right: right-stripped, then spaces before it), one space of
padding on each side (none at the table's outer edges), columns divided by one unstyled space;
a cell with fewer lines than its row gets blank lines (one segment of spaces across the padding
too); a text column folds a cell wider than the column at character boundaries (rich's
``chop_cells``). With colour on, rich renders each segment on its own (left padding, text,
right padding) as ``codes + text + reset``: ``Codes`` asks the console for those codes once per
style. Anything this module does not reproduce exactly (tabs, line breaks, whitespace in a
cell that must fold, …) makes ``PlainRows.lines`` return ``None``; the caller prints that row
with rich instead. tests/render/test_plain_table.py compares both on random tables.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.cells import cell_len, chop_cells  # this module is imported only to print a table

if TYPE_CHECKING:
    from rich.console import Console

_WHITESPACE = re.compile(r"\s")  # rich's word splitting (rich._wrap.words) uses the same \s
WRITE_CHARS = 8192  # rich writes at most 32 KiB at once (a Windows console bug); so do we
_WIDTHS: dict[str, int] = {}  # names repeat down a table; rich's own cache keeps 4,096


def cell_width(text: str) -> int:
    """The cells ``text`` takes on a terminal, as rich counts them (printable ASCII: one each)."""
    if text.isascii() and text.isprintable():
        return len(text)
    width = _WIDTHS.get(text)
    if width is None:
        if len(_WIDTHS) > 100_000:
            _WIDTHS.clear()
        width = _WIDTHS[text] = cell_len(text)
    return width


class Codes:
    """The escape codes the console wraps a segment of each style in ("", "" with colour off)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.cache: dict[str, tuple[str, str]] = {"": ("", "")}

    def __call__(self, style: str) -> tuple[str, str]:
        found = self.cache.get(style)
        if found is None:
            from rich.segment import Segment, Segments

            with self.console.capture() as capture:
                self.console.print(Segments([Segment("X", self.console.get_style(style))]), end="")
            prefix, _, suffix = capture.get().partition("X")
            found = self.cache[style] = (prefix, suffix)
        return found


class PlainRows:
    """Lines of body rows for columns of ``widths`` cells (``right``: right-justified; ``folds``:
    a text column whose cells fold onto more lines)."""

    def __init__(self, widths: list[int], right: list[bool], folds: list[bool], codes: Codes) -> None:
        self.widths = widths
        self.right = right
        self.folds = folds
        self.codes = codes
        last = len(widths) - 1
        self.pads = [(int(j > 0), int(j < last)) for j in range(len(widths))]
        self.columns = list(zip(widths, right, folds, strict=True))
        self.folded: dict[tuple[str, int], list[str] | None] = {}

    def cell_lines(self, index: int, text: str, width: int) -> list[str] | None:
        """The lines of one cell, each ``self.widths[index]`` cells wide; ``width``: the text's own."""
        column, right, folds = self.columns[index]
        if "\n" in text or "\t" in text:
            return None  # rich splits lines and expands tabs
        if width <= column:
            if right:
                stripped = text.rstrip()
                if stripped != text:
                    text, width = stripped, cell_width(stripped)
                return [" " * (column - width) + text]
            return [text + " " * (column - width)]
        if not folds or right or column < 2 or _WHITESPACE.search(text):
            return None  # rich would cut it with "…", or break it at spaces
        key = (text, column)
        if key not in self.folded:
            self.folded[key] = self._fold(text, column)
        return self.folded[key]

    @staticmethod
    def _fold(text: str, column: int) -> list[str] | None:
        lines = []
        for line in chop_cells(text, column):
            line_width = cell_len(line)
            if line_width > column:
                return None
            lines.append(line + " " * (column - line_width))
        return lines

    def lines(self, cells: list[str], widths: list[int], style: str) -> list[str] | None:
        """The printed lines of one row (each ending in a newline), or ``None``: print it with rich."""
        columns = []
        height = 1
        for (column, right, _), text, width in zip(self.columns, cells, widths, strict=True):
            if width <= column and not right and "\n" not in text and "\t" not in text:
                columns.append([text + " " * (column - width)])  # the common cell, inline
                continue
            lines = self.cell_lines(len(columns), text, width)
            if lines is None:
                return None
            columns.append(lines)
            height = max(height, len(lines))
        prefix, suffix = self.codes(style)
        if not prefix and not suffix:
            if height == 1:
                return ["   ".join(lines[0] for lines in columns) + "\n"]
            return [
                "   ".join(
                    lines[line] if line < len(lines) else " " * self.widths[j]
                    for j, lines in enumerate(columns)
                )
                + "\n"
                for line in range(height)
            ]
        space = prefix + " " + suffix
        out = []
        for line in range(height):
            pieces = []
            for j, lines in enumerate(columns):
                before, after = self.pads[j]
                if line < len(lines):
                    pieces.append(
                        (space if before else "") + prefix + lines[line] + suffix + (space if after else "")
                    )
                else:  # rich's blank line under a shorter cell: one segment across the padding
                    pieces.append(prefix + " " * (before + self.widths[j] + after) + suffix)
            out.append(" ".join(pieces) + "\n")
        return out


class Writer:
    """Lines written to the console's file in batches, the way rich writes its buffer."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.pending: list[str] = []
        self.size = 0

    def extend(self, lines: list[str]) -> None:
        self.pending.extend(lines)
        self.size += sum(len(line) for line in lines)
        if self.size > WRITE_CHARS:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        text = "".join(self.pending)
        self.pending.clear()
        self.size = 0
        if self.console.quiet:
            return
        try:
            self.console.file.write(text)
            self.console.file.flush()
        except BrokenPipeError:
            self.console.on_broken_pipe()
