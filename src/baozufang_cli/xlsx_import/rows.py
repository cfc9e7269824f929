"""One spreadsheet row → typed 台账 values (``bzf import xlsx``), or every reason it cannot be.

Cells arrive as openpyxl gives them (text, numbers, datetimes) and are read the way people
fill in a 台账: ``1,200`` and ``1200套`` are 1200, ``2024/3/5`` and ``2024年3月5日`` are dates
(unlike in YAML files, where one spelling is enforced: this is a conversion), names of
districts, supply types, milestones and problem categories may be aliases. Every problem
of a row is collected, in Chinese, so one run lists all of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from baozufang_cli.ledger.registry import NameNotFound, Registry, closest
from baozufang_cli.models import ID_PATTERN
from baozufang_cli.reports.ledger_view_cells import (
    CellError,
    ProblemItem,
    SourceItem,
    parse_date_text,
    parse_problems,
    parse_schedule,
    parse_sources,
)
from baozufang_cli.xlsx_import.columns import FIELDS

FIELD_TITLES = {key: names[0] for key, (_, names) in FIELDS.items()}
_ID = re.compile(ID_PATTERN)
_INTEGER = re.compile(r"[+]?\d[\d,，]*(?:\.0+)?\s*(?:套|间|户|个|套\(间\)|套（间）)?")
_NUMBER = re.compile(r"[+-]?\d[\d,，]*(?:\.\d+)?|[+-]?\.\d+")
EXCEL_SERIAL = (20_000, 80_000)  # 1954 … 2119: a number in a date column in this range is an Excel date


@dataclass
class Parsed:
    """The values of one row. ``fields`` holds plain fields by import key; list cells and the
    start/delivered date columns are merged into ``milestones`` (name → planned/actual given)."""

    row: int
    fields: dict[str, Any] = field(default_factory=dict)
    milestones: dict[str, dict[str, date | None]] = field(default_factory=dict)
    sources: list[SourceItem] | None = None
    problems: list[ProblemItem] | None = None
    warnings: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def project_id(self) -> str | None:
        value = self.fields.get("id")
        return value if isinstance(value, str) else None


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ------------------------------------------------------------------ cells by kind


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone number or code typed as a number
    return str(value).strip()


def _integer(value: Any, title: str) -> int:
    if isinstance(value, bool):
        raise ValueError(f"「{title}」应为整数，实为 {value}")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(f"「{title}」应为整数，实为 {value:g}")
    text = _text(value)
    if _INTEGER.fullmatch(text):
        return int(float(re.sub(r"[^\d.]", "", text)))
    raise ValueError(f"「{title}」应为整数，实为 {text}")


def _number(value: Any, title: str) -> int | float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = _text(value)
    if _NUMBER.fullmatch(text):
        cleaned = text.replace(",", "").replace("，", "")
        number = float(cleaned)
        return int(number) if number.is_integer() and "." not in cleaned else number
    raise ValueError(f"「{title}」应为数字，实为 {text}")


def _date(value: Any, title: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if EXCEL_SERIAL[0] <= value <= EXCEL_SERIAL[1]:
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date()
        raise ValueError(f"「{title}」应为日期，实为 {value:g}")
    try:
        return parse_date_text(_text(value))
    except CellError as error:
        raise ValueError(f"「{title}」{error}") from None


def _year(value: Any, title: str) -> int:
    if isinstance(value, date):
        return value.year
    text = _text(value).removesuffix("年").removesuffix("年度")
    if re.fullmatch(r"\d{4}(?:\.0+)?", text):
        return int(float(text))
    raise ValueError(f"「{title}」应为四位年份，实为 {_text(value)}")


def _words(value: Any) -> list[str]:
    return [part.strip() for part in re.split(r"[、,，;；/]", _text(value)) if part.strip()]


# ------------------------------------------------------------------ a row


def parse_row(
    number: int, cells: dict[str, Any], registry: Registry, factors: dict[str, float] | None = None
) -> Parsed:
    """Typed values of the non-empty ``cells`` (field → cell value) of sheet row ``number``."""
    parsed = Parsed(number)
    factors = factors or {}
    for key, value in cells.items():
        if is_empty(value):
            continue
        kind, names = FIELDS[key]
        title = names[0]
        try:
            parsed.fields[key] = _typed(key, kind, value, title, registry, factors.get(key, 1.0))
        except ValueError as error:
            parsed.reasons.append(str(error))
    supply_type = parsed.fields.get("supply_type")
    if isinstance(supply_type, str):
        resolve_milestones(parsed, registry, supply_type)
    _sources(parsed, registry)
    _problems(parsed, registry)
    return parsed


def _typed(key: str, kind: str, value: Any, title: str, registry: Registry, factor: float) -> Any:
    if kind == "id":
        text = _text(value)
        if not _ID.match(text) or len(text) > 64:
            raise ValueError(f"项目编号格式不对：{text}（只能包含字母、数字、- 和 _，以字母或数字开头）")
        return text
    if kind == "int":
        number = _integer(value, title)
        if number < 0:
            raise ValueError(f"「{title}」不能为负数：{number}")
        return number
    if kind in ("float", "money"):
        amount = _number(value, title)
        if amount < 0:
            raise ValueError(f"「{title}」不能为负数：{amount:g}")
        if factor == 1.0:
            return amount
        # 元 → 万元 divides (exact for whole yuan), 亿元 → 万元 multiplies
        converted = amount / round(1 / factor) if factor < 1 else amount * factor
        return int(converted) if float(converted).is_integer() else round(converted, 6)
    if kind == "year":
        return _year(value, title)
    if kind == "date":
        return _date(value, title)
    if kind == "list":
        return _words(value)
    if kind in ("schedule", "sources", "problems"):
        return _text(value).replace("\r\n", "\n")
    text = _text(value)
    if key == "district":
        return _lookup(registry.district_filter, text)
    if key == "supply_type":
        return _lookup(registry.supply_type, text)
    if key == "unit_kind" and text not in ("套", "间"):
        raise ValueError(f"「计量单位」应为 套 或 间，实为 {text}")
    return text


def _lookup(resolve: Any, text: str) -> str:
    try:
        return str(resolve(text))
    except NameNotFound as error:
        raise ValueError(error.message + (f"，{error.hint}" if error.hint else "")) from None


def resolve_milestones(parsed: Parsed, registry: Registry, supply_type: str) -> None:
    """The 倒排工期节点 cell, then the start/delivered date columns over it (a date typed into
    实际交付 in the meeting wins over the list cell written by the export)."""
    fields = parsed.fields
    text = fields.pop("schedule", None)
    if text:
        try:
            items = parse_schedule(text)
        except CellError as error:
            parsed.reasons.append(f"「倒排工期节点」{error}")
            items = []
        for item in items:
            try:
                name = registry.milestone(supply_type, item.name)
            except NameNotFound as error:
                parsed.reasons.append(error.message + (f"，{error.hint}" if error.hint else ""))
                continue
            if name in parsed.milestones:
                parsed.reasons.append(f"「倒排工期节点」中节点 {name} 重复")
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
        parsed.reasons.append(f"「资金来源与到位」{error}")
        return
    kinds = registry.criteria.funding_kinds
    seen: set[str] = set()
    for source in sources:
        if source.kind not in kinds:
            guess = closest(source.kind, kinds)
            hint = f"，是否为 {guess}？" if guess else f"，可选：{'、'.join(kinds)}"
            parsed.reasons.append(f"未知资金来源 {source.kind}{hint}")
        elif source.kind in seen:
            parsed.reasons.append(f"资金来源 {source.kind} 重复")
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
            "「存在问题」不是 bzf 的格式（编号 问题〔类别，责任部门，提出 日期〕），未导入；可用 bzf problem add 添加"
        )
        return
    checked = []
    for problem in problems:
        try:
            category = problem_category(registry, problem.category)
        except EditError as error:
            parsed.reasons.append(f"问题 {problem.id}：{error.message}，{error.hint}")
            continue
        checked.append(
            ProblemItem(problem.id, problem.text, category, problem.department, problem.raised, problem.due)
        )
    parsed.problems = checked
