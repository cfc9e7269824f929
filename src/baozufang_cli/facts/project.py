"""Per-project facts as of a date: the one place every report reads them from.

Gap, overdue, problems and the 台账 view use these; so will the Excel export, the weekly and
monthly reports and scoring. Everything here is a pure function of a project, the registry
and the as-of date D (docs/format.md "统计口径"):

* a milestone is *done* as of D when its actual date is set and not after D — an actual date
  after D is treated as unknown on D (``MilestoneState.actual`` is ``None``);
* a milestone is *overdue* as of D when it has a planned date before D and is not done;
* a problem exists from the day it is raised; it is *open* until its closing date (a closing
  date after D is not yet known on D) and *overdue* when open past its due date;
* a funding source's received amount counts as of D unless its receipt date (``received_on``)
  is after D: then the money had not arrived on D and counts as 0 (``funding_as_of``).

Heavy imports stay out: only types are imported for type checking, so a command can import
this module (or a report built on it) while building ``--help``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    from baozufang_cli.facts.records import Funding, Milestone, Problem, Project, ProjectFacts
    from baozufang_cli.ledger.registry import Ledger, Registry

ProjectStatus = Literal["未启动", "已启动", "已交付"]
NOT_STARTED: Final = "未启动"
STARTED: Final = "已启动"
DELIVERED: Final = "已交付"


def done_by(actual: date | None, as_of: date) -> bool:
    """THE definition of done: an actual date is set and is not after the as-of date."""
    return actual is not None and actual <= as_of


def milestone_done(milestone: Milestone | None, as_of: date) -> bool:
    return milestone is not None and done_by(milestone.actual, as_of)


def is_started(ledger: Ledger, project: Project, as_of: date) -> bool:
    """启动建设 as of ``as_of``: the supply type's start milestone is done."""
    return milestone_done(ledger.start_milestone(project), as_of)


def is_delivered(ledger: Ledger, project: Project, as_of: date) -> bool:
    """建成交付 as of ``as_of``: the supply type's delivery milestone is done."""
    return milestone_done(ledger.delivered_milestone(project), as_of)


def facts_started(facts: ProjectFacts, as_of: date) -> bool:
    """``is_started`` over a project's cached facts (the same milestone, the same rule)."""
    return done_by(facts.start_actual, as_of)


def facts_delivered(facts: ProjectFacts, as_of: date) -> bool:
    """``is_delivered`` over a project's cached facts."""
    return done_by(facts.delivered_actual, as_of)


def project_facts(registry: Registry, project: Project, path: str) -> ProjectFacts:
    """The facts most reports need of ``project`` (``records.ProjectFacts``), taken once when the
    file is loaded: the dates of the start and delivery milestones its supply type names (none
    for a type the registry does not know: such a file has errors and is not reported), and
    its latest date."""
    from baozufang_cli.facts.records import ProjectFacts

    spec = registry.supply_types.get(project.supply_type)
    start = None if spec is None else project.milestone(spec.start_milestone)
    delivered = None if spec is None else project.milestone(spec.delivered_milestone)
    dates = [m.actual for m in project.milestones]
    dates += [p.closed for p in project.problems]
    dates += [s.received_on for s in project.funding.sources] if project.funding else []
    return ProjectFacts(
        path,
        project.id,
        project.district,
        project.supply_type,
        project.plan_year,
        project.units,
        project.tags,
        None if start is None else start.planned,
        None if start is None else start.actual,
        None if delivered is None else delivered.planned,
        None if delivered is None else delivered.actual,
        max((d for d in dates if d is not None), default=None),
    )


