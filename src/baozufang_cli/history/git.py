"""Reading a ledger's history from git: plumbing commands through ``subprocess``, no dependency.

Everything that runs git lives here, and every git process is started by one function,
``git_process``, with a fixed configuration and environment (the trust model is in
docs/errors.md#git-与信任). A ledger repository is data, not code: it may have been cloned from
anywhere, so nothing it configures may run a program —

* ``-c`` settings that switch off every configurable command: fsmonitor, hooks, pager, external
  diff, ssh/askpass/credential helpers, any transport (so a partial clone cannot lazily fetch),
  signature checking, automatic gc/maintenance; ``core.attributesFile`` points nowhere;
* the environment: every inherited ``GIT_*`` variable dropped (they could inject configuration,
  an external diff, a pager or another repository), no system or global configuration (the
  user's own ``safe.directory`` entries are copied in, so git's ownership check still stands),
  no terminal prompt, no optional locks, no replace objects;
* only plumbing that applies no filter, textconv or diff driver: ``rev-parse``, ``ls-tree``,
  ``log --raw`` and ``cat-file --batch``. Working-tree files are hashed here in Python from the
  bytes bzf reads, so a clean filter never runs.

``tests/history/test_git_safety.py`` plants a command for every vector and proves it never runs.
Every git failure is a ``GitError`` (exit 2) with a Chinese message; an unborn ``HEAD`` is the only
"no history" there is. Results are plain data for ``versions.py``.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import stat
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from baozufang_cli.errors import UsageError

EMPTY_OID = "0" * 40
SEPARATOR = "\x01"  # starts each commit record of `git log` (subjects never contain it)
TIMEOUT_SECONDS = 600  # a repository that makes git hang is an error, not a hung bzf
SAFE_CONFIG = (
    "core.fsmonitor=false",
    f"core.hooksPath={os.devnull}",
    f"core.attributesFile={os.devnull}",
    "core.pager=cat",
    "core.askPass=",
    "core.sshCommand=",
    "credential.helper=",
    "diff.external=",
    "protocol.allow=never",
    "log.showSignature=false",
    "gc.auto=0",
    "maintenance.auto=false",
    "core.quotePath=false",
)
SAFE_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_ATTR_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_NO_LAZY_FETCH": "1",
    "GIT_NO_REPLACE_OBJECTS": "1",
    "GIT_PAGER": "cat",
    "PAGER": "cat",
    "LC_ALL": "C",  # git's own messages are matched below; keep them in English
}


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
        try:
            if (candidate / ".git").exists():  # a folder, or a file in a linked worktree or submodule
                return candidate
        except OSError:  # a parent we may not look into: no repository we could read either
            return None
    return None


@functools.cache
def _git() -> str:
    found = shutil.which("git")
    if found is None:
        raise GitError("找不到 git 命令：bzf diff、bzf log 需要 git", "请先安装 git")
    return found


USER_SETTINGS = ("safe.directory", "init.defaultbranch")  # copied from the user's own configuration


@functools.cache
def _user_settings() -> tuple[str, ...]:
    """The user's own ``safe.directory`` (git's ownership check) and ``init.defaultBranch`` entries
    from their system and global configuration, as ``key=value`` for ``-c``."""
    try:
        done = subprocess.run(
            [_git(), "config", "--show-scope", "--get-regexp", r"^(safe\.directory|init\.defaultbranch)$"],
            cwd=os.path.abspath(os.sep),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return ()
    entries = []
    for line in done.stdout.decode("utf-8", "surrogateescape").splitlines():
        scope, _, setting = line.partition("\t")
        key, _, value = setting.partition(" ")
        if scope in ("system", "global") and key.lower() in USER_SETTINGS:
            entries.append(f"{key}={value}")
    return tuple(entries)


def safe_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(SAFE_ENV)
    return env


def git_process(cwd: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """The one place bzf starts git: fixed safe configuration and environment, nothing interactive."""
    config = [item for entry in SAFE_CONFIG for item in ("-c", entry)]
    config += [item for entry in _user_settings() for item in ("-c", entry)]
    try:
        return subprocess.run(
            [_git(), "--no-pager", "--no-replace-objects", *config, *args],
            cwd=cwd,
            input=stdin,
            stdin=None if stdin is not None else subprocess.DEVNULL,
            capture_output=True,
            env=safe_env(),
            check=False,
            timeout=TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired:
        raise GitError(
            f"git {args[0]} 在 {TIMEOUT_SECONDS} 秒内没有完成", "检查仓库是否完整（git fsck）"
        ) from None
    except OSError as error:
        raise GitError(f"无法运行 git：{error.strerror or error}", "请检查 git 的安装") from None


def run_git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """``git args`` in ``cwd``: its output, or a ``GitError`` saying in Chinese what went wrong."""
    completed = git_process(cwd, *args, stdin=stdin)
    if completed.returncode != 0:
        raise explain(cwd, args[0], completed.stderr.decode("utf-8", "replace"))
    return completed.stdout


_CORRUPT = ("corrupt", "bad object", "unable to read", "missing blob", "missing tree", "loose object",
            "packfile", "bad tree", "invalid object", "broken", "malformed", "not a valid object",
            "is not a commit", "inflate")  # fmt: skip


def explain(cwd: Path, command: str, stderr: str) -> GitError:
    """git's English complaint → one Chinese ``GitError``."""
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    text = " ".join(lines).lower()
    if "dubious ownership" in text:
        return GitError(
            f"git 拒绝读取仓库 {cwd}：仓库属于另一个用户（safe.directory 检查）",
            f"如果信任这个仓库，运行 git config --global --add safe.directory {cwd}",
        )
    if "not a git repository" in text:
        return GitError(f"{cwd} 不是可读的 git 仓库", "检查 .git 是否完整，或在台账目录运行 git init")
    if "repository format" in text or "unknown repository extension" in text:
        return GitError(f"这个版本的 git 读不了仓库 {cwd}", "请升级 git")
    if any(word in text for word in _CORRUPT):
        return GitError(
            f"git 仓库已损坏或缺少对象（git {command}）：{_last(lines)}",
            "运行 git fsck 查看；浅克隆或部分克隆请先 git fetch --unshallow",
        )
    return GitError(f"git {command} 失败：{_last(lines)}")


