"""Every ``-o`` failure is one Chinese line and a usage (2) or write (3) exit code, never 内部错误 (70).

A missing folder or a folder given as the file is exit 2 (the command line asks for something
impossible); a write that fails on the way (permission, full disk) is exit 3 and leaves the old file.
"""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from baozufang_cli.cli.app import app
from tests.conftest import SAMPLE, run

SHARED = ["--data", str(SAMPLE), "--as-of", "2024-06-30"]
ARGS = {
    "report": ["week"],
    "show": ["金华园"],
    "score": ["--month", "2024-06"],
    "export": ["xlsx"],
    "query": ["SELECT 1"],
}


def report_commands() -> list[str]:
    """Every command with the shared -o option that reads the sample ledger (diff/log need git)."""
    import typer.main

    group = typer.main.get_command(app)
    names = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        options = {o for p in command.params for o in getattr(p, "opts", [])}
        if {"--output", "--as-of"} <= options:
            names.append(name)
    return sorted(names)


COMMANDS = report_commands()


def test_the_list_is_not_empty() -> None:
    assert {"status", "gap", "overdue", "problems", "ledger", "report", "show"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
@pytest.mark.parametrize("suffix", ["x.md", "x.txt"])
def test_a_missing_folder_is_a_usage_error(name: str, suffix: str, tmp_path: Path) -> None:
    target = tmp_path / "missing" / suffix
    result = run(name, *ARGS.get(name, []), *SHARED, "-o", target)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("bzf：") and "不存在" in result.stderr and "内部错误" not in result.stderr
    assert not target.parent.exists()


@pytest.mark.parametrize("name", ["status", "report", "show", "overdue"])
def test_a_folder_as_the_file_is_a_usage_error(name: str, tmp_path: Path) -> None:
    result = run(name, *ARGS.get(name, []), *SHARED, "-o", tmp_path)
    assert result.exit_code == 2 and "文件夹" in result.stderr


@pytest.mark.parametrize("name", ["status", "report", "show"])
def test_a_failing_write_is_exit_3_and_keeps_the_old_file(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import baozufang_cli.files as files

    target = tmp_path / "out.md"
    target.write_text("旧内容", encoding="utf-8")

    def full(path: Path, raw: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files, "atomic_write", full)
    result = run(name, *ARGS.get(name, []), *SHARED, "-o", target)
    assert result.exit_code == 3, result.stderr
    assert result.stderr.startswith("bzf：无法写入") and "原有文件未改变" in result.stderr
    assert target.read_text(encoding="utf-8") == "旧内容"
