"""`bzf problems`: the 问题清单, worked out by hand from tests/data/deadlines.

Problems as of D = 2024-06-30:
  G-1 P1  市住建局        建设手续  raised 2023-01-10, closed 2023-03-01 (50 days)
  N-1 P1  市消防救援支队  组织实施  raised 2024-02-01, due 2024-03-31, open: overdue 91 days
  N-1 P2  市住建局        建设手续  raised 2024-05-01, closed 2024-06-20 (50 days, this month)
  N-1 P3  市住建局        房源筹集  raised 2024-07-05: does not exist yet on D
  N-2 P1  市财政局        资金来源  raised 2024-03-01, due 2024-06-30 (= D): open, not overdue
  N-2 P2  市财政局        资金来源  raised 2024-01-10, closed 2024-02-19 (40 days)
  GA-1 P1 市住建局        房源筹集  raised 2023-12-01, closed 2024-01-15 (45 days)
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from statistics import median
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baozufang_cli.ledger.registry import Ledger
from baozufang_cli.reports.problems import problems_report
from tests.conftest import assert_golden, run, run_json
from tests.strategies import DAY0, ledgers


def problems(ledger: Path, *args: str) -> Any:
    return run_json("problems", "--data", ledger, *args)


def listed(data: Any) -> list[tuple[str, str, str]]:
    return [(p["project_id"], p["problem_id"], p["state"]) for p in data["problems"]]


def summary(data: Any) -> list[tuple[Any, ...]]:
    keys = ("department", "open", "overdue", "closed_this_month", "closed", "median_days_to_close")
    return [tuple(d[k] for k in keys) for d in data["by_department"]]


def test_list_and_summary_by_hand(deadlines: Path) -> None:
    data = problems(deadlines, "--as-of", "2024-06-30")
    # overdue first, then open, then closed in the last 30 days; P3 is raised after D
    assert listed(data) == [("N-1", "P1", "overdue"), ("N-2", "P1", "open"), ("N-1", "P2", "closed")]
    assert data["problems"][0]["days_overdue"] == 91
    assert data["problems"][1]["days_open"] == 121 and data["problems"][1]["days_overdue"] is None
    assert data["problems"][2]["days_to_close"] == 50
    # most overdue first, then most open
    assert summary(data) == [
        ("市消防救援支队", 1, 1, 0, 0, None),
        ("市财政局", 1, 0, 0, 1, 40),
        ("市住建局", 0, 0, 1, 3, 50),  # closed after 50, 50 and 45 days
    ]
    total = data["total"]
    assert (total["open"], total["overdue"], total["closed_this_month"], total["closed"]) == (2, 1, 1, 4)
    assert total["median_days_to_close"] == 47.5  # 40, 45, 50, 50


def test_problem_due_on_the_day_becomes_overdue_after_it(deadlines: Path) -> None:
    data = problems(deadlines, "--as-of", "2024-07-10")
    states = {(p["project_id"], p["problem_id"]): (p["state"], p["days_overdue"]) for p in data["problems"]}
    assert states[("N-2", "P1")] == ("overdue", 10)
    assert states[("N-1", "P3")] == ("open", None)  # raised 2024-07-05, no due date
    assert data["total"]["closed_this_month"] == 0  # N-1 P2 closed in June


def test_closed_after_the_as_of_date_is_still_open(deadlines: Path) -> None:
    data = problems(deadlines, "--as-of", "2024-06-19")
    states = {(p["project_id"], p["problem_id"]): p["state"] for p in data["problems"]}
    assert states[("N-1", "P2")] == "open"
    assert next(p for p in data["problems"] if p["problem_id"] == "P2")["closed"] is None


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--state", "open"), [("N-1", "P1", "overdue"), ("N-2", "P1", "open")]),
        (("--state", "overdue"), [("N-1", "P1", "overdue")]),
        (("--state", "closed"), [("N-1", "P2", "closed")]),
        # closed since 2023-12-13: newest first
        (
            ("--state", "closed", "--closed-days", "200"),
            [("N-1", "P2", "closed"), ("N-2", "P2", "closed"), ("GA-1", "P1", "closed")],
        ),
        (("--department", "住建"), [("N-1", "P2", "closed")]),
        (("--department", "市财政局", "--state", "open"), [("N-2", "P1", "open")]),
        (("--category", "组织实施"), [("N-1", "P1", "overdue")]),
        (("--category", "资金"), [("N-2", "P1", "open")]),  # a unique part of the name
        (("--district", "贵安", "--closed-days", "200"), [("GA-1", "P1", "closed")]),
        (("--type", "收购"), [("N-2", "P1", "open")]),
    ],
)
def test_filters(deadlines: Path, args: tuple[str, ...], expected: list[tuple[str, str, str]]) -> None:
    assert listed(problems(deadlines, "--as-of", "2024-06-30", *args)) == expected


def test_filters_apply_to_the_summary_but_state_does_not(deadlines: Path) -> None:
    data = problems(deadlines, "--as-of", "2024-06-30", "--department", "住建", "--state", "overdue")
    assert data["problems"] == []
    assert summary(data) == [("市住建局", 0, 0, 1, 3, 50)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--category", "建设手读"), '未知问题类别 "建设手读"，是否为 建设手续？'),
        (("--department", "市"), "责任部门 市 有多个匹配：市住建局、市消防救援支队、市财政局"),
        (("--department", "住房局"), '未知责任部门 "住房局"'),
    ],
)
def test_unknown_names_are_usage_errors_with_a_hint(
    deadlines: Path, args: tuple[str, ...], message: str
) -> None:
    result = run("problems", "--data", deadlines, "--as-of", "2024-06-30", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_json_keys_are_the_contract(deadlines: Path) -> None:
    data = problems(deadlines, "--as-of", "2024-06-30")
    assert {"as_of", "problems", "by_department", "total"} <= data.keys()
    for problem in data["problems"]:
        assert {"project_id", "problem_id", "district", "category", "department", "raised", "due", "closed",
                "state", "days_overdue", "days_to_close"} <= problem.keys()  # fmt: skip
    for department in data["by_department"]:
        assert {
            "department",
            "open",
            "overdue",
            "closed_this_month",
            "median_days_to_close",
        } <= department.keys()


@pytest.mark.parametrize(("name", "args"), [("problems.txt", ()), ("problems.md", ("-f", "md"))])
def test_rendered_output_is_pinned(
    request: pytest.FixtureRequest, deadlines: Path, name: str, args: tuple[str, ...]
) -> None:
    result = run("problems", "--data", deadlines, "--as-of", "2024-06-30", *args)
    assert result.exit_code == 0, result.stderr
    assert_golden(request, name, result.stdout)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers(), st.integers(0, 1000).map(lambda d: DAY0 + timedelta(days=d)))
def test_summary_adds_up(ledger: Ledger, as_of: date) -> None:
    data = problems_report(ledger, as_of).data
    for key in ("open", "overdue", "closed", "closed_this_month"):
        assert sum(d[key] for d in data["by_department"]) == data["total"][key]
    existing = [p for project in ledger.valid_projects() for p in project.problems if p.raised <= as_of]
    closed = [p for p in existing if p.closed is not None and p.closed <= as_of]
    still_open = [p for p in existing if p.closed is None or p.closed > as_of]
    assert data["total"]["open"] == len(still_open) == len(existing) - len(closed)
    assert data["total"]["overdue"] == sum(p.due is not None and p.due < as_of for p in still_open)
    expected_median = median((p.closed - p.raised).days for p in closed if p.closed) if closed else None
    assert data["total"]["median_days_to_close"] == expected_median
