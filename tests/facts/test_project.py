"""progress.py: the per-project facts every report shares."""

from __future__ import annotations

from datetime import date, timedelta
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baozufang_cli.facts.dates import month_start, year_end
from baozufang_cli.facts.project import (
    DELIVERED,
    NOT_STARTED,
    STARTED,
    MilestoneState,
    ProblemState,
    facts_delivered,
    facts_started,
    is_delivered,
    is_started,
    project_progress,
)
from baozufang_cli.ledger.registry import Ledger
from baozufang_cli.models import Milestone, Problem, Project
from tests.strategies import DAY0, REGISTRY, ledgers

D = date(2024, 6, 30)


def project(*milestones: Milestone, problems: tuple[Problem, ...] = ()) -> Project:
    return Project(
        id="X-1",
        name="测试项目",
        district="观山湖区",
        supply_type="new_build",
        units=100,
        plan_year=2024,
        milestones=list(milestones),
        problems=list(problems),
    )


def test_milestone_state_as_of_a_date() -> None:
    on_day = MilestoneState("开工", 2, date(2024, 6, 1), D, D)
    assert on_day.done and on_day.actual == D and on_day.late and on_day.days_late == 29
    after = MilestoneState("开工", 2, date(2024, 6, 1), D + timedelta(days=1), D)
    assert not after.done and after.actual is None and after.overdue and after.days_overdue == 29
    assert not after.late  # not done as of D, so not "completed late" either
    due_today = MilestoneState("开工", 2, D, None, D)
    assert not due_today.overdue and due_today.days_overdue is None
    assert due_today.due_within(0) and not MilestoneState("开工", 2, D + timedelta(1), None, D).due_within(0)
    unplanned = MilestoneState("开工", 2, None, None, D)
    assert not unplanned.overdue and not unplanned.due_within(365)


def test_stage_next_and_status() -> None:
    progress = project_progress(
        REGISTRY,
        project(
            Milestone(name="交付使用", planned=date(2025, 6, 30)),  # listed out of order on purpose
            Milestone(name="开工", planned=date(2024, 3, 1), actual=date(2024, 3, 5)),
            Milestone(name="立项", actual=date(2023, 12, 1)),
        ),
        D,
    )
    assert [m.name for m in progress.milestones] == ["立项", "开工", "交付使用"]
    assert progress.stage is not None and progress.stage.name == "开工"
    assert progress.next is not None and (progress.next.name, progress.next.planned) == (
        "交付使用",
        date(2025, 6, 30),
    )
    assert progress.status == STARTED and progress.is_started and not progress.is_delivered
    assert not progress.is_overdue


def test_next_falls_back_to_the_standard_sequence() -> None:
    progress = project_progress(REGISTRY, project(Milestone(name="立项", actual=date(2024, 1, 1))), D)
    assert progress.next is not None
    assert (progress.next.name, progress.next.planned, progress.next.listed) == ("施工许可", None, False)
    assert progress.start is None and progress.status == NOT_STARTED
    empty = project_progress(REGISTRY, project(), D)
    assert empty.stage is None and empty.next is not None and empty.next.name == "立项"
    delivered = project_progress(REGISTRY, project(Milestone(name="开工", actual=date(2023, 1, 1)),
                                                   Milestone(name="交付使用", actual=date(2024, 1, 1))), D)  # fmt: skip
    assert delivered.status == DELIVERED and delivered.next is None


def test_a_skipped_milestone_is_overdue_and_marked() -> None:
    progress = project_progress(
        REGISTRY,
        project(
            Milestone(name="施工许可", planned=date(2024, 1, 1)),
            Milestone(name="开工", planned=date(2024, 2, 1), actual=date(2024, 2, 1)),
        ),
        D,
    )
    permit = progress.milestone("施工许可")
    assert permit is not None and permit.overdue and progress.skipped(permit) and progress.is_overdue


