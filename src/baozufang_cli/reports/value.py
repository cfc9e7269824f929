"""The shape every report returns and every renderer reads.

A report is one or more ``Table``s (columns + rows of plain values) plus ``data``, the
JSON payload whose keys are a contract (see docs/commands/). Renderers know tables, not the domain:
adding a format is one function, adding a report never touches a renderer.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

# "year" is an int shown as a label: no thousands separator (2024, not 2,024), left-aligned;
# "number" is an int or float shown with at most one decimal (a median of days: 12 or 12.5);
# "code" is text that is never wrapped (project ids, phone numbers)
ColumnKind = Literal["text", "code", "int", "year", "number", "float", "money", "pct", "date", "bool"]


@dataclass(frozen=True)
class LightRule:
    """How ``facts/pace.district_light`` lights a row, for a spreadsheet formula: completion
    ``actual / target`` against 序时进度 ``elapsed`` (an exact fraction), by the thresholds."""

    actual: str  # column keys of the same row
    target: str
    elapsed: tuple[int, int]  # numerator, denominator
    yellow_points: float
    red_points: float
    labels: tuple[str, str, str, str]  # green, yellow, red, no target


@dataclass(frozen=True)
class Column:
    key: str  # the row key (and JSON key)
    header: str  # Chinese header shown to users
    kind: ColumnKind = "text"
    bar: bool = False  # terminal only: draw a small progress bar after a percentage
    screen: bool = True  # False: left out of terminal and Markdown tables (too wide); CSV and Excel keep it
    # a heading shared by adjacent columns (启动 | 目标 完成 缺口 …): the terminal shows it once
    # above the first of them, CSV and Markdown prefix it to each header (启动目标)
    group: str = ""
    # terminal only: when a table is wider than the terminal, optional columns are left out,
    # the highest number first (0 = always shown); CSV, JSON and Markdown keep every column
    optional: int = 0
    # terminal only: a row whose ``repeat`` cells all equal those of the row above shows them blank,
    # so the rows of one project (or one commit) read as a group; CSV, JSON and Markdown repeat them
    repeat: bool = True
    # spreadsheets: the 合计/小计 cell is a formula, so a number corrected in the meeting flows
    # through — ``sums``: =SUM of the rows above; ``ratio_of`` (numerator key, denominator key):
    # the ratio of those two cells of the same total row. Other cells hold the computed value.
    sums: bool = False
    ratio_of: tuple[str, str] | None = None
    # a 灯 cell of a total row as a formula over that row's own cells (``LightRule``): a filtered
    # view's 合计 is lit from the filtered totals, as ``facts/pace.district_light`` lights a district
    light_of: LightRule | None = None

    @property
    def full_header(self) -> str:
        return self.group + self.header


@dataclass(frozen=True)
class Highlight:
    """Spreadsheets: the cell that decides a row flag, so the highlight is a conditional format
    that follows edits. A row gets ``flag`` when the cell in ``column`` equals ``equals`` (a bool
    means 是/否), is greater than ``above``, or contains ``contains``; several highlights of
    one flag are alternatives. Flags without a highlight are painted on the rows as computed."""

    flag: str
    column: str
    equals: Any = None
    above: float | None = None
    contains: str | None = None
    label: str = ""  # what the colour means, for a spreadsheet's legend (default: by flag)


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    total: dict[str, Any] | None = None  # the 合计 row, rendered last
    # row index → flags such as "overdue", "shortfall", "upcoming", "late", "subtotal", "muted";
    # renderers map flags to styles (a row with "subtotal" is a 小计 of the rows since the previous
    # one; a "muted" row is shown for context and is not part of any 小计 or 合计)
    flags: dict[int, set[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # summary lines printed under the table
    # the heading of a multi-part report this table belongs to (一、本期进展): the terminal and
    # Markdown print it once above its tables, a workbook may give each section a sheet
    section: str = ""
    highlights: tuple[Highlight, ...] = ()

    def for_screen(self) -> Table:
        """The columns a terminal or Markdown table shows."""
        return self.select([c.key for c in self.columns if c.screen])

    def select(self, keys: list[str]) -> Table:
        """The same table with only ``keys`` as columns, in that order."""
        by_key = {c.key: c for c in self.columns}
        return replace(self, columns=[by_key[k] for k in keys])


@dataclass
class Report:
    title: str  # e.g. 项目进度汇总
    as_of: date | None  # None for a report that is not "as of" a day (bzf diff, bzf log)
    ledger: str  # the ledger's name (the plan)
    tables: list[Table]
    data: dict[str, Any]  # the JSON payload (keys fixed by docs/commands/)
    subtitle: list[str] = field(default_factory=list)  # filters and other context lines
    primary_index: int = -1  # which table CSV writes; a report whose main table comes first says 0

    @classmethod
    def as_of_day(
        cls, title: str, ledger: str, as_of: date, tables: list[Table], data: dict[str, Any], **more: Any
    ) -> Report:
        """A report as of a day: the day is printed on it and leads its JSON payload (the contract)."""
        return cls(title, as_of, ledger, tables, {"as_of": as_of.isoformat(), **data}, **more)

    @property
    def primary(self) -> Table:
        """The table CSV writes (by default the last one: earlier tables are context, like city targets)."""
        return self.tables[self.primary_index]

    def header_lines(self) -> list[str]:
        first = self.title if self.as_of is None else f"{self.title}  统计截至 {self.as_of.isoformat()}"
        return [first, f"台账：{self.ledger}", *self.subtitle]

    @property
    def sections(self) -> list[tuple[str, list[Table]]]:
        """Tables grouped by ``section`` in order (one group with an empty name when unsectioned)."""
        groups: list[tuple[str, list[Table]]] = []
        for table in self.tables:
            if not groups or groups[-1][0] != table.section:
                groups.append((table.section, []))
            groups[-1][1].append(table)
        return groups


@dataclass(frozen=True)
class Chart:
    """A bar chart drawn from a table's cells (spreadsheets): one bar per row, one series per column."""

    title: str
    category: str  # the column key naming each bar group (e.g. district)
    series: tuple[tuple[str, str], ...]  # (column key, series name)
    axis_title: str = ""
    table: int = -1  # which table of the sheet


@dataclass
class Sheet:
    """One worksheet of a workbook: tables of a report stacked top to bottom."""

    name: str  # the sheet tab (≤ 31 characters)
    report: Report  # title lines (统计截至, 台账, filters) come from it
    tables: list[Table]
    title: str = ""  # the heading after the city name; default the report's title
    main: int = 0  # the table whose header is frozen, filtered and repeated on printed pages
    freeze_columns: int = 0  # columns kept in view when scrolling right (e.g. 序号, 编号, 名称)
    chart: Chart | None = None
    lines: list[str] = field(default_factory=list)  # under the subtitle: the form line, a headline
    closing: list[str] = field(default_factory=list)  # after the last table (and chart): signatures
    wrap_width: int = 0  # text wider than this many display cells wraps (0: the renderer's default)


def ratio(part: float, whole: float) -> float | None:
    """part / whole rounded for display and JSON; None when there is nothing to divide by."""
    if not whole:
        return None
    return round(part / whole, 4)
