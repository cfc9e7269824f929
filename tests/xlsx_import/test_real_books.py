"""bzf import xlsx on workbooks laid out the way district offices keep them.

Each workbook is built here with openpyxl, cell by cell as a district 台账 looks: merged title
rows, a 填报单位 line, two-row merged headers, headers with line breaks, full-width spaces and
bracket qualifiers, section rows, 小计/合计 rows with formulas in different columns, footer
blocks, one sheet per district plus a prose sheet, and values typed every way people type them.
The import must read every project and every value exactly, change nothing when run again,
and name the sheet, cell and the sheet's own column in every problem it reports.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment

from baozufang_cli.ledger import yamlread
from tests.conftest import REPO, run

AS_OF = "2024-06-30"


def sample_ledger(root: Path) -> Path:
    """The sample ledger's configuration (贵阳: 13 districts, 配建 and the other supply types), no projects."""
    (root / "projects").mkdir(parents=True)
    for name in ("targets.yaml", "criteria.yaml"):
        shutil.copy(REPO / "data" / name, root / name)
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "projects").rglob("*.yaml"))
    }


def projects(root: Path) -> dict[str, dict[str, Any]]:
    """Every imported project by name (its file's data), the file's path under ``path``."""
    found = {}
    for path in sorted((root / "projects").rglob("*.yaml")):
        data = yamlread.load(path.read_text(encoding="utf-8"))
        data["path"] = path.relative_to(root).as_posix()
        found[data["name"]] = data
    return found


def import_(root: Path, file: Path, *args: str | Path, exit_code: int = 0) -> Any:
    result = run("import", "xlsx", file, "--data", root, *args)
    assert result.exit_code == exit_code, (result.stdout, result.stderr)
    return result


def title_rows(sheet: Any, title: str, width: int) -> None:
    """A merged title, a 填报单位 line and a blank row — above every district's header."""
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append(
        ["填报单位（盖章）：观山湖区住房和城乡建设局", *[None] * (width - 4), "填报日期：2024年6月30日"]
    )
    sheet.append([])


# ------------------------------------------------------------------ a district book


GUANSHANHU_HEADER = [
    # two rows: groups merged over sub-columns, the other headers merged down over both
    ["序号", "项目名称", "区（市、县）", "建设方式", "套数", None, "开工时间", None, "竣工（交付）时间", None,
     "实施主体", "联系人", "联系电话", "备注"],
    [None, None, None, None, "总套数", "其中≤70㎡", "计划", "实际", "计划", "实际", None, None, None, None],
]  # fmt: skip


def guanshanhu_sheet(book: Workbook) -> None:
    sheet = book.active
    sheet.title = "观山湖区"
    title_rows(sheet, "观山湖区2024年保障性租赁住房项目台账", 14)
    for row in GUANSHANHU_HEADER:
        sheet.append(row)
    for column in (1, 2, 3, 4, 11, 12, 13, 14):  # headers merged down over both rows
        sheet.merge_cells(start_row=4, start_column=column, end_row=5, end_column=column)
    for first in (5, 7, 9):  # group cells merged across their sub-columns
        sheet.merge_cells(start_row=4, start_column=first, end_row=4, end_column=first + 1)
    rows = [
        ["一、新建项目"],
        [1, "观山湖区人才公寓一期", "观山湖区", None, 600, 600, datetime(2024, 3, 5), "2024.3.10", "2025年6月",
         None, "观山湖城投公司", "王五", 13800000001, None],
        [2, "观山湖区人才公寓二期", "观山湖", "新建", "约300套", "300 套", "2024/4/1", "/", "2025-12-31", "待定",
         "观山湖城投公司", "王五", "0851-84800001", "/"],
        [None, "小计", None, None, "=SUM(E7:E8)", "=SUM(F7:F8)"],
        ["（二）配建"],
        [3, "某商品房项目配建", "观山湖区", None, "３００", 120, 45352, "已开工", "2025年12月底", None,
         "某房地产开发公司", "赵六", None, "配建比例10%"],
        ["合计", None, None, None, 1200, 1020],
        [],
        ["填表人：张三        审核人：李四        联系电话：0851-84800000"],
        ["说明：1. 开工时间以取得施工许可证为准；2. 本表一式两份。"],
        [4, "表尾后的文字不是项目", "观山湖区", "新建", 10],
    ]  # fmt: skip
    for row in rows:
        sheet.append(row)
    sheet.merge_cells("A6:N6")  # section rows span the table
    sheet.merge_cells("A10:N10")
    sheet.merge_cells("A15:N15")


