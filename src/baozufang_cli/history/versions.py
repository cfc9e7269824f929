"""Load the inputs of ``bzf diff`` and ``bzf log`` from git (and the working tree) for ``history.py``.

A version of the ledger is a commit or the working tree. Only the files that differ between the
two versions are read, plus ``targets.yaml`` and ``criteria.yaml`` (they give names their canonical
form); every blob — both versions and every commit in between — comes from one ``git cat-file``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from baozufang_cli.history.diff import (
    LedgerDiff,
    ProjectDiff,
    Step,
    compare,
    is_config_file,
    is_project_file,
    project_log,
)
from baozufang_cli.history.git import Commit, GitError, Repository, find_repository
from baozufang_cli.ledger.discover import discover, is_utf8_name
from baozufang_cli.ledger.read import CRITERIA_FILE, TARGETS_FILE, read_bytes

SUBJECT_WIDTH = 40  # a commit subject in a header line is cut here


@dataclass(frozen=True)
class Version:
    """One side of a comparison: a commit, the working tree, or nothing (before the first commit)."""

    rev: str | None  # as the user wrote it
    commit: Commit | None
    worktree: bool = False

    @property
    def label(self) -> str:
        if self.worktree:
            return "工作区（含未提交的改动）"
        if self.commit is None:
            return "（空：此前没有提交）"
        when = self.commit.date.strftime("%Y-%m-%d %H:%M")
        named = f"{self.rev} = " if self.rev and not self.commit.oid.startswith(self.rev) else ""
        subject = self.commit.subject
        subject = subject if len(subject) <= SUBJECT_WIDTH else subject[: SUBJECT_WIDTH - 1] + "…"
        return f"{named}{self.commit.short}（{when} {self.commit.author}：{subject}）"


class LedgerRepository:
    """The git repository holding a ledger folder, and the folder's place in it."""

    def __init__(self, ledger_root: Path) -> None:
        self.ledger_root = ledger_root.resolve()
        root = find_repository(self.ledger_root)
        if root is None:
            raise GitError(
                f"台账 {ledger_root} 不在 git 仓库中：bzf diff、bzf log 读取台账的 git 提交历史，"
                "请先在台账所在目录运行 git init 并提交"
            )
        self.repo = Repository(root)
        relative = self.ledger_root.relative_to(root).as_posix()
        self.prefix = "" if relative == "." else relative + "/"
        self._worktree: dict[str, bytes | None] = {}  # read once: the hash and the compare see the same bytes

    @property
    def pathspec(self) -> str:
        return self.prefix.rstrip("/") or "."

    def ledger_path(self, repo_path: str) -> str | None:
        """Repository path → ledger-relative path of a ledger file (configs, projects), else None."""
        if not repo_path.startswith(self.prefix):
            return None
        rel = repo_path[len(self.prefix) :]
        if not is_utf8_name(rel):  # skipped on disk as well (bad-file-name): invisible in both versions
            return None
        return rel if is_config_file(rel) or is_project_file(rel) else None

    def files_at(self, commit: Commit | None) -> dict[str, str]:
        """Ledger files at a commit: ledger-relative path → blob id (none before the first commit)."""
        if commit is None:
            return {}
        listed = self.repo.list_files(commit.oid, self.pathspec if self.prefix else "")
        return {rel: oid for path, oid in listed.items() if (rel := self.ledger_path(path)) is not None}

    def worktree_files(self) -> dict[str, str]:
        """Ledger files on disk, with the blob ids git would give them (hashed here: no git filter runs)."""
        found = [rel for _path, rel in discover(self.ledger_root)[0] if is_project_file(rel)]
        found += [rel for rel in (TARGETS_FILE, CRITERIA_FILE) if (self.ledger_root / rel).is_file()]
        hashed = {}
        for rel in found:
            raw = self.read_worktree(rel)
            if raw is not None:
                hashed[rel] = self.repo.hash_blob(raw)
        return hashed

    def read_worktree(self, rel: str) -> bytes | None:
        """A file's bytes through the ledger's guarded reader (no FIFO, device or oversized file)."""
        if rel not in self._worktree:
            raw, _problems = read_bytes(self.ledger_root / rel, rel)
            self._worktree[rel] = raw
        return self._worktree[rel]

    def version(self, rev: str | None) -> Version:
        if rev is None:
            return Version(None, None, worktree=True)
        return Version(rev, self.repo.commit(self.repo.resolve(rev)))

    def truncated(self, old: Version | None = None, commits: list[Commit] | None = None) -> str | None:
        """In a shallow clone, the note that history is cut where it matters, else ``None``.

        ``bzf log`` (``old`` None) always walks back to the cut. ``bzf diff`` crosses it when the
        older side is "before the first commit" or a commit in between is a boundary commit
        (git shows a boundary commit as adding every file it has).
        """
        if not self.repo.is_shallow:
            return None
        if (
            old is not None
            and old.commit is not None
            and not any(c.oid in self.repo.shallow for c in commits or [])
        ):
            return None
        return (
            "历史不完整：这是浅克隆（shallow clone），最早取回的提交之前的历史不在仓库中，"
            "更早的改动会显示为在那次提交中新增；运行 git fetch --unshallow 取回全部历史"
        )

    def head(self) -> Commit | None:
        return self.repo.commit(self.repo.resolve("HEAD")) if self.repo.has_commits() else None


