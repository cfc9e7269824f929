"""``bzf diff`` and ``bzf log`` as reports: the changes of ``history.py`` as tables and JSON.

Pure: these functions take what ``audit.py`` loaded and never run git themselves.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from baozufang_cli.history.diff import ADDED, REMOVED, ProjectDiff, ProjectVersion, field_label
from baozufang_cli.reports.change_rows import ChangeRow, change_rows
from baozufang_cli.reports.value import Column, Report, Table

if TYPE_CHECKING:
    from baozufang_cli.history.diff import LedgerDiff, Step
    from baozufang_cli.history.git import Commit
    from baozufang_cli.history.versions import Version

PROJECT_LABELS = {"added": "新增项目", "removed": "删除项目"}
WORKTREE = "未提交"


def latest(origins: list[tuple[bool, Commit | None]]) -> tuple[bool, Commit | None]:
    """The last of several changes' origins: the working tree after any commit; unknown when none is known."""
    known = [commit for is_known, commit in origins if is_known]
    if not known:
        return False, None
    if any(commit is None for commit in known):
        return True, None
    return True, max((c for c in known if c is not None), key=lambda c: c.date)


def origin_data(commit: Commit | None, known: bool = True) -> dict[str, Any]:
    """The commit, author and date of a change (``uncommitted``: made in the working tree)."""
    if commit is None:
        return {"commit": None, "author": None, "email": None, "date": None, "subject": None,
                "uncommitted": known}  # fmt: skip
    return {"commit": commit.oid, "author": commit.author, "email": commit.email,
            "date": commit.date.isoformat(), "subject": commit.subject, "uncommitted": False}  # fmt: skip


def _origin_cells(commit: Commit | None, known: bool) -> dict[str, Any]:
    if commit is None:
        return {"short": WORKTREE if known else None, "author": None, "day": None, "subject": None}
    return {
        "short": commit.short,
        "author": commit.author,
        "day": commit.date.date(),
        "subject": commit.subject,
    }


def version_data(version: Version) -> dict[str, Any]:
    commit = version.commit
    return {"rev": version.rev, "worktree": version.worktree, "label": version.label,
            **{k: v for k, v in origin_data(commit).items() if k != "uncommitted"}}  # fmt: skip


def _errors(version: ProjectVersion) -> list[dict[str, Any]]:
    return [{"code": d.code, "message": d.message, "line": d.line, "col": d.col, "hint": d.hint}
            for d in version.errors]  # fmt: skip


def _project_data(diff: ProjectDiff) -> dict[str, Any]:
    latest = diff.latest
    return {"id": diff.key, "name": latest.name, "district": latest.district, "path": latest.path}


ORIGIN_COLUMNS = [
    Column("short", "提交", "code"),
    Column("author", "作者"),
    Column("day", "日期", "date"),
    Column("subject", "提交说明", optional=3),
]
CHANGE_COLUMNS = [
    Column("id", "项目编号", "code", repeat=False),
    Column("name", "项目名称", optional=1, repeat=False),
    Column("label", "改动"),
    Column("old", "原值"),
    Column("new", "新值"),
    *ORIGIN_COLUMNS,
]


def _row_cells(row: ChangeRow) -> dict[str, Any]:
    return {"label": row.label, "old": row.old, "new": row.new}


