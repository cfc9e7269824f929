"""sql/build.py: nothing after the as-of day enters the tables."""

from __future__ import annotations

from datetime import date

from tests.sql.conftest import memory_db


def test_money_received_after_the_day_counts_zero_and_its_date_is_unknown() -> None:
    sql = "SELECT source, received, received_on FROM funding WHERE project_id = 'GSH-2023-001' ORDER BY position"
    before = memory_db(date(2024, 1, 19)).execute(sql).fetchall()
    after = memory_db(date(2024, 1, 20)).execute(sql).fetchall()
    assert before[:2] == [("中央补助资金", 4666.0, "2023-08-15"), ("地方政府专项债券", 0.0, None)]
    assert after[:2] == [("中央补助资金", 4666.0, "2023-08-15"), ("地方政府专项债券", 23328.0, "2024-01-20")]
    assert before[2:] == after[2:]  # sources without a receipt date are as recorded
    total = "SELECT funding_received_wan FROM projects WHERE id = 'GSH-2023-001'"
    (received_before,) = memory_db(date(2024, 1, 19)).execute(total).fetchone()
    (received_after,) = memory_db(date(2024, 1, 20)).execute(total).fetchone()
    assert received_after - received_before == 23328.0
