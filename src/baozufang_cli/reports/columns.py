"""``-C/--columns``: the table columns a user names, by JSON key or by Chinese header.

Pure: (report, the names given) → the same report with fewer table columns. The JSON payload
(``Report.data``) is not touched; ``bzf ledger`` keeps its own ``--columns`` (its JSON rows hold
exactly the chosen columns) and uses ``match_name`` for the Chinese headers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from baozufang_cli.errors import UsageError
from baozufang_cli.reports.value import Column, Report, Table

SEPARATORS = (",", "，", "、")
ALL = "all"


def split_names(texts: Iterable[str] | None) -> list[str]:
    """``-C 区县,完成率 -C units`` → [区县, 完成率, units] (commas, full-width commas and 、)."""
    names: list[str] = []
    for text in texts or []:
        for separator in SEPARATORS[1:]:
            text = text.replace(separator, SEPARATORS[0])
        names += [part.strip() for part in text.split(SEPARATORS[0]) if part.strip()]
    return names


def _spellings(column: Column) -> set[str]:
    return {column.key.casefold(), column.header, column.full_header, column.header.replace("\n", "")}


def match_name(name: str, columns: Iterable[Column]) -> Column | None:
    """The column called ``name``: its key (any case), its header, or group + header (启动目标)."""
    wanted = name.casefold()
    for column in columns:
        if wanted in _spellings(column) or name in _spellings(column):
            return column
    return None


def valid_names(columns: Iterable[Column]) -> str:
    """Every column as 表头（key）, once each, for the message of an unknown column."""
    seen: dict[str, str] = {}
    for column in columns:
        seen.setdefault(column.key, f"{column.full_header}（{column.key}）")
    return "、".join(seen.values())


def unknown_column(name: str, columns: Iterable[Column], command: str = "") -> UsageError:
    """Exit 2: the closest column first (a typo), then every column there is."""
    from baozufang_cli.ledger.registry import closest

    columns = list(columns)
    spellings = [c.key for c in columns] + [c.full_header for c in columns]
    guess = closest(name, spellings)
    listed = f"可选列：{valid_names(columns)}" + (f"（见 bzf {command} --help）" if command else "")
    return UsageError(f"未知列 {name}", hint=(f"是否为 {guess}？" if guess else "") + listed)


def select_columns(report: Report, texts: Iterable[str] | None) -> Report:
    """Each table keeps the named columns in the order given, its first column (what a row is)
    always; a table with none of them is kept whole. An unknown name is a usage error (exit 2)
    listing the columns there are; ``all`` or nothing given changes nothing."""
    names = split_names(texts)
    if not names or ALL in names:
        return report
    every = [column for table in report.tables for column in table.columns]
    for name in names:
        if match_name(name, every) is None:
            raise unknown_column(name, every)
    return replace(report, tables=[_select(table, names) for table in report.tables])


def _select(table: Table, names: list[str]) -> Table:
    chosen: list[Column] = []
    for name in names:
        column = match_name(name, table.columns)
        if column is not None and column not in chosen:
            chosen.append(column)
    if not chosen:
        return table
    if table.columns and table.columns[0] not in chosen:
        chosen.insert(0, table.columns[0])
    columns = [replace(column, optional=0, screen=True) for column in chosen]  # what was asked for is shown
    kept = {column.key for column in columns}
    return replace(
        table,
        columns=columns,
        highlights=tuple(h for h in table.highlights if h.column in kept),
    )
