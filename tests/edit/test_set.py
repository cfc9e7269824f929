"""`bzf set` and `bzf problem`: one change, in the right place, or a clear refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run

G1 = "projects/观山湖/G-1.yaml"
G2 = "projects/观山湖/G-2.yaml"
N1 = "projects/南明/N-1.yaml"


@pytest.fixture
def root(ledger) -> Path:  # type: ignore[no-untyped-def]
    return ledger("base", "typical")  # type: ignore[no-any-return]


def read(root: Path, rel: str) -> str:
    return (root / rel).read_text(encoding="utf-8")


def diff(before: str, after: str) -> tuple[list[str], list[str]]:
    """Lines only in ``before``, lines only in ``after`` (enough to pin one-line edits)."""
    old, new = before.split("\n"), after.split("\n")
    return [line for line in old if line not in new], [line for line in new if line not in old]


def edit(root: Path, rel: str, *args: str) -> tuple[list[str], list[str]]:
    before = read(root, rel)
    result = run(*args, "--data", root, "--as-of", "2025-12-31")
    assert result.exit_code == 0, result.output
    assert run("check", "--data", root, "--as-of", "2025-12-31").exit_code == 0
    return diff(before, read(root, rel))


def refused(root: Path, rel: str, code: int, *args: str) -> str:
    before = read(root, rel)
    result = run(*args, "--data", root, "--as-of", "2025-12-31")
    assert result.exit_code == code, result.output
    assert read(root, rel) == before
    return result.stderr


def test_milestone_actual_date_by_alias(root: Path) -> None:
    assert edit(root, G2, "set", "G-2", "交付使用", "--actual", "2025-06-01") == (
        ["  - {name: 交付, planned: 2025-06-30}"],
        ["  - {name: 交付, planned: 2025-06-30, actual: 2025-06-01}"],
    )


def test_planned_date_and_clearing_the_actual_date(root: Path) -> None:
    assert edit(root, G1, "set", "G-1", "主体封顶", "--planned", "2023-11-30") == (
        ["  - {name: 主体封顶, planned: 2023-12-01, actual: 2023-12-20}"],
        ["  - {name: 主体封顶, planned: 2023-11-30, actual: 2023-12-20}"],
    )
    assert edit(root, G1, "set", "G-1", "交付", "--clear-actual") == (
        ["  - {name: 交付使用, planned: 2024-05-31, actual: 2024-06-30}"],
        ["  - {name: 交付使用, planned: 2024-05-31, actual: null}"],
    )


def test_a_missing_milestone_is_inserted_in_sequence_position(root: Path) -> None:
    assert edit(root, G2, "set", "G-2", "封顶", "--planned", "2024-12-31") == (
        [],
        ["  - {name: 主体封顶, planned: 2024-12-31}"],
    )
    lines = read(root, G2).splitlines()
    assert lines[-3:] == [
        "  - {name: 开工, planned: 2024-03-01, actual: 2024-04-10}",
        "  - {name: 主体封顶, planned: 2024-12-31}",
        "  - {name: 交付, planned: 2025-06-30}",
    ]


def test_an_edit_that_breaks_a_rule_is_refused_with_the_location(root: Path) -> None:
    # clearing 开工 while 交付使用 is done would make a delivered project "not started"
    stderr = refused(root, G1, 3, "set", "G-1", "开工", "--clear-actual")
    assert f"{G1}:13:47: delivered-not-started" in stderr and "delivered-not-started" in stderr
    assert "未写入" in stderr


@pytest.mark.parametrize("field", ["units", "套数"])
def test_a_field_by_key_or_chinese_title(root: Path, field: str) -> None:
    assert edit(root, G2, "set", "G-2", field, "820") == (["units: 500"], ["units: 820"])


def test_a_nested_field_creates_its_mapping_in_schema_position(root: Path) -> None:
    assert edit(root, G2, "set", "G-2", "operations.leased_units", "400") == (
        [],
        ["operations:", "  leased_units: 400"],
    )
    edit(root, G2, "set", "G-2", "responsible_unit", "观山湖区住建局")
    lines = read(root, G2).splitlines()
    assert lines.index("responsible_unit: 观山湖区住建局") == lines.index("plan_year: 2024") + 1


def test_names_are_written_in_their_official_form(root: Path) -> None:
    assert edit(root, G2, "set", "G-2", "district", "南明") == (["district: 观山湖区"], ["district: 南明区"])


def test_lists_dates_and_list_items_by_id(root: Path) -> None:
    assert edit(root, G2, "set", "G-2", "tags", "人才租赁住房，青年") == ([], ["tags: [人才租赁住房, 青年]"])
    assert edit(root, G1, "set", "G-1", "problems.P1.due", "2023-03-31") == (
        [
            "  - {id: P1, text: 施工许可滞后, category: 建设手续, department: 市住建局, raised: 2023-01-10, "
            "due: 2023-02-28, closed: 2023-03-01}"
        ],
        [
            "  - {id: P1, text: 施工许可滞后, category: 建设手续, department: 市住建局, raised: 2023-01-10, "
            "due: 2023-03-31, closed: 2023-03-01}"
        ],
    )


def test_a_project_is_found_in_any_subfolder(root: Path) -> None:
    assert edit(root, "projects/贵安/sub/GA-1.yaml", "set", "GA-1", "units", "1999")[1] == ["units: 1999"]


def test_clear_sets_null(root: Path) -> None:
    edit(root, G2, "set", "G-2", "note", "临时")
    assert edit(root, G2, "set", "G-2", "note", "--clear") == (["note: 临时"], ["note: null"])


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("units", "12.5"), "「套数」(units)应为整数，实为 12.5"),
        (("units", "八百"), "应为整数"),
        (("开工", "--actual", "2024/3/5"), "请写成 2024-03-05"),
        (("开工", "2024-03-05"), "开工 是节点，实际完成：bzf set G-2 开工 --actual 2024-03-05"),
        (("unit", "5"), "是否为 units？"),
        (("竣工", "--actual", "2024-03-05"), "是否为 竣工验收？"),
        (("operations", "5"), "「运营」(operations)是一组字段，请指定其中一项"),
        (("milestones", "5"), "是列表"),
        (("id", "X-1"), "项目编号不能用 bzf set 修改"),
        (("unit_kind", "栋"), "可选：套、间"),
        (("district", "火星"), '未知区县 "火星"'),
        (("units",), "缺少要设置的值"),
    ],
)
def test_bad_command_lines_exit_2_with_a_chinese_reason(
    root: Path, args: tuple[str, ...], needle: str
) -> None:
    assert needle in refused(root, G2, 2, "set", "G-2", *args)


def test_an_unknown_project_names_the_closest(root: Path) -> None:
    result = run("set", "G-3", "units", "5", "--data", root)
    assert result.exit_code == 2
    assert "找不到项目「G-3」，是否为：" in result.stderr and "G-2 观山湖乙公寓" in result.stderr


def test_an_invalid_value_is_refused_with_exit_3(root: Path) -> None:
    stderr = refused(root, G2, 3, "set", "G-2", "units", "0")
    assert f"{G2}:5:8: out-of-range" in stderr


def test_dry_run_shows_the_diff_and_writes_nothing(root: Path) -> None:
    before = read(root, G2)
    result = run("set", "G-2", "units", "820", "--dry-run", "--data", root)
    assert result.exit_code == 0
    assert (
        f"--- a/{G2}" in result.stdout and "-units: 500" in result.stdout and "+units: 820" in result.stdout
    )
    assert read(root, G2) == before


def test_problem_add_numbers_and_styles_like_its_siblings(root: Path) -> None:
    assert edit(
        root, G1, "problem", "add", "G-1", "--text", "资金未到位", "-c", "资金", "--department", "市财政局",
        "--due", "2025-12-31", "--raised", "2025-11-01",
    ) == (
        [],
        ["  - {id: P2, text: 资金未到位, category: 资金来源, department: 市财政局, raised: 2025-11-01, due: 2025-12-31}"],
    )  # fmt: skip


def test_problem_add_starts_a_list_in_schema_position(root: Path) -> None:
    assert edit(root, G2, "problem", "add", "G-2", "--text", "用地手续", "-c", "房源筹集", "--department", "区自然资源局") == (
        [],
        ["problems:", "  - {id: P1, text: 用地手续, category: 房源筹集, department: 区自然资源局, raised: 2025-12-31}"],
    )  # fmt: skip


def test_problem_close_and_closing_twice(root: Path) -> None:
    assert edit(root, N1, "problem", "close", "N-1", "P1", "--date", "2024-03-20", "-r", "整改完成") == (
        ["  - {id: P1, text: 消防验收整改, category: 组织实施, department: 市消防救援支队, raised: 2024-02-01, due: 2024-03-31}"],
        [
            "  - {id: P1, text: 消防验收整改, category: 组织实施, department: 市消防救援支队, raised: 2024-02-01, "
            "due: 2024-03-31, closed: 2024-03-20, resolution: 整改完成}"
        ],
    )  # fmt: skip
    stderr = refused(root, N1, 2, "problem", "close", "N-1", "P1")
    assert "问题 P1 已于 2024-03-20 办结" in stderr and "bzf set N-1 problems.P1.closed" in stderr


def test_problem_close_before_it_was_raised_is_refused(root: Path) -> None:
    stderr = refused(root, N1, 3, "problem", "close", "N-1", "P1", "--date", "2024-01-01")
    assert "problem-dates" in stderr and "早于提出日期" in stderr


def test_problem_errors(root: Path) -> None:
    assert "没有问题 P9，现有问题：P1" in refused(root, N1, 2, "problem", "close", "N-1", "P9")
    stderr = refused(root, N1, 2, "problem", "add", "N-1", "--text", "x", "-c", "其他", "--department", "y")
    assert '未知问题类别 "其他"' in stderr


def test_a_file_changed_by_someone_else_during_the_edit_is_not_overwritten(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from baozufang_cli.edit.document import Document

    theirs = read(root, G2).replace("units: 500", "units: 510")
    original_prepare = Document.prepare

    def someone_saves_meanwhile(self: Document, *args: object, **kwargs: object) -> str:
        (root / G2).write_text(theirs, encoding="utf-8")
        return original_prepare(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Document, "prepare", someone_saves_meanwhile)
    result = run("set", "G-2", "plan_year", "2025", "--data", root)
    assert result.exit_code == 3
    assert f"bzf：{G2} 在读取后已被修改（可能有人同时在编辑），未写入，请重新运行命令" in result.stderr
    assert read(root, G2) == theirs
