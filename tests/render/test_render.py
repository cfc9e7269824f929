"""Generic renderer features: column kinds, column groups, optional columns, tables wider than the terminal."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console

from baozufang_cli.render.data import render_csv, render_md
from baozufang_cli.render.table import render_table
from baozufang_cli.render.text import cell_text
from baozufang_cli.reports.value import Column, Report, Table


def terminal(report: Report, width: int) -> str:
    out = io.StringIO()
    render_table(report, Console(file=out, width=width, color_system=None))
    return out.getvalue()


def report(*tables: Table) -> Report:
    return Report("报表", date(2024, 6, 30), "测试", list(tables), {})


def test_kinds() -> None:
    assert cell_text(Column("y", "年度", "year"), 2024) == "2024"
    assert cell_text(Column("n", "天数", "number"), 12.0) == "12"
    assert cell_text(Column("n", "天数", "number"), 12.5) == "12.5"
    assert cell_text(Column("n", "天数", "number"), 1234) == "1,234"
    assert cell_text(Column("i", "套数", "int"), 1234) == "1,234"


def test_groups_head_the_terminal_once_and_prefix_csv_and_markdown() -> None:
    columns = [
        Column("d", "区县"),
        Column("s_t", "目标", "int", group="启动"),
        Column("s_a", "完成", "int", group="启动"),
        Column("d_t", "目标", "int", group="交付"),
    ]
    table = Table("表", columns, [{"d": "南明区", "s_t": 1, "s_a": 2, "d_t": 3}])
    lines = terminal(report(table), 80).splitlines()
    group_line = next(line for line in lines if "启动" in line)
    assert group_line.count("启动") == 1 and group_line.count("交付") == 1
    assert render_csv(table).splitlines()[0] == "区县,启动目标,启动完成,交付目标"
    assert "| 区县 | 启动目标 | 启动完成 | 交付目标 |" in render_md(report(table))


def test_subtotal_rows_are_bold_in_markdown() -> None:
    table = Table("表", [Column("a", "甲")], [{"a": "x"}, {"a": "小计"}], flags={1: {"subtotal"}})
    assert "| **小计** |" in render_md(report(table)) and "| x |" in render_md(report(table))


def _wide_table(optional: bool) -> Table:
    columns = [Column(f"c{i}", f"第{i}列", "date", optional=(i if optional else 0)) for i in range(8)]
    return Table("表", columns, [{f"c{i}": date(2024, 1, i + 1) for i in range(8)}])


def test_optional_columns_are_left_out_only_when_the_table_does_not_fit() -> None:
    wide = terminal(report(_wide_table(optional=True)), 200)
    assert "第7列" in wide and "已省略" not in wide
    narrow = terminal(report(_wide_table(optional=True)), 60)
    assert "已省略：第7列、第6列、第5列、第4列（用 --wide 显示全部列）" in narrow  # highest `optional` first
    assert "第0列" in narrow and "第4列" not in narrow.split("已省略")[0]
    assert max(cell_len(line) for line in narrow.splitlines()) <= 60


def test_a_table_of_essential_columns_loses_its_rightmost_ones_and_says_so() -> None:
    text = terminal(report(_wide_table(optional=False)), 60)
    assert all(f"2024-01-0{i + 1}" in text for i in range(4))
    assert "已省略：第7列、第6列、第5列、第4列" in text
    assert max(cell_len(line) for line in text.splitlines()) <= 60


def test_wide_keeps_every_column_at_its_natural_width() -> None:
    out = io.StringIO()
    render_table(
        report(_wide_table(optional=True)), Console(file=out, width=60, color_system=None), wide=True
    )
    lines = out.getvalue().splitlines()
    assert all(f"2024-01-0{i + 1}" in lines[-1] for i in range(8)) and "已省略" not in out.getvalue()


def test_headers_of_numbers_fold_onto_two_lines_before_anything_is_left_out() -> None:
    columns = [Column("d", "区县"), *(Column(f"n{i}", "已启动套数", "int") for i in range(5))]
    table = Table("表", columns, [{"d": "南明区", **{f"n{i}": 1 for i in range(5)}}])
    text = terminal(report(table), 60)  # 71 cells with one-line headers
    assert "已省略" not in text and text.count("已启动") == 5 and text.count("套数") == 5
    assert max(cell_len(line) for line in text.splitlines()) <= 60


def shown_texts(text: str, columns: list[Column], texts: list[str]) -> str:
    """The cell texts of the columns the terminal did not name as left out."""
    omitted = (
        text.split("已省略：")[1].split("（")[0].replace("\n", "").split("、") if "已省略：" in text else []
    )
    return "".join(t for column, t in zip(columns, texts, strict=True) if column.header not in omitted)


def test_long_text_wraps_instead_of_being_cut() -> None:
    long = "闲置存量住房和非居住存量房屋改建"
    table = Table("表", [Column(f"c{i}", "名称") for i in range(6)], [{f"c{i}": long for i in range(6)}])
    text = terminal(report(table), 100)
    assert "…" not in text
    lines = text.splitlines()
    body = lines[next(i for i, line in enumerate(lines) if line.startswith("---")) + 1 :]
    assert "".join(line.split()[0] for line in body if line.strip()) == long  # first column, folded


CJK = "保障性租赁住房人才公寓改建项目"


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet=CJK, min_size=1, max_size=6), st.text(alphabet=CJK, min_size=1, max_size=30)
        ),
        min_size=2,
        max_size=8,
    ),
    st.integers(40, 140),
)
def test_squeezed_tables_lose_no_character(columns_and_texts: list[tuple[str, str]], width: int) -> None:
    """Rich's own collapse ignores column floors and then crops what it overfilled: every character
    of every cell must still be printed, and no line may be wider than the terminal."""
    columns = [Column(f"c{i}", header) for i, (header, _) in enumerate(columns_and_texts)]
    columns.append(Column("d", "日期", "date"))
    row: dict[str, object] = {f"c{i}": text for i, (_, text) in enumerate(columns_and_texts)}
    row["d"] = date(2024, 6, 30)
    text = terminal(report(Table("表", columns, [row])), width)
    texts = [t for _, t in columns_and_texts] + ["2024-06-30"]
    assert Counter(shown_texts(text, columns, texts)) <= Counter(text)
    assert max(cell_len(line) for line in text.splitlines()) <= width


def test_a_long_header_over_short_cells_does_not_make_rich_crop_the_last_column() -> None:
    # rich equalises the widest foldable columns (甲 乙 丙) down to 9 cells, below their floor of 10,
    # while 丁 keeps the width of its header; clamped back to 10 they overfill the line, which
    # rich then crops at the terminal edge (the bug this layout avoids)
    texts = {
        "a": "保障性租赁住房人才公寓改建项目"[:14],
        "b": "人才公寓改建项",
        "c": "保障性租赁住",
        "d": "新建",
    }
    columns = [Column("a", "甲"), Column("b", "乙"), Column("c", "丙"), Column("d", "筹集方式")]
    for width in range(40, 75):
        text = terminal(report(Table("表", columns, [texts])), width)
        assert Counter(shown_texts(text, columns, list(texts.values()))) <= Counter(text), width
        assert max(cell_len(line) for line in text.splitlines()) <= width
