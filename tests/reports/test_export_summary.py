"""export says when the as-of year has no targets (like gap, score and report), in every format."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SAMPLE, run

NO_2026 = "2026 年没有区县目标，汇总只列实际完成；最近有目标的年度为 2025 年，可用 --as-of 2025-12-31 导出该年度的汇总"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_export_names_the_nearest_year_with_targets(tmp_path: Path, kind: str) -> None:
    result = run("export", kind, "--data", SAMPLE, "--as-of", "2026-06-30", "-o", tmp_path / f"out.{kind}")
    assert result.exit_code == 0, result.stderr
    assert f"bzf：提示：{NO_2026}" in result.stderr
    # the workbook's 汇总 sheet says it too (tests/render/test_xlsx.py); a CSV file holds the table only


def test_a_year_with_targets_has_no_hint(tmp_path: Path) -> None:
    result = run("export", "csv", "--data", SAMPLE, "--as-of", "2024-06-30", "-o", tmp_path / "out")
    assert result.exit_code == 0 and "没有区县目标" not in result.stderr


def test_a_fresh_ledger_says_it_has_no_targets_yet(tmp_path: Path) -> None:
    root = tmp_path / "ledger"
    assert run("init", root).exit_code == 0
    result = run("export", "csv", "--data", root, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert "年没有区县目标：targets.yaml 中没有任何年度目标，汇总只列实际完成" in result.stderr
    html = run("export", "html", "--data", root, "-o", tmp_path / "b.html")
    assert html.exit_code == 0, html.stderr
    assert "没有目标（targets.yaml）" in (tmp_path / "b.html").read_text(encoding="utf-8")
