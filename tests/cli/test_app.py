"""The command line itself: version, help, Chinese usage errors, finding the ledger, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from baozufang_cli import __version__
from tests.conftest import DATA, run

TYPICAL = DATA / "typical"


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"bzf {__version__}"


def test_python_dash_m() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "baozufang_cli", "--version"], capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == f"bzf {__version__}"


def test_help_is_chinese() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for word in ("用法", "选项", "命令", "显示帮助并退出", "check", "status"):
        assert word in result.stdout
    assert "Show this message" not in result.stdout


def test_usage_errors_are_chinese_with_exit_2() -> None:
    result = run("status", "--data", TYPICAL, "--by", "nonsense")
    assert result.exit_code == 2
    assert "bzf：错误：" in result.stderr and "不在可选值" in result.stderr
    result = run("stauts")
    assert result.exit_code == 2 and "是否为 'status'" in result.stderr


def test_bad_as_of_date_is_a_usage_error() -> None:
    result = run("status", "--data", TYPICAL, "--as-of", "2024/6/30")
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.stderr


def test_outside_a_ledger_says_so_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("status")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--data" in lines[0] and "BZF_DATA" in lines[0]


def test_default_data_folder_and_env_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    shutil.copytree(TYPICAL, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    assert run("status", "-f", "json", "--as-of", "2024-06-30").exit_code == 0  # ./data by default
    monkeypatch.chdir(TYPICAL.parent)
    monkeypatch.setenv("BZF_DATA", str(TYPICAL))
    result = run("status", "-f", "json", "--as-of", "2024-06-30")
    assert result.exit_code == 0 and '"units": 3920' in result.stdout


def test_missing_data_folder() -> None:
    result = run("status", "--data", "/nonexistent/ledger")
    assert result.exit_code == 2 and "Traceback" not in result.stderr


def test_unexpected_errors_become_exit_70_without_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    import baozufang_cli.reports.status as status_module

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(status_module, "status_report", broken)
    result = run("status", "--data", TYPICAL)
    assert result.exit_code == 70
    assert "内部错误" in result.stderr and "Traceback" not in result.stderr


def test_output_to_file(tmp_path: Path) -> None:
    target = tmp_path / "status.csv"
    assert run("status", "--data", TYPICAL, "--as-of", "2024-06-30", "-f", "csv", "-o", target).exit_code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM so Excel reads Chinese
    assert "合计,5,3920" in raw.decode("utf-8-sig")
