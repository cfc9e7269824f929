"""What one imported row does to a project (``bzf import xlsx``): the content of a new file,
the edits to an existing one, and — cheaply, on the loaded model — whether anything differs.

Only values present in the row count: an empty cell never clears a value, and milestones,
problems and funding sources absent from the row are left alone. Values are compared by
meaning (1200 and 1200.0 are one number; a district's alias is the district; an absent
``unit_kind`` is its default 套), so importing the same sheet twice changes nothing.
"""

from __future__ import annotations

import contextlib
from datetime import date
from typing import TYPE_CHECKING, Any

from baozufang_cli.ledger.registry import NameNotFound
from baozufang_cli.xlsx_import.rows import Parsed

if TYPE_CHECKING:
    from baozufang_cli.edit.values import Change
    from baozufang_cli.facts.records import Project
    from baozufang_cli.ledger.registry import Registry

PLAIN_FIELDS = (
    "name", "district", "address", "supply_type", "tags", "owner", "operator", "units", "unit_kind",
    "small_units", "floor_area_m2", "plan_year", "progress", "responsible_unit", "responsible_person",
    "contact_person", "contact", "updated", "note",
)  # fmt: skip
NESTED_FIELDS = {
    "certificate_no": "certificate.no",
    "certificate_date": "certificate.date",
    "total_investment_wan": "funding.total_wan",
    "completed_investment_wan": "funding.completed_wan",
    "rent_yuan_m2": "operations.rent_yuan_m2",
    "market_rent_yuan_m2": "operations.market_rent_yuan_m2",
    "leased_units": "operations.leased_units",
}


class RowRefused(Exception):
    """A row that cannot be imported, with every reason (Chinese)."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("；".join(reasons))
        self.reasons = reasons


# ------------------------------------------------------------------ a new project


def project_values(parsed: Parsed, registry: Registry, project_id: str) -> dict[str, Any]:
    """A new project file's content (plain data for ``formatting.project_text``)."""
    fields = parsed.fields
    values: dict[str, Any] = {"id": project_id}
    values.update({key: fields[key] for key in PLAIN_FIELDS if key in fields})
    if "certificate_no" in fields:
        values["certificate"] = {"no": fields["certificate_no"], "date": fields.get("certificate_date")}
    elif "certificate_date" in fields:
        raise RowRefused(["有「认定日期」但没有「认定书编号」"])
    order = registry.milestone_order(str(fields["supply_type"]))
    if parsed.milestones:
        values["milestones"] = [
            {"name": name, "planned": dates.get("planned"), "actual": dates.get("actual")}
            for name, dates in sorted(parsed.milestones.items(), key=lambda item: order[item[0]])
        ]
    if parsed.problems:
        values["problems"] = [
            {
                "id": p.id,
                "text": p.text,
                "category": p.category,
                "department": p.department,
                "raised": p.raised,
            }
            | ({"due": p.due} if p.due is not None else {})
            for p in parsed.problems
        ]
    funding_keys = ("total_investment_wan", "completed_investment_wan")
    if any(key in fields for key in funding_keys) or parsed.sources:
        if "total_investment_wan" not in fields:
            raise RowRefused(["有资金信息但没有「总投资」"])
        funding: dict[str, Any] = {"total_wan": fields["total_investment_wan"]}
        if "completed_investment_wan" in fields:
            funding["completed_wan"] = fields["completed_investment_wan"]
        if parsed.sources:
            funding["sources"] = [
                {"kind": s.kind, "planned_wan": s.planned_wan, "received_wan": s.received_wan}
                | ({"received_on": s.received_on} if s.received_on is not None else {})
                | ({"note": s.note} if s.note else {})
                for s in parsed.sources
            ]
        values["funding"] = funding
    operations = {
        key: fields[key] for key in ("rent_yuan_m2", "market_rent_yuan_m2", "leased_units") if key in fields
    }
    if operations:
        values["operations"] = operations
    return values


# ------------------------------------------------------------------ updating a document


def apply_row(data: Any, registry: Registry, parsed: Parsed) -> list[Change]:
    """Set the row's values on a project document; only values that differ are changed."""
    from baozufang_cli.edit.items import set_milestone

    fields = parsed.fields
    changes: list[Change] = []
    for key in PLAIN_FIELDS:
        if key in fields:
            changes += _set(data, registry, key, fields[key])
    if "certificate_date" in fields and "certificate_no" not in fields and not _get(data, "certificate.no"):
        from baozufang_cli.edit.values import EditError

        raise EditError("有「认定日期」但没有「认定书编号」")
    for key, path in NESTED_FIELDS.items():
        if key in fields:
            changes += _set(data, registry, path, fields[key])
    for name, dates in parsed.milestones.items():
        changes += set_milestone(
            data, registry, name, planned=dates.get("planned"), actual=dates.get("actual")
        )
    for source in parsed.sources or []:
        changes += _set_source(data, registry, source)
    for problem in parsed.problems or []:
        changes += _set_problem(data, registry, problem)
    return changes


def _get(data: Any, path: str) -> Any:
    node = data
    for step in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(step)
    return node


