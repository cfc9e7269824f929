"""`bzf overdue`: slipped, upcoming and late milestones, worked out by hand from tests/data/deadlines.

As of D = 2024-06-30 the milestones with a planned date before D and not done are
  G-5 开工 2023-10-01 (273 days)   G-1 主体封顶 2023-12-01 (212; 交付使用 done: a missing date)
  N-1 交付使用 2024-01-31 (151; done 2024-07-01, after D)   G-3 施工许可 2024-05-15 (46)
  G-2 主体封顶 2024-06-01 (29)
N-2 签约付款 is planned on D itself: due, not overdue.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baozufang_cli.facts.project import milestone_done as done
from baozufang_cli.ledger.registry import Ledger
from baozufang_cli.reports.overdue import overdue_report
from tests.conftest import assert_golden, run, run_json
from tests.strategies import DAY0, ledgers


def overdue(ledger: Path, *args: str) -> Any:
    return run_json("overdue", "--data", ledger, *args)


def keys(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(r["project_id"], r["milestone"], r["planned"], r["days_overdue"]) for r in rows]


def test_overdue_milestones_worst_first(deadlines: Path) -> None:
    data = overdue(deadlines, "--as-of", "2024-06-30")
    assert keys(data["rows"]) == [
        ("G-5", "开工", "2023-10-01", 273),
        ("G-1", "主体封顶", "2023-12-01", 212),
        ("N-1", "交付使用", "2024-01-31", 151),
        ("G-3", "施工许可", "2024-05-15", 46),
        ("G-2", "主体封顶", "2024-06-01", 29),  # file says 封顶: the alias is canonicalised
    ]
    assert all(r["upcoming"] is False for r in data["rows"])
    assert [r["later_done"] for r in data["rows"]] == [False, True, False, False, False]
    assert data["overdue_count"] == 5 and data["late"] == []
    assert {d["district"]: d["overdue"] for d in data["by_district"]} == {
        "观山湖区": 4,
        "南明区": 1,
        "贵安新区": 0,
    }


def test_summary_line_counts_by_district(deadlines: Path) -> None:
    text = run("overdue", "--data", deadlines, "--as-of", "2024-06-30").stdout
    assert "逾期节点 5 个：观山湖区 4，南明区 1" in text
    assert "备注“待补实际日期”" in text


def test_done_on_the_day_and_done_after_the_day(deadlines: Path) -> None:
    # on 2024-07-01 N-1 交付使用 is done (not overdue); G-3 开工 is done too
    later = overdue(deadlines, "--as-of", "2024-07-01")
    assert ("N-1", "交付使用") not in {(r["project_id"], r["milestone"]) for r in later["rows"]}
    # N-2 签约付款 planned 2024-06-30: not overdue on that day, overdue by one day after it
    assert ("N-2", "签约付款", "2024-06-30", 1) in keys(later["rows"])
    on_day = overdue(deadlines, "--as-of", "2024-06-30")
    assert "N-2" not in {r["project_id"] for r in on_day["rows"]}


def test_within_adds_upcoming_milestones_never_counted_as_overdue(deadlines: Path) -> None:
    data = overdue(deadlines, "--as-of", "2024-06-30", "--within", "30")
    upcoming = [r for r in data["rows"] if r["upcoming"]]
    # N-2 签约付款 due on D (0 days left), G-3 开工 planned 2024-07-15 (its actual is after D)
    assert [(r["project_id"], r["milestone"], r["days_until_due"], r["days_overdue"]) for r in upcoming] == [
        ("N-2", "签约付款", 0, 0),
        ("G-3", "开工", 15, -15),
    ]
    assert data["overdue_count"] == 5 and data["upcoming_count"] == 2
    assert sum(d["overdue"] for d in data["by_district"]) == 5
    narrow = overdue(deadlines, "--as-of", "2024-06-30", "--within", "14")
    assert [r["project_id"] for r in narrow["rows"] if r["upcoming"]] == ["N-2"]


def test_late_lists_milestones_done_after_their_plan(deadlines: Path) -> None:
    data = overdue(deadlines, "--as-of", "2024-06-30", "--late")
    assert [(r["project_id"], r["milestone"], r["actual"], r["days_late"]) for r in data["late"]] == [
        ("G-2", "开工", "2024-04-10", 40),
        ("G-1", "交付使用", "2024-06-30", 30),
        ("G-1", "开工", "2023-03-05", 4),
    ]
    assert data["late_count"] == 3 and data["overdue_count"] == 5  # late rows are not overdue rows
    later = overdue(deadlines, "--as-of", "2024-07-01", "--late")
    assert ("N-1", "交付使用", "2024-07-01", 152) in [
        (r["project_id"], r["milestone"], r["actual"], r["days_late"]) for r in later["late"]
    ]
    # G-3 开工 done 2024-07-01, before its plan of 2024-07-15: early, not late
    assert "G-3" not in {r["project_id"] for r in later["late"]}


def test_filters(deadlines: Path) -> None:
    assert keys(overdue(deadlines, "--as-of", "2024-06-30", "-d", "南明")["rows"]) == [
        ("N-1", "交付使用", "2024-01-31", 151)
    ]
    assert [r["project_id"] for r in overdue(deadlines, "--as-of", "2024-06-30", "-y", "2023")["rows"]] == [
        "G-5",
        "G-1",
        "N-1",
    ]
    assert overdue(deadlines, "--as-of", "2024-06-30", "-t", "收购")["rows"] == []


def test_nothing_overdue(deadlines: Path) -> None:
    result = run("overdue", "--data", deadlines, "--as-of", "2023-01-01")
    assert result.exit_code == 0 and "没有逾期节点" in result.stdout


def test_json_keys_are_the_contract(deadlines: Path) -> None:
    data = overdue(deadlines, "--as-of", "2024-06-30", "--within", "30", "--late")
    assert {"as_of", "rows", "late", "by_district"} <= data.keys()
    for row in data["rows"]:
        assert {"project_id", "milestone", "planned", "days_overdue", "upcoming"} <= row.keys()
        assert {"project_name", "district", "supply_type", "responsible_unit"} <= row.keys()
    for row in data["late"]:
        assert {"project_id", "milestone", "planned", "actual", "days_late"} <= row.keys()


def test_negative_within_is_a_usage_error(deadlines: Path) -> None:
    assert run("overdue", "--data", deadlines, "--within", "-3").exit_code == 2


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("overdue.txt", ()),
        ("overdue_within_late.txt", ("--within", "30", "--late")),
        ("overdue_within_late.csv", ("--within", "30", "--late", "-f", "csv")),
    ],
)
def test_rendered_output_is_pinned(
    request: pytest.FixtureRequest, deadlines: Path, name: str, args: tuple[str, ...]
) -> None:
    result = run("overdue", "--data", deadlines, "--as-of", "2024-06-30", *args)
    assert result.exit_code == 0, result.stderr
    assert_golden(request, name, result.stdout)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers(), st.integers(0, 1000).map(lambda d: DAY0 + timedelta(days=d)), st.integers(0, 60))
def test_overdue_rows_follow_the_definition(ledger: Ledger, as_of: date, within: int) -> None:
    data = overdue_report(ledger, as_of, within=within, late=True).data
    expected = set()
    for project in ledger.valid_projects():
        for milestone in project.milestones:
            if milestone.planned is not None and milestone.planned < as_of and not done(milestone, as_of):
                expected.add((project.id, milestone.name, (as_of - milestone.planned).days))
    overdue_rows = [r for r in data["rows"] if not r["upcoming"]]
    assert {(r["project_id"], r["milestone"], r["days_overdue"]) for r in overdue_rows} == expected
    assert [r["days_overdue"] for r in overdue_rows] == sorted(
        (r["days_overdue"] for r in overdue_rows), reverse=True
    )
    assert data["overdue_count"] == len(expected) == sum(d["overdue"] for d in data["by_district"])
    for row in data["rows"]:
        if row["upcoming"]:
            assert 0 <= row["days_until_due"] <= within
    for row in data["late"]:
        assert row["days_late"] > 0 and row["actual"] <= as_of