def choose_versions(
    ledger: LedgerRepository, rev_a: str | None, rev_b: str | None, since: date | None
) -> tuple[Version, Version]:
    """Default: HEAD against the working tree; ``--since D``: the last commit before D against it."""
    if since is not None:
        before = ledger.repo.commit_before(since) if ledger.repo.has_commits() else None
        return Version(None, ledger.repo.commit(before) if before else None), Version(None, None, True)
    if rev_a is None:
        if not ledger.repo.has_commits():
            return Version(None, None), Version(None, None, worktree=True)
        return ledger.version("HEAD"), Version(None, None, worktree=True)
    return ledger.version(rev_a), ledger.version(rev_b)


def _steps(
    ledger: LedgerRepository, revisions: list[str], pathspecs: list[str]
) -> tuple[list[tuple[Commit, list[tuple[str, str | None, str | None]]]], set[str]]:
    """Commits of ``revisions`` touching the ledger: ledger-relative (path, old blob, new blob) each."""
    commits = []
    blobs: set[str] = set()
    for commit, changes in ledger.repo.log(revisions, pathspecs):
        files = []
        for change in changes:
            rel = ledger.ledger_path(change.path)
            if rel is None:
                continue
            files.append((rel, change.old, change.new))
            blobs.update(oid for oid in (change.old, change.new) if oid)
        commits.append((commit, files))
    return commits, blobs


def load_diff(ledger: LedgerRepository, old: Version, new: Version) -> tuple[LedgerDiff, list[Commit]]:
    """The difference between two versions, each change attributed to the latest commit that made it."""
    head = ledger.head() if new.worktree else None
    new_commit = head if new.worktree else new.commit
    old_files = ledger.files_at(old.commit)
    head_files = ledger.files_at(head) if head is not None and head != old.commit else old_files
    new_files = ledger.worktree_files() if new.worktree else ledger.files_at(new.commit)
    changed = {rel for rel in set(old_files) | set(new_files) if old_files.get(rel) != new_files.get(rel)}
    wanted_old = {rel for rel in old_files if rel in changed or is_config_file(rel)}
    wanted_new = {rel for rel in new_files if rel in changed or is_config_file(rel)}

    commits: list[tuple[Commit, list[tuple[str, str | None, str | None]]]] = []
    blobs: set[str] = {old_files[rel] for rel in wanted_old}
    if new_commit is not None and new_commit != old.commit:
        revisions = [new_commit.oid] if old.commit is None else [f"{old.commit.oid}..{new_commit.oid}"]
        commits, step_blobs = _steps(ledger, revisions, [ledger.pathspec])
        blobs |= step_blobs
    uncommitted: set[str] = set()
    if new.worktree:  # the last step: what the working tree changed since HEAD
        uncommitted = {r for r in set(head_files) | set(new_files) if head_files.get(r) != new_files.get(r)}
        blobs |= {head_files[rel] for rel in uncommitted if rel in head_files}
    else:
        blobs |= {new_files[rel] for rel in wanted_new}
    contents = ledger.repo.read_blobs(blobs)

    def blob(oid: str | None) -> bytes | None:
        return contents.get(oid) if oid else None

    steps = [Step(commit, [(rel, blob(o), blob(n)) for rel, o, n in files]) for commit, files in commits]
    if uncommitted:
        steps.append(Step(None, [(rel, blob(head_files.get(rel)), ledger.read_worktree(rel)
                                  if rel in new_files else None) for rel in sorted(uncommitted)]))  # fmt: skip
    before = {rel: raw for rel in wanted_old if (raw := blob(old_files[rel])) is not None}
    if new.worktree:
        after = {rel: raw for rel in wanted_new if (raw := ledger.read_worktree(rel)) is not None}
    else:
        after = {rel: raw for rel in wanted_new if (raw := blob(new_files[rel])) is not None}
    return compare(before, after, steps), [commit for commit, _ in commits]


def load_log(ledger: LedgerRepository, project_id: str) -> list[tuple[Step, ProjectDiff]]:
    """Every commit (and the working tree) that changed the file(s) named ``<project_id>.yaml``."""
    base = ledger.prefix
    pathspecs = [f":(glob){base}projects/**/{project_id}{suffix}" for suffix in (".yaml", ".yml")]
    pathspecs += [f"{base}{TARGETS_FILE}", f"{base}{CRITERIA_FILE}"]
    names = {f"{project_id}.yaml", f"{project_id}.yml"}
    head = ledger.head()
    commits, blobs = ([], set()) if head is None else _steps(ledger, [head.oid], pathspecs)
    commits = [
        (c, [f for f in files if is_config_file(f[0]) or Path(f[0]).name in names]) for c, files in commits
    ]
    head_files = {
        r: o for r, o in ledger.files_at(head).items() if Path(r).name in names or is_config_file(r)
    }
    work_files = {
        r: o for r, o in ledger.worktree_files().items() if Path(r).name in names or is_config_file(r)
    }
    uncommitted = sorted(
        r for r in set(head_files) | set(work_files) if head_files.get(r) != work_files.get(r)
    )
    contents = ledger.repo.read_blobs(blobs | {head_files[r] for r in uncommitted if r in head_files})
    steps = [
        Step(c, [(rel, contents.get(o or ""), contents.get(n or "")) for rel, o, n in files])
        for c, files in commits
    ]
    if uncommitted:
        steps.append(Step(None, [(r, contents.get(head_files.get(r, "")), ledger.read_worktree(r)
                                  if r in work_files else None) for r in uncommitted]))  # fmt: skip
    return project_log(project_id, steps)
