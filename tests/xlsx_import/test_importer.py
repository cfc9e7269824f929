"""bzf import xlsx: round trips with the export, external sheets, mapping files, idempotence,
every bad row reported, and no half-written import (a write that fails midway is rolled back)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from baozufang_cli import files
from baozufang_cli.ledger import yamlread
from tests.conftest import make_ledger, run

AS_OF = "2024-06-30"


# the 项目台账 header: under the title, the subtitle and the form line (填报单位 …)
HEADER_ROW = 4


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file and folder under projects/ (folders as None)."""
    return {
        path.relative_to(root).as_posix(): (path.read_bytes() if path.is_file() else None)
        for path in sorted((root / "projects").rglob("*"))
    }


def export(root: Path, out: Path) -> Path:
    result = run("export", "xlsx", "--data", root, "--as-of", AS_OF, "-o", out, "--no-cache")
    assert result.exit_code == 0, result.stderr
    return out


def sheet_values(path: Path, name: str = "项目台账") -> list[tuple[Any, ...]]:
    return [tuple(row) for row in load_workbook(path)[name].iter_rows(values_only=True)]


def import_(root: Path, file: Path, *args: str, exit_code: int = 0) -> Any:
    result = run("import", "xlsx", file, "--data", root, *args)
    assert result.exit_code == exit_code, (result.stdout, result.stderr)
    return result


def project(root: Path, rel: str) -> dict[str, Any]:
    return yamlread.load((root / rel).read_text(encoding="utf-8"))


@pytest.fixture
def exported(ledger: Any, tmp_path: Path) -> tuple[Path, Path]:
    """The excel test ledger and its exported workbook."""
    root = ledger("base", "excel")
    return root, export(root, tmp_path / "台账.xlsx")


# ------------------------------------------------------------------ round trips


def test_export_import_export_gives_the_same_ledger_sheet(
    exported: tuple[Path, Path], tmp_path: Path
) -> None:
    _, workbook = exported
    empty = make_ledger(tmp_path / "empty", "base")
    result = import_(empty, workbook)
    assert "新建 4，更新 0，无变化 0" in result.stdout
    assert sorted(snapshot(empty)) == [
        "projects/南明", "projects/南明/N-1.yaml", "projects/观山湖", "projects/观山湖/E-1.yaml",
        "projects/观山湖/E-2.yaml", "projects/贵安", "projects/贵安/GA-1.yaml",
    ]  # fmt: skip
    assert run("check", "--data", empty, "--as-of", AS_OF).exit_code == 0
    again = export(empty, tmp_path / "again.xlsx")
    assert sheet_values(again) == sheet_values(workbook)
    imported = project(empty, "projects/观山湖/E-2.yaml")
    assert imported["name"] == "+1 改建项目"  # text that looked like a formula came back as text
    assert imported["problems"] == [
        {"id": "P1", "text": "消防验收整改", "category": "建设手续", "department": "市住建局",
         "raised": "2024-03-01", "due": "2024-05-31"},
    ]  # fmt: skip
    assert project(empty, "projects/观山湖/E-1.yaml")["name"] == '=HYPERLINK("http://example.com","点我")'


def test_importing_twice_changes_nothing(exported: tuple[Path, Path], tmp_path: Path) -> None:
    _, workbook = exported
    empty = make_ledger(tmp_path / "empty", "base")
    import_(empty, workbook)
    before = snapshot(empty)
    result = import_(empty, workbook)
    assert "新建 0，更新 0，无变化 4" in result.stdout
    assert snapshot(empty) == before


def test_importing_the_export_back_into_its_own_ledger_changes_nothing(exported: tuple[Path, Path]) -> None:
    root, workbook = exported
    before = snapshot(root)
    assert "无变化 4" in import_(root, workbook).stdout
    assert snapshot(root) == before


