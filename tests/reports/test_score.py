"""`bzf score`: totals, ranking, deductions and flags on tests/data/score, the JSON contract, golden tables.

tests/data/score, month 2024-06 (hand-computed; see the project files):

观山湖区  start 2,100/3,000 → 20 × 0.7 = 14 · delivery 1,000/2,000 → 20 × 0.5/0.8 = 12.5 ·
          milestones 1 of 4 on time → 10 × 0.25/0.9 = 2.78 · certificate: G-3 lacks one → 10 − 5 = 5 ·
          small units 2,600/3,100 ≥ 70% → 10 · occupancy 900/1,000 → 10 · self: plan 10, dispatch 9
          = 73.28 of 100
南明区    start 200/400 → 10 · delivery 200/300 → 20 × (2/3)/0.8 = 16.67 · milestones 0 of 3 → 0 ·
          certificate: N-1's is dated after the cut-off → 5 · small units 200/500 < 70% → 0 ·
          occupancy 100/200 → 10 × 0.5/0.9 = 5.56 · self: plan 10 (ledger supports 5), dispatch 8
          = 55.23 of 100
贵安新区  no targets, nothing delivered, nothing to certify → 4 items excluded (60 points) ·
          milestones 1/1 → 10 · small units → 10 · no self-assessment → 0 + 0 = 20 of 40 → 50.00
"""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from baozufang_cli.evaluation.scope import AssessmentMonth as Period
from baozufang_cli.evaluation.scoring import score_month
from baozufang_cli.ledger.assessments import AssessmentFile
from baozufang_cli.ledger.registry import FileResult, Ledger, Registry
from baozufang_cli.models import (
    Assessment,
    Certificate,
    Claim,
    Criteria,
    Milestone,
    Operations,
    Project,
    Targets,
)
from tests.conftest import DATA, SAMPLE, assert_golden, run

SCORE = DATA / "score"


def score_json(*args: str | Path, root: Path = SCORE) -> dict[str, Any]:
    result = run("score", "--data", root, "--as-of", "2024-06-30", "-f", "json", *args)
    assert result.exit_code == 0, result.stdout + result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def items(data: dict[str, Any], district: str) -> dict[str, dict[str, Any]]:
    (found,) = [d for d in data["districts"] if d["district"] == district]
    return {i["key"]: i for i in found["items"]}


def test_totals_and_ranking_match_the_hand_computation() -> None:
    data = score_json()
    assert [
        (d["district"], d["rank"], d["score"], d["max_points"], d["total"]) for d in data["districts"]
    ] == [
        ("观山湖区", 1, 73.28, 100.0, 73.28),
        ("南明区", 2, 55.23, 100.0, 55.23),
        ("贵安新区", 3, 20.0, 40.0, 50.0),
    ]
    scores = {k: i["score"] for k, i in items(data, "观山湖区").items()}
    assert scores == {
        "start_rate": 14.0,
        "delivery_rate": 12.5,
        "on_time": 2.78,
        "certificate": 5.0,
        "small_units": 10.0,
        "occupancy": 10.0,
        "plan": 10.0,
        "dispatch": 9.0,
    }
    nanming = items(data, "南明区")
    assert (nanming["delivery_rate"]["score"], nanming["occupancy"]["score"]) == (16.67, 5.56)
    assert nanming["small_units"]["value"] == 0.4 and nanming["small_units"]["score"] == 0.0


def test_a_district_without_targets_is_scaled_not_punished() -> None:
    guian = items(score_json(), "贵安新区")
    for key in ("start_rate", "delivery_rate", "certificate", "occupancy"):
        assert (guian[key]["applicable"], guian[key]["counted"], guian[key]["score"]) == (False, False, None)
        assert guian[key]["lost"] == 0
    assert guian["start_rate"]["numerator"] == 800  # it did start 800 units; there is just no target


@pytest.mark.parametrize(("policy", "score", "max_points"), [("full", 80.0, 100.0), ("zero", 20.0, 100.0)])
def test_not_applicable_policy(ledger, policy: str, score: float, max_points: float) -> None:  # type: ignore[no-untyped-def]
    root = ledger("score")
    criteria = root / "criteria.yaml"
    text = criteria.read_text(encoding="utf-8")
    criteria.write_text(
        text.replace("auto: {metric:", f"not_applicable: {policy}, auto: {{metric:"), encoding="utf-8"
    )
    (guian,) = [d for d in score_json(root=root)["districts"] if d["district"] == "贵安新区"]
    assert (guian["score"], guian["max_points"]) == (score, max_points)


