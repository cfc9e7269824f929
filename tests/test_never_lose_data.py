"""Never lose data: a write killed at any step, two edits racing, an edit refused.

* A write is temp file → write → flush → fsync → chmod → rename → fsync of the folder. A
  process killed (``os._exit``: no clean-up runs) at each step leaves either the original
  file or the complete new one — never a mixture — and a leftover temp file is hidden from
  the ledger.
* Two edits racing on one file: the second is refused (exit 3), never merged blindly, and
  no edit that reported success is lost — in-process with threads at the exact moment, and
  with real concurrent ``bzf set`` processes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from baozufang_cli import files
from baozufang_cli.edit.document import Document, EditRefused
from baozufang_cli.errors import WriteRefused
from tests.conftest import make_ledger, run
from tests.hostile_files import VALID

ORIGINAL = VALID.replace("units: 100", "units: 100  # 原值")

# The child edits units and dies at one step of atomic_write, the way kill -9 would.
CHILD = r"""
import os, sys
from pathlib import Path
from baozufang_cli import files
from baozufang_cli.edit import document as edit
path, step = Path(sys.argv[1]), sys.argv[2]

def die(*args, **kwargs):
    os._exit(9)

real_fdopen = os.fdopen

class HalfWriter:  # writes half the bytes, then the process dies
    def __init__(self, handle):
        self.handle = handle
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return False
    def write(self, raw):
        self.handle.write(raw[: len(raw) // 2])
        self.handle.flush()
        die()

if step == "temp-created":
    files.os.fdopen = die
elif step == "mid-write":
    files.os.fdopen = lambda fd, mode: HalfWriter(real_fdopen(fd, mode))
elif step == "before-fsync":
    files.os.fsync = die
elif step == "before-chmod":
    files.os.chmod = die
elif step == "before-rename":
    files.os.replace = die
elif step == "after-rename":
    files._fsync_folder = die

document = edit.Document.read(path, "projects/A-1.yaml")
document.data["units"] = 820
document.save(None)
print("saved")
"""

STEPS = ["temp-created", "mid-write", "before-fsync", "before-chmod", "before-rename", "after-rename"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = make_ledger(tmp_path / "ledger", "base")
    path = root / "projects" / "A-1.yaml"
    path.write_text(ORIGINAL, encoding="utf-8")
    return path


@pytest.mark.skipif(os.name != "posix", reason="kills a child process the POSIX way")
@pytest.mark.parametrize("step", STEPS)
def test_a_write_killed_at_any_step_leaves_the_old_file_or_the_new_one(project: Path, step: str) -> None:
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(project), step], capture_output=True, text=True, timeout=120
    )
    assert child.returncode == 9, child.stderr  # it really died at that step
    text = project.read_text(encoding="utf-8")
    if step == "after-rename":
        assert text == ORIGINAL.replace("units: 100", "units: 820")  # complete, not half
    else:
        assert text == ORIGINAL
    # a killed write may leave its hidden temp file behind; the ledger does not see it
    leftovers = [p.name for p in project.parent.iterdir() if p.name != "A-1.yaml"]
    assert all(name.startswith(".A-1.yaml.") and name.endswith(".tmp") for name in leftovers)
    check = run("check", "--data", project.parent.parent, "--as-of", "2024-06-30")
    assert check.exit_code == 0, check.stdout
    assert "1 个项目文件" in check.stdout


@pytest.mark.parametrize("failing", ["fdopen", "fsync", "chmod", "replace"])
def test_a_write_that_fails_at_any_step_cleans_up_and_keeps_the_original(
    project: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    document = Document.read(project, "projects/A-1.yaml")
    document.data["units"] = 820

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, failing, broken)
    with pytest.raises(WriteRefused, match="磁盘空间不足"):  # one Chinese line, exit 3
        document.save(None)
    assert project.read_text(encoding="utf-8") == ORIGINAL
    assert [p.name for p in project.parent.iterdir()] == ["A-1.yaml"]


def test_the_second_of_two_racing_edits_waits_and_is_refused(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = Document.read(project, "projects/A-1.yaml")
    second = Document.read(project, "projects/A-1.yaml")  # both read the same original
    first.data["note"] = "甲的修改"
    second.data["progress"] = "乙的修改"
    inside, release = threading.Event(), threading.Event()
    write = files.atomic_write

    def slow_write(path: Path, raw: bytes, **kwargs: bool) -> None:
        if threading.current_thread().name == "first":
            inside.set()  # the first has passed its change check and is writing
            release.wait(10)
        write(path, raw, **kwargs)

    monkeypatch.setattr(files, "atomic_write", slow_write)
    outcome: dict[str, str] = {}

    def save(document: Document, name: str) -> None:
        try:
            document.save(None)
            outcome[name] = "saved"
        except EditRefused as refused:
            outcome[name] = refused.reason

    first_thread = threading.Thread(target=save, args=(first, "first"), name="first")
    first_thread.start()
    assert inside.wait(10)
    second_thread = threading.Thread(target=save, args=(second, "second"), name="second")
    second_thread.start()
    time.sleep(0.3)
    # without the lock the second would pass the same check now, and its rename would erase the first
    assert second_thread.is_alive() and "second" not in outcome
    release.set()
    first_thread.join(10)
    second_thread.join(10)
    assert outcome == {"first": "saved", "second": EditRefused.CHANGED}
    text = project.read_text(encoding="utf-8")
    assert "甲的修改" in text and "乙的修改" not in text


def test_an_edit_of_a_file_changed_meanwhile_is_refused_on_the_command_line(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    someone_else = ORIGINAL.replace("plan_year: 2024", "plan_year: 2025")
    prepare = Document.prepare

    def meanwhile(self: Document, *args: object, **kwargs: object) -> str:
        project.write_text(someone_else, encoding="utf-8")  # a colleague saves while bzf validates
        return prepare(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Document, "prepare", meanwhile)
    result = run("set", "A-1", "units", "90", "--data", project.parent.parent, "--as-of", "2024-06-30")
    assert result.exit_code == 3
    assert "在读取后已被修改" in result.stderr
    assert project.read_text(encoding="utf-8") == someone_else


FIELDS = ["note", "progress", "owner", "operator", "address", "responsible_person"]


@pytest.mark.skipif(os.name != "posix", reason="flock")
def test_concurrent_bzf_set_processes_never_lose_an_edit_that_reported_success(
    project: Path, tmp_path: Path
) -> None:
    root = project.parent.parent
    env = {**os.environ, "BZF_CACHE_DIR": str(tmp_path / "cache")}
    for _round in range(2):
        project.write_text(ORIGINAL, encoding="utf-8")
        processes = {
            field: subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "baozufang_cli",
                    "set",
                    "A-1",
                    field,
                    f"{field}-值",
                    "--data",
                    str(root),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for field in FIELDS
        }
        text_by_field = {field: process.communicate(timeout=120) for field, process in processes.items()}
        final = project.read_text(encoding="utf-8")
        for field, process in processes.items():
            assert process.returncode in (0, 3), text_by_field[field]
            if process.returncode == 0:
                assert f"{field}: {field}-值" in final  # reported success: the edit is there
            else:
                assert "在读取后已被修改" in text_by_field[field][1]
        assert run("check", "--data", root, "--as-of", "2024-06-30").exit_code == 0


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_an_edit_changes_one_line_whatever_the_line_ends(project: Path, newline: str, bom: bytes) -> None:
    """Windows (CRLF, BOM) and classic Mac (CR) files: markers, comments and line ends stay."""
    text = "---\n" + ORIGINAL + "...\n"
    project.write_bytes(bom + text.replace("\n", newline).encode())
    result = run("set", "A-1", "units", "90", "--data", project.parent.parent, "--as-of", "2024-06-30")
    assert result.exit_code == 0, result.stderr
    expected = text.replace("units: 100  # 原值", "units: 90   # 原值")
    assert project.read_bytes() == bom + expected.replace("\n", newline).encode()
