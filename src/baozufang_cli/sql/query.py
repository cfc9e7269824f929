"""Run one read-only SQL statement: the authorizer refuses every write, ``ATTACH``, extension
loading and ``PRAGMA`` writes (introspection pragmas read, also as table-valued functions such
as ``pragma_table_info('projects')``); a progress handler ends a statement that runs too long; a
statement that fails is a ``UsageError`` (exit 2) with SQLite's message in Chinese and, where
SQLite names a token, its line and column.
"""

from __future__ import annotations

import re
import sqlite3
import time
from dataclasses import dataclass, field
from typing import Any

from baozufang_cli.errors import UsageError

DEFAULT_LIMIT = 10_000
DEFAULT_TIMEOUT = 30.0  # seconds

_ALLOWED = {
    sqlite3.SQLITE_SELECT,
    sqlite3.SQLITE_READ,
    sqlite3.SQLITE_FUNCTION,
    getattr(sqlite3, "SQLITE_RECURSIVE", 33),  # WITH RECURSIVE
}
# pragmas that only ever read, whatever their argument: schema introspection
_READ_PRAGMAS = {
    "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
    "foreign_key_list", "database_list", "collation_list", "function_list", "pragma_list",
}  # fmt: skip
_REFUSED_FUNCTIONS = {"load_extension", "readfile", "writefile", "edit", "fts3_tokenizer"}


class QueryRefused(UsageError):
    """A statement that is not a read, or that SQLite rejects."""


_SCHEMA_TABLES = {"sqlite_master", "sqlite_schema", "sqlite_temp_master", "sqlite_temp_schema"}


@dataclass
class Result:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool  # more rows than the limit
    # (table or view, column) the statement itself reads (not what a view reads underneath)
    reads: set[tuple[str, str]] = field(default_factory=set)


def _authorizer(action: int, arg1: str | None, arg2: str | None, db: str | None, trigger: str | None) -> int:
    if action in _ALLOWED:
        if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in _REFUSED_FUNCTIONS:
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() in _READ_PRAGMAS:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_UPDATE and (arg1 or "").lower() in _SCHEMA_TABLES:
        # a table-valued pragma (``pragma_table_info('projects')``) asks this while SQLite reads
        # its schema; IGNORE lets the read go on and turns a real UPDATE of the schema into a no-op
        # (which query_only and SQLite's own "may not be modified" refuse anyway)
        return sqlite3.SQLITE_IGNORE
    return sqlite3.SQLITE_DENY


def make_read_only(conn: sqlite3.Connection) -> None:
    """From now on ``conn`` only reads."""
    conn.execute("PRAGMA query_only = ON")
    conn.set_authorizer(_authorizer)


def run(
    conn: sqlite3.Connection, sql: str, limit: int = DEFAULT_LIMIT, timeout: float = DEFAULT_TIMEOUT
) -> Result:
    """Execute ``sql`` on a connection made read-only by ``make_read_only``."""
    text = sql.strip().rstrip(";").strip()
    if not text:
        raise QueryRefused("SQL 语句为空", '例如 bzf query "SELECT * FROM projects"')
    deadline = time.monotonic() + timeout
    timed_out = False

    def progress() -> int:
        nonlocal timed_out
        timed_out = time.monotonic() > deadline
        return 1 if timed_out else 0

    reads: set[tuple[str, str]] = set()

    def recording(
        action: int, arg1: str | None, arg2: str | None, db: str | None, trigger: str | None
    ) -> int:
        verdict = _authorizer(action, arg1, arg2, db, trigger)
        if action == sqlite3.SQLITE_READ and trigger is None and arg1 and arg2:
            reads.add((arg1, arg2))
        return verdict

    conn.set_authorizer(recording)
    conn.set_progress_handler(progress, 10_000)
    try:
        cursor = conn.execute(text)
        rows = cursor.fetchmany(limit + 1)
    except (sqlite3.Error, sqlite3.Warning) as error:
        if timed_out:
            raise QueryRefused(
                f"查询超过 {timeout:g} 秒，已中止", "缩小查询范围，或用 --timeout 放宽"
            ) from None
        raise _refusal(text, error) from None
    finally:
        conn.set_progress_handler(None, 0)
        conn.set_authorizer(_authorizer)
    columns = [d[0] for d in cursor.description or ()]
    return Result(columns, rows[:limit], len(rows) > limit, reads)


_NEAR = re.compile(r'near "((?:[^"]|"")*)"')
_READ_ONLY = "只能查询（SELECT），不能修改、ATTACH、加载扩展或设置 PRAGMA"
_MESSAGES = [
    (re.compile(r"^not authorized$"), _READ_ONLY),
    (re.compile(r"^not authorized to use function: (.+)$"), "不能调用函数 {0}：" + _READ_ONLY),
    (re.compile(r"^You can only execute one statement at a time"), "一次只能执行一条 SQL 语句"),
    (re.compile(r"^no such table: (.+)$"), "没有表 {0}"),
    (re.compile(r"^no such column: (.+)$"), "没有列 {0}"),
    (re.compile(r"^no such function: (.+)$"), "没有函数 {0}"),
    (re.compile(r'^near "(.*)": syntax error$'), "“{0}”附近有语法错误"),
    (re.compile(r"^incomplete input$"), "语句不完整"),
    (re.compile(r"^ambiguous column name: (.+)$"), "列名 {0} 有歧义，请加表名"),
    (re.compile(r"^attempt to write a readonly database$"), "只能查询，不能修改"),
]


def _refusal(sql: str, error: Exception) -> QueryRefused:
    message = str(error)
    chinese = message
    for pattern, template in _MESSAGES:
        if match := pattern.match(message):
            chinese = template.format(*match.groups())
            break
    where = _position(sql, message)
    hint = "表和列见 bzf query --tables，或 docs/commands/query.md"
    if message.startswith("not authorized"):
        hint = "bzf query 只读；修改台账请用 bzf set、bzf problem 或直接编辑 YAML 文件"
    if chinese == message:
        return QueryRefused(f"SQL 语句有误：{message}{where}", hint)
    return QueryRefused(f"SQL 语句有误：{chinese}{where}（SQLite：{message}）", hint)


def _position(sql: str, message: str) -> str:
    """Line and column of the token SQLite names (``near "x"``), or of the unknown name."""
    token = None
    if message.startswith(("not authorized", "You can only")):
        return ""
    if match := _NEAR.search(message):
        token = match.group(1).replace('""', '"')
    elif ": " in message:
        token = message.rsplit(": ", 1)[1].split(".")[-1]
    if not token:
        return ""
    match = re.search(r"(?<![\w])" + re.escape(token) if token[:1].isalnum() else re.escape(token), sql)
    if match is None:
        return ""
    before = sql[: match.start()]
    line = before.count("\n") + 1
    column = match.start() - (before.rfind("\n") + 1) + 1
    return f"，第 {line} 行第 {column} 列"
