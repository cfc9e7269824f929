"""Every table command fits the terminal: goldens at 80 and 120 columns on the sample ledger.

A line is measured in display cells (a Chinese character is two). Columns that do not fit are left
out, lowest priority first, and named in one line under the table; ``--wide`` shows them all.
"""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from tests.conftest import SAMPLE, assert_golden, run

AS_OF = "2024-06-30"
COMMANDS = {
    "status": ["status"],
    "status_type": ["status", "--by", "type"],
    "gap": ["gap"],
    "gap_all": ["gap", "-y", "all"],
    "overdue": ["overdue", "--within", "30"],
    "problems": ["problems"],
    "ledger": ["ledger"],
    "score": ["score", "--month", "2024-06"],
    "funding": ["funding"],
    "operations": ["operations"],
    "report_week": ["report", "week"],
    "report_month": ["report", "month"],
    "listings": ["listings"],
    "show": ["show", "NM-2022-003"],
}


def widest(text: str) -> int:
    return max((cell_len(line) for line in text.splitlines()), default=0)


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_table_fits(
    name: str, width: int, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    result = run(*COMMANDS[name], "--data", SAMPLE, "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    assert widest(result.stdout) <= width
    assert_golden(request, f"width/{name}_{width}.txt", result.stdout)


def test_wide_shows_every_column(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    narrow = run("ledger", "--data", SAMPLE, "--as-of", AS_OF).stdout
    wide = run("ledger", "--data", SAMPLE, "--as-of", AS_OF, "--wide").stdout
    assert "已省略：" in narrow and "计划启动" in narrow.split("已省略：")[1]
    assert "已省略" not in wide and "计划启动" in wide.splitlines()[3]
    assert widest(wide) > 80
    assert len(wide.splitlines()) < len(narrow.splitlines())  # one line per project


def test_piped_output_without_columns_is_80_wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS")
    result = run("ledger", "--data", SAMPLE, "--as-of", AS_OF)
    assert result.exit_code == 0 and widest(result.stdout) <= 80


def all_commands() -> list[list[str]]:
    import typer.main

    from baozufang_cli.cli.app import app

    group = typer.main.get_command(app)
    found: list[list[str]] = [[]]
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        found.append([name])
        found += [[name, sub] for sub in getattr(command, "commands", {})]
    return found


@pytest.mark.parametrize("command", all_commands(), ids=lambda c: " ".join(c) or "bzf")
def test_help_fits_80_columns(command: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = run(*command, "--help")
    assert result.exit_code == 0, result.stderr
    assert widest(result.stdout) <= 80, result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["new", "--units", "0"], "'--units' 的值无效：应不小于 1"),
        (["new", "--units", "十"], "'--units' 的值无效：应为整数"),
        (["overdue", "--within", "-1"], "应不小于 0"),
        (["status", "--by", "区"], "不在可选值"),
    ],
)
def test_option_errors_are_chinese(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr and "Input should" not in result.stderr
