"""Every text renderer writes control characters out; spreadsheets never see a formula from data.

A value reaching a renderer holds ESC sequences, bidi overrides, C1 controls and rich markup;
the terminal table, Markdown, CSV and xlsx output must hold none of them raw (JSON keeps the
exact value: it is data, and json escapes C0 itself).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console

from baozufang_cli.ledger.characters import UNSAFE
from baozufang_cli.render.data import csv_value, render_csv, render_md
from baozufang_cli.render.table import render_table
from baozufang_cli.render.text import formula_like
from baozufang_cli.reports.value import Column, Report, Table

NASTY = "甲\x1b]0;PWNED\x07公寓\u202e套 01\x9b2J [bold red]红[/] [link=file:///etc/passwd]链接[/link]"


def _report() -> Report:
    table = Table(
        f"表{NASTY}",
        [Column("name", "名称"), Column("units", "套数", "int")],
        [{"name": NASTY, "units": 1}, {"name": ["列表", NASTY], "units": 2}],
        total={"name": "合计", "units": 3},
        notes=[f"注：{NASTY}"],
    )
    return Report.as_of_day(f"标题{NASTY}", f"台账{NASTY}", date(2024, 6, 30), [table], {}, subtitle=[NASTY])


def test_the_terminal_table_prints_no_control_character_and_no_markup() -> None:
    buffer = io.StringIO()
    render_table(_report(), Console(file=buffer, width=200, color_system=None, highlight=False))
    out = buffer.getvalue()
    assert UNSAFE.search(out) is None
    assert "\\x1b" in out and "\\u202e" in out
    assert "[bold red]红[/]" in out and "[link=file:///etc/passwd]" in out  # markup shown, not applied


def test_markdown_and_csv_print_no_control_character() -> None:
    report = _report()
    for out in (render_md(report), render_csv(report.primary)):
        assert UNSAFE.search(out.replace("\r\n", "\n")) is None
        assert "\\x1b" in out


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\n=1", " =1", "  +1",
                                  "＝1", "＋1", "－1", "＠A", '=HYPERLINK("http://x")'])  # fmt: skip
def test_text_a_spreadsheet_would_run_is_defused(text: str) -> None:
    assert formula_like(text)
    value = csv_value(text)
    assert value.startswith("'") or not formula_like(value)  # quoted, or written out ("\\x0d=1")
    cell = next(csv.reader(io.StringIO(render_csv(Table("t", [Column("a", "a")], [{"a": text}])))))
    assert cell  # header row parses


@pytest.mark.parametrize("text", ["观山湖区", "A-1", "1,200", " 空格开头", "2024-06-30"])
def test_ordinary_text_is_not_touched(text: str) -> None:
    assert not formula_like(text)
    assert csv_value(text) == text


def test_xlsx_text_cells_are_written_out_and_quote_prefixed(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from baozufang_cli.render.xlsx import write_report

    table = Table("t", [Column("name", "名称")], [{"name": NASTY}, {"name": " =1+1"}, {"name": "＝A1"}])
    path = tmp_path / "r.xlsx"
    write_report(Report.as_of_day("t", "l", date(2024, 6, 30), [table], {}), path, "测试市")
    values = {}
    for sheet in load_workbook(path).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    values[cell.value] = cell
                    assert UNSAFE.search(cell.value) is None
                    assert cell.data_type == "s"
    assert any("\\u202e" in v for v in values)
    assert values[" =1+1"].quotePrefix and values["＝A1"].quotePrefix
