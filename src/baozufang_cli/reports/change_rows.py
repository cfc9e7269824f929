"""Field changes as people read them: one row per new or removed problem, milestone or funding
source, other fields by their Chinese titles (``问题 P1 办结日期``, ``资金 银行贷款 到位金额（万元）``).

Pure: (flattened field changes of one project) → rows; ``reports/changes.py`` adds who and when.
The flattened paths are ``history/diff.py``'s (``problems.P1.closed``); they stay in the JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from baozufang_cli.history.diff import FILE_FIELD, KEYED_LISTS

if TYPE_CHECKING:
    from pydantic import BaseModel

    from baozufang_cli.history.diff import FieldChange

# list path → (the item's word, the item's key field)
ITEMS = {"milestones": "节点", "problems": "问题", "funding.sources": "资金"}
ITEM_KINDS = {"milestones": "milestone", "problems": "problem", "funding.sources": "funding_source"}
SECTION_WORDS = {"funding": "资金", "operations": "运营", "certificate": "认定书"}


@dataclass
class ChangeRow:
    """One row of a change table: ``label`` is the main column."""

    change: str  # "field" | "item_added" | "item_removed"
    label: str
    old: str | None
    new: str | None
    fields: list[str] = field(default_factory=list)  # the flattened paths it stands for
    item: str | None = None  # "problem" | "milestone" | "funding_source"
    key: str | None = None  # the item's id, name or kind

    def data(self) -> dict[str, Any]:
        return {"change": self.change, "item": self.item, "key": self.key, "label": self.label,
                "old": self.old, "new": self.new, "fields": self.fields}  # fmt: skip


def value_text(value: Any) -> str | None:
    """A field value as one line of text: lists joined with 、, 3000.0 as 3000."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)


def _models() -> dict[str, type[BaseModel]]:
    from baozufang_cli.models import Certificate, Funding, FundingSource, Milestone, Operations, Problem

    return {"milestones": Milestone, "problems": Problem, "funding.sources": FundingSource,
            "funding": Funding, "operations": Operations, "certificate": Certificate}  # fmt: skip


def _title(model: type[BaseModel], name: str) -> str:
    info = model.model_fields.get(name)
    return (info.title or name) if info is not None else name


def _split(path: str) -> tuple[str, str, str] | None:
    """``problems.P1.closed`` → (``problems``, ``P1``, ``closed``); None for a path outside the lists."""
    for prefix in sorted(KEYED_LISTS, key=len, reverse=True):
        if path.startswith(prefix + "."):
            rest = path[len(prefix) + 1 :]
            key, _, name = rest.rpartition(".")
            if key:
                return prefix, key, name
    return None


def field_title(path: str) -> str:
    """``units`` → 套数, ``milestones.开工.actual`` → 节点 开工 实际日期, ``funding.total_wan`` → 资金 总投资（万元）."""
    from baozufang_cli.models import Project

    if path == FILE_FIELD:
        return "文件"
    models = _models()
    if (item := _split(path)) is not None:
        prefix, key, name = item
        return f"{ITEMS[prefix]} {key} {_title(models[prefix], name)}"
    section, _, name = path.partition(".")
    if name and section in models:
        return f"{SECTION_WORDS[section]} {_title(models[section], name)}"
    return _title(Project, path)


def _summary(prefix: str, values: dict[str, Any]) -> str:
    """The fields of one item, as a short line (its key and main text are in the label)."""

    def text(name: str) -> str | None:
        return value_text(values.get(name))

    if prefix == "problems":
        parts = [text("category"), text("department"), _with("提出", text("raised")), _with("期限", text("due")),
                 _with("办结", text("closed"))]  # fmt: skip
    elif prefix == "milestones":
        parts = [_with("计划", text("planned")), _with("实际", text("actual")), text("note")]
    else:
        parts = [_with("计划", text("planned_wan"), " 万元"), _with("到位", text("received_wan"), " 万元"),
                 text("note")]  # fmt: skip
    return "；".join(p for p in parts if p) or "-"


def _with(word: str, value: str | None, unit: str = "") -> str | None:
    return f"{word} {value}{unit}" if value else None


def change_rows(changes: list[FieldChange]) -> list[ChangeRow]:
    """The rows of one project's changes, in the order of the file format."""
    items: dict[tuple[str, str], list[FieldChange]] = {}
    for change in changes:
        if (item := _split(change.field)) is not None:
            items.setdefault(item[:2], []).append(change)
    rows: list[ChangeRow] = []
    done: set[tuple[str, str]] = set()
    for change in changes:
        item = _split(change.field)
        group = items.get(item[:2]) if item else None
        if item is None or group is None:
            rows.append(_field_row(change))
            continue
        prefix, key = item[:2]
        if (prefix, key) in done:
            continue
        # a new item brings its key field (problems.P1.id); without one (#2: no or a repeated key)
        # every field of it is new
        key_path = f"{prefix}.{key}.{KEYED_LISTS[prefix]}"
        keyed = key_path in {c.field for c in group} or key.startswith("#")
        added = keyed and all(c.old is None for c in group)
        removed = keyed and all(c.new is None for c in group)
        if not (added or removed):  # the item is in both versions: its fields one by one
            rows.append(_field_row(change))
            continue
        done.add((prefix, key))
        values = {_split(c.field)[2]: (c.new if added else c.old) for c in group}  # type: ignore[index]
        main = {"problems": "text", "milestones": "", "funding.sources": ""}[prefix]
        word = ITEMS[prefix]
        label = f"{'新增' if added else '删除'}{word}：{key}" + (
            f" {value_text(values[main])}" if values.get(main) else ""
        )
        detail = _summary(prefix, values)
        key_value = values.get(KEYED_LISTS[prefix])
        rows.append(
            ChangeRow(
                "item_added" if added else "item_removed",
                label,
                None if added else detail,
                detail if added else None,
                [c.field for c in group],
                ITEM_KINDS[prefix],
                str(key_value) if key_value is not None else key,
            )
        )
    return rows


def _field_row(change: FieldChange) -> ChangeRow:
    return ChangeRow("field", field_title(change.field), value_text(change.old), value_text(change.new),
                     [change.field])  # fmt: skip
