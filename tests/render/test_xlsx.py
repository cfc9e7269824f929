"""bzf export xlsx|csv and --format xlsx: the workbook opened with openpyxl, cell by cell.

The ledger is tests/data/base + tests/data/excel at 2024-06-30 (four projects; names starting
with = + @ and texts starting with - test formula injection). Expected numbers by hand:

* E-1 (观山湖区, 新建, 1000 套, 人才租赁住房): started 2023-03-05, delivered 2024-04-10;
  funding 30000 万元 total, 20000 completed, sources 3000/1500 + 20000/16000.5 → planned 23000,
  received 17500.5, funding gap 7000, arrival gap 1500 + 3999.5 = 5499.5, received 76.09%;
  800 of 1000 let (80%), rent 18 / market 24 = 75%, ≤70㎡ 900/1000 = 90%, 81 days since delivery.
* E-2 (观山湖区, 改建, 500 间): started 2024-02-10; 联合验收 planned 2024-05-31 not done → overdue
  30 days; problem P1 (市住建局) due 2024-05-31 open → overdue 30 days; P2 (市财政局) closed
  2024-02-20 after 41 days.
* N-1 (南明区, 收购, 200 套): 签约付款 planned 2024-08-01 → not started, projected for 2024.
* GA-1 (贵安新区, no target, 300 套): started 2024-06-15 → a muted row, left out of the 合计.

2024 targets: 观山湖区 started 1500 / delivered 1000 → actual 500 / 1000, projected gap 1000 /
−500; 南明区 800 / 600 → actual 0 / 0, projected gap 600 / 600. City: delivered 3000 (tag
人才租赁住房) → 1000.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from baozufang_cli.reports.export import EXPORT_COLUMNS, SHEET_NAMES
from baozufang_cli.reports.ledger_view import COLUMNS
from tests.conftest import make_ledger, run

AS_OF = "2024-06-30"
HEADERS = {c.key: c.header for c in COLUMNS}


@pytest.fixture(scope="session")
def excel_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_ledger(tmp_path_factory.mktemp("excel") / "ledger", "base", "excel")


@pytest.fixture(scope="session")
def workbook_path(excel_ledger: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("out") / "台账.xlsx"
    result = run("export", "xlsx", "--data", excel_ledger, "--as-of", AS_OF, "-o", path)
    assert result.exit_code == 0, result.stderr
    return path


@pytest.fixture(scope="session")
def book(workbook_path: Path) -> Any:
    return load_workbook(workbook_path)


def values(sheet: Any, row: int) -> list[Any]:
    """A row's values as written: datetimes read back as dates."""
    out = []
    for cell in sheet[row]:
        value = cell.value
        out.append(value.date() if isinstance(value, datetime) else value)
    while out and out[-1] is None:
        out.pop()
    return out


def ledger_row(**cells: Any) -> list[Any]:
    """A 项目台账 row from the cells that are filled (by key); every other cell must be empty."""
    unknown = set(cells) - set(EXPORT_COLUMNS)
    assert not unknown, unknown
    row = [cells.get(key) for key in EXPORT_COLUMNS]
    while row and row[-1] is None:
        row.pop()
    return row


def row_of(sheet: Any, first: Any) -> int:
    """The first row whose column A holds ``first``."""
    for row in range(1, sheet.max_row + 1):
        if sheet.cell(row=row, column=1).value == first:
            return row
    raise AssertionError(f"{first!r} not in column A of {sheet.title}")


HEADER = 4  # single-table sheets: title, subtitle, the form line, then the header


# ------------------------------------------------------------------ the workbook as a whole


