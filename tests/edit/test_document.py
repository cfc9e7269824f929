"""The edit machinery: minimal diffs, validation before writing, concurrency, atomic writes."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from baozufang_cli import files
from baozufang_cli.edit.document import Document, EditRefused, write_new_file
from baozufang_cli.edit.roundtrip import guess_layout, splice
from baozufang_cli.errors import ExitCode
from baozufang_cli.ledger.load import load_config
from baozufang_cli.ledger.read import CRITERIA_FILE, TARGETS_FILE
from baozufang_cli.ledger.registry import Registry
from baozufang_cli.models import Criteria, Targets
from tests.conftest import DATA

HAND_WRITTEN = """\
# 手写的项目文件：各种写法都应原样保留
id: A-1          # 编号
name: "观山湖区某人才公寓"      # 带引号的名称
district: 观山湖
supply_type: 新建
units: 1200      # 套数
plan_year: 2024
note:
owner: ~
tags: [人才租赁住房]
milestones:
- {name: 开工, planned: 2024-03-01, actual: 2024-03-05}
- name: 交付    # 块状写法
  planned: 2025-06-30
problems:
- {id: P1, text: 施工许可证办理滞后, category: 建设手续, department: 市住建局,
   raised: 2024-01-10, due: 2024-02-28}
operations:
    leased_units: 800   # 四格缩进