def test_deductions_trace_each_lost_point_to_projects_and_units() -> None:
    data = score_json()
    deductions = {(d["district"], d["item"]): d for d in data["deductions"]}
    on_time = deductions[("观山湖区", "on_time")]
    assert on_time["lost"] == 7.22
    assert [(c["project"], c["milestone"], c["responsible_unit"]) for c in on_time["causes"]] == [
        ("G-1", "交付使用", "观山湖住建局"),
        ("G-3", "取得认定书", "观山湖城投"),
        ("G-3", "改造开工", "观山湖城投"),
    ]
    start = deductions[("南明区", "start_rate")]
    assert [(c["project"], c["responsible_unit"]) for c in start["causes"]] == [("N-2", "南明城投")]
    # a manual item's deduction carries the district's own explanation, no projects
    dispatch = deductions[("观山湖区", "dispatch")]
    assert dispatch["lost"] == 1.0 and dispatch["causes"] == [] and "周调度 3 次" in dispatch["reason"]
    # every lost point is listed: per district, deductions add up to full marks counted minus score
    for district in data["districts"]:
        lost = sum(d["lost"] for d in data["deductions"] if d["district"] == district["district"])
        assert lost == pytest.approx(district["max_points"] - district["score"], abs=0.011)


def test_flags_on_self_assessments() -> None:
    flags = {(f["district"], f["item"], f["code"]) for f in score_json()["flags"]}
    assert flags == {
        ("南明区", "plan", "above-ledger"),  # claims 10; N-2 has no delivery date planned → 5
        ("南明区", "dispatch", "missing-evidence"),
        ("贵安新区", None, "not-submitted"),
    }
    plan = items(score_json(), "南明区")["plan"]
    assert (plan["claimed"], plan["supported"], plan["score"]) == (10.0, 5.0, 10.0)
    assert plan["metric"] == "plan_coverage" and plan["value"] == 0.5
    dispatch = items(score_json(), "南明区")["dispatch"]
    assert dispatch["evidence"] == [
        {
            "title": "调度会会议纪要",
            "file": "evidence/2024-06/南明区/会议纪要.md",
            "kind": None,
            "exists": False,
        }
    ]


def test_more_flags(ledger) -> None:  # type: ignore[no-untyped-def]
    root = ledger("score")
    (root / "assessments" / "2024-06" / "观山湖区.yaml").write_text(
        "items:\n"
        "  plan: {score: 4, evidence: [{title: 照片, file: evidence/2024-06/观山湖区/实施方案.md}]}\n",
        encoding="utf-8",
    )
    (root / "assessments" / "2024-06" / "贵安.yaml").write_text(
        "items:\n  plan: {score: 3}\n  dispatch: {score: 0}\n", encoding="utf-8"
    )
    data = score_json(root=root)
    flags = {(f["district"], f["item"], f["code"]) for f in data["flags"]}
    assert ("观山湖区", "plan", "evidence-kind-missing") in flags  # 照片 is not a 实施方案
    assert ("观山湖区", "dispatch", "not-claimed") in flags
    assert ("贵安新区", "plan", "no-evidence") in flags
    assert ("贵安新区", "dispatch", "no-evidence") not in flags  # a zero claim needs no evidence
    assert items(data, "观山湖区")["dispatch"]["score"] == 0.0


def test_district_filter_keeps_the_city_rank() -> None:
    data = score_json("--district", "贵安")
    assert [(d["district"], d["rank"]) for d in data["districts"]] == [("贵安新区", 3)]
    assert {d["district"] for d in data["deductions"]} == {"贵安新区"}


def test_ties_share_a_rank(ledger) -> None:  # type: ignore[no-untyped-def]
    root = ledger("score")
    # only the two manual items: every district claims the same
    criteria = yaml.safe_load((root / "criteria.yaml").read_text(encoding="utf-8"))
    criteria["evaluation"] = [i for i in criteria["evaluation"] if "manual" in i]
    (root / "criteria.yaml").write_text(yaml.safe_dump(criteria, allow_unicode=True), encoding="utf-8")
    for name in ("观山湖区.yaml", "南明.yaml"):
        (root / "assessments" / "2024-06" / name).write_text(
            "items: {dispatch: {score: 0}}\n", encoding="utf-8"
        )
    data = score_json(root=root)
    assert [(d["district"], d["rank"], d["total"]) for d in data["districts"]] == [
        ("观山湖区", 1, 0.0),
        ("南明区", 1, 0.0),
        ("贵安新区", 1, 0.0),
    ]
    assert any("points-total" in line for line in run("check", "--data", root).stdout.splitlines())


