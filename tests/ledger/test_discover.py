"""Which files make the ledger: a ledger without projects/ is empty (a warning); a projects that
is not a folder is an error, so that nobody reads an empty report as the programme's state."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from baozufang_cli.ledger.discover import scan
from tests.conftest import make_ledger, run


def test_a_ledger_without_projects_is_empty_with_a_warning(tmp_path: Path) -> None:
    root = make_ledger(tmp_path / "ledger", "base")
    shutil.rmtree(root / "projects")
    found, diagnostics = scan(root)
    assert found == []
    assert [(d.code, d.severity) for d in diagnostics] == [("no-projects", "warning")]


@pytest.mark.parametrize("kind", ["file", "dangling link"])
def test_projects_that_is_not_a_folder_is_an_error(tmp_path: Path, kind: str) -> None:
    root = make_ledger(tmp_path / "ledger", "base")
    shutil.rmtree(root / "projects")
    if kind == "file":
        (root / "projects").write_text("x\n", encoding="utf-8")
    else:
        (root / "projects").symlink_to(tmp_path / "nowhere")
    found, diagnostics = scan(root)
    assert found == []
    assert [(d.path, d.code, d.severity) for d in diagnostics] == [("projects", "read-error", "error")]
    assert ("文件，不是文件夹" if kind == "file" else "断开的符号链接") in diagnostics[0].message
    checked = run("check", "--data", root, "--format", "json")
    assert checked.exit_code == 1, checked.stderr
    assert [d["code"] for d in json.loads(checked.stdout)] == ["read-error"]
