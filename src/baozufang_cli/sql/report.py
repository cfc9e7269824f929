"""A query result as a ``Report``, so every renderer (table, JSON, CSV, Markdown, xlsx) shows it.

Headers: a result column named like a documented column the statement reads (``columns``
table) is headed by that column's Chinese label, when the name has one label among the tables
and views read (``SELECT name, units FROM projects`` → 项目名称、套数); any other column (an
expression, an alias) keeps its SQL name. The command asks for labels in table, Markdown and
xlsx output only: JSON keys and CSV headers stay the SQL names. A column's kind (how the terminal shows numbers)
follows its values and name: integers named like a year (``plan_year``, ``year``) are years,
``*_pct``/``*_rate``/``*_ratio``/``occupancy`` are percentages, ids and phone numbers are
never wrapped.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from typing import Any

from baozufang_cli.reports.value import Column, ColumnKind, Report, Table
from baozufang_cli.sql.query import Result

_YEAR = re.compile(r"(^|_)year$|^年")
_PCT = re.compile(r"(^|_)(pct|rate|ratio)$|^occupancy$|率$")
_CODE = re.compile(r"(^|_)(id|code|no|contact)$|^(month|commit)$")


def _kind(name: str, values: list[Any]) -> ColumnKind:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, int) for v in present):
        if _YEAR.search(name):
            return "year"
        return "pct" if _PCT.search(name) else "int"
    if present and all(isinstance(v, int | float) for v in present):
        return "pct" if _PCT.search(name) else "float"
    return "code" if _CODE.search(name) else "text"


def _keys(columns: list[str]) -> list[str]:
    """Row keys: the column names, a repeated name numbered (``id``, ``id_2``)."""
    keys: list[str] = []
    for name in columns:
        key, number = name, 1
        while key in keys:
            number += 1
            key = f"{name}_{number}"
        keys.append(key)
    return keys


def _value(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.hex()
    return value


def column_labels(conn: sqlite3.Connection, result: Result) -> list[str]:
    """A header per result column: the Chinese label of the documented column of that name the
    statement reads, when there is exactly one such label; otherwise the SQL name."""
    documented: dict[tuple[str, str], str] = {
        (table.lower(), column.lower()): label
        for table, column, label in conn.execute("SELECT table_name, column_name, label FROM columns")
    }
    read = {(table.lower(), column.lower()) for table, column in result.reads}
    headers = []
    for name in result.columns:
        wanted = name.lower()
        labels = {documented[key] for key in read if key[1] == wanted and key in documented}
        headers.append(labels.pop() if len(labels) == 1 else name)
    return headers


def query_report(
    result: Result,
    sql: str,
    as_of: date,
    ledger_name: str,
    title: str = "查询",
    headers: list[str] | None = None,
) -> Report:
    """``headers``: what the tables show above each column (``column_labels``); the SQL names by default."""
    keys = _keys(result.columns)
    rows = [dict(zip(keys, (_value(v) for v in row), strict=True)) for row in result.rows]
    columns = [
        Column(key, header, _kind(name, [row[key] for row in rows]))
        for key, name, header in zip(keys, result.columns, headers or result.columns, strict=True)
    ]
    notes = [f"共 {len(rows)} 行"]
    if result.truncated:
        notes = [f"只显示前 {len(rows)} 行（用 --limit 放宽）"]
    table = Table(title, columns, rows, notes=notes)
    return Report.as_of_day(
        title,
        ledger_name,
        as_of,
        [table],
        {"sql": sql, "columns": result.columns, "rows": rows, "truncated": result.truncated},
    )
