"""`bzf status`: numbers for every grouping and filter, JSON shape, golden tables, invariants."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from baozufang_cli.facts.project import is_delivered
from baozufang_cli.ledger.load import load_ledger
from baozufang_cli.ledger.registry import FileResult, Ledger, Registry
from baozufang_cli.models import Criteria, Milestone, Project, Targets
from baozufang_cli.reports.filters import Filters
from baozufang_cli.reports.status import status_report
from tests.conftest import DATA, SAMPLE, assert_golden, run

TYPICAL = DATA / "typical"
COUNT_KEYS = ("projects", "units", "started_units", "delivered_units")


def status_json(*args: str | Path) -> dict:  # type: ignore[type-arg]
    result = run("status", "--data", TYPICAL, "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def counts(row: dict) -> tuple[int, ...]:  # type: ignore[type-arg]
    return tuple(row[k] for k in COUNT_KEYS)


# hand-computed from tests/data/typical (see the files): G-1 delivered exactly on 2024-06-30,
# N-1 delivered on 2024-07-01 (after D), N-2 not started.
def test_by_district_on_the_day_a_milestone_is_done() -> None:
    data = status_json("--as-of", "2024-06-30")
    assert data["as_of"] == "2024-06-30" and data["by"] == "district"
    assert {r["district"]: counts(r) for r in data["rows"]} == {
        "观山湖区": (2, 1500, 1500, 1000),
        "南明区": (2, 420, 300, 0),
        "贵安新区": (1, 2000, 2000, 0),
    }
    assert counts(data["total"]) == (5, 3920, 3800, 1000)


def test_a_milestone_done_after_the_as_of_date_is_not_done() -> None:
    before = status_json("--as-of", "2024-06-29")
    assert counts(before["total"]) == (5, 3920, 3800, 0)
    after = status_json("--as-of", "2024-07-01")
    assert {r["district"]: r["delivered_units"] for r in after["rows"]} == {
        "观山湖区": 1000,
        "南明区": 300,
        "贵安新区": 0,
    }


def test_by_year_and_by_type() -> None:
    by_year = status_json("--as-of", "2024-06-30", "--by", "year")
    assert {r["year"]: counts(r) for r in by_year["rows"]} == {
        2023: (2, 1300, 1300, 1000),
        2024: (3, 2620, 2500, 0),
    }
    by_type = status_json("--as-of", "2024-06-30", "--by", "type")
    assert [(r["supply_type"], r["supply_type_label"], *counts(r)) for r in by_type["rows"]] == [
        ("new_build", "新建", 3, 3500, 3500, 1000),
        ("conversion", "闲置存量住房和非居住存量房屋改建", 1, 300, 300, 0),
        ("acquisition", "购买滞销存量小户型房屋", 1, 120, 0, 0),
    ]


@pytest.mark.parametrize(
    ("args", "expected_total"),
    [
        (("--district", "观山湖"), (2, 1500, 1500, 1000)),  # unique prefix / alias
        (("--district", "南明区", "--district", "贵安"), (3, 2420, 2300, 0)),  # several
        (("--district", "520115"), (2, 1500, 1500, 1000)),  # GB/T 2260 code
        (("--year", "2024"), (3, 2620, 2500, 0)),
        (("--year", "2023,2024"), (5, 3920, 3800, 1000)),
        (("--type", "新建"), (3, 3500, 3500, 1000)),  # label
        (("--type", "收购"), (1, 120, 0, 0)),  # alias
        (("--type", "new_build", "--year", "2024", "--district", "贵安新区"), (1, 2000, 2000, 0)),
    ],
)
def test_filters(args: tuple[str, ...], expected_total: tuple[int, ...]) -> None:
    assert counts(status_json("--as-of", "2024-06-30", *args)["total"]) == expected_total


def test_district_filter_limits_the_rows() -> None:
    data = status_json("--as-of", "2024-06-30", "-d", "观山湖")
    assert [r["district"] for r in data["rows"]] == ["观山湖区"]


def test_unknown_filter_is_a_usage_error() -> None:
    result = run("status", "--data", TYPICAL, "--district", "观山胡")
    assert result.exit_code == 2
    assert "是否为 观山湖区" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_json_keys_are_the_contract() -> None:
    data = status_json("--as-of", "2024-06-30")
    assert {"as_of", "by", "rows", "total"} <= data.keys()
    for row in data["rows"]:
        assert {"district", "projects", "units", "started_units", "delivered_units"} <= row.keys()
    assert {"projects", "units", "started_units", "delivered_units"} <= data["total"].keys()
    assert "year" in status_json("--by", "year")["rows"][0]
    assert {"supply_type", "supply_type_label"} <= status_json("--by", "type")["rows"][0].keys()


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("status_district.txt", ("--format", "table")),
        ("status_type.md", ("--format", "md", "--by", "type")),
        ("status_year.csv", ("--format", "csv", "--by", "year")),
    ],
)
def test_rendered_output_is_pinned(request: pytest.FixtureRequest, name: str, args: tuple[str, ...]) -> None:
    result = run("status", "--data", TYPICAL, "--as-of", "2024-06-30", *args)
    assert result.exit_code == 0
    assert_golden(request, name, result.stdout)


def test_table_names_the_ledger_and_as_of_date() -> None:
    result = run("status", "--data", TYPICAL, "--as-of", "2024-06-30")
    assert "统计截至 2024-06-30" in result.stdout and "台账：测试计划" in result.stdout


def test_report_over_a_ledger_with_errors_excludes_them_loudly(ledger) -> None:  # type: ignore[no-untyped-def]
    root = ledger("typical")
    (root / "projects" / "南明" / "N-2.yaml").write_text("id: N-2\nname: x\n", encoding="utf-8")
    result = run("status", "--data", root, "--as-of", "2024-06-30", "-f", "json")
    assert result.exit_code == 1
    assert "missing-key" in result.stderr
    assert json.loads(result.stdout)["total"]["projects"] == 4


def _independent_sample_totals(as_of: date) -> dict[str, tuple[int, int, int, int]]:
    """Recompute the sample ledger's status by district with ruamel.yaml and no bzf code."""
    yaml = YAML(typ="safe", pure=True)
    targets = yaml.load((SAMPLE / "targets.yaml").read_text(encoding="utf-8"))
    criteria = yaml.load((SAMPLE / "criteria.yaml").read_text(encoding="utf-8"))
    district_of = {}
    for d in targets["districts"]:
        for name in [d["name"], *d.get("aliases", [])]:
            district_of[name] = d["name"]
    type_of = {}
    for t in criteria["supply_types"]:
        for name in [t["key"], t["label"], *t.get("aliases", [])]:
            type_of[name] = t
    totals: dict[str, list[int]] = {}
    for path in sorted((SAMPLE / "projects").rglob("*.yaml")):
        project = yaml.load(path.read_text(encoding="utf-8"))
        supply_type = type_of[project["supply_type"]]
        names = {m["name"]: m for t in [supply_type] for m in t["milestones"]}
        aliases = {a: m["name"] for m in names.values() for a in m.get("aliases", [])}

        def done(milestone_name: str, project: dict = project, aliases: dict = aliases) -> bool:  # type: ignore[type-arg]
            for milestone in project.get("milestones", []):
                if aliases.get(milestone["name"], milestone["name"]) == milestone_name:
                    actual = milestone.get("actual")
                    return actual is not None and date.fromisoformat(str(actual)) <= as_of
            return False

        row = totals.setdefault(district_of[project["district"]], [0, 0, 0, 0])
        row[0] += 1
        row[1] += project["units"]
        row[2] += project["units"] if done(supply_type["start_milestone"]) else 0
        row[3] += project["units"] if done(supply_type["delivered_milestone"]) else 0
    return {k: tuple(v) for k, v in totals.items()}  # type: ignore[misc]


