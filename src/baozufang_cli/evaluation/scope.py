"""What every evaluation metric shares: the assessment month, the district's projects, results and causes.

``metrics.py`` (construction and ledger quality) and ``operations_metrics.py`` (delivered housing)
are functions ``(Scope, AutoScoring) -> MetricResult``; ``scheme.py`` checks the scheme against
``LEDGER_FIELDS``. Pure values, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from baozufang_cli.facts.dates import month_end, parse_month
from baozufang_cli.facts.project import is_delivered, milestone_done
from baozufang_cli.facts.records import DistrictTarget, Project
from baozufang_cli.ledger.registry import Ledger

# ledger_complete: key → (label, required only once delivered); a city picks a subset with `fields`
LEDGER_FIELDS: dict[str, tuple[str, bool]] = {
    "owner": ("建设主体", False),
    "responsible_unit": ("责任单位", False),
    "responsible_person": ("责任人", False),
    "contact": ("联系电话", False),
    "address": ("地址", False),
    "floor_area_m2": ("建筑面积", False),
    "small_units": ("≤70㎡套数", False),
    "funding": ("总投资", False),
    "progress": ("形象进度", False),
    "updated": ("更新日期", False),
    "milestone_plan": ("启动、交付节点计划日期", False),
    "operator": ("运营单位", True),
    "rent": ("租金", True),
    "market_rent": ("同地段市场租金", True),
    "leased_units": ("已出租套数", True),
}


@dataclass(frozen=True)
class AssessmentMonth:
    month: str  # YYYY-MM
    year: int
    start: date  # 1 January of the month's year
    cutoff: date  # the month's last day, or the as-of date if earlier

    @classmethod
    def of(cls, month: str, as_of: date) -> AssessmentMonth:
        year, number = parse_month(month)
        last = month_end(year, number)
        return cls(f"{year:04d}-{number:02d}", year, date(year, 1, 1), min(last, as_of))


@dataclass(frozen=True)
class Cause:
    """One project (and milestone or problem) that cost points, and who answers for it."""

    project: str
    name: str
    responsible_unit: str | None
    detail: str  # Chinese, e.g. 开工 计划 2024-03-01，未完成（逾期 121 天）
    milestone: str | None = None
    problem: str | None = None
    department: str | None = None  # the problem's responsible department

    def to_json(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "name": self.name,
            "responsible_unit": self.responsible_unit,
            "milestone": self.milestone,
            "problem": self.problem,
            "department": self.department,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class MetricResult:
    value: float | None  # a ratio (start/delivery rates may exceed 1); None: nothing to measure
    numerator: float
    denominator: float
    summary: str  # Chinese: what was counted
    causes: tuple[Cause, ...] = ()

    @property
    def failing_projects(self) -> int:
        return len({cause.project for cause in self.causes})


@dataclass
class Scope:
    ledger: Ledger
    district: str
    period: AssessmentMonth
    projects: list[Project] = field(default_factory=list)  # the district's valid projects

    @property
    def in_plan(self) -> list[Project]:
        """Projects of the plan up to the assessment year (later plan years are not yet due)."""
        return [p for p in self.projects if p.plan_year <= self.period.year]

    @property
    def operating(self) -> list[Project]:
        """Projects delivered (建成交付) by the cut-off."""
        return [p for p in self.projects if is_delivered(self.ledger, p, self.period.cutoff)]

    def days_delivered(self, project: Project) -> int | None:
        """Days from delivery to the cut-off; None when not delivered by then."""
        milestone = self.ledger.delivered_milestone(project)
        if not milestone_done(milestone, self.period.cutoff):
            return None
        assert milestone is not None and milestone.actual is not None
        return (self.period.cutoff - milestone.actual).days

    def past_grace(self, project: Project) -> bool:
        """Delivered longer ago than ``settings.operations_grace_days``: operations data is due (as in bzf operations)."""
        days = self.days_delivered(project)
        return days is not None and days > self.ledger.criteria.settings.operations_grace_days

    def unreported(self, project: Project, what: str) -> Cause:
        """The cause for a delivered project whose operations data ``what`` is missing."""
        return cause_for(project, f"交付已 {self.days_delivered(project)} 天，未填写{what}")

    def target(self) -> DistrictTarget | None:
        for target in self.ledger.targets.district_targets:
            if target.district == self.district and target.year == self.period.year:
                return target
        return None


def cause_for(project: Project, detail: str, **extra: str | None) -> Cause:
    return Cause(project.id, project.name, project.responsible_unit, detail, **extra)


def ratio_of(part: float, whole: float) -> float | None:
    # unrounded: rules score on the exact ratio, renderers round
    return part / whole if whole else None
