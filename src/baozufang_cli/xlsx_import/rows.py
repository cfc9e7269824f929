"""One spreadsheet row → typed 台账 values (``bzf import xlsx``), or every reason it cannot be.

Cells arrive as openpyxl gives them (text, numbers, datetimes) and are read the way people
fill in a 台账: ``1,200`` and ``1200套`` are 1200, ``2024/3/5`` and ``2024年3月5日`` are dates
(unlike in YAML files, where one spelling is enforced: this is a conversion), names of
districts, supply types, milestones and problem categories may be aliases. Every problem
of a row is collected, in Chinese, so one run lists all of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from baozufang_cli.ledger.registry import NameNotFound, Registry, closest
from baozufang_cli.models import ID_PATTERN
from baozufang_cli.reports.ledger_view_cells import (
    CellError,
    ProblemItem,
    SourceItem,
    parse_problems,
    parse_schedule,
    parse_sources,
)
from baozufang_cli.xlsx_import.columns import FIELDS
from baozufang_cli.xlsx_import.names import district_or_problem, supply_type_or_problem
from baozufang_cli.xlsx_import.values import (
    StatusWord,
    is_blank,
    parse_amount,
    parse_count,
    parse_date,
    parse_year,
    quoted,
    to_text,
)

FIELD_TITLES = {key: names[0] for key, (_, names) in FIELDS.items()}
_ID = re.compile(ID_PATTERN)
# a planned date may be a month (its last day is meant); an actual date is a fact and needs its day
MONTH_IS_ENOUGH = ("start_planned", "delivered_planned", "updated")
Locate = Callable[[str | None], str]


@dataclass
class Parsed:
    """The values of one row. ``fields`` holds plain fields by import key; list cells and the
    start/delivered date columns are merged into ``milestones`` (name → planned/actual given).
    ``locate(key)`` names the cell of a field (``观山湖区!F7（计划开工时间）``), ``locate(None)`` the row."""

    row: int
    fields: dict[str, Any] = field(default_factory=dict)
    milestones: dict[str, dict[str, date | None]] = field(default_factory=dict)
    sources: list[SourceItem] | None = None
    problems: list[ProblemItem] | None = None
    warnings: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    locate: Locate | None = None

    @property
    def project_id(self) -> str | None:
        value = self.fields.get("id")
        return value if isinstance(value, str) else None

    def where(self, key: str | None = None) -> str:
        if self.locate is not None:
            return self.locate(key)
        return f"第 {self.row} 行" + (f"「{FIELD_TITLES[key]}」" if key else "")


def is_empty(value: Any) -> bool:
    """Empty, blank, or a word that means "no value" (``/``, ``—``, ``无``, ``待定``)."""
    return is_blank(value)


# ------------------------------------------------------------------ a row


def parse_row(
    number: int,
    cells: dict[str, Any],
    registry: Registry,
    factors: dict[str, float] | None = None,
    locate: Locate | None = None,
    literal: bool = False,
) -> Parsed:
    """Typed values of the non-empty ``cells`` (field → cell value) of sheet row ``number``;
    ``literal`` for bzf's own export (see ``has_value``)."""
    parsed = Parsed(number, locate=locate)
    factors = factors or {}
    for key, value in cells.items():
        kind = FIELDS[key][0]
        if not has_value(key, value, literal):
            continue
        try:
            parsed.fields[key] = _typed(parsed, key, kind, value, registry, factors.get(key, 1.0))
        except StatusWord as status:
            parsed.warnings.append(f"{parsed.where(key)}：{status}，这一日期未导入，请补填")
        except ValueError as error:
            parsed.reasons.append(f"{parsed.where(key)}：{error}")
    supply_type = parsed.fields.get("supply_type")
    if isinstance(supply_type, str):
        resolve_milestones(parsed, registry, supply_type)
    _sources(parsed, registry)
    _problems(parsed, registry)
    return parsed


def has_value(key: str, value: Any, literal: bool = False) -> bool:
    """Whether a cell holds a value for ``key``: "/", "—", "无", "待定" mean none — except in the
    free text of bzf's own export (``literal``), which holds exactly what the ledger holds."""
    if value is None:
        return False
    if literal and FIELDS[key][0] == "text" and key not in ("district", "supply_type"):
        return bool(str(value).strip())
    return not is_empty(value)


