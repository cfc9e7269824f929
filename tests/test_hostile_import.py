"""bzf import xlsx and bzf export against hostile workbooks, cells and ledgers.

Import: whatever the workbook (not a zip, a corrupt one, a pipe, formulas without values,
error cells, ids that aim outside the ledger, a projects/ folder that is a symlink out of
it), bzf exits 0–3 without a traceback, writes nothing outside the ledger, and either
imports every row or leaves the ledger byte for byte as it was — also when the import is
interrupted (Ctrl-C) or a disk write fails at any file.

Export: no user text ever becomes a formula, in xlsx or CSV, whatever it starts with.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from baozufang_cli import files
from baozufang_cli.ledger.characters import visible
from baozufang_cli.render.data import csv_value
from baozufang_cli.render.xlsx_cells import FORMULA_PREFIXES
from tests.conftest import make_ledger, run
from tests.hostile_files import time_limit

pytestmark = pytest.mark.usefixtures(time_limit.__name__)
HEADER = ["项目编号", "项目名称", "所在区县", "筹集方式", "套数", "计划年度"]


def workbook(path: Path, rows: list[list[Any]], header: list[str] = HEADER) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "项目台账"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def everything(folder: Path) -> dict[str, bytes | None]:
    """Every path under ``folder`` (files with their bytes), symlinks not followed."""
    out: dict[str, bytes | None] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            if ".bzf-cache" in path.parts:
                continue
            regular = path.is_file() and not path.is_symlink()
            out[path.relative_to(folder).as_posix()] = path.read_bytes() if regular else None
    return out


# ------------------------------------------------------------------ hostile workbooks


def not_a_zip(path: Path) -> Path:
    path.write_text("项目名称,套数\n甲,10\n", encoding="utf-8")  # a CSV renamed .xlsx
    return path


def empty_file(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def empty_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w"):
        pass
    return path


def corrupt_sheet(path: Path) -> Path:
    good = workbook(path.with_suffix(".good.xlsx"), [["X-1", "甲", "观山湖", "新建", 10, 2024]])
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = data[: len(data) // 2]  # cut in the middle of the XML
            target.writestr(item, data)
    return path


def ole_file(path: Path) -> Path:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)  # an encrypted/old Office file
    return path


def pipe(path: Path) -> Path:
    os.mkfifo(path)  # opening it would wait for a writer for ever
    return path


def folder(path: Path) -> Path:
    path.mkdir()
    return path


def formulas_without_values(path: Path) -> Path:
    # openpyxl stores formulas without cached results: the import sees empty cells
    return workbook(path, [["X-1", "=B9", "观山湖", "新建", "=10*10", 2024]])


def error_cells(path: Path) -> Path:
    book = workbook(path, [])
    sheet = load_workbook(book)
    ws = sheet["项目台账"]
    ws.append(["X-1", "甲", "观山湖", "新建", "#N/A", 2024])
    ws["E2"].data_type = "e"
    sheet.save(path)
    return path


def escaping_ids(path: Path) -> Path:
    ids = ["../evil", "/etc/evil", "C:\\evil", "..", "a/b", ".hidden", "Ａ-1", "A-1\u200b", "A 1", "-x"]
    return workbook(path, [[pid, f"项目{i}", "观山湖", "新建", 10, 2024] for i, pid in enumerate(ids)])


def hostile_text(path: Path) -> Path:
    rows = [
        ["X-1", "甲\n乙\u202e", "观山湖", "新建", 10, 2024],  # a line break and a bidi override
        ["X-2", "名" * 40000, "观山湖", "新建", 10, 2024],  # longer than an Excel cell holds
        ["X-3", '=HYPERLINK("http://x")', "观山湖", "新建", 10, 2024],  # a formula as text
        ["X-4", "   ", "观山湖", "新建", 10, 2024],  # blank
    ]
    return workbook(path, rows)


def hostile_numbers(path: Path) -> Path:
    rows = [
        ["X-1", "甲", "观山湖", "新建", 1e300, 2024],
        ["X-2", "乙", "观山湖", "新建", -5, 2024],
        ["X-3", "丙", "观山湖", "新建", "１２０", 2024],
        ["X-4", "丁", "观山湖", "新建", True, 2024],
        ["X-5", "戊", "观山湖", "新建", 10.5, 2024],
        ["X-6", "己", "观山湖", "新建", 10, 99999],
    ]
    return workbook(path, rows)


def many_rows(path: Path) -> Path:
    return workbook(path, [[None, None, None, None, "x", None] for _ in range(20000)])


def header_far_down(path: Path) -> Path:
    return workbook(
        path, [[None] * 6 for _ in range(400)] + [HEADER, ["X-1", "甲", "观山湖", "新建", 10, 2024]], []
    )


WORKBOOKS: dict[str, Callable[[Path], Path]] = {
    fn.__name__: fn
    for fn in (
        not_a_zip, empty_file, empty_zip, corrupt_sheet, ole_file, pipe, folder, formulas_without_values,
        error_cells, escaping_ids, hostile_text, hostile_numbers, many_rows, header_far_down,
    )
}  # fmt: skip


@pytest.mark.skipif(os.name != "posix", reason="named pipes")
@pytest.mark.parametrize("name", sorted(WORKBOOKS))
def test_a_hostile_workbook_is_imported_whole_or_not_at_all(name: str, tmp_path: Path) -> None:
    root = make_ledger(tmp_path / "ledger", "base")
    file = WORKBOOKS[name](tmp_path / "台账.xlsx")
    before = everything(tmp_path)
    result = run("import", "xlsx", file, "--data", root)
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "内部错误" not in output, output[-3000:]
    assert result.exit_code in (0, 2, 3), output[-3000:]
    after = everything(tmp_path)
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    assert all(path.startswith("ledger/projects/") for path in changed), changed  # never outside
    if result.exit_code != 0:
        assert not changed  # refused: not one byte written
    assert any("\u4e00" <= ch <= "\u9fff" for ch in output)


def test_a_projects_folder_that_is_a_symlink_out_of_the_ledger_is_not_written_into(tmp_path: Path) -> None:
    root = make_ledger(tmp_path / "ledger", "base")
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "projects" / "观山湖").symlink_to(outside, target_is_directory=True)
    file = workbook(tmp_path / "台账.xlsx", [["X-1", "甲", "观山湖", "新建", 10, 2024]])
    result = run("import", "xlsx", file, "--data", root)
    assert result.exit_code == 3, result.stdout + result.stderr
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize(
    "content", [b"\x00\x01", "列: [".encode(), b"a: &x 1\nb: *x\n", "x".encode("utf-16")]
)
def test_a_hostile_mapping_file_is_a_usage_error(tmp_path: Path, content: bytes) -> None:
    root = make_ledger(tmp_path / "ledger", "base")
    file = workbook(tmp_path / "台账.xlsx", [["X-1", "甲", "观山湖", "新建", 10, 2024]])
    mapping = tmp_path / "map.yaml"
    mapping.write_bytes(content)
    result = run("import", "xlsx", file, "--data", root, "--mapping", mapping)
    assert result.exit_code == 2 and "映射文件" in result.stderr, result.stdout + result.stderr
    assert list((root / "projects").iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="named pipes")
def test_a_mapping_file_that_is_a_pipe_does_not_hang(tmp_path: Path) -> None:
    root = make_ledger(tmp_path / "ledger", "base")
    file = workbook(tmp_path / "台账.xlsx", [["X-1", "甲", "观山湖", "新建", 10, 2024]])
    mapping = tmp_path / "map.yaml"
    os.mkfifo(mapping)
    result = run("import", "xlsx", file, "--data", root, "--mapping", mapping)
    assert result.exit_code == 2 and "映射文件" in result.stderr


# ------------------------------------------------------------------ interrupted imports


@pytest.mark.parametrize("fail_at", [1, 2, 3])
@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_an_import_interrupted_at_any_file_leaves_the_ledger_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int, failure: BaseException
) -> None:
    root = make_ledger(tmp_path / "ledger", "base")
    existing = root / "projects" / "观山湖" / "X-1.yaml"
    existing.parent.mkdir(parents=True)
    first = workbook(tmp_path / "first.xlsx", [["X-1", "甲", "观山湖", "新建", 10, 2024]])
    assert run("import", "xlsx", first, "--data", root).exit_code == 0
    rows = [
        ["X-1", "甲", "观山湖", "新建", 20, 2024],  # an update
        ["X-2", "乙", "观山湖", "新建", 10, 2024],  # new
        ["N-1", "丙", "南明", "新建", 10, 2024],  # new, in a new folder
    ]
    file = workbook(tmp_path / "台账.xlsx", rows)
    before = everything(root)
    calls = {"n": 0}
    write = files.atomic_write

    def failing(path: Path, raw: bytes, **kwargs: bool) -> None:
        if "projects" in path.parts:  # the ledger's own files; the cache writes through here too
            calls["n"] += 1
        if calls["n"] == fail_at and "projects" in path.parts:
            raise failure
        write(path, raw, **kwargs)

    monkeypatch.setattr(files, "atomic_write", failing)
    result = run("import", "xlsx", file, "--data", root)
    if isinstance(failure, KeyboardInterrupt):
        assert result.exit_code == 130  # interrupted (Ctrl-C), after the rollback
    else:
        assert result.exit_code == 3 and "已恢复原状" in result.stderr
    monkeypatch.setattr(files, "atomic_write", write)
    assert everything(root) == before


# ------------------------------------------------------------------ export: text stays text

PAYLOADS = [
    "=1+1", "+1 改建", "-（待定）", "@SUM(A1:A9)", "\t=1", "\r=1", "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.com","点我")', "-2+3", "+86 0851-1234567", "=",
]  # fmt: skip


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(["=", "+", "-", "@", "\t", "\r", " ", "1", "A", "观", "'", "\n"]), max_size=6
    )
)
def test_csv_never_starts_a_text_field_with_a_formula_character(text: str) -> None:
    value = csv_value(text)
    shown = visible(text)  # control characters are written out (\\x0d) in every text output
    assert value == shown or value == "'" + shown
    assert not str(value).startswith(FORMULA_PREFIXES)


@pytest.fixture
def payload_ledger(tmp_path: Path) -> Path:
    """Every user text field of a few projects starts like a formula."""
    root = make_ledger(tmp_path / "ledger", "base")
    fields = ["name", "owner", "operator", "responsible_unit", "responsible_person", "contact", "address",
              "progress", "note"]  # fmt: skip
    for i, payload in enumerate(PAYLOADS):
        if (
            visible(payload) != payload
        ):  # "\r=1" is a control-char error in a ledger: the CSV test above has it
            continue
        quoted = payload.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r")
        lines = [f"id: P-{i}", "district: 观山湖区", "supply_type: new_build", "units: 10", "plan_year: 2024"]
        lines += [f'{key}: "{quoted}"' for key in fields]
        lines += [
            f'tags: ["{quoted}"]',
            "milestones:",
            "  - {name: 开工, planned: 2024-03-01, actual: 2024-03-05}",
            "  - {name: 交付使用, planned: 2024-05-01, actual: 2024-05-02}",
            "problems:",
            f'  - {{id: P1, text: "{quoted}", category: 建设手续, department: "{quoted}", raised: 2024-01-01,'
            f' due: 2024-02-01, closed: 2024-03-01, resolution: "{quoted}"}}',
            f'funding: {{total_wan: 100, sources: [{{kind: 银行贷款, planned_wan: 10, received_wan: 5, note: "{quoted}"}}]}}',
            f'operations: {{rent_yuan_m2: 10, market_rent_yuan_m2: 20, leased_units: 5, admission: "{quoted}"}}',
        ]
        (root / "projects" / f"P-{i}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    check = run("check", "--data", root, "--as-of", "2024-06-30")
    assert check.exit_code == 0, check.stdout
    return root


def test_exported_workbooks_hold_user_text_as_text(payload_ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "台账.xlsx"
    assert run("export", "xlsx", "--data", payload_ledger, "--as-of", "2024-06-30", "-o", out).exit_code == 0
    book = load_workbook(out)
    seen: set[str] = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":  # bzf's own totals only
                    assert str(cell.value).startswith(("=SUM(", "=SUBTOTAL(", "=IF(")), (
                        sheet.title,
                        cell.coordinate,
                        cell.value,
                    )
                    assert not any(p.strip() and p in str(cell.value) for p in PAYLOADS[5:8])
                elif isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES):
                    assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
                    seen.add(cell.value)
    assert {p.replace("\r", "") for p in PAYLOADS} & seen  # the payloads did reach the workbook


def test_exported_csv_files_never_start_a_text_with_a_formula_character(
    payload_ledger: Path, tmp_path: Path
) -> None:
    out = tmp_path / "csv"
    assert run("export", "csv", "--data", payload_ledger, "--as-of", "2024-06-30", "-o", out).exit_code == 0
    files = list(out.iterdir())
    assert files
    quoted = 0
    for path in files:
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))):
            for field in row:
                if field.startswith(FORMULA_PREFIXES):
                    float(field.replace(",", ""))  # only numbers (-3, +0.5) may start so
                quoted += field.startswith("'")
    assert quoted  # the payloads were there, defused


@pytest.mark.parametrize("command", [("ledger",), ("problems",), ("funding",), ("operations",)])
def test_every_report_as_csv_or_xlsx_keeps_user_text_as_text(
    payload_ledger: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    out = tmp_path / "r.xlsx"
    result = run(*command, "--data", payload_ledger, "--as-of", "2024-06-30", "-f", "xlsx", "-o", out)
    assert result.exit_code == 0, result.stderr
    for sheet in load_workbook(out).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert str(cell.value).startswith(("=SUM(", "=SUBTOTAL(", "=IF(")), cell.value
    text = run(*command, "--data", payload_ledger, "--as-of", "2024-06-30", "-f", "csv").stdout
    for row in csv.reader(io.StringIO(text)):
        for field in row:
            if field.startswith(FORMULA_PREFIXES):
                float(field.replace(",", ""))
