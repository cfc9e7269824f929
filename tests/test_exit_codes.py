"""Exit code 70 (内部错误) is unreachable: every command × every hostile environment ends in 0–3.

Each case builds a ledger (or the lack of one) that something is wrong with — the folder is
missing or a file, the git repository is broken, the ledger holds odd files (a FIFO, a folder
named ``*.yaml``, control characters, ``.nan``, a huge integer, a time zone), or the disk is full
or read-only (simulated: the tests run as root, whom permissions do not stop) — and every command
of ``bzf --help`` runs against it. The only acceptable outcomes are exit 0, 1, 2 or 3 with no
traceback and no 内部错误. A command added to bzf and not to ``ARGUMENTS`` fails the first test.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_ledger, run
from tests.history.test_diff import commit, git
from tests.hostile_files import VALID, Hung

AS_OF = ("--as-of", "2024-06-30")
# every command: the arguments of one ordinary use (ids of the ledger below)
ARGUMENTS: dict[str, list[str]] = {
    "check": [*AS_OF],
    "status": [*AS_OF],
    "gap": [*AS_OF],
    "lights": [*AS_OF],
    "forecast": [*AS_OF],
    "overdue": [*AS_OF],
    "duties": [*AS_OF],
    "problems": [*AS_OF],
    "ledger": [*AS_OF],
    "show": ["A-1", *AS_OF],
    "funding": [*AS_OF],
    "operations": [*AS_OF],
    "listings": [*AS_OF],
    "report": ["month", *AS_OF],
    "score": [*AS_OF],
    "diff": [],
    "export": ["xlsx", *AS_OF, "-o", "{out}/台账.xlsx"],
    "slip": [*AS_OF],
    "import": ["{out}/不是表格.xlsx"],
    "log": ["A-1"],
    "query": ["select count(*) from projects", *AS_OF],
    "new": [
        "-d",
        "观山湖区",
        "-t",
        "new_build",
        "--name",
        "新项目",
        "--units",
        "10",
        "--deliver-by",
        "2026-06-30",
        *AS_OF,
    ],
    "set": ["A-1", "units", "120"],
    "fmt": [],
    "init": [],  # takes the folder itself, no --data
    "schema": [],
    "problem": [
        "add",
        "A-1",
        "--text",
        "施工许可滞后",
        "-c",
        "建设手续",
        "--department",
        "市住建局",
        "--raised",
        "2024-06-01",
    ],
}
EXTRA = [("fmt", "--check"), ("problem", "close", "A-1", "P1"), ("export", "csv", "-o", "{out}/csv")]


def _commands() -> list[tuple[str, ...]]:
    return [(name, *args) for name, args in ARGUMENTS.items()] + [tuple(extra) for extra in EXTRA]


def test_every_command_is_in_the_harness() -> None:
    listed = run("--help").stdout.split("命令:")[1]
    names = set(re.findall(r"^  ([a-z]+)\s", listed, flags=re.M))
    assert names == set(ARGUMENTS)


def _ledger(tmp_path: Path) -> Path:
    root = make_ledger(tmp_path / "repo" / "ledger", "base")
    (root / "projects" / "A-1.yaml").write_text(VALID, encoding="utf-8")
    return root


def _in_git(tmp_path: Path) -> Path:
    root = _ledger(tmp_path)
    git(root.parent, "init", "-q")
    commit(root.parent, "一", "张三", "2024-06-01T10:00:00+08:00")
    return root


def missing(tmp_path: Path) -> Path:
    return tmp_path / "没有这个文件夹"


def a_file(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.yaml"
    path.write_text(VALID, encoding="utf-8")
    return path


def empty_folder(tmp_path: Path) -> Path:
    (tmp_path / "empty").mkdir()
    return tmp_path / "empty"


def broken_config(tmp_path: Path) -> Path:
    root = _ledger(tmp_path)
    (root / "targets.yaml").write_text("plan: [\n", encoding="utf-8")
    (root / "criteria.yaml").unlink()
    (root / "criteria.yaml").mkdir()
    return root


def broken_git(tmp_path: Path) -> Path:
    root = _in_git(tmp_path)
    (root.parent / ".git" / "HEAD").write_text("garbage\n", encoding="ascii")
    return root


def odd_files(tmp_path: Path) -> Path:
    root = _in_git(tmp_path)
    projects = root / "projects"
    os.mkfifo(projects / "管道.yaml")
    (projects / "文件夹.yaml").mkdir()
    (projects / "B-1.yaml").write_text(VALID.replace("A-1", "B-1").replace("测试项目", '"\\e[2J\\u202e"'))
    (projects / "C-1.yaml").write_text(VALID.replace("A-1", "C-1").replace("units: 100", "units: .nan"))
    (projects / "D-1.yaml").write_text(
        VALID.replace("A-1", "D-1").replace("units: 100", "units: " + "9" * 5000)
    )
    (projects / "E-1.yaml").write_text(
        VALID.replace("A-1", "E-1").replace("2024-03-05", "2024-03-05T10:00:00+08:00")
    )
    (projects / "F-1.yml").write_text(VALID.replace("A-1", "F-1"))
    (projects / ".hidden").mkdir()
    (projects / ".hidden" / "G-1.yaml").write_text(VALID.replace("A-1", "G-1"))
    (projects / "H-1.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (root / ".bzf-cache").symlink_to(tmp_path, target_is_directory=True)
    return root


SECONDS_PER_COMMAND = 60  # a command takes well under a second; only a hang gets near this


@contextlib.contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    def hung(signum: int, frame: Any) -> None:
        raise Hung(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _failing(error: int) -> Callable[..., None]:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise OSError(error, os.strerror(error))

    return fail


def disk_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(os, "fsync", _failing(errno.ENOSPC))  # every atomic write fsyncs its data
    return _in_git(tmp_path)


def read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = _in_git(tmp_path)
    monkeypatch.setattr(tempfile, "mkstemp", _failing(errno.EROFS))  # no temp file: nothing written
    return root


CASES: dict[str, Callable[..., Path]] = {
    "missing": missing,
    "a file": a_file,
    "empty folder": empty_folder,
    "broken config": broken_config,
    "broken git": broken_git,
    "odd files": odd_files,
    "disk full": disk_full,
    "read-only": read_only,
}


@pytest.mark.skipif(os.name != "posix", reason="FIFOs, symbolic links")
@pytest.mark.parametrize("case", list(CASES))
def test_no_command_ends_in_an_internal_error(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build = CASES[case]
    out = tmp_path / "out"
    out.mkdir()
    (out / "不是表格.xlsx").write_text("这不是 Excel\n", encoding="utf-8")
    root = build(tmp_path, monkeypatch) if build in (disk_full, read_only) else build(tmp_path)
    failures = []
    for command in _commands():
        args = [a.format(out=out) for a in command]
        args += [str(root / "新台账")] if args[0] == "init" else ["--data", str(root)]
        try:
            with _time_limit(SECONDS_PER_COMMAND):
                result = run(*args)
        except Hung:
            failures.append(f"bzf {' '.join(args)} hung")
            continue
        text = result.stdout + result.stderr
        if result.exit_code not in (0, 1, 2, 3) or "内部错误" in text or "Traceback" in text:
            failures.append(f"bzf {' '.join(args)} → {result.exit_code}: {text[-300:]}")
    assert failures == []


@pytest.mark.skipif(os.name != "posix", reason="FIFOs, symbolic links")
def test_every_message_about_an_odd_file_is_short(tmp_path: Path) -> None:
    """.nan, .inf, thousands of digits, a time zone: a located error under 200 characters."""
    import json

    root = odd_files(tmp_path)
    result = run("check", "--data", root, *AS_OF, "-f", "json")
    assert result.exit_code == 1
    diagnostics = json.loads(result.stdout)
    assert {d["path"] for d in diagnostics} >= {"projects/C-1.yaml", "projects/D-1.yaml", "projects/E-1.yaml"}
    for d in diagnostics:
        assert len(d["message"]) + len(d["hint"]) < 200, d
        assert "缺陷" not in d["message"]
