"""Chinese for the parts of the command line that Typer (and the click it vendors) write in English.

Help headings, the help option, usage errors: users read all of them. Typer has no translation
hook, so ``install()`` replaces a few strings and the error printers. Every patch is guarded: if a
future Typer moves things, bzf keeps working in English rather than failing to start.
"""

from __future__ import annotations

import contextlib
import re
from typing import IO, Any

WORDS = {
    "Options": "选项",
    "Arguments": "参数",
    "Commands": "命令",
    "required": "必填",
    "(dynamic)": "（动态）",
    "Aborted!": "已中止",
    "Missing command.": "缺少命令",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "No such command {name!r}.": "没有命令 {name!r}",
}
HELP_TEXT = "显示帮助并退出"

# (pattern, replacement) applied in order to click's English error messages
MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"No such option: (\S+)"), r"没有选项 \1"),
    (re.compile(r"\(Possible options: (.*)\)"), r"（可能是：\1）"),
    (re.compile(r"\.?\s*Did you mean (.*)\?"), r"，是否为 \1？"),
    (re.compile(r"Value error, "), ""),
    (re.compile(r"Invalid value for (.+?): "), r"\1 的值无效："),
    (re.compile(r"Invalid value: "), r"值无效："),
    (re.compile(r"(.+) is not one of (.+)\."), r"\1 不在可选值 \2 之中"),
    (re.compile(r"(.+) is not a valid (integer|float|boolean)( range)?\."), r"\1 不是有效的数字或布尔值"),
    (re.compile(r"Missing argument (.+?)\.\s*Choose from:\s*(.*)", re.DOTALL), r"缺少参数 \1，可选：\2"),
    (re.compile(r",\n\t"), "、"),  # the choices listed one per line after "Choose from:"
    (re.compile(r"Missing argument (.+)\."), r"缺少参数 \1"),
    (re.compile(r"Missing option (.+)\."), r"缺少选项 \1"),
    (re.compile(r"Missing parameter: (.+)"), r"缺少参数 \1"),
    (re.compile(r"Option (.+) requires an argument\."), r"选项 \1 需要一个值"),
    (re.compile(r"Option (.+) requires (\d+) arguments\."), r"选项 \1 需要 \2 个值"),
    (re.compile(r"Got unexpected extra arguments? \((.*)\)"), r"多余的参数：\1"),
    (re.compile(r"Directory (.+) is a file\."), r"\1 是文件，不是目录"),
    (re.compile(r"File (.+) is a directory\."), r"\1 是目录，不是文件"),
    (re.compile(r"(Path|File|Directory) (.+) does not exist\."), r"\2 不存在"),
    (re.compile(r"(.+) is not in the range (.+)\."), r"\1 不在范围 \2 之内"),
    (re.compile(r"Value (.+) is not a valid (.+)\."), r"\1 不是有效的值（应为 \2）"),
    # Typer validates option values with pydantic: its messages (e.g. bzf new --units 0)
    (re.compile(r"Input should be greater than or equal to (\S+)"), r"应不小于 \1"),
    (re.compile(r"Input should be greater than (\S+)"), r"应大于 \1"),
    (re.compile(r"Input should be less than or equal to (\S+)"), r"应不大于 \1"),
    (re.compile(r"Input should be less than (\S+)"), r"应小于 \1"),
    (re.compile(r"Input should be a valid integer.*"), "应为整数"),
    (re.compile(r"Input should be a finite number"), "应为有限的数"),
    (re.compile(r"Input should be a valid number.*"), "应为数字"),
    (re.compile(r"Input should be a valid date.*"), "应为日期 YYYY-MM-DD"),
    (re.compile(r"Input should be a valid boolean.*"), "应为是或否（true/false）"),
    (re.compile(r"Input should be a valid (string|list|path).*"), "格式不对"),
    (re.compile(r"Input should be (.+)"), r"应为 \1"),
    (re.compile(r"String should have at most (\d+) characters?"), r"最多 \1 个字符"),
    (re.compile(r"String should have at least (\d+) characters?"), r"至少 \1 个字符"),
    (re.compile(r"String should match pattern (.+)"), r"格式不符（应匹配 \1）"),
    (re.compile(r"Field required"), "必填"),
]


def translate(message: str) -> str:
    for pattern, replacement in MESSAGES:
        message = pattern.sub(replacement, message)
    return message