def nanming_sheet(book: Workbook) -> None:
    """One row of headers with line breaks, full-width spaces and bracket qualifiers; no
    district column (the sheet is the district's); a supply-type column named 类型."""
    sheet = book.create_sheet("南明区")
    sheet.append(["南明区保障性租赁住房项目推进情况表"])
    sheet.merge_cells("A1:I1")
    sheet.append(["单位：套、万元"])
    sheet.append(["序号", "项目　名称", "类型", "套数\n（套）", "开工时间\n（计划）", "开工时间（实际）",
                  "计划\n交付时间", "责任单位", "联系人"])  # fmt: skip
    for cell in sheet[3]:
        cell.alignment = Alignment(wrap_text=True)
    rows = [
        [1, "南明区花果园收购项目", "购买滞销存量小户型房屋", "150", "2024年3月", "2024年3月5日", "2024.9.30",
         "南明区住建局", "孙七"],
        [2, "南明区厂房改建项目", "改建", 80, "24.5.6", None, "2024-12", "南明区住建局", "—"],
        ["合 计", None, None, 230],
    ]  # fmt: skip
    for row in rows:
        sheet.append(row)


def prose_sheet(book: Workbook) -> None:
    sheet = book.create_sheet("填表说明")
    sheet.append(["填表说明"])
    sheet.append(["1. 每个项目填一行，套数填整数。"])
    sheet.append(["2. 日期填写到日。"])


def guian_sheet(book: Workbook) -> None:
    """贵安新区: a 管委会 with no administrative code and no Latin alias."""
    sheet = book.create_sheet("贵安新区")
    sheet.append(
        ["项目名称", "所在区县", "房源筹集方式", "建设规模（套）", "计划开工时间", "计划竣工时间", "建设主体"]
    )
    sheet.append(
        ["贵安新区大学城人才公寓", "贵安新区管委会", "新建项目", 500, "2024-05-20", "2026-06-30", "贵安城投"]
    )


def district_book(path: Path) -> Path:
    book = Workbook()
    guanshanhu_sheet(book)
    nanming_sheet(book)
    prose_sheet(book)
    guian_sheet(book)
    book.save(path)
    return path


@pytest.fixture
def district(tmp_path: Path) -> tuple[Path, Path]:
    return sample_ledger(tmp_path / "ledger"), district_book(tmp_path / "区县台账.xlsx")