def test_sheets_titles_subtitles_and_the_form_line(book: Any) -> None:
    assert book.sheetnames == list(SHEET_NAMES)
    titles = {
        "汇总": "测试市保障性租赁住房目标完成情况汇总（2024年）",
        "会议台账": "测试市保障性租赁住房项目台账（会议用）",
        "项目台账": "测试市保障性租赁住房项目台账",
        "逾期节点": "测试市保障性租赁住房逾期节点",
        "问题清单": "测试市保障性租赁住房问题清单（整改台账）",
        "分类统计": "测试市保障性租赁住房分类统计（筹集方式 × 计划年度）",
        "资金": "测试市保障性租赁住房资金汇总（按区县）",
        "运营明细": "测试市保障性租赁住房已交付项目运营明细",
    }
    for name, title in titles.items():
        sheet = book[name]
        assert sheet["A1"].value == title
        assert sheet["A2"].value.startswith("统计截至 2024-06-30　台账：测试计划")
        assert sheet["A3"].value.startswith("填报单位：＿＿＿＿＿＿＿＿　　填表人：")
        assert "填报日期：" in sheet["A3"].value
        assert sheet["A1"].font.bold and sheet["A1"].font.size == 16
    signature = book["汇总"].cell(row=book["汇总"].max_row, column=1).value
    assert signature.startswith("审核人：") and "分管领导：" in signature


def test_frozen_header_filter_and_print_settings(book: Any) -> None:
    # (frozen at, filter, header rows repeated on every page)
    expected = {
        "会议台账": ("C5", "A4:O8", "$4:$4"),
        "项目台账": ("D5", "A4:AT8", "$4:$4"),  # 序号, 编号, 名称 stay in view
        "逾期节点": ("B5", "A4:J5", "$4:$4"),
        "问题清单": ("B5", "A4:L5", "$4:$4"),
        "分类统计": ("A5", "A4:J11", "$4:$4"),
        "资金": ("A5", "A4:I7", "$4:$4"),
        "运营": ("A5", "A4:J7", "$4:$4"),
    }
    for name, (frozen, filtered, titles) in expected.items():
        sheet = book[name]
        assert (sheet.freeze_panes, sheet.auto_filter.ref, sheet.print_title_rows) == (
            frozen,
            filtered,
            titles,
        ), name
        setup = sheet.page_setup
        assert (setup.paperSize, setup.orientation) == (8, "landscape")
        assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
        assert "统计截至 2024-06-30" in sheet.oddFooter.left.text
    summary = book["汇总"]  # two tables: nothing frozen, no header repeated over the other table
    assert summary.freeze_panes is None and not summary.print_title_rows
    wide = book["项目台账"]  # 46 columns: printed wide at 65 %, the key columns repeated
    assert wide.page_setup.scale == 65 and wide.print_title_cols == "$A:$C"
    assert book["会议台账"].sheet_properties.pageSetUpPr.fitToPage  # one page wide


def test_header_style_and_number_formats(book: Any) -> None:
    sheet = book["项目台账"]
    header = sheet["J4"]
    assert header.value == "套数"
    assert header.font.bold and header.fill.fgColor.rgb.endswith("D9E1F2") and header.border.left.style
    formats = {cell.value: sheet.cell(row=5, column=cell.column).number_format for cell in sheet[4]}
    assert formats["套数"] == "#,##0"
    assert formats["总投资（万元）"] == "#,##0.00"
    assert formats["实际交付"] == "yyyy-mm-dd"
    assert formats["计划年度"] == "0"
    assert formats["项目编号"] == "@"
    summary = book["汇总"]
    first = row_of(summary, 1)  # 序号 1
    assert summary.cell(row=first, column=8).number_format == "0.0%"  # 启动完成率 (H)
    assert isinstance(sheet["R5"].value, datetime)  # a real date, not text
    assert sheet["J5"].border.left.style
    assert book["问题汇总"]["F6"].number_format == "#,##0.0"  # the median


def test_column_widths_count_cjk_twice(book: Any) -> None:
    sheet = book["汇总"]
    assert sheet.column_dimensions["B"].width >= 10  # 观山湖区 / 贵安新区: 4 CJK = 8 cells + 2
    ledger = book["项目台账"]
    longest = max(len(name) * 2 for name in ("闲置存量住房和非居住存量房屋改建",))
    assert ledger.column_dimensions["F"].width >= min(longest, 30)  # 筹集方式 column (wraps at 30)
    assert ledger.column_dimensions["A"].width < 10  # 序号 stays narrow


# ------------------------------------------------------------------ 项目台账: every cell


