"""Which spreadsheet column is which 台账 field (``bzf import xlsx``): names, the header row, mappings.

A district's own 台账 names its columns in many ways (项目名称, 名称; 计划开工时间, 计划启动 …);
``FIELDS`` lists the usual names of each field, including the exact headers bzf's own export
writes, so an exported workbook imports back. Headers are compared without spaces, line breaks
or a unit in brackets (``套数（套/间）`` is 套数); a unit of 元 or 亿元 on a money column is
converted to 万元. A mapping file overrides or adds names, and can give default values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from baozufang_cli.errors import UsageError

# field key → (kind, names). Keys are the JSON keys of `bzf ledger` where one exists.
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "id": ("id", ("项目编号", "编号", "项目代码", "项目ID")),
    "name": ("text", ("项目名称", "名称", "项目")),
    "district": ("text", ("所在区县", "区县", "县区", "所属区县", "区(市、县)", "区（市、县）", "行政区", "区域")),
    "address": ("text", ("地址", "项目地址", "项目位置", "建设地点", "坐落")),
    "supply_type": ("text", ("筹集方式", "筹集方式代码", "筹集渠道", "建设方式", "房源筹集方式")),
    "tags": ("list", ("房源类别", "标签", "房源类型")),
    "owner": ("text", ("建设主体", "建设单位", "项目业主", "实施主体", "产权单位")),
    "operator": ("text", ("运营单位", "运营主体", "运营管理单位")),
    "units": ("int", ("套数", "房源套数", "总套数", "套(间)数", "房源数量", "建设套数")),
    "unit_kind": ("text", ("单位", "计量单位")),
    "small_units": ("int", ("其中≤70㎡套数", "其中70㎡以下套数", "≤70㎡套数", "小户型套数", "70㎡以下套数")),
    "floor_area_m2": ("float", ("建筑面积", "总建筑面积")),
    "plan_year": ("year", ("计划年度", "年度", "计划年份", "所属年度", "年度计划")),
    "start_planned": ("date", ("计划启动", "计划开工时间", "计划开工日期", "计划启动时间", "计划启动日期", "计划开工")),
    "start_actual": ("date", ("实际启动", "实际开工时间", "实际开工日期", "实际启动时间", "实际启动日期", "实际开工", "开工时间")),
    "delivered_planned": ("date", ("计划交付", "计划竣工时间", "计划竣工日期", "计划交付时间", "计划交付日期", "计划竣工", "计划完工时间")),
    "delivered_actual": ("date", ("实际交付", "实际交付时间", "实际交付日期", "实际竣工时间", "实际竣工日期", "实际竣工", "竣工时间", "交付时间")),
    "schedule": ("schedule", ("倒排工期节点", "节点计划与实际", "倒排工期")),
    "progress": ("text", ("形象进度", "工程进度", "进展情况", "项目进展")),
    "certificate_no": ("text", ("认定书编号", "项目认定书编号", "认定书号")),
    "certificate_date": ("date", ("认定日期", "认定书日期", "认定时间")),
    "total_investment_wan": ("money", ("总投资", "计划总投资", "项目总投资")),
    "completed_investment_wan": ("money", ("累计完成投资", "完成投资", "已完成投资")),
    "funding_sources": ("sources", ("资金来源与到位", "资金来源及到位情况")),
    "rent_yuan_m2": ("float", ("租金", "租金标准")),
    "market_rent_yuan_m2": ("float", ("同地段市场租金", "市场租金")),
    "leased_units": ("int", ("已出租套数", "已出租", "出租套数")),
    "problem_list": ("problems", ("存在问题", "问题清单")),
    "responsible_unit": ("text", ("责任单位",)),
    "responsible_person": ("text", ("责任人", "项目负责人")),
    "contact": ("text", ("联系电话", "电话", "联系方式")),
    "updated": ("date", ("更新日期", "填报日期")),
    "note": ("text", ("备注",)),
}  # fmt: skip
# columns bzf's export computes from the others: an import reads them, then ignores them
COMPUTED = {
    "seq": ("序号",), "stage": ("当前节点",), "stage_date": ("当前节点完成日期",),
    "next_milestone": ("下一节点",), "next_planned": ("下一节点计划",), "status": ("状态",),
    "overdue": ("逾期",), "overdue_milestones": ("逾期节点数",), "open_problems": ("未办结问题",),
    "overdue_problems": ("逾期问题",), "funding_planned_wan": ("计划资金",), "funding_received_wan": ("到位资金",),
}  # fmt: skip
IGNORE = "ignore"
MONEY_UNITS = {"万元": 1.0, "元": 0.0001, "亿元": 10000.0}


def normalize(header: Any) -> str:
    """A header as compared: no spaces or line breaks, half-width brackets."""
    text = str(header) if header is not None else ""
    text = text.replace("（", "(").replace("）", ")")
    return re.sub(r"\s+", "", text)


def without_unit(header: str) -> str:
    """``套数(套/间)`` → ``套数``; ``建筑面积(㎡)`` → ``建筑面积``."""
    return re.sub(r"\([^()]*\)$", "", header)


def money_factor(header: str) -> float:
    """What one unit of a money column is in 万元 (``总投资(元)`` → 0.0001)."""
    match = re.search(r"\(([^()]*)\)$", header)
    unit = match.group(1) if match else ""
    return MONEY_UNITS.get(unit, 1.0)


NAMES: dict[str, str] = {normalize(name): key for key, (_, names) in FIELDS.items() for name in names} | {
    normalize(name): IGNORE for names in COMPUTED.values() for name in names
}


class MappingError(UsageError):
    """A mapping file that cannot be used (usage error); the message is Chinese."""


@dataclass
class ColumnMap:
    """How headers map to fields: the built-in names, overridden by a mapping file."""

    names: dict[str, str] = field(default_factory=lambda: dict(NAMES))
    defaults: dict[str, Any] = field(default_factory=dict)
    sheet: str | None = None
    header_row: int | None = None

    def field_of(self, header: Any) -> str | None:
        """The field a header names, ``IGNORE``, or None for an unknown header."""
        text = normalize(header)
        if not text:
            return None
        return self.names.get(text) or self.names.get(without_unit(text))


def load_mapping(path: Path) -> ColumnMap:
    """Read a mapping file (YAML)::

    sheet: 项目台账          # optional: the sheet to read
    header_row: 3            # optional: the header's row number (found automatically otherwise)
    columns: {所在县区: district, 联系人: null}     # header → field; null: do not import
    defaults: {supply_type: 新建}                   # optional: values for empty cells of new projects
    """
    from baozufang_cli.ledger import yamlread
    from baozufang_cli.ledger.read import decode, read_bytes
    from baozufang_cli.ledger.registry import closest

    raw, unreadable = read_bytes(path, str(path))  # a pipe is not opened, a huge file not read
    if raw is None:
        reason = unreadable[0]
        raise MappingError(f"无法读取映射文件 {path}：{reason.message}，{reason.hint}")
    try:
        data = yamlread.load(decode(raw))
    except yamlread.YamlProblem as problem:
        raise MappingError(f"映射文件 {path}:{problem.line}:{problem.col}: {problem.message}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise MappingError(f"映射文件 {path} 应为键值对（sheet、header_row、columns、defaults）")
    unknown = [key for key in data if key not in ("sheet", "header_row", "columns", "defaults")]
    if unknown:
        raise MappingError(
            f"映射文件 {path}：未知的键 {'、'.join(map(str, unknown))}（可用 sheet、header_row、columns、defaults）"
        )
    mapping = ColumnMap()
    known = [*FIELDS]

    def check_field(value: Any, where: str) -> str:
        if not isinstance(value, str) or value not in FIELDS:
            guess = closest(str(value), known)
            hint = f"，是否为 {guess}？" if guess else f"，可用字段：{'、'.join(known)}"
            raise MappingError(f"映射文件 {path}：{where} 的字段 {value} 不存在{hint}")
        return value

    columns = data.get("columns") or {}
    if not isinstance(columns, dict):
        raise MappingError(f"映射文件 {path}：columns 应为「表头: 字段」的键值对")
    for header, target in columns.items():
        mapping.names[normalize(header)] = (
            IGNORE if target is None else check_field(target, f"列「{header}」")
        )
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise MappingError(f"映射文件 {path}：defaults 应为「字段: 值」的键值对")
    for key, value in defaults.items():
        mapping.defaults[check_field(key, "defaults")] = value
    sheet = data.get("sheet")
    if sheet is not None and not isinstance(sheet, str):
        raise MappingError(f"映射文件 {path}：sheet 应为工作表名称")
    mapping.sheet = sheet
    header_row = data.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
        raise MappingError(f"映射文件 {path}：header_row 应为从 1 起的行号")
    mapping.header_row = header_row
    return mapping


# ------------------------------------------------------------------ the header row

HEADER_SEARCH_ROWS = 30  # merged title rows and notes come first; a header is found near the top
MIN_MATCHES = 3


@dataclass
class Header:
    row: int  # 1-based row number of the header
    fields: dict[int, str]  # column index (0-based) → field
    factors: dict[int, float]  # money columns with a unit other than 万元
    unknown: list[str]  # headers that name no field (not imported)


def find_header(rows: list[tuple[Any, ...]], mapping: ColumnMap) -> Header | None:
    """The header among the first rows: the first with a project name (or id) column and at least
    ``MIN_MATCHES`` known columns; a merged title row has one cell and never qualifies."""
    candidates = (
        [(mapping.header_row, rows[mapping.header_row - 1])]
        if mapping.header_row is not None and mapping.header_row <= len(rows)
        else list(enumerate(rows[:HEADER_SEARCH_ROWS], start=1))
    )
    for number, cells in candidates:
        fields: dict[int, str] = {}
        factors: dict[int, float] = {}
        unknown: list[str] = []
        for index, cell in enumerate(cells):
            key = mapping.field_of(cell)
            if key is None:
                if normalize(cell):
                    unknown.append(str(cell).strip())
                continue
            if key == IGNORE or key in fields.values():
                continue  # a second column for one field: the first one counts
            fields[index] = key
            if FIELDS[key][0] == "money":
                factors[index] = money_factor(normalize(cell))
        named = "name" in fields.values() or "id" in fields.values()
        if named and (len(fields) >= MIN_MATCHES or mapping.header_row is not None):
            return Header(number, fields, factors, unknown)
    return None
