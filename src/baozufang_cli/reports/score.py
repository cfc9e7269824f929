"""``bzf score``: the month's evaluation as a report — ranking, deductions, responsibility, flags, items.

Tables (terminal order; the last is the one CSV writes):

1. 得分排名 — one row per district: rank, each group's score, score, full marks counted, total.
2. 扣分明细 — one row per district × item that lost points, with the reason.
3. 倒查责任 — one row per project / milestone / problem behind an auto item's lost points.
4. 自评核查 — one row per flag on a self-assessment.
5. 评分明细 — one row per district × item.

The JSON payload (``data``) is the contract documented in docs/commands/score.md.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from baozufang_cli.evaluation.scope import AssessmentMonth
from baozufang_cli.evaluation.scoring import FLAG_LABELS, DistrictScore, ItemScore, score_month
from baozufang_cli.ledger.assessments import AssessmentFile
from baozufang_cli.ledger.registry import Ledger
from baozufang_cli.reports.value import Column, Report, Table

TITLE = "月度测评评分"
MODE_LABELS = {"auto": "自动", "manual": "自评"}


def score_report(
    ledger: Ledger,
    as_of: date,
    month: str,
    assessments: dict[str, AssessmentFile],
    districts: frozenset[str] = frozenset(),
) -> Report:
    """Score ``month`` (YYYY-MM) as of ``as_of``; ``districts`` limits the rows shown, not the ranking."""
    period = AssessmentMonth.of(month, as_of)
    scored = [s for s in score_month(ledger, period, assessments) if not districts or s.district in districts]
    groups = _groups(ledger)
    full_marks = round(sum(item.points for item in ledger.criteria.evaluation), 2)
    data = {
        "as_of": as_of.isoformat(),
        "month": period.month,
        "year": period.year,
        "cutoff": period.cutoff.isoformat(),
        "total_points": full_marks,
        "districts": [_district_json(s, groups) for s in scored],
        "deductions": [_deduction_json(s, i) for s in scored for i in s.items if i.lost > 0],
        "flags": [
            {"district": s.district, "item": f.item, "code": f.code, "message": f.message}
            for s in scored
            for f in s.flags
        ],
    }
    subtitle = [
        f"测评月份 {period.month}：{period.year} 年目标，按截至 {period.cutoff} 的台账计分；满分 {full_marks:g} 分",
    ]
    from baozufang_cli.reports.gap import missing_targets_line

    if (line := missing_targets_line(ledger.targets, [period.year], "--month {year}-12")) is not None:
        subtitle.append(line)
    if districts:
        subtitle.append("筛选 区县：" + "、".join(s.district for s in scored) + "（名次为全市排名）")
    tables = [
        _ranking_table(scored, groups, full_marks),
        _deductions_table(scored),
        _causes_table(scored),
        _flags_table(scored),
        _items_table(scored),
    ]
    return Report(TITLE, period.cutoff, ledger.name, tables, data, subtitle)


def _groups(ledger: Ledger) -> list[tuple[str, float]]:
    """Groups in scheme order with their full marks."""
    points: dict[str, float] = {}
    for item in ledger.criteria.evaluation:
        points[item.group] = points.get(item.group, 0.0) + item.points
    return list(points.items())


def _group_score(district: DistrictScore, group: str) -> float | None:
    counted = [i.score for i in district.items if i.item.group == group and i.counted and i.score is not None]
    return round(sum(counted), 2) if counted else None


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


# ---------------------------------------------------------------- JSON


def _item_json(scored: ItemScore, missing: frozenset[str]) -> dict[str, Any]:
    item, metric, claim, scoring = scored.item, scored.metric, scored.claim, scored.scoring
    return {
        "key": item.key,
        "label": item.label,
        "group": item.group,
        "points": item.points,
        "mode": scored.mode,
        "applicable": scored.applicable,
        "counted": scored.counted,
        "score": scored.score,
        "lost": scored.lost,
        "reason": scored.reason,
        # auto: the item's metric; manual: its ledger check (both null without one)
        "metric": scoring.metric if scoring else None,
        "rule": scoring.rule if scoring else None,
        "value": _rounded(metric.value) if metric else None,
        "numerator": metric.numerator if metric else None,
        "denominator": metric.denominator if metric else None,
        "summary": metric.summary if metric else None,
        "claimed": claim.score if claim else None,
        "explanation": claim.explanation if claim else None,
        "evidence": [
            {"title": e.title, "file": e.file, "kind": e.kind, "exists": e.file not in missing}
            for e in (claim.evidence if claim else [])
        ],
        "supported": scored.supported,
        "causes": [c.to_json() for c in metric.causes] if metric else [],
        "flags": [{"code": f.code, "message": f.message} for f in scored.flags],
    }


def _district_json(district: DistrictScore, groups: list[tuple[str, float]]) -> dict[str, Any]:
    missing = district.assessment.missing_files if district.assessment else frozenset()
    return {
        "district": district.district,
        "rank": district.rank,
        "score": district.score,
        "max_points": district.max_points,
        "total": district.total,
        "lost": round(district.max_points - district.score, 2),
        "assessment": district.assessment.path if district.assessment else None,
        "groups": [
            {"group": name, "points": points, "score": _group_score(district, name)}
            for name, points in groups
        ],
        "items": [_item_json(i, missing) for i in district.items],
        "flags": [{"item": f.item, "code": f.code, "message": f.message} for f in district.flags],
    }


def _deduction_json(district: DistrictScore, scored: ItemScore) -> dict[str, Any]:
    auto = scored.item.auto is not None
    return {
        "district": district.district,
        "item": scored.item.key,
        "label": scored.item.label,
        "points": scored.item.points,
        "score": scored.score,
        "lost": scored.lost,
        "reason": scored.reason,
        "causes": [c.to_json() for c in scored.metric.causes] if auto and scored.metric else [],
    }


# ---------------------------------------------------------------- tables


def _ranking_table(scored: list[DistrictScore], groups: list[tuple[str, float]], full: float) -> Table:
    columns = [Column("rank", "名次", "int"), Column("district", "区县")]
    columns += [Column(f"group_{i}", name, "float") for i, (name, _) in enumerate(groups)]
    columns += [
        Column("score", "得分", "float"),
        Column("max_points", "满分", "float"),
        Column("total", "折算得分", "float"),
    ]
    rows = []
    for district in scored:
        row: dict[str, Any] = {"rank": district.rank, "district": district.district}
        for i, (name, _) in enumerate(groups):
            row[f"group_{i}"] = _group_score(district, name)
        row.update(
            score=district.score,
            max_points=district.max_points,
            total=district.total,
            flags=len(district.flags),
        )
        rows.append(row)
    marks = "、".join(f"{name} {points:g}" for name, points in groups)
    notes = [
        f"分组满分：{marks}。满分不含不适用的自动计分项；折算得分 = 得分 / 满分 × {full:g}，名次按折算得分排列。"
    ]
    return Table("得分排名", columns, rows, notes=notes)


def _deductions_table(scored: list[DistrictScore]) -> Table:
    columns = [
        Column("district", "区县"),
        Column("label", "评价项"),
        Column("points", "分值", "float"),
        Column("score", "得分", "float"),
        Column("lost", "扣分", "float"),
        Column("reason", "扣分原因"),
    ]
    rows = [
        {
            "district": d.district,
            "label": i.item.label,
            "points": i.item.points,
            "score": i.score,
            "lost": i.lost,
            "reason": i.reason,
        }
        for d in scored
        for i in d.items
        if i.lost > 0
    ]
    return Table("扣分明细", columns, rows)


def _causes_table(scored: list[DistrictScore]) -> Table:
    columns = [
        Column("district", "区县"),
        Column("label", "评价项"),
        Column("project", "项目编号"),
        Column("name", "项目名称"),
        Column("detail", "问题"),
        Column("responsible_unit", "责任单位"),
        Column("department", "责任部门"),
    ]
    rows = [
        {"district": d.district, "label": i.item.label, **cause.to_json()}
        for d in scored
        for i in d.items
        if i.lost > 0 and i.item.auto is not None and i.metric is not None
        for cause in i.metric.causes
    ]
    return Table("倒查责任（扣分涉及的项目、节点与问题）", columns, rows)


def _flags_table(scored: list[DistrictScore]) -> Table:
    labels = {item.item.key: item.item.label for d in scored for item in d.items}
    columns = [
        Column("district", "区县"),
        Column("label", "评价项"),
        Column("flag", "标记"),
        Column("message", "说明"),
    ]
    rows = [
        {
            "district": d.district,
            "label": labels.get(f.item, "") if f.item else "（全部自评项）",
            "flag": FLAG_LABELS.get(f.code, f.code),
            "message": f.message,
        }
        for d in scored
        for f in d.flags
    ]
    return Table("自评核查", columns, rows, flags={i: {"upcoming"} for i in range(len(rows))})


def _items_table(scored: list[DistrictScore]) -> Table:
    columns = [
        Column("district", "区县"),
        Column("group", "分组"),
        Column("label", "评价项"),
        Column("points", "分值", "float"),
        Column("mode", "方式"),
        Column("value", "指标值", "pct"),
        Column("score", "得分", "float"),
        Column("lost", "扣分", "float"),
        Column("basis", "依据"),
        Column("flags", "核查标记"),
    ]
    rows = []
    for district in scored:
        for scored_item in district.items:
            item = scored_item.item
            auto = item.auto is not None
            metric = scored_item.metric
            rows.append(
                {
                    "district": district.district,
                    "group": item.group,
                    "label": item.label,
                    "points": item.points,
                    "mode": MODE_LABELS[scored_item.mode],
                    "value": _rounded(metric.value) if auto and metric else None,
                    "score": scored_item.score if scored_item.counted else None,
                    "lost": scored_item.lost,
                    # the metric's numbers (the rule is the same for every district) or the self-assessment
                    "basis": metric.summary
                    if auto and metric and scored_item.applicable
                    else scored_item.reason,
                    "flags": "、".join(FLAG_LABELS.get(f.code, f.code) for f in scored_item.flags),
                }
            )
    return Table("评分明细", columns, rows)