def test_problem_state() -> None:
    problem = Problem(id="P1", text="x", category="建设手续", department="市住建局",
                      raised=date(2024, 6, 1), due=date(2024, 6, 20), closed=date(2024, 7, 2))  # fmt: skip
    state = ProblemState(problem, D)
    assert state.exists and state.is_open and state.is_overdue and state.days_overdue == 10
    assert state.days_open == 29 and state.days_to_close is None
    closed = ProblemState(problem, date(2024, 7, 2))
    assert closed.is_closed and not closed.is_open and closed.days_to_close == 31
    assert closed.closed_within(date(2024, 7, 1)) and not closed.closed_within(date(2024, 7, 3))
    assert not ProblemState(problem, date(2024, 5, 31)).exists
    progress = project_progress(REGISTRY, project(problems=(problem,)), date(2024, 5, 31))
    assert progress.problems == [] and progress.open_problems == []


def test_date_helpers() -> None:
    assert month_start(D) == date(2024, 6, 1) and year_end(2024) == date(2024, 12, 31)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers(), st.integers(0, 1000).map(lambda d: DAY0 + timedelta(days=d)))
def test_progress_agrees_with_the_ledger_and_the_status_report(ledger: Ledger, as_of: date) -> None:
    for item in ledger.valid_projects():
        progress = project_progress(ledger.registry, item, as_of)
        assert progress.is_started == is_started(ledger, item, as_of)
        assert progress.is_delivered == is_delivered(ledger, item, as_of)
        done = [m for m in progress.milestones if m.done]
        assert progress.stage == (done[-1] if done else None)
        if progress.next is not None:
            assert not progress.next.done
            assert progress.stage is None or progress.next.position > progress.stage.position
        assert progress.is_overdue == any(m.overdue for m in progress.milestones)


def test_money_received_after_the_day_had_not_arrived_on_it() -> None:
    from baozufang_cli.facts import records
    from baozufang_cli.facts.project import funding_as_of, project_funding_as_of

    early = records.FundingSource("中央补助资金", 3000.0, 3000.0, date(2024, 3, 1), None)
    late = records.FundingSource("银行贷款", 5000.0, 4000.0, date(2024, 8, 1), None)
    undated = records.FundingSource("企业自筹", 100.0, 80.0, None, None)
    funding = records.Funding(9000.0, None, [early, late, undated])
    known = funding_as_of(funding, D)
    assert known is not None
    assert known.sources == [early, late._replace(received_wan=0.0, received_on=None), undated]
    assert funding_as_of(funding, date(2024, 8, 1)) is funding  # nothing later: the same object
    assert funding_as_of(None, D) is None
    model = project()
    assert project_funding_as_of(records.from_model(records.Project, model), D).funding is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers(), st.integers(0, 1000).map(lambda d: DAY0 + timedelta(days=d)))
def test_the_cached_facts_answer_as_the_records_do(ledger: Ledger, as_of: date) -> None:
    for facts in ledger.valid_facts():
        record = ledger.project_of(facts)
        assert facts_started(facts, as_of) == is_started(ledger, record, as_of)
        assert facts_delivered(facts, as_of) == is_delivered(ledger, record, as_of)
        dates = [m.actual for m in record.milestones] + [p.closed for p in record.problems]
        dates += [s.received_on for s in record.funding.sources] if record.funding else []
        after = any(d is not None and d > as_of for d in dates)
        assert (facts.latest is not None and facts.latest > as_of) == after  # check's date rule


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers(), st.integers(0, 1000).map(lambda d: DAY0 + timedelta(days=d)))
def test_gap_and_its_forecast_from_facts_equal_them_from_the_full_records(
    ledger: Ledger, as_of: date
) -> None:
    from baozufang_cli.reports.gap import gap_report

    years = [as_of.year - 1, as_of.year, as_of.year + 1]
    from_facts = gap_report(ledger, as_of, years).data

    def full(registry: object, facts: list, day: date) -> list:
        return [project_progress(ledger.registry, ledger.project_of(f), day) for f in facts]

    with mock.patch("baozufang_cli.reports.gap.facts_progresses", full):
        assert gap_report(ledger, as_of, years).data == from_facts
