"""The evaluation scheme (监测评价, ``criteria.yaml`` → ``evaluation``): names, scoring rules, config checks.

An item is scored either ``auto`` (a metric bzf computes from the ledger, turned into points by a
rule) or ``manual`` (the district's self-assessment). This module knows the rules and what each
metric is called; ``metrics.py`` computes the metrics and ``reports/score.py`` puts them together.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from baozufang_cli.ledger.diagnostics import Diagnostic
from baozufang_cli.ledger.registry import NameNotFound, closest

if TYPE_CHECKING:
    from baozufang_cli.facts.records import AutoScoring
    from baozufang_cli.ledger.registry import Registry

CRITERIA = "criteria.yaml"
DEFAULT_TOTAL = 100.0
EPSILON = 1e-9  # 7/10 must reach a threshold of 0.7 whatever the float rounding


METRIC_LABELS: dict[str, str] = {
    "start_rate": "启动建设完成率",
    "delivery_rate": "建成交付完成率",
    "milestones_on_time": "节点按期完成率",
    "problems_closed_on_time": "问题按期办结率",
    "ledger_complete": "台账完整率",
    "certificate_rate": "认定书取得率",
    "small_unit_share": "小户型占比",
    "rent_below_market": "租金低于市场比例",
    "occupancy": "出租率",
    "plan_coverage": "倒排工期覆盖率",
    "admission_set": "准入对象明确率",
}
# models.MetricName and RuleName spelled out (tests/evaluation hold them equal), so that loading the
# ledger, which runs the config rules, does not import pydantic
METRICS: tuple[str, ...] = tuple(METRIC_LABELS)
RULES: tuple[str, ...] = ("linear", "threshold", "deduct_per")

# certificate_rate: the supply types that need a project certificate (认定书) unless the item says otherwise
DEFAULT_CERTIFICATE_TYPES = ("conversion", "university")


def apply_rule(auto: AutoScoring, points: float, value: float | None, failing: int) -> float | None:
    """Points earned under the item's rule; None when the metric is undefined (the item does not apply).

    * ``linear``: points × min(value / threshold, 1)
    * ``threshold``: full points at or above the threshold, zero below
    * ``deduct_per``: points − k × failing projects, floored at 0
    """
    if value is None:
        return None
    if auto.rule == "linear":
        earned = points * min(value / auto.threshold, 1.0)
    elif auto.rule == "threshold":
        earned = points if value >= auto.threshold - EPSILON else 0.0
    else:
        earned = max(0.0, points - auto.k * failing)
    return round(earned, 2)


def describe_rule(auto: AutoScoring, value: float | None, failing: int) -> str:
    """How the rule scored this value, in words: ``按比例计分，达到 90% 得满分``."""
    if auto.rule == "deduct_per":
        return f"不达标项目 {failing} 个，每个扣 {auto.k:g} 分"
    goal = f"{auto.threshold * 100:g}%"
    if auto.rule == "linear":
        return f"按比例计分，达到 {goal} 得满分"
    reached = value is not None and value >= auto.threshold - EPSILON
    return f"{'达到' if reached else '未达到'} {goal}，{'得满分' if reached else '不得分'}"


def check_evaluation(registry: Registry) -> list[Diagnostic]:
    """Rules across evaluation items: one way of scoring each, unique keys, known names, the 100 points."""
    criteria = registry.criteria
    items = criteria.evaluation
    out: list[Diagnostic] = []
    keys = Counter(item.key for item in items)
    for i, item in enumerate(items):
        where = ("evaluation", i)
        if keys[item.key] > 1:
            out.append(
                Diagnostic(CRITERIA, "duplicate-item", f"评价项代码 {item.key} 重复", loc=(*where, "key"))
            )
        if (item.auto is None) == (item.manual is None):
            both = "同时写了" if item.auto is not None else "没有写"
            out.append(
                Diagnostic(
                    CRITERIA,
                    "bad-evaluation-item",
                    f"评价项 {item.key} {both} auto（自动计分）和 manual（自评）",
                    hint="每个评价项须且只须选其一",
                    loc=where,
                )
            )
        scorings: list[tuple[tuple[str, ...], AutoScoring | None]] = [(("auto",), item.auto)]
        if item.manual is not None:
            scorings.append((("manual", "ledger_check"), item.manual.ledger_check))
        for path, auto in scorings:
            if auto is not None:
                out += _check_auto(registry, auto, (*where, *path))
    if items:
        total = sum(item.points for item in items)
        if abs(total - DEFAULT_TOTAL) > 0.001:
            out.append(
                Diagnostic(
                    CRITERIA,
                    "points-total",
                    f"测评细则各项分值合计 {total:g} 分，不是 {DEFAULT_TOTAL:g} 分",
                    "warning",
                    hint="bzf score 会把总分折算为百分制；若是笔误请调整 points",
                    loc=("evaluation", "@key"),
                )
            )
    return out


def _check_auto(registry: Registry, auto: AutoScoring, where: tuple[str | int, ...]) -> list[Diagnostic]:
    from baozufang_cli.evaluation.scope import LEDGER_FIELDS

    out: list[Diagnostic] = []
    for j, name in enumerate(auto.supply_types or []):
        try:  # names and aliases are accepted, like everywhere else; canonical keys from here on
            auto.supply_types[j] = registry.supply_type(name)  # type: ignore[index]
        except NameNotFound as error:
            out.append(
                Diagnostic(
                    CRITERIA,
                    "unknown-supply-type",
                    error.message,
                    hint=error.hint,
                    loc=(*where, "supply_types", j),
                )
            )
    for j, name in enumerate(auto.fields or []):
        if name not in LEDGER_FIELDS:
            guess = closest(name, LEDGER_FIELDS)
            choices = "、".join(LEDGER_FIELDS)
            out.append(
                Diagnostic(
                    CRITERIA,
                    "unknown-field",
                    f'未知的台账字段 "{name}"',
                    hint=f"是否为 {guess}？" if guess else f"可选：{choices}",
                    loc=(*where, "fields", j),
                )
            )
    if auto.supply_types is not None and auto.metric != "certificate_rate":
        out.append(_unused(where, "supply_types", "certificate_rate"))
    if auto.fields is not None and auto.metric != "ledger_complete":
        out.append(_unused(where, "fields", "ledger_complete"))
    return out


def _unused(where: tuple[str | int, ...], key: str, metric: str) -> Diagnostic:
    return Diagnostic(
        CRITERIA,
        "unused-setting",
        f"{key} 只用于 {metric} 指标，此处不起作用",
        "warning",
        loc=(*where, key),
    )
