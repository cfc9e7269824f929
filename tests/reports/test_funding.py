"""`bzf funding`: hand-computed numbers on tests/data/money, the JSON contract, goldens, invariants."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from baozufang_cli.ledger.registry import FileResult, Ledger
from baozufang_cli.models import Funding, FundingSource, Project
from baozufang_cli.reports.filters import Filters
from baozufang_cli.reports.funding import funding_report
from tests.conftest import SAMPLE, assert_golden, make_ledger, run
from tests.reports.test_status import CRITERIA, REGISTRY, TARGETS

AS_OF = "2024-06-30"
AMOUNT_KEYS = (
    "total_wan",
    "completed_wan",
    "planned_wan",
    "received_wan",
    "funding_gap_wan",
    "arrival_gap_wan",
)


@pytest.fixture(scope="module")
def money_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_ledger(tmp_path_factory.mktemp("money") / "ledger", "base", "money")


def funding_json(root: Path, *args: str) -> dict[str, Any]:
    result = run("funding", "--data", root, "--as-of", AS_OF, "-f", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def amounts(row: dict[str, Any]) -> tuple[float, ...]:
    return tuple(row[k] for k in AMOUNT_KEYS)


# Hand computation (see the files in tests/data/money/projects):
#   M-1 观山湖 total 5000, completed 4000; 中央 1000/800, 银行 3000/2500 → planned 4000, received 3300,
#       funding gap 1000, arrival gap 200 + 500 = 700
#   M-2 观山湖 total 1000, completed 800; 中央 300/300, 企业自筹 600/650 (explained) → planned 900,
#       received 950, gap 100, arrival 0 (over-receipt of one source does not offset others)
#   M-3 南明 total 1200.5, no completed; 专项债 1200.5/1000.25 → gap 0, arrival 200.25
#   M-4 南明 total 10000, completed 1000; 中央 2000/0 → gap 8000, arrival 2000
#   M-5 贵安 total 9000, completed 9000; 银行 9000/9000 → gaps 0
#   M-6 贵安 no funding
def test_by_district_matches_the_hand_computation(money_ledger: Path) -> None:
    data = funding_json(money_ledger)
    assert data["as_of"] == AS_OF and data["by"] == "district"
    rows = {r["district"]: r for r in data["rows"]}
    assert amounts(rows["观山湖区"]) == (6000, 4800, 4900, 4250, 1100, 700)
    assert amounts(rows["南明区"]) == (11200.5, 1000, 3200.5, 1000.25, 8000, 2200.25)
    assert amounts(rows["贵安新区"]) == (9000, 9000, 9000, 9000, 0, 0)
    assert [(r["projects"], r["funded_projects"]) for r in data["rows"]] == [(2, 2), (2, 2), (2, 1)]
    assert rows["观山湖区"]["received_pct"] == round(4250 / 4900, 4)
    assert rows["南明区"]["received_pct"] == 0.3125
    total = data["total"]
    assert amounts(total) == (26200.5, 14800, 17100.5, 14250.25, 9100, 2900.25)
    assert (total["projects"], total["funded_projects"]) == (6, 5)
    assert data["unfunded_projects"] == ["M-6"]


def test_arrival_gap_is_not_planned_minus_received(money_ledger: Path) -> None:
    total = funding_json(money_ledger)["total"]
    # M-2's 50 万元 received beyond plan does not cover other projects' missing money
    assert total["planned_wan"] - total["received_wan"] == 2850.25
    assert total["arrival_gap_wan"] == 2900.25


def test_sources(money_ledger: Path) -> None:
    data = funding_json(money_ledger)
    sources = {s["kind"]: s for s in data["sources"]}
    assert [s["kind"] for s in data["sources"]] == CRITERIA.funding_kinds  # every kind, in criteria order
    got = {
        k: (s["projects"], s["planned_wan"], s["received_wan"], s["arrival_gap_wan"])
        for k, s in sources.items()
    }
    assert got["中央补助资金"] == (3, 3300, 1100, 2200)
    assert got["银行贷款"] == (2, 12000, 11500, 500)
    assert got["企业自筹"] == (1, 600, 650, 0)
    assert got["地方政府专项债券"] == (1, 1200.5, 1000.25, 200.25)
    assert got["保险资金"] == (0, 0, 0, 0) and sources["保险资金"]["received_pct"] is None
    assert sources["企业自筹"]["received_pct"] == round(650 / 600, 4)
    by_source = funding_json(money_ledger, "--by", "source")
    assert by_source["rows"] == data["sources"] and by_source["total"] == data["total"]


def test_completed_ahead_of_received_money(money_ledger: Path) -> None:
    ahead = funding_json(money_ledger)["completed_ahead"]
    assert [(r["id"], r["completed_wan"], r["received_wan"], r["ahead_wan"]) for r in ahead] == [
        ("M-4", 1000, 0, 1000),
        ("M-1", 4000, 3300, 700),
    ]


def test_central_subsidy_per_district(money_ledger: Path) -> None:
    central = funding_json(money_ledger)["central_subsidy"]
    assert [
        (g["district"], g["projects"], g["planned_wan"], g["received_wan"], g["arrival_gap_wan"])
        for g in central
    ] == [
        ("观山湖区", 2, 1300, 1100, 200),
        ("南明区", 1, 2000, 0, 2000),
    ]
    assert [a["id"] for a in central[0]["applications"]] == ["M-1", "M-2"]
    assert central[1]["applications"][0] == {
        "id": "M-4",
        "name": "南明新建丁",
        "supply_type": "new_build",
        "planned_wan": 2000,
        "received_wan": 0,
        "arrival_gap_wan": 2000,
        "note": None,
    }


def test_by_type_and_year(money_ledger: Path) -> None:
    by_type = {r["supply_type"]: r for r in funding_json(money_ledger, "--by", "type")["rows"]}
    assert list(by_type) == ["new_build", "conversion", "acquisition"]
    assert amounts(by_type["new_build"]) == (24000, 14000, 15000, 12300, 9000, 2700)
    assert by_type["conversion"]["supply_type_label"] == "闲置存量住房和非居住存量房屋改建"
    by_year = {r["year"]: r for r in funding_json(money_ledger, "--by", "year")["rows"]}
    assert amounts(by_year[2023]) == (6200.5, 4000, 5200.5, 4300.25, 1000, 900.25)
    assert amounts(by_year[2024]) == (20000, 10800, 11900, 9950, 8100, 2000)


@pytest.mark.parametrize(
    ("args", "expected_total"),
    [
        (("--district", "南明"), (11200.5, 1000, 3200.5, 1000.25, 8000, 2200.25)),
        (("--type", "改建"), (1000, 800, 900, 950, 100, 0)),
        (("--year", "2023", "--district", "观山湖"), (5000, 4000, 4000, 3300, 1000, 700)),
    ],
)
def test_filters_apply_to_every_part(
    money_ledger: Path, args: tuple[str, ...], expected_total: tuple[float, ...]
) -> None:
    data = funding_json(money_ledger, *args)
    assert amounts(data["total"]) == expected_total
    assert sum(s["planned_wan"] for s in data["sources"]) == data["total"]["planned_wan"]
    ids = {r["id"] for r in data["completed_ahead"]} | {
        a["id"] for g in data["central_subsidy"] for a in g["applications"]
    }
    project_districts = {"M-1": "观山湖区", "M-2": "观山湖区", "M-4": "南明区"}
    if "--district" in args:
        assert {project_districts[i] for i in ids} <= {r["district"] for r in data["rows"]}


def test_json_keys_are_the_contract(money_ledger: Path) -> None:
    data = funding_json(money_ledger)
    assert {"as_of", "by", "rows", "total", "sources", "completed_ahead", "central_subsidy"} <= data.keys()
    row_keys = {"projects", "funded_projects", *AMOUNT_KEYS, "received_pct"}
    assert {"district", *row_keys} <= data["rows"][0].keys()
    assert row_keys <= data["total"].keys()
    assert {"kind", "projects", "planned_wan", "received_wan", "arrival_gap_wan", "received_pct"} <= data[
        "sources"
    ][0].keys()
    assert {"id", "name", "district", "completed_wan", "received_wan", "ahead_wan"} <= data[
        "completed_ahead"
    ][0].keys()
    group = data["central_subsidy"][0]
    assert {
        "district",
        "projects",
        "planned_wan",
        "received_wan",
        "arrival_gap_wan",
        "applications",
    } <= group.keys()
    assert {"id", "name", "planned_wan", "received_wan", "arrival_gap_wan", "note"} <= group["applications"][
        0
    ].keys()
    assert {"supply_type", "supply_type_label"} <= funding_json(money_ledger, "--by", "type")["rows"][
        0
    ].keys()
    assert "year" in funding_json(money_ledger, "--by", "year")["rows"][0]
    assert "kind" in funding_json(money_ledger, "--by", "source")["rows"][0]


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("funding_district.txt", ()),
        ("funding_source.txt", ("--by", "source")),
        ("funding_district.csv", ("-f", "csv")),
    ],
)
def test_rendered_output_is_pinned(
    request: pytest.FixtureRequest, money_ledger: Path, name: str, args: tuple[str, ...]
) -> None:
    result = run("funding", "--data", money_ledger, "--as-of", AS_OF, *args)
    assert result.exit_code == 0, result.stderr
    assert_golden(request, name, result.stdout)


def test_money_has_two_decimals_in_tables(money_ledger: Path) -> None:
    out = run("funding", "--data", money_ledger, "--as-of", AS_OF, "-f", "md").stdout
    assert "| 南明区 | 2 | 11,200.50 | 1,000.00 | 8,000.00 | 1,000.25 | 31.2% | 2,200.25 |" in out


def test_columns_hidden_on_screen_stay_in_csv(money_ledger: Path) -> None:
    table = run("funding", "--data", money_ledger, "--as-of", AS_OF).stdout
    csv = run("funding", "--data", money_ledger, "--as-of", AS_OF, "-f", "csv").stdout
    assert "计划资金" not in table.split("按资金来源")[0]  # 计划资金 = 总投资 − 资金缺口 on screen
    assert (
        csv.splitlines()[0] == "区县,项目数,总投资,累计完成投资,计划资金,资金缺口,到位资金,到位率,未到位资金"
    )


def test_a_ledger_without_funding_reports_zeros(ledger) -> None:  # type: ignore[no-untyped-def]
    data = funding_json(ledger("typical"))
    assert data["total"]["funded_projects"] == 0 and data["total"]["total_wan"] == 0
    assert data["total"]["received_pct"] is None
    assert data["completed_ahead"] == [] and data["central_subsidy"] == []
    table = run("funding", "--data", ledger("typical"), "--as-of", AS_OF)
    assert table.exit_code == 0 and "没有完成投资超过到位资金的项目" in table.stdout


def test_files_with_errors_are_left_out_loudly(ledger) -> None:  # type: ignore[no-untyped-def]
    root = ledger("base", "money")
    path = root / "projects" / "M-4.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("received_wan: 0}", "received_wan: -1}"), encoding="utf-8"
    )
    result = run("funding", "--data", root, "--as-of", AS_OF, "-f", "json")
    assert result.exit_code == 1
    assert "projects/M-4.yaml:14:" in result.stderr and "out-of-range" in result.stderr
    assert json.loads(result.stdout)["total"]["total_wan"] == 16200.5


# ---------------------------------------------------------------- the sample ledger, computed independently


def test_sample_totals_match_an_independent_computation() -> None:
    yaml = YAML(typ="safe", pure=True)
    total = planned = received = 0.0
    for path in sorted((SAMPLE / "projects").rglob("*.yaml")):
        funding = yaml.load(path.read_text(encoding="utf-8")).get("funding")
        if funding:
            total += funding["total_wan"]
            planned += sum(s.get("planned_wan", 0) for s in funding.get("sources", []))
            received += sum(s.get("received_wan", 0) for s in funding.get("sources", []))
    data = json.loads(run("funding", "--data", SAMPLE, "--as-of", "2026-11-27", "-f", "json").stdout)
    assert data["total"]["total_wan"] == pytest.approx(total)
    assert data["total"]["planned_wan"] == pytest.approx(planned)
    assert data["total"]["received_wan"] == pytest.approx(received)
    assert data["total"]["funded_projects"] >= 40  # the sample carries funding for most projects


# ---------------------------------------------------------------- invariants over random ledgers

KINDS = CRITERIA.funding_kinds
cents = st.integers(0, 10**8).map(lambda c: c / 100)  # up to 1,000,000.00 万元


@st.composite
def fundings(draw: st.DrawFn) -> Funding | None:
    if draw(st.integers(0, 5)) == 0:
        return None
    sources = [
        FundingSource(
            kind=draw(st.sampled_from(KINDS)), planned_wan=draw(cents), received_wan=draw(cents), note="x"
        )
        for _ in range(draw(st.integers(0, 4)))
    ]
    return Funding(total_wan=draw(cents), completed_wan=draw(st.none() | cents), sources=sources)


@st.composite
def ledgers(draw: st.DrawFn) -> Ledger:
    files = []
    for i in range(draw(st.integers(0, 15))):
        project = Project(
            id=f"P-{i}",
            name=f"项目{i}",
            district=draw(st.sampled_from([d.name for d in TARGETS.districts])),
            supply_type=draw(st.sampled_from([t.key for t in CRITERIA.supply_types])),
            units=draw(st.integers(1, 5000)),
            plan_year=draw(st.integers(2022, 2025)),
            funding=draw(fundings()),
        )
        files.append(FileResult(f"projects/P-{i}.yaml", project))
    return Ledger(Path("."), TARGETS, CRITERIA, REGISTRY, files)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers())
def test_every_grouping_sums_to_the_same_total(ledger: Ledger) -> None:
    from datetime import date

    day = date(2024, 6, 30)
    totals = []
    for by in ("district", "year", "type"):
        data = funding_report(ledger, day, by).data  # type: ignore[arg-type]
        for key in AMOUNT_KEYS:
            assert sum(r[key] for r in data["rows"]) == pytest.approx(
                data["total"][key], abs=0.01 * len(data["rows"]) + 1e-9
            )
        totals.append(data["total"])
        # per-source arrival gaps add up to the projects' arrival gaps
        assert sum(s["arrival_gap_wan"] for s in data["sources"]) == pytest.approx(
            data["total"]["arrival_gap_wan"], abs=0.1
        )
        assert (
            data["total"]["arrival_gap_wan"]
            >= data["total"]["planned_wan"] - data["total"]["received_wan"] - 0.01
        )
        assert (
            data["total"]["funding_gap_wan"]
            >= data["total"]["total_wan"] - data["total"]["planned_wan"] - 0.01
        )
    assert totals[0] == totals[1] == totals[2]
    parts = [
        funding_report(ledger, day, "district", Filters(districts=frozenset({d}))).data["total"]["total_wan"]
        for d in REGISTRY.districts
    ]
    assert sum(parts) == pytest.approx(totals[0]["total_wan"], abs=0.05)


def test_money_received_after_the_day_is_not_counted_on_it() -> None:
    # the sample's GSH-2023-001 received its 地方政府专项债券 (23,328 万元) on 2024-01-20
    def bond(as_of: str) -> dict[str, Any]:
        result = run("funding", "--data", SAMPLE, "--as-of", as_of, "--by", "source", "-f", "json")
        assert result.exit_code == 0, result.stderr
        return next(r for r in json.loads(result.stdout)["rows"] if r["kind"] == "地方政府专项债券")

    before, on = bond("2024-01-19"), bond("2024-01-20")
    assert on["received_wan"] - before["received_wan"] == 23328.0
    assert before["planned_wan"] == on["planned_wan"]
