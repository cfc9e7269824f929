"""What the models say about a key, and command-line text read as a typed value (Chinese errors).

``EditError`` (exit code 2) is a command line that asks for something that cannot be done;
whether an edit's result is valid is decided later by ``Document.save``.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel
from pydantic_core import PydanticCustomError

from baozufang_cli.errors import UsageError
from baozufang_cli.ledger.registry import closest
from baozufang_cli.models import parse_ledger_date


class EditError(UsageError):
    """The command line asks for something that cannot be done (exit code 2)."""


@dataclass(frozen=True)
class Change:
    """One change, for the confirmation line: ``label: before → after``."""

    label: str
    before: Any
    after: Any

    def describe(self) -> str:
        if self.label.startswith("新增"):  # an added milestone or problem has no "before"
            return f"{self.label}：{show(self.after)}"
        return f"{self.label}：{show(self.before)} → {show(self.after)}"


def show(value: Any) -> str:
    if value is None:
        return "空"
    if isinstance(value, list):
        return "[" + "、".join(str(v) for v in value) + "]"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ------------------------------------------------------------------ the models' field types


def unwrap(annotation: Any) -> Any:
    """``Annotated[X, …] | None`` → ``X``."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def list_item(annotation: Any) -> Any | None:
    """The item type of ``list[X]``, else None."""
    if typing.get_origin(annotation) is list:
        return unwrap(typing.get_args(annotation)[0])
    return None


def label(model: type[BaseModel], key: str) -> str:
    title = model.model_fields[key].title
    return f"「{title}」({key})" if title else key


def field_key(model: type[BaseModel], step: str) -> str:
    """A YAML key or the field's Chinese title (``套数`` → ``units``)."""
    fields = model.model_fields
    if step in fields:
        return step
    by_title = {info.title: key for key, info in fields.items() if info.title}
    if step in by_title:
        return by_title[step]
    guess = closest(step, [*fields, *by_title])
    hint = f"是否为 {by_title.get(guess, guess)}？" if guess else f"可用的键：{'、'.join(fields)}"
    raise EditError(f"没有字段 {step}", hint)


# ------------------------------------------------------------------ values from the command line

_LIST_SEPARATORS = re.compile(r"[,，、]")


def parse_date_text(text: str, what: str) -> date:
    try:
        value = parse_ledger_date(text.strip())
    except PydanticCustomError as error:
        raise EditError(f"{what}：{error}") from None
    return typing.cast(date, value)


def parse_value(text: str, annotation: Any, what: str) -> Any:
    """Command-line text → the value for a field of type ``annotation`` (Chinese errors)."""
    kind = unwrap(annotation)
    text = text.strip()
    if kind is bool:
        if text in ("true", "是"):
            return True
        if text in ("false", "否"):
            return False
        raise EditError(f"{what}应为 true 或 false，实为 {text}")
    if kind is int:
        try:
            return int(text)
        except ValueError:
            raise EditError(f"{what}应为整数，实为 {text}", "不能有小数或文字") from None
    if kind is float:
        try:
            number = float(text)
        except ValueError:
            raise EditError(f"{what}应为数字，实为 {text}") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise EditError(f"{what}应为数字，实为 {text}")
        return int(number) if number.is_integer() and re.fullmatch(r"[-+]?\d+", text) else number
    if kind is date:
        return parse_date_text(text, what)
    if typing.get_origin(kind) is Literal:
        allowed = [str(a) for a in typing.get_args(kind)]
        if text not in allowed:
            raise EditError(f"{what}取值不对：{text}", f"可选：{'、'.join(allowed)}")
        return text
    item = list_item(kind)
    if item is str:
        return [part.strip() for part in _LIST_SEPARATORS.split(text) if part.strip()]
    if kind is str:
        return text
    raise EditError(f"{what}不能直接设置")  # pragma: no cover - every leaf type is handled above
