"""`bzf duties`: who owes what, by when — on tests/data/deadlines as of D = 2024-06-30 (window 7 days).

By hand: 观山湖区住建局 owes G-5 开工 (planned 2023-10-01, 273 days; red) and G-1 主体封顶 (2023-12-01,
212 days: G-1 is delivered but the milestone was never done — overdue by definition, as in bzf overdue);
南明区住建局 owes N-1 交付使用 (2024-01-31 → 151 days; done 07-01 > D; red); 市消防救援支队 owes N-1's P1
(due 2024-03-31 → 91); 市财政局 N-2's P1 (due on D → problem_due, 0 days); the projects without a
责任单位: G-3 施工许可 (46, red), G-2 主体封顶 (29), N-2 签约付款 due on D (milestone_due, 0).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SAMPLE, assert_golden, run, run_json

KEYS = ["unit", "kind", "project_id", "project", "item", "due", "days"]


def rows(ledger: Path, *args: str) -> list[tuple[object, ...]]:
    data = run_json("duties", "--data", ledger, "--as-of", "2024-06-30", *args)
    assert all(list(r) == KEYS for r in data["rows"])
    return [(r["unit"], r["kind"], r["project_id"], r["item"], r["due"], r["days"]) for r in data["rows"]]


def test_rows_by_hand(deadlines: Path) -> None:
    assert rows(deadlines) == [
        ("南明区住建局", "milestone_overdue", "N-1", "交付使用", "2024-01-31", 151),
        ("南明区住建局", "red_project", "N-1", "交付使用逾期 151 天", "2024-01-31", 151),
        ("市消防救援支队", "problem_overdue", "N-1", "P1 消防验收整改", "2024-03-31", 91),
        ("市财政局", "problem_due", "N-2", "P1 收购资金未落实", "2024-06-30", 0),
        ("观山湖区住建局", "milestone_overdue", "G-5", "开工", "2023-10-01", 273),
        ("观山湖区住建局", "red_project", "G-5", "开工逾期 273 天", "2023-10-01", 273),
        ("观山湖区住建局", "milestone_overdue", "G-1", "主体封顶", "2023-12-01", 212),
        ("（未填责任单位）", "milestone_overdue", "G-3", "施工许可", "2024-05-15", 46),
        ("（未填责任单位）", "red_project", "G-3", "施工许可逾期 46 天", "2024-05-15", 46),
        ("（未填责任单位）", "milestone_overdue", "G-2", "主体封顶", "2024-06-01", 29),
        ("（未填责任单位）", "milestone_due", "N-2", "签约付款", "2024-06-30", 0),
    ]


def test_the_window_adds_items_due_within_it_with_negative_days(deadlines: Path) -> None:
    due = [r for r in rows(deadlines, "--within", "15") if r[1] == "milestone_due"]
    # G-3 开工 planned 2024-07-15 (its actual 07-01 is after D): 15 days left
    assert due == [
        ("（未填责任单位）", "milestone_due", "N-2", "签约付款", "2024-06-30", 0),
        ("（未填责任单位）", "milestone_due", "G-3", "开工", "2024-07-15", -15),
    ]
    assert not [r for r in rows(deadlines, "--within", "0") if r[5] < 0]


def test_unit_filter(deadlines: Path) -> None:
    assert {r[0] for r in rows(deadlines, "--unit", "市财政局")} == {"市财政局"}
    assert {r[0] for r in rows(deadlines, "--unit", "消防")} == {"市消防救援支队"}  # one name contains it
    result = run("duties", "--data", deadlines, "--unit", "住建局")
    assert result.exit_code == 2 and "有多个责任单位" in result.stderr
    result = run("duties", "--data", deadlines, "--unit", "不存在的单位")
    assert result.exit_code == 2 and "台账中没有责任单位" in result.stderr


def test_split_writes_one_sheet_per_unit(deadlines: Path, tmp_path: Path) -> None:
    folder = tmp_path / "督办单"
    result = run("duties", "--data", deadlines, "--as-of", "2024-06-30", "--split", "-o", folder)
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        f"督办单-{u}.md"
        for u in ("南明区住建局", "市消防救援支队", "市财政局", "观山湖区住建局", "（未填责任单位）")
    )
    sheet = (folder / "督办单-观山湖区住建局.md").read_text(encoding="utf-8")
    assert sheet.startswith("## 督办单：观山湖区住建局  统计截至 2024-06-30")
    assert "| 节点逾期 | G-5 | 观山湖戊公寓 | 开工 | 2023-10-01 | 273 |" in sheet
    assert "G-3" not in sheet and "负责人签字" in sheet


def test_split_needs_a_folder(deadlines: Path, tmp_path: Path) -> None:
    assert run("duties", "--data", deadlines, "--split").exit_code == 2
    file = tmp_path / "a.md"
    file.write_text("x", encoding="utf-8")
    assert run("duties", "--data", deadlines, "--split", "-o", file).exit_code == 2
    assert run("duties", "--data", deadlines, "--split", "-o", tmp_path / "no" / "such").exit_code == 2


def test_sheet_file_names_are_safe_and_distinct() -> None:
    from baozufang_cli.reports.duties import sheet_file_names

    assert sheet_file_names(["a/b", "a:b", "..", "-x"]) == [
        "督办单-a_b.md",
        "督办单-a_b-2.md",
        "督办单-未填责任单位.md",
        "督办单-x.md",
    ]


def test_sample_ledger_runs() -> None:
    data = run_json("duties", "--data", SAMPLE, "--as-of", "2024-06-30")
    assert {r["kind"] for r in data["rows"]} <= {
        "milestone_overdue",
        "milestone_due",
        "problem_overdue",
        "problem_due",
        "red_project",
    }


@pytest.mark.parametrize("columns", ["80", "120"])
def test_terminal_golden(
    deadlines: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    result = run("duties", "--data", deadlines, "--as-of", "2024-06-30")
    assert result.exit_code == 0, result.stderr
    assert_golden(request, f"duties_{columns}.txt", result.stdout)