def test_ledger_sheet_every_cell(book: Any) -> None:
    sheet = book["项目台账"]
    assert values(sheet, 4) == [HEADERS[key] for key in EXPORT_COLUMNS]
    assert values(sheet, 5) == ledger_row(
        seq=1, id="E-1", name='=HYPERLINK("http://example.com","点我")', district="观山湖区",
        supply_type_label="新建", tags="人才租赁住房", units=1000, unit_kind="套", small_units=900,
        floor_area_m2=60000.5, plan_year=2023, start_planned=date(2023, 3, 1), start_actual=date(2023, 3, 5),
        delivered_planned=date(2024, 3, 31), delivered_actual=date(2024, 4, 10), stage="交付使用",
        stage_date=date(2024, 4, 10), status="已交付", overdue="否", overdue_milestones=0,
        schedule="开工：计划 2023-03-01，实际 2023-03-05\n竣工验收：计划 2024-02-29，实际 2024-03-20\n"
        "交付使用：计划 2024-03-31，实际 2024-04-10",
        total_investment_wan=30000, completed_investment_wan=20000, funding_planned_wan=23000,
        funding_received_wan=17500.5, funding_sources="中央补助资金：计划 3000，到位 1500\n银行贷款：计划 20000，到位 16000.5",
        rent_yuan_m2=18, market_rent_yuan_m2=24, leased_units=800, open_problems=0, overdue_problems=0,
        responsible_unit="观山湖区住建局", updated=date(2024, 6, 28),
    )  # fmt: skip
    # E-2 has no 更新日期: nothing undated of it is known as of the day (and it has none)
    assert values(sheet, 6) == ledger_row(
        seq=2, id="E-2", name="+1 改建项目", district="观山湖区", supply_type_label="闲置存量住房和非居住存量房屋改建",
        tags="", units=500, unit_kind="间", plan_year=2024, start_planned=date(2024, 2, 1), start_actual=date(2024, 2, 10),
        delivered_planned=date(2024, 7, 31), stage="改造开工", stage_date=date(2024, 2, 10),
        next_milestone="联合验收", next_planned=date(2024, 5, 31), status="已启动", overdue="是", overdue_milestones=1,
        schedule="改造开工：计划 2024-02-01，实际 2024-02-10\n联合验收：计划 2024-05-31\n交付使用：计划 2024-07-31",
        open_problems=1, overdue_problems=1,
        problem_list="P1 消防验收整改〔建设手续，市住建局，提出 2024-03-01，时限 2024-05-31〕",
        responsible_unit="-区住建局",
    )  # fmt: skip
    assert values(sheet, 7) == ledger_row(
        seq=3, id="N-1", name="@SUM(A1:A9)", district="南明区", supply_type_label="购买滞销存量小户型房屋",
        tags="", units=200, unit_kind="套", plan_year=2024, start_planned=date(2024, 8, 1), next_milestone="签约付款",
        next_planned=date(2024, 8, 1), status="未启动", overdue="否", overdue_milestones=0,
        schedule="签约付款：计划 2024-08-01", open_problems=0, overdue_problems=0, note="-（待定）",
    )  # fmt: skip
    assert values(sheet, 8) == ledger_row(
        seq=4, id="GA-1", name="贵安某人才公寓", district="贵安新区", supply_type_label="新建", tags="", units=300,
        unit_kind="套", plan_year=2025, start_planned=date(2024, 6, 1), start_actual=date(2024, 6, 15),
        stage="开工", stage_date=date(2024, 6, 15), next_milestone="主体封顶", status="已启动", overdue="否",
        overdue_milestones=0, schedule="开工：计划 2024-06-01，实际 2024-06-15", open_problems=0,
        overdue_problems=0, contact="0851-12345678",
    )  # fmt: skip
    letter = {key: sheet.cell(row=5, column=i + 1).column_letter for i, key in enumerate(EXPORT_COLUMNS)}
    total = {HEADERS[key]: f"=SUBTOTAL(109,{letter[key]}5:{letter[key]}8)" for key in EXPORT_COLUMNS}
    summed = ["套数", "其中≤70㎡套数", "建筑面积（㎡）", "逾期节点数", "总投资（万元）", "累计完成投资（万元）",
              "计划资金（万元）", "到位资金（万元）", "已出租套数", "未办结问题", "逾期问题"]  # fmt: skip
    row9 = {header: cell.value for header, cell in zip(values(sheet, 4), sheet[9], strict=False)}
    assert row9["序号"] == "合计"
    assert {h: v for h, v in row9.items() if v is not None and h != "序号"} == {h: total[h] for h in summed}
    assert sheet["A10"].value == "共 4 个项目，2,000 套(间)：未启动 1，已启动 2，已交付 1；逾期 1 个"
    assert sheet["A11"].value.startswith(
        "3 个项目的形象进度、完成投资、到位资金和运营数据截至日后更新，未计入"
    )
    assert sheet["A9"].font.bold


