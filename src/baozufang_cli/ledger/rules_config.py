"""Rules for ``targets.yaml`` and ``criteria.yaml``, each a function ``(Registry) -> Iterable[Diagnostic]``.

Registered in order in ``checks.CHECKS``; every diagnostic names the file it is about.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from baozufang_cli.ledger.diagnostics import Diagnostic
from baozufang_cli.ledger.registry import NameNotFound, Registry

TARGETS = "targets.yaml"
CRITERIA = "criteria.yaml"


def districts(registry: Registry) -> Iterable[Diagnostic]:
    """District names are unique and aliases name one district."""
    targets = registry.targets
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
    codes = Counter(d.code for d in targets.districts if d.code)
    for i, district in enumerate(targets.districts):
        if district.code and codes[district.code] > 1:
            sharing = "、".join(d.name for d in targets.districts if d.code == district.code)
            out.append(
                Diagnostic(
                    TARGETS,
                    "duplicate-district",
                    f"区县代码 {district.code} 重复（{sharing}）",
                    hint="行政区划代码见 GB/T 2260，每个区县一个",
                    loc=("districts", i, "code"),
                )
            )
        elif district.code and not (
            len(district.code) == 6 and district.code.isascii() and district.code.isdigit()
        ):
            out.append(
                Diagnostic(
                    TARGETS,
                    "bad-value",
                    f"{district.name}的行政区划代码 {district.code!r} 不是 6 位数字",
                    hint="GB/T 2260 代码是 6 位数字，例如 520115；管委会可不填",
                    loc=("districts", i, "code"),
                )
            )
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
    return out


def targets(registry: Registry) -> Iterable[Diagnostic]:
    """Targets name known districts, once per district and year (names made canonical)."""
    targets = registry.targets
    out: list[Diagnostic] = []
    seen_targets: set[tuple[str, int]] = set()
    for i, target in enumerate(targets.district_targets):
        try:
            # the config rules run on the validated models (load.load_registry), which they make canonical
            target.district = registry.district(target.district)  # type: ignore[misc]
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
    return out


def supply_types(registry: Registry) -> Iterable[Diagnostic]:
    """Supply types are unique; their start and delivery milestones are in their sequence, in order."""
    criteria = registry.criteria
    out: list[Diagnostic] = []
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
    return out


def lights(registry: Registry) -> Iterable[Diagnostic]:
    """criteria.yaml ``lights``: a yellow threshold above the red one would make yellow unreachable."""
    thresholds = registry.criteria.lights
    out: list[Diagnostic] = []
    for yellow, red, label, unit in (
        ("yellow_points", "red_points", "落后序时进度", "个百分点"),
        ("yellow_days", "red_days", "逾期", "天"),
    ):
        if getattr(thresholds, yellow) > getattr(thresholds, red):
            out.append(
                Diagnostic(
                    CRITERIA,
                    "bad-lights",
                    f"黄灯阈值（{label} {getattr(thresholds, yellow):g} {unit}）高于红灯阈值（{getattr(thresholds, red):g} {unit}）",
                    "warning",
                    hint=f"{yellow} 应不大于 {red}，否则不会出现黄灯",
                    loc=("lights", yellow),
                )
            )
    return out
