"""`bzf slip`: planned dates now against the baseline from git — hand-computed on a scripted history.

tests/data/base + deadlines committed, then:
  commit 1, 2024-01-10  建立台账 (G-1 … N-2)
  commit 2, 2024-03-15  G-2 交付 2024-12-31 → 2025-03-31 (+90, out of 2024: 500 套);
                         N-1.yaml moved to projects/南明/ and 交付使用 2024-01-31 → 2024-02-29 (+29);
                         new N-3 (conversion, 150 套, 交付使用 2024-10-01)
  commit 3, 2024-05-20  G-3 施工许可 2024-05-15 → 2024-05-01 (−14); N-3 交付使用 → 2024-11-01 (+31)
  working tree          G-5 开工 2023-10-01 → 2023-12-01 (+61), not committed
"""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, SAMPLE, assert_golden, make_ledger, run, run_json
from tests.history.test_diff import DOCS_REPOSITORY, commit, doc_block, git

N3 = """id: N-3
name: 南明新增改建项目
district: 南明区
supply_type: conversion
units: 150
plan_year: 2024
milestones:
  - {{name: 改造开工, planned: 2024-04-01}}
  - {{name: 交付使用, planned: {delivered}}}
"""


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def slip_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    repo = tmp_path_factory.mktemp("slip") / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    ledger = make_ledger(repo / "ledger", "base", "deadlines")
    projects = ledger / "projects"
    commits = [commit(repo, "建立台账", "张三", "2024-01-10T12:00:00+08:00")]
    edit(projects / "G-2.yaml", "{name: 交付, planned: 2024-12-31}", "{name: 交付, planned: 2025-03-31}")
    (projects / "南明").mkdir()
    git(repo, "mv", "ledger/projects/N-1.yaml", "ledger/projects/南明/N-1.yaml")
    edit(projects / "南明" / "N-1.yaml", "planned: 2024-01-31", "planned: 2024-02-29")
    (projects / "南明" / "N-3.yaml").write_text(N3.format(delivered="2024-10-01"), encoding="utf-8")
    commits.append(commit(repo, "调整计划，整理南明文件夹", "李四", "2024-03-15T12:00:00+08:00"))
    edit(projects / "G-3.yaml", "planned: 2024-05-15", "planned: 2024-05-01")
    (projects / "南明" / "N-3.yaml").write_text(N3.format(delivered="2024-11-01"), encoding="utf-8")
    commits.append(commit(repo, "施工许可提前", "王五", "2024-05-20T12:00:00+08:00"))
    edit(projects / "G-5.yaml", "planned: 2023-10-01", "planned: 2023-12-01")
    return ledger, commits


def slip(ledger: Path, *args: str, exit_code: int = 0) -> Any:
    return run_json("slip", "--data", ledger, "--as-of", "2024-06-30", *args, exit_code=exit_code)


def rows(data: Any) -> list[tuple[Any, ...]]:
    keys = ["id", "name", "district", "milestone", "baseline_planned", "planned", "slip_days"]
    assert all(list(r) == keys for r in data["rows"])
    return [
        (r["id"], r["milestone"], r["baseline_planned"], r["planned"], r["slip_days"]) for r in data["rows"]
    ]


def districts(data: Any) -> list[tuple[Any, ...]]:
    keys = ["district", "slipped_projects", "max_slip_days", "units_moved_out"]
    assert all(list(r) == keys for r in data["districts"])
    return [tuple(r[k] for k in keys) for r in data["districts"]]


def test_default_baseline_is_each_files_first_commit(slip_repo: tuple[Path, list[str]]) -> None:
    ledger, _ = slip_repo
    data = slip(ledger)
    assert list(data) == ["as_of", "baseline", "rows", "districts"] and data["baseline"] == "first"
    assert rows(data) == [
        ("G-2", "交付使用", "2024-12-31", "2025-03-31", 90),
        ("G-5", "开工", "2023-10-01", "2023-12-01", 61),  # the working tree counts, committed or not
        ("N-3", "交付使用", "2024-10-01", "2024-11-01", 31),  # its first commit is commit 2
        ("N-1", "交付使用", "2024-01-31", "2024-02-29", 29),  # followed by its name after the move
        ("G-3", "施工许可", "2024-05-15", "2024-05-01", -14),
    ]
    assert districts(data) == [("观山湖区", 1, 90, 500), ("南明区", 2, 31, 0), ("贵安新区", 0, None, 0)]