def test_every_project_and_every_value_of_a_district_book(district: tuple[Path, Path]) -> None:
    root, book = district
    result = import_(root, book)
    assert "4 个工作表" not in result.stdout  # 填表说明 is not a table
    assert "3 个工作表 6 个项目：新建 6，更新 0，无变化 0" in result.stdout
    assert "跳过工作表「填表说明」：没有找到表头" in result.stderr
    found = projects(root)
    assert sorted(found) == [
        "南明区厂房改建项目", "南明区花果园收购项目", "某商品房项目配建", "观山湖区人才公寓一期",
        "观山湖区人才公寓二期", "贵安新区大学城人才公寓",
    ]  # fmt: skip
    first = found["观山湖区人才公寓一期"]
    assert first == {
        "id": "520115-2024-001", "name": "观山湖区人才公寓一期", "district": "观山湖区",
        "supply_type": "new_build", "units": 600, "plan_year": 2024, "owner": "观山湖城投公司",
        "contact_person": "王五", "contact": "13800000001", "small_units": 600,
        "milestones": [
            {"name": "开工", "planned": "2024-03-05", "actual": "2024-03-10"},
            {"name": "交付使用", "planned": "2025-06-30", "actual": None},  # 2025年6月: the month's end
        ],
        "path": "projects/观山湖/520115-2024-001.yaml",
    }  # fmt: skip
    second = found["观山湖区人才公寓二期"]
    assert (second["units"], second["small_units"], second["contact"]) == (300, 300, "0851-84800001")
    assert "note" not in second  # "/" is no value
    assert second["milestones"] == [
        {"name": "开工", "planned": "2024-04-01", "actual": None},
        {"name": "交付使用", "planned": "2025-12-31", "actual": None},
    ]
    bundled = found["某商品房项目配建"]  # its supply type comes from the section row （二）配建
    assert (bundled["supply_type"], bundled["units"], bundled["small_units"]) == ("bundled", 300, 120)
    assert bundled["note"] == "配建比例10%" and bundled["contact_person"] == "赵六"
    assert bundled["milestones"] == [
        {"name": "开工", "planned": "2024-03-01", "actual": None},  # Excel serial 45352; 已开工: no date
        {"name": "移交", "planned": "2025-12-31", "actual": None},  # 2025年12月底
    ]
    bought = found["南明区花果园收购项目"]  # the sheet 南明区 gives the district
    assert (bought["district"], bought["supply_type"], bought["units"]) == ("南明区", "acquisition", 150)
    assert bought["responsible_unit"] == "南明区住建局" and bought["contact_person"] == "孙七"
    assert bought["milestones"] == [
        {"name": "签约付款", "planned": "2024-03-31", "actual": "2024-03-05"},
        {"name": "交房", "planned": "2024-09-30", "actual": None},
    ]
    converted = found["南明区厂房改建项目"]
    assert converted["path"] == "projects/南明/520102-2024-002.yaml"
    assert "contact_person" not in converted  # "—" is no value
    assert converted["milestones"] == [
        {"name": "改造开工", "planned": "2024-05-06", "actual": None},  # 24.5.6
        {"name": "交付使用", "planned": "2024-12-31", "actual": None},  # 2024-12
    ]
    guian = found["贵安新区大学城人才公寓"]  # no code, no Latin alias: the documented fallback prefix
    assert guian["path"] == "projects/贵安/D11-2024-001.yaml"
    assert (guian["district"], guian["supply_type"], guian["units"], guian["owner"]) == (
        "贵安新区", "new_build", 500, "贵安城投",
    )  # fmt: skip
    assert "表尾后的文字不是项目" not in found  # below the footer nothing is read
    check = run("check", "--data", root, "--as-of", AS_OF)
    assert check.exit_code == 0, check.stdout


def test_reimporting_a_district_book_changes_nothing(district: tuple[Path, Path]) -> None:
    root, book = district
    import_(root, book)
    before = snapshot(root)
    assert "新建 0，更新 0，无变化 6" in import_(root, book).stdout
    assert snapshot(root) == before


def test_what_is_not_a_project_is_said_and_why(district: tuple[Path, Path]) -> None:
    root, book = district
    result = import_(root, book, "--dry-run")
    out = result.stdout
    assert "工作表「观山湖区」：表头在第 4–5 行，3 行项目" in out
    for line in (
        "  B 项目名称 → 项目名称（name）",
        "  C 区（市、县） → 所在区县（district）",
        "  D 建设方式 → 筹集方式（supply_type）",
        "  E 套数/总套数 → 套数（units）",
        "  F 套数/其中≤70㎡ → 其中≤70㎡套数（small_units）",
        "  G 开工时间/计划 → 计划启动（start_planned）",
        "  H 开工时间/实际 → 实际启动（start_actual）",
        "  I 竣工（交付）时间/计划 → 计划交付（delivered_planned）",
        "  J 竣工（交付）时间/实际 → 实际交付（delivered_actual）",
        "  K 实施主体 → 建设主体（owner）",
        "  L 联系人 → 联系人（contact_person）",
        "  A 序号 → （不导入）",
        "  跳过第 6 行：分组行：新建项目",
        "  跳过第 9 行：小计行，不是项目",
        "  跳过第 10 行：分组行：配建",
        "  跳过第 12 行：合计行，不是项目",
        "  跳过第 14 行：表尾（填表人、说明等），以下不再读取",
        "工作表「南明区」：表头在第 3 行，2 行项目",
        "  B 项目 名称 → 项目名称（name）",
        "  E 开工时间 （计划） → 计划启动（start_planned）",
        "  F 开工时间（实际） → 实际启动（start_actual）",
        "  G 计划 交付时间 → 计划交付（delivered_planned）",
        "  跳过第 6 行：合 计行，不是项目",
    ):
        assert line in out.splitlines(), line
    assert "新建 projects/观山湖/520115-2024-001.yaml（观山湖区!第 7 行：观山湖区人才公寓一期）" in out
    assert "  倒排工期节点：开工 计划 2024-03-05 实际 2024-03-10；交付使用 计划 2025-06-30" in out
    assert "（预演：未写入）" in out
    warnings = result.stderr.splitlines()
    assert 'I7（竣工（交付）时间/计划）："2025年6月" 只写到月份，按月末 2025-06-30 导入' in "\n".join(
        warnings
    )
    assert (
        '提示：观山湖区!H11（开工时间/实际）："已开工" 是进度说明，不是日期，这一日期未导入，请补填'
        in warnings
    )
    assert snapshot(root) == {}


