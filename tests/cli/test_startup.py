"""Start-up: the real console entry point (a fresh process) and what it imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import make_ledger

# what --help and --version must not pay for (a command's light constants module is tolerated)
HEAVY = (
    "pydantic", "rich", "openpyxl", "ruamel", "yaml", "baozufang_cli.models", "baozufang_cli.ledger.load",
    "baozufang_cli.reports.value", "baozufang_cli.facts.project", "baozufang_cli.reports.ledger_view",
    "baozufang_cli.render",
)  # fmt: skip
# report code must not be imported either: only the light constants modules are allowed
LIGHT = ("baozufang_cli.reports.ledger_view_columns",)


def bzf(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "baozufang_cli", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, **(env or {})},
        check=False,
    )


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help_import_nothing_heavy(flag: str) -> None:
    result = bzf(flag, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 0
    imported = {
        line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")
    }
    assert "typer" in imported
    heavy = sorted(
        name
        for name in imported
        if any(name == h or name.startswith(h + ".") for h in HEAVY) and name not in LIGHT
    )
    assert heavy == []


def test_the_entry_point_flushes_output_and_keeps_exit_codes(tmp_path: Path) -> None:
    assert bzf("--version").stdout.strip().startswith("bzf ")
    root = make_ledger(tmp_path / "ledger", "typical")
    result = bzf("status", "--data", root, "--as-of", "2024-06-30", "-f", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["total"]["projects"] == 5
    (root / "projects" / "broken.yaml").write_text("id: [\n", encoding="utf-8")
    result = bzf("check", "--data", root)
    assert result.returncode == 1
    assert "yaml-syntax" in result.stdout and "1 个错误" in result.stderr
    assert bzf("status", "--no-such-option").returncode == 2


def command_lines() -> list[list[str]]:
    from typer.main import get_command_name

    from baozufang_cli.cli.app import app

    names = [c.name or get_command_name(c.callback.__name__) for c in app.registered_commands if c.callback]
    names += [g.name for g in app.registered_groups if g.name]
    assert {"check", "status", "problem"} <= set(names)
    lines = [[name, "--help"] for name in names]
    lines += [["problem", "add", "--help"], ["problem"], ["status", "--bogus"], ["status", "--by", "nope"]]
    lines += [
        ["stauts"],
        ["--version"],
        ["-V"],
        ["--version", "status"],
        ["-V", "--bogus"],
        ["--help"],
        [],
        ["status", "-h"],
        ["check", "--data", "/no/such/dir"],
    ]
    return lines


@pytest.mark.parametrize("args", command_lines(), ids=" ".join)
def test_running_one_command_behaves_as_the_full_app(args: list[str]) -> None:
    from typer.testing import CliRunner

    from baozufang_cli.cli.app import app, app_for

    lean = CliRunner().invoke(app_for(args), args, prog_name="bzf")
    full = CliRunner().invoke(app, args, prog_name="bzf")
    assert (lean.exit_code, lean.stdout, lean.stderr) == (full.exit_code, full.stdout, full.stderr)
    if args and args[0] in ("status", "problem"):
        assert app_for(args) is not app


# a warm report in JSON reads records from the cache: no validation, no YAML parser, no terminal tables
WARM_JSON_HEAVY = (
    "pydantic",
    "rich",
    "openpyxl",
    "ruamel",
    "yaml",
    "baozufang_cli.models",
    "baozufang_cli.render.table",
)


LEAN_WARM_JSON = [
    "status", "gap", "overdue", "problems", "ledger", "funding", "operations", "lights", "forecast",
    "duties", "listings", "report week",
]  # fmt: skip


def warm_json_imports(command: str, tmp_path: Path, as_of: str | None = "2024-06-30") -> set[str]:
    """The modules a second (warm) ``bzf <command> -f json`` over the typical ledger imports."""
    root = make_ledger(tmp_path / "ledger", "typical")
    args = (*command.split(), "--data", root, *(("--as-of", as_of) if as_of else ()), "-f", "json")
    assert bzf(*args).returncode in (0, 1)  # cold: fills the cache
    result = bzf(*args, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode in (0, 1), result.stderr[-2000:]
    imported = {
        line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")
    }
    assert "baozufang_cli.ledger.cache" in imported
    return imported


def heavy_among(imported: set[str], heavy: tuple[str, ...]) -> list[str]:
    return sorted(n for n in imported if any(n == h or n.startswith(h + ".") for h in heavy))


@pytest.mark.parametrize("command", LEAN_WARM_JSON)
def test_a_warm_json_report_imports_no_pydantic_models_yaml_or_rich(command: str, tmp_path: Path) -> None:
    assert heavy_among(warm_json_imports(command, tmp_path), WARM_JSON_HEAVY) == []


@pytest.mark.parametrize("command", ["check", "score"])
def test_a_warm_json_check_or_score_imports_no_rich_or_excel_libraries(command: str, tmp_path: Path) -> None:
    heavy = ("rich", "openpyxl", "ruamel", "xlsxwriter", "baozufang_cli.render.table")
    assert heavy_among(warm_json_imports(command, tmp_path), heavy) == []


def test_a_warm_json_check_imports_no_pydantic_models_or_yaml(tmp_path: Path) -> None:
    # per-file and cross-file results come from the cache's index; the date rules read the facts
    assert heavy_among(warm_json_imports("check", tmp_path, as_of=None), WARM_JSON_HEAVY) == []


def test_a_warm_json_check_with_date_warnings_imports_only_the_yaml_reader(tmp_path: Path) -> None:
    # on 2024-06-30 the typical ledger has actual dates after the day: the warnings name their
    # lines, which only the file's text can tell, and the records of just those files are rebuilt
    imported = warm_json_imports("check", tmp_path)
    assert heavy_among(imported, WARM_JSON_HEAVY) == [
        "yaml",
        *sorted(n for n in imported if n.startswith("yaml.")),
    ]