@pytest.mark.parametrize("as_of", ["2023-06-30", "2024-06-30", "2025-12-31"])
def test_sample_ledger_matches_an_independent_computation(as_of: str) -> None:
    expected = _independent_sample_totals(date.fromisoformat(as_of))
    result = run("status", "--data", SAMPLE, "--as-of", as_of, "-f", "json")
    assert result.exit_code == 0, result.stderr
    rows = {r["district"]: counts(r) for r in json.loads(result.stdout)["rows"] if r["projects"]}
    assert rows == expected


# ---------------------------------------------------------------- invariants over random ledgers

BASE = DATA / "base"
_yaml = YAML(typ="safe", pure=True)
TARGETS = Targets.model_validate(_yaml.load((BASE / "targets.yaml").read_text(encoding="utf-8")))
CRITERIA = Criteria.model_validate(_yaml.load((BASE / "criteria.yaml").read_text(encoding="utf-8")))
REGISTRY = Registry(TARGETS, CRITERIA)
DAY0 = date(2022, 1, 1)


@st.composite
def projects(draw: st.DrawFn, index: int) -> Project:
    supply_type = draw(st.sampled_from(CRITERIA.supply_types))
    milestones = []
    for spec in supply_type.milestones:
        if draw(st.booleans()):
            actual = draw(st.none() | st.integers(0, 1500).map(lambda d: DAY0 + timedelta(days=d)))
            milestones.append(Milestone(name=spec.name, actual=actual))
    return Project(
        id=f"P-{index}",
        name=f"项目{index}",
        district=draw(st.sampled_from([d.name for d in TARGETS.districts])),
        supply_type=supply_type.key,
        units=draw(st.integers(1, 5000)),
        plan_year=draw(st.integers(2022, 2025)),
        milestones=milestones,
    )


