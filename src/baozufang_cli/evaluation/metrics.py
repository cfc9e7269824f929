"""Evaluation metrics: what the ledger proves about one district in one month. Pure functions.

Every metric answers for a ``Scope`` (a district, its valid projects, the assessment year and the
cut-off date) and returns a ``MetricResult``: the value (a 0–1 ratio, ``None`` when there is
nothing to measure), the numbers behind it, a sentence saying so, and the ``Cause``s — the
projects, milestones and problems that cost points, each with its responsible unit.

Time window: the cut-off is the month's last day (or the as-of date if earlier); the year is the
month's calendar year. Targets are annual, so start/delivery rates compare the year to date with
the whole year's target.
"""

from __future__ import annotations

from collections.abc import Callable

from baozufang_cli.evaluation import operations_metrics as operations
from baozufang_cli.evaluation.scheme import DEFAULT_CERTIFICATE_TYPES
from baozufang_cli.evaluation.scope import LEDGER_FIELDS, MetricResult, Scope, cause_for, ratio_of
from baozufang_cli.facts.project import ProblemState, is_delivered, is_started, project_progress
from baozufang_cli.facts.records import AutoScoring, Project
from baozufang_cli.ledger.registry import Ledger

# ---------------------------------------------------------------- targets


def _target_rate(scope: Scope, started: bool) -> MetricResult:
    period = scope.period
    word = "启动建设" if started else "建成交付"
    achieved = 0
    causes = []
    for project in scope.projects:
        progress = project_progress(scope.ledger.registry, project, period.cutoff)
        state = progress.start if started else progress.delivered
        if state is not None and state.actual is not None:  # done as of the cut-off
            if state.actual >= period.start:
                achieved += project.units
        elif state is not None and state.overdue:
            # planned before the cut-off, not done: the units this project owes to the year's target
            detail = f"{state.name} 计划 {state.planned}，未完成（逾期 {state.days_overdue} 天），{project.units:,} {project.unit_kind}"
            causes.append(cause_for(project, detail, milestone=state.name))
    target = scope.target()
    goal = (target.started if started else target.delivered) if target else 0
    if not goal:
        summary = f"无 {period.year} 年{word}目标；当年已{word} {achieved:,} 套"
        return MetricResult(None, achieved, 0, summary, tuple(causes))
    summary = f"{period.year} 年已{word} {achieved:,} 套 / 年度目标 {goal:,} 套"
    return MetricResult(achieved / goal, achieved, goal, summary, tuple(causes))


def start_rate(scope: Scope, auto: AutoScoring) -> MetricResult:
    return _target_rate(scope, started=True)


def delivery_rate(scope: Scope, auto: AutoScoring) -> MetricResult:
    return _target_rate(scope, started=False)


# ---------------------------------------------------------------- schedule and problems


def milestones_on_time(scope: Scope, auto: AutoScoring) -> MetricResult:
    """Milestones due in the year by the cut-off, plus older ones still open at the start of the year.

    Overdue and late as in ``progress``: due on the cut-off day and not done yet is not late; done
    by then, it counts as on time.
    """
    period = scope.period
    due = on_time = 0
    causes = []
    for project in scope.projects:
        for state in project_progress(scope.ledger.registry, project, period.cutoff).milestones:
            if state.planned is None or state.planned > period.cutoff:
                continue
            if state.planned < period.start and state.actual is not None and state.actual < period.start:
                continue  # settled in an earlier year
            if not state.done and not state.overdue:
                continue  # due today: not late yet
            due += 1
            if state.done and not state.late:
                on_time += 1
                continue
            if state.overdue:
                late = f"未完成（逾期 {state.days_overdue} 天）"
            else:
                late = f"{state.actual} 完成（晚 {state.days_late} 天）"
            detail = f"节点 {state.name} 计划 {state.planned}，{late}"
            causes.append(cause_for(project, detail, milestone=state.name))
    summary = f"到期节点 {due} 个，按期完成 {on_time} 个"
    return MetricResult(ratio_of(on_time, due), on_time, due, summary, tuple(causes))


def problems_closed_on_time(scope: Scope, auto: AutoScoring) -> MetricResult:
    """Problems whose deadline fell in the year by the cut-off, plus older ones still open at its start."""
    period = scope.period
    due = closed = 0
    causes = []
    for project in scope.projects:
        for problem in project.problems:
            state = ProblemState(problem, period.cutoff)
            deadline, closed_on = problem.due, problem.closed if state.is_closed else None
            if deadline is None or deadline > period.cutoff:
                continue
            if deadline < period.start and closed_on is not None and closed_on < period.start:
                continue
            if not state.is_closed and not state.is_overdue:
                continue  # due today: not overdue yet
            due += 1
            if closed_on is not None and closed_on <= deadline:
                closed += 1
                continue
            if closed_on is None:
                late = f"未办结（逾期 {state.days_overdue} 天）"
            else:
                late = f"{closed_on} 办结（晚 {(closed_on - deadline).days} 天）"
            detail = f"问题 {problem.id}（{problem.category}）{problem.text}：时限 {deadline}，{late}"
            causes.append(cause_for(project, detail, problem=problem.id, department=problem.department))
    summary = f"到期问题 {due} 个，按期办结 {closed} 个"
    return MetricResult(ratio_of(closed, due), closed, due, summary, tuple(causes))


