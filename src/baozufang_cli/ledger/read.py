"""Reading one ledger file: bytes (guarded: size limit, special files) → text → data, with located problems.

Used for project files, ``targets.yaml``, ``criteria.yaml``, assessments and git blobs alike.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

from baozufang_cli.files import MAX_LEDGER_FILE_BYTES
from baozufang_cli.ledger import yamlread
from baozufang_cli.ledger.diagnostics import Diagnostic
from baozufang_cli.ledger.discover import CRITERIA_FILE, PROJECT_SUFFIXES, PROJECTS_DIR, TARGETS_FILE  # noqa: F401

MAX_FILE_BYTES = MAX_LEDGER_FILE_BYTES  # a project file is a few KB; refuse to parse megabytes


def decode(raw: bytes) -> str:
    """Bytes → text. UTF-8 with or without BOM; anything else is a located ``YamlProblem``."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw[:2] in (b"\xff\xfe", b"\xfe\xff") or _looks_utf16(raw):
        raise yamlread.YamlProblem(
            "encoding",
            "文件是 UTF-16 编码，不是 UTF-8",
            1,
            1,
            hint="在编辑器中另存为 UTF-8，或运行 bzf fmt --fix-encoding",
        )
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        col = nul - (raw.rfind(b"\n", 0, nul) + 1) + 1
        raise yamlread.YamlProblem(
            "nul-byte", "文件含有空字符（NUL）", line, col, hint="文件可能已损坏，请从 git 恢复"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        try:
            raw.decode("gb18030")
        except UnicodeDecodeError:
            raise yamlread.YamlProblem(
                "encoding", "文件不是有效的 UTF-8 文本", line, 1, hint="请在编辑器中另存为 UTF-8"
            ) from None
        raise yamlread.YamlProblem(
            "encoding",
            "文件是 GBK/GB18030 编码，不是 UTF-8",
            line,
            1,
            hint="在编辑器中另存为 UTF-8，或运行 bzf fmt --fix-encoding，或 iconv -f GB18030 -t UTF-8",
        ) from None


def _looks_utf16(raw: bytes) -> bool:
    sample = raw[:200]
    return len(sample) >= 4 and sample.count(b"\x00") * 3 >= len(sample)


def read_bytes(
    path: Path | str, rel: str, stat: os.stat_result | None = None
) -> tuple[bytes | None, list[Diagnostic]]:
    """The file's bytes, or a located diagnostic. ``stat`` saves opening a file already known to be
    special or too large; the file is checked again on the descriptor it is read from
    (``files.read_regular``), so a file swapped for a pipe in between is refused, not waited on."""
    from baozufang_cli.files import NotRegular, TooLarge, read_regular, refuse_special

    try:
        if stat is not None:
            refuse_special(stat.st_mode, path)
            if stat.st_size > MAX_FILE_BYTES:
                return None, [_too_large(rel, stat.st_size)]
        return read_regular(path, MAX_FILE_BYTES), []
    except TooLarge as error:
        return None, [_too_large(rel, error.size)]
    except NotRegular as error:
        return None, [
            Diagnostic(
                rel,
                "read-error",
                f"这是{error.strerror}，不是普通文件",
                hint="台账里的文件须是普通文件，请移走它",
            )
        ]
    except FileNotFoundError:
        return None, [
            Diagnostic(rel, "read-error", "读取时文件已不存在", hint="文件在读取过程中被删除或改名")
        ]
    except IsADirectoryError:
        return None, [
            Diagnostic(rel, "read-error", "这是一个文件夹，不是文件", hint="请把这个文件夹改名或移走")
        ]
    except OSError as error:
        return None, [
            Diagnostic(rel, "read-error", f"无法读取文件：{read_reason(error)}", hint="检查文件权限")
        ]


def read_reason(error: OSError) -> str:
    """A Chinese reason a file could not be read."""
    return _READ_REASONS.get(error.errno or 0) or error.strerror or str(error)


_READ_REASONS = {
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有读取权限",
    errno.ELOOP: "符号链接形成循环",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EIO: "读取出错（磁盘或网络盘故障）",
}


def _too_large(rel: str, size: int) -> Diagnostic:
    return Diagnostic(
        rel,
        "file-too-large",
        f"文件过大（{size // 1024} KB）",
        hint="台账文件通常只有几 KB，请检查是否误存了其他内容",
    )


def read_yaml(path: Path, rel: str) -> tuple[Any, str, list[Diagnostic]]:
    """Parse one file. Returns (data, text, diagnostics); data is None when it did not parse."""
    raw, diagnostics = read_bytes(path, rel)
    if raw is None:
        return None, "", diagnostics
    return parse_yaml_bytes(raw, rel)


def parse_yaml_bytes(raw: bytes, rel: str) -> tuple[Any, str, list[Diagnostic]]:
    """Decode and parse one file's bytes (from disk or from git). Returns (data, text, diagnostics)."""
    if len(raw) > MAX_FILE_BYTES:  # a blob from git or an import is held to the limit of a file on disk
        return None, "", [_too_large(rel, len(raw))]
    try:
        text = decode(raw)
        data = yamlread.load(text)
    except yamlread.YamlProblem as problem:
        return (
            None,
            "",
            [
                Diagnostic(
                    rel, problem.code, problem.message, line=problem.line, col=problem.col, hint=problem.hint
                )
            ],
        )
    if data is None:
        return (
            None,
            text,
            [
                Diagnostic(
                    rel,
                    "empty-file",
                    "文件是空的",
                    line=1,
                    col=1,
                    hint="删除此文件，或按 docs/format.md 的格式填写",
                )
            ],
        )
    if not isinstance(data, dict):
        kind = "列表" if isinstance(data, list) else "单个值"
        return (
            None,
            text,
            [
                Diagnostic(
                    rel,
                    "not-a-mapping",
                    f"文件内容是{kind}，应为键值对",
                    line=1,
                    col=1,
                    hint="顶层应为 id: …、name: … 这样的键值对",
                )
            ],
        )
    return data, text, []


def locate_all(diagnostics: list[Diagnostic], text: str) -> list[Diagnostic]:
    """Fill in line/column from ``loc`` for the diagnostics of one file (composes the file once)."""
    pending = [d for d in diagnostics if not d.line]
    if not pending or not text:
        return diagnostics
    try:
        root = yamlread.compose(text)
    except Exception:  # the text parsed before; a failure here must not hide the diagnostics
        return diagnostics
    located = []
    for diagnostic in diagnostics:
        if not diagnostic.line:
            loc = diagnostic.loc
            at_key = bool(loc) and loc[-1] == "@key"
            clean = loc[:-1] if at_key else loc
            position = yamlread.locate(root, clean, at_key=at_key)
            diagnostic = Diagnostic(
                diagnostic.path,
                diagnostic.code,
                diagnostic.message,
                diagnostic.severity,
                position.line,
                position.col,
                diagnostic.hint,
                clean,
            )
        located.append(diagnostic)
    return located
