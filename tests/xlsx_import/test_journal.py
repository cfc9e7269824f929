"""An import killed halfway is rolled back by the next command; SIGTERM rolls back at once."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from baozufang_cli import files
from baozufang_cli.xlsx_import import journal
from baozufang_cli.xlsx_import.journal import JOURNAL_FILE
from tests.conftest import make_ledger, run

HEADER = ["项目编号", "项目名称", "所在区县", "筹集方式", "套数", "计划年度"]


def workbook(path: Path, rows: list[list[Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "项目台账"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def everything(root: Path) -> dict[str, bytes | None]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
        if ".bzf-cache" not in p.parts
    }


@pytest.fixture
def ledger_with_one(tmp_path: Path) -> tuple[Path, Path]:
    """A ledger with X-1, and a workbook that updates it and adds X-2 and N-1 (in a new folder)."""
    root = make_ledger(tmp_path / "ledger", "base")
    first = workbook(tmp_path / "first.xlsx", [["X-1", "甲", "观山湖", "新建", 10, 2024]])
    assert run("import", "xlsx", first, "--data", root).exit_code == 0
    rows = [["X-1", "甲", "观山湖", "新建", 20, 2024], ["X-2", "乙", "观山湖", "新建", 10, 2024],
            ["N-1", "丙", "南明", "新建", 10, 2024]]  # fmt: skip
    return root, workbook(tmp_path / "second.xlsx", rows)


def test_an_import_killed_halfway_is_rolled_back_by_the_next_command(
    ledger_with_one: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, book = ledger_with_one
    before = everything(root)
    write = files.atomic_write
    written: list[str] = []

    class Killed(BaseException):
        """SIGKILL: nothing after it runs — no rollback, no clean-up."""

    def dying(path: Path, raw: bytes, **kwargs: bool) -> None:
        if "projects" in path.parts:
            written.append(path.name)
            if len(written) == 3:
                raise Killed
        write(path, raw, **kwargs)

    monkeypatch.setattr(files, "atomic_write", dying)
    monkeypatch.setattr(journal.Journal, "roll_back", lambda self: 0)  # a killed process rolls nothing back
    with pytest.raises(Killed):
        run("import", "xlsx", book, "--data", root)
    monkeypatch.undo()
    assert written[:2] == ["X-1.yaml", "X-2.yaml"]
    assert (root / JOURNAL_FILE).exists() and everything(root) != before  # half an import on disk
    check = run("check", "--data", root)
    assert "import-rolled-back" in check.stdout and "已恢复导入前的台账（2 个文件）" in check.stdout
    assert everything(root) == before  # the journal is gone too
    again = run("import", "xlsx", book, "--data", root)  # and the import can simply be run again
    assert again.exit_code == 0 and "新建 2，更新 1" in again.stdout
    assert not (root / JOURNAL_FILE).exists()


def test_sigterm_during_an_import_rolls_it_back_at_once(
    ledger_with_one: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, book = ledger_with_one
    before = everything(root)
    write = files.atomic_write
    calls = {"n": 0}

    def terminated(path: Path, raw: bytes, **kwargs: bool) -> None:
        write(path, raw, **kwargs)
        if "projects" in path.parts:
            calls["n"] += 1
            if calls["n"] == 2:
                os.kill(os.getpid(), signal.SIGTERM)  # e.g. the terminal was closed

    monkeypatch.setattr(files, "atomic_write", terminated)
    result = run("import", "xlsx", book, "--data", root)
    assert result.exit_code == 130
    assert everything(root) == before
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # the handler is only there while writing


def test_a_journal_never_reaches_outside_the_projects_folder(tmp_path: Path) -> None:
    root = make_ledger(tmp_path / "ledger", "base")
    outside = tmp_path / "keep.txt"
    outside.write_text("别删", encoding="utf-8")
    (root / "targets.yaml").chmod(0o644)
    data = {"format": journal.FORMAT, "created": ["../keep.txt", "targets.yaml"], "folders": [".."],
            "originals": {"criteria.yaml": "AA=="}}  # fmt: skip
    (root / JOURNAL_FILE).write_text(json.dumps(data), encoding="utf-8")
    criteria = (root / "criteria.yaml").read_bytes()
    run("check", "--data", root)
    assert outside.read_text(encoding="utf-8") == "别删"
    assert (root / "targets.yaml").exists() and (root / "criteria.yaml").read_bytes() == criteria
    assert not (root / JOURNAL_FILE).exists()


def test_a_journal_that_is_not_bzfs_is_left_alone_and_said(tmp_path: Path) -> None:
    root = make_ledger(tmp_path / "ledger", "base")
    (root / JOURNAL_FILE).write_text("{not json", encoding="utf-8")
    check = run("check", "--data", root)
    assert "不是 bzf 写的导入记录" in check.stdout
    assert (root / JOURNAL_FILE).exists()
