"""The ledger as it stood on a day: what a pack "as of D" may show, and nothing after D.

Reports already read dated facts through ``facts/`` (an actual date after D is unknown on D),
but a pack also prints the recorded data itself — the 倒排工期 cell lists every milestone's
dates, 形象进度 is today's text, funds received and rents are today's figures. ``as_of_ledger``
returns a copy of the ledger in which every project is trimmed to D:

* **dated facts** decide themselves: a milestone's actual date after D is removed, a problem
  raised after D does not exist yet, a closing date after D is not known (the problem is open),
  a certificate dated after D was not issued, an operations start after D had not happened,
  money whose receipt date (``received_on``) is after D had not arrived (counts 0);
* **undated facts** (形象进度, 累计完成投资, 到位资金, rents, leased units, and 更新日期 itself)
  are as of the project's ``updated`` day. They are kept when ``updated`` is on or before D;
  otherwise the project's version as of D (``earlier``, read from git by the caller) supplies
  them; without one they are left out — the project is *stale* and the pack says so
  (``STALE_NOTE``) instead of printing later figures.

Pure: no files, no git, no clock. Records are copied (``_replace``), never mutated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from baozufang_cli.facts.project import funding_as_of

if TYPE_CHECKING:
    from baozufang_cli.facts.records import Funding, Operations, Project
    from baozufang_cli.ledger.registry import Ledger

STALE_NOTE = "截至日后更新，未计入"


@dataclass
class AsOfLedger:
    """The trimmed ledger and which projects had undated facts left out (ids, sorted)."""

    ledger: Ledger
    stale: list[str] = field(default_factory=list)
    from_history: list[str] = field(default_factory=list)  # ids whose undated facts came from ``earlier``

    def note(self) -> str | None:
        """The line a sheet prints under its tables when some figures were left out."""
        if not self.stale:
            return None
        shown = "、".join(self.stale[:5]) + ("等" if len(self.stale) > 5 else "")
        return (
            f"{len(self.stale)} 个项目的形象进度、完成投资、到位资金和运营数据{STALE_NOTE}"
            f"（项目文件在统计日后更新，统计日当时的数据不可得）：{shown}"
        )


def as_of_ledger(ledger: Ledger, as_of: date, earlier: dict[str, Any] | None = None) -> AsOfLedger:
    """``ledger`` as of ``as_of``; ``earlier`` maps a project file's path to its version as of that day."""
    from baozufang_cli.facts import records
    from baozufang_cli.ledger.registry import FileResult, Ledger

    earlier = earlier or {}
    stale: list[str] = []
    from_history: list[str] = []
    files = []
    for result in ledger.files:
        project = result.project
        if project is not None:
            old: Project | None = earlier.get(result.path)
            if old is not None and not isinstance(old, tuple):  # a validated model from history: its record
                old = records.from_model(records.Project, old)
            if old is not None and old.id == project.id:  # committed on or before the day: known then
                from_history.append(project.id)
            elif not _current(project, as_of):
                stale.append(project.id)
                old = None
            project = trim_project(project, as_of, old if old is not None else _current(project, as_of))
        files.append(FileResult(result.path, project, result.diagnostics))
    view = Ledger(ledger.root, ledger.targets, ledger.criteria, ledger.registry, files)
    view.set_diagnostics(ledger.diagnostics)
    return AsOfLedger(view, sorted(stale), sorted(from_history))


def _current(project: Project, as_of: date) -> bool:
    """The project's undated facts are known as of ``as_of``: it was last updated on or before it."""
    return project.updated is not None and project.updated <= as_of


def _dated_by(day: date | None, as_of: date) -> bool:
    return day is not None and day <= as_of


def trim_project(project: Project, as_of: date, undated: Project | bool) -> Project:
    """``project`` without facts dated after ``as_of``; undated facts from ``undated`` (a project
    version as of that day), kept (``True``) or left out (``False``)."""
    milestones = [
        m._replace(actual=None) if m.actual is not None and m.actual > as_of else m
        for m in project.milestones
    ]
    problems = [
        p._replace(closed=None, resolution=None) if p.closed is not None and p.closed > as_of else p
        for p in project.problems
        if p.raised <= as_of
    ]
    certificate = project.certificate
    if certificate is not None and certificate.date is not None and certificate.date > as_of:
        certificate = None
    source = project if undated is True else undated if undated is not False else None
    update: dict[str, Any] = {
        "milestones": milestones,
        "problems": problems,
        "certificate": certificate,
        "progress": source.progress if source is not None else None,
        "funding": funding_as_of(
            _funding(project.funding, source.funding if source is not None else None), as_of
        ),
        "operations": _operations(source.operations if source is not None else None, as_of),
        "updated": source.updated if source is not None and _dated_by(source.updated, as_of) else None,
    }
    return project._replace(**update)


def _funding(current: Funding | None, known: Funding | None) -> Funding | None:
    """The funding as known on the day (a received amount of 0 in its place would be a claim)."""
    return known if current is not None else None


def _operations(operations: Operations | None, as_of: date) -> Operations | None:
    if operations is None:
        return None
    if operations.opened is not None and operations.opened > as_of:
        return None  # not operating yet: its rents and leases are later facts
    return operations
