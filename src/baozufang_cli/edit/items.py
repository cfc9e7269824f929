"""Milestones and problems of a project document, and finding a project's file.

* ``set_milestone``: a milestone's planned/actual date; a missing milestone is inserted at
  its place in the supply type's standard sequence.
* ``add_problem`` / ``close_problem``: the problem list (问题清单).
* ``find_project_file``: the file of a project id anywhere under projects/.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from baozufang_cli.edit.fields import (
    canonical_milestone,
    find_milestone,
    flow_like_siblings,
    list_at,
    milestone_name,
    new_map,
    problem_category,
    project_supply_type,
    set_key,
)
from baozufang_cli.edit.values import Change, EditError, label
from baozufang_cli.ledger.registry import NameNotFound, Registry, closest
from baozufang_cli.models import Milestone, Problem, Project

# ------------------------------------------------------------------ milestones


def is_milestone(data: Any, registry: Registry, name: str) -> bool:
    try:
        registry.milestone(project_supply_type(data, registry), name)
    except (NameNotFound, EditError):
        return False
    return True


def unknown_field_or_milestone(data: Any, registry: Registry, name: str) -> EditError:
    """The error for a name that is neither a field nor a milestone, naming the closest of both."""
    fields = Project.model_fields
    candidates = [*fields, *(info.title for info in fields.values() if info.title)]
    try:
        supply_type = registry.supply_types[project_supply_type(data, registry)]
        candidates += [spec.name for spec in supply_type.milestones]
    except EditError:
        pass
    guess = closest(name, candidates)
    hint = f"是否为 {guess}？" if guess else "字段名见 docs/format.md 的项目文件格式，节点名见 criteria.yaml"
    return EditError(f"没有字段或节点 {name}", hint)


def set_milestone(
    data: Any,
    registry: Registry,
    name: str,
    *,
    planned: date | None = None,
    actual: date | None = None,
    clear_actual: bool = False,
) -> list[Change]:
    supply_type = project_supply_type(data, registry)
    canonical = milestone_name(registry, supply_type, name)
    order = registry.milestone_order(supply_type)
    items = data.get("milestones")
    index = find_milestone(items, registry, supply_type, canonical)
    if index is None and planned is None and actual is None:
        return []  # clearing the actual date of a milestone that is not listed: nothing to do
    items = list_at(data, Project, "milestones")
    changes: list[Change] = []
    if index is None:
        item = new_map(flow=flow_like_siblings(items))
        item["name"] = canonical
        index = 0
        for i, existing in enumerate(items):
            existing_name = canonical_milestone(existing, registry, supply_type)
            if existing_name is not None and order[existing_name] < order[canonical]:
                index = i + 1
        items.insert(index, item)
        changes.append(Change("新增节点", None, canonical))
    item = items[index]
    for key, value in (("planned", planned), ("actual", actual)):
        if value is not None and item.get(key) != value:
            changes.append(Change(f"{canonical} {label(Milestone, key)}", item.get(key), value))
            set_key(item, Milestone, key, value)
    if clear_actual and item.get("actual") is not None:
        changes.append(Change(f"{canonical} {label(Milestone, 'actual')}", item["actual"], None))
        item["actual"] = None
    return changes


# ------------------------------------------------------------------ problems


def next_problem_id(existing: set[str]) -> str:
    numbers = [int(m.group(1)) for i in existing if (m := re.fullmatch(r"[Pp](\d+)", i))]
    number = max(numbers, default=0) + 1
    while f"P{number}" in existing:
        number += 1
    return f"P{number}"


def add_problem(
    data: Any,
    registry: Registry,
    *,
    text: str,
    category: str,
    department: str,
    raised: date,
    due: date | None = None,
    problem_id: str | None = None,
    measures: str | None = None,
    person: str | None = None,
) -> tuple[str, list[Change]]:
    category = problem_category(registry, category)
    items = list_at(data, Project, "problems")
    existing = {str(item.get("id")) for item in items if isinstance(item, dict)}
    problem_id = problem_id or next_problem_id(existing)
    if problem_id in existing:
        raise EditError(f"问题编号 {problem_id} 已存在", "不指定 --id 时自动编号")
    item = new_map(flow=flow_like_siblings(items))
    values: dict[str, Any] = {
        "id": problem_id,
        "text": text,
        "category": category,
        "department": department,
        "raised": raised,
        "due": due,
        "measures": measures,
        "person": person,
    }
    for key, value in values.items():
        if value is not None:
            item[key] = value
    items.append(item)
    return problem_id, [Change(f"新增问题 {problem_id}", None, f"{text}（{category}，{department}）")]


def close_problem(
    data: Any, problem_id: str, closed: date, resolution: str | None, project_id: str
) -> list[Change]:
    items = data.get("problems")
    found = [item for item in items or [] if isinstance(item, dict) and str(item.get("id")) == problem_id]
    if not found:
        ids = [str(item.get("id")) for item in items or [] if isinstance(item, dict)]
        hint = f"现有问题：{'、'.join(ids)}" if ids else "该项目没有问题清单"
        raise EditError(f"没有问题 {problem_id}", hint)
    item = found[0]
    if item.get("closed") is not None:
        raise EditError(
            f"问题 {problem_id} 已于 {item['closed']} 办结",
            f"如需更正，用 bzf set {project_id} problems.{problem_id}.closed 日期",
        )
    changes = [Change(f"问题 {problem_id} {label(Problem, 'closed')}", None, closed)]
    set_key(item, Problem, "closed", closed)
    if resolution:
        changes.append(
            Change(f"问题 {problem_id} {label(Problem, 'resolution')}", item.get("resolution"), resolution)
        )
        set_key(item, Problem, "resolution", resolution)
    return changes


# ------------------------------------------------------------------ finding a project's file


def find_project_file(root: Path, project_id: str) -> tuple[Path, str]:
    """The file of the project ``project_id`` names anywhere under projects/: by file name (in any
    case), then by the loaded ledger's ``find_project`` (id in any case, name, unique name fragment)."""
    from baozufang_cli.ledger.discover import discover

    files, _ = discover(root)
    matches = [(path, rel) for path, rel in files if path.stem == project_id]
    if not matches:
        matches = [(path, rel) for path, rel in files if path.stem.casefold() == project_id.casefold()]
    if not matches:
        from baozufang_cli.ledger.load import LedgerUnusable, load_ledger

        try:
            ledger = load_ledger(root)
        except LedgerUnusable:
            ledger = None
        if ledger is not None:
            found = ledger.find_project(project_id)  # ambiguous or unknown: exit 2 with candidates
            project_id = found.id
            matches = [(root / ledger.path(p), ledger.path(p)) for p in ledger.projects if p.id == found.id]
    if len(matches) > 1:
        raise EditError(
            f"项目编号 {project_id} 重复：{'、'.join(rel for _, rel in matches)}", "先修正重复的编号"
        )
    if not matches:
        guess = closest(project_id, [path.stem for path, _ in files])
        raise EditError(f"找不到项目 {project_id}", f"是否为 {guess}？" if guess else "项目编号即文件名")
    return matches[0]
