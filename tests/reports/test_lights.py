"""`bzf lights`: districts against 序时进度, projects by their most overdue open milestone.

Hand-computed on tests/data/deadlines (see tests/reports/test_gap.py for the ledger) as of
D = 2024-06-30, day 182 of the leap year 2024: f = 182/366 = 0.49727.
  观山湖区 started 500 of 1500: r = 1/3, behind = 16.39 → 16.4 yellow; delivered 1000 of 1000 → −50.3 green
  南明区 started 0 of 800, delivered 0 of 600: behind 49.7 → red; 贵安新区 has no target → none
Projects: G-5 开工 planned 2023-10-01 → 273 days red; N-1 交付使用 2024-01-31 (done 07-01 > D) → 151 red;
  G-3 施工许可 2024-05-15 → 46 red; G-2 主体封顶 2024-06-01 → 29 yellow; N-2 签约付款 due on D → 0 green;
  G-4 (no plan), GA-1 (交付 in 2025) green; G-1 delivered on D → done.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SAMPLE, assert_golden, make_ledger, run, run_json

DISTRICT_KEYS = [
    "district",
    "metric",
    "target",
    "actual",
    "elapsed_pct",
    "actual_pct",
    "behind_points",
    "light",
]
PROJECT_KEYS = ["id", "name", "district", "light", "days_overdue", "milestone"]


def lights(ledger: Path, *args: str) -> dict:  # type: ignore[type-arg]
    return run_json("lights", "--data", ledger, *args)  # type: ignore[no-any-return]


def test_json_keys_are_the_contract(deadlines: Path) -> None:
    data = lights(deadlines, "--as-of", "2024-06-30")
    assert list(data) == ["as_of", "year", "districts", "projects"]
    assert (data["as_of"], data["year"]) == ("2024-06-30", 2024)
    assert all(list(row) == DISTRICT_KEYS for row in data["districts"])
    assert all(list(row) == PROJECT_KEYS for row in data["projects"])


def test_district_lights_by_hand(deadlines: Path) -> None:
    data = lights(deadlines, "--as-of", "2024-06-30")
    rows = [tuple(r[k] for k in DISTRICT_KEYS) for r in data["districts"]]
    assert rows == [
        ("观山湖区", "started", 1500, 500, 0.4973, 0.3333, 16.4, "yellow"),
        ("观山湖区", "delivered", 1000, 1000, 0.4973, 1.0, -50.3, "green"),
        ("南明区", "started", 800, 0, 0.4973, 0.0, 49.7, "red"),
        ("南明区", "delivered", 600, 0, 0.4973, 0.0, 49.7, "red"),
        ("贵安新区", "started", None, 2000, 0.4973, None, None, "none"),  # no target → no light
        ("贵安新区", "delivered", None, 0, 0.4973, None, None, "none"),
    ]


def test_actual_is_counted_exactly_as_gap_counts_it(deadlines: Path) -> None:
    for as_of in ("2024-06-29", "2024-06-30", "2024-07-01", "2024-12-31"):
        gap = run_json("gap", "--data", deadlines, "--as-of", as_of)
        by_gap = {(r["district"], r["metric"]): (r["target"], r["actual"]) for r in gap["rows"]}
        by_gap |= {(r["district"], r["metric"]): (None, r["actual"]) for r in gap["untargeted"]}
        by_lights = {(r["district"], r["metric"]): (r["target"], r["actual"]) for r in lights(deadlines, "--as-of", as_of)["districts"]}  # fmt: skip
        assert by_lights == by_gap


def test_project_lights_by_hand(deadlines: Path) -> None:
    data = lights(deadlines, "--as-of", "2024-06-30")
    rows = [(r["id"], r["light"], r["days_overdue"], r["milestone"]) for r in data["projects"]]
    assert rows == [
        ("G-5", "red", 273, "开工"),
        ("N-1", "red", 151, "交付使用"),  # delivered after D: not done on D
        ("G-3", "red", 46, "施工许可"),
        ("G-2", "yellow", 29, "主体封顶"),
        ("G-4", "green", 0, None),  # no open milestone: 0 days, no milestone
        ("N-2", "green", 0, "签约付款"),  # due on D: open, 0 days overdue
        ("GA-1", "green", 0, None),
        ("G-1", "done", 0, None),  # delivered on D
    ]


def test_the_day_before_a_milestone_is_done_it_is_open(deadlines: Path) -> None:
    rows = {r["id"]: r for r in lights(deadlines, "--as-of", "2024-06-29")["projects"]}
    # G-1 交付使用 planned 2024-05-31, done 2024-06-30; 主体封顶 planned 2023-12-01 never done is older
    assert (rows["G-1"]["light"], rows["G-1"]["days_overdue"], rows["G-1"]["milestone"]) == (
        "red",
        211,
        "主体封顶",
    )


def test_thresholds_come_from_criteria_yaml(tmp_path: Path) -> None:
    root = make_ledger(tmp_path / "ledger", "base", "deadlines")
    criteria = root / "criteria.yaml"
    criteria.write_text(
        criteria.read_text(encoding="utf-8")
        + "lights: {yellow_points: 20, red_points: 50, yellow_days: 30, red_days: 200}\n",
        encoding="utf-8",
    )
    data = lights(root, "--as-of", "2024-06-30")
    assert [r["light"] for r in data["districts"][:4]] == ["green", "green", "yellow", "yellow"]
    by_id = {r["id"]: r["light"] for r in data["projects"]}
    assert (by_id["G-5"], by_id["N-1"], by_id["G-3"], by_id["G-2"]) == ("red", "yellow", "yellow", "green")


def test_year_option_and_past_years(deadlines: Path) -> None:
    data = lights(deadlines, "--as-of", "2025-03-01", "--year", "2024")
    assert data["year"] == 2024
    assert {r["elapsed_pct"] for r in data["districts"]} == {1.0}  # a past year is over


def test_filters(deadlines: Path) -> None:
    data = lights(deadlines, "--as-of", "2024-06-30", "--district", "南明")
    assert {r["district"] for r in data["districts"]} == {"南明区"}
    assert [r["id"] for r in data["projects"]] == ["N-1", "N-2"]


def test_sample_ledger_runs() -> None:
    data = run_json("lights", "--data", SAMPLE, "--as-of", "2024-06-30")
    assert len(data["districts"]) == 30 and {r["light"] for r in data["districts"]} <= {
        "red",
        "yellow",
        "green",
    }


@pytest.mark.parametrize("columns", ["80", "120"])
def test_terminal_golden(
    deadlines: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    result = run("lights", "--data", deadlines, "--as-of", "2024-06-30")
    assert result.exit_code == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= int(columns) or columns == "120"
    assert_golden(request, f"lights_{columns}.txt", result.stdout)
