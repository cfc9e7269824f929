"""Plain-text table rows: byte for byte what the all-rich renderer prints, colour on or off."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console

from baozufang_cli.render.plain_table import cell_width
from baozufang_cli.render.table import FLAG_STYLES, _render_table_rich, render_table
from baozufang_cli.reports.value import Column, Report, Table

CJK = "保障性租赁住房人才公寓改建项目南明区"
ASCII = "abcXYZ019-_,.()[]#"
AMBIGUOUS = "±§°×÷αβ─│①"  # one cell in rich, two in some CJK terminals
EMOJI = [
    "😀",
    "👍🏽",
    "👨\u200d👩\u200d👧",
    "❤\ufe0f",
    "🇨🇳",
    "\u0301",
]  # wide, modified, ZWJ, VS16, flag, combining
SPACES = [" ", "  ", "\u3000", "\t", "\n"]

pieces = st.one_of(
    st.sampled_from(list(CJK)),
    st.sampled_from(list(ASCII)),
    st.sampled_from(list(AMBIGUOUS)),
    st.sampled_from(EMOJI),
    st.sampled_from(SPACES),
)
texts = st.one_of(
    st.text(alphabet=CJK, max_size=50),
    st.text(alphabet=ASCII, max_size=30),
    st.lists(pieces, max_size=25).map("".join),
)
KINDS = ["text", "text", "text", "int", "number", "money", "pct", "date", "year"]


def value(kind: str) -> st.SearchStrategy[Any]:
    if kind == "text":  # long names fold when the table is squeezed
        return st.one_of(texts, st.none(), st.text(alphabet=CJK + "-0", min_size=15, max_size=60))
    if kind in ("int", "year"):
        return st.one_of(st.integers(-(10**7), 10**9), st.none())
    if kind == "date":
        return st.one_of(st.dates(date(2000, 1, 1), date(2030, 12, 31)), st.none())
    return st.one_of(st.floats(-1e6, 1e7, allow_nan=False), st.none())


@st.composite
def tables(draw: st.DrawFn) -> Table:
    count = draw(st.integers(1, 7))
    groups = draw(st.booleans())
    columns = []
    for i in range(count):
        kind = draw(st.sampled_from(KINDS))
        columns.append(
            Column(
                f"c{i}",
                draw(st.one_of(st.text(alphabet=CJK, min_size=1, max_size=8), texts.filter(bool))),
                kind,  # type: ignore[arg-type]
                bar=kind == "pct" and draw(st.booleans()),
                group=draw(st.sampled_from(["", "启动", "交付"])) if groups else "",
                optional=draw(st.integers(0, 3)),
                repeat=draw(st.booleans()) or i > 1,
            )
        )
    rows = draw(st.lists(st.fixed_dictionaries({c.key: value(c.kind) for c in columns}), max_size=12))
    flags = draw(
        st.dictionaries(
            st.integers(0, max(0, len(rows) - 1)),
            st.sets(st.sampled_from([*FLAG_STYLES, "other"]), max_size=3),
            max_size=len(rows),
        )
    )
    total = draw(st.one_of(st.none(), st.fixed_dictionaries({c.key: value(c.kind) for c in columns})))
    notes = draw(st.lists(st.text(alphabet=CJK, max_size=10), max_size=1))
    return Table("表", columns, rows, total=total, flags=flags, notes=notes)


CONSOLES = [
    {"color_system": None},
    {"color_system": "standard", "force_terminal": True},
    {"color_system": "truecolor", "force_terminal": True},
    {"color_system": "256", "force_terminal": False},
    {"color_system": "truecolor", "force_terminal": True, "no_color": True},
]


def both(report: Report, width: int, wide: bool, options: dict[str, Any]) -> tuple[str, str]:
    outputs = []
    for render in (render_table, _render_table_rich):
        out = io.StringIO()
        render(report, Console(file=out, width=width, highlight=False, **options), wide)
        outputs.append(out.getvalue())
    return outputs[0], outputs[1]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(tables(), min_size=1, max_size=2),
    st.integers(40, 200),
    st.booleans(),
    st.sampled_from(CONSOLES),
)
def test_plain_rows_print_what_rich_prints(
    tables: list[Table], width: int, wide: bool, options: dict[str, Any]
) -> None:
    report = Report("报表", date(2024, 6, 30), "测试", tables, {})
    plain, rich = both(report, width, wide, options)
    assert plain == rich


@pytest.mark.parametrize("options", CONSOLES)
@pytest.mark.parametrize("width", [40, 80, 120])
def test_folded_names_flags_and_a_total_print_what_rich_prints(options: dict[str, Any], width: int) -> None:
    columns = [
        Column("s", "状态"),
        Column("id", "项目编号", "code"),
        Column("name", "项目名称"),
        Column("days", "逾期天数", "int"),
    ]
    rows = [
        {"s": "逾期", "id": f"XF-2021-{i:05}", "name": "息烽县朱昌租赁社区二期" * (i % 3 + 1), "days": i * 97}
        for i in range(30)
    ]
    flags = {i: {"overdue"} if i % 2 else {"upcoming", "subtotal"} for i in range(0, 30, 3)}
    table = Table("表", columns, rows, total={"s": "合计", "days": 12345}, flags=flags)
    report = Report("报表", date(2024, 6, 30), "测试", [table], {})
    for wide in (False, True):
        plain, rich = both(report, width, wide, options)
        assert plain == rich


def test_an_empty_table_prints_its_caption() -> None:
    columns = [Column("a", "项目名称"), Column("b", "计划日期", "date")]
    report = Report("报表", date(2024, 6, 30), "测试", [Table("表", columns, [])], {})
    plain, rich = both(report, 80, False, {"color_system": None})
    assert plain == rich and "（无数据）" in plain


@given(st.lists(pieces, max_size=20).map("".join))
def test_cell_width_is_rich_cell_len(text: str) -> None:
    assert cell_width(text) == cell_len(text)
