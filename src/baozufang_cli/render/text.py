"""Cell formatting shared by the text renderers (terminal table, Markdown)."""

from __future__ import annotations

from datetime import date
from typing import Any

from baozufang_cli.reports.value import Column

EMPTY = "-"  # ASCII: "—" is ambiguous-width and misaligns CJK terminals


def cell_text(column: Column, value: Any) -> str:
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
        return "、".join(str(v) for v in value)
    return str(value)


def bar(fraction: float | None, width: int = 10) -> str:
    """A small ASCII progress bar; ASCII because block characters are ambiguous-width."""
    if fraction is None:
        return " " * width
    filled = max(0, min(width, round(fraction * width)))
    return "#" * filled + "." * (width - filled)


def is_numeric(column: Column) -> bool:
    return column.kind in ("int", "number", "float", "money", "pct")