def test_month_selects_targets_and_cut_off() -> None:
    # 2024-01: 2024 targets; nothing of 观山湖区 started in January (G-2 on 2024-02-01)
    january = score_json("--month", "2024-01")
    assert (january["year"], january["cutoff"]) == (2024, "2024-01-31")
    assert items(january, "观山湖区")["start_rate"]["value"] == 0.0
    # 2023-12: 2023 targets (1,000 / 500); G-1 started 2023-03-01 and is the only project of plan ≤ 2023
    december = score_json("--month", "2023-12")
    assert (december["year"], december["cutoff"]) == (2023, "2023-12-31")
    assert items(december, "观山湖区")["start_rate"]["value"] == 1.0
    assert items(december, "观山湖区")["delivery_rate"]["value"] == 0.0
    # no self-assessments for those months: every district is flagged
    assert {f["code"] for f in december["flags"]} == {"not-submitted"}


def test_month_defaults_to_the_as_of_month_and_is_cut_by_it() -> None:
    result = run("score", "--data", SCORE, "--as-of", "2024-06-15", "-f", "json")
    data = json.loads(result.stdout)
    assert (data["month"], data["cutoff"], data["as_of"]) == ("2024-06", "2024-06-15", "2024-06-15")
    # N-1 delivered on 2024-06-20: not yet on the 15th
    assert items(data, "南明区")["delivery_rate"]["numerator"] == 0


@pytest.mark.parametrize("month", ["2024-13", "2024/06", "202406", "2024-06-01"])
def test_bad_month_is_a_usage_error(month: str) -> None:
    result = run("score", "--data", SCORE, "--month", month)
    assert result.exit_code == 2 and "YYYY-MM" in result.stderr


def test_a_month_after_the_as_of_date_is_refused() -> None:
    result = run("score", "--data", SCORE, "--as-of", "2024-06-30", "--month", "2024-07")
    assert result.exit_code == 2 and "晚于统计日" in result.stderr


def test_a_ledger_without_a_scheme_says_so() -> None:
    result = run("score", "--data", DATA / "typical", "--as-of", "2024-06-30")
    assert result.exit_code == 1 and "evaluation" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_a_broken_self_assessment_is_excluded_loudly(ledger) -> None:  # type: ignore[no-untyped-def]
    root = ledger("score")
    path = root / "assessments" / "2024-06" / "观山湖区.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("score: 9", "score: 12"), encoding="utf-8")
    result = run("score", "--data", root, "--as-of", "2024-06-30", "-f", "json")
    assert result.exit_code == 1
    assert "score-exceeds" in result.stderr
    data = json.loads(result.stdout)
    guanshanhu = items(data, "观山湖区")
    assert guanshanhu["plan"]["score"] == 0.0 and guanshanhu["dispatch"]["score"] == 0.0
    assert ("观山湖区", None, "assessment-invalid") in {
        (f["district"], f["item"], f["code"]) for f in data["flags"]
    }


