"""Hostile inputs that cannot be committed as plain text files: made at run time.

A case folder under ``tests/hostile/`` names one of these in its ``expect.yaml``
(``generate: gbk``). Each gets the ledger root (already holding the case's committed files)
and pytest's ``monkeypatch`` for what a file cannot express (a file deleted while it is
being read, permissions that root ignores). They write bytes, never text: encodings,
line endings and control characters must reach bzf exactly as a Windows editor, a broken
copy or an attacker would leave them.

``time_limit`` (a fixture the hostile suites use) turns a hang into a failure.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

Generator = Callable[[Path, pytest.MonkeyPatch], None]

VALID = """id: A-1
name: 测试项目
district: 观山湖区
supply_type: new_build
units: 100
plan_year: 2024
milestones:
  - {name: 开工, planned: 2024-03-01, actual: 2024-03-05}
  - {name: 交付使用, planned: 2025-06-30}
"""
MB = 1024 * 1024
SECONDS_PER_TEST = 60  # generous: a case takes well under a second; only a hang gets near this


class Hung(BaseException):
    """Not an ``Exception`` (nor an ``OSError`` like ``TimeoutError``): nothing in bzf can swallow it."""


@pytest.fixture
def time_limit() -> Iterator[None]:
    """Fail a case that hangs instead of hanging the suite (POSIX; elsewhere unbounded)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def hung(signum: int, frame: Any) -> None:
        raise Hung(f"still running after {SECONDS_PER_TEST} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(SECONDS_PER_TEST)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


GENERATORS: dict[str, Generator] = {}


def generator(function: Generator) -> Generator:
    GENERATORS[function.__name__] = function
    return function


def _project(root: Path, raw: bytes, name: str = "A-1.yaml") -> Path:
    path = root / "projects" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    return path


# ------------------------------------------------------------------ YAML


@generator
def huge_50mb(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """50 MB: refused from its size before a byte is read (a sparse file keeps the test fast)."""
    path = _project(root, VALID.encode())
    with path.open("r+b") as handle:
        handle.truncate(50 * MB)


@generator
def just_over_limit(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from baozufang_cli.ledger.read import MAX_FILE_BYTES

    padding = MAX_FILE_BYTES + 1 - len(VALID.encode()) - len("note: \n")
    _project(root, (VALID + "note: " + "x" * padding + "\n").encode())


@generator
def long_line(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 1.5 MB line (an Excel cell pasted whole) is within the limit: read, not choked on."""
    _project(root, (VALID + "note: " + "长" * 500_000 + "\n").encode())


@generator
def long_key(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _project(root, (VALID + "k" * 2000 + ": 1\n").encode())


@generator
def control_char(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _project(root, VALID.replace("测试项目", "测试\x1b[31m项目").encode())


@generator
def deep_flow(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _project(root, (VALID + "note: " + "[" * 5000 + "]" * 5000 + "\n").encode())


@generator
def deep_block(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _project(root, (VALID + "note:\n  " + "- " * 3000 + "x\n").encode())


@generator
def deep_mapping(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # indented mappings nest without a bracket to count; ruamel's round trip recursed to death on it
    nested = "".join("  " * level + "k:\n" for level in range(1, 400)) + "  " * 400 + "k: 1\n"
    _project(root, (VALID + "note:\n" + nested).encode())


# ------------------------------------------------------------------ encodings


@generator
def bom_crlf(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _project(root, b"\xef\xbb\xbf" + VALID.encode().replace(b"\n", b"\r\n"))


@generator
def cr_only(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _project(root, VALID.encode().replace(b"\n", b"\r"))


@generator
def gbk(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _project(root, VALID.encode("gbk"))


@generator
def gb18030(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _project(root, (VALID + "note: 𠀀 不在 GBK 中的字\n").encode("gb18030"))


@generator
def utf16_le_bom(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _project(root, VALID.encode("utf-16"))  # little-endian with BOM: what Windows Notepad wrote


@generator
def utf16_be_no_bom(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _project(root, VALID.encode("utf-16-be"))


@generator
def nul_byte(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _project(root, VALID.replace("测试项目", "测试\x00项目").encode())


@generator
def invalid_utf8(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _project(root, VALID.encode() + b"note: caf\xe9 \xff\xfe\n")


@generator
def bom_inside(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two files concatenated: the second one's BOM lands in the middle of the text."""
    _project(root, VALID.replace("units:", "\ufeffunits:").encode())


# ------------------------------------------------------------------ files


@generator
def symlink_outside(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outside = root.parent / "outside.yaml"
    outside.write_text(VALID, encoding="utf-8")
    (root / "projects" / "A-1.yaml").symlink_to(outside)


@generator
def symlink_loop(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    projects = root / "projects"
    (projects / "B-1.yaml").symlink_to(projects / "C-1.yaml")
    (projects / "C-1.yaml").symlink_to(projects / "B-1.yaml")


@generator
def symlink_dangling(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (root / "projects" / "B-1.yaml").symlink_to(root / "projects" / "gone.yaml")


@generator
def symlink_folder(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outside = root.parent / "elsewhere"
    outside.mkdir()
    (outside / "A-1.yaml").write_text(VALID, encoding="utf-8")
    (root / "projects" / "elsewhere").symlink_to(outside, target_is_directory=True)


@generator
def unreadable_file(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """chmod 000 — and, since root reads it anyway, a refusing ``os.open`` for that one file."""
    path = root / "projects" / "B-1.yaml"
    path.write_text(VALID.replace("A-1", "B-1"), encoding="utf-8")
    path.chmod(0)
    _refuse(monkeypatch, path, "open")


@generator
def unreadable_folder(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = root / "projects" / "locked"
    folder.mkdir()
    (folder / "B-1.yaml").write_text(VALID.replace("A-1", "B-1"), encoding="utf-8")
    folder.chmod(0)
    _refuse(monkeypatch, folder, "scandir")


def _refuse(monkeypatch: pytest.MonkeyPatch, path: Path, function: str) -> None:
    original: Any = getattr(os, function)

    def refusing(target: Any, *args: Any, **kwargs: Any) -> Any:
        if os.fspath(target) == os.fspath(path):
            raise PermissionError(13, "Permission denied", os.fspath(target))
        return original(target, *args, **kwargs)

    monkeypatch.setattr(os, function, refusing)  # the reader opens with os.open (files.read_regular)


def _changed_before_reading(
    root: Path, monkeypatch: pytest.MonkeyPatch, change: Callable[[Path], None]
) -> None:
    """B-1.yaml is written (so the folder lists it); ``change`` runs on it just before it is first read."""
    from baozufang_cli.ledger import read as reader  # the loader imports read_bytes from it when it reads

    victim = root / "projects" / "B-1.yaml"
    victim.write_text(VALID.replace("A-1", "B-1"), encoding="utf-8")
    original = reader.read_bytes
    changed: list[bool] = []

    def change_then_read(path: Any, rel: str, stat: Any = None) -> Any:
        if os.fspath(path) == os.fspath(victim) and not changed:
            changed.append(True)
            change(victim)
        return original(path, rel, stat)

    monkeypatch.setattr(reader, "read_bytes", change_then_read)


@generator
def deleted_while_loading(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process (git checkout, a sync tool) deletes B-1.yaml after the folder was listed."""
    _changed_before_reading(root, monkeypatch, Path.unlink)


@generator
def fifo(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A named pipe called B-1.yaml: opening it would block for ever; it must not be opened."""
    os.mkfifo(root / "projects" / "B-1.yaml")


@generator
def folder_named_like_a_file(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (root / "projects" / "B-1.yaml").mkdir()


@generator
def gbk_file_name(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Windows zip unpacked on Linux: the name's bytes are GBK (观-1.yaml)."""
    name = os.fsdecode("观-1.yaml".encode("gbk"))
    (root / "projects" / name).write_text(VALID, encoding="utf-8")


@generator
def targets_is_a_folder(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (root / "targets.yaml").unlink()
    (root / "targets.yaml").mkdir()


@generator
def criteria_missing(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (root / "criteria.yaml").unlink()


# ------------------------------------------------------------------ self-assessments

ASSESSMENT = "assessments/2024-06/观山湖区.yaml"


@generator
def gbk_assessment(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = root / ASSESSMENT
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))


@generator
def gbk_assessment_name(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = root / ASSESSMENT
    path.rename(path.parent / os.fsdecode(path.name.encode("gbk")))


@generator
def fifo_assessment(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A named pipe in place of a self-assessment: refused and named, not waited on nor passed over."""
    (root / ASSESSMENT).unlink()
    os.mkfifo(root / ASSESSMENT)


@generator
def folder_named_like_an_assessment(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (root / ASSESSMENT).unlink()
    (root / ASSESSMENT).mkdir()


@generator
def unreadable_assessment_month(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A month folder that cannot be listed: its self-scores are missing, and the check says so."""
    _refuse(monkeypatch, (root / ASSESSMENT).parent, "scandir")


@generator
def fifo_evidence(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    evidence = root / "evidence/2024-06/观山湖区/会议纪要.md"
    evidence.unlink()
    os.mkfifo(evidence)


@generator
def evidence_link_outside(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An evidence file that is a link out of the ledger: it is not evidence held by the ledger."""
    outside = root.parent / "minutes.md"
    outside.write_text("会议纪要\n", encoding="utf-8")
    evidence = root / "evidence/2024-06/观山湖区/会议纪要.md"
    evidence.unlink()
    evidence.symlink_to(outside)


# ------------------------------------------------------------------ special files as config


@generator
def fifo_criteria(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """criteria.yaml a named pipe: the cache key and the loader both read it; neither may wait."""
    (root / "criteria.yaml").unlink()
    os.mkfifo(root / "criteria.yaml")


@generator
def fifo_targets(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (root / "targets.yaml").unlink()
    os.mkfifo(root / "targets.yaml")


@generator
def fifo_import_journal(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command looks for an interrupted import's journal first: a pipe there must not hang them all."""
    os.mkfifo(root / ".bzf-import-journal.json")


@generator
def socket_file(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    path = root / "projects" / "B-1.yaml"
    if len(os.fsencode(path)) > 100:  # AF_UNIX paths are short; bind from inside the folder
        monkeypatch.chdir(path.parent)
        target: str = path.name
    else:
        target = str(path)
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(target)


@generator
def swapped_for_a_pipe(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """B-1.yaml is a file when the folder is listed and a named pipe when it is opened (the stat → open race)."""

    def swap(victim: Path) -> None:
        victim.unlink()
        os.mkfifo(victim)

    _changed_before_reading(root, monkeypatch, swap)
