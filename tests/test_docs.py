"""The documentation is executed: every ```$ bzf …``` block of README.md and docs/**/*.md is real output."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.conftest import REPO, run

README = REPO / "README.md"
DOCS = REPO / "docs"
PAGES = [README, *sorted(DOCS.rglob("*.md"))]

EXAMPLE = re.compile(r"```\n\$ (bzf [^\n]+)\n(.*?)```", re.S)


def text(page: Path) -> str:
    return page.read_text(encoding="utf-8")


def name(page: Path) -> str:
    return page.relative_to(REPO).as_posix()


EXAMPLES = [(page, command, expected) for page in PAGES for command, expected in EXAMPLE.findall(text(page))]


def test_the_docs_have_an_example_of_every_report() -> None:
    commands = {command.split()[1] for _, command, _ in EXAMPLES}
    assert {"status", "gap", "overdue", "problems", "ledger"} <= commands


@pytest.mark.parametrize(
    ("page", "command", "expected"), EXAMPLES, ids=[f"{name(p)}: {c}" for p, c, _ in EXAMPLES]
)
def test_doc_example_matches_the_output(
    monkeypatch: pytest.MonkeyPatch, page: Path, command: str, expected: str
) -> None:
    monkeypatch.chdir(REPO)  # examples run from the repository root, on the sample ledger in ./data
    result = run(*shlex.split(command)[1:])
    assert result.exit_code == 0, result.stderr
    actual = [line.rstrip() for line in result.stdout.splitlines()]
    assert actual == [line.rstrip() for line in expected.splitlines()]
