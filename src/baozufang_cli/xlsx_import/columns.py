"""Which spreadsheet column is which 台账 field (``bzf import xlsx``): names, the header row, mappings.

A district's own 台账 names its columns in many ways (项目名称, 名称; 计划开工时间, 计划启动 …);
``FIELDS`` lists the usual names of each field, including the exact headers bzf's own export
writes, so an exported workbook imports back. Headers are compared without spaces, line breaks
or a unit in brackets (``套数（套/间）`` is 套数); a unit of 元 or 亿元 on a money column is
converted to 万元. A mapping file overrides or adds names, and can give default values.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from baozufang_cli.errors import UsageError

if TYPE_CHECKING:
    from baozufang_cli.xlsx_import.sheets import Book

# field key → (kind, names). Keys are the JSON keys of `bzf ledger` where one exists.
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "id": ("id", ("项目编号", "编号", "项目代码", "项目ID")),
    "name": ("text", ("项目名称", "名称", "项目")),
    "district": ("text", ("所在区县", "区县", "县区", "所属区县", "区(市、县)", "区（市、县）", "区(县)", "县(市、区)", "所在区(市、县)", "行政区", "区域", "所在地区")),
    "address": ("text", ("地址", "项目地址", "项目位置", "建设地点", "坐落")),
    "supply_type": ("text", ("筹集方式", "筹集方式代码", "筹集渠道", "建设方式", "房源筹集方式", "类型", "项目类型", "筹建方式", "建设类型")),
    "tags": ("list", ("房源类别", "标签", "房源类型")),
    "owner": ("text", ("建设主体", "建设单位", "项目业主", "实施主体", "产权单位")),
    "operator": ("text", ("运营单位", "运营主体", "运营管理单位")),
    "units": ("int", ("套数", "房源套数", "总套数", "套(间)数", "房源数量", "建设套数", "建设规模", "房源规模", "筹集套数")),
    "unit_kind": ("text", ("单位", "计量单位")),
    "small_units": ("int", ("其中≤70㎡套数", "其中70㎡以下套数", "≤70㎡套数", "小户型套数", "70㎡以下套数")),
    "floor_area_m2": ("float", ("建筑面积", "总建筑面积")),
    "plan_year": ("year", ("计划年度", "年度", "计划年份", "所属年度", "年度计划")),
    "start_planned": ("date", ("计划启动", "计划开工时间", "计划开工日期", "计划启动时间", "计划启动日期", "计划开工", "预计开工时间")),
    "start_actual": ("date", ("实际启动", "实际开工时间", "实际开工日期", "实际启动时间", "实际启动日期", "实际开工", "开工时间", "开工日期")),
    "delivered_planned": ("date", ("计划交付", "计划竣工时间", "计划竣工日期", "计划交付时间", "计划交付日期", "计划竣工", "计划完工时间", "计划竣工交付时间", "计划交付使用时间", "预计竣工时间", "预计交付时间")),
    "delivered_actual": ("date", ("实际交付", "实际交付时间", "实际交付日期", "实际竣工时间", "实际竣工日期", "实际竣工", "竣工时间", "交付时间", "实际竣工交付时间", "竣工交付时间")),
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
    "responsible_unit": ("text", ("责任单位", "牵头单位", "责任部门")),
    "responsible_person": ("text", ("责任人", "项目负责人")),
    "contact_person": ("text", ("联系人", "项目联系人")),
    "contact": ("text", ("联系电话", "电话", "联系方式", "手机号码", "联系人电话")),
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
    """A header as compared: NFKC (full-width letters, digits and brackets become half-width),
    no spaces, full-width spaces or line breaks, ``【】`` and ``[]`` as ``()``, no required-field
    star or trailing colon."""
    text = unicodedata.normalize("NFKC", str(header)) if header is not None else ""
    text = text.translate(_BRACKETS)
    text = re.sub(r"\s+", "", text)
    return text.strip("*:")


_BRACKETS = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")"})
QUALIFIERS = {"计划": "计划", "实际": "实际", "预计": "计划", "计": "计划", "实": "实际"}


def without_unit(header: str) -> str:
    """``套数(套/间)`` → ``套数``; ``建筑面积(㎡)`` → ``建筑面积``."""
    return re.sub(r"\([^()]*\)$", "", header)


def header_forms(text: str) -> list[str]:
    """The ways a normalised header may name a field, most exact first: as written; a qualifier
    in brackets moved to the front (``开工时间(计划)`` is 计划开工时间, never 开工时间 = actual);
    every bracket dropped (``竣工(交付)时间`` → 竣工时间); the trailing unit dropped."""
    forms = [text]
    qualifier = re.search(r"\((计划|实际|预计)\)", text)
    if qualifier:
        rest = text.replace(qualifier.group(0), "")
        forms += [
            QUALIFIERS[qualifier.group(1)] + rest,
            QUALIFIERS[qualifier.group(1)] + re.sub(r"\([^()]*\)", "", rest),
        ]
        return forms  # a qualified header is never read without its qualifier
    forms += [re.sub(r"\([^()]*\)", "", text), without_unit(text)]
    return list(dict.fromkeys(form for form in forms if form))


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
        for form in header_forms(text):
            found = self.names.get(form)
            if found is not None:
                return found
        return None


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


def mapping_text(book: Book, mapping: ColumnMap, source: str) -> str:
    """What ``--save-mapping`` writes: every column header the import read and the field it
    chose (null: not imported), the defaults given, and the sheet and header row when there is
    one sheet — so ``--mapping`` reads the same layout the same way next time."""
    import yaml

    columns: dict[str, str | None] = {}
    for sheet in book.sheets:
        for column in sheet.header.columns:
            if column.label and column.label not in columns:
                columns[column.label] = None if column.field in (None, IGNORE) else column.field
    data: dict[str, Any] = {}
    if len(book.sheets) == 1:
        data["sheet"] = book.sheets[0].name
        data["header_row"] = book.sheets[0].header.first_row
    data["columns"] = columns
    if mapping.defaults:
        data["defaults"] = {key: _plain(value) for key, value in mapping.defaults.items()}
    head = f"# bzf import xlsx 从 {source} 识别出的列映射；下次用 --mapping 指定此文件，按同样方式导入\n"
    return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _plain(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)