def test_multiline_cells_wrap_and_rows_are_as_tall_as_their_lines(book: Any) -> None:
    sheet = book["项目台账"]
    schedule = EXPORT_COLUMNS.index("schedule") + 1
    assert sheet.cell(row=5, column=schedule).alignment.wrap_text
    assert sheet.row_dimensions[5].height >= 3 * 15  # three milestones, three lines
    assert sheet.row_dimensions[7].height is None or sheet.row_dimensions[7].height < 20  # N-1: one line


def test_the_meeting_sheet_reads_the_key_columns(book: Any) -> None:
    sheet = book["会议台账"]
    assert values(sheet, 4) == [
        "序号", "项目名称", "所在区县", "筹集方式", "套数", "计划启动", "实际启动", "计划交付", "实际交付",
        "当前节点", "形象进度", "状态", "逾期", "责任单位", "存在问题",
    ]  # fmt: skip
    assert values(sheet, 9)[:5] == ["合计", None, None, None, "=SUBTOTAL(109,E5:E8)"]


# ------------------------------------------------------------------ 汇总 and its chart


def test_summary_sheet_values_formulas_and_chart(book: Any, workbook_path: Path) -> None:
    sheet = book["汇总"]
    assert sheet["A4"].value.startswith(
        "全市 2024 年：启动目标 2,300 套、已完成 500 套（21.7%）；交付目标 1,600 套"
    )
    assert "序时进度 49.7%" in sheet["A4"].value  # 182 of 366 days
    city = row_of(sheet, "年度")
    assert values(sheet, city + 1) == [2024, "建成交付", "人才租赁住房", date(2024, 6, 30), 3000, 1000, 2000,
                                       0.3333, 1000, 2000]  # fmt: skip
    header = row_of(sheet, "序号")
    assert values(sheet, header) == [
        "序号",
        "区县",
        "排名",
        "启动",
        None,
        None,
        None,
        None,
        None,
        None,
        "交付",
    ]
    # gap's groups: the forecast (bzf forecast) beside the target, the light (bzf lights) after the rate
    group = ["目标", "年底预计", "完成", "缺口", "完成率", "灯", "预计缺口"]
    assert values(sheet, header + 1) == [None, None, None, *group, *group]
    first = header + 2
    # lights as bzf lights gives them: 500 / 1500 = 33.3 % against 49.7 % of the year is 黄
    row = [1, "观山湖区", 1, 1500, 500, 500, 1000, 0.3333, "黄", 1000, 1000, 1500, 1000, 0, 1, "绿", -500]
    assert values(sheet, first) == row
    assert values(sheet, first + 1) == [
        2,
        "南明区",
        2,
        800,
        200,
        0,
        800,
        0,
        "红",
        600,
        600,
        0,
        0,
        600,
        0,
        "红",
        600,
    ]
    # no target: no rank, no light, muted, not in the 合计
    assert values(sheet, first + 2) == [
        3,
        "贵安新区",
        None,
        None,
        300,
        300,
        None,
        None,
        None,
        None,
        None,
        0,
        0,
    ]
    assert sheet.cell(row=first + 2, column=2).font.color.rgb.endswith("808080")
    assert sheet.cell(row=first + 4, column=1).value.startswith("序时进度 49.7%")  # one number, said once
    a, b, t = first, first + 1, first + 3

    def light(actual: str, target: str) -> str:
        behind = f"ROUND((91/183-{actual}{t}/{target}{t})*100,9)"
        return f'=IF(N({target}{t})<=0,"-",IF({behind}<=10.0,"绿",IF({behind}<=30.0,"黄","红")))'

    assert values(sheet, t) == [
        "合计", None, None, f"=SUBTOTAL(109,D{a}:D{b})", f"=SUBTOTAL(109,E{a}:E{b})", f"=SUBTOTAL(109,F{a}:F{b})",
        f"=SUBTOTAL(109,G{a}:G{b})", f'=IF(D{t}=0,"",F{t}/D{t})', light("F", "D"), f"=SUBTOTAL(109,J{a}:J{b})",
        f"=SUBTOTAL(109,K{a}:K{b})", f"=SUBTOTAL(109,L{a}:L{b})", f"=SUBTOTAL(109,M{a}:M{b})",
        f"=SUBTOTAL(109,N{a}:N{b})", f'=IF(K{t}=0,"",M{t}/K{t})', light("M", "K"), f"=SUBTOTAL(109,Q{a}:Q{b})",
    ]  # fmt: skip
    # the 灯 of the 合计: lit by a formula over its own cells (182 of 366 days: 91/183), as bzf lit it
    cached = load_workbook(workbook_path, data_only=True)["汇总"]
    assert [cached[f"I{t}"].value, cached[f"P{t}"].value] == ["黄", "绿"]
    (chart,) = sheet._charts
    assert chart.tagname == "barChart" and chart.type == "bar"
    c = first + 2
    assert [(s.tx.strRef.f if s.tx.strRef else s.tx.v, s.val.numRef.f) for s in chart.series] == [
        ("交付目标", f"汇总!$K${a}:$K${c}"),
        ("已启动", f"汇总!$F${a}:$F${c}"),
        ("已交付", f"汇总!$M${a}:$M${c}"),
    ]
    assert all(s.dLbls is not None and s.dLbls.showVal for s in chart.series)  # data labels