@st.composite
def ledgers(draw: st.DrawFn) -> Ledger:
    count = draw(st.integers(0, 25))
    files = [FileResult(f"projects/P-{i}.yaml", draw(projects(i))) for i in range(count)]
    return Ledger(Path("."), TARGETS, CRITERIA, REGISTRY, files)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers(), st.integers(0, 1600).map(lambda d: DAY0 + timedelta(days=d)))
def test_rows_of_every_grouping_sum_to_the_total(ledger: Ledger, as_of: date) -> None:
    totals = set()
    for by in ("district", "year", "type"):
        report = status_report(ledger, as_of, by)  # type: ignore[arg-type]
        total = report.data["total"]
        for key in (
            "projects",
            "units",
            "started_units",
            "delivered_units",
            "started_projects",
            "delivered_projects",
        ):
            assert sum(r[key] for r in report.data["rows"]) == total[key]
        assert total["delivered_units"] <= total["units"] and total["started_units"] <= total["units"]
        totals.add(tuple(sorted(total.items())))
    assert len(totals) == 1  # the same ledger has one total whatever the grouping
    # filtering by each district partitions the ledger
    parts = [
        status_report(ledger, as_of, "district", Filters(districts=frozenset({d}))).data["total"]
        for d in REGISTRY.districts
    ]
    assert sum(p["units"] for p in parts) == status_report(ledger, as_of).data["total"]["units"]


def test_loader_and_in_memory_ledger_agree() -> None:
    loaded = load_ledger(TYPICAL, use_cache=False)
    assert [p.id for p in loaded.projects] == ["G-1", "G-2", "GA-1", "N-1", "N-2"]
    assert loaded.projects[3].supply_type == "conversion"  # alias 改建 canonicalised
    assert loaded.projects[1].milestones[1].name == "交付使用"  # alias 交付 canonicalised


def test_sample_ledger_is_broad_enough_to_show_every_report() -> None:
    ledger = load_ledger(SAMPLE, use_cache=False)
    assert not ledger.errors
    projects = ledger.valid_projects()
    assert len(projects) >= 55
    assert {p.district for p in projects} == set(ledger.registry.districts)  # every district
    assert {p.supply_type for p in projects} == set(ledger.registry.supply_types)  # every supply type
    assert {p.plan_year for p in projects} >= {2022, 2023, 2024, 2025}
    as_of = date(2026, 11, 27)
    delivered = [p for p in projects if is_delivered(ledger, p, as_of)]
    assert 0 < len(delivered) < len(projects)  # some done, some not
    assert any(p.problems for p in projects) and any(p.funding for p in projects)
    for path in sorted((SAMPLE / "projects").rglob("*.yaml")):
        assert "示例数据" in path.read_text(encoding="utf-8").splitlines()[0]  # illustrative, not official
