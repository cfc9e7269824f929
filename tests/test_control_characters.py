"""A control character can enter the ledger through no command, and leaves it through no output.

``bzf check`` names each one (tests/hostile/text-*, config-control-char); here: ``set``, ``new``
and ``problem add`` refuse one with exit 3 and leave every file as it was, and a ledger that has
one in a file name or a value never prints it raw, whatever the command.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from baozufang_cli.ledger.characters import UNSAFE
from tests.conftest import SAMPLE, make_ledger, run

BAD = ["甲\x1b]0;标题\x07乙", "甲\u202e乙", "甲\x9b2J乙", "甲\u2028乙"]


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


@pytest.mark.parametrize("bad", BAD)
def test_edits_refuse_a_control_character(tmp_path: Path, bad: str) -> None:
    root = make_ledger(tmp_path / "ledger", SAMPLE)
    before = _snapshot(root)
    commands = [
        ("set", "WD-2022-001", "name", bad),
        ("problem", "add", "WD-2022-001", "--text", bad, "-c", "建设手续", "--department", "市住建局",
         "--raised", "2024-06-01"),
        ("new", "-d", "观山湖区", "-t", "new_build", "--name", bad, "--units", "10",
         "--deliver-by", "2026-06-30", "--as-of", "2024-06-30"),
    ]  # fmt: skip
    for command in commands:
        result = run(*command, "--data", root)
        assert result.exit_code == 3, (command, result.stdout, result.stderr)
        assert "control-char" in result.stderr
        assert UNSAFE.search(result.stdout + result.stderr) is None
    assert _snapshot(root) == before
    assert not [p for p in root.rglob("*") if p.name.endswith(".tmp")]


@pytest.mark.skipif(os.name != "posix", reason="control characters in file names")
def test_a_hostile_value_and_file_name_never_reach_the_terminal(tmp_path: Path) -> None:
    root = make_ledger(tmp_path / "ledger", "base")
    (root / "projects" / "A-1.yaml").write_text(
        'id: A-1\nname: "\\e[2J甲\\u202e乙"\ndistrict: 观山湖区\nsupply_type: new_build\nunits: 10\nplan_year: 2024\n',
        encoding="utf-8",
    )
    (root / "projects" / "\x1b]0;x\x07.yaml").write_text("id: x\n", encoding="utf-8")
    runs = [("check",), ("check", "-f", "json")]
    runs += [
        (c, "-f", f) for c in ("status", "ledger", "problems", "overdue") for f in ("table", "md", "csv")
    ]
    for command in runs:
        for _ in (1,):
            result = run(*command, "--data", root, "--as-of", "2024-06-30")
            assert result.exit_code in (0, 1), (command, result.stderr)
            out = (result.stdout + result.stderr).replace("\r\n", "\n")
            assert UNSAFE.search(out) is None, command