def test_colour_marks_the_deciding_cell_and_a_legend_says_what_it_means(book: Any) -> None:
    def rules(name: str) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for entry in book[name].conditional_formatting:
            out.setdefault(str(entry.sqref), []).extend(f for rule in entry.rules for f in rule.formula)
        return out

    assert rules("项目台账") == {"X5:X8": ['X5="是"']}  # X = 逾期: the cell, not the row
    assert rules("逾期节点") == {"B5": ['B5="逾期"', 'B5="延期完成"', 'B5="即将到期"']}
    assert rules("问题清单") == {"K5": ['K5="逾期"']}
    summary = rules("汇总")
    header = row_of(book["汇总"], "序号")
    a, c = header + 2, header + 4
    lights = {f"{col}{a}:{col}{c}": [f'{col}{a}="红"', f'{col}{a}="黄"', f'{col}{a}="绿"'] for col in "IP"}
    assert summary == {
        "J7": ["AND(ISNUMBER(J7),J7>0)"],
        f"J{a}:J{c}": [f"AND(ISNUMBER(J{a}),J{a}>0)"],
        f"Q{a}:Q{c}": [f"AND(ISNUMBER(Q{a}),Q{a}>0)"],
        **lights,
    }
    (entry,) = list(book["项目台账"].conditional_formatting)
    fill = entry.rules[0].dxf.fill
    assert any((colour.rgb or "").endswith("FFC7CE") for colour in (fill.fgColor, fill.bgColor))
    legend = book["项目台账"]["A12"].value
    assert "图例" in str(legend) and "逾期" in str(legend)


# ------------------------------------------------------------------ the other sheets


