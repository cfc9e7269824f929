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

    def full(path: Path, raw: bytes, **options: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files, "atomic_write", full)
    result = run(name, *ARGS.get(name, []), *SHARED, "-o", target)
    assert result.exit_code == 3, result.stderr
    assert result.stderr.startswith("bzf：无法写入") and "原有文件未改变" in result.stderr
    assert target.read_text(encoding="utf-8") == "旧内容"


@pytest.mark.parametrize(("suffix", "start"), [(".csv", "\ufeff区县,"), (".json", "{"), (".md", "## 项目进度汇总"),
                                               (".txt", "项目进度汇总")])  # fmt: skip
def test_the_extension_of_the_output_picks_the_format(suffix: str, start: str, tmp_path: Path) -> None:
    target = tmp_path / f"out{suffix}"
    result = run("status", *SHARED, "-o", target)
    assert result.exit_code == 0, result.stderr
    assert target.read_text(encoding="utf-8").startswith(start)


def test_xlsx_from_the_extension(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    assert run("status", *SHARED, "-o", target).exit_code == 0
    assert target.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(("fmt", "suffix"), [("json", ".csv"), ("table", ".md"), ("csv", ".xlsx")])
def test_a_format_that_contradicts_the_extension_is_refused(fmt: str, suffix: str, tmp_path: Path) -> None:
    target = tmp_path / f"out{suffix}"
    result = run("status", *SHARED, "-f", fmt, "-o", target)
    assert result.exit_code == 2 and "扩展名不符" in result.stderr
    assert not target.exists()


def test_an_explicit_format_with_another_extension_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    assert run("status", *SHARED, "-f", "json", "-o", target).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("{")


def test_report_csv_writes_every_section() -> None:
    import csv
    import io

    result = run("report", "week", *SHARED, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    rows = [row for row in csv.reader(io.StringIO(result.stdout)) if row]
    headers = [row for row in rows if row[:2] == ["章节", "表"]]
    sections = {row[0] for row in rows if row[:2] != ["章节", "表"]}
    assert len(headers) >= 3 and len(sections) >= 3


@pytest.mark.parametrize(
    "target", ["projects/观山湖/G-1.yaml", "targets.yaml", "criteria.yaml", "link-to-project.yaml"]
)
@pytest.mark.parametrize(
    "command", [["status", "--format", "csv"], ["export", "sqlite"], ["query", "SELECT 1"]]
)
def test_o_never_overwrites_a_ledger_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str], target: str
) -> None:
    """`bzf status -o projects/南明/N-1.yaml` replaced the project with a CSV and exited 0."""
    from tests.conftest import make_ledger

    root = make_ledger(tmp_path / "ledger", "base", "typical")
    (root / "link-to-project.yaml").symlink_to(root / "projects/观山湖/G-1.yaml")
    before = {p: p.read_bytes() for p in root.rglob("*.yaml")}
    monkeypatch.chdir(root)
    result = run(*command, "--as-of", "2024-06-30", "-o", target)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert "不会覆盖台账文件" in result.stderr
    assert {p: p.read_bytes() for p in root.rglob("*.yaml")} == before


def test_o_may_write_yaml_outside_the_ledger_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import make_ledger

    root = make_ledger(tmp_path / "ledger", "base", "typical")
    (root / "mine.yaml").write_text("old\n", encoding="utf-8")  # not a ledger file: the user's own
    monkeypatch.chdir(root)
    assert run("status", "--as-of", "2024-06-30", "--format", "json", "-o", "mine.yaml").exit_code == 0
    assert (root / "mine.yaml").read_text(encoding="utf-8").startswith("{")