def test_json_keys_are_the_contract() -> None:
    data = score_json()
    assert {
        "as_of",
        "month",
        "year",
        "cutoff",
        "total_points",
        "districts",
        "deductions",
        "flags",
    } <= data.keys()
    district = data["districts"][0]
    assert {
        "district",
        "rank",
        "score",
        "max_points",
        "total",
        "lost",
        "assessment",
        "groups",
        "items",
        "flags",
    } <= (district.keys())
    assert {"group", "points", "score"} <= district["groups"][0].keys()
    for item in district["items"]:
        assert {
            "key", "label", "group", "points", "mode", "applicable", "counted", "score", "lost", "reason",
            "metric", "rule", "value", "numerator", "denominator", "summary",
            "claimed", "explanation", "evidence", "supported", "causes", "flags",
        } <= item.keys()  # fmt: skip
        assert item["mode"] in ("auto", "manual")
    cause = next(d for d in data["deductions"] if d["causes"])["causes"][0]
    assert {
        "project",
        "name",
        "responsible_unit",
        "milestone",
        "problem",
        "department",
        "detail",
    } <= cause.keys()
    assert {"district", "item", "label", "points", "score", "lost", "reason", "causes"} <= data["deductions"][
        0
    ].keys()
    assert {"district", "item", "code", "message"} <= data["flags"][0].keys()


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("score.txt", ("--format", "table")),
        ("score.md", ("--format", "md", "--district", "南明")),
        ("score.csv", ("--format", "csv")),
    ],
)
def test_rendered_output_is_pinned(request: pytest.FixtureRequest, name: str, args: tuple[str, ...]) -> None:
    result = run("score", "--data", SCORE, "--as-of", "2024-06-30", *args)
    assert result.exit_code == 0, result.stderr
    assert_golden(request, name, result.stdout)


# ---------------------------------------------------------------- the sample ledger


@pytest.mark.parametrize("month", ["2024-05", "2024-06"])
def test_sample_ledger_scores_every_district(month: str) -> None:
    data = score_json("--month", month, root=SAMPLE)
    assert len(data["districts"]) == 15 and data["total_points"] == 100.0
    submitted = {d["district"] for d in data["districts"] if d["assessment"]}
    assert submitted == {"观山湖区", "南明区", "云岩区"}
    for district in data["districts"]:
        assert 0 <= district["score"] <= district["max_points"] <= 100
        assert district["total"] == pytest.approx(district["score"] / district["max_points"] * 100, abs=0.01)


def test_sample_ledger_flags_its_deliberately_missing_evidence() -> None:
    flags = {
        (f["district"], f["item"], f["code"]) for f in score_json("--month", "2024-06", root=SAMPLE)["flags"]
    }
    assert ("观山湖区", "dispatch", "missing-evidence") in flags
    assert ("云岩区", "fiscal_finance", "no-evidence") in flags


def _independent_sample_rates(month_end: date) -> dict[str, tuple[int, int, int, int]]:
    """Year-to-date started/delivered units and the year's targets per district, from the raw YAML."""
    reader = YAML(typ="safe", pure=True)
    targets = reader.load((SAMPLE / "targets.yaml").read_text(encoding="utf-8"))
    criteria = reader.load((SAMPLE / "criteria.yaml").read_text(encoding="utf-8"))
    canonical = {n: d["name"] for d in targets["districts"] for n in [d["name"], *d.get("aliases", [])]}
    types = {n: t for t in criteria["supply_types"] for n in [t["key"], t["label"], *t.get("aliases", [])]}
    rows = {d["name"]: [0, 0, 0, 0] for d in targets["districts"]}
    for target in targets["district_targets"]:
        if target["year"] == month_end.year:
            rows[canonical[target["district"]]][2:] = [target["started"], target["delivered"]]
    for path in (SAMPLE / "projects").rglob("*.yaml"):
        project = reader.load(path.read_text(encoding="utf-8"))
        supply_type = types[project["supply_type"]]
        names = {a: m["name"] for m in supply_type["milestones"] for a in [m["name"], *m.get("aliases", [])]}
        for column, key in ((0, "start_milestone"), (1, "delivered_milestone")):
            for milestone in project.get("milestones", []):
                actual = milestone.get("actual")
                if names[milestone["name"]] != supply_type[key] or actual is None:
                    continue
                if date(month_end.year, 1, 1) <= date.fromisoformat(str(actual)) <= month_end:
                    rows[canonical[project["district"]]][column] += project["units"]
    return {k: tuple(v) for k, v in rows.items()}  # type: ignore[misc]


@pytest.mark.parametrize(("month", "month_end"), [("2023-12", "2023-12-31"), ("2024-06", "2024-06-30")])
def test_sample_rates_match_an_independent_computation(month: str, month_end: str) -> None:
    expected = _independent_sample_rates(date.fromisoformat(month_end))
    data = score_json("--month", month, root=SAMPLE)
    for district in data["districts"]:
        by_key = {i["key"]: i for i in district["items"]}
        started, delivered = by_key["start_rate"], by_key["delivery_rate"]
        found = (
            started["numerator"],
            delivered["numerator"],
            started["denominator"],
            delivered["denominator"],
        )
        assert found == expected[district["district"]], district["district"]
        if started["denominator"]:
            assert started["score"] == round(15 * min(found[0] / found[2], 1), 2)