def test_baseline_by_date_is_the_last_commit_on_or_before_it(slip_repo: tuple[Path, list[str]]) -> None:
    ledger, commits = slip_repo
    data = slip(ledger, "--baseline", "2024-03-15")  # commit 2 was made that day
    assert data["baseline"] == commits[1]
    assert rows(data) == [
        ("G-5", "开工", "2023-10-01", "2023-12-01", 61),
        ("N-3", "交付使用", "2024-10-01", "2024-11-01", 31),
        ("G-3", "施工许可", "2024-05-15", "2024-05-01", -14),
    ]
    assert districts(data) == [("观山湖区", 0, 61, 0), ("南明区", 1, 31, 0), ("贵安新区", 0, None, 0)]
    assert slip(ledger, "--baseline", "2024-03-14")["baseline"] == commits[0]
    first_day = slip(ledger, "--baseline", "2024-01-10")
    assert [r[0] for r in rows(first_day)] == ["G-2", "G-5", "N-1", "G-3"]  # N-3 is not in commit 1


def test_baseline_by_revision(slip_repo: tuple[Path, list[str]]) -> None:
    ledger, commits = slip_repo
    data = slip(ledger, "--baseline", "HEAD")
    assert data["baseline"] == commits[2]
    assert rows(data) == [("G-5", "开工", "2023-10-01", "2023-12-01", 61)]
    assert rows(slip(ledger, "--baseline", commits[0][:8])) == rows(slip(ledger, "--baseline", "2024-01-10"))


def test_unknown_baselines_are_usage_errors(slip_repo: tuple[Path, list[str]]) -> None:
    ledger, _ = slip_repo
    for baseline in ("2024-01-09", "no-such-branch", "--all"):
        result = run("slip", "--data", ledger, "--baseline", baseline)
        assert result.exit_code == 2 and result.stderr.startswith("bzf："), result.stderr


def test_outside_git(tmp_path: Path) -> None:
    ledger = make_ledger(tmp_path / "ledger", "base", "deadlines")
    result = run("slip", "--data", ledger)
    assert result.exit_code == 2 and "git" in result.stderr


@pytest.mark.parametrize("columns", ["80", "120"])
def test_terminal_golden(
    slip_repo: tuple[Path, list[str]],
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    columns: str,
) -> None:
    ledger, _ = slip_repo
    monkeypatch.setenv("COLUMNS", columns)
    result = run("slip", "--data", ledger, "--as-of", "2024-06-30")
    assert result.exit_code == 0, result.stderr
    assert_golden(request, f"slip_{columns}.txt", result.stdout)


# ------------------------------------------------------------------ the docs' example on the sample ledger


@pytest.fixture(scope="module")
def sample_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("sample") / "台账仓库"
    repo.mkdir()
    git(repo, "init", "-q")
    ledger = repo / "data"
    shutil.copytree(SAMPLE, ledger)
    commit(repo, "2024 年计划", "张三", "2024-01-05T12:00:00+08:00")
    projects = ledger / "projects"
    edit(
        projects / "花溪" / "HX-2023-001.yaml",
        "{name: 交付使用, planned: 2024-12-31",
        "{name: 交付使用, planned: 2025-03-31",
    )
    edit(
        projects / "开阳" / "KY-2022-001.yaml",
        "{name: 交付使用, planned: 2024-03-31",
        "{name: 交付使用, planned: 2024-09-30",
    )
    return ledger


def test_doc_example_is_real(sample_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample_repo.parent)
    command = "bzf slip --as-of 2024-06-30 -d 花溪 -d 开阳"
    result = run(*shlex.split(command)[1:])
    assert result.exit_code == 0, result.stderr
    actual = result.stdout.replace(str(sample_repo.parent.resolve()), DOCS_REPOSITORY)
    assert [line.rstrip() for line in actual.splitlines()] == [
        line.rstrip() for line in doc_block("docs/commands/slip.md", command)
    ]
    assert (REPO / "docs" / "commands" / "slip.md").is_file()
