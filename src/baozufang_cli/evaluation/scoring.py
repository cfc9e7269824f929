"""Scoring one month: every district × every evaluation item, totals and ranks. Pure.

Auto items: the metric (``metrics.py``) through the item's rule (``scheme.apply_rule``). Manual
items: the district's self-assessment, checked — evidence listed and present, the required kinds
of evidence named, and not above what the ledger supports where the item has a ``ledger_check``.

An auto item whose metric is undefined (no target for the year, nothing to measure) does not
apply: by default it is left out and the district's total is scaled to the scheme's full marks
(``not_applicable: exclude``); an item may say ``full`` or ``zero`` instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from baozufang_cli.evaluation.metrics import compute
from baozufang_cli.evaluation.scheme import EPSILON, METRIC_LABELS, apply_rule, describe_rule
from baozufang_cli.evaluation.scope import AssessmentMonth, MetricResult, Scope
from baozufang_cli.facts.records import AutoScoring, EvaluationItem, Project
from baozufang_cli.ledger.assessments import AssessmentFile
from baozufang_cli.ledger.registry import Ledger
from baozufang_cli.models import Claim

FLAG_LABELS = {
    "not-submitted": "未提交自评",
    "assessment-invalid": "自评文件有错误",
    "not-claimed": "未自评此项",
    "no-evidence": "无印证材料",
    "missing-evidence": "材料文件缺失",
    "evidence-kind-missing": "缺少所需材料",
    "above-ledger": "自评高于台账",
}
SHOWN_PROJECTS = 5  # projects named in a flag message before "等"


@dataclass(frozen=True)
class Flag:
    code: str
    message: str
    item: str | None = None  # the item key; None for the whole assessment


@dataclass
class ItemScore:
    item: EvaluationItem
    counted: bool  # part of the total (False: not applicable and excluded)
    applicable: bool
    score: float | None
    reason: str
    metric: MetricResult | None = None  # the auto metric, or the manual item's ledger check
    claim: Claim | None = None
    supported: float | None = None  # what the ledger check supports, for manual items
    flags: list[Flag] = field(default_factory=list)

    @property
    def mode(self) -> Literal["auto", "manual"]:
        return "auto" if self.item.auto is not None else "manual"

    @property
    def lost(self) -> float:
        if not self.counted or self.score is None:
            return 0.0
        return round(self.item.points - self.score, 2)

    @property
    def scoring(self) -> AutoScoring | None:
        if self.item.auto is not None:
            return self.item.auto
        return self.item.manual.ledger_check if self.item.manual is not None else None


@dataclass
class DistrictScore:
    district: str
    items: list[ItemScore]
    assessment: AssessmentFile | None
    flags: list[Flag]  # every flag of the district: the assessment's and its items'
    score: float  # points earned on counted items
    max_points: float  # full marks of counted items
    total: float | None  # score scaled to the scheme's full marks; None when nothing counted
    rank: int | None = None


def score_month(
    ledger: Ledger, period: AssessmentMonth, assessments: dict[str, AssessmentFile]
) -> list[DistrictScore]:
    """Every district of the registry, ranked by total (ties share a rank), in rank order."""
    by_district: dict[str, list[Project]] = {name: [] for name in ledger.registry.districts}
    for project in ledger.valid_projects():
        by_district.setdefault(project.district, []).append(project)
    full_marks = sum(item.points for item in ledger.criteria.evaluation)
    scores = [
        score_district(Scope(ledger, name, period, projects), assessments.get(name), full_marks)
        for name, projects in by_district.items()
    ]
    rank_districts(scores)
    order = ledger.registry.district_order
    return sorted(scores, key=lambda s: (s.rank is None, s.rank or 0, order.get(s.district, 0)))


def rank_districts(scores: list[DistrictScore]) -> None:
    """Competition ranking (1, 1, 3) by total; districts with nothing counted are not ranked."""
    totals = sorted((s.total for s in scores if s.total is not None), reverse=True)
    for district_score in scores:
        if district_score.total is not None:
            district_score.rank = 1 + sum(1 for t in totals if t > district_score.total + EPSILON)


def score_district(scope: Scope, file: AssessmentFile | None, full_marks: float) -> DistrictScore:
    flags: list[Flag] = []
    usable = file is not None and file.assessment is not None and not file.has_errors
    if file is None:
        flags.append(Flag("not-submitted", f"没有 {scope.period.month} 的自评文件"))
    elif not usable:
        flags.append(
            Flag("assessment-invalid", f"自评文件 {file.path} 有错误，未计入（运行 bzf check 查看）")
        )
    items = []
    for item in scope.ledger.criteria.evaluation:
        if item.auto is not None:
            scored = _score_auto(scope, item, item.auto)
        else:
            scored = _score_manual(scope, item, file)
        items.append(scored)
        flags += scored.flags
    counted = [s for s in items if s.counted and s.score is not None]
    score = round(sum(s.score for s in counted if s.score is not None), 2)
    max_points = round(sum(s.item.points for s in counted), 2)
    total = round(score / max_points * full_marks, 2) if max_points else None
    return DistrictScore(scope.district, items, file, flags, score, max_points, total)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def _score_auto(scope: Scope, item: EvaluationItem, auto: AutoScoring) -> ItemScore:
    result = compute(scope, auto)
    earned = apply_rule(auto, item.points, result.value, result.failing_projects)
    label = METRIC_LABELS[auto.metric]
    if earned is None:
        policy = item.not_applicable
        if policy == "exclude":
            return ItemScore(item, False, False, None, f"不适用，不计入总分（{result.summary}）", result)
        score = item.points if policy == "full" else 0.0
        word = "满分" if policy == "full" else "0 分"
        return ItemScore(item, True, False, score, f"不适用，按{word}计（{result.summary}）", result)
    rule = describe_rule(auto, result.value, result.failing_projects)
    reason = f"{label} {_pct(result.value)}（{result.summary}）；{rule}"
    return ItemScore(item, True, True, earned, reason, result)


def _score_manual(scope: Scope, item: EvaluationItem, file: AssessmentFile | None) -> ItemScore:
    assert item.manual is not None
    check = item.manual.ledger_check
    result = compute(scope, check) if check is not None else None
    supported = (
        apply_rule(check, item.points, result.value, result.failing_projects)
        if check is not None and result is not None
        else None
    )
    if file is None or file.assessment is None or file.has_errors:
        why = "自评文件有错误，按 0 分计" if file is not None else "未提交自评，按 0 分计"
        return ItemScore(item, True, True, 0.0, why, result, supported=supported)
    claim = file.assessment.items.get(item.key)
    if claim is None:
        flag = Flag("not-claimed", "自评文件没有此项，按 0 分计", item.key)
        return ItemScore(item, True, True, 0.0, "自评文件没有此项", result, None, supported, [flag])
    score = min(claim.score, item.points)
    reason = f"自评 {claim.score:g} 分" + (f"：{claim.explanation}" if claim.explanation else "")
    flags = _evidence_flags(item, claim, file)
    if supported is not None and result is not None and check is not None and claim.score > supported + 0.005:
        named = "、".join(dict.fromkeys(c.project for c in result.causes[:SHOWN_PROJECTS]))
        more = "等" if result.failing_projects > SHOWN_PROJECTS else ""
        message = (
            f"自评 {claim.score:g} 分，台账只支持 {supported:g} 分"
            f"（{METRIC_LABELS[check.metric]} {_pct(result.value)}：{result.summary}"
            + (f"；涉及 {named}{more}" if named else "")
            + "）"
        )
        flags.append(Flag("above-ledger", message, item.key))
    return ItemScore(item, True, True, score, reason, result, claim, supported, flags)


def _evidence_flags(item: EvaluationItem, claim: Claim, file: AssessmentFile) -> list[Flag]:
    assert item.manual is not None
    flags: list[Flag] = []
    if claim.score <= 0:
        return flags
    if not claim.evidence:
        flags.append(Flag("no-evidence", f"自评 {claim.score:g} 分，没有列出印证材料", item.key))
    for evidence in claim.evidence:
        if evidence.file in file.missing_files:
            flags.append(Flag("missing-evidence", f"{evidence.title}：文件 {evidence.file} 不存在", item.key))
    if claim.evidence:
        lacking = [
            kind
            for kind in item.manual.evidence
            if not any(e.kind == kind or kind in e.title for e in claim.evidence)
        ]
        if lacking:
            flags.append(Flag("evidence-kind-missing", f"缺少所需材料：{'、'.join(lacking)}", item.key))
    return flags
