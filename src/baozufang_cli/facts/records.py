"""Plain records of validated ledger data: what every report reads, with no pydantic behind them.

Pydantic (``models.py``) validates a file once, when it is parsed; the loader then turns the
validated model into these records, and that is all reports, facts and the cache ever see. A
record is a ``NamedTuple`` with the model's fields, in the model's order and under the same
names (``tests/facts/test_records.py`` holds them to that), so ``project.milestones[0].actual``
reads the same whichever way the project was loaded. Lists stay lists, dates stay dates.

The cache (``ledger/cache.py``) stores records as plain nested tuples (dates as ordinals,
strings interned) and rebuilds them with one generated function per record class: a warm run
imports neither pydantic nor the models and builds no model object. ``SPEC`` names, for each
record class, which fields are dates, nested records or lists of records; everything else is
stored as it is.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from typing import Any, Literal, NamedTuple

Encoded = tuple[Any, ...]

# ---------------------------------------------------------------- projects/**/*.yaml


class Milestone(NamedTuple):
    name: str
    planned: date | None
    actual: date | None
    note: str | None


class Problem(NamedTuple):
    id: str
    text: str
    category: str
    department: str
    raised: date
    due: date | None
    closed: date | None
    resolution: str | None
    measures: str | None
    person: str | None


class Certificate(NamedTuple):
    no: str
    date: date | None


class FundingSource(NamedTuple):
    kind: str
    planned_wan: float
    received_wan: float
    received_on: date | None
    note: str | None


class Funding(NamedTuple):
    total_wan: float
    completed_wan: float | None
    sources: list[FundingSource]


class Operations(NamedTuple):
    rent_yuan_m2: float | None
    market_rent_yuan_m2: float | None
    leased_units: int | None
    opened: date | None
    admission: str | None
    contact: str | None


class Project(NamedTuple):
    id: str
    name: str
    district: str
    supply_type: str
    units: int
    unit_kind: str
    plan_year: int
    tags: list[str]
    owner: str | None
    operator: str | None
    responsible_unit: str | None
    responsible_person: str | None
    contact_person: str | None
    contact: str | None
    address: str | None
    floor_area_m2: float | None
    small_units: int | None
    certificate: Certificate | None
    progress: str | None
    milestones: list[Milestone]
    problems: list[Problem]
    funding: Funding | None
    operations: Operations | None
    updated: date | None
    note: str | None

    def milestone(self, name: str) -> Milestone | None:
        for milestone in self.milestones:
            if milestone.name == name:
                return milestone
        return None


class ProjectFacts(NamedTuple):
    """What most reports need of one project file, taken from its record once, when the file is
    parsed, and cached beside it (``facts/project.project_facts``): ``bzf status``, ``gap`` and
    ``check``'s cross-file rules read only these, so a warm run never rebuilds the full records.
    Not a model's mirror: derived with the registry (which milestone starts, which delivers).
    Flat, so the cache rebuilds one object a project; a milestone the file does not list has
    neither date, which every report counts the same as one listed without dates."""

    path: str  # the file, relative to the ledger root
    id: str
    district: str
    supply_type: str
    plan_year: int
    units: int
    tags: list[str]
    start_planned: date | None  # the supply type's 启动建设 milestone as the file lists it
    start_actual: date | None
    delivered_planned: date | None  # its 建成交付 milestone
    delivered_actual: date | None
    latest: date | None  # the latest actual, closing or receipt date the file records


# ---------------------------------------------------------------- targets.yaml


class District(NamedTuple):
    name: str
    aliases: list[str]
    code: str | None
    kind: str


class CityTarget(NamedTuple):
    year: int
    metric: Literal["started", "delivered"]
    units: int
    cumulative: bool
    tag: str | None
    note: str | None


class DistrictTarget(NamedTuple):
    district: str
    year: int
    started: int
    delivered: int
    note: str | None


class ReportForm(NamedTuple):
    unit: str | None
    preparer: str | None
    phone: str | None
    reviewer: str | None
    leader: str | None


class Targets(NamedTuple):
    plan: str
    city: str
    districts: list[District]
    city_targets: list[CityTarget]
    district_targets: list[DistrictTarget]
    report: ReportForm | None
    fields_set: list[
        str
    ]  # the keys the file gives (pydantic's model_fields_set), e.g. whether it names its city


# ---------------------------------------------------------------- criteria.yaml


class MilestoneSpec(NamedTuple):
    name: str
    days: int
    aliases: list[str]
    description: str | None


class SupplyType(NamedTuple):
    key: str
    label: str
    aliases: list[str]
    start_milestone: str
    delivered_milestone: str
    start_standard: str
    delivered_standard: str
    milestones: list[MilestoneSpec]


class Settings(NamedTuple):
    rent_ceiling_ratio: float
    rent_flag_ratio: float
    operations_grace_days: int


class Lights(NamedTuple):
    yellow_points: float
    red_points: float
    yellow_days: int
    red_days: int


class AutoScoring(NamedTuple):
    metric: str
    rule: str
    threshold: float
    k: float
    supply_types: list[str] | None
    fields: list[str] | None


class ManualScoring(NamedTuple):
    evidence: list[str]
    ledger_check: AutoScoring | None


class EvaluationItem(NamedTuple):
    key: str
    label: str
    group: str
    points: float
    auto: AutoScoring | None
    manual: ManualScoring | None
    not_applicable: str
    description: str | None


class Criteria(NamedTuple):
    supply_types: list[SupplyType]
    problem_categories: list[str]
    settings: Settings
    lights: Lights
    funding_kinds: list[str]
    evaluation: list[EvaluationItem]
    queries: dict[str, str]


# ---------------------------------------------------------------- how each record is stored

DATE, RECORD, RECORDS = "date", "record", "records"
# record class → {field: (kind, nested record class or None)}; fields not named are plain values
SPEC: dict[type, dict[str, tuple[str, type | None]]] = {
    Milestone: {"planned": (DATE, None), "actual": (DATE, None)},
    Problem: {"raised": (DATE, None), "due": (DATE, None), "closed": (DATE, None)},
    Certificate: {"date": (DATE, None)},
    FundingSource: {"received_on": (DATE, None)},
    Funding: {"sources": (RECORDS, FundingSource)},
    Operations: {"opened": (DATE, None)},
    Project: {
        "certificate": (RECORD, Certificate),
        "milestones": (RECORDS, Milestone),
        "problems": (RECORDS, Problem),
        "funding": (RECORD, Funding),
        "operations": (RECORD, Operations),
        "updated": (DATE, None),
    },
    ProjectFacts: {
        name: (DATE, None)
        for name in ("start_planned", "start_actual", "delivered_planned", "delivered_actual", "latest")
    },
    District: {},
    CityTarget: {},
    DistrictTarget: {},
    Targets: {
        "districts": (RECORDS, District),
        "city_targets": (RECORDS, CityTarget),
        "district_targets": (RECORDS, DistrictTarget),
        "report": (RECORD, ReportForm),
    },
    ReportForm: {},
    MilestoneSpec: {},
    SupplyType: {"milestones": (RECORDS, MilestoneSpec)},
    Settings: {},
    Lights: {},
    AutoScoring: {},
    ManualScoring: {"ledger_check": (RECORD, AutoScoring)},
    EvaluationItem: {"auto": (RECORD, AutoScoring), "manual": (RECORD, ManualScoring)},
    Criteria: {
        "supply_types": (RECORDS, SupplyType),
        "settings": (RECORD, Settings),
        "lights": (RECORD, Lights),
        "evaluation": (RECORDS, EvaluationItem),
    },
}


DERIVED = (ProjectFacts,)  # records that mirror no model: derived from other records

# fields a record has beyond its model's, and how they are taken from the model
EXTRA: dict[type, dict[str, Callable[[Any], Any]]] = {
    Targets: {"fields_set": lambda model: sorted(model.model_fields_set)},
}


def fingerprint() -> str:
    """The shape of every record; part of the cache key."""
    return "|".join(
        f"{record.__name__}({','.join(record._fields)};"  # type: ignore[attr-defined]
        f"{sorted((k, v[0]) for k, v in SPEC[record].items())})"
        for record in SPEC
    )


def from_model(record: type, model: Any) -> Any:
    """The record of a validated pydantic model (``models.Project`` → ``Project``)."""
    spec = SPEC[record]
    values = []
    extra = EXTRA.get(record, {})
    for name in record._fields:  # type: ignore[attr-defined]
        value = extra[name](model) if name in extra else getattr(model, name)
        kind, nested = spec.get(name, ("", None))
        if value is not None and nested is not None:
            value = (
                from_model(nested, value) if kind == RECORD else [from_model(nested, item) for item in value]
            )
        elif type(value) in (list, dict):
            value = type(value)(value)  # the record owns its lists
        values.append(value)
    return record._make(values)  # type: ignore[attr-defined]


def encode(record: Any) -> Encoded:
    """A record as plain nested tuples that ``marshal`` stores (dates as ordinals, strings interned)."""
    return encode_any(type(record), record)


def encode_any(record: type, value: Any) -> Encoded:
    """``encode`` of ``value``: a ``record``, or a validated model as that record would be —
    ``encode(from_model(record, model))`` without building the record (a cold load keeps only
    this; tests hold it to that). One generated function per class, like ``decoder``."""
    if record in EXTRA and type(value) is not record:  # fields the model has under another name
        value = record._make(  # type: ignore[attr-defined]
            EXTRA[record][name](value) if name in EXTRA[record] else getattr(value, name)
            for name in record._fields  # type: ignore[attr-defined]
        )
    found = _ENCODERS.get(record) or _encoder(record)
    return found(value)


def _plain(value: Any) -> Any:
    """A field that is neither a date nor a record: strings interned, lists copied (``encode``)."""
    if type(value) is str:
        return sys.intern(value)
    if type(value) is list:
        return [sys.intern(item) if type(item) is str else item for item in value]
    return value


_ENCODERS: dict[type, Callable[[Any], Encoded]] = {}


def _encoder(record: type) -> Callable[[Any], Encoded]:
    spec = SPEC[record]
    namespace: dict[str, Any] = {"plain": _plain, "encode_any": encode_any}
    values = []
    for i, field in enumerate(record._fields):  # type: ignore[attr-defined]
        kind, nested = spec.get(field, ("", None))
        namespace[f"r{i}"] = nested
        value = f"value.{field}"
        if kind == DATE:
            values.append(f"None if (x := {value}) is None else x.toordinal()")
        elif kind == RECORD:
            values.append(f"None if (x := {value}) is None else encode_any(r{i}, x)")
        elif kind == RECORDS:
            values.append(f"None if (x := {value}) is None else [encode_any(r{i}, y) for y in x]")
        else:
            values.append(f"None if (x := {value}) is None else plain(x)")
    source = f"def encode(value):\n    return ({', '.join(values)},)\n"
    exec(compile(source, f"<bzf encode {record.__name__}>", "exec"), namespace)
    found = _ENCODERS[record] = namespace["encode"]
    return found


_DECODERS: dict[type, Callable[[Encoded], Any]] = {}
_DATES: dict[int, date] = {}  # ordinal → date: equal dates are one object, built once


def _date(ordinal: int) -> date:
    found = _DATES[ordinal] = date.fromordinal(ordinal)
    return found


def decoder(record: type) -> Callable[[Encoded], Any]:
    """The function that rebuilds ``record`` from ``encode``'s tuples (generated once per class).

    A straight-line function per class: the whole cost of a warm load is here.
    """
    found = _DECODERS.get(record)
    if found is not None:
        return found
    spec = SPEC[record]
    fields: tuple[str, ...] = record._fields  # type: ignore[attr-defined]
    namespace: dict[str, Any] = {"new": tuple.__new__, "record": record, "dates": _DATES, "make_date": _date}
    names = [f"v{i}" for i in range(len(fields))]
    values = []
    for i, field in enumerate(fields):
        kind, nested = spec.get(field, ("", None))
        value = names[i]
        if kind == DATE:
            value = f"None if {value} is None else (dates.get({value}) or make_date({value}))"
        elif kind == RECORD:
            namespace[f"d{i}"] = decoder(nested)  # type: ignore[arg-type]
            value = f"None if {value} is None else d{i}({value})"
        elif kind == RECORDS:
            namespace[f"d{i}"] = decoder(nested)  # type: ignore[arg-type]
            value = f"[d{i}(x) for x in {value}]"
        values.append(value)
    source = (
        f"def decode(data):\n    {', '.join(names)}, = data\n    return new(record, ({', '.join(values)},))\n"
    )
    exec(compile(source, f"<bzf record {record.__name__}>", "exec"), namespace)
    found = _DECODERS[record] = namespace["decode"]
    return found
