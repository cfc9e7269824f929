"""Which rows of which sheets are projects (``bzf import xlsx``).

Every sheet whose header is recognised is read (one per district or per year is common); a
sheet without one (说明, 填表须知) is skipped and said so. Under the header:

- blank rows are passed over;
- a section row (``一、新建项目``, ``（二）配建``, ``二、观山湖区``) is not a project: when its words
  name a supply type or a district, the rows under it get that value where their own cell is empty;
- a 合计 / 小计 / 总计 row — the word in any of the first columns, with numbers or formulas — is skipped;
- a footer (填表人、审核人、制表人、联系电话、备注、说明、注：…) ends the table: nothing below it is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from baozufang_cli.xlsx_import.header import Header, find_header
from baozufang_cli.xlsx_import.safety import ImportFailed, check_workbook, not_a_workbook
from baozufang_cli.xlsx_import.values import SECTION, clean, is_blank, is_total, strip_numbering

if TYPE_CHECKING:
    from baozufang_cli.ledger.registry import Registry
    from baozufang_cli.xlsx_import.columns import ColumnMap

FOOTER = re.compile(
    r"^(填表人|填报人|填表|审核人|审核|制表人|制表|负责人|分管领导|单位负责人|联系人|联系电话|备注|说明|注|附注|填报说明)\s*[:：]?"
)
EXPORT_SHEET = "项目台账"  # the sheet of bzf export xlsx that holds one row per project
TOTAL_COLUMNS = 4  # 合计 may stand in 序号, 项目名称 or the district column


@dataclass
class SheetData:
    name: str
    header: Header
    rows: list[tuple[int, dict[str, Any]]]  # (row number, field → cell)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row number, why)
    sections: dict[int, dict[str, str]] = field(default_factory=dict)  # row → values its section gives
    literal: bool = False  # bzf's own export: free text is read exactly as written

    def where(self, row: int, key: str | None = None) -> str:
        """``观山湖区!F7（计划开工时间）`` for a cell, ``观山湖区!第 7 行`` for a row."""
        column = self.header.column_of(key) if key else None
        if column is None:
            return f"{self.name}!第 {row} 行"
        return f"{self.name}!{column.letter}{row}（{column.label}）"


@dataclass
class Book:
    path: Path
    sheets: list[SheetData]
    skipped: list[tuple[str, str]]  # (sheet, why it was not read)


def open_workbook(path: Path) -> Any:
    """The workbook, read-only, after the safety checks; ``ImportFailed`` for anything else."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    check_workbook(path)
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, ValueError, OSError, TypeError):
        raise ImportFailed(not_a_workbook(path)) from None
    except Exception as error:  # malformed XML inside a zip that looked right
        raise ImportFailed(
            f"{path} 已损坏，无法读取（{type(error).__name__}）；请在 Excel 或 WPS 中打开并另存后重试"
        ) from None


def read_book(
    path: Path, mapping: ColumnMap, sheet_names: list[str] | None = None, registry: Registry | None = None
) -> Book:
    """Every sheet with a recognised header (or the ``sheet_names`` asked for)."""
    workbook = open_workbook(path)
    try:
        wanted = list(sheet_names or ([mapping.sheet] if mapping.sheet else []))
        missing = [name for name in wanted if name not in workbook.sheetnames]
        if missing:
            raise ImportFailed(
                f"{path} 中没有工作表「{'」「'.join(missing)}」，现有：{'、'.join(workbook.sheetnames)}"
            )
        names = wanted or list(workbook.sheetnames)
        book = Book(path, [], [])
        if not wanted and EXPORT_SHEET in names:  # bzf's own export: the other sheets are reports
            book.skipped += [
                (name, f"报表工作表，项目以「{EXPORT_SHEET}」为准") for name in names if name != EXPORT_SHEET
            ]
            names = [EXPORT_SHEET]
        for name in names:
            sheet = workbook[name]
            if getattr(sheet, "sheet_state", "visible") != "visible" and not wanted:
                book.skipped.append((name, "隐藏的工作表"))
                continue
            try:  # read-only sheets are parsed lazily: a damaged one fails here, in XML or zip code
                rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
            except Exception as error:
                raise ImportFailed(
                    f"{path} 的工作表「{name}」已损坏，无法读取（{type(error).__name__}）；"
                    "请在 Excel 或 WPS 中打开并另存后重试"
                ) from None
            header = find_header(rows, mapping)
            if header is None:
                filled = any(not is_blank(cell) for row in rows for cell in row)
                book.skipped.append((name, "没有找到表头" if filled else "空白工作表"))
                continue
            data = sheet_rows(name, header, rows, registry)
            data.literal = name == EXPORT_SHEET
            book.sheets.append(data)
    finally:
        workbook.close()
    if not book.sheets:
        where = f"工作表「{'」「'.join(wanted)}」" if wanted else "任何工作表"
        raise ImportFailed(
            f"{path} 的{where}中没有找到表头（需要「项目名称」或「项目编号」列和至少 3 个可识别的列）；"
            "可用 --mapping 指定列名与表头所在行，见 docs/commands/import.md"
        )
    return book


def sheet_rows(
    name: str, header: Header, rows: list[tuple[Any, ...]], registry: Registry | None = None
) -> SheetData:
    """The project rows under ``header``; the others with the reason they are not projects."""
    data = SheetData(name, header, [])
    fields = header.fields
    name_index = next((i for i, key in fields.items() if key == "name"), None)
    id_index = next((i for i, key in fields.items() if key == "id"), None)
    section: dict[str, str] = {}
    chapter: dict[str, str] = {}  # what the last 一、 section gave: a （一） section under it adds to it
    for number, cells in enumerate(rows[header.row :], start=header.row + 1):
        filled = [(i, cell) for i, cell in enumerate(cells) if not is_blank(cell)]
        if not filled:
            continue
        first = clean(filled[0][1]) if isinstance(filled[0][1], str) else ""
        if any(is_total(cell) for _, cell in filled if _ < max(TOTAL_COLUMNS, (name_index or 0) + 1)):
            word = clean(next(c for _, c in filled if is_total(c)))
            data.skipped.append((number, f"{word}行，不是项目"))
            continue
        named = any(i in (name_index, id_index) and not is_total(cell) for i, cell in filled)
        if first and FOOTER.match(first) and (not named or filled[0][0] in (name_index, id_index)):
            data.skipped += [(number, "表尾（填表人、说明等），以下不再读取")]
            break
        if first and SECTION.match(first) and len(filled) <= 2:
            found = _section_values(first, registry)
            if re.match(r"^\s*[一二三四五六七八九十]+\s*[、.．]", first):
                chapter = section = found
            else:
                section = {**chapter, **found}
            named_by = f"：{strip_numbering(first)}" if found else "，不是项目"
            data.skipped.append((number, f"分组行{named_by}"))
            continue
        if len(filled) == 1 and not named:
            data.skipped.append((number, "说明文字，不是项目"))
            continue
        values = {key: cells[i] for i, key in fields.items() if i < len(cells)}
        if section:
            data.sections[number] = dict(section)
        data.rows.append((number, values))
    return data


def _section_values(text: str, registry: Registry | None) -> dict[str, str]:
    """What a section row's words name: a supply type (新建项目, 配建), a district, or nothing."""
    from baozufang_cli.xlsx_import.names import district_name, supply_type_name

    words = strip_numbering(text)
    if registry is None or not words:
        return {}
    found: dict[str, str] = {}
    if supply_type_name(registry, words) is not None:
        found["supply_type"] = words
    if district_name(registry, words) is not None:
        found["district"] = words
    return found
