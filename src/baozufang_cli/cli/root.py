"""The ``bzf`` app itself — its help text, ``--version`` and the help option — without any command.

``app.py`` adds every command to it; ``command_index.py`` adds only the names and one-line
help of the commands, which is all ``bzf --help`` lists.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
from typing import Annotated, NoReturn

import typer

from baozufang_cli import __version__


def new_app() -> typer.Typer:
    app = typer.Typer(
        name="bzf",
        help="bzf：保障性租赁住房项目台账工具。读取 YAML 台账，汇总进度、目标缺口、逾期节点，导出 Excel 台账。",
        rich_markup_mode=None,  # plain help: rich would add ~100 ms to every --help
        add_completion=False,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(root)
    return app


def _version(value: bool) -> None:
    if value:
        typer.echo(f"bzf {__version__}")
        raise typer.Exit()


def root(
    version: Annotated[
        bool, typer.Option("--version", "-V", help="显示版本并退出", callback=_version, is_eager=True)
    ] = False,
) -> None:
    """bzf：保障性租赁住房项目台账工具。"""


def exit_status(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)  # sys.exit("message") semantics
    return 1


def leave(status: int) -> NoReturn:
    """End the process without tearing down the heap (``app.main`` says why)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # `bzf status | head`: the reader has gone
            stream.flush()
    if threading.active_count() > 1:
        sys.exit(status)
    atexit._run_exitfuncs()
    os._exit(status)