@dataclass(frozen=True, slots=True)
class MilestoneState:
    """One milestone of a project as of ``as_of``."""

    name: str  # the standard name
    position: int  # index in the supply type's standard sequence
    planned: date | None
    recorded_actual: date | None  # the actual date as written in the file, possibly after as_of
    as_of: date
    listed: bool = True  # False for a standard milestone the project file does not list
    # done as of ``as_of`` (``done_by``): read many times by every report, so worked out once
    done: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "done", done_by(self.recorded_actual, self.as_of))

    @property
    def actual(self) -> date | None:
        """The actual date when the milestone is done as of ``as_of``; ``None`` otherwise."""
        return self.recorded_actual if self.done else None

    @property
    def overdue(self) -> bool:
        return self.planned is not None and self.planned < self.as_of and not self.done

    @property
    def days_overdue(self) -> int | None:
        """``as_of − planned`` for an overdue milestone; ``None`` otherwise."""
        if not self.overdue:
            return None
        assert self.planned is not None
        return (self.as_of - self.planned).days

    def due_within(self, days: int) -> bool:
        """Not done and planned within ``[as_of, as_of + days]`` (upcoming, never overdue)."""
        return (
            not self.done
            and self.planned is not None
            and self.as_of <= self.planned <= self.as_of + timedelta(days=days)
        )

    @property
    def late(self) -> bool:
        """Done as of ``as_of``, but after its planned date."""
        return (
            self.done
            and self.planned is not None
            and self.recorded_actual is not None
            and (self.recorded_actual > self.planned)
        )

    @property
    def days_late(self) -> int | None:
        if not self.late:
            return None
        assert self.recorded_actual is not None and self.planned is not None
        return (self.recorded_actual - self.planned).days


@dataclass(frozen=True, slots=True)
class ProjectProgress:
    """A project's schedule as of ``as_of``: milestones in standard order, stage, status."""

    project: Project
    as_of: date
    milestones: tuple[MilestoneState, ...]  # the milestones the file lists, in standard order
    start_name: str  # the supply type's 启动建设 milestone
    delivered_name: str  # the supply type's 建成交付 milestone
    following: tuple[str, ...]  # the standard sequence, to name a next milestone the file omits
    # the 启动建设 and 建成交付 milestones, or ``None`` when the file does not list them (found once)
    start: MilestoneState | None = field(init=False, repr=False, compare=False)
    delivered: MilestoneState | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", self.milestone(self.start_name))
        object.__setattr__(self, "delivered", self.milestone(self.delivered_name))

    def milestone(self, name: str) -> MilestoneState | None:
        for state in self.milestones:
            if state.name == name:
                return state
        return None

    @property
    def is_started(self) -> bool:
        return self.start is not None and self.start.done

    @property
    def is_delivered(self) -> bool:
        return self.delivered is not None and self.delivered.done

    @property
    def status(self) -> ProjectStatus:
        if self.is_delivered:
            return DELIVERED
        return STARTED if self.is_started else NOT_STARTED

    @property
    def stage(self) -> MilestoneState | None:
        """The current stage: the last milestone (in standard order) done as of ``as_of``."""
        done = [state for state in self.milestones if state.done]
        return done[-1] if done else None

    @property
    def next(self) -> MilestoneState | None:
        """The next milestone after the current stage.

        The first milestone the file lists after the stage (its planned date is the schedule);
        when the file lists none, the next milestone of the standard sequence, without a
        planned date. ``None`` once the last standard milestone is done.
        """
        after = self.stage.position if self.stage is not None else -1
        for state in self.milestones:
            if state.position > after:
                return state
        if after + 1 < len(self.following):
            return MilestoneState(self.following[after + 1], after + 1, None, None, self.as_of, listed=False)
        return None

    @property
    def overdue_milestones(self) -> list[MilestoneState]:
        return [state for state in self.milestones if state.overdue]

    @property
    def is_overdue(self) -> bool:
        """The 逾期 flag: at least one milestone is overdue as of ``as_of``."""
        return any(state.overdue for state in self.milestones)

    def skipped(self, state: MilestoneState) -> bool:
        """A not-done milestone with a later milestone already done: most likely an actual date
        the file forgot, so reports can tell "fill in the date" from real slippage."""
        return not state.done and self.stage is not None and self.stage.position > state.position

    @property
    def problems(self) -> list[ProblemState]:
        """The project's problems that exist as of ``as_of`` (raised on or before it)."""
        states = [ProblemState(problem, self.as_of) for problem in self.project.problems]
        return [state for state in states if state.exists]

    @property
    def open_problems(self) -> list[ProblemState]:
        return [state for state in self.problems if state.is_open]

    @property
    def overdue_problems(self) -> list[ProblemState]:
        return [state for state in self.problems if state.is_overdue]


