"""The hostile-input corpus: every bad file gets a located Chinese diagnostic, never a crash.

Each folder under ``tests/hostile/`` is a ledger layer (on top of ``tests/data/base``) with an
``expect.yaml``::

    about: 引号没有闭合                 # the bad input, in a few words
    expect:                            # exactly these (code, path, line) from bzf check
      - [yaml-syntax, projects/A-1.yaml, 2]
    hint: 引号                          # optional: text a diagnostic's message or hint must contain
    generate: gbk                      # optional: bytes made at run time (tests/hostile_files.py)
    units: 100                         # optional: total units bzf status must count (accepted files)
    layers: [base, score]              # optional: the tests/data layers under the case (default base)

Every case is then run through the other commands too (reports, fmt, an edit): exit codes
stay 0–3, no traceback or internal error, and an edit that is refused leaves every file as
it was. Each command is bounded in time (``signal.alarm``): a hang is a failure.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import TESTS, make_ledger, run
from tests.hostile_files import GENERATORS, time_limit

HOSTILE = TESTS / "hostile"
CASES = sorted(p.name for p in HOSTILE.iterdir() if (p / "expect.yaml").is_file())
CJK = re.compile("[\u4e00-\u9fff]")
pytestmark = pytest.mark.usefixtures(time_limit.__name__)


def spec_of(case: str) -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load((HOSTILE / case / "expect.yaml").read_text(encoding="utf-8"))
    return spec


def build(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    spec = spec_of(case)
    root = make_ledger(tmp_path / "ledger", *spec.get("layers", ["base"]), HOSTILE / case)
    name = spec.get("generate")
    if name:
        if os.name != "posix":
            pytest.skip("symlinks, pipes and byte file names are made the POSIX way")
        GENERATORS[name](root, monkeypatch)
    return root


def assert_clean_run(result: Any, allowed: tuple[int, ...]) -> None:
    """No traceback, no internal error, an expected exit code."""
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert "内部错误" not in output, output[-2000:]
    assert result.exit_code in allowed, output[-2000:]


def test_the_corpus_is_large_and_every_case_says_what_it_is() -> None:
    assert len(CASES) >= 60
    for case in CASES:
        spec = spec_of(case)
        assert spec.get("about"), case
        assert isinstance(spec.get("expect"), list), case
        assert not spec.get("generate") or spec["generate"] in GENERATORS, case


@pytest.mark.parametrize("case", CASES)
def test_bzf_check_reports_exactly_the_expected_problems(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = spec_of(case)
    root = build(case, tmp_path, monkeypatch)
    result = run("check", "--data", root, "--as-of", "2024-06-30", "--format", "json")
    assert_clean_run(result, (0, 1))
    diagnostics = json.loads(result.stdout)
    found = sorted((d["code"], d["path"], d["line"]) for d in diagnostics)
    expected = sorted((code, path, int(line)) for code, path, line in spec["expect"])
    assert found == expected
    has_error = any(d["severity"] == "error" for d in diagnostics)
    assert result.exit_code == (1 if has_error else 0)
    for diagnostic in diagnostics:
        assert CJK.search(diagnostic["message"]), diagnostic  # Chinese, whatever libyaml said
    if spec.get("hint"):  # the words that tell the user what to do
        assert any(spec["hint"] in d["message"] + d["hint"] for d in diagnostics), diagnostics


@pytest.mark.parametrize("case", CASES)
def test_check_prints_each_problem_at_its_place(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = spec_of(case)
    root = build(case, tmp_path, monkeypatch)
    result = run("check", "--data", root, "--as-of", "2024-06-30")
    assert_clean_run(result, (0, 1))
    for code, path, line in spec["expect"]:
        where = f"{path}:{line}:" if line else f"{path}:"
        assert any(where in text and code in text for text in result.stdout.splitlines()), f"{where} {code}"
    if "units" in spec:  # an accepted file: its units are counted, nothing else changes
        status = run("status", "--data", root, "--as-of", "2024-06-30", "-f", "json")
        assert_clean_run(status, (0,))
        assert json.loads(status.stdout)["total"]["units"] == spec["units"]


# every report over accepted files (their values reach the arithmetic and the renderers);
# the first two over every case (the broken file is left out and said to be)
REPORTS = [
    ("status",),
    ("ledger", "-f", "json"),
    ("gap", "--year", "all"),
    ("overdue",),
    ("problems",),
    ("funding", "-f", "csv"),
    ("operations",),
    ("score",),
    ("report", "week", "-f", "md"),
]


@pytest.mark.parametrize("case", CASES)
def test_reports_run_on_what_is_valid_and_say_what_was_left_out(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = build(case, tmp_path, monkeypatch)
    accepted = "units" in spec_of(case)
    for command in REPORTS if accepted else REPORTS[:2]:
        result = run(*command, "--data", root, "--as-of", "2024-06-30")
        assert_clean_run(result, (0, 1))
        if command[0] == "status" and result.exit_code == 1 and "targets.yaml" not in result.stderr:
            assert "个文件有错误，未计入" in result.stdout  # a partial total says it is partial


def snapshot(root: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for folder, _dirs, names in os.walk(root):
        if ".bzf-cache" in folder:
            continue
        for name in names:
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink() and os.access(path, os.R_OK):
                try:
                    files[os.fsencode(path.relative_to(root)).decode("utf-8", "replace")] = path.read_bytes()
                except OSError:  # simulated unreadable files
                    continue
    return files


@pytest.mark.parametrize("case", CASES)
def test_edits_either_succeed_or_leave_every_file_untouched(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = build(case, tmp_path, monkeypatch)
    before = snapshot(root)
    fmt_check = run("fmt", "--check", "--data", root)
    assert_clean_run(fmt_check, (0, 1))
    assert snapshot(root) == before  # --check never writes
    edit = run("set", "A-1", "note", "已核对", "--data", root, "--as-of", "2024-06-30")
    assert_clean_run(edit, (0, 1, 2, 3))
    after = snapshot(root)
    changed = {rel for rel in before.keys() | after.keys() if before.get(rel) != after.get(rel)}
    if edit.exit_code == 0:  # the one project file whose id is A-1 (whatever its name)
        assert len(changed) == 1 and changed.pop().startswith("projects/")
    else:
        assert not changed


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "2101-01-01"])
def test_an_as_of_date_outside_the_ledger_range_is_a_usage_error(as_of: str) -> None:
    result = run("status", "--data", TESTS / "data" / "typical", "--as-of", as_of)
    assert result.exit_code == 2
    assert "1900-01-01 至 2100-12-31" in result.stderr


@pytest.mark.parametrize("as_of", ["1900-01-01", "2100-12-31"])
def test_every_report_runs_at_the_edges_of_the_date_range(as_of: str) -> None:
    """Weeks and years around the as-of date stay inside what ``datetime.date`` can hold."""
    commands = [*REPORTS, ("report", "year"), ("report", "quarter", "-f", "json"), ("listings", "-f", "json")]
    for command in commands:
        result = run(*command, "--data", TESTS / "data" / "typical", "--as-of", as_of)
        assert_clean_run(result, (0, 1))
