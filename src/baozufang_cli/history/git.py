"""Reading a ledger's history from git: plumbing commands through ``subprocess``, no dependency.

Everything that runs git lives here; it returns plain data (paths, object ids, bytes, commit
metadata) for ``history.py`` to parse. Blobs are read with one ``git cat-file --batch`` process
for any number of files. Messages in ``GitError`` are Chinese and go to the user as they are.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from baozufang_cli.errors import UsageError

# set by git hooks and wrappers; inherited, they would point our commands at another repository
_GIT_ENV = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_NAMESPACE",
            "GIT_COMMON_DIR", "GIT_PREFIX")  # fmt: skip
EMPTY_OID = "0" * 40
SEPARATOR = "\x01"  # starts each commit record of `git log` (subjects never contain it)


class GitError(UsageError):
    """git is missing, a revision is unknown, or a git command failed; ``message`` is Chinese."""


@dataclass(frozen=True)
class Commit:
    oid: str
    author: str
    email: str
    date: datetime  # the author date, with the author's UTC offset
    subject: str

    @property
    def short(self) -> str:
        return self.oid[:7]


@dataclass(frozen=True)
class FileChange:
    """One file changed by a commit (against its first parent): ``None`` for a side without it."""

    path: str  # relative to the repository root
    old: str | None
    new: str | None


@dataclass(frozen=True)
class FolderState:
    """What a printed page says about the files it came from: the commit and whether they changed."""

    commit: str | None  # short hash of HEAD; None in a repository without commits
    dirty: bool  # files under the folder differ from HEAD (changed, staged or untracked)


def folder_state(folder: Path) -> FolderState | None:
    """The git state of ``folder`` (a ledger), or ``None`` when it is not in a repository or git is missing."""
    root = find_repository(folder)
    if root is None:
        return None
    repository = Repository(root)
    try:
        commit = repository.resolve("HEAD")[:7] if repository.has_commits() else None
        changes = repository.run(
            "status", "--porcelain", "--untracked-files=normal", "--", str(folder.resolve())
        )
    except GitError:
        return None
    return FolderState(commit, bool(changes.strip()))


def find_repository(start: Path) -> Path | None:
    """The working tree root of the git repository containing ``start`` (walking up), or ``None``."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():  # a folder, or a file in a linked worktree or submodule
            return candidate
    return None


class Repository:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.env = {k: v for k, v in os.environ.items() if k not in _GIT_ENV}
        self.env["LC_ALL"] = "C"  # git's own messages are parsed only for their gist; keep them stable

    def run(self, *args: str, stdin: bytes | None = None) -> bytes:
        try:
            completed = subprocess.run(
                ["git", "-C", str(self.root), "-c", "core.quotePath=false", *args],
                input=stdin,
                capture_output=True,
                env=self.env,
                check=False,
            )
        except FileNotFoundError:
            raise GitError("找不到 git 命令：请先安装 git") from None
        if completed.returncode != 0:
            detail = completed.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"git {args[0]} 失败：{detail[-1] if detail else completed.returncode}")
        return completed.stdout

    def resolve(self, revision: str) -> str:
        """A revision (HEAD, a branch, a tag, an abbreviated hash, HEAD~3 …) → its full commit id."""
        if revision.startswith("-"):
            raise GitError(f"未知的版本 {revision}")
        try:
            return self.run("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").decode().strip()
        except GitError:
            raise GitError(
                f"仓库中没有版本 {revision}（可写提交号、分支、标签或 HEAD~1 这样的写法）"
            ) from None

    def has_commits(self) -> bool:
        try:
            self.run("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
        except GitError:
            return False
        return True

    def commit_before(self, day: date) -> str | None:
        """The last commit (on HEAD's history) made before ``day`` begins, local time; ``None`` if none."""
        out = self.run("rev-list", "-1", f"--before={day.isoformat()} 00:00:00", "HEAD").decode().strip()
        return out or None

    def commit(self, oid: str) -> Commit:
        commits = self.log([oid, "-1"], paths=[], with_files=False)
        return commits[0][0]

    def list_files(self, oid: str, prefix: str) -> dict[str, str]:
        """Files under ``prefix`` at commit ``oid``: repository path → blob id."""
        args = ["ls-tree", "-r", "-z", "--full-tree", oid]
        if prefix:
            args += ["--", prefix]
        files = {}
        for record in self.run(*args).split(b"\0"):
            if not record:
                continue
            meta, _, path = record.partition(b"\t")
            _mode, kind, blob = meta.decode().split()
            if kind == "blob":
                files[path.decode("utf-8", "surrogateescape")] = blob
        return files

    def hash_files(self, paths: list[str]) -> dict[str, str]:
        """Blob ids the working-tree files would have if added (git's filters applied), in one process."""
        usable = [p for p in paths if "\n" not in p]
        if not usable:
            return {}
        out = self.run(
            "hash-object", "--stdin-paths", stdin="\n".join(usable).encode("utf-8", "surrogateescape")
        )
        return dict(zip(usable, out.decode().split(), strict=True))

    def read_blobs(self, oids: Iterable[str]) -> dict[str, bytes]:
        """The contents of many blobs with a single ``git cat-file --batch``."""
        wanted = list(dict.fromkeys(o for o in oids if o and o != EMPTY_OID))
        if not wanted:
            return {}
        out = self.run("cat-file", "--batch", stdin=("\n".join(wanted) + "\n").encode())
        blobs: dict[str, bytes] = {}
        position = 0
        for oid in wanted:
            end = out.index(b"\n", position)
            header = out[position:end].decode().split()
            position = end + 1
            if len(header) < 3 or header[1] == "missing":
                continue
            size = int(header[2])
            blobs[oid] = out[position : position + size]
            position += size + 1  # the content is followed by a newline
        return blobs

    def log(
        self, revisions: list[str], paths: list[str], with_files: bool = True
    ) -> list[tuple[Commit, list[FileChange]]]:
        """Commits of ``revisions`` (oldest first) touching ``paths``, each with its changed files.

        Merge commits list no files (``git log --raw`` shows none for them): changes are
        attributed to the commits that made them on their branches.
        """
        args = ["log", "--reverse", "--topo-order", f"--format={SEPARATOR}%H%x00%an%x00%ae%x00%aI%x00%s"]
        if with_files:
            args += ["--raw", "--no-renames", "--no-abbrev", "-z"]
        args += [*revisions, "--", *paths]
        text = self.run(*args).decode("utf-8", "surrogateescape")
        commits = []
        for record in text.split(SEPARATOR)[1:]:
            fields = record.split("\0")
            oid, author, email, when, subject = fields[:5]
            changes = []
            rest = [f for f in fields[5:] if f.strip()]
            for meta, path in zip(rest[::2], rest[1::2], strict=False):
                _old_mode, _new_mode, old, new, _status = meta.strip().lstrip(":").split()
                changes.append(
                    FileChange(path, None if old == EMPTY_OID else old, None if new == EMPTY_OID else new)
                )
            commits.append(
                (Commit(oid, author, email, datetime.fromisoformat(when), subject.strip()), changes)
            )
        return commits
