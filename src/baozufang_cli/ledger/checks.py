"""Rules beyond the schema. Each returns diagnostics with a ``loc``; the loader adds lines.

* ``check_project``: one file against the registry (references, order, counts); it also
  rewrites district, supply type and milestone names to their canonical form.
* ``check_config``: targets.yaml and criteria.yaml against each other.
* ``check_ledger``: rules across files (duplicate ids).
* ``check_as_of``: rules that depend on the as-of date (dates in the future).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from baozufang_cli.evaluation.scheme import check_evaluation
from baozufang_cli.ledger.diagnostics import Diagnostic
from baozufang_cli.ledger.registry import NameNotFound, Registry, closest
from baozufang_cli.ledger.rules_money import check_money, check_settings
from baozufang_cli.ledger.rules_names import WINDOWS_HINT, check_id_case, check_name_clashes, is_reserved_name
from baozufang_cli.models import Project

if TYPE_CHECKING:
    from baozufang_cli.ledger.registry import Ledger

_Add = Callable[..., None]  # add(code, message, loc, hint="", severity="error")
TARGETS = "targets.yaml"
CRITERIA = "criteria.yaml"


def check_project(project: Project, rel: str, stem: str, registry: Registry | None) -> list[Diagnostic]:
    out: list[Diagnostic] = []

    def add(
        code: str, message: str, loc: tuple[str | int, ...], hint: str = "", severity: str = "error"
    ) -> None:
        out.append(Diagnostic(rel, code, message, severity, hint=hint, loc=loc))  # type: ignore[arg-type]

    if project.id != stem:
        add(
            "id-mismatch",
            f"项目编号 {project.id} 与文件名 {stem} 不一致",
            ("id",),
            f"把文件改名为 {project.id}.yaml，或改 id",
        )
    if is_reserved_name(project.id):
        add("bad-id", f"项目编号 {project.id} 是 Windows 的保留设备名", ("id",), WINDOWS_HINT)
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
    _check_problems(project, registry, add)
    if registry is None:
        return out

    try:
        project.district = registry.district(project.district)
    except NameNotFound as error:
        add("unknown-district", error.message, ("district",), error.hint)
    try:
        project.supply_type = registry.supply_type(project.supply_type)
    except NameNotFound as error:
        add("unknown-supply-type", error.message, ("supply_type",), error.hint)
        return out  # milestone names cannot be checked without a supply type
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
    _check_milestones(project, registry, add)
    check_money(project, registry, add)
    return out


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
    done = sorted((order[name], i) for name, i in seen.items() if project.milestones[i].actual is not None)
    latest: tuple[date, str] | None = None
    for _, i in done:
        milestone = project.milestones[i]
        assert milestone.actual is not None
        if latest is not None and milestone.actual < latest[0]:
            add(
                "milestone-order",
                f"节点 {milestone.name} 的实际日期 {milestone.actual} 早于前序节点 {latest[1]} 的 {latest[0]}",
                ("milestones", i, "actual"),
                f"标准顺序：{'→'.join(order)}",
            )
        else:
            latest = (milestone.actual, milestone.name)
    planned = sorted(
        (order[name], i) for name, i in seen.items() if project.milestones[i].planned is not None
    )
    previous: tuple[date, str] | None = None
    for _, i in planned:
        milestone = project.milestones[i]
        assert milestone.planned is not None
        if previous is not None and milestone.planned < previous[0]:
            add(
                "planned-order",
                f"节点 {milestone.name} 的计划日期 {milestone.planned} 早于前序节点 {previous[1]} 的 {previous[0]}",
                ("milestones", i, "planned"),
                severity="warning",
            )
        else:
            previous = (milestone.planned, milestone.name)

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


def check_config(registry: Registry) -> list[Diagnostic]:
    targets, criteria = registry.targets, registry.criteria
    out: list[Diagnostic] = []

    names = Counter(d.name for d in targets.districts)
    aliases: dict[str, set[str]] = {}
    for i, district in enumerate(targets.districts):
        if names[district.name] > 1:
            out.append(
                Diagnostic(
                    TARGETS, "duplicate-district", f"区县 {district.name} 重复", loc=("districts", i, "name")
                )
            )
        for alias in district.aliases:
            aliases.setdefault(alias, set()).add(district.name)
    for i, district in enumerate(targets.districts):
        for j, alias in enumerate(district.aliases):
            owners = aliases[alias] | ({alias} if alias in names else set())
            if len(owners) > 1:
                out.append(
                    Diagnostic(
                        TARGETS,
                        "ambiguous-alias",
                        f"别名 {alias} 同时指向 {'、'.join(sorted(owners))}",
                        loc=("districts", i, "aliases", j),
                    )
                )

    seen_targets: set[tuple[str, int]] = set()
    for i, target in enumerate(targets.district_targets):
        try:
            target.district = registry.district(target.district)
        except NameNotFound as error:
            out.append(
                Diagnostic(
                    TARGETS,
                    "unknown-district",
                    error.message,
                    hint=error.hint,
                    loc=("district_targets", i, "district"),
                )
            )
            continue
        if (target.district, target.year) in seen_targets:
            out.append(
                Diagnostic(
                    TARGETS,
                    "duplicate-target",
                    f"{target.district} {target.year} 年的目标重复",
                    loc=("district_targets", i),
                )
            )
        seen_targets.add((target.district, target.year))
    seen_city: set[tuple[int, str, str | None]] = set()
    for i, city_target in enumerate(targets.city_targets):
        city_key = (city_target.year, city_target.metric, city_target.tag)
        if city_key in seen_city:
            out.append(
                Diagnostic(
                    TARGETS, "duplicate-target", f"{city_target.year} 年全市目标重复", loc=("city_targets", i)
                )
            )
        seen_city.add(city_key)

    keys = Counter(t.key for t in criteria.supply_types)
    for i, supply_type in enumerate(criteria.supply_types):
        if keys[supply_type.key] > 1:
            out.append(
                Diagnostic(
                    CRITERIA,
                    "duplicate-supply-type",
                    f"筹集方式 {supply_type.key} 重复",
                    loc=("supply_types", i, "key"),
                )
            )
        sequence = [m.name for m in supply_type.milestones]
        for name, count in Counter(sequence).items():
            if count > 1:
                out.append(
                    Diagnostic(
                        CRITERIA,
                        "duplicate-milestone",
                        f"{supply_type.label}的节点 {name} 重复",
                        loc=("supply_types", i, "milestones"),
                    )
                )
        for key in ("start_milestone", "delivered_milestone"):
            name = getattr(supply_type, key)
            if name not in sequence:
                out.append(
                    Diagnostic(
                        CRITERIA,
                        "bad-supply-type",
                        f"{supply_type.label}的{'启动建设' if key == 'start_milestone' else '建成交付'}节点 {name} 不在节点序列中",
                        hint=f"节点序列：{'、'.join(sequence)}",
                        loc=("supply_types", i, key),
                    )
                )
        if (
            supply_type.start_milestone in sequence
            and supply_type.delivered_milestone in sequence
            and sequence.index(supply_type.start_milestone) > sequence.index(supply_type.delivered_milestone)
        ):
            out.append(
                Diagnostic(
                    CRITERIA,
                    "bad-supply-type",
                    f"{supply_type.label}的启动建设节点排在建成交付节点之后",
                    loc=("supply_types", i, "start_milestone"),
                )
            )
    out += check_name_clashes(registry)  # aliases that name two supply types or milestones
    out += check_evaluation(registry)  # the 监测评价 items (scheme.py)
    return out + check_settings(registry)


def check_ledger(ledger: Ledger) -> list[Diagnostic]:
    """Rules across files: duplicate ids (every file of a duplicated id is named)."""
    out: list[Diagnostic] = []
    by_id: dict[str, list[str]] = {}
    for project in ledger.projects:
        by_id.setdefault(project.id, []).append(ledger.path(project))
    for project_id, paths in by_id.items():
        if len(paths) < 2:
            continue
        for path in paths:
            others = "、".join(p for p in paths if p != path)
            out.append(
                Diagnostic(
                    path,
                    "duplicate-id",
                    f"项目编号 {project_id} 重复，另见 {others}",
                    hint="每个项目编号只能用一次",
                    loc=("id",),
                )
            )
    return out + check_id_case(by_id)


def check_as_of(ledger: Ledger, as_of: date) -> list[Diagnostic]:
    """Actual and closing dates after the as-of date are probably typos (warnings)."""
    out: list[Diagnostic] = []
    for project in ledger.projects:
        path = ledger.path(project)
        for i, milestone in enumerate(project.milestones):
            if milestone.actual is not None and milestone.actual > as_of:
                out.append(
                    Diagnostic(
                        path,
                        "future-date",
                        f"节点 {milestone.name} 的实际日期 {milestone.actual} 晚于统计日 {as_of}",
                        "warning",
                        hint="实际日期应是已经发生的日期",
                        loc=("milestones", i, "actual"),
                    )
                )
        for i, problem in enumerate(project.problems):
            if problem.closed is not None and problem.closed > as_of:
                out.append(
                    Diagnostic(
                        path,
                        "future-date",
                        f"问题 {problem.id} 的办结日期 {problem.closed} 晚于统计日 {as_of}",
                        "warning",
                        loc=("problems", i, "closed"),
                    )
                )
    return out
