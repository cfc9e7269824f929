"""The benchmark's generator makes valid, realistic ledgers; the harness runs (quick mode, untimed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import yaml

from tests.benchmarks_support import generate, generator
from tests.conftest import REPO, run


def test_generated_ledgers_pass_check_with_no_errors(tmp_path: Path) -> None:
    root = generate(tmp_path / "ledger", 40, seed=7)
    result = run("check", "--data", root, "--format", "json")
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout) == []  # no errors and no warnings


def test_generation_is_deterministic_by_seed(tmp_path: Path) -> None:
    def contents(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}

    first = contents(generate(tmp_path / "a", 20, seed=11))
    assert first == contents(generate(tmp_path / "b", 20, seed=11))
    assert first != contents(generate(tmp_path / "c", 20, seed=12))


def test_generated_projects_look_like_real_ones(tmp_path: Path) -> None:
    root = generate(tmp_path / "ledger", 60, seed=2)
    files = sorted((root / "projects").rglob("*.yaml"))
    assert len(files) == 60
    lines = [len(p.read_text(encoding="utf-8").splitlines()) for p in files]
    assert 80 <= sum(lines) / len(lines) <= 100  # ~90-line files, like the issue's measurements
    documents = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in files]
    criteria = yaml.safe_load((REPO / "data" / "criteria.yaml").read_text(encoding="utf-8"))
    labels = {t["key"]: {t["key"], t["label"], *t.get("aliases", [])} for t in criteria["supply_types"]}
    used = Counter(next(k for k, names in labels.items() if d["supply_type"] in names) for d in documents)
    assert set(used) == set(labels)  # all six supply types
    assert any(d["problems"] for d in documents) and any(d.get("operations") for d in documents)
    assert all(d["funding"]["sources"] for d in documents)
    assert all("非官方" in p.read_text(encoding="utf-8").splitlines()[0] for p in files)
    assert (root / "criteria.yaml").read_bytes() == (generator.SAMPLE_DATA / "criteria.yaml").read_bytes()


def test_the_harness_runs_in_quick_mode(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BZF_")}
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "run.py"),
            "--quick",
            "--out",
            str(tmp_path),
            "--markdown",
            str(tmp_path / "table.md"),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    table = (tmp_path / "table.md").read_text(encoding="utf-8")
    assert table.strip() == result.stdout.strip()
    assert "机器：" in table and "Python" in table
    for label in (
        "解析下限",
        "`bzf check` 冷",
        "`bzf status` 热",
        "改动一个文件",
        "`bzf --version`",
        "`bzf --help`",
        "`bzf export xlsx`",
        "`bzf query` 热",
        "峰值内存",
    ):
        assert label in table, label
    rows = [line for line in table.splitlines() if line.startswith("| 50 |")]
    assert len(rows) >= 13


def test_the_answers_table_has_a_row_for_every_goal_of_issue_19(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BZF_")}
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "answers.py"), "--quick", "--out", str(tmp_path),
         "--markdown", str(tmp_path / "answers.md")],
        capture_output=True, text=True, encoding="utf-8", env=env, check=False, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    table = (tmp_path / "answers.md").read_text(encoding="utf-8")
    assert table.strip() == result.stdout.strip() and "机器：" in table
    rows = [line.split(" | ") for line in table.splitlines() if line.startswith("| 30 |")]
    labels = [row[1] for row in rows]
    for command in ("status", "gap", "overdue", "problems", "check"):
        assert f"`bzf {command}` 热（无变化）" in labels
    for label in (
        "`bzf check` 冷（无缓存）",
        "`bzf status` 冷（无缓存）",
        "`bzf status` 改动一个文件",
        "`bzf --help`",
    ):
        assert label in labels
    assert any("峰值内存" in label for label in labels)
    assert any(label.startswith("ledger-cli") for label in labels)
    assert any(label.startswith("hledger") for label in labels)  # measured when installed, else "未安装"
    goals = [row for row in rows if row[7]]  # the 目标 column
    assert len(goals) >= 10 and all(row[8] for row in goals)  # every goal says met, not met or not judged
    for row in rows:  # every timed figure was measured (CPU seconds > 0), or the tool is missing
        assert row[2] == "" or row[2] == "n/a" or float(row[2]) > 0


def test_the_bare_openpyxl_loop_writes_the_rows_of_the_exported_workbook(tmp_path: Path) -> None:
    import importlib.util
    from datetime import datetime

    from openpyxl import Workbook, load_workbook

    spec = importlib.util.spec_from_file_location("bzf_benchmark_run", REPO / "benchmarks" / "run.py")
    assert spec is not None and spec.loader is not None
    harness = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = harness  # dataclasses look their module up
    spec.loader.exec_module(harness)

    exported = Workbook()
    exported.active.title = "汇总"
    exported.active.append(["区县", "套数", "日期"])
    exported.active.append(["观山湖区", 1200, datetime(2024, 6, 30)])
    exported.create_sheet("项目台账").append(["GSH-1", "=SUM(B1:B2)", None, 3.5])
    exported.save(tmp_path / "bzf.xlsx")

    harness.workbook_rows(tmp_path / "bzf.xlsx", tmp_path / "rows.pickle")
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "openpyxl_floor.py"),
            str(tmp_path / "rows.pickle"),
            str(tmp_path / "bare.xlsx"),
        ],
        check=True,
    )

    def values(path: Path) -> list[tuple[str, list[tuple[object, ...]]]]:
        book = load_workbook(path)
        return [(ws.title, [tuple(row) for row in ws.iter_rows(values_only=True)]) for ws in book]

    assert values(tmp_path / "bare.xlsx") == values(tmp_path / "bzf.xlsx")
