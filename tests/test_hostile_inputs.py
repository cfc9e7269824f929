"""Hostile bytes in a ledger file reach every path that reads it, read and edit alike.

tests/hostile/ runs each case through ``bzf check``; here the same classes (deep nesting, alias
bombs, wrong encodings, NUL, a file that is not a mapping, a device behind a link) go through
the edit path too (set, problem add, fmt FILE, fmt --check, which parse with ruamel after the
guarded reader) and through targets.yaml / criteria.yaml. Every run must end with a Chinese
line naming the file and exit 1, 2 or 3: never 内部错误 (exit 70), never a traceback, never a
hang (``time_limit``), and a refused edit leaves the file's bytes as they were.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import make_ledger, run
from tests.hostile_files import time_limit  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("time_limit")

PROJECT = "projects/观山湖/G-1.yaml"


def _laughs() -> bytes:
    lines = ["id: G-1", "name: 测试", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 12)]
    return ("\n".join([*lines, "tags: *a11"]) + "\n").encode()


def _valid(root: Path) -> str:
    return (root / PROJECT).read_text(encoding="utf-8")


CONTENTS = {
    "deep-flow": lambda root: b"id: G-1\nname: " + b"[" * 20000 + b"]" * 20000 + b"\n",
    "deep-block": lambda root: b"id: G-1\ntags:\n  " + b"- " * 20000 + b"x\n",
    "billion-laughs": lambda root: _laughs(),
    "gbk": lambda root: _valid(root).encode("gbk"),
    "utf16-bom": lambda root: _valid(root).encode("utf-16"),
    "invalid-utf8": lambda root: _valid(root).encode() + b"progress: \xff\xfe\x80\n",
    "nul-byte": lambda root: _valid(root).replace("name: ", "name: a\x00", 1).encode(),
    "a-list": lambda root: b"- id: G-1\n- units: 1\n",
    "a-scalar": lambda root: b"G-1\n",
    "long-line": lambda root: b"id: G-1\nname: " + b"x" * 3_000_000 + b"\n",
}

EDITS = {
    "set": ["set", "G-1", "units", "101"],
    "problem-add": ["problem", "add", "G-1", "--text", "测试", "-c", "组织实施", "--department", "区住建局"],
    "fmt-file": ["fmt", PROJECT],
    "fmt-check": ["fmt", "--check"],
    "check": ["check"],
    "status": ["status"],
}


def _ledger(tmp_path: Path) -> Path:
    return make_ledger(tmp_path / "ledger", "base", "typical")


def _assert_refused(result, expected: set[int], name: str) -> None:  # type: ignore[no-untyped-def]
    said = result.stdout + result.stderr
    assert result.exit_code in expected, said[-2000:]
    assert "内部错误" not in said and "Traceback" not in said
    assert name in said, said[-2000:]


@pytest.mark.parametrize("command", EDITS)
@pytest.mark.parametrize("content", CONTENTS)
def test_a_hostile_project_file_is_refused_by_name_on_every_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, command: str
) -> None:
    root = _ledger(tmp_path)
    raw = CONTENTS[content](root)
    (root / PROJECT).write_bytes(raw)
    monkeypatch.chdir(root)
    args = EDITS[command]
    result = run(*args) if args[0] == "fmt" else run(*args, "--as-of", "2024-06-30")
    _assert_refused(result, {1, 2, 3}, "G-1")
    assert (root / PROJECT).read_bytes() == raw, "a refused edit changed the file"


CONFIG = {
    "deep-flow": lambda text: b"[" * 20000 + b"]" * 20000 + b"\n",
    "billion-laughs": lambda text: _laughs(),
    "gbk": lambda text: text.encode("gbk"),
    "utf16-bom": lambda text: text.encode("utf-16"),
    "invalid-utf8": lambda text: text.encode() + b"# \xff\xfe\n",
    "empty": lambda text: b"",
    "a-list": lambda text: b"- x\n",
}


@pytest.mark.parametrize("command", ["check", "status", "set"])
@pytest.mark.parametrize("content", CONFIG)
@pytest.mark.parametrize("config", ["targets.yaml", "criteria.yaml"])
def test_a_hostile_config_file_is_a_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str, content: str, command: str
) -> None:
    root = _ledger(tmp_path)
    raw = CONFIG[content]((root / config).read_text(encoding="utf-8"))
    (root / config).write_bytes(raw)
    before = (root / PROJECT).read_bytes()
    monkeypatch.chdir(root)
    args = ["set", "G-1", "units", "101"] if command == "set" else [command]
    result = run(*args, "--as-of", "2024-06-30")
    if content == "empty" and config == "criteria.yaml" and result.exit_code == 0:
        pytest.skip("an empty criteria.yaml means the built-in milestones (docs/format.md)")
    _assert_refused(result, {1, 2, 3}, config)
    assert (root / PROJECT).read_bytes() == before


def test_a_utf8_bom_is_accepted_and_kept_on_read_and_edit_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _ledger(tmp_path)
    path = root / PROJECT
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    monkeypatch.chdir(root)
    assert run("check", "--as-of", "2024-06-30").exit_code == 0
    edited = run("set", "G-1", "units", "101", "--as-of", "2024-06-30")
    assert edited.exit_code == 0, edited.stderr
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") and b"units: 101" in path.read_bytes()
    assert run("fmt", "--check").exit_code == 0
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")


# ------------------------------------------------------------------ devices behind a link
# Without CAP_MKNOD a test cannot make a device inside the ledger; a link to /dev/zero (endless
# bytes) or /dev/null is what a user can plant. Project files: a link out of the ledger is not
# followed (symlink-outside). Files bzf reads by name (targets.yaml, an assessment, the import
# journal, fmt FILE) are opened and refused on the descriptor: a 字符设备, never read.

needs_dev_zero = pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")


@needs_dev_zero
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_project_file_linked_to_a_device_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, device: str
) -> None:
    root = _ledger(tmp_path)
    (root / PROJECT).unlink()
    (root / PROJECT).symlink_to(device)
    monkeypatch.chdir(root)
    checked = run("check", "--as-of", "2024-06-30")
    assert "symlink-outside" in checked.stdout and "G-1.yaml" in checked.stdout
    assert run("status", "--as-of", "2024-06-30").exit_code == 0
    _assert_refused(run("fmt", PROJECT), {2}, "字符设备")
    _assert_refused(run("set", "G-1", "units", "101", "--as-of", "2024-06-30"), {2}, "G-1")


@needs_dev_zero
@pytest.mark.parametrize("config", ["targets.yaml", "criteria.yaml"])
def test_a_config_file_linked_to_dev_zero_is_a_read_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str
) -> None:
    root = _ledger(tmp_path)
    (root / config).unlink()
    (root / config).symlink_to("/dev/zero")
    monkeypatch.chdir(root)
    for args in (["check"], ["status"], ["set", "G-1", "units", "101"]):
        result = run(*args, "--as-of", "2024-06-30")
        _assert_refused(result, {1}, config)
        assert "字符设备" in result.stdout + result.stderr


@needs_dev_zero
def test_an_assessment_or_journal_linked_to_dev_zero_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_ledger(tmp_path / "ledger", "base", "score")
    assessment = sorted(root.glob("assessments/*/*.yaml"))[0]
    assessment.unlink()
    assessment.symlink_to("/dev/zero")
    (root / ".bzf-import-journal.json").symlink_to("/dev/zero")
    monkeypatch.chdir(root)
    result = run("check", "--as-of", "2024-06-30")
    said = result.stdout + result.stderr
    assert result.exit_code == 1 and "内部错误" not in said
    assert "字符设备" in said and assessment.name in said
    assert ".bzf-import-journal.json" in said  # named, not rolled back from endless zeros


def test_data_that_is_a_device_is_not_a_folder() -> None:
    result = run("status", "--data", "/dev/null")
    assert result.exit_code == 2 and "不是文件夹" in result.stderr


# ------------------------------------------------------------------ the environment
@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_output_streams_that_cannot_write_chinese_become_utf8(tmp_path: Path, encoding: str) -> None:
    """PYTHONIOENCODING=ascii made the first Chinese print a UnicodeEncodeError: 内部错误."""
    root = _ledger(tmp_path)
    env = {**os.environ, "PYTHONIOENCODING": encoding, "BZF_CACHE_DIR": str(tmp_path / "cache")}
    for args in (["status"], ["check"], ["status", "--nope"]):
        done = subprocess.run(
            [sys.executable, "-c", "from baozufang_cli.cli import main; main()", *args, "--data", str(root)],
            capture_output=True,
            env=env,
            timeout=120,
            check=False,
        )
        said = done.stdout.decode("utf-8") + done.stderr.decode("utf-8")
        assert done.returncode in {0, 1, 2}, said
        assert "内部错误" not in said
        assert any(word in said for word in ("台账：", "检查完成", "没有选项")), said


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX arguments are bytes")
@pytest.mark.parametrize(
    "args",
    [
        [b"query", b'select "\xff"'],  # was 内部错误 (UnicodeEncodeError writing the SQL)
        [b"set", b"G-1", b"name", b"\xff"],  # was 'bzf 的缺陷' (the edit did not mean itself)
        [b"show", b"\xed\xa0\x80"],  # a UTF-8-encoded surrogate is not UTF-8 either
        [b"status", b"-o", b"/tmp/\xff.txt"],
    ],
)
def test_arguments_that_are_not_utf8_are_a_usage_error(tmp_path: Path, args: list[bytes]) -> None:
    root = _ledger(tmp_path)
    before = (root / PROJECT).read_bytes()
    env = {**os.environ, "BZF_CACHE_DIR": str(tmp_path / "cache"), "BZF_DATA": str(root)}
    done = subprocess.run(
        [sys.executable.encode(), b"-c", b"from baozufang_cli.cli import main; main()", *args],
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    said = done.stderr.decode("utf-8")
    assert done.returncode == 2, said
    assert "不是 UTF-8" in said and "内部错误" not in said and "缺陷" not in said
    assert (root / PROJECT).read_bytes() == before