def test_corrections_made_in_the_workbook_update_only_those_values(exported: tuple[Path, Path]) -> None:
    root, path = exported
    workbook = load_workbook(path)
    sheet = workbook["项目台账"]
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    sheet.cell(row=HEADER_ROW + 2, column=headers.index("套数") + 1, value=520)  # E-2
    sheet.cell(row=HEADER_ROW + 2, column=headers.index("实际交付") + 1, value=datetime(2024, 6, 25))
    sheet.cell(row=HEADER_ROW + 1, column=headers.index("形象进度") + 1, value="已交付运营")  # E-1: a new key
    workbook.save(path)
    e1_before = (root / "projects" / "E-1.yaml").read_text(encoding="utf-8").splitlines()
    e2_before = (root / "projects" / "E-2.yaml").read_text(encoding="utf-8").splitlines()
    result = import_(root, path)
    assert "新建 0，更新 2，无变化 2" in result.stdout
    assert "「套数」(units)：500 → 520" in result.stdout
    e2_after = (root / "projects" / "E-2.yaml").read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(e2_before, e2_after, strict=True) if a != b]
    assert changed == [
        ("units: 500", "units: 520"),
        (
            "  - {name: 交付使用, planned: 2024-07-31}",
            "  - {name: 交付使用, planned: 2024-07-31, actual: 2024-06-25}",
        ),
    ]
    e1_after = (root / "projects" / "E-1.yaml").read_text(encoding="utf-8").splitlines()
    assert e1_after[0] == e1_before[0] and e1_after[0].startswith("# 测试用 Excel 台账")  # comments stay
    assert [line for line in e1_after if line not in e1_before] == ["progress: 已交付运营"]


# ------------------------------------------------------------------ a district's own sheet


def external_workbook(path: Path, rows: list[list[Any]], header: list[str] | None = None) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    sheet.append(["观山湖区保障性租赁住房项目台账（2024年6月）"])
    sheet.merge_cells("A1:J1")
    sheet.append(["填报单位：观山湖区住建局", None, None, None, None, "填报日期：2024-06-30"])
    sheet.append(header or ["序号", "项目名称", "所在区县", "筹集方式", "套数（套/间）", "计划开工时间",
                            "实际开工时间", "计划竣工时间", "实际交付时间", "总投资（元）", "联系人"])  # fmt: skip
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_a_district_sheet_with_usual_column_names(tmp_path: Path) -> None:
    root = make_ledger(tmp_path / "ledger", "base")
    file = external_workbook(
        tmp_path / "district.xlsx",
        [
            [1, "观山湖区某人才公寓", "观山湖", "新建", "1,200套", "2024/3/5", datetime(2024, 3, 10), "2025年12月31日",
             None, 300_000_000, "张三"],
            [2, "观山湖区某改建项目", "观山湖区", "改建", 300, "2024-05-01", None, "2024.12.31", None, None, "李四"],
            [3, "南明某收购项目", "南明", "收购", 50.0, None, "2024-02-01", None, 45383, None, None],
            ["合计", None, None, None, 1550],
            ["注：本表数据为示例"],
        ],
    )  # fmt: skip
    result = import_(root, file)
    assert "未识别的列" not in result.stderr  # 联系人 is a field
    assert "新建 3，更新 0，无变化 0" in result.stdout
    first = project(root, "projects/观山湖/520115-2024-001.yaml")  # the district code: it has no projects yet
    assert first["name"] == "观山湖区某人才公寓" and first["district"] == "观山湖区"
    assert first["supply_type"] == "new_build" and first["units"] == 1200 and first["plan_year"] == 2024
    assert first["milestones"] == [
        {"name": "开工", "planned": "2024-03-05", "actual": "2024-03-10"},
        {"name": "交付使用", "planned": "2025-12-31", "actual": None},
    ]
    assert first["funding"] == {"total_wan": 30000}  # 300,000,000 元 = 30,000 万元
    second = project(root, "projects/观山湖/520115-2024-002.yaml")
    assert second["supply_type"] == "conversion" and second["milestones"][0]["name"] == "改造开工"
    third = project(root, "projects/南明/520102-2024-001.yaml")
    assert third["units"] == 50
    assert third["milestones"] == [
        {"name": "签约付款", "planned": None, "actual": "2024-02-01"},
        {"name": "交房", "planned": None, "actual": "2024-04-01"},  # Excel date number 45383
    ]
    assert run("check", "--data", root, "--as-of", AS_OF).exit_code == 0
    # no ids in the sheet: the second run finds the projects by name and district
    assert "新建 0，更新 0，无变化 3" in import_(root, file).stdout
    assert len([p for p in (root / "projects").rglob("*.yaml")]) == 3


