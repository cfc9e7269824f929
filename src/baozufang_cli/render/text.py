"""Cell formatting shared by the text renderers (terminal table, Markdown)."""

from __future__ import annotations

from datetime import date
from typing import Any

from baozufang_cli.ledger.characters import visible
from baozufang_cli.reports.value import Column

EMPTY = "-"  # ASCII: "—" is ambiguous-width and misaligns CJK terminals


def cell_text(column: Column, value: Any) -> str:
    """What a text renderer prints for ``value``; control characters written out (``visible``)."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if column.kind == "int" and isinstance(value, int):
        return f"{value:,}"
    if column.kind == "number" and isinstance(value, int | float):
        return f"{value:,.1f}".removesuffix(".0")
    if column.kind == "money" and isinstance(value, int | float):
        return f"{value:,.2f}"
    if column.kind == "float" and isinstance(value, int | float):
        return f"{value:,.2f}"
    if column.kind == "pct" and isinstance(value, int | float):
        return f"{value * 100:.1f}%"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return visible("、".join(str(v) for v in value))
    return visible(str(value))


# OWASP CSV injection: a spreadsheet runs a cell that starts with one of these as a formula
# (full-width forms too: some spreadsheets fold them), also after leading spaces
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula (CSV cells, xlsx text cells)."""
    return text.lstrip(" ").startswith(FORMULA_STARTS)


def bar(fraction: float | None, width: int = 10) -> str:
    """A small ASCII progress bar; ASCII because block characters are ambiguous-width."""
    if fraction is None:
        return " " * width
    filled = max(0, min(width, round(fraction * width)))
    return "#" * filled + "." * (width - filled)


def is_numeric(column: Column) -> bool:
    return column.kind in ("int", "number", "float", "money", "pct")
