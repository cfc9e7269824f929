"""Every table and view is declared once, documented (columns table and docs/commands/query.md),
and the database keeps its foreign keys."""

from __future__ import annotations

import re

from baozufang_cli.sql import schema
from baozufang_cli.sql.views import VIEWS
from tests.conftest import REPO
from tests.sql.conftest import memory_db

DOC = (REPO / "docs" / "commands" / "query.md").read_text(encoding="utf-8")


def test_the_database_has_exactly_the_declared_tables_and_views() -> None:
    conn = memory_db()
    found = dict(conn.execute("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view')"))
    assert found == {**{t.name: "table" for t in schema.TABLES}, **{v.name: "view" for v in VIEWS}}
    for table in schema.TABLES:
        columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{table.name}")')]
        assert columns == table.column_names
    for view in VIEWS:
        columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{view.name}")')]
        assert columns == [name for name, _, _ in view.columns], view.name


def test_every_column_has_a_chinese_label_in_the_columns_table() -> None:
    conn = memory_db()
    labelled = {
        (t, c): label for t, c, label in conn.execute("SELECT table_name, column_name, label FROM columns")
    }
    for table, column in conn.execute(
        "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type IN ('table', 'view')"
    ):
        assert re.search(r"[\u4e00-\u9fff]", labelled[(table, column)]), (table, column)


def test_foreign_keys_hold_and_indexes_exist() -> None:
    conn = memory_db()
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    keys = {row[2] for row in conn.execute("PRAGMA foreign_key_list(milestones)")}
    assert keys == {"projects"}
    indexes = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "idx_projects_city_district" in indexes


def test_every_table_and_view_is_documented() -> None:
    for name in [t.name for t in schema.TABLES] + [v.name for v in VIEWS]:
        assert f"`{name}`" in DOC, name
    for table in schema.TABLES:
        for column in table.column_names:
            assert f"`{column}`" in DOC, (table.name, column)


def test_tables_hold_rows_for_the_sample_ledger() -> None:
    conn = memory_db()
    for table in ("projects", "milestones", "problems", "funding", "operations", "targets", "districts",
                  "supply_types", "cities", "meta", "columns", "assessments"):  # fmt: skip
        if table == "assessments":
            continue  # the in-memory test database is built without self-assessments
        assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] > 0, table
