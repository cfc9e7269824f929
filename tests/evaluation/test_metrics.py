"""Evaluation metrics and scoring rules on hand-built in-memory ledgers, with hand-computed numbers."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, get_args

import pytest
from ruamel.yaml import YAML

from baozufang_cli.evaluation.metrics import compute
from baozufang_cli.evaluation.scheme import METRIC_LABELS, METRICS, RULES, apply_rule
from baozufang_cli.evaluation.scope import AssessmentMonth, Scope
from baozufang_cli.facts.dates import parse_month
from baozufang_cli.ledger.registry import FileResult, Ledger, Registry
from baozufang_cli.models import (
    AutoScoring,
    Criteria,
    MetricName,
    Milestone,
    Problem,
    Project,
    RuleName,
    Targets,
)
from tests.conftest import DATA

_yaml = YAML(typ="safe", pure=True)
SCORE = DATA / "score"  # targets: 观山湖区 2023 (1000/500) and 2024 (3000/2000), 南明区 2024; 贵安新区 none
TARGETS = Targets.model_validate(_yaml.load((SCORE / "targets.yaml").read_text(encoding="utf-8")))
CRITERIA = Criteria.model_validate(_yaml.load((SCORE / "criteria.yaml").read_text(encoding="utf-8")))
D = date.fromisoformat


def project(pid: str, *milestones: tuple[str, str | None, str | None], **fields: Any) -> Project:
    values: dict[str, Any] = {
        "id": pid,
        "name": f"项目{pid}",
        "district": "观山湖区",
        "supply_type": "new_build",
        "units": 100,
        "plan_year": 2024,
        "responsible_unit": f"{pid}责任单位",
    }
    values.update(fields)
    values["milestones"] = [
        Milestone(name=name, planned=D(planned) if planned else None, actual=D(actual) if actual else None)
        for name, planned, actual in milestones
    ]
    return Project(**values)


def scope(
    projects: list[Project],
    month: str = "2024-06",
    as_of: str = "2024-12-31",
    district: str = "观山湖区",
    criteria: Criteria = CRITERIA,  # tests/data/score: operations_grace_days 0
) -> Scope:
    files = [FileResult(f"projects/{p.id}.yaml", p) for p in projects]
    ledger = Ledger(Path("."), TARGETS, criteria, Registry(TARGETS, criteria), files)
    mine = [p for p in ledger.valid_projects() if p.district == district]
    return Scope(ledger, district, AssessmentMonth.of(month, D(as_of)), mine)


def auto(metric: str, rule: str = "linear", **params: Any) -> AutoScoring:
    return AutoScoring.model_validate({"metric": metric, "rule": rule, **params})


def causes(result: Any) -> list[tuple[str, str | None]]:
    return [(c.project, c.milestone or c.problem) for c in result.causes]


# ---------------------------------------------------------------- rules


@pytest.mark.parametrize(
    ("rule", "params", "value", "failing", "expected"),
    [
        ("linear", {}, 0.5, 0, 10.0),  # 20 × 0.5
        ("linear", {"threshold": 0.8}, 0.6, 0, 15.0),  # 20 × 0.6 / 0.8
        ("linear", {"threshold": 0.8}, 0.95, 0, 20.0),  # capped at full points
        ("linear", {}, 1.4, 0, 20.0),  # over-achieving a target earns no more than full points
        ("linear", {}, 2 / 3, 0, 13.33),
        ("threshold", {"threshold": 0.7}, 0.7, 0, 20.0),  # at the threshold: full
        ("threshold", {"threshold": 0.7}, 7 / 10, 0, 20.0),
        ("threshold", {"threshold": 0.7}, 0.6999, 0, 0.0),
        ("deduct_per", {"k": 3}, 0.1, 2, 14.0),  # 20 − 3 × 2
        ("deduct_per", {"k": 3}, 0.0, 9, 0.0),  # floored at 0
        ("deduct_per", {"k": 0.5}, 0.9, 0, 20.0),
        ("linear", {}, None, 0, None),  # undefined metric: the item does not apply
        ("deduct_per", {}, None, 0, None),
    ],
)
def test_rules(
    rule: str, params: dict[str, float], value: float | None, failing: int, expected: float | None
) -> None:
    assert apply_rule(auto("occupancy", rule, **params), 20, value, failing) == expected


def test_every_metric_has_a_label_and_a_function() -> None:
    from baozufang_cli.evaluation.metrics import metric_functions

    assert set(METRICS) == set(metric_functions()) == set(METRIC_LABELS) == set(get_args(MetricName))
    assert get_args(RuleName) == RULES


def test_month_parsing_and_period() -> None:
    assert parse_month("2024-06") == (2024, 6)
    for bad in ("2024-13", "2024-6-1", "24-06", "二〇二四-06"):
        with pytest.raises(ValueError):
            parse_month(bad)
    assert AssessmentMonth.of("2024-02", D("2024-12-31")) == AssessmentMonth(
        "2024-02", 2024, D("2024-01-01"), D("2024-02-29")
    )
    # the as-of date cuts the month short
    assert AssessmentMonth.of("2024-06", D("2024-06-15")).cutoff == D("2024-06-15")


# ---------------------------------------------------------------- targets


START = ("开工",)


def test_start_rate_is_year_to_date_against_the_annual_target() -> None:
    projects = [
        project("A", ("开工", "2024-02-01", "2024-02-01"), units=1000),  # counted
        project("B", ("开工", "2023-12-01", "2023-12-31"), units=500),  # last year: not this year's
        project("C", ("开工", "2024-06-01", "2024-07-01"), units=700),  # done after the cut-off: late
        project("E", ("开工", "2024-09-01", None), units=300),  # not due yet
        project("H", ("开工", "2024-06-30", None), units=300),  # due on the cut-off: not overdue yet
        project("F", ("开工", "2024-03-01", "2024-03-01"), units=900, district="南明区"),
    ]
    result = compute(scope(projects, as_of="2024-06-30"), auto("start_rate"))
    assert (result.numerator, result.denominator) == (1000, 3000)
    assert result.value == pytest.approx(1 / 3)
    assert causes(result) == [("C", "开工")]
    assert "逾期 29 天" in result.causes[0].detail and result.causes[0].responsible_unit == "C责任单位"
    assert apply_rule(auto("start_rate"), 15, result.value, result.failing_projects) == 5.0


def test_start_and_delivery_rates_at_year_boundaries() -> None:
    projects = [
        project("A", ("开工", None, "2023-12-31"), ("交付使用", None, "2024-01-01"), units=400),
        project("B", ("开工", None, "2024-01-31"), units=600),
        project("C", ("开工", None, "2024-02-01"), units=900),
    ]
    january = scope(projects, month="2024-01")  # 2024 targets: started 3000, delivered 2000
    assert compute(january, auto("start_rate")).numerator == 600
    assert compute(january, auto("start_rate")).value == pytest.approx(600 / 3000)
    assert compute(january, auto("delivery_rate")).value == pytest.approx(400 / 2000)
    december = scope(projects, month="2023-12")  # 2023 targets: started 1000, delivered 500
    assert compute(december, auto("start_rate")).value == pytest.approx(400 / 1000)
    assert compute(december, auto("delivery_rate")).value == 0.0
    assert compute(december, auto("delivery_rate")).denominator == 500


def test_rates_without_a_target_are_undefined() -> None:
    projects = [project("G", ("开工", None, "2024-03-01"), district="贵安新区", units=800)]
    result = compute(scope(projects, district="贵安新区"), auto("start_rate"))
    assert result.value is None and result.numerator == 800
    assert "无 2024 年启动建设目标" in result.summary
    # 2022: no target for 观山湖区 either
    assert compute(scope([], month="2022-06"), auto("delivery_rate")).value is None


def test_a_zero_target_is_undefined_not_infinite() -> None:
    targets = TARGETS.model_copy(deep=True)
    targets.district_targets[1].started = 0  # 观山湖区 2024
    files = [FileResult("projects/A.yaml", project("A", ("开工", None, "2024-02-01")))]
    ledger = Ledger(Path("."), targets, CRITERIA, Registry(targets, CRITERIA), files)
    result = compute(
        Scope(ledger, "观山湖区", AssessmentMonth.of("2024-06", D("2024-06-30")), ledger.projects),
        auto("start_rate"),
    )
    assert result.value is None


# ---------------------------------------------------------------- schedule and problems


def test_milestones_on_time() -> None:
    projects = [
        project(
            "A",
            ("开工", "2023-05-01", "2023-05-20"),  # late, but settled last year: not counted
            ("交付使用", "2024-03-31", "2024-03-31"),  # on time (on the day)
        ),
        project(
            "B",
            ("开工", "2023-11-30", "2024-01-10"),  # due last year, done this year: late
            ("交付使用", "2024-06-30", None),  # due on the cut-off, not done: not late yet
        ),
        project(
            "C", ("开工", "2024-05-01", "2024-04-20"), ("交付使用", "2024-07-31", None)
        ),  # early; not due
        project("E", ("开工", "2023-10-01", None)),  # open since last year: late
        project("F", ("开工", None, "2024-01-01")),  # no planned date: not measured
    ]
    result = compute(scope(projects, as_of="2024-06-30"), auto("milestones_on_time"))
    assert (result.numerator, result.denominator) == (2, 4)
    assert causes(result) == [("B", "开工"), ("E", "开工")]
    assert "晚 41 天" in result.causes[0].detail and "逾期 273 天" in result.causes[1].detail
    assert result.failing_projects == 2
    # 0.5 / 0.9 of 5 points
    assert apply_rule(auto("milestones_on_time", threshold=0.9), 5, result.value, 2) == 2.78
    # a day later the delivery due on 2024-06-30 is late
    july = compute(scope(projects, month="2024-07", as_of="2024-07-01"), auto("milestones_on_time"))
    assert (july.numerator, july.denominator) == (2, 5) and ("B", "交付使用") in causes(july)


def test_problems_closed_on_time() -> None:
    def problem(pid: str, raised: str, due: str | None, closed: str | None) -> Problem:
        return Problem(
            id=pid,
            text=f"问题{pid}",
            category="建设手续",
            department="市住建局",
            raised=D(raised),
            due=D(due) if due else None,
            closed=D(closed) if closed else None,
        )

    projects = [
        project(
            "A",
            problems=[
                problem("P1", "2023-10-01", "2023-12-31", "2023-12-20"),  # settled last year
                problem("P2", "2023-10-01", "2023-12-31", None),  # open since last year: late
                problem("P3", "2024-01-10", "2024-03-31", "2024-03-30"),  # on time
                problem("P4", "2024-01-10", "2024-05-31", "2024-06-10"),  # closed late
                problem("P5", "2024-05-01", "2024-07-31", None),  # not due
                problem("P6", "2024-05-01", None, None),  # no deadline: not measured
                problem("P7", "2024-06-01", "2024-06-30", None),  # due on the cut-off: not overdue yet
                problem("P8", "2024-06-01", "2024-06-30", "2024-06-30"),  # closed on its deadline: on time
            ],
        )
    ]
    result = compute(scope(projects, as_of="2024-06-30"), auto("problems_closed_on_time"))
    assert (result.numerator, result.denominator) == (2, 4)
    assert causes(result) == [("A", "P2"), ("A", "P4")]
    assert result.causes[0].department == "市住建局" and "未办结（逾期 182 天）" in result.causes[0].detail
    assert "2024-06-10 办结（晚 10 天）" in result.causes[1].detail
    assert result.failing_projects == 1


# ---------------------------------------------------------------- ledger quality


FULL = {
    "owner": "某公司",
    "responsible_person": "张某",
    "contact": "0851-1",
    "address": "某路",
    "floor_area_m2": 1000.0,
    "small_units": 100,
    "funding": {"total_wan": 100.0},
    "progress": "在建",
    "updated": D("2024-06-01"),
}


def test_ledger_complete_requires_operations_fields_only_once_delivered() -> None:
    plan = (("开工", "2024-01-01", "2024-01-01"), ("交付使用", "2024-05-31", None))
    delivered = (("开工", "2023-01-01", "2023-01-01"), ("交付使用", "2024-05-31", "2024-05-31"))
    projects = [
        project("A", *plan, **FULL),  # complete while not delivered
        project("B", *delivered, **FULL),  # delivered: operator, rents and leased units now required
        project(
            "C", ("开工", "2024-01-01", None), **{**FULL, "contact": None}
        ),  # no contact, no delivery plan
        project("E", *plan, **{**FULL, "plan_year": 2025, "owner": None}),  # a later plan year: not yet due
    ]
    result = compute(scope(projects, as_of="2024-06-30"), auto("ledger_complete", "deduct_per", k=0.5))
    assert (result.numerator, result.denominator) == (1, 3)
    by_project = {c.project: c.detail for c in result.causes}
    assert by_project == {
        "B": "台账缺：运营单位、租金、同地段市场租金、已出租套数",
        "C": "台账缺：联系电话、启动、交付节点计划日期",
    }
    assert apply_rule(auto("ledger_complete", "deduct_per", k=0.5), 5, result.value, 2) == 4.0
    only_contact = compute(scope(projects, as_of="2024-06-30"), auto("ledger_complete", fields=["contact"]))
    assert (only_contact.numerator, only_contact.denominator) == (2, 3)


def test_plan_coverage_and_admission() -> None:
    delivered = (("开工", "2023-01-01", "2023-01-01"), ("交付使用", "2024-05-31", "2024-05-31"))
    projects = [
        project("A", *delivered, operations={"admission": "新市民"}),
        project("B", *delivered),  # delivered, admission not stated
        project("C", ("开工", "2024-01-01", None)),  # no delivery date planned
    ]
    coverage = compute(scope(projects, as_of="2024-06-30"), auto("plan_coverage"))
    assert (coverage.numerator, coverage.denominator) == (2, 3) and causes(coverage) == [("C", None)]
    admission = compute(scope(projects, as_of="2024-06-30"), auto("admission_set"))
    assert (admission.numerator, admission.denominator) == (1, 2) and causes(admission) == [("B", None)]


def test_certificate_due_at_start_for_conversion_and_at_delivery_for_university() -> None:
    certificate = {"no": "测认1号", "date": D("2024-03-01")}
    projects = [
        # conversion: 取得认定书 comes before 改造开工, so the certificate is due at the start
        project("A", ("改造开工", None, "2024-04-01"), supply_type="conversion"),  # started, none: fails
        project("B", ("改造开工", None, "2024-04-01"), supply_type="conversion", certificate=certificate),
        project("C", ("改造开工", "2024-09-01", None), supply_type="conversion"),  # not started: not due
        # university: the certificate comes after signing, so it is due at delivery
        project("E", ("签订归集协议", None, "2024-02-01"), supply_type="university"),  # started only
        project(
            "F",
            ("签订归集协议", None, "2024-02-01"),
            ("投入运营", None, "2024-06-01"),
            supply_type="university",
            certificate={"no": "测认2号", "date": D("2024-07-10")},  # dated after the cut-off
        ),
        project(
            "G",
            ("签订归集协议", None, "2024-02-01"),
            ("投入运营", None, "2024-06-01"),
            supply_type="university",
            certificate={"no": "测认3号"},  # no date: held
        ),
        project("H", ("开工", None, "2024-01-01"), ("交付使用", None, "2024-05-01")),  # new_build: not listed
    ]
    result = compute(scope(projects, as_of="2024-06-30"), auto("certificate_rate", "deduct_per", k=2))
    assert (result.numerator, result.denominator) == (2, 4)
    assert causes(result) == [("A", None), ("F", None)]
    assert "已启动建设，未取得项目认定书" in result.causes[0].detail
    assert "认定书日期 2024-07-10 晚于 2024-06-30" in result.causes[1].detail
    assert apply_rule(auto("certificate_rate", "deduct_per", k=2), 5, result.value, 2) == 1.0
    # a city may list other types: new_build has no certificate milestone, so it is due at delivery
    new_build = compute(
        scope(projects, as_of="2024-06-30"), auto("certificate_rate", supply_types=["new_build"])
    )
    assert (new_build.numerator, new_build.denominator) == (0, 1)


def test_nothing_to_certify_is_undefined() -> None:
    assert compute(scope([project("A")]), auto("certificate_rate")).value is None


# ---------------------------------------------------------------- operations


def test_small_unit_share() -> None:
    projects = [
        project("A", units=1000, small_units=900),
        project("B", units=500, small_units=200),  # 40% < 70%: named
        project("C", units=500),  # not filled: counts as none
        project("E", units=800, small_units=0, plan_year=2025),  # later plan year: not counted
    ]
    result = compute(scope(projects), auto("small_unit_share", "threshold", threshold=0.7))
    assert (result.numerator, result.denominator) == (1100, 2000)
    assert causes(result) == [("B", None), ("C", None)]
    assert apply_rule(auto("small_unit_share", "threshold", threshold=0.7), 5, result.value, 2) == 0.0
    assert apply_rule(auto("small_unit_share", "threshold", threshold=0.55), 5, result.value, 2) == 5.0


def test_rent_below_market_and_occupancy() -> None:
    delivered = (("开工", None, "2023-01-01"), ("交付使用", None, "2024-03-01"))
    projects = [
        project(
            "A",
            *delivered,
            units=100,
            operations={"rent_yuan_m2": 20.0, "market_rent_yuan_m2": 25.0, "leased_units": 95},
        ),
        project(
            "B",
            *delivered,
            units=100,
            operations={"rent_yuan_m2": 25.0, "market_rent_yuan_m2": 25.0, "leased_units": 60},
        ),
        project("C", *delivered, units=200, operations={"leased_units": 150}),  # rents not filled
        project("E", *delivered, units=100),  # nothing filled
        project(
            "F", ("开工", None, "2023-01-01"), units=500, operations={"rent_yuan_m2": 99.0}
        ),  # not delivered
    ]
    rent = compute(scope(projects, as_of="2024-06-30"), auto("rent_below_market", "deduct_per"))
    assert (rent.numerator, rent.denominator) == (1, 4)
    assert causes(rent) == [("B", None), ("C", None), ("E", None)]
    assert "不低于同地段市场租金 25" in rent.causes[0].detail
    assert apply_rule(auto("rent_below_market", "deduct_per", k=1), 5, rent.value, 3) == 2.0
    occupancy = compute(scope(projects, as_of="2024-06-30"), auto("occupancy", threshold=0.9))
    assert (occupancy.numerator, occupancy.denominator) == (95 + 60 + 150, 500)
    assert causes(occupancy) == [("B", None), ("C", None), ("E", None)]  # 60%, 75%, not filled
    # 0.61 / 0.9 of 5 points
    assert apply_rule(auto("occupancy", threshold=0.9), 5, occupancy.value, 3) == 3.39


def test_operations_before_any_delivery_are_undefined() -> None:
    projects = [project("A", ("开工", None, "2024-01-01"))]
    for metric in ("rent_below_market", "occupancy", "admission_set"):
        assert compute(scope(projects), auto(metric)).value is None


def test_operations_metrics_give_new_projects_a_grace_period_and_use_the_rent_ceiling() -> None:
    criteria = CRITERIA.model_copy(deep=True)
    criteria.settings.operations_grace_days = 90
    criteria.settings.rent_ceiling_ratio = 0.9

    def delivered(day: str) -> tuple[tuple[str, None, str], ...]:
        return (("开工", None, "2023-01-01"), ("交付使用", None, day))

    a_rents = {"rent_yuan_m2": 20.0, "market_rent_yuan_m2": 25.0, "leased_units": 50}
    c_rents = {"rent_yuan_m2": 23.0, "market_rent_yuan_m2": 25.0, "leased_units": 10, "admission": "新市民"}
    projects = [
        project("A", *delivered("2024-01-01"), operations=a_rents),  # 181 days: rent 0.8 < 0.9; no admission
        project("B", *delivered("2024-05-01")),  # 60 days, nothing reported: within the grace period
        project("C", *delivered("2024-06-01"), operations=c_rents),  # 29 days: rent 0.92 reported, over 0.9
    ]
    june = scope(projects, as_of="2024-06-30", criteria=criteria)
    rent = compute(june, auto("rent_below_market", "deduct_per"))
    assert (rent.numerator, rent.denominator) == (1, 2) and causes(rent) == [("C", None)]
    assert "× 0.9" in rent.causes[0].detail
    occupancy = compute(june, auto("occupancy"))  # only A is past the grace period
    assert (occupancy.numerator, occupancy.denominator) == (50, 100)
    assert "交付超过 90 天" in occupancy.summary
    admission = compute(june, auto("admission_set"))
    assert (admission.numerator, admission.denominator) == (1, 2) and causes(admission) == [("A", None)]
    # 2024-08-31: B (122 days) and C (91 days) are past the grace period; B's silence now counts
    august = scope(projects, month="2024-08", as_of="2024-08-31", criteria=criteria)
    rent = compute(august, auto("rent_below_market"))
    assert (rent.numerator, rent.denominator) == (1, 3) and causes(rent) == [("B", None), ("C", None)]
    occupancy = compute(august, auto("occupancy"))
    assert (occupancy.numerator, occupancy.denominator) == (60, 300)
