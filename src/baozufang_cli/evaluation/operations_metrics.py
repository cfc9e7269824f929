"""Evaluation metrics about delivered housing: small units, rent, occupancy, admission. Pure functions.

A freshly delivered project is still filling up and may not have reported yet: like ``bzf
operations``, these metrics give it ``settings.operations_grace_days`` after delivery. Within the
grace period occupancy leaves it out, and rent and admission count it only if it has reported;
after it, a figure the ledger does not show counts against the district.
"""

from __future__ import annotations

from baozufang_cli.evaluation.scope import MetricResult, Scope, cause_for, ratio_of
from baozufang_cli.facts.records import AutoScoring
from baozufang_cli.ledger.rules_money import rent_ratio


def small_unit_share(scope: Scope, auto: AutoScoring) -> MetricResult:
    projects = scope.in_plan
    small = units = 0
    causes = []
    for project in projects:
        units += project.units
        if project.small_units is None:  # the ledger proves nothing: counted as no small units
            causes.append(cause_for(project, "未填写≤70㎡套数"))
            continue
        small += project.small_units
        if project.small_units / project.units < auto.threshold:
            share = project.small_units / project.units * 100
            causes.append(
                cause_for(project, f"≤70㎡ {project.small_units:,}/{project.units:,} 套（{share:.1f}%）")
            )
    summary = f"≤70㎡ {small:,} 套 / 计划内 {units:,} 套"
    return MetricResult(ratio_of(small, units), small, units, summary, tuple(causes))


def rent_below_market(scope: Scope, auto: AutoScoring) -> MetricResult:
    """Delivered projects whose rent is below market rent × ``settings.rent_ceiling_ratio`` (default 1)."""
    ceiling = scope.ledger.criteria.settings.rent_ceiling_ratio
    counted = below = 0
    causes = []
    for project in scope.operating:
        ratio = rent_ratio(project)
        if ratio is None:
            if scope.past_grace(project):
                causes.append(scope.unreported(project, "租金或同地段市场租金"))
                counted += 1
            continue
        counted += 1
        if ratio < ceiling:
            below += 1
            continue
        assert project.operations is not None
        rent, market = project.operations.rent_yuan_m2, project.operations.market_rent_yuan_m2
        limit = f"同地段市场租金 {market:g}" + (f" × {ceiling:g}" if ceiling != 1 else "")
        causes.append(cause_for(project, f"租金 {rent:g} 元/㎡·月，不低于{limit}"))
    summary = f"已交付项目 {counted} 个，租金低于市场 {below} 个"
    return MetricResult(ratio_of(below, counted), below, counted, summary, tuple(causes))


def occupancy(scope: Scope, auto: AutoScoring) -> MetricResult:
    """Leased ÷ units over projects past the grace period; leased units are the ledger's current figure."""
    leased = units = 0
    causes = []
    for project in scope.operating:
        if not scope.past_grace(project):
            continue  # still filling up
        units += project.units
        count = project.operations.leased_units if project.operations else None
        if count is None:
            causes.append(scope.unreported(project, "已出租套数"))
            continue
        leased += count
        if count / project.units < auto.threshold:
            percent = count / project.units * 100
            causes.append(cause_for(project, f"已出租 {count:,}/{project.units:,} 套（{percent:.1f}%）"))
    grace = scope.ledger.criteria.settings.operations_grace_days
    delivered = f"交付超过 {grace} 天的" if grace else "已交付"
    summary = f"{delivered} {units:,} 套，已出租 {leased:,} 套"
    return MetricResult(ratio_of(leased, units), leased, units, summary, tuple(causes))


def admission_set(scope: Scope, auto: AutoScoring) -> MetricResult:
    counted = stated = 0
    causes = []
    for project in scope.operating:
        if project.operations is not None and project.operations.admission:
            stated += 1
            counted += 1
        elif scope.past_grace(project):
            causes.append(cause_for(project, "未填写面向对象（准入条件）"))
            counted += 1
    summary = f"已交付项目 {counted} 个，明确面向对象 {stated} 个"
    return MetricResult(ratio_of(stated, counted), stated, counted, summary, tuple(causes))
