"""Rules over the parsed text of any ledger file, before the schema: ``(data, rel) -> diagnostics``.

Registered in ``checks.CHECKS`` with scope ``data``; the loader runs them for project files,
``targets.yaml``, ``criteria.yaml`` and assessments, and the edit path (``set``, ``new``,
``problem add``, ``import``) refuses a change that would add one of their errors.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from baozufang_cli.ledger.characters import UNSAFE, describe
from baozufang_cli.ledger.diagnostics import Diagnostic

MAX_REPORTED = 20  # per file: a pasted binary blob is one problem, not thousands of lines


def control_characters(data: Any, rel: str, text: str | None = None) -> Iterable[Diagnostic]:
    """Every key and text value holding a control character, bidi control or line separator.

    When the file's ``text`` holds none of them and no backslash, no value can (YAML makes such
    a character from clean text only with a double-quoted escape such as ``"\\e"``): one search
    of the text instead of a walk over every value (~10% of parsing a ledger)."""
    if text is not None and "\\" not in text and UNSAFE.search(text) is None:
        return []
    out: list[Diagnostic] = []
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), data)]
    search = UNSAFE.search
    while stack and len(out) < MAX_REPORTED:
        loc, value = stack.pop()
        if isinstance(value, str):
            found = search(value)
            if found is not None:
                out.append(_problem(rel, loc, found.group()))
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and (found := search(key)) is not None:
                    out.append(_problem(rel, (*loc, key), found.group(), in_key=True))
                stack.append(((*loc, key), item))
        elif isinstance(value, list):
            stack.extend(((*loc, i), item) for i, item in enumerate(value))
    return sorted(out, key=lambda d: [str(part) for part in d.loc])


def _problem(rel: str, loc: tuple[str | int, ...], character: str, in_key: bool = False) -> Diagnostic:
    what = "键名" if in_key else "文字"
    return Diagnostic(
        rel,
        "control-char",
        f"{what}含有不可见的控制字符 {describe(character)}",
        hint="它会改动终端显示或文字顺序；多半是复制时带入的，请删除（引号里的 \\e、\\x1b、\\u202e 之类同样不行）",
        loc=loc,
    )
