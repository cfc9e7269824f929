"""The ``bzf`` command. Commands live in ``commands/``: each module registers its own.

Only typer is imported at start-up; every command imports what it needs when it runs, so
``bzf --help`` and ``bzf --version`` stay fast.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Annotated

import typer

from baozufang_cli import __version__, commands, zh

zh.install()

app = typer.Typer(
    name="bzf",
    help="bzf：保障性租赁住房项目台账工具。读取 YAML 台账，汇总进度、目标缺口、逾期节点，导出 Excel 台账。",
    rich_markup_mode=None,  # plain help: rich would add ~100 ms to every --help
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"bzf {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", "-V", help="显示版本并退出", callback=_version, is_eager=True)
    ] = False,
) -> None:
    """bzf：保障性租赁住房项目台账工具。"""


def _register() -> None:
    modules = [
        importlib.import_module(f"{commands.__name__}.{m.name}")
        for m in pkgutil.iter_modules(commands.__path__)
    ]
    for module in sorted(modules, key=lambda m: (getattr(m, "ORDER", 100), m.__name__)):
        module.register(app)


_register()


def main() -> None:
    app()