def _typed(parsed: Parsed, key: str, kind: str, value: Any, registry: Registry, factor: float) -> Any:
    if kind == "id":
        text = to_text(value)
        if not _ID.match(text) or len(text) > 64:
            raise ValueError(f"项目编号格式不对：{text}（只能包含字母、数字、- 和 _，以字母或数字开头）")
        return text
    if kind == "int":
        number = parse_count(value)
        if number < 0:
            raise ValueError(f"不能为负数：{number}")
        return number
    if kind in ("float", "money"):
        amount, unit = parse_amount(value)
        if amount < 0:
            raise ValueError(f"不能为负数：{amount:g}")
        if unit is not None and kind == "money":
            factor = unit  # a unit written in the cell wins over the header's
        if factor == 1.0:
            return amount
        # 元 → 万元 divides (exact for whole yuan), 亿元 → 万元 multiplies
        converted = amount / round(1 / factor) if factor < 1 else amount * factor
        return int(converted) if float(converted).is_integer() else round(converted, 6)
    if kind == "year":
        return parse_year(value)
    if kind == "date":
        read = parse_date(value)
        if read.month_only:
            if key not in MONTH_IS_ENOUGH:
                raise ValueError(
                    f"{quoted(value)} 只写到月份，实际日期需要写到日（如 {read.day.replace(day=5).isoformat()}）"
                )
            parsed.warnings.append(
                f"{parsed.where(key)}：{quoted(value)} 只写到月份，按月末 {read.day.isoformat()} 导入"
            )
        return read.day
    if kind == "list":
        return _words(value)
    if kind in ("schedule", "sources", "problems"):
        return to_text(value).replace("\r\n", "\n")
    text = to_text(value)
    if key == "district":
        return district_or_problem(registry, text)
    if key == "supply_type":
        return supply_type_or_problem(registry, text)
    if key == "unit_kind" and text not in ("套", "间"):
        raise ValueError(f"应为 套 或 间，实为 {text}")
    return text


def _words(value: Any) -> list[str]:
    return [part.strip() for part in re.split(r"[、,，;；/]", to_text(value)) if part.strip()]


def resolve_milestones(parsed: Parsed, registry: Registry, supply_type: str) -> None:
    """The 倒排工期节点 cell, then the start/delivered date columns over it (a date typed into
    实际交付 in the meeting wins over the list cell written by the export)."""
    fields = parsed.fields
    text = fields.pop("schedule", None)
    if text:
        try:
            items = parse_schedule(text)
        except CellError as error:
            parsed.reasons.append(f"{parsed.where('schedule')}：{error}")
            items = []
        for item in items:
            try:
                name = registry.milestone(supply_type, item.name)
            except NameNotFound as error:
                parsed.reasons.append(f"{parsed.where('schedule')}：{error.line()}")
                continue
            if name in parsed.milestones:
                parsed.reasons.append(f"{parsed.where('schedule')}：节点 {name} 重复")
                continue
            parsed.milestones[name] = {"planned": item.planned, "actual": item.actual}
    spec = registry.supply_types[supply_type]
    for key, name, when in (
        ("start_planned", spec.start_milestone, "planned"),
        ("start_actual", spec.start_milestone, "actual"),
        ("delivered_planned", spec.delivered_milestone, "planned"),
        ("delivered_actual", spec.delivered_milestone, "actual"),
    ):
        if key in fields:
            parsed.milestones.setdefault(name, {"planned": None, "actual": None})[when] = fields.pop(key)


def _sources(parsed: Parsed, registry: Registry) -> None:
    text = parsed.fields.pop("funding_sources", None)
    if not text:
        return
    try:
        sources = parse_sources(text)
    except CellError as error:
        parsed.reasons.append(f"{parsed.where('funding_sources')}：{error}")
        return
    kinds = registry.criteria.funding_kinds
    seen: set[str] = set()
    for source in sources:
        if source.kind not in kinds:
            guess = closest(source.kind, kinds)
            hint = f"，是否为 {guess}？" if guess else f"，可选：{'、'.join(kinds)}"
            parsed.reasons.append(f"{parsed.where('funding_sources')}：没有资金来源「{source.kind}」{hint}")
        elif source.kind in seen:
            parsed.reasons.append(f"{parsed.where('funding_sources')}：资金来源 {source.kind} 重复")
        seen.add(source.kind)
    parsed.sources = sources


def _problems(parsed: Parsed, registry: Registry) -> None:
    """Problems in bzf's own format are imported; free text (a district's 存在问题 column) is not
    a problem bzf can track — it has no category, department or date — so it is left out with a
    warning rather than failing the row."""
    from baozufang_cli.edit.fields import problem_category
    from baozufang_cli.edit.values import EditError

    text = parsed.fields.pop("problem_list", None)
    if not text:
        return
    try:
        problems = parse_problems(text)
    except CellError:
        parsed.warnings.append(
            f"{parsed.where('problem_list')}：不是问题清单的格式（编号 问题〔类别，责任部门，提出 日期〕），"
            "未导入；可用 bzf problem add 添加"
        )
        return
    checked = []
    for problem in problems:
        try:
            category = problem_category(registry, problem.category)
        except EditError as error:
            parsed.reasons.append(f"{parsed.where('problem_list')}：问题 {problem.id}：{error.line()}")
            continue
        checked.append(
            ProblemItem(problem.id, problem.text, category, problem.department, problem.raised, problem.due)
        )
    parsed.problems = checked
