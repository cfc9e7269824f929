"""The README's command examples are real: each ```$ bzf …``` block matches the command's output."""

from __future__ import annotations

import re
import shlex

import pytest

from tests.conftest import REPO, run

EXAMPLE = re.compile(r"```\n\$ (bzf [^\n]+)\n(.*?)```", re.S)
EXAMPLES = EXAMPLE.findall((REPO / "README.md").read_text(encoding="utf-8"))


def test_the_readme_has_an_example_of_every_report() -> None:
    commands = {command.split()[1] for command, _ in EXAMPLES}
    assert {"status", "gap", "overdue", "problems", "ledger"} <= commands


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_example_matches_the_output(
    monkeypatch: pytest.MonkeyPatch, command: str, expected: str
) -> None:
    monkeypatch.chdir(REPO)  # examples run from the repository root, on the sample ledger in ./data
    result = run(*shlex.split(command)[1:])
    assert result.exit_code == 0, result.stderr
    actual = [line.rstrip() for line in result.stdout.splitlines()]
    assert actual == [line.rstrip() for line in expected.splitlines()]
