"""YAML failures as located Chinese problems: ``YamlProblem`` and the table of libyaml's messages."""

from __future__ import annotations

import yaml

MAX_DEPTH = 40  # a project file nests 4 levels; deeper is an accident or an attack


class YamlProblem(Exception):
    def __init__(self, code: str, message: str, line: int = 0, col: int = 0, hint: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.col = col
        self.hint = hint


def reader_problem(error: yaml.reader.ReaderError, text: str, fast: bool) -> YamlProblem:
    """A character YAML does not allow (control characters): located, named, Chinese."""
    # libyaml counts UTF-8 bytes, the pure-Python reader counts characters
    before = (
        text.encode("utf-8")[: error.position].decode("utf-8", "ignore") if fast else text[: error.position]
    )
    line = before.count("\n") + 1
    col = len(before) - (before.rfind("\n") + 1) + 1
    character = error.character if isinstance(error.character, int) else ord(str(error.character)[:1] or "?")
    return YamlProblem(
        "control-char",
        f"文件含有不可见的控制字符 U+{character:04X}",
        line,
        col,
        hint="多半是从其他软件复制时带入的，请删除这个字符",
    )


_YAML_MESSAGES = [
    (
        "expected a single document",
        "yaml-multi-doc",
        "一个文件只能有一个 YAML 文档",
        "请删除 --- 分隔的其余部分",
    ),
    ("found character '\\t'", "yaml-syntax", "缩进里有制表符（Tab）", "YAML 只能用空格缩进"),
    ("found a tab character", "yaml-syntax", "缩进里有制表符（Tab）", "YAML 只能用空格缩进"),
    (
        "exceeded maximum nesting depth",
        "yaml-too-deep",
        f"嵌套超过 {MAX_DEPTH} 层",
        "检查是否误写了一长串 - 或 [",
    ),
    (
        "found character that cannot start any token",
        "yaml-syntax",
        "无法识别的字符",
        "若是 Tab 请改为空格；以 @、` 等符号开头的文字请加引号",
    ),
    (
        "found unexpected document indicator",
        "yaml-syntax",
        "引号中出现了 --- 或 ...",
        "检查这一行起的引号是否闭合",
    ),
    ("found unexpected end of stream", "yaml-syntax", "引号或括号没有闭合", "检查这一行起的引号、括号"),
    ("while scanning a quoted scalar", "yaml-syntax", "引号没有闭合", "检查这一行的引号"),
    (
        "mapping values are not allowed",
        "yaml-syntax",
        "这里不能出现冒号键值",
        "值里含冒号时请加引号；检查这一行和上一行的缩进",
    ),
    (
        "block sequence entries are not allowed",
        "yaml-syntax",
        "这里不能开始列表（- ）",
        "列表项须另起一行并缩进；以 - 开头的文字请加引号",
    ),
    ("escape", "yaml-syntax", "双引号中有无效的转义（\\）", "含 \\ 的文字（如路径）请改用单引号"),
    ("hexdecimal number", "yaml-syntax", "双引号中有无效的转义（\\）", "含 \\ 的文字（如路径）请改用单引号"),
    ("alphabetic or numeric character", "yaml-syntax", "& 或 * 的写法不对", "文字中的 &、* 请加引号"),
    ("scanning a tag", "yaml-tag", "标签（!）的写法不对", "台账文件不用标签；以 ! 开头的文字请加引号"),
    ("tag handle", "yaml-tag", "标签（!）的写法不对", "台账文件不用标签；以 ! 开头的文字请加引号"),
    (
        "indentation indicator",
        "yaml-syntax",
        "多行文字（| 或 >）的写法不对",
        "| 或 > 后直接换行，下一行缩进写文字",
    ),
    ("<document start>", "yaml-multi-doc", "一个文件只能有一个 YAML 文档", "请删除 ... 或 --- 之后的内容"),
    ("directive", "yaml-syntax", "文件开头的 % 指令不对", "删除以 % 开头的行"),
    ("could not find expected ':'", "yaml-syntax", "缺少冒号", "键与值之间需要 `: `"),
    ("did not find expected key", "yaml-syntax", "缩进不对齐或缺少键", "检查这一行和上一行的缩进"),
    ("did not find expected '-' indicator", "yaml-syntax", "列表缩进不对齐", "检查 - 的缩进"),
    (
        "expected ',' or ']'",
        "yaml-syntax",
        "方括号列表中缺少逗号或右方括号 ]",
        "检查这一行的 [ ] 是否成对、元素之间是否有逗号",
    ),
    (
        "expected ',' or '}'",
        "yaml-syntax",
        "花括号中缺少逗号或右花括号 }",
        "检查这一行的 { } 是否成对、键值之间是否有逗号",
    ),
    ("found undefined alias", "yaml-alias", "不支持 YAML 锚点/别名（& 和 *）", "若是文字中的 *，请加引号"),
]


def problem_from(error: yaml.MarkedYAMLError) -> YamlProblem:
    raw_context = error.context or ""
    # an unclosed quote is reported at the end of the file; the quote's start is the useful place
    prefer_context = "quoted scalar" in raw_context or "flow" in raw_context
    mark = (error.context_mark if prefer_context else None) or error.problem_mark or error.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
    raw = f"{error.context or ''} {error.problem or ''}".strip()
    for needle, code, message, hint in _YAML_MESSAGES:
        if needle in raw:
            return YamlProblem(code, message, line, col, hint=hint)
    return YamlProblem(
        "yaml-syntax",
        f"YAML 语法错误：{error.problem or raw}",
        line,
        col,
        hint="检查这一行的缩进、引号和冒号",
    )