def same_value(current: Any, value: Any) -> bool:
    """Equal in meaning: 1200 and 1200.0 are one number, a quoted date is a date."""
    if isinstance(current, bool) or isinstance(value, bool):
        return current is value
    if isinstance(current, int | float) and isinstance(value, int | float):
        return float(current) == float(value)
    if isinstance(value, date) and isinstance(current, str):
        return current.strip() == value.isoformat()
    if isinstance(current, list) and isinstance(value, list):
        return [str(v) for v in current] == [str(v) for v in value]
    if isinstance(current, str) and isinstance(value, str):
        return current.strip() == value
    return bool(current == value)


def _set(data: Any, registry: Registry, path: str, value: Any) -> list[Change]:
    from baozufang_cli.edit.fields import set_value

    current = _get(data, path)
    if path in ("district", "supply_type") and isinstance(current, str):
        lookup = registry.district if path == "district" else registry.supply_type
        with contextlib.suppress(NameNotFound):
            current = lookup(current)
    if current is None and "." not in path:
        current = _default(path)  # an absent key means the model's default (unit_kind: 套)
    if current is not None and same_value(current, value):
        return []
    return set_value(data, registry, path, value)


def _default(key: str) -> Any:
    from pydantic_core import PydanticUndefined

    from baozufang_cli.models import Project

    info = Project.model_fields.get(key)
    if info is None or info.default is PydanticUndefined:
        return None
    return info.default


def _set_source(data: Any, registry: Registry, source: Any) -> list[Change]:
    from baozufang_cli.edit.fields import flow_like_siblings, list_at, new_map
    from baozufang_cli.edit.values import Change
    from baozufang_cli.models import Funding

    sources = _get(data, "funding.sources")
    if isinstance(sources, list) and any(
        isinstance(s, dict) and s.get("kind") == source.kind for s in sources
    ):
        base = f"funding.sources.{source.kind}"
        changes = _set(data, registry, f"{base}.planned_wan", source.planned_wan)
        changes += _set(data, registry, f"{base}.received_wan", source.received_wan)
        if source.received_on is not None:
            changes += _set(data, registry, f"{base}.received_on", source.received_on)
        if source.note:
            changes += _set(data, registry, f"{base}.note", source.note)
        return changes
    funding = data.get("funding")
    if not isinstance(funding, dict):
        from baozufang_cli.edit.values import EditError

        raise EditError("有资金来源但项目没有资金信息（总投资）", "在表中填写「总投资」")
    items = list_at(funding, Funding, "sources")
    item = new_map(flow=flow_like_siblings(items))
    item["kind"] = source.kind
    item["planned_wan"] = source.planned_wan
    item["received_wan"] = source.received_wan
    if source.received_on is not None:
        item["received_on"] = source.received_on
    if source.note:
        item["note"] = source.note
    items.append(item)
    return [
        Change(f"新增资金来源 {source.kind}", None, f"计划 {source.planned_wan}，到位 {source.received_wan}")
    ]


def _set_problem(data: Any, registry: Registry, problem: Any) -> list[Change]:
    from baozufang_cli.edit.items import add_problem

    items = data.get("problems")
    if isinstance(items, list) and any(isinstance(p, dict) and str(p.get("id")) == problem.id for p in items):
        changes = []
        for key in ("text", "category", "department", "raised", "due"):
            value = getattr(problem, key)
            if value is not None:
                changes += _set(data, registry, f"problems.{problem.id}.{key}", value)
        return changes
    _, changes = add_problem(
        data,
        registry,
        text=problem.text,
        category=problem.category,
        department=problem.department,
        raised=problem.raised,
        due=problem.due,
        problem_id=problem.id,
    )
    return changes


# ------------------------------------------------------------------ anything to do?


def differs(project: Project, parsed: Parsed) -> bool:
    """Whether importing ``parsed`` could change ``project`` (a loaded, canonical model): False
    only when every value in the row is already the project's, so an unchanged row is settled
    without opening the file (a 10,000-row re-import would otherwise re-read every file)."""
    fields = parsed.fields
    for key in PLAIN_FIELDS:
        if key in fields and not same_value(getattr(project, key), fields[key]):
            return True
    for key, path in NESTED_FIELDS.items():
        if key in fields:
            owner_name, attribute = path.split(".")
            owner = getattr(project, owner_name)
            if owner is None or not same_value(getattr(owner, attribute), fields[key]):
                return True
    for name, dates in parsed.milestones.items():
        given = {when: day for when, day in dates.items() if day is not None}
        milestone = project.milestone(name)
        if given and (milestone is None or any(getattr(milestone, w) != d for w, d in given.items())):
            return True
    sources = {s.kind: s for s in project.funding.sources} if project.funding else {}
    for source in parsed.sources or []:
        known = sources.get(source.kind)
        if known is None or not (
            same_value(known.planned_wan, source.planned_wan)
            and same_value(known.received_wan, source.received_wan)
            and (source.received_on is None or known.received_on == source.received_on)
            and (not source.note or known.note == source.note)
        ):
            return True
    problems = {p.id: p for p in project.problems}
    for problem in parsed.problems or []:
        known_problem = problems.get(problem.id)
        if known_problem is None or any(
            getattr(problem, key) is not None
            and not same_value(getattr(known_problem, key), getattr(problem, key))
            for key in ("text", "category", "department", "raised", "due")
        ):
            return True
    return False