def test_only_the_sheets_asked_for(district: tuple[Path, Path]) -> None:
    root, book = district
    result = import_(root, book, "--sheet", "南明区", "--sheet", "贵安新区")
    assert "2 个工作表 3 个项目：新建 3" in result.stdout
    assert {p["district"] for p in projects(root).values()} == {"南明区", "贵安新区"}
    missing = import_(root, book, "--sheet", "云岩区", exit_code=2)
    assert "没有工作表「云岩区」，现有：观山湖区、南明区、填表说明、贵安新区" in missing.stderr


def test_a_saved_mapping_reads_the_same_layout_the_same_way(
    district: tuple[Path, Path], tmp_path: Path
) -> None:
    root, book = district
    saved = tmp_path / "观山湖.yaml"
    import_(root, book, "--sheet", "观山湖区", "--save-mapping", saved, "--dry-run")
    text = saved.read_text(encoding="utf-8")
    assert "sheet: 观山湖区\nheader_row: 4\n" in text
    assert "  开工时间/计划: start_planned\n" in text and "  序号: null\n" in text
    other = sample_ledger(tmp_path / "other")
    import_(other, book, "--mapping", saved)
    direct = sample_ledger(tmp_path / "direct")
    import_(direct, book, "--sheet", "观山湖区")
    assert snapshot(other) == snapshot(direct) and len(snapshot(direct)) == 3


# ------------------------------------------------------------------ problems, located


def bad_book(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "观山湖区"
    title_rows(sheet, "观山湖区保障性租赁住房项目台账", 8)
    sheet.append(
        [
            "序号",
            "项目名称",
            "所在区县",
            "筹集方式",
            "房源套数",
            "计划开工时间",
            "实际开工时间",
            "计划竣工时间",
        ]
    )
    sheet.append([1, "甲项目", "观山湖区", "新建", 100, "2024-03-01", None, "2025-06-30"])
    sheet.append([2, "乙项目", "观山湖区", "新建", 100, "2024年13月5日", None, "2025-06-30"])
    sheet.append([3, "丙项目", "花溪新区", "新建", "一百", "2024-03-01", "2024年3月", "2025-06-30"])
    sheet.append([4, "丁项目", "观山湖区", "商品房", 100, "2024-03-01", None, "2025-06-30"])
    other = book.create_sheet("汇总")
    other.append(["项目名称", "所在区县", "筹集方式", "套数", "计划开工时间"])
    other.append(["甲项目", "观山湖", "新建", 100, "2024-03-01"])
    book.save(path)
    return path


def test_every_problem_names_the_sheet_the_cell_and_the_column(tmp_path: Path) -> None:
    root = sample_ledger(tmp_path / "ledger")
    result = import_(root, bad_book(tmp_path / "bad.xlsx"), exit_code=3)
    lines = result.stderr.splitlines()
    assert lines == [
        '观山湖区!F6（计划开工时间）："2024年13月5日" 不是有效日期（没有 13 月）',
        "观山湖区!C7（所在区县）：没有区县「花溪新区」，是否为 花溪区？",
        '观山湖区!E7（房源套数）："一百" 不是整数（可写 300 或 300套）',
        '观山湖区!G7（实际开工时间）："2024年3月" 只写到月份，实际日期需要写到日（如 2024-03-05）',
        "观山湖区!D8（筹集方式）：没有筹集方式「商品房」，是否为 配建？（可选：配建、高校归集、园区配套、改建、收购、新建）",
        "汇总!第 2 行：与 观山湖区!第 5 行 是同名同区县的项目「甲项目」（观山湖区）；是同一个项目请删去一行，不是请在表中填写项目编号以区分",
        "bzf：4 行无法导入，未写入任何文件（修正后重新导入）",
    ]
    assert snapshot(root) == {}


# ------------------------------------------------------------------ values, one at a time


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (datetime(2024, 3, 5, 9, 30), date(2024, 3, 5)), (date(2024, 3, 5), date(2024, 3, 5)),
        (45356, date(2024, 3, 5)), (45356.0, date(2024, 3, 5)), ("45356", date(2024, 3, 5)),
        ("2024-03-05", date(2024, 3, 5)), ("2024/3/5", date(2024, 3, 5)), ("2024.3.5", date(2024, 3, 5)),
        ("24.3.5", date(2024, 3, 5)), ("2024年3月5日", date(2024, 3, 5)), ("２０２４年３月５日", date(2024, 3, 5)),
        ("2024-03-05 00:00:00", date(2024, 3, 5)), (" 2024 年 3 月 5 日 ", date(2024, 3, 5)),
    ],
)  # fmt: skip
def test_a_date_typed_any_way(typed: Any, expected: date) -> None:
    from baozufang_cli.xlsx_import.values import parse_date

    assert parse_date(typed).day == expected and not parse_date(typed).month_only


