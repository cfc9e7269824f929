"""The ``bzf`` command. Commands live in ``commands/``, one module each: its texts and options
as constants plus one function, registered here.

Only typer is imported at start-up; every command imports what it needs when it runs, so
``bzf --help`` and ``bzf --version`` stay fast.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import NoReturn

import typer

from baozufang_cli.cli import commands, completion, zh
from baozufang_cli.cli.command_index import REPORT_COMMANDS
from baozufang_cli.cli.report_command import FILTERS, LEAN, LeanCommand, report_command
from baozufang_cli.cli.root import exit_status, leave, new_app
from baozufang_cli.cli.runtime import guard

zh.install()


LEAN_PLAIN_COMMANDS = ("check",)  # commands that are not reports whose lines ``lean_params`` parses too
_app: typer.Typer | None = None  # every command registered: built on first use (``full_app``)


def full_app() -> typer.Typer:
    """The app with every command (``--help``, errors, completion, anything ``lean_params`` leaves)."""
    global _app
    if _app is None:
        _app = new_app()
        _register(_app)
    return _app


def __getattr__(name: str) -> typer.Typer:  # ``from baozufang_cli.cli.app import app``
    if name == "app":
        return full_app()
    raise AttributeError(name)


def _register_module(app: typer.Typer, module: ModuleType) -> None:
    if hasattr(module, "compute"):  # a report command: its options and one function (report_command.py)
        report_command(
            app,
            module.__name__.rsplit(".", 1)[1],
            help=module.HELP,
            short_help=getattr(module, "SHORT_HELP", None),
            options=getattr(module, "OPTIONS", ()),
            filters=getattr(module, "FILTERS", FILTERS),
            province=getattr(module, "PROVINCE", False),
        )(module.compute)
    elif hasattr(module, "command"):  # any other command: its help texts and one guarded function
        app.command(
            getattr(module, "NAME", None) or module.__name__.rsplit(".", 1)[1],
            help=module.HELP,
            short_help=getattr(module, "SHORT_HELP", None),
        )(guard(module.command))
    else:
        module.register(app)  # a command group (bzf problem add|close)


def _register(app: typer.Typer) -> None:
    import pkgutil

    modules = [
        importlib.import_module(f"{commands.__name__}.{m.name}")
        for m in pkgutil.iter_modules(commands.__path__)
    ]
    for module in sorted(modules, key=lambda m: (getattr(m, "ORDER", 100), m.__name__)):
        _register_module(app, module)


def _lean_command(name: str) -> LeanCommand | None:
    """The report command ``name`` (or ``bzf check``), from its own module alone, not the other ~30."""
    found = LEAN.get(name)
    if found is None and name in REPORT_COMMANDS:
        _register_module(new_app(), importlib.import_module(f"{commands.__name__}.{name}"))
        found = LEAN.get(name)
    elif found is None and name in LEAN_PLAIN_COMMANDS:  # a plain command: its signature is the declaration
        import inspect
        import typing

        command = importlib.import_module(f"{commands.__name__}.{name}").command
        hints = typing.get_type_hints(command, include_extras=True)
        parameters = [
            (p.name, hints[p.name], p.default) for p in inspect.signature(command).parameters.values()
        ]
        found = LEAN[name] = LeanCommand(parameters, guard(command))
    return found


def main() -> NoReturn:
    """The console script: run the app, then end the process without tearing down the heap.

    A warm ``bzf status`` over 10,000 projects holds ~1.5 million objects. Freeing them one by
    one and dismantling every module at exit took ~0.15 s, a fifth of the command. Instead
    output is flushed, ``atexit`` handlers run, and the process ends with ``os._exit`` (mypy
    does the same); the operating system reclaims the memory at once. With other threads
    still running, bzf exits the ordinary way so their work is not cut short.
    """
    args = sys.argv[1:]
    chinese_streams()
    undecodable = next((arg for arg in args if not _is_text(arg)), None)
    if undecodable is not None:
        shown = undecodable.encode("utf-8", "backslashreplace").decode("utf-8")
        print(
            f"bzf：命令行参数 {shown} 含不是 UTF-8 的字节，无法处理；请在 UTF-8 终端中输入，"
            "文件、文件夹请先改为 UTF-8 名称",
            file=sys.stderr,
        )
        leave(2)  # a usage error; before, a name became 'bzf 的缺陷' and a query 内部错误
    try:
        if completion.requested():  # the shell asks for completions (docs/completion.md)
            completion.enable()
            app_for([])()
        lean = _run_lean(args)
        if lean is None:
            app_for(args)()
        status = lean or 0
    except SystemExit as done:
        status = exit_status(done.code)
    leave(status)


def _is_text(arg: str) -> bool:
    """Whether a command-line argument is text: bytes that are not UTF-8 arrive as lone surrogates."""
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def chinese_streams() -> None:
    """Standard output and error that can write Chinese: UTF-8 where they could not.

    Everything bzf writes is Chinese. With ``PYTHONIOENCODING=ascii`` (or latin-1, or a
    terminal Python took for one) the first ``print`` raised UnicodeEncodeError, which
    reached the user as 内部错误; an encoding that has Chinese (utf-8, gbk, gb18030) is kept.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            "台账：".encode(stream.encoding or "ascii")
        except (LookupError, UnicodeError):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(encoding="utf-8")
        except (AttributeError, TypeError):  # a replaced stream without an encoding
            continue


def _run_lean(args: list[str]) -> int | None:
    """A report command line that ``lean_params`` parses, run without building the Typer command.

    Returns the exit status, or ``None`` when the line is for Typer (``--help``, an error, …).
    """
    command = _lean_command(args[0]) if args else None
    if command is None:
        return None
    from baozufang_cli.cli.lean_params import parse

    values = parse(command.parameters, args[1:])
    if values is None:
        return None
    try:
        command.run(**values)
    except typer.Exit as done:
        return int(done.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("", err=True)
        typer.echo("已中止", err=True)  # what Typer prints (zh.py)
        return 1
    return 0


def app_for(args: list[str]) -> typer.Typer:
    """The app to run: for ``bzf <command> …``, one that holds only that command.

    Before it parses anything Typer turns every registered command into a click command,
    evaluating each parameter's annotations: with twenty commands that is ~30 ms on every
    run. Running one command needs only that one, and ``bzf --version`` none. ``bzf``,
    ``bzf --help`` and anything else get the full app, so the command list, suggestions for
    typos and every error message stay the same.
    """
    app = full_app()
    if not args:
        return app
    from typer.main import get_command_name

    lean = new_app()
    if args[0] in ("--version", "-V"):
        return lean  # an eager option of the app itself: no command is needed to print the version
    for command in app.registered_commands:
        name = command.name or get_command_name(command.callback.__name__ if command.callback else "")
        if name == args[0]:
            lean.registered_commands = [command]
            return lean
    for group in app.registered_groups:
        if group.name == args[0]:
            lean.registered_groups = [group]
            return lean
    return app
