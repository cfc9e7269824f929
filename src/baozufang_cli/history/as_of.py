"""Project files as they stood on a day, from git — the undated facts of an as-of pack.

形象进度, funds received and rents carry no date of their own: a pack "as of D" may only show
them as they were on D. For each project updated after D (or never dated), this reads its file
at the last commit on or before D, through the one git access (``history/git.py``). Outside a
repository, before the first commit, or when git fails, there is nothing earlier: the
export then leaves those figures out with a note (``reports/as_of.py``) rather than today's.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from baozufang_cli.history.git import GitError, find_repository

if TYPE_CHECKING:
    from baozufang_cli.ledger.registry import Ledger
    from baozufang_cli.models import Project


def versions_as_of(ledger: Ledger, day: date) -> dict[str, Project]:
    """Ledger-relative path → the project's version at the last commit on or before ``day``,
    for the projects whose file says it was updated after ``day``."""
    later = [ledger.path(p) for p in ledger.valid_projects() if p.updated is None or p.updated > day]
    if not later or find_repository(ledger.root) is None:
        return {}
    from baozufang_cli.history.versions import LedgerRepository
    from baozufang_cli.ledger.load import validate
    from baozufang_cli.ledger.read import parse_yaml_bytes
    from baozufang_cli.models import Project

    try:
        repository = LedgerRepository(ledger.root)
        if not repository.repo.has_commits():
            return {}
        before = repository.repo.commit_before(day + timedelta(days=1))
        if before is None:
            return {}
        files = repository.files_at(repository.repo.commit(before))
        wanted = {rel: files[rel] for rel in later if rel in files}
        blobs = repository.repo.read_blobs(wanted.values())
    except (GitError, OSError):
        return {}
    found: dict[str, Project] = {}
    for rel, oid in wanted.items():
        raw = blobs.get(oid)
        if raw is None:
            continue
        data, _text, problems = parse_yaml_bytes(raw, rel)
        if data is None or any(d.is_error for d in problems):
            continue
        project, _ = validate(data, Project, rel)
        if project is not None:
            found[rel] = project
    return found
