"""Pydantic validation errors → located diagnostics with stable codes and Chinese messages.

Each error's ``loc`` is kept on the diagnostic; ``loader.locate_all`` turns it into a line
and column. Messages name the field by its Chinese title (``「套数」(units)``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from baozufang_cli.ledger.diagnostics import Diagnostic
from baozufang_cli.ledger.lookalikes import describe
from baozufang_cli.models import field_titles

_TITLES = field_titles()
_KINDS = {
    "int_type": "整数",
    "int_parsing": "整数",
    "float_type": "数字",
    "string_type": "文本",
    "bool_type": "true 或 false",
    "list_type": "列表",
    "dict_type": "键值对",
    "model_type": "键值对",
    "model_attributes_type": "键值对",
    "date_type": "日期",
}
_FORMATS = {
    "Targets": " targets.yaml ",
    "Criteria": " criteria.yaml ",
    "Project": "项目文件",
    "Assessment": "自评文件",
}
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－：", "0123456789.-:")


def _describe(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "键值对"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _title(loc: tuple[str | int, ...], model: type[BaseModel] | None = None) -> str:
    """The Chinese title of the field at ``loc``, as the model that holds it names it.

    ``name`` is 区县名称 in targets.yaml and 项目名称 in a project file: the title is looked up
    in the model walked along ``loc``, and only failing that in the table of every model's titles."""
    for depth in range(len(loc), 0, -1):
        step = loc[depth - 1]
        if isinstance(step, str):
            title = _model_title(model, loc[:depth]) if model is not None else None
            title = title or _TITLES.get(step)
            return f"「{title}」({step})" if title and title != step else step
    return "此项"


def _model_title(model: type[BaseModel], loc: tuple[str | int, ...]) -> str | None:
    fields = _fields_at(model, loc)
    field = fields.get(loc[-1]) if fields and isinstance(loc[-1], str) else None
    return field.title if field is not None else None


def _known_keys(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """The keys allowed at ``loc`` (the unknown key's parent), walking nested models."""
    return list(_fields_at(model, loc) or ())


def _fields_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> dict[str, Any] | None:
    """The fields of the model that holds the last step of ``loc``, walking nested models."""
    current: Any = model
    for step in loc[:-1]:
        if isinstance(step, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or step not in fields:
            return None
        current = _inner_model(fields[step].annotation)
        if current is None:
            return None
    return getattr(current, "model_fields", None) or None


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def schema_diagnostics(rel: str, error: ValidationError, model: type[BaseModel]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        kind, value, ctx = item["type"], item.get("input"), item.get("ctx") or {}
        hint = ""
        at_key = False
        if kind == "missing":
            code, message = "missing-key", f"缺少必填项{_title(loc, model)}"
        elif kind == "extra_forbidden":
            code, message, at_key = "unknown-key", f"未知的键 {loc[-1]}", True
            from baozufang_cli.ledger.registry import closest

            guess = closest(str(loc[-1]), _known_keys(model, loc))
            hint = (
                f"是否为 {guess}？"
                if guess
                else f"键名须与 docs/format.md 中{_FORMATS.get(model.__name__, '')}的格式一致"
            )
            lookalike = describe(str(loc[-1]))  # 全角空格 … that makes a right-looking key unknown
            hint = f"键名{lookalike}，{hint}" if lookalike else hint
        elif kind == "bad-date":
            code, message = "bad-date", f"{_title(loc, model)}：{item['msg']}"
        elif kind in _KINDS:
            code = "wrong-type"
            message = f"{_title(loc, model)}应为{_KINDS[kind]}，实为 {_describe(value)}"
            if kind == "int_type" and isinstance(value, float):
                hint = "不能有小数" if value - value == 0 else "请填写数值"  # .inf, .nan: not a number
            elif isinstance(value, str) and value.translate(_FULL_WIDTH) != value:
                hint = "含全角字符，请改为半角数字"
            elif kind == "string_type" and value is not None:
                hint = "文字内容请加引号"
        elif kind in ("string_too_short", "too_short") and ctx.get("min_length") == 1:
            code, message = "empty-value", f"{_title(loc, model)}不能为空"
        elif kind == "blank":
            code, message = "empty-value", f"{_title(loc, model)}不能只有空格"
        elif kind in _RANGE_ERRORS and isinstance(value, float) and value != value:
            code, message = "out-of-range", f"{_title(loc, model)}不是数字（.nan）"
            hint = "请填写数值，不知道时删去这一项"
        elif kind in _RANGE_ERRORS:
            code = "out-of-range"
            limits = "、".join(f"{_BOUNDS[k]} {_number(v)}" for k, v in ctx.items() if k in _BOUNDS)
            message = f"{_title(loc, model)}超出范围：{_describe(value)}" + (
                f"（应{limits}）" if limits else ""
            )
            if loc and str(loc[-1]).endswith("_wan"):
                hint = _money_hint(value)
            elif loc and loc[-1] == "market_rent_yuan_m2":
                hint = "市场租金为 0 时无法判断租金是否低于市场租金；不知道时删去这一项"
        elif kind == "string_pattern_mismatch":
            code, message = "bad-id", f"{_title(loc, model)}格式不对：{_describe(value)}"
            hint = "只能包含字母、数字、- 和 _，且以字母或数字开头"
            lookalike = describe(value) if isinstance(value, str) else ""
            hint = f"{lookalike}；{hint}" if lookalike else hint
        elif kind == "literal_error":
            code = "bad-value"
            message = f"{_title(loc, model)}取值不对：{_describe(value)}（应为 {ctx.get('expected', '')}）"
        else:
            code, message = "bad-value", f"{_title(loc, model)}：{item['msg']}"
        out.append(Diagnostic(rel, code, message, hint=hint, loc=loc + (("@key",) if at_key else ())))
    return out


def _number(value: Any) -> str:
    """Bounds as people write them: 0 not 0.0, 100000000 not 1e8."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _money_hint(value: Any) -> str:
    if isinstance(value, int | float) and value < 0:
        return "金额不能为负数；退回的资金请在 note 中说明"
    return "金额以万元为单位，是否误按元填写？"


_BOUNDS = {
    "gt": "大于",
    "ge": "不小于",
    "lt": "小于",
    "le": "不大于",
    "max_length": "长度不超过",
}
_RANGE_ERRORS = (
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
    "too_long",
    "string_too_long",
)