def cells(text: str) -> int:
    """Display width: a Chinese character takes two cells (click counts characters)."""
    from unicodedata import east_asian_width

    return sum(2 if east_asian_width(char) in "WF" else 1 for char in text)


# runs of ASCII that should not be split (options, paths, numbers); anything else breaks per character
_UNBREAKABLE = re.compile(r"[!-~]+|\s+|.", re.S)
_NO_LINE_START = set("，。、；：）」』！？》,.;:)")  # Chinese line-breaking: these never start a line


def wrap_text(
    text: str,
    width: int = 78,
    initial_indent: str = "",
    subsequent_indent: str = "",
    preserve_paragraphs: bool = False,
) -> str:
    """click's ``wrap_text`` measured in display cells, so Chinese help fits the terminal."""
    paragraphs = re.split(r"\n\s*\n", text.strip()) if preserve_paragraphs else [text]
    wrapped = []
    for number, paragraph in enumerate(paragraphs):
        first = initial_indent if number == 0 else subsequent_indent
        if paragraph.startswith("\b"):  # click's marker: keep the lines as written
            kept = paragraph[1:].strip("\n").splitlines()
            wrapped.append(
                "\n".join((first if i == 0 else subsequent_indent) + row for i, row in enumerate(kept))
            )
            continue
        lines: list[str] = []
        line: list[str] = []  # the tokens of the line being filled
        indent = first
        for token in _UNBREAKABLE.findall(" ".join(paragraph.split())):
            if token.isspace():
                if line:
                    line.append(" ")
                continue
            room = width - cells(indent)
            if line and cells("".join(line) + token) > room:
                carried: list[str] = []
                while line and line[-1] == " ":
                    carried.insert(0, line.pop())
                if token in _NO_LINE_START and len(line) > 1:  # take the character before it along
                    carried.insert(0, line.pop())
                elif not carried or len(line) <= 1:
                    carried = []
                lines.append(indent + "".join(line).rstrip())
                line, indent = carried, subsequent_indent
                room = width - cells(indent)
            while cells(token) > room and not line:  # a word longer than a whole line is cut
                cut = ""
                for char in token:
                    if cells(cut + char) > room:
                        break
                    cut += char
                lines.append(indent + cut)
                token, indent = token[len(cut) :], subsequent_indent
                room = width - cells(indent)
            line.append(token)
        if line:
            lines.append(indent + "".join(line).rstrip())
        wrapped.append("\n".join(lines))
    return "\n\n".join(wrapped)


def install() -> None:
    # a Typer release that moved its internals leaves bzf in English rather than broken
    with contextlib.suppress(Exception):
        _install()


def _install() -> None:
    import typer.core
    from typer._click import core, exceptions, formatting, utils

    from baozufang_cli.ledger.characters import visible

    def gettext(message: str) -> str:
        return WORDS.get(message, message)

    typer.core._ = gettext
    formatting.term_len = cells  # type: ignore[assignment]
    formatting.wrap_text = wrap_text

    original_get_help_option = core.Command.get_help_option

    def get_help_option(self: Any, ctx: Any) -> Any:
        option = original_get_help_option(self, ctx)
        if option is not None and getattr(option, "help", None) != HELP_TEXT:
            option.help = HELP_TEXT
        return option

    core.Command.get_help_option = get_help_option  # type: ignore[method-assign]

    original_write_usage = formatting.HelpFormatter.write_usage

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        original_write_usage(self, prog, args, "用法：" if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]

    def show_exception(self: Any, file: IO[Any] | None = None) -> None:
        utils.echo(
            f"bzf：错误：{visible(translate(self.format_message()))}",
            file=file or utils._default_text_stderr(),
        )

    def show_usage_error(self: Any, file: IO[Any] | None = None) -> None:
        file = file or utils._default_text_stderr()
        if self.ctx is not None:
            utils.echo(visible(self.ctx.get_usage()), file=file, color=self.ctx.color)
            if self.ctx.command.get_help_option(self.ctx) is not None:
                utils.echo(
                    visible(f"运行 '{self.ctx.command_path} {self.ctx.help_option_names[0]}' 查看帮助"),
                    file=file,
                )
        # the message echoes what was typed (an option, a value, a command name): it may hold an ESC
        # sequence or a bidi override pasted with it, which must not reach the terminal as one
        utils.echo(f"bzf：错误：{visible(translate(self.format_message()))}", file=file)

    exceptions.ClickException.show = show_exception  # type: ignore[method-assign]
    exceptions.UsageError.show = show_usage_error  # type: ignore[method-assign]