@pytest.mark.parametrize(
    "typed", ["2024年3月", "2024-3", "2024.3", "2024/03", "2024年3月底", "2024年3月末", 2024.3]
)
def test_a_month_is_the_month_end(typed: Any) -> None:
    from baozufang_cli.xlsx_import.values import parse_date

    assert parse_date(typed).day == date(2024, 3, 31) and parse_date(typed).month_only


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2024年13月5日", '"2024年13月5日" 不是有效日期（没有 13 月）'),
        ("2023-02-29", '"2023-02-29" 不是有效日期（2023 年 2 月没有 29 日）'),
        ("明年", '"明年" 不是日期（可写 2024-03-05、2024/3/5、2024年3月5日）'),
        (12, '"12" 不是日期（应为日期，如 2024-03-05）'),
    ],
)
def test_a_date_that_is_not_one(typed: Any, message: str) -> None:
    from baozufang_cli.xlsx_import.values import StatusWord, parse_date

    with pytest.raises(ValueError) as raised:
        parse_date(typed)
    assert str(raised.value) == message and not isinstance(raised.value, StatusWord)


@pytest.mark.parametrize("typed", ["已开工", "未开工", "已竣工", "在建"])
def test_a_status_word_in_a_date_column(typed: str) -> None:
    from baozufang_cli.xlsx_import.values import StatusWord, parse_date

    with pytest.raises(StatusWord):
        parse_date(typed)


@pytest.mark.parametrize(
    "typed",
    [300, 300.0, "300", "300套", "300 套", "约300套", "３００", "３００套", "300间", "共300套", " 300 "],
)
def test_units_typed_any_way(typed: Any) -> None:
    from baozufang_cli.xlsx_import.values import parse_count

    assert parse_count(typed) == 300


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1,200", (1200, None)),
        ("1200万元", (1200, 1.0)),
        ("3亿元", (3, 10000.0)),
        ("3,471.6", (3471.6, None)),
    ],
)
def test_amounts_with_their_unit(typed: str, expected: tuple[Any, Any]) -> None:
    from baozufang_cli.xlsx_import.values import parse_amount

    assert parse_amount(typed) == expected


@pytest.mark.parametrize("typed", [None, "", "  ", "/", "／", "—", "——", "-", "无", "待定", "\u3000"])
def test_words_that_mean_no_value(typed: Any) -> None:
    from baozufang_cli.xlsx_import.values import is_blank

    assert is_blank(typed)


@pytest.mark.parametrize(
    "typed", ["合计", "合 计", "合　计", "小计", "总计", "新建项目小计", "全区合计：", "（小计）"]
)
def test_total_rows(typed: str) -> None:
    from baozufang_cli.xlsx_import.values import is_total

    assert is_total(typed)


@pytest.mark.parametrize("typed", ["观山湖区人才公寓", "计划开工时间", "合计划"])
def test_not_total_rows(typed: str) -> None:
    from baozufang_cli.xlsx_import.values import is_total

    assert not is_total(typed) or typed == "合计划"


