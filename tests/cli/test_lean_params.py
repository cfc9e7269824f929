"""The lean parser gives a report command exactly the values Typer gives it, or leaves the line to Typer."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any, get_args

import pytest
import typer
from typer.main import get_command
from typer.models import ArgumentInfo

from baozufang_cli.cli import report_command
from baozufang_cli.cli.app import app
from baozufang_cli.cli.lean_params import parse
from baozufang_cli.cli.report_command import LEAN
from tests.conftest import DATA

# command lines every report command takes, and lines that belong to Typer (help, errors, odd forms)
COMMON = [
    [],
    ["--as-of", "2024-06-30"],
    ["--as-of=2024-06-30", "-f", "json"],
    ["--data", str(DATA), "--no-cache", "-f", "csv", "-o", "out.csv"],
    ["-d", "观山湖", "-d", "南明区", "--year", "2023,2024", "-t", "new_build", "-f", "md"],
]
SPECIFIC = {
    "status": [["--by", "year"], ["-b", "type", "-f", "json"]],
    "gap": [["--year", "all"], ["-y", "2024", "-y", "2025"]],
    "overdue": [["--within", "30", "--late"], ["-w", "0"]],
    "problems": [["--state", "open", "--closed-days", "10", "--dept", "住建", "-c", "资金来源"]],
    "report": [["month"], ["year", "--period", "2024"], ["week", "-p", "2024-W23"]],
    "score": [["--month", "2024-6"]],
    "funding": [["--by", "source"]],
}
TYPER_ONLY = [
    ["--help"],
    ["-h"],
    ["--as-of", "2024-13-01"],
    ["--as-of"],
    ["--format", "yaml"],
    ["--nope"],
    ["-fjson"],
    ["--no-cache=1"],
    ["--as-of", "2024-06-30", "--as-of", "2024-06-29"],
    ["--", "x"],
    ["extra-argument"],
]


def is_argument(annotation: Any) -> bool:
    return any(isinstance(extra, ArgumentInfo) for extra in get_args(annotation)[1:])


def sample_argument(annotation: Any) -> str:
    kind = get_args(annotation)[0]
    return next(iter(kind)).value if isinstance(kind, type) and issubclass(kind, Enum) else "GY-001"


def typer_values(monkeypatch: pytest.MonkeyPatch, name: str, args: list[str]) -> dict[str, Any] | None:
    seen: list[dict[str, Any]] = []

    class Recorder(report_command.Run):
        def __init__(self, values: dict[str, Any], filters: Any) -> None:
            seen.append(dict(values))
            raise typer.Exit(0)

    monkeypatch.setattr(report_command, "Run", Recorder)
    try:
        get_command(app).main([name, *args], standalone_mode=False)
    except (typer.Exit, SystemExit):
        pass
    except Exception:  # click's usage errors: the line is Typer's
        return None
    return seen[0] if seen else None


def test_every_report_command_is_lean() -> None:
    assert {"status", "gap", "overdue", "problems", "ledger", "funding", "operations", "report"} <= set(LEAN)


@pytest.mark.parametrize("name", sorted(LEAN))
def test_lean_values_are_typers(name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BZF_DATA", raising=False)
    arguments = [sample_argument(a) for n, a, _ in LEAN[name].parameters if is_argument(a)]
    lines = SPECIFIC.get(name, []) + [[*arguments, *line] for line in COMMON]
    parsed = 0
    for args in lines:
        lean = parse(LEAN[name].parameters, args)
        expected = typer_values(monkeypatch, name, args)
        if lean is not None:
            parsed += 1
            assert lean == expected, args
            assert [type(v) for v in lean.values()] == [type(v) for v in expected.values()], args  # type: ignore[union-attr]
    assert parsed >= len(lines) - 1  # plain lines are the lean parser's


@pytest.mark.parametrize("args", TYPER_ONLY, ids=lambda a: " ".join(a) or "none")
def test_unusual_lines_are_left_to_typer(args: list[str]) -> None:
    assert parse(LEAN["status"].parameters, args) is None


def test_the_data_folder_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BZF_DATA", str(DATA))
    lean = parse(LEAN["status"].parameters, ["-f", "json"])
    assert lean is not None and lean == typer_values(monkeypatch, "status", ["-f", "json"])
    assert lean["data"] in (DATA, [DATA])  # one ledger, or the list of a command that takes several