# ---------------------------------------------------------------- ledger quality


def _filled(ledger: Ledger, project: Project, key: str) -> bool:
    operations = project.operations
    if key == "funding":
        return project.funding is not None
    if key == "milestone_plan":
        return _has_schedule(ledger, project)
    if key == "rent":
        return operations is not None and operations.rent_yuan_m2 is not None
    if key == "market_rent":
        return operations is not None and operations.market_rent_yuan_m2 is not None
    if key == "leased_units":
        return operations is not None and operations.leased_units is not None
    value = getattr(project, key)
    return value is not None and value != ""


def _has_schedule(ledger: Ledger, project: Project) -> bool:
    start, delivered = ledger.start_milestone(project), ledger.delivered_milestone(project)
    return bool(start and start.planned and delivered and delivered.planned)


def ledger_complete(scope: Scope, auto: AutoScoring) -> MetricResult:
    keys = auto.fields if auto.fields is not None else list(LEDGER_FIELDS)
    projects = scope.in_plan
    complete = 0
    causes = []
    for project in projects:
        delivered = is_delivered(scope.ledger, project, scope.period.cutoff)
        missing = [
            LEDGER_FIELDS[key][0]
            for key in keys
            if key in LEDGER_FIELDS
            and (delivered or not LEDGER_FIELDS[key][1])
            and not _filled(scope.ledger, project, key)
        ]
        if missing:
            causes.append(cause_for(project, "台账缺：" + "、".join(missing)))
        else:
            complete += 1
    summary = f"计划内项目 {len(projects)} 个，台账完整 {complete} 个"
    return MetricResult(ratio_of(complete, len(projects)), complete, len(projects), summary, tuple(causes))


def plan_coverage(scope: Scope, auto: AutoScoring) -> MetricResult:
    projects = scope.in_plan
    covered = 0
    causes = []
    for project in projects:
        if _has_schedule(scope.ledger, project):
            covered += 1
        else:
            causes.append(cause_for(project, "启动或交付节点没有计划日期（未倒排工期）"))
    summary = f"计划内项目 {len(projects)} 个，已倒排工期 {covered} 个"
    return MetricResult(ratio_of(covered, len(projects)), covered, len(projects), summary, tuple(causes))


def certificate_rate(scope: Scope, auto: AutoScoring) -> MetricResult:
    """Projects of the listed types that should hold a certificate (认定书) by the cut-off, and do.

    Where the type's sequence puts a certificate milestone (name containing 认定书) before the start
    milestone, the certificate is due at the start (改建: no works without it); otherwise at delivery.
    """
    ledger, cutoff = scope.ledger, scope.period.cutoff
    types = set(auto.supply_types or DEFAULT_CERTIFICATE_TYPES)
    needed = held = 0
    causes = []
    for project in scope.projects:
        if project.supply_type not in types:
            continue
        due_at_start = _certificate_before_start(ledger, project)
        if not (
            is_started(ledger, project, cutoff) if due_at_start else is_delivered(ledger, project, cutoff)
        ):
            continue
        needed += 1
        certificate = project.certificate
        if certificate is not None and (certificate.date is None or certificate.date <= cutoff):
            held += 1
            continue
        stage = "已启动建设" if due_at_start else "已建成交付"
        detail = f"{stage}，未取得项目认定书"
        if certificate is not None:
            detail = f"{stage}，认定书日期 {certificate.date} 晚于 {cutoff}"
        causes.append(cause_for(project, detail))
    summary = f"应取得认定书的项目 {needed} 个，已取得 {held} 个"
    return MetricResult(ratio_of(held, needed), held, needed, summary, tuple(causes))


def _certificate_before_start(ledger: Ledger, project: Project) -> bool:
    supply_type = ledger.registry.type_of(project)
    names = [spec.name for spec in supply_type.milestones]
    start = names.index(supply_type.start_milestone) if supply_type.start_milestone in names else 0
    return any("认定书" in name for name in names[:start])


def metric_functions() -> dict[str, Callable[[Scope, AutoScoring], MetricResult]]:
    """Metric name → function (operations metrics live in ``metrics_operations``)."""

    return {
        "start_rate": start_rate,
        "delivery_rate": delivery_rate,
        "milestones_on_time": milestones_on_time,
        "problems_closed_on_time": problems_closed_on_time,
        "ledger_complete": ledger_complete,
        "certificate_rate": certificate_rate,
        "small_unit_share": operations.small_unit_share,
        "rent_below_market": operations.rent_below_market,
        "occupancy": operations.occupancy,
        "plan_coverage": plan_coverage,
        "admission_set": operations.admission_set,
    }


def compute(scope: Scope, auto: AutoScoring) -> MetricResult:
    return metric_functions()[auto.metric](scope, auto)