def diff_report(
    diff: LedgerDiff,
    old: Version,
    new: Version,
    commits: list[Commit],
    repository: str,
    ledger_path: str,
    since: date | None = None,
) -> Report:
    added: list[dict[str, Any]] = []
    removed: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    unknown = 0
    for project in diff.projects:
        base = _project_data(project)
        if project.kind != "changed":
            known, commit = diff.origin(project.key, ADDED if project.kind == "added" else REMOVED)
            (added if project.kind == "added" else removed).append({**base, **origin_data(commit, known)})
            path = project.latest.path
            rows.append({**base, "label": PROJECT_LABELS[project.kind],
                         "old": path if project.kind == "removed" else None,
                         "new": path if project.kind == "added" else None, **_origin_cells(commit, known)})  # fmt: skip
            unknown += not known
            continue
        changes = []
        for change in project.changes:
            known, commit = diff.origin(project.key, change.field)
            unknown += not known
            changes.append({"field": change.field, "label": field_label(change.field), "old": change.old,
                            "new": change.new, **origin_data(commit, known)})  # fmt: skip
        grouped = []
        for row in change_rows(project.changes):
            known, commit = latest([diff.origin(project.key, path) for path in row.fields])
            grouped.append({**row.data(), **origin_data(commit, known)})
            rows.append({**base, **_row_cells(row), **_origin_cells(commit, known)})
        changed.append({**base, "changes": changes, "rows": grouped})

    invalid_rows = []
    invalid = []
    for side, version in diff.invalid:
        known = version.path in diff.by_file
        commit = diff.by_file.get(version.path)
        invalid.append({"side": side, "path": version.path, "id": version.key, "errors": _errors(version),
                        **origin_data(commit, known)})  # fmt: skip
        for error in version.errors:
            invalid_rows.append({"side": "改前" if side == "from" else "改后", "path": version.path,
                                 "where": f"{error.line}:{error.col}" if error.line else None, "code": error.code,
                                 "message": error.message, **_origin_cells(commit, known)})  # fmt: skip

    field_count = sum(len(p["rows"]) for p in changed)
    notes = [
        f"新增 {len(added)} 个项目，删除 {len(removed)} 个，修改 {len(changed)} 个（{field_count} 处）"
        if diff.projects else "两个版本之间项目文件没有改动",
        "同一字段多次修改时，提交、作者、日期为最后一次修改它的提交；“未提交”为工作区中尚未提交的改动",
    ]  # fmt: skip
    if unknown:
        notes.append(
            f"{unknown} 处改动不在两个版本之间的提交中（如较早的版本不在较新版本的历史上），未注明提交"
        )
    if diff.config_changed:
        notes.append(f"配置文件 {'、'.join(diff.config_changed)} 也有改动（不逐项列出）")
    tables = [Table("项目改动", CHANGE_COLUMNS, rows, notes=notes)]
    if invalid_rows:
        tables.append(Table("有错误的文件", [
            Column("side", "版本"), Column("path", "文件"), Column("where", "行:列", "code"),
            Column("code", "代码", "code"), Column("message", "说明"), *ORIGIN_COLUMNS,
        ], invalid_rows, notes=["这些文件在该版本不符合格式，按原始内容比较；运行 bzf check 查看详情"]))  # fmt: skip
    subtitle = [f"从：{old.label}", f"到：{new.label}"]
    if since is not None:
        subtitle.insert(0, f"自 {since.isoformat()} 起：比较该日之前的最后一次提交与工作区")
    subtitle.append(f"git 仓库：{repository}")
    return Report(
        title="台账改动",
        as_of=None,
        ledger=ledger_path,
        tables=tables,
        data={
            "repository": repository,
            "ledger": ledger_path,
            "since": since,
            "from": version_data(old),
            "to": version_data(new),
            "added": added,
            "removed": removed,
            "changed": changed,
            "invalid": invalid,
            "config_changed": diff.config_changed,
            "commits": [{k: v for k, v in origin_data(c).items() if k != "uncommitted"} for c in commits],
        },
        subtitle=subtitle,
        primary_index=0,
    )


def log_report(
    project_id: str, entries: list[tuple[Step, ProjectDiff]], repository: str, ledger_path: str
) -> Report:
    rows: list[dict[str, Any]] = []
    data_entries = []
    name = None
    for step, project in entries:
        commit = step.origin
        cells = _origin_cells(commit, True)
        name = project.latest.name or name
        changes = project.changes if project.kind == "changed" else []
        grouped = change_rows(changes)
        data_entries.append({**origin_data(commit), "change": project.kind, "path": project.latest.path,
                             "changes": [{"field": c.field, "label": field_label(c.field), "old": c.old,
                                          "new": c.new} for c in changes],
                             "rows": [row.data() for row in grouped],
                             "errors": _errors(project.new) if project.new else []})  # fmt: skip
        if project.kind != "changed":
            path = project.latest.path
            rows.append({**cells, "label": PROJECT_LABELS[project.kind],
                         "old": path if project.kind == "removed" else None,
                         "new": path if project.kind == "added" else None})  # fmt: skip
        rows += [{**cells, **_row_cells(row)} for row in grouped]
        if project.new is not None and project.new.errors:
            first = project.new.errors[0]
            rows.append({**cells, "label": f"文件有错误（{first.code}）", "old": None, "new": first.message})
    commits = {e["commit"] for e in data_entries if e["commit"]}
    uncommitted = any(e["uncommitted"] for e in data_entries)
    notes = [
        f"{len(commits)} 次提交改动过此项目" + ("，工作区另有未提交的改动" if uncommitted else "")
        if data_entries else "没有找到此项目文件的提交记录",
        "按时间先后排列；只追踪名为 <项目编号>.yaml 的文件（项目编号须与文件名一致）",
    ]  # fmt: skip
    commit_columns = [replace(column, repeat=False) for column in ORIGIN_COLUMNS]
    table = Table("项目改动记录", [
        *commit_columns[:3], Column("label", "改动"), Column("old", "原值"), Column("new", "新值"), commit_columns[3],
    ], rows, notes=notes)  # fmt: skip
    return Report(
        title=f"项目改动记录：{project_id}" + (f" {name}" if name else ""),
        as_of=None,
        ledger=ledger_path,
        tables=[table],
        data={
            "id": project_id,
            "name": name,
            "repository": repository,
            "ledger": ledger_path,
            "entries": data_entries,
        },
        subtitle=[f"git 仓库：{repository}"],
    )
