"""The project filters shared by every report (``--district``, ``--year``, ``--type``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from baozufang_cli.facts.records import Project, ProjectFacts
from baozufang_cli.ledger.registry import Registry


@dataclass(frozen=True)
class Filters:
    """Canonical values; an empty set means "all"."""

    districts: frozenset[str] = field(default_factory=frozenset)
    years: frozenset[int] = field(default_factory=frozenset)  # plan years
    types: frozenset[str] = field(default_factory=frozenset)  # supply type keys

    def matches(self, project: Project | ProjectFacts) -> bool:
        return (
            (not self.districts or project.district in self.districts)
            and (not self.years or project.plan_year in self.years)
            and (not self.types or project.supply_type in self.types)
        )

    def describe(self, registry: Registry) -> list[str]:
        parts = []
        if self.districts:
            parts.append(
                "区县：" + "、".join(sorted(self.districts, key=registry.district_order.__getitem__))
            )
        if self.years:
            parts.append("计划年度：" + "、".join(str(y) for y in sorted(self.years)))
        if self.types:
            parts.append(
                "筹集方式："
                + "、".join(
                    registry.supply_types[t].label
                    for t in sorted(self.types, key=registry.type_order.__getitem__)
                )
            )
        return ["筛选 " + "；".join(parts)] if parts else []
