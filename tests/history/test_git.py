"""Every git failure is a Chinese error with exit 2, never "no history"; a shallow clone says so."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from baozufang_cli.history import git as gitmodule
from tests.conftest import make_ledger, run
from tests.history.test_diff import commit, git

pytestmark = pytest.mark.skipif(os.name != "posix", reason="git repositories built with the shell")

A1 = "id: A-1\nname: 甲公寓\ndistrict: 观山湖\nsupply_type: new_build\nunits: {units}\nplan_year: 2024\n"
COMMANDS = [("diff",), ("diff", "HEAD~1", "HEAD"), ("log", "A-1"), ("diff", "--since", "2024-06-02")]


def _repo(tmp_path: Path, commits: int = 3) -> tuple[Path, Path]:
    repo = tmp_path / "repo"
    root = make_ledger(repo / "ledger", "base")
    git(repo, "init", "-q", "-b", "main")
    for n in range(commits):
        (root / "projects" / "A-1.yaml").write_text(A1.format(units=100 + n), encoding="utf-8")
        commit(repo, f"第 {n + 1} 次", "张三", f"2024-06-{n + 1:02d}T10:00:00+08:00")
    return repo, root


def _assert_refused(root: Path, words: str, commands: list[tuple[str, ...]] = COMMANDS) -> None:
    for command in commands:
        result = run(*command, "--data", root)
        assert result.exit_code == 2, (command, result.stdout, result.stderr)
        assert result.stderr.startswith("bzf："), result.stderr
        assert words in result.stderr, result.stderr
        assert "内部错误" not in result.stderr and "Traceback" not in result.stderr


def test_a_missing_object_is_an_error_not_an_empty_version(tmp_path: Path) -> None:
    repo, root = _repo(tmp_path)
    blob = git(repo, "rev-parse", "HEAD~1:ledger/projects/A-1.yaml")
    (repo / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    _assert_refused(root, "缺少对象", [("diff", "HEAD~2", "HEAD~1"), ("log", "A-1")])


def test_a_missing_commit_is_an_error(tmp_path: Path) -> None:
    repo, root = _repo(tmp_path)
    head = git(repo, "rev-parse", "HEAD")
    (repo / ".git" / "objects" / head[:2] / head[2:]).unlink()
    _assert_refused(root, "损坏")


def test_head_naming_a_commit_that_is_not_there(tmp_path: Path) -> None:
    repo, root = _repo(tmp_path)
    (repo / ".git" / "refs" / "heads" / "main").write_text("1" * 40 + "\n", encoding="ascii")
    _assert_refused(root, "损坏", [("diff",), ("log", "A-1")])


def test_a_corrupt_object_is_an_error(tmp_path: Path) -> None:
    repo, root = _repo(tmp_path)
    blob = git(repo, "rev-parse", "HEAD~1:ledger/projects/A-1.yaml")
    path = repo / ".git" / "objects" / blob[:2] / blob[2:]
    path.chmod(0o644)
    path.write_bytes(b"not zlib at all")
    _assert_refused(root, "git", [("diff", "HEAD~2", "HEAD~1")])


def test_a_broken_git_folder_is_an_error(tmp_path: Path) -> None:
    repo, root = _repo(tmp_path)
    (repo / ".git" / "HEAD").write_text("garbage\n", encoding="ascii")
    _assert_refused(root, "git")


def test_an_unknown_revision(tmp_path: Path) -> None:
    root = _repo(tmp_path)[1]
    for revision in ("nosuchbranch", "HEAD~99", "-p", "--output=/tmp/x", "HEAD\x00", "a..b"):
        result = run("diff", "--data", root, "--", revision)
        assert result.exit_code == 2, result.stderr
        assert "版本" in result.stderr


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")
def test_dubious_ownership_is_an_error_with_the_way_out(tmp_path: Path) -> None:
    repo, root = _repo(tmp_path)
    for path in [repo, *repo.rglob("*")]:
        os.lchown(path, 65534, 65534)
    gitmodule._user_settings.cache_clear()
    _assert_refused(root, "safe.directory")


def test_git_not_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _repo(tmp_path)[1]
    monkeypatch.setattr(shutil, "which", lambda *_a, **_k: None)
    gitmodule._git.cache_clear()
    try:
        _assert_refused(root, "安装 git")
    finally:
        gitmodule._git.cache_clear()


def test_a_repository_before_its_first_commit_is_not_an_error(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    root = make_ledger(repo / "ledger", "base")
    git(repo, "init", "-q")
    (root / "projects" / "A-1.yaml").write_text(A1.format(units=1), encoding="utf-8")
    result = run("diff", "--data", root)
    assert result.exit_code == 0, result.stderr


def test_a_shallow_clone_says_history_is_truncated(tmp_path: Path) -> None:
    source, _root = _repo(tmp_path)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{source}", str(clone)],
                   check=True, capture_output=True, env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull})  # fmt: skip
    root = clone / "ledger"
    log = run("log", "A-1", "--data", root)
    assert log.exit_code == 0, log.stderr
    assert "历史不完整" in log.stdout
    assert "truncated_history" in json.loads(run("log", "A-1", "--data", root, "-f", "json").stdout)
    crossing = run("diff", "--since", "2024-06-01", "--data", root)  # before the first fetched commit
    assert crossing.exit_code == 0, crossing.stderr
    assert "历史不完整" in crossing.stdout
    inside = run("diff", "HEAD~1", "HEAD", "--data", root)  # both sides fetched, nothing in between cut
    assert inside.exit_code == 0, inside.stderr
    assert "历史不完整" not in inside.stdout
    beyond = run("diff", "HEAD~2", "--data", root)
    assert beyond.exit_code == 2
    assert "浅克隆" in beyond.stderr


def test_a_full_clone_says_nothing(tmp_path: Path) -> None:
    root = _repo(tmp_path)[1]
    assert "历史不完整" not in run("log", "A-1", "--data", root).stdout


@pytest.mark.parametrize("name", ["HEAD", "config", "packed-refs", "index", "commondir"])
def test_a_pipe_planted_in_the_git_folder_is_refused_at_once(tmp_path: Path, name: str) -> None:
    # git opens these before it answers anything: a pipe makes it wait (its own 600 s timeout)
    import sys

    repo, root = _repo(tmp_path)
    path = repo / ".git" / name
    if path.exists():
        path.unlink()
    os.mkfifo(path)
    for command in (("diff", "HEAD~1", "HEAD"), ("log", "A-1"), ("status", "--as-of", "2024-06-02")):
        done = subprocess.run(
            [sys.executable, "-m", "baozufang_cli", *command, "--data", str(root)],
            capture_output=True,
            text=True,
            timeout=60,  # not a timing assertion: a hang would otherwise hold the suite for 600 s
            check=False,
        )
        assert "内部错误" not in done.stderr and "Traceback" not in done.stderr, done.stderr
        if command[0] != "status":  # status as of a day reads history only where a pack needs it
            assert done.returncode == 2, (command, done.stderr)
            assert "不是普通文件" in done.stderr and name in done.stderr, done.stderr


def test_a_device_or_a_pipe_behind_a_linked_worktree_is_refused(tmp_path: Path) -> None:
    repo, _root = _repo(tmp_path)
    git(repo, "worktree", "add", "-q", str(tmp_path / "linked"), "-b", "other")
    linked_root = tmp_path / "linked" / "ledger"
    git_dir = Path(git(tmp_path / "linked", "rev-parse", "--absolute-git-dir"))
    (git_dir / "HEAD").unlink()
    (git_dir / "HEAD").symlink_to("/dev/zero")  # a device: git would read it forever
    _assert_refused(linked_root, "不是普通文件", [("diff", "HEAD~1", "HEAD"), ("log", "A-1")])
    shutil.rmtree(tmp_path / "linked")


def test_the_git_folder_itself_as_a_pipe_is_refused(tmp_path: Path) -> None:
    repo, root = _repo(tmp_path)
    shutil.rmtree(repo / ".git")
    os.mkfifo(repo / ".git")
    _assert_refused(root, "不是普通文件", [("diff",), ("log", "A-1")])
