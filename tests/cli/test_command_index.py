"""The command index: ``bzf``, ``bzf --help`` and ``bzf --version`` print what the full app prints."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from baozufang_cli.cli import command_index
from baozufang_cli.cli.app import app


def listed() -> list[tuple[str, str | None, str | None]]:
    """The index as the full app would write it: every command it lists, in its order."""
    group = get_command(app)
    rows = []
    for name in group.list_commands(None):  # type: ignore[arg-type]
        command = group.commands[name]
        if command.short_help:
            rows.append((name, command.short_help, None))
        else:
            rows.append((name, None, (command.help or "").split("\n\n")[0]))
    return rows


def test_the_report_commands_are_the_modules_with_compute() -> None:
    import importlib
    import pkgutil

    from baozufang_cli.cli import commands

    modules = [
        importlib.import_module(f"{commands.__name__}.{m.name}")
        for m in pkgutil.iter_modules(commands.__path__)
    ]
    assert {
        m.__name__.rsplit(".", 1)[1] for m in modules if hasattr(m, "compute")
    } == command_index.REPORT_COMMANDS


def test_the_index_lists_every_command_with_its_help_texts() -> None:
    expected = listed()
    table = "\n".join(f"    {row!r}," for row in expected)
    assert list(command_index.COMMANDS) == expected, (
        "a command's SHORT_HELP, HELP, ORDER or name changed: paste this into "
        f"src/baozufang_cli/cli/command_index.py as COMMANDS:\n{table}"
    )


@pytest.mark.parametrize("columns", ["50", "80", "120", "200"])
@pytest.mark.parametrize("args", [[], ["--help"], ["-h"], ["--version"], ["-V"]], ids=repr)
def test_the_index_app_prints_what_the_full_app_prints(args: list[str], columns: str) -> None:
    assert args in command_index.LINES
    runner = CliRunner()
    index = runner.invoke(command_index.index_app(), args, prog_name="bzf", env={"COLUMNS": columns})
    full = runner.invoke(app, args, prog_name="bzf", env={"COLUMNS": columns})
    assert (index.exit_code, index.stdout, index.stderr) == (full.exit_code, full.stdout, full.stderr)
    assert index.stdout or index.stderr


FULL_APP = [
    sys.executable,
    "-c",
    "import sys; sys.argv[0] = 'bzf'; from baozufang_cli.cli.app import main; main()",
]


def _entry(
    *args: str, env: dict[str, str] | None = None, full: bool = False
) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "bzf"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "baozufang_cli"]
    return subprocess.run(
        [*(FULL_APP if full else command), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "COLUMNS": "80", **(env or {})},
        check=False,
    )


@pytest.mark.parametrize("args", [[], ["--help"], ["--version"]], ids=repr)
def test_the_console_script_prints_what_the_full_app_prints(args: list[str]) -> None:
    index, full = _entry(*args), _entry(*args, full=True)
    assert (index.returncode, index.stdout, index.stderr) == (full.returncode, full.stdout, full.stderr)


def test_the_console_script_answers_help_from_the_index_and_commands_from_the_app() -> None:
    result = _entry("--help", env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 0 and "problem" in result.stdout
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "import time:" in line}
    assert "baozufang_cli.cli.command_index" in imported
    assert not [name for name in imported if name.startswith("baozufang_cli.cli.commands.")]
    assert "baozufang_cli.cli.app" not in imported
    # a command's own help still comes from the command
    status = _entry("status", "--help")
    assert status.stdout == _entry("status", "--help", full=True).stdout and "--by" in status.stdout


def test_completion_still_uses_the_full_app() -> None:
    result = _entry(env={"_BZF_COMPLETE": "complete_bash", "COMP_WORDS": "bzf sta", "COMP_CWORD": "1"})
    assert result.returncode == 0
    assert "status" in result.stdout.split()
