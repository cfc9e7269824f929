"""cli/runtime.py: comma lists for repeatable filters; the ledger found from any sub-folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from baozufang_cli.cli.runtime import split_list
from tests.conftest import SAMPLE, run, run_json

AS_OF = ["--as-of", "2024-06-30"]


def test_split_list() -> None:
    assert split_list(["观山湖,云岩", "南明", "花溪，乌当、白云", " , "]) == [
        "观山湖",
        "云岩",
        "南明",
        "花溪",
        "乌当",
        "白云",
    ]
    assert split_list(None) == []


def test_comma_lists_for_districts_and_types_like_years() -> None:
    both = run_json("status", "--data", SAMPLE, *AS_OF, "-d", "观山湖,云岩", "-t", "新建,收购")
    repeated = run_json(
        "status", "--data", SAMPLE, *AS_OF, "-d", "观山湖", "-d", "云岩", "-t", "新建", "-t", "收购"
    )
    assert both == repeated
    assert {row["district"] for row in both["rows"] if row["projects"]} <= {"观山湖区", "云岩区"}


def test_the_ledger_is_found_from_a_sub_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ledger = shutil.copytree(SAMPLE, tmp_path / "台账")
    monkeypatch.chdir(ledger / "projects" / "观山湖")
    assert run_json("status", *AS_OF)["rows"] == run_json("status", "--data", ledger, *AS_OF)["rows"]
    monkeypatch.chdir(tmp_path)  # above the ledger: nothing to find
    result = run("status", *AS_OF)
    assert result.exit_code == 2 and "没有台账" in result.stderr


def test_data_and_bzf_data_still_win(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ledger = shutil.copytree(SAMPLE, tmp_path / "a")
    monkeypatch.chdir(ledger / "projects")
    monkeypatch.setenv("BZF_DATA", str(tmp_path / "missing"))
    assert run("status", *AS_OF).exit_code == 2  # the environment variable is used, not the walk up
