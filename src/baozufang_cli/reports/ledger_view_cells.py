"""The three 台账 cells that hold a list: milestones, funding sources and open problems.

A spreadsheet 台账 has one row per project, so lists live in one cell, one item per line
(Alt+Enter in Excel). ``bzf ledger -C schedule,funding_sources,problem_list`` and the Excel
export write them; ``bzf import xlsx`` reads them back, which is what lets export → import
reproduce a project's milestones, sources and problems. The formats (docs/commands/import.md)::

    倒排工期节点   开工：计划 2023-03-31，实际 2023-04-02        (either part may be missing)
    资金来源与到位 中央补助资金：计划 3000，到位 1500，到位日期 2024-05-10，说明 追加拨付
                   (万元; 到位日期 and 说明 optional)
    存在问题       P1 施工许可证办理滞后〔建设手续，市住建局，提出 2023-05-10，时限 2023-06-30〕

Amounts are written in full precision (no thousands separators) so they read back exactly.
Parsers raise ``CellError`` with a Chinese reason naming the line; they accept the common
variations of hand-typed text (full- or half-width colon and comma, ``；`` between milestones,
``2024/3/5`` dates, amounts with separators).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from baozufang_cli.facts.records import FundingSource, Milestone, Problem


class CellError(ValueError):
    """Text of a list cell that cannot be read; the message is Chinese."""


def amount_text(value: float) -> str:
    """An amount that reads back as the same number: 3000, 1234.5, 0.1 (never 3,000 or 1e-05)."""
    if float(value).is_integer():
        return str(int(value))
    from decimal import Decimal

    return format(Decimal(repr(float(value))), "f")  # the shortest exact digits, never 1e-05


# ------------------------------------------------------------------ writing


def schedule_text(milestones: Iterable[Milestone]) -> str:
    lines = []
    for milestone in milestones:
        parts = []
        if milestone.planned is not None:
            parts.append(f"计划 {milestone.planned.isoformat()}")
        if milestone.actual is not None:
            parts.append(f"实际 {milestone.actual.isoformat()}")
        lines.append(milestone.name + ("：" + "，".join(parts) if parts else ""))
    return "\n".join(lines)


def sources_text(sources: Iterable[FundingSource]) -> str:
    lines = []
    for source in sources:
        line = (
            f"{source.kind}：计划 {amount_text(source.planned_wan)}，到位 {amount_text(source.received_wan)}"
        )
        if source.received_on is not None:
            line += f"，到位日期 {source.received_on.isoformat()}"
        if source.note:
            line += f"，说明 {_one_line(source.note)}"
        lines.append(line)
    return "\n".join(lines)


def problems_text(problems: Iterable[Problem]) -> str:
    lines = []
    for problem in problems:
        meta = [problem.category, _one_line(problem.department), f"提出 {problem.raised.isoformat()}"]
        if problem.due is not None:
            meta.append(f"时限 {problem.due.isoformat()}")
        lines.append(f"{problem.id} {_one_line(problem.text)}〔{'，'.join(meta)}〕")
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(text.splitlines())


# ------------------------------------------------------------------ reading

_DATE = r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
_NUMBER = r"[0-9][0-9,，]*(?:\.[0-9]+)?"
_MILESTONE_PART = re.compile(rf"(计划|实际)\s*[:：]?\s*({_DATE}|-|无)")
_SOURCE = re.compile(
    rf"(?P<kind>.+?)\s*[:：]\s*计划\s*(?P<planned>{_NUMBER})\s*(?:万元)?\s*[,，]\s*"
    rf"到位\s*(?P<received>{_NUMBER})\s*(?:万元)?(?:\s*[,，]\s*到位日期\s*[:：]?\s*(?P<received_on>{_DATE}))?"
    rf"(?:\s*[,，]\s*说明\s*(?P<note>.*))?"
)
_PROBLEM = re.compile(
    r"(?P<id>[A-Za-z0-9][A-Za-z0-9_-]*)\s+(?P<text>.+)〔(?P<category>[^，,〔〕]+)[，,](?P<department>.+)"
    rf"[，,]\s*提出\s*(?P<raised>{_DATE})(?:\s*[，,]\s*时限\s*(?P<due>{_DATE}))?〕"
)


def parse_date_text(text: str) -> date:
    """``2024-03-05``, ``2024/3/5``, ``2024.3.5`` or ``2024年3月5日`` → a date (``CellError`` otherwise)."""
    numbers = re.findall(r"\d+", text)
    if len(numbers) != 3 or not re.fullmatch(_DATE, text.strip()):
        raise CellError(f"不是日期：{text}")
    try:
        return date(int(numbers[0]), int(numbers[1]), int(numbers[2]))
    except ValueError:
        raise CellError(f"不存在的日期：{text}") from None


def parse_amount(text: str) -> float | int:
    cleaned = text.replace(",", "").replace("，", "")
    try:
        number = float(cleaned)
    except ValueError:
        raise CellError(f"不是金额：{text}") from None
    return int(number) if number.is_integer() and "." not in cleaned else number


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r", "\n").split("\n") if line.strip()]


@dataclass(frozen=True)
class ScheduleItem:
    name: str
    planned: date | None
    actual: date | None


def parse_schedule(text: str) -> list[ScheduleItem]:
    items = []
    for line in (part.strip() for raw in _lines(text) for part in re.split(r"[；;]", raw)):
        if not line:
            continue
        name, _, rest = line.partition("：") if "：" in line else line.partition(":")
        name = name.strip()
        if not name:
            raise CellError(f"节点缺少名称：{line}")
        planned = actual = None
        for match in _MILESTONE_PART.finditer(rest):
            value = None if match.group(2) in ("-", "无") else parse_date_text(match.group(2))
            if match.group(1) == "计划":
                planned = value
            else:
                actual = value
        leftover = re.sub(r"[\s,，]", "", _MILESTONE_PART.sub("", rest))
        if leftover:
            raise CellError(f"节点「{line}」应写成 节点名：计划 YYYY-MM-DD，实际 YYYY-MM-DD")
        items.append(ScheduleItem(name, planned, actual))
    return items


@dataclass(frozen=True)
class SourceItem:
    kind: str
    planned_wan: float | int
    received_wan: float | int
    received_on: date | None
    note: str | None


def parse_sources(text: str) -> list[SourceItem]:
    items = []
    for line in _lines(text):
        match = _SOURCE.fullmatch(line)
        if match is None:
            raise CellError(f"资金来源「{line}」应写成 来源：计划 金额，到位 金额（万元）")
        note = (match.group("note") or "").strip() or None
        received_on = match.group("received_on")
        items.append(
            SourceItem(
                match.group("kind").strip(),
                parse_amount(match.group("planned")),
                parse_amount(match.group("received")),
                parse_date_text(received_on) if received_on else None,
                note,
            )
        )
    return items


@dataclass(frozen=True)
class ProblemItem:
    id: str
    text: str
    category: str
    department: str
    raised: date
    due: date | None


def parse_problems(text: str) -> list[ProblemItem]:
    items = []
    for line in _lines(text):
        match = _PROBLEM.fullmatch(line)
        if match is None:
            raise CellError(
                f"问题「{line}」应写成 编号 问题〔类别，责任部门，提出 YYYY-MM-DD，时限 YYYY-MM-DD〕"
            )
        due = match.group("due")
        items.append(
            ProblemItem(
                match.group("id"),
                match.group("text").strip(),
                match.group("category").strip(),
                match.group("department").strip(),
                parse_date_text(match.group("raised")),
                parse_date_text(due) if due else None,
            )
        )
    return items
