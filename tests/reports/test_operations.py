"""`bzf operations` and `bzf listings`: hand-computed numbers on tests/data/money, contracts, schema."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from baozufang_cli.ledger.registry import FileResult, Ledger
from baozufang_cli.models import Milestone, Operations, Project
from baozufang_cli.reports.listings import listings_report, schema_text
from baozufang_cli.reports.operations import operations_report
from tests.conftest import SAMPLE, assert_golden, make_ledger, run
from tests.reports.test_status import CRITERIA, REGISTRY, TARGETS

AS_OF = "2024-06-30"


@pytest.fixture(scope="module")
def money_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_ledger(tmp_path_factory.mktemp("money") / "ledger", "base", "money")


def cli_json(command: str, root: Path, *args: str) -> dict[str, Any]:
    result = run(command, "--data", root, "-f", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


# Hand computation as of 2024-06-30 (tests/data/money; M-4 is not delivered):
#   M-1 观山湖 100 units, leased 90, rent 20 / market 25, small 80, delivered 2024-03-31
#   M-2 观山湖  50 units, leased 50, rent 23 / 25 = 92% → rent-high, small 50
#   M-3 南明    40 units, no operations, delivered 2024-01-10 → 172 days → operations-missing
#   M-5 贵安   300 units, leased 0, rent 30 / 30 = 100% → rent-ceiling, small 300
#   M-6 贵安   100 units, leased 60, rent 15, no market rent, delivered 2024-05-15 (46 days: within grace)
def test_per_project(money_ledger: Path) -> None:
    projects = {p["id"]: p for p in cli_json("operations", money_ledger, "--as-of", AS_OF)["projects"]}
    assert list(projects) == ["M-1", "M-2", "M-3", "M-5", "M-6"]  # district order, then id
    keys = (
        "units",
        "leased_units",
        "vacant_units",
        "occupancy_pct",
        "rent_ratio",
        "small_units_pct",
        "flags",
    )
    got = {i: tuple(p[k] for k in keys) for i, p in projects.items()}
    assert got == {
        "M-1": (100, 90, 10, 0.9, 0.8, 0.8, []),
        "M-2": (50, 50, 0, 1.0, 0.92, 1.0, ["rent-high"]),
        "M-3": (40, None, None, None, None, None, ["operations-missing"]),
        "M-5": (300, 0, 300, 0.0, 1.0, 1.0, ["rent-ceiling"]),
        "M-6": (100, 60, 40, 0.6, None, None, []),
    }
    assert projects["M-3"]["days_since_delivery"] == 172 and projects["M-3"]["delivered_on"] == "2024-01-10"
    assert projects["M-3"]["missing_fields"] == ["leased_units", "rent_yuan_m2", "market_rent_yuan_m2"]
    assert projects["M-6"]["missing_fields"] == ["market_rent_yuan_m2"]


def test_per_district_and_total(money_ledger: Path) -> None:
    data = cli_json("operations", money_ledger, "--as-of", AS_OF)
    keys = (
        "delivered_projects",
        "delivered_units",
        "reported_units",
        "leased_units",
        "occupancy_pct",
        "avg_rent_yuan_m2",
        "rent_ratio",
        "small_units_pct",
        "rent_flagged_projects",
        "missing_data_projects",
    )
    got = {r["district"]: tuple(r[k] for k in keys) for r in data["districts"]}
    assert got == {
        # rent ratio (20·100 + 23·50) / (25·100 + 25·50) = 3150 / 3750; average rent 3150 / 150
        "观山湖区": (2, 150, 150, 140, round(140 / 150, 4), 21.0, 0.84, round(130 / 150, 4), 1, 0),
        "南明区": (1, 40, 0, 0, None, None, None, None, 0, 1),
        "贵安新区": (2, 400, 400, 60, 0.15, 30.0, 1.0, 1.0, 1, 0),
    }
    total = tuple(data["total"][k] for k in keys)
    assert total == (
        5,
        590,
        550,
        200,
        round(200 / 550, 4),
        27.0,
        round(12150 / 12750, 4),
        round(430 / 450, 4),
        2,
        1,
    )
    assert (data["grace_days"], data["rent_flag_ratio"], data["rent_ceiling_ratio"]) == (90, 0.9, 1.0)


def test_grace_days_option_and_setting(money_ledger: Path, ledger) -> None:  # type: ignore[no-untyped-def]
    short = cli_json("operations", money_ledger, "--as-of", AS_OF, "--grace-days", "30")
    assert short["grace_days"] == 30
    assert [p["id"] for p in short["projects"] if "operations-missing" in p["flags"]] == ["M-3", "M-6"]
    # 172 days after delivery: flagged after more than 171 days, not at exactly 172
    assert (
        "operations-missing"
        in cli_json("operations", money_ledger, "--as-of", AS_OF, "--grace-days", "171")["projects"][2][
            "flags"
        ]
    )
    assert (
        cli_json("operations", money_ledger, "--as-of", AS_OF, "--grace-days", "172")["projects"][2]["flags"]
        == []
    )
    root = ledger("base", "money")
    with (root / "criteria.yaml").open("a", encoding="utf-8") as handle:
        handle.write("settings: {operations_grace_days: 200, rent_flag_ratio: 0.8}\n")
    tuned = cli_json("operations", root, "--as-of", AS_OF)
    assert tuned["grace_days"] == 200
    assert {p["id"]: p["flags"] for p in tuned["projects"]}["M-3"] == []
    assert {p["id"]: p["flags"] for p in tuned["projects"]}["M-1"] == ["rent-high"]  # 80% ≥ 0.8


def test_only_projects_delivered_as_of_the_date_count(money_ledger: Path) -> None:
    on_the_day = cli_json("operations", money_ledger, "--as-of", "2024-03-31")
    assert [p["id"] for p in on_the_day["projects"]] == ["M-1", "M-3"]
    day_before = cli_json("operations", money_ledger, "--as-of", "2024-03-30")
    assert [p["id"] for p in day_before["projects"]] == ["M-3"]


def test_filters(money_ledger: Path) -> None:
    data = cli_json("operations", money_ledger, "--as-of", AS_OF, "-d", "贵安")
    assert [r["district"] for r in data["districts"]] == ["贵安新区"]
    assert data["total"]["delivered_units"] == 400
    assert [
        p["id"] for p in cli_json("operations", money_ledger, "--as-of", AS_OF, "-t", "收购")["projects"]
    ] == ["M-3"]


def test_json_keys_are_the_contract(money_ledger: Path) -> None:
    data = cli_json("operations", money_ledger, "--as-of", AS_OF)
    assert {
        "as_of",
        "grace_days",
        "rent_flag_ratio",
        "rent_ceiling_ratio",
        "districts",
        "total",
        "projects",
    } <= data.keys()
    district_keys = {
        "delivered_projects",
        "delivered_units",
        "leased_units",
        "occupancy_pct",
        "rent_ratio",
        "small_units_pct",
        "rent_flagged_projects",
        "missing_data_projects",
    }
    assert {"district", *district_keys} <= data["districts"][0].keys()
    assert district_keys <= data["total"].keys()
    assert {
        "id",
        "name",
        "district",
        "units",
        "delivered_on",
        "days_since_delivery",
        "leased_units",
        "occupancy_pct",
        "rent_yuan_m2",
        "market_rent_yuan_m2",
        "rent_ratio",
        "small_units_pct",
        "flags",
    } <= data["projects"][0].keys()


@pytest.mark.parametrize(
    ("name", "command", "args"),
    [
        ("operations.txt", "operations", ()),
        ("operations.csv", "operations", ("-f", "csv")),
        ("listings.txt", "listings", ()),
        ("listings.csv", "listings", ("-f", "csv")),
    ],
)
def test_rendered_output_is_pinned(
    request: pytest.FixtureRequest, money_ledger: Path, name: str, command: str, args: tuple[str, ...]
) -> None:
    result = run(command, "--data", money_ledger, "--as-of", AS_OF, *args)
    assert result.exit_code == 0, result.stderr
    assert_golden(request, name, result.stdout)


def test_a_ledger_without_deliveries(ledger) -> None:  # type: ignore[no-untyped-def]
    root = ledger("typical")
    data = cli_json("operations", root, "--as-of", "2023-01-01")
    assert data["projects"] == [] and data["total"]["delivered_units"] == 0
    assert data["total"]["occupancy_pct"] is None
    assert "没有已交付的项目" in run("operations", "--data", root, "--as-of", "2023-01-01").stdout
    assert cli_json("listings", root, "--as-of", "2023-01-01")["listings"] == []


# ---------------------------------------------------------------- listings


def validator() -> Draft202012Validator:
    schema = json.loads(schema_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_listings_are_delivered_projects_with_vacant_units(money_ledger: Path) -> None:
    data = cli_json("listings", money_ledger, "--as-of", AS_OF)
    # M-2 is full, M-3 has no leased_units (unknown vacancy), M-4 is not delivered
    assert [(x["project_id"], x["vacant_units"]) for x in data["listings"]] == [
        ("M-1", 10),
        ("M-5", 300),
        ("M-6", 40),
    ]
    assert data["count"] == 3 and data["unreported_projects"] == ["M-3"]
    assert data["listings"][0] == {
        "project_id": "M-1",
        "project_name": "观山湖资金甲",
        "district": "观山湖区",
        "district_code": "520115",
        "address": "观山湖区某路1号",
        "supply_type": "new_build",
        "supply_type_label": "新建",
        "unit_kind": "套",
        "units": 100,
        "vacant_units": 10,
        "rent_yuan_m2": 20.0,
        "admission": "新市民、青年人",
        "operator": "某运营公司",
        "contact": "0851-11111111",  # the letting contact wins over the project's
        "opened": "2024-04-15",
        "updated": "2024-06-28",
    }
    by_id = {x["project_id"]: x for x in data["listings"]}
    assert by_id["M-5"]["contact"] == "0851-55555555"  # falls back to the project's contact
    assert by_id["M-5"]["district_code"] is None and by_id["M-6"]["contact"] is None
    validator().validate(data)


def test_listing_keys_are_exactly_the_schema(money_ledger: Path) -> None:
    schema = json.loads(schema_text())
    data = cli_json("listings", money_ledger, "--as-of", AS_OF)
    assert set(data) == set(schema["properties"])
    for listing in data["listings"]:
        assert (
            set(listing)
            == set(schema["$defs"]["listing"]["properties"])
            == set(schema["$defs"]["listing"]["required"])
        )


def test_schema_rejects_a_broken_listing(money_ledger: Path) -> None:
    data = cli_json("listings", money_ledger, "--as-of", AS_OF)
    for broken in (
        {"vacant_units": 0},
        {"unit_kind": "栋"},
        {"updated": "2024/6/28"},
        {"rent_yuan_m2": "20"},
    ):
        listing = {**data["listings"][0], **broken}
        assert list(validator().iter_errors({**data, "listings": [listing]})), broken
    missing = {k: v for k, v in data["listings"][0].items() if k != "contact"}
    assert list(validator().iter_errors({**data, "listings": [missing]}))


def test_listing_filters_and_schema_option(money_ledger: Path) -> None:
    data = cli_json("listings", money_ledger, "--as-of", AS_OF, "--district", "贵安新区")
    assert [x["project_id"] for x in data["listings"]] == ["M-5", "M-6"]
    result = run("listings", "--schema")
    assert result.exit_code == 0 and json.loads(result.stdout) == json.loads(schema_text())


def test_listings_csv_written_to_a_file_opens_in_excel(money_ledger: Path, tmp_path: Path) -> None:
    target = tmp_path / "房源.csv"
    result = run("listings", "--data", money_ledger, "--as-of", AS_OF, "-f", "csv", "-o", target)
    assert result.exit_code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("项目编号,项目名称,区县,行政区划代码,地址")
    assert len(lines) == 4  # header + three listings, no total row for a platform import


def test_sample_listings_validate_and_look_real() -> None:
    data = cli_json("listings", SAMPLE, "--as-of", "2026-11-27")
    validator().validate(data)
    assert data["count"] >= 20
    assert all(x["rent_yuan_m2"] and x["contact"] and x["address"] for x in data["listings"])
    operations = cli_json("operations", SAMPLE, "--as-of", "2026-11-27")
    assert operations["total"]["delivered_projects"] >= 20
    assert 0.5 < operations["total"]["occupancy_pct"] < 1 and 0.5 < operations["total"]["rent_ratio"] < 1


def test_help_lists_the_money_commands_in_full() -> None:
    out = run("--help").stdout
    for command in ("funding", "operations", "listings"):
        line = next(line for line in out.splitlines() if line.strip().startswith(command))
        assert "..." not in line and any("\u4e00" <= ch <= "\u9fff" for ch in line)
    assert "[0<=x<=3650]" in run("operations", "--help").stdout
    assert run("operations", "--grace-days", "-1").exit_code == 2


# ---------------------------------------------------------------- invariants over random ledgers


@st.composite
def delivered_ledgers(draw: st.DrawFn) -> Ledger:
    files = []
    for i in range(draw(st.integers(0, 15))):
        supply_type = draw(st.sampled_from(CRITERIA.supply_types))
        units = draw(st.integers(1, 3000))
        delivered = draw(st.none() | st.dates(date(2023, 1, 1), date(2025, 1, 1)))
        milestones = [Milestone(name=supply_type.start_milestone, actual=date(2022, 6, 1))]
        if delivered is not None:
            milestones.append(Milestone(name=supply_type.delivered_milestone, actual=delivered))
        operations = None
        if draw(st.booleans()):
            operations = Operations(
                leased_units=draw(st.none() | st.integers(0, units)),
                rent_yuan_m2=draw(st.none() | st.integers(1, 60).map(float)),
                market_rent_yuan_m2=draw(st.none() | st.integers(1, 60).map(float)),
            )
        project = Project(
            id=f"P-{i}",
            name=f"项目{i}",
            district=draw(st.sampled_from([d.name for d in TARGETS.districts])),
            supply_type=supply_type.key,
            units=units,
            small_units=draw(st.none() | st.integers(0, units)),
            plan_year=2023,
            milestones=milestones,
            operations=operations,
        )
        files.append(FileResult(f"projects/P-{i}.yaml", project))
    return Ledger(Path("."), TARGETS, CRITERIA, REGISTRY, files)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(delivered_ledgers(), st.dates(date(2023, 1, 1), date(2025, 6, 30)))
def test_districts_add_up_and_rates_stay_in_range(ledger: Ledger, as_of: date) -> None:
    data = operations_report(ledger, as_of).data
    for key in ("delivered_projects", "delivered_units", "reported_units", "leased_units", "small_units",
                "rent_flagged_projects", "missing_data_projects"):  # fmt: skip
        assert sum(r[key] for r in data["districts"]) == data["total"][key]
    assert data["total"]["delivered_projects"] == len(data["projects"])
    for row in [*data["districts"], data["total"], *data["projects"]]:
        for key in ("occupancy_pct", "small_units_pct"):
            assert row[key] is None or 0 <= row[key] <= 1
    for project in data["projects"]:
        assert project["days_since_delivery"] >= 0
        assert ("operations-missing" in project["flags"]) == bool(
            project["missing_fields"] and project["days_since_delivery"] > data["grace_days"]
        )
    listed = listings_report(ledger, as_of).data["listings"]
    assert sum(x["vacant_units"] for x in listed) == sum(
        p["vacant_units"] for p in data["projects"] if p["vacant_units"]
    )