def test_mapping_file_names_columns_and_defaults(tmp_path: Path) -> None:
    root = make_ledger(tmp_path / "ledger", "base")
    file = external_workbook(
        tmp_path / "odd.xlsx",
        [["甲项目", 800, "2024-09-01", "王五"], ["乙项目", 120, None, None]],
        header=["项目全称", "房源（套）", "开工日期（计划）", "联系人"],
    )
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "header_row: 3\ncolumns:\n  项目全称: name\n  房源（套）: units\n  开工日期（计划）: start_planned\n"
        "  联系人: null\ndefaults:\n  supply_type: 新建\n  plan_year: 2024\n",
        encoding="utf-8",
    )
    result = import_(root, file, "--mapping", str(mapping), "--district", "南明")
    assert "未识别的列" not in result.stderr  # 联系人 is ignored on purpose
    first = project(root, "projects/南明/520102-2024-001.yaml")
    assert (first["name"], first["district"], first["supply_type"], first["units"]) == (
        "甲项目",
        "南明区",
        "new_build",
        800,
    )
    assert first["milestones"] == [{"name": "开工", "planned": "2024-09-01", "actual": None}]
    assert project(root, "projects/南明/520102-2024-002.yaml")["name"] == "乙项目"


def test_bad_mapping_file_is_a_usage_error(tmp_path: Path) -> None:
    root = make_ledger(tmp_path / "ledger", "base")
    file = external_workbook(tmp_path / "x.xlsx", [])
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  名称: nmae\n", encoding="utf-8")
    result = import_(root, file, "--mapping", str(mapping), exit_code=2)
    assert "字段 nmae 不存在，是否为 name？" in result.stderr


def test_every_bad_row_is_reported_and_nothing_is_written(tmp_path: Path) -> None:
    root = make_ledger(tmp_path / "ledger", "base")
    file = external_workbook(
        tmp_path / "bad.xlsx",
        [
            [1, "好项目", "观山湖", "新建", 100, "2024-03-01", None, None, None, None],
            [2, "坏区县", "火星区", "新建", 100, "2024-03-01", None, None, None, None],
            [3, "坏套数", "观山湖", "新建", "十二", "2024-03-01", None, None, None, None],
            [4, "坏日期", "观山湖", "新建", 100, "2024-13-01", None, None, None, None],
            [5, "缺方式", "观山湖", None, 100, "2024-03-01", None, None, None, None],
            [6, "交付早于开工", "观山湖", "新建", 100, "2024-03-01", "2024-05-01", None, "2024-04-01", None],
        ],
    )
    result = import_(root, file, exit_code=3)
    lines = result.stderr.splitlines()
    assert (
        "Sheet1!C5（所在区县）：没有区县「火星区」，台账的区县有：观山湖区、南明区、贵安新区（见 targets.yaml）"
        in lines
    )
    assert 'Sheet1!E6（套数（套/间））："十二" 不是整数（可写 300 或 300套）' in lines
    assert 'Sheet1!F7（计划开工时间）："2024-13-01" 不是有效日期（没有 13 月）' in lines
    assert "Sheet1!D8（筹集方式）：空，新项目须填写" in lines
    assert "Sheet1!第 8 行：新项目缺少「计划年度」（表中没有这一列）" in lines  # it would come from the start
    assert any(line.startswith("Sheet1!第 9 行：") and "节点" in line for line in lines)  # milestone-order
    assert "bzf：5 行无法导入，未写入任何文件（修正后重新导入）" in lines
    assert snapshot(root) == {}


def test_ids_that_would_leave_the_ledger_are_refused(tmp_path: Path) -> None:
    root = make_ledger(tmp_path / "ledger", "base")
    file = external_workbook(
        tmp_path / "ids.xlsx",
        [
            ["../evil", "甲", "观山湖", "新建", 10],
            ["a/b", "乙", "观山湖", "新建", 10],
            ["..", "丙", "观山湖", "新建", 10],
        ],
        header=["项目编号", "项目名称", "所在区县", "筹集方式", "套数"],
    )
    result = import_(root, file, exit_code=3)
    assert result.stderr.count("项目编号格式不对") == 3
    assert snapshot(root) == {} and not (tmp_path / "evil.yaml").exists()


