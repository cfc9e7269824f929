"""`bzf init` and the pre-commit hooks bzf offers."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, SAMPLE, run

PACKAGE_DEFAULTS = REPO / "src" / "baozufang_cli" / "defaults"
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.mark.parametrize("name", ["targets.yaml", "criteria.yaml"])
def test_the_shipped_defaults_equal_the_sample_ledger(name: str) -> None:
    assert (PACKAGE_DEFAULTS / name).read_bytes() == (SAMPLE / name).read_bytes(), (
        f"copy data/{name} to src/baozufang_cli/defaults/{name}"
    )


def test_init_creates_a_working_ledger(tmp_path: Path) -> None:
    root = tmp_path / "台账"
    result = run("init", root)
    assert result.exit_code == 0, result.output
    for name in ("targets.yaml", "criteria.yaml"):
        assert (root / name).read_bytes() == (SAMPLE / name).read_bytes()
    assert (root / "projects").is_dir()
    assert (root / "projects" / ".gitkeep").exists()  # git keeps no empty folders
    assert sorted(p.name for p in (root / "schema").iterdir()) == [
        "assessment.schema.json", "criteria.schema.json", "project.schema.json", "targets.schema.json",
    ]  # fmt: skip
    assert ".bzf-cache/" in (root / ".gitignore").read_text(encoding="utf-8").split()
    assert "下一步" in result.stdout

    check = run("check", "--data", root, "--as-of", "2025-01-01")
    assert check.exit_code == 0 and "0 个项目文件，0 个错误" in check.stdout
    assert run("new", "-d", "花溪", "-t", "收购", "--name", "甲", "--units", "9", "--deliver-by", "2025-12-31", "--data", root).exit_code == 0  # fmt: skip
    assert run("check", "--data", root).exit_code == 0
    assert run("fmt", "--check", "--data", root).exit_code == 0


def test_the_pre_commit_config_runs_check_and_fmt(tmp_path: Path) -> None:
    root = tmp_path / "ledger"
    run("init", root)
    config = yaml.safe_load((root / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert hooks["bzf-check"]["entry"] == "bzf check --data ."
    assert hooks["bzf-fmt"]["entry"] == "bzf fmt --check --data ."
    for hook in hooks.values():  # the entries are real commands that pass on the new ledger
        arguments = hook["entry"].split()[1:]
        assert run(*[root if a == "." else a for a in arguments]).exit_code == 0


def test_the_vscode_settings_map_the_schemas(tmp_path: Path) -> None:
    import json

    root = tmp_path / "ledger"
    run("init", root)
    schemas = json.loads((root / ".vscode" / "settings.json").read_text(encoding="utf-8"))["yaml.schemas"]
    assert schemas["schema/project.schema.json"] == "projects/**/*.yaml"
    assert all((root / path).is_file() for path in schemas)


@needs_git
def test_init_runs_git_init_outside_a_repository(tmp_path: Path) -> None:
    root = tmp_path / "ledger"
    result = run("init", root)
    assert "已执行 git init" in result.stdout
    assert (root / ".git").is_dir()
    ignored = subprocess.run(
        ["git", "check-ignore", ".bzf-cache/projects.bin"], cwd=root, capture_output=True, check=False
    )
    assert ignored.returncode == 0


@needs_git
def test_init_inside_a_repository_does_not_nest_one(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "--quiet"], cwd=repo, check=True)
    result = run("init", repo / "ledger")
    assert result.exit_code == 0
    assert not (repo / "ledger" / ".git").exists()
    assert "未执行 git init" in result.stdout and "仓库根目录" in result.stdout


def test_init_refuses_an_existing_ledger_and_changes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "ledger"
    run("init", root)
    (root / "targets.yaml").write_text("plan: 改过\n", encoding="utf-8")
    result = run("init", root)
    assert result.exit_code == 2
    assert "已是台账" in result.stderr
    assert (root / "targets.yaml").read_text(encoding="utf-8") == "plan: 改过\n"


def test_init_keeps_an_existing_gitignore(tmp_path: Path) -> None:
    root = tmp_path / "ledger"
    root.mkdir()
    (root / ".gitignore").write_text("*.xlsx", encoding="utf-8")
    assert run("init", root).exit_code == 0
    assert (root / ".gitignore").read_text(encoding="utf-8") == "*.xlsx\n.bzf-cache/\n"


def test_the_repository_offers_pre_commit_hooks() -> None:
    hooks = {
        hook["id"]: hook
        for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    }
    assert set(hooks) == {"bzf-check", "bzf-fmt"}
    assert hooks["bzf-check"]["entry"] == "bzf check" and hooks["bzf-check"]["pass_filenames"] is False
    assert hooks["bzf-fmt"]["entry"] == "bzf fmt --check" and hooks["bzf-fmt"]["pass_filenames"] is True
    for hook in hooks.values():
        assert hook["language"] == "python"  # pre-commit installs bzf itself
    import re

    pattern = re.compile(hooks["bzf-fmt"]["files"])
    assert pattern.search("data/projects/观山湖/A-1.yaml") and pattern.search("projects/A.yml")
    assert not pattern.search("data/targets.yaml")
