"""`bzf fmt`: the canonical layout, --check for CI, --fix-encoding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run

MESSY = """\
# 顺序打乱的项目文件
milestones:
    - name: 开工          # 块状节点
      actual: '2024-03-05'
      planned: 2024/3/1
    - {planned: 2025年6月30日, name: 交付}
units: 1200   # 套数
id: A-1
name: "甲公寓"
note:
operations:
    leased_units: 10
    rent_yuan_m2: 18.5   # 租金
owner: ~
district: 观山湖
supply_type: new_build
plan_year: 2024
updated: "2024/13/45"
"""

CANONICAL = """\
# 顺序打乱的项目文件
id: A-1
name: "甲公寓"
district: 观山湖
supply_type: new_build
units: 1200   # 套数
plan_year: 2024
owner: null
milestones:
  - name: 开工            # 块状节点
    planned: 2024-03-01
    actual: 2024-03-05
  - {name: 交付, planned: 2025-06-30}
operations:
  rent_yuan_m2: 18.5     # 租金
  leased_units: 10
updated: "2024/13/45"
note: null
"""


@pytest.fixture
def root(ledger) -> Path:  # type: ignore[no-untyped-def]
    return ledger("base")  # type: ignore[no-any-return]


def put(root: Path, rel: str, content: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def test_fmt_writes_the_canonical_layout(root: Path) -> None:
    path = put(root, "projects/A-1.yaml", MESSY)
    result = run("fmt", "--data", root)
    assert result.exit_code == 0
    assert result.stdout == "已格式化 projects/A-1.yaml\n格式化完成：1 个文件，1 个已改写\n"
    # keys in schema order with their comments; dates that are clearly dates become YYYY-MM-DD,
    # an impossible one is left for bzf check to report; nulls spelled null; 2-space indentation
    assert path.read_text(encoding="utf-8") == CANONICAL


def test_check_lists_files_that_would_change_and_changes_nothing(root: Path) -> None:
    put(root, "projects/A-1.yaml", MESSY)
    put(root, "projects/sub/B-1.yaml", CANONICAL.replace("A-1", "B-1"))
    result = run("fmt", "--check", "--data", root)
    assert result.exit_code == 1
    assert result.stdout == "projects/A-1.yaml\n"
    assert "1 个需要格式化（运行 bzf fmt）" in result.stderr
    assert (root / "projects/A-1.yaml").read_text(encoding="utf-8") == MESSY
    run("fmt", "--data", root)
    result = run("fmt", "--check", "--data", root)
    assert result.exit_code == 0 and "格式均已规范" in result.stdout


def test_fmt_is_idempotent_and_keeps_every_comment(root: Path) -> None:
    path = put(root, "projects/A-1.yaml", MESSY)
    run("fmt", "--data", root)
    once = path.read_bytes()
    result = run("fmt", "--data", root)
    assert result.stdout.endswith("0 个已改写\n")
    assert path.read_bytes() == once
    comments = sorted(line.split("#", 1)[1] for line in MESSY.splitlines() if "#" in line)
    assert sorted(line.split("#", 1)[1] for line in once.decode().splitlines() if "#" in line) == comments


def test_line_endings_and_bom_are_kept(root: Path) -> None:
    path = put(root, "projects/A-1.yaml", b"\xef\xbb\xbf" + MESSY.replace("\n", "\r\n").encode())
    run("fmt", "--data", root)
    assert path.read_bytes() == b"\xef\xbb\xbf" + CANONICAL.replace("\n", "\r\n").encode()
    assert run("fmt", "--check", "--data", root).exit_code == 0


def test_files_that_do_not_parse_are_reported_and_the_rest_formatted(root: Path) -> None:
    put(root, "projects/A-1.yaml", MESSY)
    put(root, "projects/B-1.yaml", 'id: B-1\nname: "x\n')
    result = run("fmt", "--data", root)
    assert result.exit_code == 1
    assert "projects/B-1.yaml:2:7: yaml-syntax:" in result.stderr
    assert "2 个文件，1 个无法处理，1 个已改写" in result.stderr
    assert (root / "projects/A-1.yaml").read_text(encoding="utf-8") == CANONICAL


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-16-le"])
def test_fix_encoding_converts_to_utf8(root: Path, encoding: str) -> None:
    valid = CANONICAL.replace('"2024/13/45"', "2024-06-28")
    path = put(root, "projects/A-1.yaml", valid.encode(encoding))
    result = run("fmt", "--check", "--data", root)
    assert result.exit_code == 1 and "encoding:" in result.stderr and "--fix-encoding" in result.stderr
    assert (
        run("fmt", "--check", "--fix-encoding", "--data", root).stdout
        == "projects/A-1.yaml（转换为 UTF-8）\n"
    )
    result = run("fmt", "--fix-encoding", "--data", root)
    assert result.exit_code == 0
    assert path.read_bytes() == valid.encode("utf-8")
    diagnostics = json.loads(run("check", "--data", root, "-f", "json").stdout)
    assert [d for d in diagnostics if d["severity"] == "error"] == []


def test_explicit_files_and_folders(root: Path) -> None:
    put(root, "projects/A-1.yaml", MESSY)
    put(root, "projects/x/B-1.yaml", MESSY.replace("A-1", "B-1"))
    put(root, "projects/y/C-1.yaml", MESSY.replace("A-1", "C-1"))
    result = run("fmt", "--check", root / "projects/A-1.yaml", root / "projects/x")
    assert result.stdout.splitlines() == [
        (root / "projects/A-1.yaml").as_posix(),
        (root / "projects/x/B-1.yaml").as_posix(),
    ]
    assert run("fmt", root / "missing.yaml").exit_code == 2


def test_targets_and_criteria_are_ordered_by_their_own_schema(tmp_path: Path) -> None:
    path = tmp_path / "targets.yaml"
    path.write_text("districts:\n- {name: 观山湖区, code: '520115'}\nplan: 计划  # 名称\n", encoding="utf-8")
    assert run("fmt", path).exit_code == 0
    assert (
        path.read_text(encoding="utf-8")
        == "plan: 计划  # 名称\ndistricts:\n  - {name: 观山湖区, code: '520115'}\n"
    )


def test_self_assessments_keep_their_key_order_but_get_iso_dates(tmp_path: Path) -> None:
    path = tmp_path / "assessments" / "2024-06" / "南明区.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(
        "filled_by: 吴某\nsubmitted: 2024/7/3\nitems:\n    dispatch: {score: 5}\n", encoding="utf-8"
    )
    assert run("fmt", path).exit_code == 0
    assert (
        path.read_text(encoding="utf-8")
        == "filled_by: 吴某\nsubmitted: 2024-07-03\nitems:\n  dispatch: {score: 5}\n"
    )