def test_duplicate_ids_in_the_sheet(tmp_path: Path) -> None:
    root = make_ledger(tmp_path / "ledger", "base")
    file = external_workbook(
        tmp_path / "dup.xlsx",
        [["X-1", "甲", "观山湖", "新建", 10, 2024], ["X-1", "乙", "观山湖", "新建", 10, 2024]],
        header=["项目编号", "项目名称", "所在区县", "筹集方式", "套数", "计划年度"],
    )
    assert "Sheet1!第 5 行：项目编号 X-1 与 Sheet1!第 4 行 重复" in import_(root, file, exit_code=3).stderr


def test_dry_run_writes_nothing(exported: tuple[Path, Path], tmp_path: Path) -> None:
    _, workbook = exported
    empty = make_ledger(tmp_path / "empty", "base")
    result = import_(empty, workbook, "--dry-run")
    assert "新建 projects/观山湖/E-1.yaml（项目台账!第 5 行" in result.stdout
    assert "（预演：未写入）" in result.stdout
    assert snapshot(empty) == {}


def test_free_text_problems_are_left_out_with_a_warning(tmp_path: Path) -> None:
    root = make_ledger(tmp_path / "ledger", "base")
    file = external_workbook(
        tmp_path / "p.xlsx",
        [["甲", "观山湖", "新建", 10, 2024, "施工许可证办理滞后"]],
        header=["项目名称", "所在区县", "筹集方式", "套数", "计划年度", "存在问题"],
    )
    result = import_(root, file)
    assert "提示：Sheet1!F4（存在问题）：不是问题清单的格式" in result.stderr
    assert "problems" not in project(root, "projects/观山湖/520115-2024-001.yaml")


def test_not_a_workbook(tmp_path: Path) -> None:
    root = make_ledger(tmp_path / "ledger", "base")
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0 not a zip")
    assert "另存为 .xlsx" in import_(root, old, exit_code=2).stderr
    assert "找不到文件" in import_(root, tmp_path / "missing.xlsx", exit_code=2).stderr


def test_no_header_found(tmp_path: Path) -> None:
    root = make_ledger(tmp_path / "ledger", "base")
    file = external_workbook(tmp_path / "h.xlsx", [], header=["甲", "乙", "丙"])
    assert "没有找到表头" in import_(root, file, exit_code=2).stderr


# ------------------------------------------------------------------ never half an import