def test_overdue_and_problem_sheets(book: Any) -> None:
    overdue = book["逾期节点"]
    assert values(overdue, 4) == ["序号", "状态", "项目编号", "项目名称", "区县", "筹集方式", "节点", "计划日期",
                                  "逾期天数", "责任单位"]  # fmt: skip
    assert values(overdue, 5) == [1, "逾期", "E-2", "+1 改建项目", "观山湖区", "改建", "联合验收",
                                  date(2024, 5, 31), 30, "-区住建局"]  # fmt: skip
    problems = book["问题清单"]
    assert values(problems, 4) == ["序号", "项目名称", "区县", "存在问题", "问题类别", "整改措施", "完成时限",
                                   "责任单位", "责任人", "提出日期", "状态", "逾期天数"]  # fmt: skip
    assert values(problems, 5) == [1, "+1 改建项目", "观山湖区", "消防验收整改", "建设手续", None,
                                   date(2024, 5, 31), "市住建局", None, date(2024, 3, 1), "逾期", 30]  # fmt: skip
    summary = book["问题汇总"]
    assert values(summary, 5) == ["市住建局", 1, 1, 0, 0]
    assert values(summary, 6) == ["市财政局", 0, 0, 0, 1, 41]
    assert values(summary, 7) == ["合计", "=SUBTOTAL(109,B5:B6)", "=SUBTOTAL(109,C5:C6)",
                                  "=SUBTOTAL(109,D5:D6)", "=SUBTOTAL(109,E5:E6)", 41]  # fmt: skip


def test_breakdown_sheet_subtotals(book: Any) -> None:
    sheet = book["分类统计"]
    assert values(sheet, 5) == ["新建", 2023, 1, 1000, 1, 1000, 1, 1000, 1, 1]
    assert values(sheet, 6) == ["新建", 2025, 1, 300, 1, 300, 0, 0, 1, 0]
    assert values(sheet, 7)[:4] == ["新建 小计", None, "=SUBTOTAL(109,C5:C6)", "=SUBTOTAL(109,D5:D6)"]
    assert values(sheet, 7)[8:] == ['=IF(D7=0,"",F7/D7)', '=IF(D7=0,"",H7/D7)']
    assert values(sheet, 8) == ["闲置存量住房和非居住存量房屋改建", 2024, 1, 500, 1, 500, 0, 0, 1, 0]
    assert values(sheet, 10) == ["购买滞销存量小户型房屋", 2024, 1, 200, 0, 0, 0, 0, 0, 0]
    assert values(sheet, 12)[:4] == [
        "合计",
        None,
        "=SUBTOTAL(109,C5:C6,C8,C10)",
        "=SUBTOTAL(109,D5:D6,D8,D10)",
    ]


def test_funding_and_operations_sheets(book: Any) -> None:
    funding = book["资金"]
    assert values(funding, 4) == ["区县", "项目数", "总投资", "累计完成投资", "计划资金", "资金缺口", "到位资金",
                                  "到位率", "未到位资金"]  # fmt: skip
    assert values(funding, 5) == ["观山湖区", 1, 30000, 20000, 23000, 7000, 17500.5, 0.7609, 5499.5]
    assert values(funding, 8)[7] == '=IF(E8=0,"",G8/E8)'
    sources = book["资金来源"]
    assert values(sources, 5) == ["中央补助资金", 1, 3000, 1500, 0.5, 1500]
    assert values(sources, 9) == ["银行贷款", 1, 20000, 16000.5, 0.8, 3999.5]
    assert values(sources, 16)[:2] == ["合计", None]  # a project may have several sources: not added up
    assert values(book["资金超支"], 5) == ["E-1", '=HYPERLINK("http://example.com","点我")', "观山湖区",
                                           20000, 17500.5, 2499.5]  # fmt: skip
    operations = book["运营"]
    assert values(operations, 5) == ["观山湖区", 1, 1000, 800, 0.8, 18, 0.75, 0.9, 0, 0]
    detail = book["运营明细"]
    assert values(detail, 5)[:13] == [
        1, "E-1", '=HYPERLINK("http://example.com","点我")', "观山湖区", date(2024, 4, 10), 81, 1000, 800, 0.8,
        18, 24, 0.75, 0.9,
    ]  # fmt: skip
    assert detail["E5"].number_format == "yyyy-mm-dd"  # 交付日期 is a date


# ------------------------------------------------------------------ formula injection


