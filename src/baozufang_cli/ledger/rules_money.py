"""Rules for the money and tenants of a project: its ``funding`` and ``operations`` sections.

The schema already bounds every amount (no negatives, nothing absurd); these rules compare
amounts with each other, with the unit count and with the thresholds in ``criteria.yaml``.
``check_money`` runs per file from ``checks.check_project`` (canonical names already set);
``check_settings`` from ``checks.check_config``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from baozufang_cli.ledger.diagnostics import Diagnostic
from baozufang_cli.ledger.registry import Registry
from baozufang_cli.ledger.rules_project import ProjectSubject, collected

if TYPE_CHECKING:
    from baozufang_cli.facts import records
    from baozufang_cli.models import Project

_Add = Callable[..., None]  # add(code, message, loc, hint="", severity="error")

# 500 万元 (5 million yuan) a unit is several times the dearest small rental flat; an amount
# above it is almost always yuan typed where 万元 was meant
MAX_WAN_PER_UNIT = 500
CENT = 0.005  # amounts are compared to the cent (two decimals of 万元 are 100 yuan; this is lenient)


def wan(amount: float) -> str:
    return f"{amount:,.2f} 万元"


def check_money(project: Project, registry: Registry, add: _Add) -> None:
    _check_funding(project, add)
    _check_operations(project, registry, add)


def _check_funding(project: Project, add: _Add) -> None:
    funding = project.funding
    if funding is None:
        return
    for i, source in enumerate(funding.sources):
        if source.received_wan > source.planned_wan + CENT and not (source.note or "").strip():
            add(
                "received-exceeds-planned",
                f"{source.kind}到位 {wan(source.received_wan)}，超过计划 {wan(source.planned_wan)}",
                ("funding", "sources", i, "received_wan"),
                "请核对金额；确属超计划到位（如追加拨付），在该来源的 note 中说明",
            )
    planned = sum(source.planned_wan for source in funding.sources)
    if planned > funding.total_wan + CENT:
        add(
            "planned-exceeds-total",
            f"资金来源计划合计 {wan(planned)}，超过总投资 {wan(funding.total_wan)}",
            ("funding", "sources"),
            "请核对各来源的 planned_wan 与 total_wan",
            severity="warning",
        )
    if funding.completed_wan is not None and funding.completed_wan > funding.total_wan + CENT:
        # a warning, not an error: cost overruns happen; the report keeps the project
        add(
            "completed-exceeds-total",
            f"累计完成投资 {wan(funding.completed_wan)}，超过总投资 {wan(funding.total_wan)}",
            ("funding", "completed_wan"),
            "总投资如已调整，请更新 total_wan",
            severity="warning",
        )
    per_unit = funding.total_wan / project.units
    if per_unit > MAX_WAN_PER_UNIT:
        add(
            "amount-implausible",
            f"总投资 {wan(funding.total_wan)}，折合每{project.unit_kind} {wan(per_unit)}，明显偏高",
            ("funding", "total_wan"),
            "金额以万元为单位，是否误按元填写？",
            severity="warning",
        )


def rent_ratio(project: Project | records.Project) -> float | None:
    """Rent ÷ market rent, unrounded; None without both rents (or with a zero market rent)."""
    operations = project.operations
    if operations is None or operations.rent_yuan_m2 is None or not operations.market_rent_yuan_m2:
        return None
    return operations.rent_yuan_m2 / operations.market_rent_yuan_m2


def _check_operations(project: Project, registry: Registry, add: _Add) -> None:
    operations = project.operations
    if operations is None:
        return
    ceiling = registry.criteria.settings.rent_ceiling_ratio
    ratio = rent_ratio(project)
    if ratio is not None and ratio >= ceiling:
        assert operations.rent_yuan_m2 is not None and operations.market_rent_yuan_m2 is not None
        add(
            "rent-ceiling",
            f"租金 {operations.rent_yuan_m2:g} 元/㎡·月为同地段市场租金 {operations.market_rent_yuan_m2:g} 元/㎡·月的"
            f" {ratio:.1%}，未低于上限 {ceiling:.0%}",
            ("operations", "rent_yuan_m2"),
            "租金应低于市场租金 × 上限（criteria.yaml 的 settings.rent_ceiling_ratio）",
            severity="warning",
        )
    supply_type = registry.supply_types[project.supply_type]
    delivered = project.milestone(supply_type.delivered_milestone)
    if operations.leased_units and (delivered is None or delivered.actual is None):
        add(
            "leased-before-delivery",
            f"没有{supply_type.delivered_milestone}的实际日期，却填写了已出租 {operations.leased_units} {project.unit_kind}",
            ("operations", "leased_units"),
            f"请补填{supply_type.delivered_milestone}的实际日期；未交付项目的出租数不计入 bzf operations",
            severity="warning",
        )
    if operations.opened and delivered and delivered.actual and operations.opened < delivered.actual:
        add(
            "opened-before-delivery",
            f"开始运营日期 {operations.opened} 早于{supply_type.delivered_milestone}实际日期 {delivered.actual}",
            ("operations", "opened"),
            "请核对两个日期",
            severity="warning",
        )


def check_settings(registry: Registry) -> list[Diagnostic]:
    """criteria.yaml ``settings``: the flag line should sit at or below the ceiling."""
    settings = registry.criteria.settings
    if settings.rent_flag_ratio <= settings.rent_ceiling_ratio:
        return []
    return [
        Diagnostic(
            "criteria.yaml",
            "bad-settings",
            f"租金预警线 {settings.rent_flag_ratio:g} 高于租金上限 {settings.rent_ceiling_ratio:g}",
            "warning",
            hint="预警线应不高于上限，否则超限的租金可能不被标记",
            loc=("settings", "rent_flag_ratio"),
        )
    ]


@collected
def money(subject: ProjectSubject) -> None:
    """Funding received against planned, and operations (rents, occupancy) against the settings."""
    if subject.typed():
        assert subject.registry is not None
        check_money(subject.project, subject.registry, subject.add)
