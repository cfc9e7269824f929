"""The documentation is executed, so it cannot rot.

- every ```$ bzf …``` block of README.md and docs/**/*.md is the command's real output;
- docs/commands/ has exactly one page per command that ``bzf --help`` lists;
- every relative link (and its #anchor) points at something that exists;
- every ``bzf <command> …`` written in the docs uses options that command really has.
"""

from __future__ import annotations

import re
import shlex
from functools import cache
from pathlib import Path

import pytest

from tests.conftest import REPO, run

README = REPO / "README.md"
DOCS = REPO / "docs"
PAGES = [README, *sorted(DOCS.rglob("*.md"))]

EXAMPLE = re.compile(r"```\n\$ (bzf [^\n]+)\n(.*?)```", re.S)
FENCED = re.compile(r"^```.*?^```[^\n]*$", re.S | re.M)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z][A-Za-z0-9-]*)")


def text(page: Path) -> str:
    return page.read_text(encoding="utf-8")


def name(page: Path) -> str:
    return page.relative_to(REPO).as_posix()


EXAMPLES = [(page, command, expected) for page in PAGES for command, expected in EXAMPLE.findall(text(page))]


@cache
def help_text(*command: str) -> str:
    result = run(*command, "--help")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def commands_in_help(*group: str) -> list[str]:
    """The command names under the "命令:" heading of ``bzf [group] --help``."""
    lines = help_text(*group).splitlines()
    start = next((i for i, line in enumerate(lines) if re.match(r"命令\s*[:：]", line)), None)
    if start is None:
        return []
    names = []
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        if match := re.match(r" {2}([a-z][a-z-]*)(\s|$)", line):
            names.append(match.group(1))
    return names


def test_readme_starts_with_the_setup_commands_and_stays_short() -> None:
    lines = text(README).splitlines()
    assert lines[0].startswith("# bzf")
    blocks = re.findall(r"```bash\n(.*?)\n```", text(README), re.S)
    assert blocks[:2] == ["pip install . && bzf status", "pip install -e '.[test]' && pytest"]
    assert text(README).index(blocks[1]) < text(README).index("\n## ")  # before any section
    assert len(lines) <= 200, "README.md is the front door; details belong in docs/"


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


def test_every_command_has_one_page_listed_in_the_index() -> None:
    commands = commands_in_help()
    assert len(commands) >= 10, help_text()  # the help output was parsed
    pages = {page.stem for page in (DOCS / "commands").glob("*.md")}
    assert pages == set(commands)
    index = set(LINK.findall(text(DOCS / "index.md")))
    assert {f"commands/{command}.md" for command in commands} <= index


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@cache
def anchors(page: Path) -> set[str]:
    found: set[str] = set()
    for line in FENCED.sub("", text(page)).splitlines():
        if match := re.match(r"#{1,6} (.*)", line):
            base = anchor = slug(match.group(1))
            number = 0
            while anchor in found:  # repeated headings get -1, -2, …
                number += 1
                anchor = f"{base}-{number}"
            found.add(anchor)
    return found


def prose(page: Path) -> str:
    """The page without code blocks and inline code, where link syntax is not a link."""
    return INLINE_CODE.sub("``", FENCED.sub("", text(page)))


@pytest.mark.parametrize("page", PAGES, ids=name)
def test_relative_links_resolve(page: Path) -> None:
    broken = []
    for link in LINK.findall(prose(page)):
        if re.match(r"[a-z]+:", link):  # https:, mailto:
            continue
        path, _, anchor = link.partition("#")
        target = (page.parent / path).resolve() if path else page
        if not target.exists():
            broken.append(f"{link}: no such file")
        elif anchor and target.suffix == ".md" and anchor not in anchors(target):
            broken.append(f"{link}: no such heading in {name(target)}")
    assert not broken, broken


def invocations(page: Path) -> list[str]:
    """Every ``bzf <command> …`` the page shows: lines of code blocks and inline code spans."""
    found = []
    for block in FENCED.findall(text(page)):
        for line in block.splitlines()[1:-1]:
            line = line.removeprefix("$ ")
            if line.startswith("bzf "):
                found.append(line.split("  #")[0])  # drop a shell comment
    found += [span.strip("`") for span in INLINE_CODE.findall(FENCED.sub("", text(page)))]
    return [line for line in found if line.startswith("bzf ")]


@pytest.mark.parametrize("page", PAGES, ids=name)
def test_commands_in_the_docs_use_real_options(page: Path) -> None:
    commands = set(commands_in_help())
    unknown = []
    for line in invocations(page):
        words = line.split()
        if words[1] not in commands:  # `bzf --version`, or prose such as `bzf 命令 …`
            continue
        command = words[1:2]
        if len(words) > 2 and words[2] in commands_in_help(*command):  # bzf problem add
            command = words[1:3]
        for option in OPTION.findall(line):
            if not re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", help_text(*command)):
                unknown.append(f"{line}: bzf {' '.join(command)} has no option {option}")
    assert not unknown, unknown
