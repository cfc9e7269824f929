"""``bzf query "SQL"``: one read-only SQL statement over the ledger's tables (docs/commands/query.md)."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from baozufang_cli.cli.options import (
    AsOfOpt,
    DataListOpt,
    FormatOpt,
    NoCacheOpt,
    OutputOpt,
)
from baozufang_cli.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from baozufang_cli.reports.value import Report

ORDER = 85
SHORT_HELP = "用 SQL 查询台账（只读）：项目、节点、问题、资金、运营、目标等表"
HELP = (
    "用一条只读 SQL 语句查询台账。表：projects 项目、milestones 节点、problems 问题、funding 资金来源、"
    "operations 运营、targets 目标、districts 区县、supply_types 筹集方式、cities 城市、assessments 月度自评、"
    "queries 命名查询、meta、columns（每列的中文说明）；视图 v_status_by_district、v_gap、v_overdue、v_reporting。"
    "数据截至 --as-of，不含之后的日期。@名称 运行 criteria.yaml 中 queries: 的命名查询，--list 列出它们。"
    "--data 可多次指定（全省：每个台账一个城市，各表有 city 列）"
)

SqlArg = Annotated[
    str | None,
    typer.Argument(help="SQL 语句，或 @名称（criteria.yaml 的命名查询）", metavar="SQL", show_default=False),
]
NameOpt = Annotated[
    str | None,
    typer.Option("--name", "-n", help="运行命名查询（同 @名称）", show_default=False, metavar="NAME"),
]
ListOpt = Annotated[bool, typer.Option("--list", help="列出 criteria.yaml 中的命名查询")]
TablesOpt = Annotated[bool, typer.Option("--tables", help="列出全部表、视图和列的中文说明")]
LimitOpt = Annotated[int, typer.Option("--limit", help="最多显示的行数", min=1, metavar="N")]
TimeoutOpt = Annotated[float, typer.Option("--timeout", help="查询最长秒数", min=0.1, metavar="SECONDS")]
RawNamesOpt = Annotated[
    bool, typer.Option("--raw-names", help="表格、Markdown、xlsx 的表头也用 SQL 列名（默认用各列的中文名）")
]

TABLES_SQL = "SELECT table_name, column_name, label, type, description FROM columns"


def command(
    sql: SqlArg = None,
    name: NameOpt = None,
    list_queries: ListOpt = False,
    tables: TablesOpt = False,
    data: DataListOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    limit: LimitOpt = 10_000,
    timeout: TimeoutOpt = 30.0,
    raw_names: RawNamesOpt = False,
    no_cache: NoCacheOpt = False,
) -> None:
    from baozufang_cli.cli.cities import open_database
    from baozufang_cli.cli.options import Format
    from baozufang_cli.cli.runtime import as_of_date, emit, output_format, warn_excluded
    from baozufang_cli.sql.query import make_read_only, run
    from baozufang_cli.sql.report import column_labels, query_report

    chosen = sum(x is not None for x in (sql, name)) + list_queries + tables
    if chosen != 1:
        raise UsageError(
            "请给出一条 SQL 语句（或 @名称、--name、--list、--tables 之一）",
            'bzf query "SELECT district, COUNT(*) FROM projects GROUP BY district"',
        )
    day = as_of_date(as_of)
    conn, loaded = open_database(data, day, no_cache)
    cities = conn.execute("SELECT city, plan FROM cities ORDER BY position").fetchall()
    ledger_name = cities[0][1] if len(cities) == 1 else "、".join(city for city, _ in cities)
    heading = cities[0][0] if len(cities) == 1 else "、".join(city for city, _ in cities)
    queries = named_queries(conn)
    if list_queries:
        emit(_list(queries, ledger_name, day), fmt, output, heading)
        return
    title = "查询"
    if tables:
        sql, title = TABLES_SQL, "表和列"
    elif name is not None or (sql is not None and sql.startswith("@")):
        key = name if name is not None else (sql or "")[1:]
        if key not in queries:
            known = "、".join(queries) or "（criteria.yaml 没有 queries:）"
            raise UsageError(f"没有命名查询 {key}", f"可用：{known}")
        sql, title = queries[key], f"查询 {key}"
    assert sql is not None
    make_read_only(conn)
    result = run(conn, sql, limit, timeout)
    labelled = not raw_names and output_format(fmt, output) in (Format.table, Format.md, Format.xlsx)
    headers = column_labels(conn, result) if labelled else None  # JSON keys and CSV headers: SQL names
    report = query_report(result, sql, day, ledger_name, title, headers)
    excluded = [warn_excluded(city.ledger, report) for city in loaded]
    emit(report, fmt, output, heading)
    if any(excluded):
        raise typer.Exit(int(ExitCode.LEDGER_ERRORS))


def named_queries(conn: sqlite3.Connection) -> dict[str, str]:
    """``queries:`` of every ledger's criteria.yaml; the first ledger naming a query wins."""
    found: dict[str, str] = {}
    rows = conn.execute(
        "SELECT q.name, q.sql FROM queries q JOIN cities c ON c.city = q.city ORDER BY c.position, q.rowid"
    )
    for key, text in rows:
        found.setdefault(key, text)
    return found


def _list(queries: dict[str, str], ledger_name: str, day: date) -> Report:
    from baozufang_cli.reports.value import Column, Report, Table

    rows = [{"name": key, "sql": " ".join(text.split())} for key, text in queries.items()]
    table = Table(
        "命名查询",
        [Column("name", "名称", "code"), Column("sql", "SQL")],
        rows,
        notes=[f"共 {len(rows)} 个；运行：bzf query @名称"] if rows else ["criteria.yaml 没有 queries:"],
    )
    return Report.as_of_day("命名查询", ledger_name, day, [table], {"queries": rows})