def _last(lines: list[str]) -> str:
    return (lines[-1] if lines else "没有说明")[:200]


# what git opens before it can answer anything: a named pipe or a device planted as one of them
# would make git wait (until TIMEOUT_SECONDS) or read forever, so each is looked at first
_METADATA = ("HEAD", "config", "commondir", "packed-refs", "shallow", "index", "objects/info/alternates",
             "info/grafts", "info/attributes", "FETCH_HEAD", "ORIG_HEAD")  # fmt: skip


def refuse_special_metadata(root: Path) -> None:
    """A ``GitError`` when ``root``'s ``.git`` (or a file git reads at start-up in it) is not a
    regular file or folder: a pipe there makes git hang, a device makes it read forever."""
    dot_git = root / ".git"
    git_dir = _checked(dot_git, folder_ok=True)
    if git_dir is None:
        return
    folders = [git_dir]
    if not git_dir.is_dir():  # a linked worktree or submodule: "gitdir: <path>"
        line = _read_small(git_dir)
        target = line.removeprefix("gitdir:").strip() if line.startswith("gitdir:") else ""
        if not target:
            return  # not a git file: git says so itself
        linked = _checked(root / target, folder_ok=True)
        if linked is None or not linked.is_dir():
            return
        folders = [linked]
    common = _checked(folders[0] / "commondir")
    if common is not None:
        shared = _checked(folders[0] / _read_small(common).strip(), folder_ok=True)
        if shared is not None and shared.is_dir():
            folders.append(shared)
    for folder in folders:
        for name in _METADATA:
            _checked(folder / name)


def _checked(path: Path, folder_ok: bool = False) -> Path | None:
    try:
        mode = os.stat(path).st_mode  # follows links; stat opens nothing, so a pipe cannot block it
    except OSError:
        return None  # absent (or unreadable: git reports that itself)
    if stat.S_ISREG(mode) or (folder_ok and stat.S_ISDIR(mode)):
        return path
    raise GitError(
        f"git 仓库文件 {path} 不是普通文件（管道、设备或套接字），bzf 不读这个仓库的历史",
        "删除或换回这个文件（git fsck 可检查仓库）",
    )


def _read_small(path: Path) -> str:
    from baozufang_cli.files import read_regular

    try:
        return read_regular(path, 65536).decode("utf-8", "replace")
    except OSError:
        return ""


