"""An untrusted workbook is looked at before openpyxl parses it (``bzf import xlsx``).

A ``.xlsx`` is a zip of XML files that anyone may have made. Before it is opened:

- it must be a regular file (never a pipe or a device: opening one would wait for ever) of at
  most ``MAX_FILE_BYTES``, and a zip (an ``.xls`` or an encrypted file is not);
- the zip may hold at most ``MAX_MEMBERS`` members, ``MAX_MEMBER_BYTES`` each and
  ``MAX_TOTAL_BYTES`` in all once unpacked, none packed more than ``MAX_RATIO`` times (a zip
  bomb unpacks a few kilobytes into gigabytes); sizes are counted while unpacking, not taken
  from the zip's own directory, which can lie;
- no XML member may declare a DTD or entities (``<!DOCTYPE``, ``<!ENTITY``: the "billion laughs"
  and external-entity attacks). Real workbooks never do.

openpyxl then parses with defusedxml (a dependency: openpyxl uses it whenever it is installed),
which refuses entities again. Every refusal is one Chinese line and exit 2.
"""

from __future__ import annotations

import stat
from pathlib import Path

from baozufang_cli.errors import UsageError

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 512 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 300  # unpacked / packed; real sheets stay far below, except tiny members
RATIO_FROM_BYTES = 8 * 1024 * 1024  # the ratio is checked for members bigger than this
_CHUNK = 1024 * 1024
_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")


class ImportFailed(UsageError):
    """The file cannot be imported at all (usage error, exit 2); the message is Chinese."""


def check_workbook(path: Path) -> None:
    """Refuse anything that is not a plain, sane .xlsx; return quietly otherwise."""
    import zipfile

    try:
        info = path.stat()
    except FileNotFoundError:
        raise ImportFailed(f"找不到文件 {path}") from None
    except OSError as error:
        raise ImportFailed(f"无法读取 {path}（{error.strerror or error}）") from None
    if stat.S_ISDIR(info.st_mode):
        raise ImportFailed(f"{path} 是文件夹，不是 Excel 工作簿（.xlsx）")
    if not stat.S_ISREG(info.st_mode):
        raise ImportFailed(f"{path} 不是普通文件（管道或设备），不能作为 Excel 工作簿读取")
    if info.st_size > MAX_FILE_BYTES:
        raise ImportFailed(
            f"{path} 有 {info.st_size / 1024 / 1024:.0f} MB，超过导入上限 {MAX_FILE_BYTES // 1024 // 1024} MB",
            "请删去图片、无关的工作表后另存，或按工作表拆成几个文件",
        )
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ImportFailed(not_a_workbook(path)) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise ImportFailed(
                f"{path} 内含 {len(members)} 个部件，超过上限 {MAX_MEMBERS}，不像是正常的工作簿，拒绝读取"
            )
        names = {member.filename for member in members}
        if "[Content_Types].xml" not in names:
            raise ImportFailed(not_a_workbook(path))
        total = 0
        for member in members:
            total += _check_member(path, archive, member, MAX_TOTAL_BYTES - total)


def _check_member(path: Path, archive: object, member: object, budget: int) -> int:
    """Unpack one member in chunks, counting its real size; refuse bombs and DTDs."""
    import zipfile

    assert isinstance(archive, zipfile.ZipFile) and isinstance(member, zipfile.ZipInfo)
    if member.flag_bits & 0x1:
        raise ImportFailed(f"{path} 已加密（设置了打开密码），请在 Excel 或 WPS 中取消密码后另存再导入")
    limit = min(MAX_MEMBER_BYTES, budget)
    is_xml = member.filename.endswith((".xml", ".rels", ".vml"))
    size = 0
    tail = b""
    try:
        with archive.open(member) as handle:
            while chunk := handle.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise ImportFailed(_bomb(path, member.filename))
                if size > RATIO_FROM_BYTES and size > MAX_RATIO * max(member.compress_size, 1):
                    raise ImportFailed(_bomb(path, member.filename))
                if is_xml:
                    window = tail + chunk
                    if any(mark in window for mark in _DECLARATIONS):
                        raise ImportFailed(
                            f"{path} 的 {member.filename} 含有 XML 文档类型或实体声明，"
                            "正常的 Excel 工作簿不会有，可能是恶意文件，拒绝读取"
                        )
                    tail = window[-16:]
    except ImportFailed:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
        raise ImportFailed(
            f"{path} 已损坏（{member.filename} 无法解压），请在 Excel 或 WPS 中打开并另存后重试"
        ) from None
    except Exception as error:  # zlib.error and friends from a damaged stream
        raise ImportFailed(
            f"{path} 已损坏（{member.filename} 无法解压：{type(error).__name__}），请在 Excel 或 WPS 中打开并另存后重试"
        ) from None
    return size


def _bomb(path: Path, member: str) -> str:
    return f"{path} 的 {member} 解压后过大（超过导入上限），可能是压缩炸弹，拒绝读取"


def not_a_workbook(path: Path) -> str:
    hint = "；.xls 文件请在 Excel 或 WPS 中另存为 .xlsx" if path.suffix.lower() in (".xls", ".et") else ""
    return f"{path} 不是 Excel 工作簿（.xlsx）{hint}"
