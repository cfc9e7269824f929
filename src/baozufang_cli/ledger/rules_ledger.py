"""Rules across the project files of a ledger, and rules that depend on the as-of date."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from baozufang_cli.ledger.diagnostics import Diagnostic
from baozufang_cli.ledger.rules_names import check_id_case

if TYPE_CHECKING:
    from baozufang_cli.ledger.registry import Ledger


def _ids(ledger: Ledger) -> dict[str, list[str]]:
    by_id: dict[str, list[str]] = {}
    for facts in ledger.facts:  # ids and paths only: no record is rebuilt
        by_id.setdefault(facts.id, []).append(facts.path)
    return by_id


def duplicate_ids(ledger: Ledger) -> Iterable[Diagnostic]:
    """Rules across files: duplicate ids (every file of a duplicated id is named)."""
    out: list[Diagnostic] = []
    for project_id, paths in _ids(ledger).items():
        if len(paths) < 2:
            continue
        for path in paths:
            others = "、".join(p for p in paths if p != path)
            out.append(
                Diagnostic(
                    path,
                    "duplicate-id",
                    f"项目编号 {project_id} 重复，另见 {others}",
                    hint="每个项目编号只能用一次",
                    loc=("id",),
                )
            )
    return out


def ids_differing_in_case(ledger: Ledger) -> Iterable[Diagnostic]:
    """Ids that differ only in case collide on Windows and macOS file systems."""
    return check_id_case(_ids(ledger))


def future_dates(ledger: Ledger, as_of: date) -> Iterable[Diagnostic]:
    """Actual, closing and receipt dates after the as-of date are probably typos (warnings)."""
    out: list[Diagnostic] = []
    for facts in ledger.facts:
        if facts.latest is None or facts.latest <= as_of:
            continue  # the file's latest date is not after D: its record is not rebuilt
        project = ledger.project_of(facts)
        late: list[tuple[tuple[str | int, ...], str, str]] = [
            (
                ("milestones", i, "actual"),
                f"节点 {m.name} 的实际日期 {m.actual}",
                "实际日期应是已经发生的日期",
            )
            for i, m in enumerate(project.milestones)
            if m.actual is not None and m.actual > as_of
        ]
        late += [
            (("problems", i, "closed"), f"问题 {p.id} 的办结日期 {p.closed}", "")
            for i, p in enumerate(project.problems)
            if p.closed is not None and p.closed > as_of
        ]
        late += [
            (("funding", "sources", i, "received_on"), f"资金来源 {s.kind} 的到位日期 {s.received_on}", "")
            for i, s in enumerate(project.funding.sources if project.funding else ())
            if s.received_on is not None and s.received_on > as_of
        ]
        path = facts.path
        out += [
            Diagnostic(path, "future-date", f"{what} 晚于统计日 {as_of}", "warning", hint=hint, loc=loc)
            for loc, what, hint in late
        ]
    return out
