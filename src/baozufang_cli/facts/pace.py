"""Pace against the year's target (序时进度) and the traffic lights (红黄绿灯): one definition.

``bzf gap``, ``bzf lights``, ``bzf forecast``, the periodic report and the Excel pack read
these, so a district is counted and lit the same way everywhere (docs/commands/lights.md):

* ``tally_year`` — a district's units for one target year and metric: ``actual`` = units whose
  milestone for the metric is done as of D with its actual date in the year; ``projected`` adds
  units not done as of D whose planned date is in the year (nothing once the year is over);
* ``elapsed_fraction`` — ``f = ((D − 1 Jan Y).days + 1) / days_in_year(Y)``, capped to [0, 1];
* ``district_light`` — ``r = A / T``, ``behind = (f − r) × 100`` points; green when
  ``behind ≤ yellow_points``, yellow when ``≤ red_points``, else red (from the unrounded value);
  no target (T ≤ 0 or none) → ``none``;
* ``project_light`` — a project not delivered is red when its most overdue open milestone
  (planned ≤ D, not done as of D) is more than ``red_days`` overdue, yellow when more than
  ``yellow_days``, else green; a delivered project is ``done``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

from baozufang_cli.facts.dates import year_end

if TYPE_CHECKING:
    from baozufang_cli.facts.project import MilestoneState, ProjectProgress
    from baozufang_cli.facts.records import DistrictTarget, Lights

Metric = Literal["started", "delivered"]
METRICS: tuple[Metric, ...] = ("started", "delivered")
Light = Literal["green", "yellow", "red", "none", "done"]
# the word beside (or instead of) the colour: never colour alone
LIGHT_LABELS: dict[str, str] = {"green": "绿", "yellow": "黄", "red": "红", "none": "-", "done": "已交付"}
# the row flag a renderer colours: red as a shortfall, yellow as a warning, green as done
LIGHT_FLAGS: dict[str, str] = {"red": "shortfall", "yellow": "warning", "green": "done"}
# what each colour means, for a spreadsheet's legend
LIGHT_MEANINGS: dict[str, str] = {"red": "红灯：落后序时进度较多", "yellow": "黄灯：略落后序时进度",
                                  "green": "绿灯：达到序时进度"}  # fmt: skip
SEVERITY: dict[str, int] = {"red": 0, "yellow": 1, "green": 2, "none": 3, "done": 4}


def metric_state(progress: ProjectProgress, metric: Metric) -> MilestoneState | None:
    """The project's standard milestone for ``metric`` (start or delivery), if the file lists it."""
    return progress.start if metric == "started" else progress.delivered


@dataclass
class Tally:
    actual: int = 0
    projected: int = 0


def tally_year(progresses: Iterable[ProjectProgress], year: int, metric: Metric, as_of: date) -> Tally:
    """Actual and projected units of ``progresses`` for one district target year (as ``bzf gap`` counts)."""
    tally = Tally()
    year_open = as_of < year_end(year)
    for progress in progresses:
        state = metric_state(progress, metric)
        if state is None:
            continue
        units = progress.project.units
        if state.actual is not None and state.actual.year == year:
            tally.actual += units
            tally.projected += units
        elif year_open and not state.done and state.planned is not None and state.planned.year == year:
            tally.projected += units
    return tally


def days_in_year(year: int) -> int:
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


def elapsed_fraction(as_of: date, year: int) -> Fraction:
    """序时进度: the share of ``year`` elapsed on ``as_of`` (its own day included), in [0, 1]."""
    days = (as_of - date(year, 1, 1)).days + 1
    return min(Fraction(1), max(Fraction(0), Fraction(days, days_in_year(year))))


def round_half_up(value: Fraction, digits: int = 0) -> Fraction:
    """Round an exact value to ``digits`` decimals, halves away from zero (as a hand or Excel's ROUND)."""
    scale = Fraction(10) ** digits
    magnitude = (abs(value) * scale + Fraction(1, 2)).__floor__()
    return Fraction(magnitude if value >= 0 else -magnitude) / scale


def exact(number: float) -> Fraction:
    """A threshold from criteria.yaml as the decimal it was written as (10.1 is 101/10, not a binary float)."""
    return Fraction(repr(number))


@dataclass(frozen=True)
class DistrictPace:
    target: int | None
    actual: int
    elapsed: Fraction  # f
    completion: Fraction | None  # r = A / T; None without a target
    behind: Fraction | None  # (f − r) × 100, exact; None without a target
    light: Light

    @property
    def elapsed_pct(self) -> float:
        return round(float(self.elapsed), 4)

    @property
    def actual_pct(self) -> float | None:
        return None if self.completion is None else round(float(self.completion), 4)

    @property
    def behind_points(self) -> float | None:
        return None if self.behind is None else float(round_half_up(self.behind, 1))


def district_light(target: int | None, actual: int, as_of: date, year: int, lights: Lights) -> DistrictPace:
    """The light of a district for one metric; exact arithmetic, so a boundary case is decided as by hand."""
    elapsed = elapsed_fraction(as_of, year)
    if not target or target <= 0:
        return DistrictPace(target, actual, elapsed, None, None, "none")
    completion = Fraction(actual, target)
    behind = (elapsed - completion) * 100
    light: Light
    if behind <= exact(lights.yellow_points):
        light = "green"
    elif behind <= exact(lights.red_points):
        light = "yellow"
    else:
        light = "red"
    return DistrictPace(target, actual, elapsed, completion, behind, light)


@dataclass(frozen=True)
class ProjectPace:
    light: Light
    days_overdue: int  # of the most overdue open milestone; 0 when none is open
    milestone: str | None  # that milestone


def project_light(progress: ProjectProgress, lights: Lights) -> ProjectPace:
    if progress.is_delivered:
        return ProjectPace("done", 0, None)
    as_of = progress.as_of
    # open: planned on or before D and not done (a milestone due on D is open, 0 days overdue);
    # the most overdue is the earliest planned, ties in standard order
    open_states = [
        s for s in progress.milestones if s.planned is not None and s.planned <= as_of and not s.done
    ]
    if not open_states:
        return ProjectPace("green", 0, None)
    worst = min(open_states, key=lambda s: (s.planned, s.position))
    assert worst.planned is not None
    days = (as_of - worst.planned).days
    light: Light = "red" if days > lights.red_days else "yellow" if days > lights.yellow_days else "green"
    return ProjectPace(light, days, worst.name)


def group_by_district(progresses: Iterable[ProjectProgress]) -> dict[str, list[ProjectProgress]]:
    """Project progress per district, in the order given."""
    grouped: dict[str, list[ProjectProgress]] = {}
    for progress in progresses:
        grouped.setdefault(progress.project.district, []).append(progress)
    return grouped


def year_targets(
    targets: Iterable[DistrictTarget], year: int, districts: Iterable[str] = ()
) -> dict[str, dict[str, int]]:
    """Each district's targets for ``year`` ({district: {metric: units}}), only ``districts`` when given."""
    wanted = set(districts)
    return {
        t.district: {"started": t.started, "delivered": t.delivered}
        for t in targets
        if t.year == year and (not wanted or t.district in wanted)
    }
