"""-C/--columns on every report command: Chinese headers or JSON keys; unknown → exit 2 listing them."""

from __future__ import annotations

import pytest

from baozufang_cli.reports.columns import select_columns, split_names
from baozufang_cli.reports.value import Column, Report, Table
from tests.conftest import SAMPLE, run, run_json

AS_OF = "2024-06-30"


def sample_report() -> Report:
    columns = [Column("district", "区县"), Column("units", "套数", "int", optional=2),
               Column("started_pct", "完成率", "pct", group="启动"), Column("note", "说明", screen=False)]  # fmt: skip
    other = Table(
        "全市", [Column("year", "年度"), Column("target", "目标", "int")], [{"year": 2024, "target": 1}]
    )
    return Report(
        "测试", None, "台账", [Table("区县", columns, [{"district": "南明区", "units": 3}]), other], {"k": 1}
    )


def test_names_split_on_every_comma() -> None:
    assert split_names(["区县,套数，完成率、note", " units "]) == ["区县", "套数", "完成率", "note", "units"]


def test_headers_keys_and_group_headers_select_columns() -> None:
    report = select_columns(sample_report(), ["启动完成率,UNITS"])
    table, other = report.tables
    assert [c.key for c in table.columns] == ["district", "started_pct", "units"]  # first column kept
    assert all(c.optional == 0 and c.screen for c in table.columns)  # asked for: always shown
    assert [c.key for c in other.columns] == ["year", "target"]  # nothing asked for in it: whole
    assert report.data == {"k": 1}
    assert select_columns(sample_report(), ["说明"]).tables[0].columns[1].screen  # a CSV-only column shown


@pytest.mark.parametrize("names", [None, [], ["all"]])
def test_nothing_or_all_changes_nothing(names: list[str] | None) -> None:
    report = sample_report()
    assert select_columns(report, names) is report


def test_an_unknown_column_lists_the_columns_in_chinese() -> None:
    result = run("status", "--data", SAMPLE, "--as-of", AS_OF, "-C", "区县,交付律")
    assert result.exit_code == 2
    assert "未知列 交付律，是否为 交付率？" in result.stderr
    assert "可选列：区县（district）、项目数（projects）" in result.stderr


def test_every_report_command_takes_columns() -> None:
    status = run("status", "--data", SAMPLE, "--as-of", AS_OF, "-C", "区县,交付率", "-f", "csv")
    assert status.exit_code == 0, status.stderr
    assert status.stdout.splitlines()[0].lstrip("\ufeff") == "区县,交付率"
    overdue = run("overdue", "--data", SAMPLE, "--as-of", AS_OF, "-C", "逾期天数", "-f", "csv")
    assert overdue.exit_code == 0, overdue.stderr
    assert len(overdue.stdout.splitlines()[0].split(",")) == 2  # the first column and the one asked for
    # JSON is the contract: -C never changes it
    assert run_json("status", "--data", SAMPLE, "--as-of", AS_OF, "-C", "交付率") == run_json(
        "status", "--data", SAMPLE, "--as-of", AS_OF
    )


def test_ledger_columns_take_chinese_headers() -> None:
    data = run_json("ledger", "--data", SAMPLE, "--as-of", AS_OF, "-C", "项目编号,项目名称,units")
    assert data["columns"] == ["id", "name", "units"]
    result = run("ledger", "--data", SAMPLE, "--as-of", AS_OF, "-C", "编码")
    assert result.exit_code == 2 and "可选列：序号（seq）、项目编号（id）" in result.stderr


def test_every_report_command_lists_the_option() -> None:
    from baozufang_cli.cli.app import app  # noqa: F401  (registers the report commands)
    from baozufang_cli.cli.report_command import LEAN

    assert len(LEAN) > 10
    missing = [name for name in LEAN if "--columns" not in run(name, "--help").stdout]
    assert not missing