def test_a_write_that_fails_midway_is_rolled_back(
    exported: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root, path = exported
    workbook = load_workbook(path)
    sheet = workbook["项目台账"]
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    sheet.cell(row=HEADER_ROW + 1, column=headers.index("套数") + 1, value=1001)  # E-1: update
    sheet.cell(row=HEADER_ROW + 2, column=headers.index("套数") + 1, value=501)  # E-2: update
    sheet.cell(row=HEADER_ROW + 3, column=headers.index("项目编号") + 1, value="N-9")  # a new project in 南明
    sheet.cell(row=HEADER_ROW + 3, column=headers.index("项目名称") + 1, value="南明新项目")
    sheet.cell(row=HEADER_ROW + 4, column=headers.index("套数") + 1, value=301)  # GA-1: update
    workbook.save(path)
    (root / "projects" / "南明").mkdir(exist_ok=True)  # the new file's folder exists; the files below do not
    before = snapshot(root)
    real = files.atomic_write
    calls = []

    def failing(target: Path, raw: bytes, *, new: bool = False, inside: Path | None = None) -> None:
        if "projects" not in target.parts:  # the cache writes through here too
            real(target, raw, new=new, inside=inside)
            return
        calls.append(target.name)
        if len(calls) == 3:  # E-1 and E-2 written, the new file fails
            raise OSError(28, "No space left on device")
        real(target, raw, new=new, inside=inside)

    monkeypatch.setattr(files, "atomic_write", failing)
    result = import_(root, path, exit_code=3)
    assert calls[:3] == ["E-1.yaml", "E-2.yaml", "N-9.yaml"]
    assert "已写入的文件已恢复原状" in result.stderr
    assert snapshot(root) == before


def test_a_file_changed_meanwhile_stops_the_import(
    exported: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from baozufang_cli.xlsx_import import importer

    root, path = exported
    workbook = load_workbook(path)
    sheet = workbook["项目台账"]
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    sheet.cell(row=HEADER_ROW + 1, column=headers.index("套数") + 1, value=1001)
    sheet.cell(row=HEADER_ROW + 2, column=headers.index("套数") + 1, value=501)
    workbook.save(path)
    real_apply = importer.apply_plan

    def someone_edits_first(plan: Any, registry: Any, *more: Any) -> None:
        target = root / "projects" / "E-2.yaml"
        target.write_text(target.read_text(encoding="utf-8") + "# 别人刚改过\n", encoding="utf-8")
        real_apply(plan, registry, *more)

    monkeypatch.setattr(importer, "apply_plan", someone_edits_first)
    e1 = (root / "projects" / "E-1.yaml").read_bytes()
    result = import_(root, path, exit_code=3)
    assert "已被修改" in result.stderr
    assert (root / "projects" / "E-1.yaml").read_bytes() == e1  # written, then restored


def test_dates_and_numbers_typed_many_ways() -> None:
    from baozufang_cli.xlsx_import.rows import parse_row
    from tests.strategies import REGISTRY

    parsed = parse_row(
        7,
        {"name": " 甲 ", "units": "1,200", "floor_area_m2": "3,471.6", "plan_year": "2024年", "updated": 45383,
         "certificate_date": "2024年3月5日", "tags": "人才租赁住房、青年", "contact": 85551234.0},
        REGISTRY,
    )  # fmt: skip
    assert parsed.reasons == []
    assert parsed.fields == {
        "name": "甲", "units": 1200, "floor_area_m2": 3471.6, "plan_year": 2024, "updated": date(2024, 4, 1),
        "certificate_date": date(2024, 3, 5), "tags": ["人才租赁住房", "青年"], "contact": "85551234",
    }  # fmt: skip


def test_the_quick_check_on_the_model_agrees_with_the_file_edit(exported: tuple[Path, Path]) -> None:
    """``differs`` (on the loaded model, no file opened) says a row changes a project exactly when
    editing the project's file would change something — for every row unchanged, and for each
    column of each row changed to another valid value."""
    from baozufang_cli.edit.document import Document
    from baozufang_cli.edit.values import EditError
    from baozufang_cli.ledger.load import load_ledger
    from baozufang_cli.xlsx_import.apply import apply_row, differs
    from baozufang_cli.xlsx_import.columns import ColumnMap
    from baozufang_cli.xlsx_import.importer import read_sheet
    from baozufang_cli.xlsx_import.rows import parse_row

    root, path = exported
    ledger = load_ledger(root, use_cache=False)
    by_id = {p.id: p for p in ledger.projects}
    sheet = read_sheet(path, ColumnMap())
    other = {
        "name": "改名", "district": "南明区", "address": "新地址", "tags": ["青年"],
        "units": 999, "unit_kind": "间", "small_units": 1, "floor_area_m2": 1.5, "plan_year": 2030,
        "progress": "新进度", "responsible_unit": "新单位", "contact": "123", "updated": date(2030, 1, 1),
        "note": "新备注", "start_planned": date(2030, 1, 1), "delivered_actual": date(2024, 6, 1),
        "certificate_no": "新编号", "total_investment_wan": 1, "rent_yuan_m2": 1, "leased_units": 1,
        "funding_sources": "中央补助资金：计划 1，到位 1", "problem_list": "P9 新问题〔建设手续，某局，提出 2024-01-01〕",
    }  # fmt: skip
    checked = 0
    for number, cells in sheet.rows:
        project = by_id[str(cells["id"])]
        variants = [dict(cells)] + [{**cells, key: value} for key, value in other.items()]
        for variant in variants:
            parsed = parse_row(number, variant, ledger.registry)
            assert not parsed.reasons, parsed.reasons
            document = Document.read(root / ledger.path(project), ledger.path(project))
            try:
                edits = bool(apply_row(document.data, ledger.registry, parsed))
            except EditError:  # e.g. funding sources for a project without funding: refused, not "same"
                edits = True
            assert differs(project, parsed) == edits, (
                project.id,
                {k: v for k, v in variant.items() if cells.get(k) != v},
            )
            checked += 1
    assert checked == 4 * (1 + len(other))
