"""Shell completion: district names, supply types and project ids, by Typer's env-var protocol."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from baozufang_cli.cli import completion
from baozufang_cli.cli.app import app
from tests.conftest import SAMPLE

BZF = Path(sys.executable).parent / "bzf"


def bash(words: str, cwd: Path | None = None, **env: str) -> list[str]:
    """What ``bzf`` offers for the last word of ``words`` (bash: one completion a line)."""
    completion.enable()
    parts = words.split(" ")
    environment = {
        "_BZF_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(parts) - 1),
        **env,
    }
    previous = Path.cwd()
    os.chdir(cwd or SAMPLE)
    try:
        result = CliRunner().invoke(app, [], env=environment, prog_name="bzf")
    finally:
        os.chdir(previous)
    assert result.exit_code == 0, result.output
    return result.stdout.split()


def test_districts_by_name_and_alias() -> None:
    assert bash("bzf status -d 观") == ["观山湖区", "观山湖"]
    assert "贵阳经济技术开发区" in bash("bzf gap --district 贵阳") and "经开区" in bash("bzf gap -d 经")


def test_supply_types_by_key_label_and_alias() -> None:
    offered = bash("bzf overdue -t ")
    assert {"new_build", "新建", "acquisition", "收购"} <= set(offered)
    assert bash("bzf new -t acq") == ["acquisition"]


def test_project_ids_for_every_project_argument() -> None:
    ids = sorted(p.stem for p in (SAMPLE / "projects").rglob("*.yaml"))
    gsh = [i for i in ids if i.startswith("GSH")]
    assert gsh and bash("bzf show GSH") == gsh
    for words in ("bzf log GSH", "bzf set GSH", "bzf problem add GSH", "bzf problem close GSH"):
        assert bash(words) == gsh, words


def test_the_ledger_is_found_as_commands_find_it(tmp_path: Path) -> None:
    assert bash("bzf status -d 南", cwd=SAMPLE / "projects" / "南明") == [
        "南明区",
        "南明",
    ]  # from a sub-folder
    assert bash("bzf status -d 南", cwd=tmp_path, BZF_DATA=str(SAMPLE)) == ["南明区", "南明"]
    assert bash(f"bzf status --data {SAMPLE} -d 南", cwd=tmp_path) == ["南明区", "南明"]


def test_no_ledger_or_a_broken_one_completes_nothing(tmp_path: Path) -> None:
    assert bash("bzf status -d 南", cwd=tmp_path) == []
    (tmp_path / "targets.yaml").write_text("districts: [\n", encoding="utf-8")
    (tmp_path / "projects").mkdir()
    assert bash("bzf status -d 南", cwd=tmp_path) == []


@pytest.mark.skipif(
    not BZF.exists() or shutil.which("bash") is None, reason="the bzf console script is not installed"
)
def test_the_console_script_answers_the_shell_and_prints_its_scripts() -> None:
    env = {
        **os.environ,
        "_BZF_COMPLETE": "complete_bash",
        "COMP_WORDS": "bzf status -d 花",
        "COMP_CWORD": "3",
    }
    env.pop("BZF_DATA", None)
    done = subprocess.run([BZF], cwd=SAMPLE, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.split() == ["花溪区", "花溪"], done.stderr
    for shell in ("bash", "zsh", "fish"):
        env = {**os.environ, "_BZF_COMPLETE": f"source_{shell}"}
        script = subprocess.run([BZF], env=env, capture_output=True, text=True, check=False)
        assert script.returncode == 0 and "_BZF_COMPLETE" in script.stdout, shell
