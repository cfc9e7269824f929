"""``bzf init``: the targets.yaml of a new ledger — its city, its district list, and no invented targets.

The district list is Guiyang's (copied from the shipped ``defaults/targets.yaml``) or read from a
file (``--districts FILE``, format in docs/commands/init.md). Targets are left empty with a
commented template, unless the user asks for the Guiyang plan's city-level targets
(``--plan guiyang``); the district targets of the sample ledger are an illustrative split and
are never written into a new ledger.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from baozufang_cli.errors import UsageError

GUIYANG = "guiyang"
GUIYANG_CITY = "贵阳市"
PLANS = (GUIYANG,)

# a name written as a plain YAML scalar: CJK, letters, digits and a few harmless marks
_PLAIN = re.compile(r"^[\w\u4e00-\u9fff（）()·]+$")
_KIND_SUFFIXES = (
    ("管委会", "管委会"),
    ("开发区", "管委会"),
    ("新区", "管委会"),
    ("保税区", "管委会"),
    ("经济区", "管委会"),
    ("园区", "管委会"),
    ("县", "县"),
    ("市", "市"),
    ("区", "区"),
)


def shipped_text(name: str) -> str:
    """A file shipped in ``defaults/`` (equal to the sample ledger's ``data/`` copy)."""
    from importlib import resources

    return resources.files("baozufang_cli").joinpath("defaults").joinpath(name).read_text(encoding="utf-8")


def _block(text: str, key: str) -> list[str]:
    """The lines of the top-level ``key:`` block of a shipped file, up to the next blank line."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def guiyang_district_lines() -> list[str]:
    return _block(shipped_text("targets.yaml"), "districts")


def _scalar(value: str) -> str:
    return value if _PLAIN.match(value) and not value.isdigit() else json.dumps(value, ensure_ascii=False)


def _kind(name: str) -> str:
    return next((kind for suffix, kind in _KIND_SUFFIXES if name.endswith(suffix)), "区")


def _alias(name: str) -> str | None:
    """南明区 → 南明: the customary short name (a 区/县/市 suffix dropped, two characters left at least)."""
    if name[-1:] in ("区", "县", "市") and _kind(name) != "管委会" and len(name) >= 3:
        return name[:-1]
    return None


def read_districts_file(path: Path) -> list[dict[str, Any]]:
    """The district entries of ``--districts FILE``: a YAML list of names or of ``{name, aliases, code,
    kind}`` mappings, a mapping with such a ``districts:`` list (another ledger's targets.yaml), or
    plain text with one name a line. Every entry validated; names and aliases name one district."""
    from baozufang_cli.ledger import yamlread
    from baozufang_cli.ledger.read import decode, read_bytes

    shown = path.as_posix()
    raw, problems = read_bytes(path, shown)
    if raw is None:
        raise UsageError(
            f"找不到区县名录文件 {shown}"
            if not path.exists()
            else f"区县名录文件 {shown}：{problems[0].message}",
            hint="--districts 取 guiyang 或一个 YAML 文件（格式见 docs/commands/init.md）",
        )
    try:
        text = decode(raw)
        data = yamlread.load(text)
    except yamlread.YamlProblem as problem:
        where = f"第 {problem.line} 行：" if problem.line else ""
        raise UsageError(
            f"区县名录文件 {shown} 读不出：{where}{problem.message}", hint=problem.hint
        ) from None
    prefix: tuple[str, ...] = ()
    if isinstance(data, dict) and "districts" in data:
        data, prefix = data["districts"], ("districts",)
    elif isinstance(data, str):  # plain text, one name a line (YAML folds the lines into one string)
        data = [name for line in text.splitlines() if (name := line.split("#")[0].strip())]
    if not isinstance(data, list) or not data:
        raise UsageError(
            f"区县名录文件 {shown} 应是区县名称的列表",
            hint='每行一项，例如 “- 南明区” 或 “- {name: 南明区, code: "520102"}”（docs/commands/init.md）',
        )
    entries = [_entry(item, shown, text, (*prefix, i)) for i, item in enumerate(data)]
    _check_names(entries, shown)
    return entries


def _entry(item: Any, shown: str, text: str, loc: tuple[str | int, ...]) -> dict[str, Any]:
    from dataclasses import replace

    from pydantic import ValidationError

    from baozufang_cli.ledger.read import locate_all
    from baozufang_cli.ledger.schema_errors import schema_diagnostics
    from baozufang_cli.models import District

    entry = {"name": item} if isinstance(item, str) else item
    if isinstance(entry, dict) and "kind" not in entry and isinstance(entry.get("name"), str):
        entry = {**entry, "kind": _kind(entry["name"])}
    try:
        district = District.model_validate(entry)
    except ValidationError as error:
        found = [replace(d, loc=(*loc, *d.loc)) for d in schema_diagnostics(shown, error, District)]
        located = locate_all(found, text)
        raise UsageError(
            f"区县名录文件 {shown} 第 {int(loc[-1]) + 1} 项有误：{located[0].message}",
            hint="格式见 docs/commands/init.md",
            diagnostics=located,
        ) from None
    derived = "aliases" not in entry
    alias = _alias(district.name) if derived else None
    return {
        "name": district.name,
        "aliases": [alias] if alias else list(district.aliases),
        "code": district.code,
        "kind": district.kind,
        "derived": derived,
    }


def _check_names(entries: list[dict[str, Any]], shown: str) -> None:
    """Names are unique, a written alias names one district; a derived short name that would name
    two is left out (the district is still found by its full name)."""
    from collections import Counter

    names = Counter(entry["name"] for entry in entries)
    seen: set[str] = set()
    for number, entry in enumerate(entries, 1):
        if entry["name"] in seen:
            raise UsageError(f"区县名录文件 {shown} 第 {number} 项：区县 {entry['name']} 重复")
        seen.add(entry["name"])
    every_alias = Counter(alias for entry in entries for alias in entry["aliases"])
    for number, entry in enumerate(entries, 1):
        taken = [a for a in entry["aliases"] if a in names or every_alias[a] > 1]
        if taken and not entry["derived"]:
            raise UsageError(
                f"区县名录文件 {shown} 第 {number} 项：别名 {taken[0]} 同时指向两个区县",
                hint="一个别名只能指向一个区县",
            )
        entry["aliases"] = [a for a in entry["aliases"] if a not in taken]


def district_lines(entries: list[dict[str, Any]]) -> list[str]:
    lines = ["districts:  # 名录：name 为官方名称，aliases 为简称，code 为 GB/T 2260 行政区划代码"]
    for entry in entries:
        parts = [f"name: {_scalar(entry['name'])}"]
        if entry["aliases"]:
            parts.append(f"aliases: [{', '.join(_scalar(a) for a in entry['aliases'])}]")
        if entry["code"]:
            parts.append(f"code: {json.dumps(entry['code'], ensure_ascii=False)}")
        parts.append(f"kind: {entry['kind']}")
        lines.append(f"  - {{{', '.join(parts)}}}")
    return lines


def targets_text(city: str, districts: list[str], first: str, plan: str | None, today: date) -> str:
    """targets.yaml of a new ledger: ``districts`` are its ``districts:`` block lines, ``first`` the
    name the examples use."""
    year = today.year + 1  # the examples name a year still ahead, never a past one
    if plan == GUIYANG:
        shipped = shipped_text("targets.yaml").splitlines()
        lines = [
            shipped[0],
            "# 全市目标来自《贵阳市保障性租赁住房三年行动计划》：",
            shipped[2],
            f"# 由 bzf init 建立于 {today.isoformat()}：全市目标取自上述计划；区县年度目标请按下达的任务填写。",
            next(line for line in shipped if line.startswith("plan:")),
        ]
        city_block = _block("\n".join(shipped), "city_targets")
    else:
        lines = [
            f"# {city}保障性租赁住房台账：区县名录与目标（bzf 台账格式 v1）",
            f"# 由 bzf init 建立于 {today.isoformat()}。目标留空：请按正式下达的计划文件填写，bzf 不代填目标。",
            "# plan 是报表标题中的计划名称：有正式计划文件时改为它的名称。",
            f"plan: {_scalar(city + '保障性租赁住房台账')}",
        ]
        city_block = [
            "# 全市目标：截至当年年底的累计套(间)数（metric: delivered 建成交付 或 started 启动建设），例如",
            f"#   - {{year: {year}, metric: delivered, units: 套数, cumulative: true, note: 计划文件的原文}}",
            "city_targets: []",
        ]
    lines += [f"city: {_scalar(city)}", "", *districts, "", *city_block, ""]
    lines += [
        "# 区县年度目标：当年内启动建设 started、建成交付 delivered 的套(间)数，按下达的任务填写，例如",
        f"#   - {{district: {_scalar(first)}, year: {year}, started: 套数, delivered: 套数}}",
        "district_targets: []",
    ]
    return "\n".join(lines) + "\n"