def project_progress(registry: Registry, project: Project, as_of: date) -> ProjectProgress:
    """The facts of ``project`` as of ``as_of`` (milestone names must be canonical, as loaded)."""
    supply_type = registry.type_of(project)
    order = registry.milestone_order(supply_type.key)
    states = sorted(
        (
            MilestoneState(m.name, order[m.name], m.planned, m.actual, as_of)
            for m in project.milestones
            if m.name in order  # files with unknown milestones have errors and are not reported
        ),
        key=lambda state: state.position,
    )
    return ProjectProgress(
        project=project,
        as_of=as_of,
        milestones=tuple(states),
        start_name=supply_type.start_milestone,
        delivered_name=supply_type.delivered_milestone,
        following=tuple(spec.name for spec in supply_type.milestones),
    )


def facts_progresses(registry: Registry, facts: Iterable[ProjectFacts], as_of: date) -> list[ProjectProgress]:
    """``project_progress`` of many projects from their cached facts, for the reports that read
    only the start and delivery milestones and the project's id, district, supply type, plan year,
    units and tags (``bzf gap`` and the forecast it includes): no full record is rebuilt.

    Each progress lists just those two milestones, and ``project`` is the ``ProjectFacts``; a
    milestone the file does not list is a state without dates, which those reports count the
    same as no state (tests/facts/test_project.py holds gap and its forecast to the result over
    the full records)."""
    out: list[ProjectProgress] = []
    per_type: dict[str, tuple[str, int, str, int, tuple[str, ...]]] = {}
    for project in facts:
        found = per_type.get(project.supply_type)
        if found is None:
            spec = registry.supply_types[project.supply_type]
            order = registry.milestone_order(spec.key)
            following = tuple(s.name for s in spec.milestones)
            start, delivered = spec.start_milestone, spec.delivered_milestone
            found = per_type[project.supply_type] = (
                start,
                order[start],
                delivered,
                order[delivered],
                following,
            )
        start, start_at, delivered, delivered_at, following = found
        states = (
            MilestoneState(start, start_at, project.start_planned, project.start_actual, as_of),
            MilestoneState(
                delivered, delivered_at, project.delivered_planned, project.delivered_actual, as_of
            ),
        )
        out.append(
            ProjectProgress(
                project=project,  # type: ignore[arg-type]  # the fields named above, as the record has them
                as_of=as_of,
                milestones=states if start_at <= delivered_at else states[::-1],
                start_name=start,
                delivered_name=delivered,
                following=following,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class ProblemState:
    """One problem (问题清单 item) as of ``as_of``."""

    problem: Problem
    as_of: date

    @property
    def exists(self) -> bool:
        return self.problem.raised <= self.as_of

    @property
    def is_closed(self) -> bool:
        return self.problem.closed is not None and self.problem.closed <= self.as_of

    @property
    def is_open(self) -> bool:
        return self.exists and not self.is_closed

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.problem.due is not None and self.problem.due < self.as_of

    @property
    def days_overdue(self) -> int | None:
        if not self.is_overdue:
            return None
        assert self.problem.due is not None
        return (self.as_of - self.problem.due).days

    @property
    def days_open(self) -> int | None:
        """Days since raised, for an open problem."""
        return (self.as_of - self.problem.raised).days if self.is_open else None

    @property
    def days_to_close(self) -> int | None:
        """Closing date − raised date, for a problem closed as of ``as_of``."""
        if not self.is_closed:
            return None
        assert self.problem.closed is not None
        return (self.problem.closed - self.problem.raised).days

    def closed_within(self, start: date) -> bool:
        """Closed on or after ``start`` and on or before ``as_of``."""
        return self.is_closed and self.problem.closed is not None and self.problem.closed >= start


def _received_later(source_received_on: date | None, as_of: date) -> bool:
    return source_received_on is not None and source_received_on > as_of


def funding_as_of(funding: Funding | None, as_of: date) -> Funding | None:
    """``funding`` as known on ``as_of``: a source whose receipt date is after the day had not
    arrived then — its received amount is 0 and its date unknown. The same object when nothing changes."""
    if funding is None or not any(_received_later(s.received_on, as_of) for s in funding.sources):
        return funding
    sources = [
        s._replace(received_wan=0.0, received_on=None) if _received_later(s.received_on, as_of) else s
        for s in funding.sources
    ]
    return funding._replace(sources=sources)


def project_funding_as_of(project: Project, as_of: date) -> Project:
    """``project`` with its funding as known on ``as_of`` (``funding_as_of``)."""
    funding = funding_as_of(project.funding, as_of)
    return project if funding is project.funding else project._replace(funding=funding)
