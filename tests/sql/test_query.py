"""`bzf query`: read-only SQL over the ledger — answers, refusals, formats, named queries."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from baozufang_cli.sql.query import QueryRefused, make_read_only, run
from tests.conftest import DATA, SAMPLE
from tests.conftest import run as bzf
from tests.sql.conftest import memory_db

AS_OF = "2024-06-30"


def query(*args: str | Path, exit_code: int = 0, as_of: str = AS_OF) -> dict:  # type: ignore[type-arg]
    result = bzf("query", *args, "--data", SAMPLE, "--as-of", as_of, "-f", "json")
    assert result.exit_code == exit_code, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_a_query_answers_from_the_ledger() -> None:
    data = query("SELECT COUNT(*) AS n, SUM(units) AS units FROM projects")
    status = json.loads(bzf("status", "--data", SAMPLE, "--as-of", AS_OF, "-f", "json").stdout)
    assert data["as_of"] == AS_OF
    assert data["columns"] == ["n", "units"]
    assert data["rows"] == [{"n": status["total"]["projects"], "units": status["total"]["units"]}]
    assert data["truncated"] is False


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM projects",
        "UPDATE projects SET units = 0",
        "INSERT INTO meta VALUES ('a', 'b')",
        "DROP TABLE projects",
        "CREATE TABLE t (x)",
        "ATTACH DATABASE 'other.db' AS other",
        "SELECT load_extension('evil')",
        "PRAGMA foreign_keys = OFF",
        "PRAGMA query_only = 0",
        "PRAGMA writable_schema = 1",
        "SELECT * FROM pragma_query_only(0)",
        "SELECT * FROM pragma_journal_mode('off')",
        "UPDATE sqlite_master SET sql = ''",
        "VACUUM",
    ],
)
def test_anything_but_a_read_is_refused(sql: str, tmp_path: Path) -> None:
    result = bzf("query", sql, "--data", SAMPLE, "--as-of", AS_OF)
    assert result.exit_code == 2
    assert result.stderr.startswith("bzf：SQL 语句有误：")
    assert "Traceback" not in result.stderr and "内部错误" not in result.stderr
    assert not (tmp_path / "other.db").exists()


def test_the_read_only_connection_refuses_writes_directly() -> None:
    conn = memory_db()
    make_read_only(conn)
    for sql in ("DELETE FROM projects", "ATTACH ':memory:' AS x", "PRAGMA query_only = 0"):
        with pytest.raises(QueryRefused, match="只能查询"):
            run(conn, sql)
    assert conn.execute("SELECT COUNT(*) FROM projects").fetchone()[0] > 0
    assert run(conn, "PRAGMA table_info(projects)").rows  # introspection still reads
    info = run(conn, "SELECT name, type FROM pragma_table_info('funding') WHERE name = 'received_on'")
    assert info.rows == [("received_on", "TEXT")]  # also as a table-valued function
    for sql in ("PRAGMA foreign_keys = OFF", "SELECT * FROM pragma_query_only(0)"):
        with pytest.raises(QueryRefused):
            run(conn, sql)
    conn.set_authorizer(None)
    assert conn.execute("PRAGMA query_only").fetchone()[0] == 1


def test_bad_sql_is_a_chinese_usage_error_with_the_position() -> None:
    result = bzf("query", "SELECT id,\n  nme FROM projects", "--data", SAMPLE)
    assert result.exit_code == 2
    assert "没有列 nme，第 2 行第 3 列" in result.stderr
    result = bzf("query", "SELEC * FROM projects", "--data", SAMPLE)
    assert result.exit_code == 2 and "“SELEC”附近有语法错误，第 1 行第 1 列" in result.stderr
    result = bzf("query", "SELECT 1; SELECT 2", "--data", SAMPLE)
    assert result.exit_code == 2 and "一次只能执行一条 SQL 语句" in result.stderr
    result = bzf("query", "SELECT * FROM nowhere", "--data", SAMPLE)
    assert result.exit_code == 2 and "没有表 nowhere" in result.stderr


def test_a_long_query_is_stopped() -> None:
    conn = memory_db()
    make_read_only(conn)
    endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c"
    with pytest.raises(QueryRefused, match=r"查询超过 0\.2 秒"):
        run(conn, endless, timeout=0.2)


def test_the_row_limit_truncates_and_says_so() -> None:
    data = query("SELECT id FROM projects ORDER BY id", "--limit", "3")
    assert len(data["rows"]) == 3 and data["truncated"] is True
    table = bzf("query", "SELECT id FROM projects", "--data", SAMPLE, "--limit", "3").stdout
    assert "只显示前 3 行" in table


def test_nothing_after_the_as_of_day() -> None:
    early = query("SELECT MAX(actual) AS last FROM milestones", as_of="2023-01-31")
    assert early["rows"][0]["last"] <= "2023-01-31"
    raised = query("SELECT MAX(raised) AS r, MAX(closed) AS c FROM problems", as_of="2023-06-30")
    assert all(v is None or v <= "2023-06-30" for v in raised["rows"][0].values())


def test_every_format_renders(tmp_path: Path) -> None:
    sql = "SELECT district, COUNT(*) AS n, SUM(units) AS units FROM projects GROUP BY district"
    for fmt in ("table", "md", "csv"):
        result = bzf("query", sql, "--data", SAMPLE, "-f", fmt)
        assert result.exit_code == 0, result.stderr
        assert "观山湖区" in result.stdout
    rows = list(csv.reader(io.StringIO(bzf("query", sql, "--data", SAMPLE, "-f", "csv").stdout)))
    assert rows[0] == ["district", "n", "units"]
    out = tmp_path / "q.xlsx"
    result = bzf("query", sql, "--data", SAMPLE, "-f", "xlsx", "-o", out)
    assert result.exit_code == 0, result.stderr
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    assert sheet is not None
    assert any(cell.value == "观山湖区" for row in sheet.iter_rows() for cell in row)


def test_named_queries_from_criteria(ledger) -> None:  # type: ignore[no-untyped-def]
    root = ledger("base", "typical")
    criteria = root / "criteria.yaml"
    criteria.write_text(
        criteria.read_text(encoding="utf-8")
        + "queries:\n  大项目: SELECT id FROM projects WHERE units >= 100 ORDER BY id\n"
        + "  count: SELECT COUNT(*) AS n FROM projects\n",
        encoding="utf-8",
    )
    listed = json.loads(bzf("query", "--list", "--data", root, "-f", "json").stdout)
    assert [q["name"] for q in listed["queries"]] == ["大项目", "count"]
    by_at = json.loads(bzf("query", "@count", "--data", root, "-f", "json").stdout)
    by_name = json.loads(bzf("query", "--name", "count", "--data", root, "-f", "json").stdout)
    assert by_at["rows"] == by_name["rows"] and by_at["rows"][0]["n"] > 0
    missing = bzf("query", "@nothing", "--data", root)
    assert missing.exit_code == 2 and "没有命名查询 nothing" in missing.stderr and "大项目" in missing.stderr


def test_tables_lists_every_column_with_a_chinese_label() -> None:
    data = query("--tables")
    labels = {(r["table_name"], r["column_name"]): r["label"] for r in data["rows"]}
    assert labels[("projects", "units")] == "套数"
    assert ("v_gap", "projected_gap") in labels


def test_a_query_needs_exactly_one_statement_or_name() -> None:
    result = bzf("query", "--data", SAMPLE)
    assert result.exit_code == 2 and "请给出一条 SQL 语句" in result.stderr


def test_excluded_files_make_exit_1(ledger) -> None:  # type: ignore[no-untyped-def]
    root = ledger("base", "typical")
    (root / "projects" / "broken.yaml").write_text("id: broken\nunits: many\n", encoding="utf-8")
    result = bzf("query", "SELECT COUNT(*) AS n FROM projects", "--data", root, "-f", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["rows"][0]["n"] > 0


def test_the_query_database_is_the_exported_one(tmp_path: Path) -> None:
    out = tmp_path / "台账.db"
    assert bzf("export", "sqlite", "-o", out, "--data", DATA / "typical", "--as-of", AS_OF).exit_code == 0
    conn = sqlite3.connect(f"file:{out}?mode=ro", uri=True)
    exported = conn.execute("SELECT id, status FROM projects ORDER BY id").fetchall()
    data = json.loads(
        bzf(
            "query", "SELECT id, status FROM projects ORDER BY id", "--data", DATA / "typical",
            "--as-of", AS_OF, "-f", "json",
        ).stdout
    )  # fmt: skip
    assert [tuple(r.values()) for r in data["rows"]] == exported


def _table_header(*args: str) -> str:
    result = bzf("query", *args, "--data", SAMPLE, "--as-of", AS_OF, "--limit", "1")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    return lines[lines.index(next(line for line in lines if line.startswith("---"))) - 1]


def test_table_headers_are_the_chinese_labels_of_the_columns_read() -> None:
    header = _table_header("SELECT id, name, units, COUNT(*) AS n, units * 2 AS double FROM projects")
    assert header.split() == ["项目编号", "项目名称", "套数", "n", "double"]
    # name in projects and milestones has two labels: the SQL name stays
    header = _table_header("SELECT p.name, m.name FROM projects p JOIN milestones m ON m.project_id = p.id")
    assert header.split() == ["name", "name"]
    assert _table_header("SELECT m.name, planned FROM milestones m").split() == ["节点", "计划日期"]
    assert _table_header("SELECT district, target FROM v_gap").split() == ["区县", "目标"]
    assert _table_header("SELECT id, units FROM projects", "--raw-names").split() == ["id", "units"]


def test_json_and_csv_keep_the_sql_names(tmp_path: Path) -> None:
    sql = "SELECT id, units FROM projects LIMIT 1"
    assert query(sql)["columns"] == ["id", "units"]
    rows = list(csv.reader(io.StringIO(bzf("query", sql, "--data", SAMPLE, "-f", "csv").stdout)))
    assert rows[0] == ["id", "units"]
    md = bzf("query", sql, "--data", SAMPLE, "-f", "md").stdout
    assert "| 项目编号 | 套数 |" in md
    out = tmp_path / "q.xlsx"
    assert bzf("query", sql, "--data", SAMPLE, "-o", out).exit_code == 0
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    assert sheet is not None
    assert any(cell.value == "项目编号" for row in sheet.iter_rows() for cell in row)
