"""Rules for one project file, each a function ``(ProjectSubject) -> Iterable[Diagnostic]``.

Registered in order in ``checks.CHECKS``. ``references`` also rewrites district, supply type and
milestone names to their canonical form, so it runs before the rules that need them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from baozufang_cli.ledger.diagnostics import Diagnostic
from baozufang_cli.ledger.registry import NameNotFound, Registry, closest
from baozufang_cli.ledger.rules_names import WINDOWS_HINT, is_reserved_name

if TYPE_CHECKING:
    from baozufang_cli.models import Project

_Add = Callable[..., None]  # add(code, message, loc, hint="", severity="error")


@dataclass
class ProjectSubject:
    """One validated project file as the rules see it: the project, where it is, the registry."""

    project: Project
    rel: str  # path relative to the ledger root
    stem: str  # the file name without suffix: the project id it must carry
    registry: Registry | None  # None when targets.yaml / criteria.yaml could not be read
    found: list[Diagnostic] = field(default_factory=list)

    def add(
        self, code: str, message: str, loc: tuple[str | int, ...], hint: str = "", severity: str = "error"
    ) -> None:
        self.found.append(Diagnostic(self.rel, code, message, severity, hint=hint, loc=loc))  # type: ignore[arg-type]

    def typed(self) -> bool:
        """The registry is there and the project's supply type is one of it (names are canonical)."""
        return self.registry is not None and self.project.supply_type in self.registry.supply_types


def collected(rule: Callable[[ProjectSubject], None]) -> Callable[[ProjectSubject], Iterable[Diagnostic]]:
    """A rule written as ``add(…)`` calls, as a function that returns its diagnostics."""

    def run(subject: ProjectSubject) -> Iterable[Diagnostic]:
        before = len(subject.found)
        rule(subject)
        added = subject.found[before:]
        del subject.found[before:]
        return added

    run.__name__ = rule.__name__
    run.__doc__ = rule.__doc__
    return run


@collected
def identity(subject: ProjectSubject) -> None:
    """The id matches the file name and can be a file name on every system."""
    project, add = subject.project, subject.add
    if project.id != subject.stem:
        add(
            "id-mismatch",
            f"项目编号 {project.id} 与文件名 {subject.stem} 不一致",
            ("id",),
            f"把文件改名为 {project.id}.yaml，或改 id",
        )
    if is_reserved_name(project.id):
        add("bad-id", f"项目编号 {project.id} 是 Windows 的保留设备名", ("id",), WINDOWS_HINT)


@collected
def counts(subject: ProjectSubject) -> None:
    """Parts of the units never exceed the units."""
    project, add = subject.project, subject.add
    if project.small_units is not None and project.small_units > project.units:
        add(
            "small-units-exceed",
            f"≤70㎡套数 {project.small_units} 大于总套数 {project.units}",
            ("small_units",),
        )
    if (
        project.operations
        and project.operations.leased_units is not None
        and project.operations.leased_units > project.units
    ):
        add(
            "leased-exceed",
            f"已出租套数 {project.operations.leased_units} 大于总套数 {project.units}",
            ("operations", "leased_units"),
        )


@collected
def problems(subject: ProjectSubject) -> None:
    """Problem ids are unique, categories known, dates in order."""
    _check_problems(subject.project, subject.registry, subject.add)


@collected
def references(subject: ProjectSubject) -> None:
    """District, supply type and funding kinds name things the registry has (names made canonical)."""
    project, registry, add = subject.project, subject.registry, subject.add
    if registry is None:
        return
    try:
        project.district = registry.district(project.district)
    except NameNotFound as error:
        add("unknown-district", error.message, ("district",), error.hint)
    try:
        project.supply_type = registry.supply_type(project.supply_type)
    except NameNotFound as error:
        add("unknown-supply-type", error.message, ("supply_type",), error.hint)
        return  # funding kinds and milestones are not checked without a supply type
    if project.funding:
        for i, source in enumerate(project.funding.sources):
            if source.kind not in registry.criteria.funding_kinds:
                guess = closest(source.kind, registry.criteria.funding_kinds)
                add(
                    "unknown-funding-kind",
                    f'未知资金来源 "{source.kind}"',
                    ("funding", "sources", i, "kind"),
                    f"是否为 {guess}？" if guess else "可选值见 criteria.yaml 的 funding_kinds",
                )


@collected
def milestones(subject: ProjectSubject) -> None:
    """Milestones are the supply type's, listed once, done and planned in the standard order."""
    if subject.typed():
        assert subject.registry is not None
        _check_milestones(subject.project, subject.registry, subject.add)


