"""The baseline of ``bzf slip``: each project's planned milestone dates as first committed (or at a revision).

Everything git is asked goes through ``history/git.Repository`` (the one runner, with its safe
environment), exactly as ``bzf diff`` and ``bzf log`` do. A project's file is followed by its
name ``<id>.yaml`` wherever it moves under ``projects/``:

* ``--baseline REV``: the project files at that commit;
* ``--baseline DATE``: at the last commit on or before that day (local time);
* default: for each file name, its contents in the first commit (on HEAD's history) that has it.

Baseline files are read with the current ``targets.yaml``/``criteria.yaml`` so milestone names are
canonical in both versions; a file that does not validate at the baseline gives no baseline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from baozufang_cli.history.diff import is_project_file
from baozufang_cli.history.git import Commit, GitError
from baozufang_cli.history.versions import LedgerRepository
from baozufang_cli.ledger.load import project_result
from baozufang_cli.ledger.read import parse_yaml_bytes

if TYPE_CHECKING:
    from baozufang_cli.ledger.registry import Registry

PROJECT_GLOBS = ("projects/**/*.yaml", "projects/**/*.yml")


@dataclass(frozen=True)
class BaselinePlan:
    """One project's planned milestone dates at its baseline."""

    project_id: str
    path: str  # ledger-relative, at the baseline
    commit: Commit
    planned: dict[str, date]  # canonical milestone name → planned date


@dataclass
class Baseline:
    label: str  # "first" or the commit id the user's REV/DATE resolved to
    commit: Commit | None  # the one baseline commit (None for per-project first commits)
    plans: dict[str, BaselinePlan] = field(default_factory=dict)  # by project id (= file stem)
    unreadable: list[str] = field(default_factory=list)  # baseline files that did not validate


def parse_baseline_day(text: str) -> date | None:
    """``2024-03-31`` → that day; anything else is a revision."""
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def load_baseline(ledger_root: Path, registry: Registry, baseline: str | None) -> Baseline:
    ledger = LedgerRepository(ledger_root)
    if not ledger.repo.has_commits():
        raise GitError("台账所在的 git 仓库还没有提交：没有可对比的基线")
    if baseline is None:
        return _first_commits(ledger, registry)
    day = parse_baseline_day(baseline)
    if day is not None:
        oid = ledger.repo.commit_before(day + timedelta(days=1))
        if oid is None:
            raise GitError(f"{day.isoformat()} 当天及以前没有提交：没有这一天的基线")
    else:
        oid = ledger.repo.resolve(baseline)
    commit = ledger.repo.commit(oid)
    files = {rel: blob for rel, blob in ledger.files_at(commit).items() if is_project_file(rel)}
    by_name: dict[str, tuple[str, str]] = {}
    for rel in sorted(files):
        by_name.setdefault(PurePosixPath(rel).stem, (rel, files[rel]))
    result = Baseline(commit.oid, commit)
    _read(ledger, registry, {stem: (rel, blob, commit) for stem, (rel, blob) in by_name.items()}, result)
    return result


def _first_commits(ledger: LedgerRepository, registry: Registry) -> Baseline:
    head = ledger.head()
    assert head is not None
    pathspecs = [f":(glob){ledger.prefix}{pattern}" for pattern in PROJECT_GLOBS]
    first: dict[str, tuple[str, str, Commit]] = {}
    for commit, changes in ledger.repo.log([head.oid], pathspecs):  # oldest first
        for change in changes:
            rel = ledger.ledger_path(change.path)
            if rel is None or change.new is None or not is_project_file(rel):
                continue
            first.setdefault(PurePosixPath(rel).stem, (rel, change.new, commit))
    result = Baseline("first", None)
    _read(ledger, registry, first, result)
    return result


def _read(
    ledger: LedgerRepository, registry: Registry, wanted: dict[str, tuple[str, str, Commit]], into: Baseline
) -> None:
    contents = ledger.repo.read_blobs(blob for _rel, blob, _commit in wanted.values())
    for stem, (rel, blob, commit) in sorted(wanted.items()):
        raw = contents.get(blob)
        if raw is None:
            continue
        result = project_result(*parse_yaml_bytes(raw, rel), rel, registry)
        if result.project is None or any(d.is_error for d in result.diagnostics):
            into.unreadable.append(rel)
            continue
        planned = {m.name: m.planned for m in result.project.milestones if m.planned is not None}
        into.plans[stem] = BaselinePlan(result.project.id, rel, commit, planned)
