"""Report command lines parsed without building the Typer command: the warm path's start-up.

Before it runs a command, Typer 0.29 turns every parameter into a click parameter through a
pydantic ``TypeAdapter`` (importing pydantic: ~70 ms, the largest part of a warm
``bzf status``). A report command's options are few and simple (a path, a date, an enum, a
flag, a bounded integer, repeated texts), so the plain, valid command lines an analyst types
are parsed here from the same declarations (``report_command.Option`` and the shared options),
into exactly the values Typer would pass (``tests/cli/test_lean_params.py`` compares them).

Anything this parser is not sure about — ``--help``, an unknown or repeated option, a missing
or unusual value, a value out of range, a failing option callback, bundled short options —
returns ``None``, and the command line goes to Typer as before, which gives every message,
suggestion and exit code it always gave.
"""

from __future__ import annotations

import inspect
import os
import types
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from typer.models import ArgumentInfo, OptionInfo

_DIGITS = frozenset("0123456789")


class _Unsure(Exception):
    """The command line is not plainly valid: let Typer parse it."""


def _base(annotation: Any) -> tuple[Any, Any, bool]:
    """``Annotated[T | None, info]`` → (T, info, optional)."""
    info = None
    if get_origin(annotation) is Annotated:
        annotation, *extras = get_args(annotation)
        info = next((e for e in extras if isinstance(e, OptionInfo | ArgumentInfo)), None)
    optional = False
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        optional = len(args) < len(get_args(annotation))
        if len(args) != 1:
            raise _Unsure
        annotation = args[0]
    return annotation, info, optional


class _Param:
    def __init__(self, name: str, annotation: Any, default: Any) -> None:
        self.name = name
        self.kind, info, self.optional = _base(annotation)
        if info is None:
            raise _Unsure
        self.info = info
        self.required = default is inspect.Parameter.empty or default is Ellipsis
        self.default = None if self.required else default
        self.is_argument = isinstance(info, ArgumentInfo)
        self.multiple = get_origin(self.kind) is list
        self.flag = self.kind is bool
        decls = list(info.param_decls or ())
        if isinstance(info.default, str) and info.default.startswith("-"):
            decls.insert(
                0, info.default
            )  # Annotated[…, typer.Option("--name")]: the first name sits in default
        self.decls: tuple[str, ...] = () if self.is_argument else tuple(decls)
        if not self.is_argument and not self.decls:
            raise _Unsure
        if any("/" in decl for decl in self.decls):
            raise _Unsure  # --x/--no-x pairs: Typer's business

    def convert(self, text: str) -> Any:
        kind = get_args(self.kind)[0] if self.multiple else self.kind
        if kind is str:
            value: Any = text
        elif kind is int:
            if not text or not set(text) <= _DIGITS:
                raise _Unsure
            value = int(text)
            low, high = getattr(self.info, "min", None), getattr(self.info, "max", None)
            if (low is not None and value < low) or (high is not None and value > high):
                raise _Unsure
        elif kind is Path:
            if not text:
                raise _Unsure
            value = Path(text)
            file_okay = getattr(self.info, "file_okay", True)
            dir_okay = getattr(self.info, "dir_okay", True)
            if (not file_okay and value.is_file()) or (not dir_okay and value.is_dir()):
                raise _Unsure
        elif isinstance(kind, type) and issubclass(kind, Enum):
            try:
                value = kind(text)
            except ValueError:
                raise _Unsure from None
        else:
            raise _Unsure
        return value


def parse(parameters: list[tuple[str, Any, Any]], argv: list[str]) -> dict[str, Any] | None:
    """The keyword values Typer would call the command with, or ``None`` when unsure."""
    try:
        return _parse([_Param(*p) for p in parameters], argv)
    except _Unsure:
        return None
    except Exception:  # a callback that refuses the value, or anything unexpected: Typer decides
        return None


def _parse(params: list[_Param], argv: list[str]) -> dict[str, Any]:
    by_decl = {decl: param for param in params for decl in param.decls}
    arguments = [param for param in params if param.is_argument]
    given: dict[str, list[str]] = {}
    positional: list[str] = []
    tokens = iter(argv)
    for token in tokens:
        if token.startswith("-") and token != "-":
            name, eq, inline = token.partition("=")
            param = by_decl.get(name)
            if param is None or (eq and (param.flag or not name.startswith("--"))):
                raise _Unsure  # unknown, -h/--help, --, bundled short options, --flag=value
            if param.flag:
                raw: str | None = ""
            elif eq:
                raw = inline
            else:
                raw = next(tokens, None)
                if raw is None or raw.startswith("-"):
                    raise _Unsure
            if param.name in given and not param.multiple:
                raise _Unsure
            given.setdefault(param.name, []).append(raw or "")
        else:
            positional.append(token)
    if len(positional) != len(arguments):
        raise _Unsure
    values: dict[str, Any] = {}
    for param in params:
        if param.is_argument:
            value: Any = param.convert(positional[arguments.index(param)])
        elif param.name in given:
            texts = given[param.name]
            if param.flag:
                value = True
            elif param.multiple:
                value = [param.convert(text) for text in texts]
            else:
                value = param.convert(texts[0])
        else:
            envvar = getattr(param.info, "envvar", None)
            text = os.environ.get(envvar) if isinstance(envvar, str) else None
            if envvar is not None and not isinstance(envvar, str):
                raise _Unsure
            if text:
                if param.flag or (
                    param.multiple and (get_args(param.kind)[0] is not Path or os.pathsep in text)
                ):
                    raise _Unsure  # click splits a repeated option's variable by its own rules
                value = [param.convert(text)] if param.multiple else param.convert(text)
            else:
                if param.required:
                    raise _Unsure  # a required value that is missing: Typer says so
                value = param.default
        callback = getattr(param.info, "callback", None)
        if callback is not None:
            value = callback(value)
        values[param.name] = value
    return values
