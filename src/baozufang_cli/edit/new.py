"""``bzf new``: one project, one plan (一项目一实施方案), scheduled backwards (倒排工期).

Pure functions: the schedule from the supply type's standard sequence, the generated id, the
file's folder and its text. The command writes the text through ``edit.write_new_file``.

The schedule: the delivered milestone is planned on the delivery date; each earlier milestone
is planned ``days`` before the next one, where ``days`` is the next milestone's standard
duration from criteria.yaml (its distance from the previous milestone); milestones after the
delivered one (if any) are scheduled forwards the same way.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from baozufang_cli.facts.records import District, SupplyType
from baozufang_cli.ledger import yamlread
from baozufang_cli.ledger.registry import NameNotFound, Registry
from baozufang_cli.models import ID_PATTERN, Project

COMMENT_COLUMN = 34  # comments line up here unless the line is longer (display width: CJK counts 2)


@dataclass(frozen=True)
class PlannedMilestone:
    name: str
    planned: date
    days: int  # standard days after the previous milestone (0 for the first)


def backward_schedule(supply_type: SupplyType, deliver_by: date) -> list[PlannedMilestone]:
    specs = supply_type.milestones
    anchor = next(i for i, spec in enumerate(specs) if spec.name == supply_type.delivered_milestone)
    planned: list[date | None] = [None] * len(specs)
    planned[anchor] = deliver_by
    for i in range(anchor - 1, -1, -1):
        following = planned[i + 1]
        assert following is not None
        planned[i] = following - timedelta(days=specs[i + 1].days)
    for i in range(anchor + 1, len(specs)):
        previous = planned[i - 1]
        assert previous is not None
        planned[i] = previous + timedelta(days=specs[i].days)
    return [
        PlannedMilestone(spec.name, day, spec.days if i else 0)
        for i, (spec, day) in enumerate(zip(specs, planned, strict=True))
        if day is not None
    ]


def compression_days(schedule: list[PlannedMilestone], as_of: date) -> int:
    """How many days the plan must be compressed: the standard schedule starts this long before ``as_of``."""
    return max(0, (as_of - schedule[0].planned).days)


def default_plan_year(schedule: list[PlannedMilestone], supply_type: SupplyType, as_of: date) -> int:
    """The year the project starts (its start milestone), but never a year already past."""
    start = next(m.planned for m in schedule if m.name == supply_type.start_milestone)
    return max(start.year, as_of.year)


# ------------------------------------------------------------------ ids and places

_ASCII_ID = re.compile(ID_PATTERN)


_ID_SHAPE = re.compile(r"(.+?)-(\d{4})-(\d{3,})")


def id_prefix(district: District, projects: Iterable[tuple[str, str]] = ()) -> str | None:
    """The prefix of the district's ids: the one its projects already use (``NM`` in
    ``NM-2024-001``), else its GB/T 2260 code, else an alias usable in an id.

    ``projects`` are (id, official district name) pairs of the ledger.
    """
    in_use = Counter(
        match.group(1)
        for project_id, name in projects
        if name == district.name and (match := _ID_SHAPE.fullmatch(project_id))
    )
    if in_use:
        return in_use.most_common(1)[0][0]
    if district.code:
        return district.code
    return next((alias for alias in district.aliases if _ASCII_ID.match(alias)), None)


def next_project_id(prefix: str, year: int, existing: set[str]) -> str:
    """``<prefix>-<year>-<NNN>``, one past the highest sequence in use; never an existing id
    (compared without case: Windows and macOS file names ignore it)."""
    taken = {i.casefold() for i in existing}
    pattern = re.compile(rf"{re.escape(prefix)}-{year}-(\d+)", re.IGNORECASE)
    numbers = [int(m.group(1)) for i in existing if (m := pattern.fullmatch(i))]
    number = max(numbers, default=0) + 1
    while f"{prefix}-{year}-{number:03d}".casefold() in taken:
        number += 1
    return f"{prefix}-{year}-{number:03d}"


def project_folder(root: Path, district: District) -> Path:
    """``projects/<short name>``: an existing folder for the district if there is one."""
    names = [*district.aliases, district.name]
    for name in names:
        if (root / "projects" / name).is_dir():
            return Path("projects") / name
    return Path("projects") / names[0]


# ------------------------------------------------------------------ the file's text


@dataclass(frozen=True)
class NewProject:
    project_id: str
    name: str
    district: District
    supply_type: SupplyType
    units: int
    unit_kind: str
    plan_year: int
    tags: list[str]
    deliver_by: date
    as_of: date
    schedule: list[PlannedMilestone]


def render_project(new: NewProject, schema_path: str) -> str:
    """The new file: every field with a Chinese comment, milestones planned backwards."""
    values: dict[str, Any] = {
        "id": new.project_id,
        "name": new.name,
        "district": new.district.name,
        "supply_type": new.supply_type.key,
        "units": new.units,
        "unit_kind": new.unit_kind,
        "plan_year": new.plan_year,
        "tags": new.tags,
        "problems": [],
        "updated": new.as_of,
    }
    comments = {
        "id": "项目编号：全台账唯一，须与文件名相同",
        "supply_type": f"筹集方式：{new.supply_type.label}（代码、名称或别名均可）",
        "tags": "标签，例如 [人才租赁住房]",
        "milestones": "倒排工期节点：planned 计划日期，actual 实际完成日期（未完成为 null）",
        "problems": f"问题清单：bzf problem add {new.project_id} --text … 添加",
        "funding": f"资金（万元）：bzf set {new.project_id} funding.total_wan 总投资",
        "operations": f"运营情况（交付后）：bzf set {new.project_id} operations.leased_units 已出租套数",
        "certificate": "项目认定书：编号 no、认定日期 date",
        "updated": "更新日期",
    }
    start, delivered = new.supply_type.start_milestone, new.supply_type.delivered_milestone
    lines: list[tuple[str, str]] = []
    for key, info in Project.model_fields.items():
        comment = comments.get(key) or _describe(info.title or key, info.description or "")
        if key == "milestones":
            lines.append(("milestones:", comment))
            for milestone in new.schedule:
                roles = [f"距上一节点 {milestone.days} 天" if milestone.days else "起点"]
                roles += ["启动建设节点"] * (milestone.name == start) + ["建成交付节点"] * (
                    milestone.name == delivered
                )
                item = f"{{name: {scalar(milestone.name, flow=True)}, planned: {milestone.planned}, actual: null}}"
                lines.append((f"  - {item}", "；".join(roles)))
            continue
        lines.append((f"{key}: {scalar(values.get(key))}", comment))
    header = [
        f"# yaml-language-server: $schema={schema_path}",
        f"# {' '.join(new.name.split())}：{new.district.name} · {new.supply_type.label} · {new.units} {new.unit_kind}"
        f"（bzf new 于 {new.as_of} 生成）",
        f"# 节点计划日期按 criteria.yaml 的标准工期从交付日期 {new.deliver_by} 倒排。"
        f"完成后填写实际日期：bzf set {new.project_id} 节点名 --actual YYYY-MM-DD",
        "# 空值写 null；格式见 bzf 文档 docs/format.md「项目文件」",
    ]
    items = [code for code, _ in lines if code.startswith("  - ")]
    # room for "null" to become a date without pushing the comment: bzf set keeps its column
    item_column = max((display_width(code) for code in items), default=0) + 8
    body = [
        _with_comment(code, comment, item_column if code in items else COMMENT_COLUMN)
        for code, comment in lines
    ]
    return "\n".join(header + body) + "\n"


def _describe(title: str, description: str) -> str:
    return title if not description or description == title else f"{title}：{description}"


def _with_comment(code: str, comment: str, column: int) -> str:
    gap = max(2, column - display_width(code))
    return f"{code}{' ' * gap}# {comment}"


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


def scalar(value: Any, flow: bool = False) -> str:
    """A value as YAML text: plain when it reads back as itself, else double-quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | date):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(scalar(v, flow=True) for v in value) + "]"
    text = str(value)
    probe = f"{{k: {text}}}" if flow else f"k: {text}  # c"
    try:
        plain = yamlread.load(probe) == {"k": text} and text == text.strip()
    except yamlread.YamlProblem:
        plain = False
    if plain:
        return text
    import json

    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def plan_project(
    registry: Registry,
    root: Path,
    existing: set[str],
    projects: Iterable[tuple[str, str]] = (),
    *,
    district: str,
    supply_type: str,
    name: str,
    units: int,
    deliver_by: date,
    as_of: date,
    plan_year: int | None = None,
    project_id: str | None = None,
    unit_kind: str = "套",
    tags: list[str] | None = None,
) -> tuple[NewProject, Path]:
    """Resolve the command line into a new project and its file (relative to ``root``).

    ``existing`` holds the ids in use (file names and ids), ``projects`` the (id, district) pairs
    whose ids show the ledger's own prefix per district. Raises ``EditError`` with a Chinese reason.
    """
    from baozufang_cli.edit.values import EditError

    try:
        district_info = registry.districts[registry.district_filter(district)]
        spec = registry.supply_types[registry.supply_type_filter(supply_type)]
    except NameNotFound as error:
        raise EditError(error.message, error.hint) from None
    if unit_kind not in ("套", "间"):
        raise EditError(f"计量单位应为 套 或 间，实为 {unit_kind}")
    if not name.strip():
        raise EditError("项目名称不能为空")
    schedule = backward_schedule(spec, deliver_by)
    year = plan_year if plan_year is not None else default_plan_year(schedule, spec, as_of)
    if project_id is None:
        prefix = id_prefix(district_info, projects)
        if prefix is None:
            raise EditError(
                f"{district_info.name}还没有项目，也没有行政区划代码或英文别名，无法自动生成项目编号",
                f"请用 --id 指定，例如 --id GA-{year}-001",
            )
        project_id = next_project_id(prefix, year, existing)
    elif not _ASCII_ID.match(project_id) or len(project_id) > 64:
        raise EditError(f"项目编号格式不对：{project_id}", "只能包含字母、数字、- 和 _，且以字母或数字开头")
    elif project_id.casefold() in {i.casefold() for i in existing}:
        raise EditError(f"项目编号 {project_id} 已被使用", "不指定 --id 时自动生成不重复的编号")
    new = NewProject(
        project_id,
        name.strip(),
        district_info,
        spec,
        units,
        unit_kind,
        year,
        tags or [],
        deliver_by,
        as_of,
        schedule,
    )
    return new, project_folder(root, district_info) / f"{project_id}.yaml"


def schema_pointer(root: Path, file: Path) -> str:
    """The schema's path relative to the new file, as the yaml-language-server modeline wants it."""
    from baozufang_cli.edit.schema import SCHEMA_DIR

    target = root / SCHEMA_DIR / "project.schema.json"
    return Path(os.path.relpath(target, start=(root / file).parent)).as_posix()
