"""No git call in bzf can run a program configured by the ledger's repository or the environment.

Every vector plants a command that appends to a marker file. First the plant is proven live: the
plain ``git`` command that triggers it does run it. Then every bzf command that calls git (``diff``
in all its forms, ``log``, ``init`` inside the repository) runs against the planted repository and
the marker must stay empty. A last test reads every ``subprocess`` call in the package: only
``history/git.py`` may start a process.
"""

from __future__ import annotations

import ast
import os
import shlex
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from baozufang_cli.history import git as gitmodule
from tests.conftest import REPO, make_ledger, run
from tests.history.test_diff import commit, git

pytestmark = pytest.mark.skipif(os.name != "posix", reason="shell scripts as planted commands")

A1 = "id: A-1\nname: 甲公寓\ndistrict: 观山湖\nsupply_type: new_build\nunits: {units}\nplan_year: 2024\n"

BZF_GIT_COMMANDS: list[tuple[str, ...]] = [
    ("diff",),
    ("diff", "HEAD~1", "HEAD"),
    ("diff", "HEAD~1"),
    ("diff", "--since", "2024-06-02"),
    ("log", "A-1"),
    ("diff", "--format", "json"),
]


def _repo(tmp_path: Path) -> tuple[Path, Path, Path, str]:
    """A repository with two commits and an uncommitted change; the planted script and its marker."""
    repo = tmp_path / "repo"
    root = make_ledger(repo / "ledger", "base")
    git(repo, "init", "-q", "-b", "main")
    project = root / "projects" / "A-1.yaml"
    project.write_text(A1.format(units=100), encoding="utf-8")
    commit(repo, "一", "张三", "2024-06-01T10:00:00+08:00")
    project.write_text(A1.format(units=120), encoding="utf-8")
    commit(repo, "二", "李四", "2024-06-03T10:00:00+08:00")
    project.write_text(A1.format(units=130), encoding="utf-8")  # uncommitted: the worktree is read
    marker = tmp_path / "marker"
    script = tmp_path / "evil.sh"
    script.write_text(f'#!/bin/sh\necho "ran $0 $*" >> {shlex.quote(str(marker))}\ncat\n', encoding="utf-8")
    script.chmod(0o755)
    return repo, root, marker, str(script)


def _config(repo: Path, *pairs: tuple[str, str]) -> None:
    for key, value in pairs:
        git(repo, "config", key, value)


def _attributes(repo: Path, line: str) -> None:
    (repo / ".gitattributes").write_text(line + "\n", encoding="utf-8")  # untracked: git reads it anyway
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "attributes").write_text(line + "\n", encoding="utf-8")


def _hooks(repo: Path, script: str) -> None:
    hooks = repo / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)
    for name in ("pre-commit", "post-checkout", "post-index-change", "reference-transaction",
                 "fsmonitor-watchman", "pre-auto-gc", "post-rewrite", "post-merge"):  # fmt: skip
        (hooks / name).write_text(f"#!/bin/sh\nexec {script} hook-{name}\n", encoding="utf-8")
        (hooks / name).chmod(0o755)
    _config(repo, ("core.fsmonitor", str(hooks / "fsmonitor-watchman")))


def _signed_commit(repo: Path, script: str) -> None:
    """A commit carrying a gpgsig header, and log.showSignature: git log would run gpg.program."""
    head = git(repo, "rev-parse", "HEAD")
    raw = git(repo, "cat-file", "commit", head)
    header, _, message = raw.partition("\n\n")
    signature = "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEz\n -----END PGP SIGNATURE-----"
    forged = f"{header}\n{signature}\n\n{message}\n"
    done = subprocess.run(["git", "-C", str(repo), "hash-object", "-t", "commit", "-w", "--stdin"],
                          input=forged, capture_output=True, text=True, check=True)  # fmt: skip
    git(repo, "update-ref", "refs/heads/main", done.stdout.strip())
    _config(repo, ("log.showSignature", "true"), ("gpg.program", script))


def _partial_clone(repo: Path, script: str) -> None:
    """A promisor remote whose transport is a command, and a missing blob: git would fetch it lazily."""
    _config(repo, ("core.repositoryformatversion", "1"), ("extensions.partialClone", "origin"),
            ("remote.origin.url", f"ext::{script} %S"), ("remote.origin.promisor", "true"),
            ("protocol.ext.allow", "always"), ("core.sshCommand", script))  # fmt: skip
    blob = git(repo, "rev-parse", "HEAD~1:ledger/projects/A-1.yaml")
    (repo / ".git" / "objects" / blob[:2] / blob[2:]).unlink()