def test_text_that_looks_like_a_formula_stays_text(book: Any, workbook_path: Path) -> None:
    sheet = book["项目台账"]
    for ref, text in (("C5", '=HYPERLINK("http://example.com","点我")'), ("C6", "+1 改建项目"),
                      ("C7", "@SUM(A1:A9)"), ("AT7", "-（待定）")):  # fmt: skip
        cell = sheet[ref]
        assert (cell.value, cell.data_type) == (text, "s")
        assert cell.quotePrefix  # Excel keeps it text when the cell is edited
    assert not sheet["C8"].quotePrefix
    # the file itself: the only formulas are the totals
    with zipfile.ZipFile(workbook_path) as archive:
        names = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        xml = "".join(archive.read(n).decode("utf-8") for n in names)
    formulas = xml.split("<f>")[1:]
    assert formulas and all(f.startswith(("SUBTOTAL(", "IF(")) for f in formulas)
    assert "HYPERLINK" not in "".join(f.split("</f>")[0] for f in formulas)


def test_csv_export_defuses_formulas(excel_ledger: Path, tmp_path: Path) -> None:
    result = run("export", "csv", "--data", excel_ledger, "--as-of", AS_OF, "-o", tmp_path / "csv")
    assert result.exit_code == 0, result.stderr
    files = sorted(p.name for p in (tmp_path / "csv").iterdir())
    assert files == sorted([
        "汇总.csv", "汇总-全市目标（套）.csv", "会议台账.csv", "项目台账.csv", "逾期节点.csv", "问题清单.csv",
        "问题汇总.csv", "分类统计.csv", "资金.csv", "资金来源.csv", "资金超支.csv", "中央补助.csv", "运营.csv",
        "运营明细.csv",
    ])  # fmt: skip
    raw = (tmp_path / "csv" / "项目台账.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel opens Chinese correctly
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [HEADERS[key] for key in EXPORT_COLUMNS]
    names = [row[2] for row in rows[1:5]]
    assert names == [
        '\'=HYPERLINK("http://example.com","点我")',
        "'+1 改建项目",
        "'@SUM(A1:A9)",
        "贵安某人才公寓",
    ]
    assert rows[5][0] == "合计" and rows[5][EXPORT_COLUMNS.index("units")] == "2000"


# ------------------------------------------------------------------ --format xlsx on the reports


@pytest.mark.parametrize(
    ("command", "sheets"),
    [
        (["status"], ["项目进度汇总"]),
        (["gap"], ["全市目标（套）", "2024 年区县目标完成情况（套）"]),
        (["overdue"], ["逾期节点"]),
        (["problems"], ["按责任部门汇总", "问题清单"]),
        (["ledger"], ["项目台账"]),
        (
            ["funding"],
            [
                "资金汇总（按区县）",
                "按资金来源",
                "累计完成投资超过到位资金的项目",
                "中央补助资金申请（按区县）",
            ],
        ),
        (["operations"], ["运营汇总（按区县）", "已交付项目运营明细"]),
    ],
)
def test_format_xlsx_one_sheet_per_table(
    excel_ledger: Path, tmp_path: Path, command: list[str], sheets: list[str]
) -> None:
    out = tmp_path / "r.xlsx"
    result = run(*command, "--data", excel_ledger, "--as-of", AS_OF, "-f", "xlsx", "-o", out)
    assert result.exit_code == 0, result.stderr
    workbook = load_workbook(out)
    assert workbook.sheetnames == sheets
    assert workbook[sheets[0]]["A1"].value.startswith("测试市保障性租赁住房")


def test_format_xlsx_needs_an_output_file(excel_ledger: Path) -> None:
    result = run("status", "--data", excel_ledger, "--as-of", AS_OF, "-f", "xlsx")
    assert result.exit_code == 2
    assert "-o" in result.stderr


def test_status_totals_are_formulas(excel_ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.xlsx"
    run("status", "--data", excel_ledger, "--as-of", AS_OF, "-f", "xlsx", "-o", out)
    sheet = load_workbook(out).active
    assert values(sheet, 3) == ["区县", "项目数", "套数", "已启动套数", "已交付套数", "启动率", "交付率"]
    assert values(sheet, 4) == ["观山湖区", 2, 1500, 1500, 1000, 1, 0.6667]
    assert values(sheet, 7) == ["合计", "=SUBTOTAL(109,B4:B6)", "=SUBTOTAL(109,C4:C6)", "=SUBTOTAL(109,D4:D6)", "=SUBTOTAL(109,E4:E6)",
                                '=IF(C7=0,"",D7/C7)', '=IF(C7=0,"",E7/C7)']  # fmt: skip


def test_a_flag_without_its_deciding_column_is_painted(excel_ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "l.xlsx"
    run("ledger", "--data", excel_ledger, "--as-of", AS_OF, "-C", "id,name", "-f", "xlsx", "-o", out)
    sheet = load_workbook(out).active
    assert not list(sheet.conditional_formatting)  # no 逾期 column to decide it
    assert sheet["A5"].value == "E-2" and sheet["A5"].fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet["A4"].fill.fgColor.rgb in (None, "00000000")


def test_export_with_errors_still_writes_and_exits_1(ledger: Any, tmp_path: Path) -> None:
    root = ledger("base", "excel")
    (root / "projects" / "BAD.yaml").write_text("id: BAD\nname: 坏\n", encoding="utf-8")
    out = tmp_path / "x.xlsx"
    result = run("export", "xlsx", "--data", root, "--as-of", AS_OF, "-o", out)
    assert result.exit_code == 1
    workbook = load_workbook(out)
    assert all("1 个文件有错误，未计入" in workbook[name]["A2"].value for name in workbook.sheetnames)


def test_export_refuses_a_folder_as_file(excel_ledger: Path, tmp_path: Path) -> None:
    result = run("export", "xlsx", "--data", excel_ledger, "-o", tmp_path)
    assert result.exit_code == 2


# ------------------------------------------------------------------ the form, an empty year, problem measures


def test_the_form_lines_take_the_options_or_targets_report(ledger: Any, tmp_path: Path) -> None:
    root = ledger("base", "excel")
    targets = root / "targets.yaml"
    targets.write_text(
        targets.read_text(encoding="utf-8") + "report: {unit: 测试市住建局, phone: 0851-1, leader: 钱某}\n",
        encoding="utf-8",
    )
    out = tmp_path / "f.xlsx"
    result = run("export", "xlsx", "--data", root, "--as-of", AS_OF, "-o", out,
                 "--preparer", "李某", "--reviewer", "赵某", "--phone", "0851-2")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    workbook = load_workbook(out)
    line = workbook["项目台账"]["A3"].value
    assert line.startswith("填报单位：测试市住建局　　填表人：李某　　联系电话：0851-2　　填报日期：")
    summary = workbook["汇总"]
    assert summary.cell(row=summary.max_row, column=1).value == "审核人：赵某　　　　分管领导：钱某"


def test_a_year_without_targets_says_so(excel_ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "e.xlsx"
    result = run("export", "xlsx", "--data", excel_ledger, "--as-of", "2026-06-30", "-o", out)
    assert result.exit_code == 0, result.stderr
    message = "2026 年没有区县目标，汇总只列实际完成；最近有目标的年度为 2025 年，可用 --as-of 2025-12-31 导出该年度的汇总"
    assert message in result.stderr
    sheet = load_workbook(out)["汇总"]
    assert message in [sheet.cell(row=r, column=1).value for r in range(1, 8)]
    assert not sheet._charts  # no chart of empty series


def test_problem_measures_and_person_reach_the_problem_list(ledger: Any, tmp_path: Path) -> None:
    root = ledger("base", "excel")
    result = run("problem", "add", "N-1", "--text", "签约价格未定", "--category", "房源筹集",
                 "--department", "市住建局", "--raised", "2024-06-01", "--due", "2024-07-15",
                 "--measures", "组织评估、约谈业主", "--person", "王某", "--data", root)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    text = (root / "projects" / "N-1.yaml").read_text(encoding="utf-8")
    assert "measures: 组织评估、约谈业主" in text and "person: 王某" in text
    out = tmp_path / "p.xlsx"
    assert run("export", "xlsx", "--data", root, "--as-of", AS_OF, "-o", out).exit_code == 0
    sheet = load_workbook(out)["问题清单"]
    rows = [values(sheet, r) for r in range(5, sheet.max_row + 1)]
    found = next(r for r in rows if len(r) > 3 and r[3] == "签约价格未定")
    assert found[5:9] == ["组织评估、约谈业主", date(2024, 7, 15), "市住建局", "王某"]
