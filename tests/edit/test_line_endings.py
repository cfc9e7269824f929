"""Keep what you didn't touch: a file whose lines end in a mix of CRLF and LF keeps each line's end.

Files edited on Windows and on Linux, or merged by git without ``.gitattributes``, end some lines
with ``\\r\\n`` and others with ``\\n``. An edit rewrites only the bytes of the lines it changed;
new lines take the file's more common end. ``bzf fmt`` does not unify line ends either (docs/commands/fmt.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run

G1 = "projects/观山湖/G-1.yaml"


@pytest.fixture
def root(ledger) -> Path:  # type: ignore[no-untyped-def]
    return ledger("base", "typical")  # type: ignore[no-any-return]


def mix(raw: bytes) -> bytes:
    """Every other line ends in CRLF (odd lines LF, even lines CRLF)."""
    lines = raw.split(b"\n")
    return b"".join(line + (b"\r\n" if i % 2 else b"\n") for i, line in enumerate(lines[:-1])) + lines[-1]


def lines_of(raw: bytes) -> list[bytes]:
    return raw.splitlines(keepends=True)


def test_set_changes_only_the_bytes_of_the_edited_line(root: Path) -> None:
    path = root / G1
    before = mix(path.read_bytes())
    assert b"\r\n" in before and b"\n" in before.replace(b"\r\n", b"")
    path.write_bytes(before)
    result = run("set", "G-1", "units", "1200", "--data", root, "--as-of", "2025-12-31")
    assert result.exit_code == 0, result.output
    expected = before.replace(b"units: 1000", b"units: 1200")
    assert path.read_bytes() == expected  # byte for byte: every other line and its end as it was


def test_a_second_edit_keeps_the_ends_the_first_one_left(root: Path) -> None:
    path = root / G1
    before = mix(path.read_bytes())
    path.write_bytes(before)
    for value in ("1200", "1300"):
        assert run("set", "G-1", "units", value, "--data", root, "--as-of", "2025-12-31").exit_code == 0
    assert path.read_bytes() == before.replace(b"units: 1000", b"units: 1300")


def test_problem_add_and_close_touch_only_their_lines(root: Path) -> None:
    path = root / G1
    before = mix(path.read_bytes())
    path.write_bytes(before)
    added = run(
        "problem", "add", "G-1", "--text", "资金未到位", "-c", "资金来源", "--department", "市财政局",
        "--raised", "2025-01-01", "--data", root, "--as-of", "2025-12-31",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    after = path.read_bytes()
    old, new = lines_of(before), lines_of(after)
    assert new[: len(old)] == [*old[:-1], old[-1] if old[-1].endswith(b"\n") else new[len(old) - 1]]
    assert len(new) == len(old) + 1 and "资金未到位".encode() in new[-1]
    closed = run(
        "problem", "close", "G-1", "P2", "--date", "2025-02-01", "--data", root, "--as-of", "2025-12-31"
    )
    assert closed.exit_code == 0, closed.output
    final = lines_of(path.read_bytes())
    assert final[:-1] == new[:-1]  # only the closed problem's line changed
    assert b"closed: 2025-02-01" in final[-1]


def test_fmt_leaves_a_formatted_file_with_mixed_ends_alone(root: Path) -> None:
    path = root / G1
    before = mix(path.read_bytes())
    path.write_bytes(before)
    check = run("fmt", "--check", "--data", root, path)
    assert check.exit_code == 0, check.output
    assert run("fmt", "--data", root, path).exit_code == 0
    assert path.read_bytes() == before


def test_fmt_rewrites_only_unformatted_lines_and_keeps_the_others_ends(root: Path) -> None:
    path = root / G1
    before = mix(path.read_bytes())
    messy = before.replace(b"units: 1000", b"units:    1000")
    path.write_bytes(messy)
    assert run("fmt", "--data", root, path).exit_code == 0
    assert path.read_bytes() == before