def check_raw_references(data: dict[str, Any], rel: str, registry: Registry) -> list[Diagnostic]:
    """District and supply type of a file that failed the schema, so one run reports them too."""
    out: list[Diagnostic] = []
    for key, resolve, code in (
        ("district", registry.district, "unknown-district"),
        ("supply_type", registry.supply_type, "unknown-supply-type"),
    ):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            try:
                resolve(value)
            except NameNotFound as error:
                out.append(Diagnostic(rel, code, error.message, hint=error.hint, loc=(key,)))
    return out


def _check_problems(project: Project, registry: Registry | None, add: _Add) -> None:
    seen: set[str] = set()
    for i, problem in enumerate(project.problems):
        if problem.id in seen:
            add(
                "duplicate-problem-id",
                f"问题编号 {problem.id} 重复",
                ("problems", i, "id"),
                "项目内的问题编号须唯一",
            )
        seen.add(problem.id)
        if registry is not None and problem.category not in registry.criteria.problem_categories:
            guess = closest(problem.category, registry.criteria.problem_categories)
            categories = "、".join(registry.criteria.problem_categories)
            add(
                "unknown-category",
                f'未知问题类别 "{problem.category}"',
                ("problems", i, "category"),
                f"是否为 {guess}？" if guess else f"可选：{categories}",
            )
        if problem.closed is not None and problem.closed < problem.raised:
            add(
                "problem-dates",
                f"办结日期 {problem.closed} 早于提出日期 {problem.raised}",
                ("problems", i, "closed"),
            )
        if problem.due is not None and problem.due < problem.raised:
            add(
                "problem-dates",
                f"办结时限 {problem.due} 早于提出日期 {problem.raised}",
                ("problems", i, "due"),
            )


def _check_milestones(project: Project, registry: Registry, add: _Add) -> None:
    supply_type = registry.supply_types[project.supply_type]
    order = registry.milestone_order(supply_type.key)
    seen: dict[str, int] = {}
    for i, milestone in enumerate(project.milestones):
        try:
            milestone.name = registry.milestone(supply_type.key, milestone.name)
        except NameNotFound as error:
            add("unknown-milestone", error.message, ("milestones", i, "name"), error.hint)
            continue
        if milestone.name in seen:
            add(
                "duplicate-milestone",
                f"节点 {milestone.name} 重复",
                ("milestones", i, "name"),
                "每个节点只写一次",
            )
            continue
        seen[milestone.name] = i

    # actual dates must follow the standard sequence: a later milestone cannot be done before an earlier one
    for i, when, earlier in _out_of_order(project, seen, order, "actual"):
        add(
            "milestone-order",
            f"节点 {project.milestones[i].name} 的实际日期 {when} 早于前序节点 {earlier[1]} 的 {earlier[0]}",
            ("milestones", i, "actual"),
            f"标准顺序：{'→'.join(order)}",
        )
    for i, when, earlier in _out_of_order(project, seen, order, "planned"):
        add(
            "planned-order",
            f"节点 {project.milestones[i].name} 的计划日期 {when} 早于前序节点 {earlier[1]} 的 {earlier[0]}",
            ("milestones", i, "planned"),
            severity="warning",
        )

    delivered_at = seen.get(supply_type.delivered_milestone)
    start_at = seen.get(supply_type.start_milestone)
    if (
        delivered_at is not None
        and project.milestones[delivered_at].actual is not None
        and (start_at is None or project.milestones[start_at].actual is None)
    ):
        add(
            "delivered-not-started",
            f"已填写{supply_type.delivered_milestone}实际日期，但{supply_type.start_milestone}没有实际日期",
            ("milestones", delivered_at, "actual"),
            f"{supply_type.label}以“{supply_type.start_milestone}”为启动建设，请补填",
        )


def _out_of_order(
    project: Project, seen: dict[str, int], order: dict[str, int], attribute: str
) -> Iterator[tuple[int, date, tuple[date, str]]]:
    """Milestones (index, date) whose ``attribute`` date is before that of an earlier milestone in the standard order."""
    dated = sorted((order[name], i) for name, i in seen.items() if getattr(project.milestones[i], attribute))
    latest: tuple[date, str] | None = None
    for _, i in dated:
        milestone = project.milestones[i]
        when: date = getattr(milestone, attribute)
        if latest is not None and when < latest[0]:
            yield i, when, latest
        else:
            latest = (when, milestone.name)
