"""The writer API other features (the Excel import) build on: typed values, new files from data."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from baozufang_cli.edit.document import Document, EditRefused, validate_text, write_new_file
from baozufang_cli.edit.fields import set_value
from baozufang_cli.edit.fmt import format_file, project_text
from baozufang_cli.edit.values import EditError
from baozufang_cli.ledger import yamlread
from baozufang_cli.ledger.registry import Registry
from tests.conftest import SAMPLE, SAMPLE_PROJECTS


@pytest.mark.parametrize("path", SAMPLE_PROJECTS, ids=lambda p: p.stem)
def test_project_text_writes_exactly_the_given_data_in_canonical_form(
    path: Path, tmp_path: Path, registry: Registry
) -> None:
    data = yamlread.load(path.read_text(encoding="utf-8"))
    text = project_text(data, header=["由导入生成"])
    assert text.startswith("# 由导入生成\nid: ")
    assert yamlread.load(text) == data
    assert [d for d in validate_text(text, path.name, registry).diagnostics if d.is_error] == []
    copy = tmp_path / path.name
    copy.write_text(text, encoding="utf-8")
    assert not format_file(copy, path.name, check=True, fix_encoding=False).changed


def test_a_new_file_from_data_is_validated_before_writing(tmp_path: Path, registry: Registry) -> None:
    data = {
        "id": "X-1",
        "name": "甲",
        "district": "观山湖",
        "supply_type": "新建",
        "units": 10,
        "plan_year": 2024,
    }
    path = tmp_path / "X-1.yaml"
    write_new_file(path, "projects/X-1.yaml", project_text(data | {"small_units": 5}), registry)
    assert "small_units: 5" in path.read_text(encoding="utf-8")
    with pytest.raises(EditRefused) as refused:
        write_new_file(tmp_path / "Y-1.yaml", "projects/Y-1.yaml", project_text(data | {"id": "Y-1", "small_units": 50}), registry)  # fmt: skip
    assert [d.code for d in refused.value.diagnostics] == ["small-units-exceed"]


def test_typed_values_update_an_existing_file_line_by_line(tmp_path: Path, registry: Registry) -> None:
    source = SAMPLE / "projects" / "观山湖" / "GSH-2025-001.yaml"
    path = tmp_path / "GSH-2025-001.yaml"
    shutil.copy(source, path)
    document = Document.read(path, "projects/观山湖/GSH-2025-001.yaml")
    changes = [
        *set_value(document.data, registry, "funding.sources.银行贷款.received_wan", 9000.5),
        *set_value(document.data, registry, "milestones.竣工验收.actual", date(2027, 3, 20)),
        *set_value(document.data, registry, "district", "观山湖"),  # already 观山湖区: no change
        *set_value(document.data, registry, "operations.leased_units", 0),
    ]
    assert [c.label for c in changes] == [
        "「到位金额（万元）」(funding.sources.银行贷款.received_wan)",
        "「实际日期」(milestones.竣工验收.actual)",
        "「已出租套数」(operations.leased_units)",
    ]
    assert document.save(registry)
    before = source.read_text(encoding="utf-8").split("\n")
    after = path.read_text(encoding="utf-8").split("\n")
    assert [line for line in before if line not in after] == [
        "  - {name: 竣工验收, planned: 2027-03-28}",
        "    - {kind: 银行贷款, planned_wan: 17349, received_wan: 7321}",
    ]
    assert [line for line in after if line not in before] == [
        "  - {name: 竣工验收, planned: 2027-03-28, actual: 2027-03-20}",
        "    - {kind: 银行贷款, planned_wan: 17349, received_wan: 9000.5}",
        "operations:",
        "  leased_units: 0",
    ]


def test_an_unknown_path_is_an_edit_error(registry: Registry, tmp_path: Path) -> None:
    path = tmp_path / "GSH-2025-001.yaml"
    shutil.copy(SAMPLE / "projects" / "观山湖" / "GSH-2025-001.yaml", path)
    document = Document.read(path)
    with pytest.raises(EditError, match="没有 邮政储蓄 这一项"):
        set_value(document.data, registry, "funding.sources.邮政储蓄.received_wan", 1.0)