updated: 2024-06-28
"""


@pytest.fixture
def registry() -> Registry:
    targets, _ = load_config(DATA / "base", TARGETS_FILE, Targets)
    criteria, _ = load_config(DATA / "base", CRITERIA_FILE, Criteria)
    assert targets is not None and criteria is not None
    return Registry(targets, criteria)


def write(tmp_path: Path, text: str | bytes, name: str = "A-1.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    """(old line, new line) pairs for a same-length text; fails if lines were added or removed."""
    old, new = before.split("\n"), after.split("\n")
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def test_an_edit_changes_only_its_own_line_in_a_hand_written_file(tmp_path: Path, registry: Registry) -> None:
    path = write(tmp_path, HAND_WRITTEN)
    document = Document.read(path, "projects/A-1.yaml")
    document.data["units"] = 820
    document.data["operations"]["leased_units"] = 640
    assert document.save(registry)
    assert changed_lines(HAND_WRITTEN, path.read_text(encoding="utf-8")) == [
        ("units: 1200      # 套数", "units: 820       # 套数"),
        ("    leased_units: 800   # 四格缩进", "    leased_units: 640   # 四格缩进"),
    ]


def test_an_edit_inside_a_wrapped_flow_mapping_rewrites_only_that_mapping(
    tmp_path: Path, registry: Registry
) -> None:
    path = write(tmp_path, HAND_WRITTEN)
    document = Document.read(path, "projects/A-1.yaml")
    document.data["problems"][0]["closed"] = date(2024, 3, 1)
    document.save(registry)
    after = path.read_text(encoding="utf-8")
    old, new = HAND_WRITTEN.split("\n"), after.split("\n")
    assert [line for line in old if line not in new] == [
        "- {id: P1, text: 施工许可证办理滞后, category: 建设手续, department: 市住建局,",
        "   raised: 2024-01-10, due: 2024-02-28}",
    ]
    assert [line for line in new if line not in old] == [
        "- {id: P1, text: 施工许可证办理滞后, category: 建设手续, department: 市住建局, raised: 2024-01-10, "
        "due: 2024-02-28, closed: 2024-03-01}"
    ]


def test_crlf_and_bom_are_kept(tmp_path: Path, registry: Registry) -> None:
    raw = b"\xef\xbb\xbf" + HAND_WRITTEN.replace("\n", "\r\n").encode("utf-8")
    path = write(tmp_path, raw)
    document = Document.read(path, "projects/A-1.yaml")
    document.data["units"] = 820
    document.save(registry)
    written = path.read_bytes()
    assert written.startswith(b"\xef\xbb\xbf")
    assert written.count(b"\r\n") == raw.count(b"\r\n") and b"\n" not in written.replace(b"\r\n", b"")
    assert written == raw.replace(b"units: 1200 ", b"units: 820  ")


def test_an_edit_that_adds_an_error_is_refused_with_its_location(tmp_path: Path, registry: Registry) -> None:
    path = write(tmp_path, HAND_WRITTEN)
    document = Document.read(path, "projects/A-1.yaml")
    document.data["units"] = 500  # fewer than the 800 leased units
    with pytest.raises(EditRefused) as refused:
        document.save(registry)
    assert [(d.code, d.line) for d in refused.value.diagnostics] == [("leased-exceed", 19)]
    assert refused.value.reason == EditRefused.INVALID
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN


def test_an_existing_error_does_not_block_an_edit_that_fixes_another(
    tmp_path: Path, registry: Registry
) -> None:
    broken = HAND_WRITTEN.replace("district: 观山湖", "district: 火星").replace("units: 1200", "units: 100")
    path = write(tmp_path, broken)
    document = Document.read(path, "projects/A-1.yaml")
    document.data["units"] = 900  # fixes leased-exceed; the unknown district stays
    assert document.save(registry)
    document.data["units"] = 10  # would bring leased-exceed back
    with pytest.raises(EditRefused):
        document.save(registry)


def test_a_file_changed_on_disk_after_reading_is_not_overwritten(tmp_path: Path, registry: Registry) -> None:
    path = write(tmp_path, HAND_WRITTEN)
    document = Document.read(path, "projects/A-1.yaml")
    someone_else = HAND_WRITTEN.replace("plan_year: 2024", "plan_year: 2023")
    path.write_text(someone_else, encoding="utf-8")
    os.utime(path, ns=(document._stamp[1], document._stamp[1]))  # same mtime: the bytes still tell
    document.data["units"] = 820
    with pytest.raises(EditRefused) as refused:
        document.save(registry)
    assert refused.value.reason == EditRefused.CHANGED
    assert path.read_text(encoding="utf-8") == someone_else


def test_two_saves_of_one_document_both_land(tmp_path: Path, registry: Registry) -> None:
    path = write(tmp_path, HAND_WRITTEN)
    document = Document.read(path, "projects/A-1.yaml")
    document.data["units"] = 820
    document.save(registry)
    document.data["plan_year"] = 2023
    document.save(registry)
    text = path.read_text(encoding="utf-8")
    assert "units: 820 " in text and "plan_year: 2023" in text


@pytest.mark.parametrize("failing", ["fsync", "replace", "chmod"])
def test_a_write_killed_before_the_rename_leaves_the_original_intact(
    tmp_path: Path, registry: Registry, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path = write(tmp_path, HAND_WRITTEN)
    document = Document.read(path, "projects/A-1.yaml")
    document.data["units"] = 820

    def killed(*args: object, **kwargs: object) -> None:
        raise OSError("simulated crash")

    monkeypatch.setattr(files.os, failing, killed)
    with pytest.raises(EditRefused, match="simulated crash") as refused:  # one Chinese line, exit 3
        document.save(registry)
    assert refused.value.exit_code == ExitCode.WRITE_REFUSED and "原文件保持不变" in refused.value.line()
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN
    assert [p.name for p in tmp_path.iterdir()] == ["A-1.yaml"]  # no temp file left behind


def test_a_write_keeps_the_file_mode(tmp_path: Path, registry: Registry) -> None:
    path = write(tmp_path, HAND_WRITTEN)
    path.chmod(0o640)
    document = Document.read(path, "projects/A-1.yaml")
    document.data["units"] = 820
    document.save(registry)
    assert path.stat().st_mode & 0o777 == 0o640


def test_a_symlinked_file_is_edited_where_it_lives(tmp_path: Path, registry: Registry) -> None:
    real = write(tmp_path, HAND_WRITTEN, "real.yaml")
    link = tmp_path / "A-1.yaml"
    link.symlink_to(real)
    document = Document.read(link, "projects/A-1.yaml")
    document.data["units"] = 820
    document.save(registry)
    assert link.is_symlink()
    assert "units: 820 " in real.read_text(encoding="utf-8")


def test_a_file_that_does_not_parse_is_refused_with_its_location(tmp_path: Path) -> None:
    path = write(tmp_path, 'id: A-1\nname: "x\n')
    with pytest.raises(EditRefused) as refused:
        Document.read(path, "projects/A-1.yaml")
    assert refused.value.reason == EditRefused.UNREADABLE
    assert [(d.code, d.line) for d in refused.value.diagnostics] == [("yaml-syntax", 2)]


@pytest.mark.parametrize("text", ["", "# 只有注释\n", "- a\n- b\n"])
def test_a_file_that_is_not_a_mapping_is_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(EditRefused) as refused:
        Document.read(write(tmp_path, text), "projects/A-1.yaml")
    assert [d.code for d in refused.value.diagnostics] == ["not-a-mapping"]


def test_a_new_file_never_overwrites(tmp_path: Path, registry: Registry) -> None:
    text = "id: A-1\nname: 甲\ndistrict: 观山湖区\nsupply_type: new_build\nunits: 10\nplan_year: 2024\n"
    path = tmp_path / "A-1.yaml"
    write_new_file(path, "projects/A-1.yaml", text, registry)
    assert path.read_text(encoding="utf-8") == text
    with pytest.raises(EditRefused) as refused:
        write_new_file(path, "projects/A-1.yaml", text.replace("甲", "乙"), registry)
    assert refused.value.reason == EditRefused.EXISTS
    assert path.read_text(encoding="utf-8") == text


def test_an_invalid_new_file_is_refused(tmp_path: Path, registry: Registry) -> None:
    text = "id: A-1\nname: 甲\ndistrict: 火星\nsupply_type: new_build\nunits: 10\nplan_year: 2024\n"
    with pytest.raises(EditRefused) as refused:
        write_new_file(tmp_path / "A-1.yaml", "projects/A-1.yaml", text, registry)
    assert [d.code for d in refused.value.diagnostics] == ["unknown-district"]
    assert not (tmp_path / "A-1.yaml").exists()


@pytest.mark.parametrize(
    ("text", "mapping", "offset"),
    [
        ("a:\n  b: 1\nc:\n  - x\n", 2, 2),
        ("a:\n    b: 1\nc:\n- x\n", 4, 0),
        ("c:\n    - x\na:\n   b: 1\n", 3, 4),
        ("a: 1\n", 2, 2),
    ],
)
def test_layout_is_guessed_from_the_file(text: str, mapping: int, offset: int) -> None:
    layout = guess_layout(text)
    assert (layout.mapping, layout.offset) == (mapping, offset)


def test_splice_keeps_untouched_lines_of_a_differently_formatted_original() -> None:
    original = ["a: ~", "b: 1", "c:", "d: 2"]
    base = ["a: null", "b: 1", "c: null", "d: 2"]
    edited = ["a: null", "b: 5", "c: null", "d: 2"]
    assert splice(original, base, edited) == ["a: ~", "b: 5", "c:", "d: 2"]
    inserted = ["a: null", "b: 1", "x: 0", "c: null", "d: 2"]
    assert splice(original, base, inserted) == ["a: ~", "b: 1", "x: 0", "c:", "d: 2"]
    # a change inside a stretch the original writes differently takes the whole stretch
    wrapped = ["k: {a: 1,", "   b: 2}", "z: 0"]
    assert splice(wrapped, ["k: {a: 1, b: 2}", "z: 0"], ["k: {a: 1, b: 3}", "z: 0"]) == [
        "k: {a: 1, b: 3}",
        "z: 0",
    ]