# ---------------------------------------------------------------- invariants over random ledgers

_reader = YAML(typ="safe", pure=True)
TARGETS = Targets.model_validate(_reader.load((SCORE / "targets.yaml").read_text(encoding="utf-8")))
CRITERIA = Criteria.model_validate(_reader.load((SCORE / "criteria.yaml").read_text(encoding="utf-8")))
DAY0 = date(2023, 1, 1)
days = st.integers(0, 900).map(lambda d: DAY0 + timedelta(days=d))


@st.composite
def random_project(draw: st.DrawFn, index: int) -> Project:
    supply_type = draw(st.sampled_from(CRITERIA.supply_types))
    units = draw(st.integers(1, 3000))
    milestones = []
    for spec in supply_type.milestones:
        if draw(st.booleans()):
            milestones.append(
                Milestone(name=spec.name, planned=draw(st.none() | days), actual=draw(st.none() | days))
            )
    delivered = draw(st.booleans())
    return Project(
        id=f"P-{index}",
        name=f"项目{index}",
        district=draw(st.sampled_from([d.name for d in TARGETS.districts])),
        supply_type=supply_type.key,
        units=units,
        plan_year=draw(st.integers(2023, 2025)),
        small_units=draw(st.none() | st.integers(0, units)),
        certificate=draw(st.none() | st.builds(Certificate, no=st.just("认"), date=st.none() | days)),
        milestones=milestones,
        operations=Operations(leased_units=draw(st.integers(0, units))) if delivered else None,
    )


@st.composite
def random_claims(draw: st.DrawFn) -> dict[str, AssessmentFile]:
    files = {}
    for district in TARGETS.districts:
        if draw(st.booleans()):
            claims = {
                item.key: Claim(score=draw(st.integers(0, int(item.points))))
                for item in CRITERIA.evaluation
                if item.manual is not None and draw(st.booleans())
            }
            files[district.name] = AssessmentFile(
                f"{district.name}.yaml", "2024-06", district.name, Assessment(items=claims)
            )
    return files


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(), max_size=20).flatmap(lambda xs: st.tuples(*[random_project(i) for i in range(len(xs))])),
       random_claims(), st.sampled_from(["2023-12", "2024-01", "2024-06", "2025-03"]))  # fmt: skip
def test_scores_stay_within_points_and_add_up(
    projects: tuple[Project, ...], claims: dict[str, AssessmentFile], month: str
) -> None:
    files = [FileResult(f"projects/{p.id}.yaml", p) for p in projects]
    ledger = Ledger(Path("."), TARGETS, CRITERIA, Registry(TARGETS, CRITERIA), files)
    scored = score_month(ledger, Period.of(month, date(2025, 12, 31)), claims)
    assert len(scored) == len(TARGETS.districts)
    for district in scored:
        counted = [i for i in district.items if i.counted]
        for item in district.items:
            assert item.score is None or 0 <= item.score <= item.item.points
            assert 0 <= item.lost <= item.item.points
        assert district.score == pytest.approx(sum(i.score or 0 for i in counted), abs=0.01)
        assert district.max_points == pytest.approx(sum(i.item.points for i in counted))
        assert district.score == pytest.approx(district.max_points - sum(i.lost for i in counted), abs=0.01)
        assert district.total is None or 0 <= district.total <= 100
    ranked = [d for d in scored if d.rank is not None]
    for better, worse in itertools.pairwise(ranked):
        assert better.total is not None and worse.total is not None
        assert better.total >= worse.total and better.rank <= worse.rank  # type: ignore[operator]
    # manual items carry exactly what was claimed (no district claims above points here)
    for district in scored:
        file = claims.get(district.district)
        for item in district.items:
            if item.item.manual is not None:
                claim = file.assessment.items.get(item.item.key) if file and file.assessment else None
                assert item.score == (claim.score if claim else 0.0)


def test_a_month_in_a_year_without_targets_names_the_nearest_one() -> None:
    from tests.conftest import SAMPLE, run

    text = run("score", "--data", SAMPLE, "--as-of", "2026-12-03").stdout
    assert "注意：2026 年没有目标；有目标的年度为 2022—2025，最近的是 2025 年（--month 2025-12）" in text