class Repository:
    def __init__(self, root: Path) -> None:
        self.root = root
        refuse_special_metadata(root)
        try:
            shallow, object_format, git_dir = (
                self.run("rev-parse", "--is-shallow-repository", "--show-object-format", "--absolute-git-dir")
                .decode("utf-8", "surrogateescape")
                .splitlines()[:3]
            )
        except ValueError:
            raise GitError(f"{root} 不是可读的 git 仓库") from None
        self.object_format = object_format if object_format in hashlib.algorithms_available else "sha1"
        self.shallow: frozenset[str] = frozenset()
        if shallow == "true":  # the commits whose parents were not fetched
            boundary = _read_small(Path(git_dir, "shallow"))
            self.shallow = frozenset(boundary.split()) or frozenset({"?"})

    @property
    def is_shallow(self) -> bool:
        return bool(self.shallow)

    def run(self, *args: str, stdin: bytes | None = None) -> bytes:
        return run_git(self.root, *args, stdin=stdin)

    def resolve(self, revision: str) -> str:
        """A revision (HEAD, a branch, a tag, an abbreviated hash, HEAD~3 …) → its full commit id."""
        if revision.startswith("-") or not revision or "\0" in revision:
            raise GitError(f"未知的版本 {revision}")
        completed = git_process(self.root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
        if completed.returncode == 0:
            return completed.stdout.decode().strip()
        if completed.stderr.strip():  # quiet mode says nothing about an unknown name: this is worse
            raise explain(self.root, "rev-parse", completed.stderr.decode("utf-8", "replace"))
        self.has_commits()  # a HEAD naming a missing commit is the real problem: say that instead
        hint = "可写提交号、分支、标签或 HEAD~1 这样的写法"
        if self.is_shallow:
            hint = "这是浅克隆（shallow clone），更早的历史没有取回：运行 git fetch --unshallow；" + hint
        raise GitError(f"仓库中没有版本 {revision}", hint)

    def has_commits(self) -> bool:
        """Whether HEAD has a commit; a HEAD naming a commit that is not there is a ``GitError``."""
        completed = git_process(self.root, "rev-parse", "--verify", "--quiet", "HEAD")
        if completed.returncode != 0:
            if completed.stderr.strip():
                raise explain(self.root, "rev-parse", completed.stderr.decode("utf-8", "replace"))
            return False  # an unborn branch: a repository before its first commit
        oid = completed.stdout.decode().strip()
        if git_process(self.root, "cat-file", "-e", f"{oid}^{{commit}}").returncode != 0:
            raise GitError(
                f"git 仓库已损坏：HEAD 指向的提交 {oid[:12]} 不存在",
                "运行 git fsck 查看；浅克隆或部分克隆请先 git fetch",
            )
        return True

    def hash_blob(self, content: bytes) -> str:
        """The blob id git gives ``content`` (no filter applied: nothing the repository configures runs)."""
        digest = hashlib.new(self.object_format)
        digest.update(b"blob %d\0" % len(content))
        digest.update(content)
        return digest.hexdigest()

    def commit_before(self, day: date) -> str | None:
        """The last commit (on HEAD's history) made before ``day`` begins, local time; ``None`` if none."""
        out = self.run("rev-list", "-1", f"--before={day.isoformat()} 00:00:00", "HEAD").decode().strip()
        return out or None

    def commit(self, oid: str) -> Commit:
        commits = self.log([oid], paths=[], with_files=False, limit=1)
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
                raise GitError(
                    f"git 仓库缺少对象 {oid[:12]}：仓库已损坏，或是浅克隆、部分克隆",
                    "运行 git fsck 查看，或先 git fetch --unshallow",
                )
            size = int(header[2])
            blobs[oid] = out[position : position + size]
            position += size + 1  # the content is followed by a newline
        return blobs

    def log(
        self, revisions: list[str], paths: list[str], with_files: bool = True, limit: int | None = None
    ) -> list[tuple[Commit, list[FileChange]]]:
        """Commits of ``revisions`` (oldest first) touching ``paths``, each with its changed files.

        Merge commits list no files (``git log --raw`` shows none for them): changes are
        attributed to the commits that made them on their branches.
        """
        args = [
            "log",
            "--no-show-signature",
            "--no-textconv",
            "--no-ext-diff",
            "--no-mailmap",
            "--reverse",
            "--topo-order",
            f"--format={SEPARATOR}%H%x00%an%x00%ae%x00%aI%x00%s",
        ]
        if with_files:
            args += ["--raw", "--no-renames", "--no-abbrev", "-z"]
        if limit is not None:
            args.append(f"--max-count={limit}")
        args += ["--end-of-options", *revisions, "--", *paths]
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