# vector → (plant it, the plain git command that proves the plant runs, or None when only a
# network/terminal would trigger it and the plant is shown by configuration alone)
Plant = Callable[[Path, str], None]
VECTORS: dict[str, tuple[Plant, list[str] | None]] = {
    "clean filter": (
        lambda r, s: (
            _attributes(r, "*.yaml filter=evil"),
            _config(r, ("filter.evil.clean", s), ("filter.evil.smudge", s)),
        ),
        ["hash-object", "ledger/projects/A-1.yaml"],
    ),
    "long-running filter process": (
        lambda r, s: (_attributes(r, "*.yaml filter=evil"), _config(r, ("filter.evil.process", s))),
        ["hash-object", "ledger/projects/A-1.yaml"],
    ),
    "textconv": (
        lambda r, s: (_attributes(r, "*.yaml diff=evil"), _config(r, ("diff.evil.textconv", s))),
        ["log", "-p", "-1"],
    ),
    "diff driver command": (
        lambda r, s: (_attributes(r, "*.yaml diff=evil"), _config(r, ("diff.evil.command", s))),
        ["diff", "HEAD~1", "HEAD"],
    ),
    "diff.external": (lambda r, s: _config(r, ("diff.external", s)), ["diff", "HEAD~1", "HEAD"]),
    "core.fsmonitor": (lambda r, s: _config(r, ("core.fsmonitor", s)), ["status"]),
    "hooks and fsmonitor hook": (_hooks, ["status"]),
    "core.hooksPath": (
        lambda r, s: (_hooks(r, s), _config(r, ("core.hooksPath", str(r / ".git" / "hooks")))),
        ["status"],
    ),
    "pager": (
        lambda r, s: _config(r, ("core.pager", s), ("pager.log", s), ("pager.diff", s)),
        ["-p", "log", "-1"],
    ),
    "signature check (gpg.program)": (_signed_commit, ["log", "-1"]),
    "lazy fetch of a partial clone (ext:: transport, sshCommand)": (_partial_clone, None),
    "included config file": (
        lambda r, s: (
            Path(r, ".git", "evil.cfg").write_text(f"[diff]\n\texternal = {s}\n", encoding="utf-8"),
            _config(r, ("include.path", "evil.cfg")),
        ),
        ["diff", "HEAD~1", "HEAD"],
    ),
}


@pytest.mark.parametrize("vector", list(VECTORS))
def test_a_planted_command_never_runs(tmp_path: Path, vector: str) -> None:
    repo, root, marker, script = _repo(tmp_path)
    plant, trigger = VECTORS[vector]
    plant(repo, script)
    if trigger is not None:  # the plant is live: plain git runs it (on a terminal, for the pager)
        terminal, other_end = os.openpty()
        try:
            subprocess.run(["git", "-C", str(repo), *trigger], stdin=subprocess.DEVNULL, stdout=other_end,
                           stderr=subprocess.DEVNULL, check=False, timeout=60,
                           env={k: v for k, v in os.environ.items() if "PAGER" not in k})  # fmt: skip
        finally:
            os.close(other_end)
            os.close(terminal)
        assert marker.exists(), f"the plant for {vector} did not run under plain git"
        marker.unlink()
    for command in BZF_GIT_COMMANDS:
        result = run(*command, "--data", root)
        assert result.exit_code in (0, 1, 2), (command, result.stderr)
        assert "内部错误" not in result.stderr
        assert not marker.exists(), f"{vector}: bzf {' '.join(command)} ran {marker.read_text()}"
    if vector.startswith("lazy fetch"):  # the missing blob is a clear error, not an empty version
        result = run("diff", "HEAD~1", "HEAD", "--data", root)
        assert result.exit_code == 2
        assert "缺少对象" in result.stderr
    init = run("init", root / "sub")
    assert init.exit_code == 0, init.stderr
    assert not marker.exists()


ENVIRONMENT = {
    "GIT_EXTERNAL_DIFF": "{script}",
    "GIT_PAGER": "{script}",
    "PAGER": "{script}",
    "GIT_SSH_COMMAND": "{script}",
    "GIT_ASKPASS": "{script}",
    "GIT_CONFIG_PARAMETERS": "'core.fsmonitor'='{script}' 'diff.external'='{script}'",
    "GIT_CONFIG_COUNT": "1",
    "GIT_CONFIG_KEY_0": "core.pager",
    "GIT_CONFIG_VALUE_0": "{script}",
    "GIT_DIR": "{tmp}/elsewhere",
}


def test_inherited_git_environment_is_dropped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _repo_path, root, marker, script = _repo(tmp_path)
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value.format(script=script, tmp=tmp_path))
    for command in BZF_GIT_COMMANDS:
        result = run(*command, "--data", root)
        assert result.exit_code == 0, (command, result.stderr)
    assert not marker.exists()


def test_the_users_global_and_system_configuration_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only safe.directory and init.defaultBranch are taken from the user's configuration."""
    _repo_path, root, marker, script = _repo(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(
        f"[core]\n\tpager = {script}\n\tfsmonitor = {script}\n[diff]\n\texternal = {script}\n"
        "[init]\n\tdefaultBranch = trunk\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    gitmodule._user_settings.cache_clear()
    try:
        for command in BZF_GIT_COMMANDS:
            assert run(*command, "--data", root).exit_code == 0
        assert not marker.exists()
        assert run("init", tmp_path / "fresh").exit_code == 0
        head = (tmp_path / "fresh" / ".git" / "HEAD").read_text(encoding="utf-8")
        assert head.strip() == "ref: refs/heads/trunk"  # the user's branch name is kept
    finally:
        gitmodule._user_settings.cache_clear()


# modules that start a program other than git, and which one
OTHER_PROGRAMS = {"cli/briefing_export.py": "a headless browser prints a briefing to PDF"}


def test_only_history_git_starts_git() -> None:
    """Every process start outside history/git.py is listed above and none of them is git."""
    package = REPO / "src" / "baozufang_cli"
    starting = ("subprocess", "os.system", "os.popen", "os.spawn", "os.exec", "pty")
    offenders = []
    for path in package.rglob("*.py"):
        rel = path.relative_to(package).as_posix()
        if rel == "history/git.py":
            continue
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                names = [f"{node.value.id}.{node.attr}"]
            if any(n.startswith(starting) for n in names) and (
                rel not in OTHER_PROGRAMS or '"git"' in source
            ):
                offenders.append(f"{rel}: {names}")
    assert offenders == []
