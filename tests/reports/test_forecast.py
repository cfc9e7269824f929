"""`bzf forecast`: the year-end forecast from the ledger's own slips, on a hand-computed ledger.

tests/data/base + tests/data/forecast, D = 2024-09-30, Y = 2024 (31 Dec is 92 days after D).
Reference slips (done by D, planned and actual on the metric's standard milestone):
  delivered: new_build R-1..R-5 → [0, 10, 30, 60, 120] (5: its own); conversion C-1, C-2 → [5, 200]
             (fewer than 5 → pooled, 7 slips [0, 5, 10, 30, 60, 120, 200]); acquisition none → pooled
  started:   conversion [0, 3], acquisition N-B [9] → 3 pooled, fewer than 5 → none (by plan)
观山湖区 delivered (T 1000, A 150 = G-E done 2024-03-01):
  G-A 400, p 12-01, x −62: S_x all 5, p + s ≤ 12-31 ⇔ s ≤ 30 → 3/5 → 240
  G-B 300, p 09-10 (< D), x 20: S_x {30, 60, 120}, s ≤ 112 → 2/3 → 200
  G-C 100, p 2023-06-01, x 487: S_x empty (later than any precedent) → 0
  G-F 50, p 12-31, x −92: s ≤ 0 → 1/5 → 10 (at risk: planned in Y, P < 0.5)
  G-S1, G-S2 planned 2026 → 0;  G-D has no delivery milestone → unplanned
  forecast 150 + 450 = 600, gap 400, reference type
观山湖区 started (T 1500, A 0), none: G-S1 p 08-01 < D: max(p, D + 1) = 10-01 ≤ 12-31 → 1 → 500;
  G-S2 p 2025-02-01 → 0.  forecast 500, gap 1000
南明区 delivered (T 600, A 0), pooled: N-A 200, p 06-30, x 92: S_x {120, 200}, s ≤ 184 → 1/2 → 100;
  N-B 73, p 09-20, x 10: S_x {30, 60, 120, 200}, s ≤ 102 → 1/2 → 36.5; Σ 136.5 → 137 (half up), gap 463
南明区 started (T 800): A 73 (N-B 2024-01-10), nothing pending → 73, reference none (conversion: none)
贵安新区: no target → target and gap null; nothing pending: reference of its projects' types
  (delivered: 5 new_build → type, 2 conversion → pooled → type; started: none)
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from baozufang_cli.reports.forecast import probability
from tests.conftest import SAMPLE, assert_golden, make_ledger, run, run_json

DISTRICT_KEYS = ["district", "metric", "target", "actual", "forecast", "forecast_gap", "reference"]
RISK_KEYS = ["id", "name", "district", "metric", "planned", "probability", "units"]


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_ledger(tmp_path_factory.mktemp("forecast") / "ledger", "base", "forecast")


def forecast(ledger: Path, *args: str) -> Any:
    return run_json("forecast", "--data", ledger, *args)


def test_json_keys_are_the_contract(ledger: Path) -> None:
    data = forecast(ledger, "--as-of", "2024-09-30")
    assert list(data)[:4] == ["as_of", "year", "districts", "at_risk"]
    assert all(list(r) == DISTRICT_KEYS for r in data["districts"])
    assert all(list(r) == RISK_KEYS for r in data["at_risk"])


def test_district_forecast_by_hand(ledger: Path) -> None:
    data = forecast(ledger, "--as-of", "2024-09-30")
    assert [tuple(r[k] for k in DISTRICT_KEYS) for r in data["districts"]] == [
        ("观山湖区", "started", 1500, 0, 500, 1000, "none"),
        ("观山湖区", "delivered", 1000, 150, 600, 400, "type"),
        ("南明区", "started", 800, 73, 73, 727, "none"),
        ("南明区", "delivered", 600, 0, 137, 463, "pooled"),  # 136.5 rounds half up
        ("贵安新区", "started", None, 0, 0, None, "none"),
        ("贵安新区", "delivered", None, 0, 0, None, "type"),
    ]


def test_at_risk_unplanned_and_slips(ledger: Path) -> None:
    data = forecast(ledger, "--as-of", "2024-09-30")
    # N-A and N-B at exactly 1/2 are not at risk; G-C is planned in 2023, G-S2 in 2025
    assert data["at_risk"] == [
        {"id": "G-F", "name": "预计测试G-F", "district": "观山湖区", "metric": "delivered",
         "planned": "2024-12-31", "probability": 0.2, "units": 50}
    ]  # fmt: skip
    assert [(u["id"], u["metric"], u["units"]) for u in data["unplanned"]] == [("G-D", "delivered", 250)]
    assert data["slips"] == {
        "started": {"acquisition": [9], "conversion": [0, 3]},
        "delivered": {"conversion": [5, 200], "new_build": [0, 10, 30, 60, 120]},
    }


def test_a_year_that_is_over_forecasts_what_was_done(ledger: Path) -> None:
    data = forecast(ledger, "--as-of", "2024-12-31")
    assert [(r["actual"], r["forecast"]) for r in data["districts"][:4]] == [
        (0, 0),
        (150, 150),
        (73, 73),
        (0, 0),
    ]


def test_filters_choose_districts_but_the_reference_class_is_city_wide(ledger: Path) -> None:
    data = forecast(ledger, "--as-of", "2024-09-30", "--district", "观山湖")
    assert [(r["district"], r["forecast"], r["reference"]) for r in data["districts"]] == [
        ("观山湖区", 500, "none"),
        ("观山湖区", 600, "type"),  # R-1..R-5 of 贵安新区 still set the slips
    ]


@pytest.mark.parametrize(
    ("planned", "reference", "slips", "expected"),
    [
        (date(2024, 12, 1), "type", [0, 10, 30, 60, 120], Fraction(3, 5)),
        (date(2024, 9, 10), "type", [0, 10, 30, 60, 120], Fraction(2, 3)),  # p < D: only slips > x = 20
        (date(2023, 6, 1), "type", [0, 10, 30, 60, 120], Fraction(0)),  # S_x empty
        (date(2024, 9, 30), "type", [0, 0, 5], Fraction(1)),  # due on D, x = 0: S_x = {5}
        (date(2024, 9, 29), "none", [], Fraction(1)),  # by plan: D + 1 is still in the year
        (date(2025, 1, 1), "none", [], Fraction(0)),
        (date(2024, 12, 31), "type", [-5, 0, 1], Fraction(2, 3)),  # early finishes count
    ],
)
def test_probability(planned: date, reference: Any, slips: list[int], expected: Fraction) -> None:
    assert probability(planned, date(2024, 9, 30), 2024, reference, slips) == expected


def test_by_plan_on_the_last_day_nothing_more_can_land() -> None:
    assert probability(date(2024, 6, 1), date(2024, 12, 31), 2024, "none", []) == 0


def test_sample_ledger_runs() -> None:
    data = run_json("forecast", "--data", SAMPLE, "--as-of", "2024-06-30")
    assert len(data["districts"]) == 30
    zb = [r for r in data["districts"] if r["district"] == "贵阳综合保税区" and r["metric"] == "delivered"]
    assert zb == [{"district": "贵阳综合保税区", "metric": "delivered", "target": 600, "actual": 0,
                   "forecast": 203, "forecast_gap": 397, "reference": "type"}]  # fmt: skip


@pytest.mark.parametrize("columns", ["80", "120"])
def test_terminal_golden(
    ledger: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    result = run("forecast", "--data", ledger, "--as-of", "2024-09-30")
    assert result.exit_code == 0, result.stderr
    assert_golden(request, f"forecast_{columns}.txt", result.stdout)


def test_sorted_probability_matches_the_definition() -> None:
    """Two binary searches over sorted slips give the fraction of the definition (a pass over all)."""
    import random
    from datetime import date, timedelta
    from fractions import Fraction

    from baozufang_cli.reports.forecast import probability

    rng = random.Random(7)
    as_of = date(2024, 6, 30)
    for _ in range(300):
        slips = [rng.randint(-60, 400) for _ in range(rng.randint(0, 30))]
        planned = as_of + timedelta(days=rng.randint(-300, 200))
        so_far = (as_of - planned).days
        later = [s for s in slips if s > so_far]
        end = date(2024, 12, 31)
        expected = (
            Fraction(sum(planned + timedelta(days=s) <= end for s in later), len(later))
            if later
            else Fraction(0)
        )
        assert probability(planned, as_of, 2024, "type", slips) == expected
