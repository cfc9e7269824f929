"""`bzf ledger`: the 台账 view, one row per project (expected values from tests/data/deadlines)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from baozufang_cli.reports.ledger_view import COLUMN_KEYS, DEFAULT_KEYS
from tests.conftest import SAMPLE, assert_golden, run, run_json

FACTS = ("id", "stage", "next_milestone", "next_planned", "status", "overdue", "open_problems")


def ledger_json(ledger: Path, *args: str) -> Any:
    return run_json("ledger", "--data", ledger, *args)


def test_rows_by_hand(deadlines: Path) -> None:
    data = ledger_json(deadlines, "--as-of", "2024-06-30")
    assert data["columns"] == list(DEFAULT_KEYS)
    assert [tuple(r[k] for k in FACTS) for r in data["rows"]] == [
        # delivered on D; 主体封顶 has a plan but no actual date, so the project is 逾期
        ("G-1", "交付使用", None, None, "已交付", True, 0),
        ("G-2", "开工", "主体封顶", "2024-06-01", "已启动", True, 0),
        # 开工 done 2024-07-01, after D: not started; 施工许可 overdue
        ("G-3", "立项", "施工许可", "2024-05-15", "未启动", True, 0),
        # lists only 立项: the next milestone comes from the standard sequence, without a plan
        ("G-4", "立项", "施工许可", None, "未启动", False, 0),
        ("G-5", None, "开工", "2023-10-01", "未启动", True, 0),
        ("N-1", "改造开工", "交付使用", "2024-01-31", "已启动", True, 1),  # P3 is raised after D
        ("N-2", None, "签约付款", "2024-06-30", "未启动", False, 1),
        ("GA-1", "开工", "交付使用", "2025-12-31", "已启动", False, 0),
    ]  # sorted by district in registry order (观山湖区, 南明区, 贵安新区), then id
    g3 = data["rows"][2]
    assert (g3["start_planned"], g3["start_actual"], g3["delivered_planned"]) == (
        "2024-07-15",
        None,
        "2025-09-30",
    )
    g1 = data["rows"][0]
    assert (g1["start_actual"], g1["delivered_actual"], g1["district"], g1["plan_year"]) == (
        "2023-03-05",
        "2024-06-30",
        "观山湖区",
        2023,
    )


def test_the_day_after(deadlines: Path) -> None:
    rows = {r["id"]: r for r in ledger_json(deadlines, "--as-of", "2024-07-01")["rows"]}
    assert (rows["N-1"]["status"], rows["N-1"]["delivered_actual"], rows["N-1"]["overdue"]) == (
        "已交付",
        "2024-07-01",
        False,
    )
    assert (rows["G-3"]["status"], rows["G-3"]["stage"], rows["G-3"]["next_milestone"]) == (
        "已启动",
        "开工",
        "交付使用",
    )
    assert rows["N-2"]["overdue"] is True  # 签约付款 planned 2024-06-30


def test_columns_choose_keys_in_order_and_csv_matches_json(deadlines: Path) -> None:
    args = ("--as-of", "2024-06-30", "--columns", "units,id", "--columns", "status")
    data = ledger_json(deadlines, *args)
    assert data["columns"] == ["units", "id", "status"]
    assert all(list(r) == ["units", "id", "status"] for r in data["rows"])
    table = list(csv.reader(io.StringIO(run("ledger", "--data", deadlines, *args, "-f", "csv").stdout)))
    assert table[0] == ["套数", "项目编号", "状态"]
    assert table[1:] == [[str(r["units"]), r["id"], r["status"]] for r in data["rows"]]


def test_all_columns(deadlines: Path) -> None:
    data = ledger_json(deadlines, "--as-of", "2024-06-30", "--columns", "all")
    assert data["columns"] == list(COLUMN_KEYS)
    assert [r["seq"] for r in data["rows"]] == list(range(1, 9))
    n1 = next(r for r in data["rows"] if r["id"] == "N-1")
    assert (n1["unit_kind"], n1["tags"], n1["overdue_milestones"], n1["overdue_problems"]) == (
        "间",
        ["人才租赁住房"],
        1,
        1,
    )
    g1 = data["rows"][0]
    assert (g1["stage_date"], g1["overdue_milestones"], g1["responsible_unit"]) == (
        "2024-06-30",
        1,
        "观山湖区住建局",
    )


def test_unknown_column_is_a_usage_error_with_a_hint(deadlines: Path) -> None:
    result = run("ledger", "--data", deadlines, "--columns", "id,stauts")
    assert result.exit_code == 2
    assert "未知列 stauts，是否为 status？" in result.stderr


def test_help_lists_every_column_key() -> None:
    text = run("ledger", "--help").stdout
    assert all(key in text.replace("\n", "").replace(" ", "") for key in COLUMN_KEYS)


def test_filters(deadlines: Path) -> None:
    assert [r["id"] for r in ledger_json(deadlines, "-d", "南明", "--as-of", "2024-06-30")["rows"]] == [
        "N-1",
        "N-2",
    ]
    assert [r["id"] for r in ledger_json(deadlines, "-y", "2023", "--as-of", "2024-06-30")["rows"]] == [
        "G-1",
        "G-5",
        "N-1",
    ]


def test_terminal_leaves_out_optional_columns_and_says_so(deadlines: Path) -> None:
    result = run("ledger", "--data", deadlines, "--as-of", "2024-06-30")
    assert "已省略：计划启动、实际启动" in result.stdout
    assert max(cell_len(line) for line in result.stdout.splitlines()) <= 120
    # the same view as Markdown keeps every default column
    assert (
        "| 计划启动 | 实际启动 |"
        in run("ledger", "--data", deadlines, "--as-of", "2024-06-30", "-f", "md").stdout
    )


def test_sample_ledger_has_a_row_per_project() -> None:
    rows = ledger_json(SAMPLE, "--as-of", "2024-06-30")["rows"]
    assert len(rows) == len(list((SAMPLE / "projects").rglob("*.yaml")))
    assert len({r["id"] for r in rows}) == len(rows)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("ledger.txt", ()),
        (
            "ledger_columns.csv",
            ("-f", "csv", "--columns", "id,name,units,start_actual,delivered_actual,status"),
        ),
    ],
)
def test_rendered_output_is_pinned(
    request: pytest.FixtureRequest, deadlines: Path, name: str, args: tuple[str, ...]
) -> None:
    result = run("ledger", "--data", deadlines, "--as-of", "2024-06-30", *args)
    assert result.exit_code == 0, result.stderr
    assert_golden(request, name, result.stdout)


@pytest.mark.parametrize("command", ["gap", "overdue", "problems", "ledger"])
def test_files_with_errors_are_left_out_loudly(ledger, command: str) -> None:  # type: ignore[no-untyped-def]
    root = ledger("base", "deadlines")
    (root / "projects" / "N-1.yaml").write_text("id: N-1\nname: x\n", encoding="utf-8")
    result = run(command, "--data", root, "--as-of", "2024-06-30")
    assert result.exit_code == 1
    assert "missing-key" in result.stderr
    assert "1 个文件有错误，未计入" in result.stdout
    assert "N-1" not in result.stdout.split("未计入")[1]  # the broken project is in no row
