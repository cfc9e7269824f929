"""Changes to one project document (a ruamel tree from ``edit.Document``), driven by the models.

* ``set_field``: a field by dotted path (``units``, ``operations.leased_units``,
  ``problems.P1.due``, ``funding.sources.中央补助资金.received_wan``); the value is parsed by
  the model field's type; missing mappings are created; new keys go where the schema puts them.
* the building blocks ``items.py`` (milestones, problems) shares: ``set_key`` puts a key
  where the schema orders it, keeping comments; typed values come from ``values.py``.

Names are resolved like the reports resolve them (``Registry``: district, supply type and
milestone aliases). Problems with the command line are ``EditError`` (exit code 2); whether the
result is valid is decided later by ``Document.save``.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from baozufang_cli.edit.values import (
    Change,
    EditError,
    field_key,
    is_model,
    label,
    list_item,
    parse_value,
    unwrap,
)
from baozufang_cli.ledger.registry import NameNotFound, Registry, closest
from baozufang_cli.models import Milestone, Problem, Project

# ------------------------------------------------------------------ mappings in schema order


def new_map(flow: bool = False) -> Any:
    from ruamel.yaml.comments import CommentedMap

    mapping = CommentedMap()
    if flow:
        mapping.fa.set_flow_style()
    return mapping


def new_seq() -> Any:
    from ruamel.yaml.comments import CommentedSeq

    return CommentedSeq()


def set_key(mapping: Any, model: type[BaseModel], key: str, value: Any) -> None:
    """Replace ``mapping[key]`` (keeping its comment and quoting style) or insert it in schema order."""
    from ruamel.yaml.comments import CommentedSeq
    from ruamel.yaml.scalarstring import ScalarString

    from baozufang_cli.edit.roundtrip import flow_safe

    old = mapping.get(key)
    if isinstance(value, list) and not isinstance(value, CommentedSeq):
        items = new_seq()
        items.extend(flow_safe(item) for item in value)
        if not isinstance(old, CommentedSeq) or old.fa.flow_style():
            items.fa.set_flow_style()  # a list of words reads best on one line: [人才租赁住房, 青年]
        value = items
    elif getattr(getattr(mapping, "fa", None), "flow_style", lambda: False)():
        value = flow_safe(value)  # `{text: :a}` would not read back
    if key in mapping:
        if isinstance(old, ScalarString) and isinstance(value, str):
            value = type(old)(value)  # a quoted value stays quoted the same way
        mapping[key] = value
        return
    order = list(model.model_fields)
    rank = order.index(key) if key in order else len(order)
    position = 0
    for i, existing in enumerate(mapping):
        if existing in order and order.index(existing) < rank:
            position = i + 1
    mapping.insert(position, key, value)
    if position > 0 and not isinstance(value, dict | list):
        _keep_comment_lines_below(mapping, list(mapping)[position - 1], key)


def _keep_comment_lines_below(mapping: Any, previous: str, key: str) -> None:
    """ruamel keeps full-line comments that follow a key with that key; a key inserted after it
    would land below comments that introduce the next key. Move them below the new key."""
    from ruamel.yaml.tokens import CommentToken

    slots = mapping.ca.items.get(previous)
    value = mapping[previous]
    flow = getattr(getattr(value, "fa", None), "flow_style", lambda: False)()
    if not slots or len(slots) < 3 or slots[2] is None or (isinstance(value, dict | list) and not flow):
        return  # after a block collection the comments live on its last item: leave them
    token = slots[2]
    text = token.value
    cut = text.find("\n")
    if cut < 0 or cut == len(text) - 1:
        return
    head, rest = text[: cut + 1], text[cut + 1 :]
    if head.strip():
        token.value = head
    else:
        slots[2] = None
        if flow and value.ca.comment and value.ca.comment[0] is token:  # a flow collection shares the token
            value.ca.comment[0] = None
    mapping.ca.items[key] = [None, None, CommentToken("\n" + rest, token.start_mark, None), None]


def flow_like_siblings(items: Any) -> bool:
    """New list items are written in flow style when their siblings are (or the list is new)."""
    for item in items:
        style = getattr(item, "fa", None)
        if style is not None:
            return bool(style.flow_style())
    return True


def list_at(mapping: Any, model: type[BaseModel], key: str) -> Any:
    items = mapping.get(key)
    if items is None:
        items = new_seq()
        set_key(mapping, model, key, items)
    elif not isinstance(items, list):
        raise EditError(f"{label(model, key)}应为列表，请先修正文件")
    if not items:
        items.fa.set_block_style()  # `problems: []` gets its first item on a line of its own
    return items


# ------------------------------------------------------------------ fields by path


def project_supply_type(data: Any, registry: Registry) -> str:
    value = data.get("supply_type")
    if not isinstance(value, str):
        raise EditError("项目文件没有筹集方式（supply_type），无法识别节点", "先修正文件")
    try:
        return registry.supply_type(value)
    except NameNotFound as error:
        raise EditError(error.message, error.hint) from None


def _select_item(items: Any, selector: str, item_model: Any, data: Any, registry: Registry) -> int:
    """An item of a list of mappings by id (problems), name (milestones), kind (funding) or 1-based number."""
    if not isinstance(items, list) or not items:
        raise EditError(f"没有 {selector} 这一项：列表是空的")
    keys = [k for k in ("id", "name", "kind") if k in item_model.model_fields]
    if item_model is Milestone:
        supply_type = project_supply_type(data, registry)
        found = find_milestone(items, registry, supply_type, milestone_name(registry, supply_type, selector))
        if found is not None:
            return found
    for index, item in enumerate(items):
        if isinstance(item, dict) and any(str(item.get(key)) == selector for key in keys):
            return index
    if selector.isdigit() and 1 <= int(selector) <= len(items):
        return int(selector) - 1
    names = [str(item.get(keys[0])) for item in items if isinstance(item, dict) and keys]
    guess = closest(selector, names)
    raise EditError(f"没有 {selector} 这一项", f"是否为 {guess}？" if guess else f"现有：{'、'.join(names)}")


@dataclass
class Slot:
    """Where a dotted path points: the walk to the containing mapping, and the final key."""

    walk: list[tuple[type[BaseModel], str | int]]  # (model of the mapping, key) or (model, list index)
    model: type[BaseModel]
    key: str
    trail: str  # the path with keys spelled as keys: 「套数」 → units

    @property
    def annotation(self) -> Any:
        return self.model.model_fields[self.key].annotation

    @property
    def label(self) -> str:
        title = self.model.model_fields[self.key].title
        return f"「{title}」({self.trail})" if title else self.trail


def resolve_path(data: Any, path: str, registry: Registry) -> Slot:
    steps = [step for step in path.strip().split(".") if step]
    if not steps:
        raise EditError("没有指定字段")
    model: type[BaseModel] = Project
    node: Any = data
    walk: list[tuple[type[BaseModel], str | int]] = []
    trail: list[str] = []
    i = 0
    while True:
        key = field_key(model, steps[i])
        trail.append(key)
        kind = unwrap(model.model_fields[key].annotation)
        item = list_item(kind)
        last = i == len(steps) - 1
        if last:
            if is_model(kind):
                example = next(iter(kind.model_fields))
                raise EditError(f"{label(model, key)}是一组字段，请指定其中一项", f"例如 {path}.{example}")
            if item is not None and is_model(item):
                raise EditError(f"{label(model, key)}是列表，请指定其中一项", _list_hint(key))
            return Slot(walk, model, key, ".".join(trail))
        child: Any = node.get(key) if isinstance(node, dict) else None
        if is_model(kind):
            walk.append((model, key))
            model, node = kind, child
            i += 1
        elif item is not None and is_model(item):
            index = _select_item(child, steps[i + 1], item, data, registry)
            walk += [(model, key), (item, index)]
            trail.append(steps[i + 1])
            model, node = item, child[index]
            i += 2
            if i == len(steps):
                raise EditError(
                    f"请指定 {steps[i - 1]} 的哪一项", f"例如 {path}.{next(iter(item.model_fields))}"
                )
        else:
            raise EditError(f"{label(model, key)}没有下级字段 {'.'.join(steps[i + 1 :])}")


def _list_hint(key: str) -> str:
    return {
        "milestones": "节点日期用 bzf set 项目编号 节点名 --planned/--actual",
        "problems": "问题用 bzf problem add / close，或 problems.P1.due 这样的路径",
    }.get(key, f"例如 {key}.1.字段名（从 1 起的序号）")


def _container(data: Any, slot: Slot, create: bool) -> Any:
    """The mapping that holds ``slot.key``; missing or empty mappings on the way are created."""
    node = data
    for model, step in slot.walk:
        if isinstance(step, int):
            node = node[step]
            continue
        child = node.get(step)
        if child is None:
            if not create:
                return None
            child = new_map()
            set_key(node, model, step, child)
        elif not isinstance(child, dict | list):
            raise EditError(f"{label(model, step)}应为键值对，请先修正文件")
        node = child
    return node


def set_field(data: Any, registry: Registry, path: str, text: str | None) -> list[Change]:
    """Set the field at ``path`` from command-line ``text`` (parsed by the field's type), or
    clear it (``None``). Returns the changes made."""
    if text is None:
        return set_value(data, registry, path, None)
    slot = resolve_path(data, path, registry)
    return set_value(data, registry, path, parse_value(text, slot.annotation, slot.label))


def set_value(data: Any, registry: Registry, path: str, value: Any) -> list[Change]:
    """Set the field at ``path`` to a typed ``value`` (``datetime.date`` for dates; ``None``
    clears an existing value). Names are written in their official form. For callers with
    typed values, such as an import from Excel; ``bzf set`` parses text first (``set_field``)."""
    from baozufang_cli.edit.roundtrip import plain

    slot = resolve_path(data, path, registry)
    if slot.model is Project and slot.key == "id":
        raise EditError("项目编号不能用 bzf set 修改", "项目编号须与文件名一致：改文件名并改 id")
    container = _container(data, slot, create=value is not None)
    if value is None:
        if container is None or container.get(slot.key) is None:
            return []
        before = container[slot.key]
        container[slot.key] = None
        return [Change(slot.label, before, None)]
    if slot.model is Project and slot.key == "district":
        value = _resolve(registry.district_filter, value)
    elif slot.model is Project and slot.key == "supply_type":
        value = _resolve(registry.supply_type, value)
    elif slot.model is Problem and slot.key == "category":
        value = problem_category(registry, value)
    elif slot.model is Milestone and slot.key == "name":
        value = milestone_name(registry, project_supply_type(data, registry), value)
    before = container.get(slot.key)
    if slot.key in container and type(plain(before)) is type(plain(value)) and plain(before) == plain(value):
        return []
    set_key(container, slot.model, slot.key, value)
    return [Change(slot.label, before, value)]


def _resolve(lookup: typing.Callable[[str], str], value: str) -> str:
    try:
        return lookup(value)
    except NameNotFound as error:
        raise EditError(error.message, error.hint) from None


def milestone_name(registry: Registry, supply_type: str, name: str) -> str:
    return _resolve(lambda n: registry.milestone(supply_type, n), name)


# ------------------------------------------------------------------ milestones and problem categories


def canonical_milestone(item: Any, registry: Registry, supply_type: str) -> str | None:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        return None
    try:
        return registry.milestone(supply_type, item["name"])
    except NameNotFound:
        return None


def find_milestone(items: Any, registry: Registry, supply_type: str, canonical: str) -> int | None:
    if not isinstance(items, list):
        return None
    for i, item in enumerate(items):
        if canonical_milestone(item, registry, supply_type) == canonical:
            return i
    return None


def problem_category(registry: Registry, text: str) -> str:
    categories = registry.criteria.problem_categories
    if text in categories:
        return text
    matches = [c for c in categories if c.startswith(text) or (len(text) >= 2 and text in c)]
    if len(matches) == 1:
        return matches[0]
    raise EditError(f'未知问题类别 "{text}"', f"可选：{'、'.join(categories)}")
