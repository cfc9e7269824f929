"""An untrusted workbook is checked before it is parsed: XML entities, zip bombs, sizes."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from baozufang_cli.xlsx_import import safety
from tests.conftest import make_ledger, run

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
EXTERNAL_ENTITY = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def good_book(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "项目台账"
    sheet.append(["项目编号", "项目名称", "所在区县", "筹集方式", "套数", "计划年度"])
    sheet.append(["X-1", "甲", "观山湖", "新建", 10, 2024])
    book.save(path)
    return path


def rewritten(source: Path, target: Path, change: Any, extra: dict[str, bytes] | None = None) -> Path:
    """A copy of ``source`` with each member's bytes passed through ``change(name, data)``."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item.filename, change(item.filename, old.read(item)))
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    return target


def refused(tmp_path: Path, book: Path) -> str:
    root = make_ledger(tmp_path / "ledger", "base")
    result = run("import", "xlsx", book, "--data", root)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert list((root / "projects").iterdir()) == []
    assert "Traceback" not in result.stderr
    return result.stderr


@pytest.mark.parametrize("declaration", [BILLION_LAUGHS, EXTERNAL_ENTITY])
@pytest.mark.parametrize("member", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "[Content_Types].xml"])
def test_xml_with_entity_declarations_is_refused_before_parsing(
    tmp_path: Path, declaration: str, member: str
) -> None:
    def inject(name: str, data: bytes) -> bytes:
        if name != member:
            return data
        body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
        return declaration.encode() + body

    book = rewritten(good_book(tmp_path / "good.xlsx"), tmp_path / "evil.xlsx", inject)
    assert "含有 XML 文档类型或实体声明" in refused(tmp_path, book)


def test_openpyxl_parses_with_defusedxml() -> None:
    import openpyxl

    assert openpyxl.DEFUSEDXML is True  # defusedxml is a dependency: openpyxl uses it when installed


def test_a_member_that_unpacks_too_big_is_a_zip_bomb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safety, "MAX_MEMBER_BYTES", 2 * 1024 * 1024)
    book = rewritten(good_book(tmp_path / "good.xlsx"), tmp_path / "bomb.xlsx", lambda n, d: d,
                     {"xl/media/zeros.bin": b"\0" * (3 * 1024 * 1024)})  # fmt: skip
    assert "可能是压缩炸弹" in refused(tmp_path, book)


def test_a_member_packed_too_tightly_is_a_zip_bomb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safety, "RATIO_FROM_BYTES", 1024 * 1024)
    book = rewritten(good_book(tmp_path / "good.xlsx"), tmp_path / "bomb.xlsx", lambda n, d: d,
                     {"xl/sharedStrings2.xml": b" " * (4 * 1024 * 1024)})  # fmt: skip
    assert "可能是压缩炸弹" in refused(tmp_path, book)


def test_too_many_members(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safety, "MAX_MEMBERS", 20)
    extra = {f"xl/media/{i}.bin": b"x" for i in range(30)}
    book = rewritten(good_book(tmp_path / "good.xlsx"), tmp_path / "many.xlsx", lambda n, d: d, extra)
    assert "超过上限 20" in refused(tmp_path, book)


def test_an_oversized_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safety, "MAX_FILE_BYTES", 1000)
    message = refused(tmp_path, good_book(tmp_path / "big.xlsx"))
    assert "超过导入上限" in message and "按工作表拆成几个文件" in message


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "不是 Excel 工作簿"), ("项目名称,套数\n甲,10\n".encode(), "不是 Excel 工作簿"),
     (b"PK\x05\x06" + b"\0" * 18, "不是 Excel 工作簿")],  # an empty zip: no [Content_Types].xml
)  # fmt: skip
def test_not_a_workbook(tmp_path: Path, content: bytes, message: str) -> None:
    book = tmp_path / "x.xlsx"
    book.write_bytes(content)
    assert message in refused(tmp_path, book)


def test_a_sane_workbook_passes(tmp_path: Path) -> None:
    safety.check_workbook(good_book(tmp_path / "good.xlsx"))