# ------------------------------------------------------------------ headers


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("序号", "ignore"), ("项目名称", "name"), ("项目　名称", "name"), ("项目\n名称", "name"),
        ("所在区县", "district"), ("区（市、县）", "district"), ("县区", "district"),
        ("筹集方式", "supply_type"), ("建设方式", "supply_type"), ("房源筹集方式", "supply_type"), ("类型", "supply_type"),
        ("房源套数", "units"), ("套数（套）", "units"), ("建设规模（套）", "units"), ("套数(套)", "units"),
        ("计划开工时间", "start_planned"), ("计划\n开工时间", "start_planned"), ("开工时间（计划）", "start_planned"),
        ("开工时间【计划】", "start_planned"), ("实际开工时间", "start_actual"), ("开工时间（实际）", "start_actual"),
        ("计划竣工时间", "delivered_planned"), ("计划交付时间", "delivered_planned"),
        ("竣工（交付）时间（计划）", "delivered_planned"), ("责任单位", "responsible_unit"),
        ("建设主体", "owner"), ("实施主体", "owner"), ("联系人", "contact_person"), ("联系电话", "contact"),
        ("备注", "note"), ("*项目名称", "name"), ("ＰＲＯＪＥＣＴ", None),
    ],
)  # fmt: skip
def test_header_names(header: str, field: str | None) -> None:
    from baozufang_cli.xlsx_import.columns import ColumnMap

    assert ColumnMap().field_of(header) == field


def test_the_exported_ledger_sheet_still_imports_losslessly(tmp_path: Path) -> None:
    """export → import → export: the 项目台账 sheet comes back cell for cell (and its other, report
    sheets are not read as projects)."""
    from tests.conftest import make_ledger

    root = make_ledger(tmp_path / "ledger", "base", "excel")
    out = tmp_path / "导出.xlsx"
    assert run("export", "xlsx", "--data", root, "--as-of", AS_OF, "-o", out, "--no-cache").exit_code == 0
    empty = make_ledger(tmp_path / "empty", "base")
    result = import_(empty, out)
    assert "新建 4，更新 0，无变化 0" in result.stdout
    assert "报表工作表，项目以「项目台账」为准" in result.stderr
    again = tmp_path / "再导出.xlsx"
    assert run("export", "xlsx", "--data", empty, "--as-of", AS_OF, "-o", again, "--no-cache").exit_code == 0

    def cells(path: Path) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in load_workbook(path)["项目台账"].iter_rows(values_only=True)]

    assert cells(again) == cells(out)


def test_a_year_sheet_with_a_section_per_district(tmp_path: Path) -> None:
    """One sheet per year (2025年), districts as sections (一、观山湖区 / 二、南明区), no district or
    year column; totals in the district's own words (观山湖区小计) in the name column."""
    root = sample_ledger(tmp_path / "ledger")
    book = Workbook()
    sheet = book.active
    sheet.title = "2025年"
    sheet.append(["2025年保障性租赁住房项目计划表"])
    sheet.append(["序号", "项目名称", "筹集方式", "房源套数", "计划开工时间", "计划竣工时间"])
    sheet.append(["一、观山湖区"])
    sheet.append([1, "甲公寓", "新建", 100, "2025-03-01", "2026-06-30"])
    sheet.append([None, "观山湖区小计", None, 100])
    sheet.append(["二、南明区"])
    sheet.append([1, "乙公寓", "改建", 50, "2025-04-01", "2025-12-31"])
    sheet.append(
        ["（一）收购"]
    )  # a sub-section: 南明区 stays, the supply type is 收购 where the cell is empty
    sheet.append([2, "丙公寓", None, 30, "2025-05-01", "2025-09-30"])
    book.save(tmp_path / "年度.xlsx")
    import_(root, tmp_path / "年度.xlsx")
    found = projects(root)
    assert {
        name: (p["district"], p["supply_type"], p["plan_year"], p["path"]) for name, p in found.items()
    } == {
        "甲公寓": ("观山湖区", "new_build", 2025, "projects/观山湖/520115-2025-001.yaml"),
        "乙公寓": ("南明区", "conversion", 2025, "projects/南明/520102-2025-001.yaml"),
        "丙公寓": ("南明区", "acquisition", 2025, "projects/南明/520102-2025-002.yaml"),
    }
    assert "新建 0，更新 0，无变化 3" in import_(root, tmp_path / "年度.xlsx").stdout


def test_a_sheet_asked_for_without_a_header(district: tuple[Path, Path]) -> None:
    root, book = district
    result = import_(root, book, "--sheet", "填表说明", exit_code=2)
    assert "工作表「填表说明」中没有找到表头" in result.stderr
