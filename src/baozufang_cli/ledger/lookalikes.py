"""Why a line that reads correctly does not parse: characters that look right and are not.

Chinese input methods type full-width colons, commas and digits; text copied from Word, web
pages or Excel brings ideographic and no-break spaces, zero-width characters and stray BOMs;
a merge that went wrong leaves git's conflict markers in the file. YAML sees none of these
as what they look like, and its own message ("could not find expected ':'") does not help
someone who can see a colon. ``explain`` turns such syntax errors into a message that
names the character and its line; ``describe`` names them in any text (keys, values).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from baozufang_cli.ledger.yaml_problems import YamlProblem

_DELETE = "请删除这个看不见的字符"
# character → how a user would call it; what to do instead
LOOKALIKES: dict[str, tuple[str, str]] = {
    "：": ("全角冒号 ：", "请改为半角冒号 : 加空格"),
    "，": ("全角逗号 ，", "请改为半角逗号 ,"),
    "－": ("全角减号 －", "请改为半角 -"),
    "［": ("全角方括号 ［", "请改为半角 ["),
    "］": ("全角方括号 ］", "请改为半角 ]"),
    "｛": ("全角花括号 ｛", "请改为半角 {"),
    "｝": ("全角花括号 ｝", "请改为半角 }"),
    "\u3000": ("全角空格", "请改为半角空格"),
    "\u00a0": ("不间断空格（网页或 Word 复制带入）", "请改为普通空格"),
    "\u200b": ("零宽空格（看不见）", _DELETE),
    "\u200c": ("零宽字符（看不见）", _DELETE),
    "\u200d": ("零宽字符（看不见）", _DELETE),
    "\u2060": ("零宽字符（看不见）", _DELETE),
    "\ufeff": ("BOM 字符 U+FEFF（看不见，多半是拼接文件带入）", _DELETE),
}
_FULL_WIDTH_DIGITS = re.compile("[０-９]")
_CONFLICT = re.compile(r"^(?:<{7}|={7}|>{7}|\|{7})(?: |$)", re.MULTILINE)


def describe(text: str) -> str:
    """``含全角冒号 ：、全角空格`` for the lookalikes in ``text``; empty when there are none."""
    found = [LOOKALIKES[char][0] for char in dict.fromkeys(text) if char in LOOKALIKES]
    if _FULL_WIDTH_DIGITS.search(text):
        found.append("全角数字")
    return "含" + "、".join(found) if found else ""


def fix(text: str) -> str:
    """What to type instead: ``请改为半角冒号 :`` (the first lookalike in ``text``)."""
    for char in text:
        if char in LOOKALIKES:
            return LOOKALIKES[char][1]
    return "请改为半角数字" if _FULL_WIDTH_DIGITS.search(text) else ""


def conflict_line(text: str) -> int:
    """The 1-based line of the first git conflict marker (``<<<<<<<`` …), 0 when there is none."""
    match = _CONFLICT.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 0


def explain(problem: YamlProblem, text: str) -> YamlProblem:
    """A YAML syntax error, restated when a conflict marker or a lookalike character caused it."""
    if problem.code != "yaml-syntax":
        return problem
    marker = conflict_line(text)
    if marker:
        problem.message = "文件中有未解决的 git 合并冲突（<<<<<<< … >>>>>>>）"
        problem.hint = "保留正确的一边，删除冲突标记行后再提交"
        problem.line, problem.col = marker, 1
        return problem
    lines = text.split("\n")
    line = lines[problem.line - 1] if 1 <= problem.line <= len(lines) else ""
    if line.lstrip(" ").startswith("\t"):  # libyaml calls a tab in the indentation many names
        problem.message, problem.hint, problem.col = "缩进里有制表符（Tab）", "YAML 只能用空格缩进", 1
        return problem
    if len(line.split(": ", 1)[0]) > _LONGEST_KEY:
        problem.message, problem.hint = f"键名过长（超过 {_LONGEST_KEY} 个字符）", "检查这一行是否缺少换行"
        problem.col = 1
        return problem
    # the scanner often notices one line late: look at the reported line and the one before
    for number in (problem.line, problem.line - 1):
        if 1 <= number <= len(lines):
            suspects = _syntax_suspects(lines[number - 1])
            if suspects:
                problem.message = f"{problem.message}：这一行{describe(suspects)}"
                problem.hint = fix(suspects)
                problem.line, problem.col = number, 1
                return problem
    return problem


def _syntax_suspects(line: str) -> str:
    """The lookalikes on ``line`` that break YAML syntax (a full-width comma in a name does not)."""
    head = line.split(": ", 1)[0]  # the key and its colon; the whole line when there is no ": "
    suspects = [char for char in head if char in "：\u3000\u00a0"]
    suspects += [char for char in line if char in _INVISIBLE]
    if "{" in line or "[" in line:  # inside flow collections a full-width comma or bracket matters
        suspects += [char for char in line if char in "，［］｛｝"]
    return "".join(suspects)


_LONGEST_KEY = 1024  # libyaml's limit for a key on one line; longer ones "lack a colon"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
