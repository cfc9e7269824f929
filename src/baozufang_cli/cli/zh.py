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
    (re.compile(r"Missing argument (.+)\."), r"缺少参数 \1"),
    (re.compile(r"Missing option (.+)\."), r"缺少选项 \1"),
    (re.compile(r"Missing parameter: (.+)"), r"缺少参数 \1"),
    (re.compile(r"Option (.+) requires an argument\."), r"选项 \1 需要一个值"),
    (re.compile(r"Option (.+) requires (\d+) arguments\."), r"选项 \1 需要 \2 个值"),
    (re.compile(r"Got unexpected extra arguments? \((.*)\)"), r"多余的参数：\1"),
    (re.compile(r"Directory (.+) is a file\."), r"\1 是文件，不是目录"),
    (re.compile(r"File (.+) is a directory\."), r"\1 是目录，不是文件"),
    (re.compile(r"(Path|File|Directory) (.+) does not exist\."), r"\2 不存在"),
]


def translate(message: str) -> str:
    for pattern, replacement in MESSAGES:
        message = pattern.sub(replacement, message)
    return message


def install() -> None:
    # a Typer release that moved its internals leaves bzf in English rather than broken
    with contextlib.suppress(Exception):
        _install()


def _install() -> None:
    import typer.core
    from typer._click import core, exceptions, formatting, utils

    def gettext(message: str) -> str:
        return WORDS.get(message, message)

    typer.core._ = gettext

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
            f"bzf：错误：{translate(self.format_message())}", file=file or utils._default_text_stderr()
        )

    def show_usage_error(self: Any, file: IO[Any] | None = None) -> None:
        file = file or utils._default_text_stderr()
        if self.ctx is not None:
            utils.echo(self.ctx.get_usage(), file=file, color=self.ctx.color)
            if self.ctx.command.get_help_option(self.ctx) is not None:
                utils.echo(
                    f"运行 '{self.ctx.command_path} {self.ctx.help_option_names[0]}' 查看帮助", file=file
                )
        utils.echo(f"bzf：错误：{translate(self.format_message())}", file=file)

    exceptions.ClickException.show = show_exception  # type: ignore[method-assign]
    exceptions.UsageError.show = show_usage_error  # type: ignore[method-assign]
