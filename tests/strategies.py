"""Hypothesis strategies: random in-memory ledgers over tests/data/base (milestones with planned and
actual dates, problems with raised/due/closed dates), for the invariants of the reports."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from hypothesis import strategies as st
from ruamel.yaml import YAML

from baozufang_cli.ledger.registry import FileResult, Ledger, Registry
from baozufang_cli.models import Criteria, Milestone, Problem, Project, Targets
from tests.conftest import DATA

_yaml = YAML(typ="safe", pure=True)
TARGETS = Targets.model_validate(_yaml.load((DATA / "base" / "targets.yaml").read_text(encoding="utf-8")))
CRITERIA = Criteria.model_validate(_yaml.load((DATA / "base" / "criteria.yaml").read_text(encoding="utf-8")))
for _target in TARGETS.district_targets:  # the loader canonicalises target districts (南明 → 南明区)
    _target.district = Registry(TARGETS, CRITERIA).district(_target.district)
REGISTRY = Registry(TARGETS, CRITERIA)
DAY0 = date(2023, 1, 1)
SPAN = 1000  # days: 2023-01-01 .. 2025-09-27, across the target years 2024 and 2025

days = st.integers(0, SPAN).map(lambda d: DAY0 + timedelta(days=d))
DEPARTMENTS = ["市住建局", "市财政局", "市消防救援支队"]


@st.composite
def problems(draw: st.DrawFn, index: int) -> Problem:
    raised = draw(days)
    due = draw(st.none() | st.integers(0, 200).map(lambda d: raised + timedelta(days=d)))
    closed = draw(st.none() | st.integers(0, 300).map(lambda d: raised + timedelta(days=d)))
    return Problem(
        id=f"P{index}",
        text="问题",
        category=draw(st.sampled_from(CRITERIA.problem_categories)),
        department=draw(st.sampled_from(DEPARTMENTS)),
        raised=raised,
        due=due,
        closed=closed,
    )


@st.composite
def projects(draw: st.DrawFn, index: int) -> Project:
    supply_type = draw(st.sampled_from(CRITERIA.supply_types))
    milestones = []
    latest = DAY0
    for spec in supply_type.milestones:  # actual dates in order, as `bzf check` requires
        if draw(st.booleans()):
            planned = draw(st.none() | days)
            actual = None
            if draw(st.booleans()):
                actual = latest + timedelta(days=draw(st.integers(0, 300)))
                latest = actual
            milestones.append(Milestone(name=spec.name, planned=planned, actual=actual))
    count = draw(st.integers(0, 3))
    return Project(
        id=f"P-{index:03d}",
        name=f"项目{index}",
        district=draw(st.sampled_from([d.name for d in TARGETS.districts])),
        supply_type=supply_type.key,
        units=draw(st.integers(1, 5000)),
        plan_year=draw(st.integers(2023, 2025)),
        tags=draw(st.sampled_from([[], ["人才租赁住房"]])),
        milestones=draw(st.permutations(milestones)),  # files list milestones in any order
        problems=[draw(problems(i)) for i in range(count)],
    )


@st.composite
def ledgers(draw: st.DrawFn) -> Ledger:
    count = draw(st.integers(0, 20))
    files = [FileResult(f"projects/P-{i:03d}.yaml", draw(projects(i))) for i in range(count)]
    return Ledger(Path("."), TARGETS, CRITERIA, REGISTRY, files)
