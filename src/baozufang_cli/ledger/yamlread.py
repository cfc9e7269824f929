"""The read path: bytes → Python data, fast, with YAML 1.2 meaning and located errors.

PyYAML's libyaml parser is the fastest YAML parser available (~3× ruamel's C loader), but
it follows YAML 1.1 (``no`` → False, ``010`` → 8, ``12:30`` → 750) and silently keeps the
last of duplicate keys. This loader keeps libyaml's speed and fixes its meaning:

* implicit types are the YAML 1.2 core schema (what ruamel.yaml, the edit path, uses);
* dates stay strings and are parsed by the models, so a bad date is a located schema error;
* duplicate keys, keys that are not text, aliases (billion-laughs), custom tags, control
  characters and multi-document files are errors (syntax errors caused by look-alike
  characters or merge-conflict markers say so: ``lookalikes.py``);
* every failure is a ``YamlProblem`` with a 1-based line and column.

Speed: libyaml composes the node tree in C but asks Python to resolve the tag of every
plain scalar, and PyYAML's constructor then walks the tree through several generic layers.
``_FastParser`` resolves with a few string tests and ``_build`` makes the values straight
from the nodes: twice as fast as PyYAML's own ``CSafeLoader``, with the same result as the
constructor-based ``_Loader`` (a test compares them).

``locate`` maps a path inside the document (``("milestones", 2, "actual")``) to a line and
column by composing the node tree again; it is only called for files that have problems.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from baozufang_cli.ledger.lookalikes import explain
from baozufang_cli.ledger.yaml_problems import MAX_DEPTH, YamlProblem, problem_from, reader_problem

try:
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]

    FAST = True
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)

    FAST = False


class _Resolver(BaseResolver):
    """YAML 1.2 core schema: only true/false are booleans, no octal 010, no sexagesimal, no timestamps."""


_Resolver.yaml_implicit_resolvers = {}
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


class _Constructor(SafeConstructor):
    def construct_yaml_int(self, node: ScalarNode) -> int:
        value = str(self.construct_scalar(node))
        if value.startswith("0o"):
            return int(value[2:], 8)
        if value.startswith("0x"):
            return int(value[2:], 16)
        return int(value, 10)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, MappingNode):
            raise ConstructorError(
                None, None, f"expected a mapping node, but found {node.id}", node.start_mark
            )
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str | int | float | bool) and key is not None:
                raise YamlProblem("yaml-syntax", "键必须是简单值", *_pos(key_node))
            if not isinstance(key, str):
                raise _key_not_text(key_node)
            if key in mapping:
                raise YamlProblem(
                    "yaml-duplicate-key",
                    f"重复的键 {key}",
                    *_pos(key_node),
                    hint="同一层只能出现一次，请删除或合并",
                )
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_undefined(self, node: Node) -> Any:
        raise YamlProblem(
            "yaml-tag",
            f"不支持的 YAML 标签 {node.tag}",
            *_pos(node),
            hint="台账文件只用普通的键值、列表和文本",
        )


# only the tags of plain data; everything else (!!python/object, custom tags, !!timestamp…) is refused
_Constructor.yaml_constructors = {
    "tag:yaml.org,2002:null": SafeConstructor.construct_yaml_null,
    "tag:yaml.org,2002:bool": SafeConstructor.construct_yaml_bool,
    "tag:yaml.org,2002:int": _Constructor.construct_yaml_int,
    "tag:yaml.org,2002:float": SafeConstructor.construct_yaml_float,
    "tag:yaml.org,2002:str": SafeConstructor.construct_yaml_str,
    "tag:yaml.org,2002:seq": SafeConstructor.construct_yaml_seq,
    "tag:yaml.org,2002:map": SafeConstructor.construct_yaml_map,
    None: _Constructor.construct_undefined,
}


class _Loader(_Parser, _Constructor, _Resolver):
    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        _Constructor.__init__(self)
        _Resolver.__init__(self)


_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_INT_TEXT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT_TEXT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
_NULL_TEXT = frozenset(("~", "null", "Null", "NULL", ""))
_BOOL_TEXT = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NUMBER_START = frozenset("-+0123456789.")


class _FastParser(_Parser):
    """libyaml's composer with the YAML 1.2 core schema resolved by a few string tests."""

    def descend_resolver(self, parent: Any, index: Any) -> None:
        pass  # no path resolvers

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: type, value: str | None, implicit: Any) -> str:
        if kind is ScalarNode:
            if implicit[0] and value is not None:  # plain (unquoted) scalars only
                if value[:1] in _NUMBER_START:
                    if _INT_TEXT.fullmatch(value):
                        return _INT
                    if _FLOAT_TEXT.fullmatch(value):
                        return _FLOAT
                elif value in _NULL_TEXT:
                    return _NULL
                elif value in _BOOL_TEXT:
                    return _BOOL
            return _STR
        return _MAP if kind is MappingNode else _SEQ


def _build(root: Node) -> Any:
    """Plain Python values from a composed node tree: what ``_Loader`` constructs, faster.

    Breadth-first like PyYAML's constructor (a mapping's keys are checked before its nested
    collections are filled), so a file with several problems reports the same one first.
    """
    if type(root) is ScalarNode:
        return _scalar(root)
    result = _collection(root)
    pending: deque[tuple[Node, Any, int]] = deque([(root, result, 1)])
    while pending:
        node, target, depth = pending.popleft()
        if depth > MAX_DEPTH:  # indented block collections nest without a bracket to count
            raise YamlProblem(
                "yaml-too-deep", f"嵌套超过 {MAX_DEPTH} 层", *_pos(node), hint="检查缩进是否一层层越来越深"
            )
        if type(target) is list:
            for item in node.value:
                if type(item) is ScalarNode:
                    target.append(_scalar(item))
                else:
                    child = _collection(item)
                    pending.append((item, child, depth + 1))
                    target.append(child)
            continue
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode:
                raise YamlProblem("yaml-syntax", "键必须是简单值", *_pos(key_node))
            key = _scalar(key_node)
            if type(key) is not str:
                raise _key_not_text(key_node)
            if key in target:
                raise YamlProblem(
                    "yaml-duplicate-key",
                    f"重复的键 {key}",
                    *_pos(key_node),
                    hint="同一层只能出现一次，请删除或合并",
                )
            if type(value_node) is ScalarNode:
                target[key] = _scalar(value_node)
            else:
                child = _collection(value_node)
                pending.append((value_node, child, depth + 1))
                target[key] = child
    return result


def _collection(node: Node) -> Any:
    kind = type(node)
    if kind is MappingNode and node.tag == _MAP:
        return {}
    if kind is SequenceNode and node.tag == _SEQ:
        return []
    raise _unsupported_tag(node)


def _scalar(node: Node) -> Any:
    tag = node.tag
    value = node.value
    if tag == _STR:
        return value
    if tag == _NULL:
        return None
    try:
        if tag == _INT:
            if len(value) > MAX_DIGITS:  # int() of thousands of digits is slow, then refused anyway
                raise YamlProblem(
                    "out-of-range",
                    f"数字过大（{len(value)} 位）",
                    *_pos(node),
                    hint="台账里的数字不会超过十几位，请检查是否误粘贴",
                )
            if value.startswith("0o"):
                return int(value[2:], 8)
            if value.startswith("0x"):
                return int(value[2:], 16)
            return int(value, 10)
        if tag == _FLOAT:
            return _float(value)
        if tag == _BOOL:
            return _BOOL_TEXT[value] if value in _BOOL_TEXT else _YAML11_BOOL[value.lower()]
    except (ValueError, KeyError):
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise YamlProblem(
            "yaml-tag", f"值 {shown} 与标签 {tag} 不符", *_pos(node), hint="去掉标签，或改正取值"
        ) from None
    raise _unsupported_tag(node)


def _key_not_text(node: Node) -> YamlProblem:
    # every key of a ledger file is a name (units, milestones…); 1:, true: or ~: is a slip
    return YamlProblem(
        "unknown-key",
        f"键 {node.value or '（空）'} 不是文字",
        *_pos(node),
        hint="键名须与 docs/format.md 的格式一致",
    )


def _unsupported_tag(node: Node) -> YamlProblem:
    return YamlProblem(
        "yaml-tag", f"不支持的 YAML 标签 {node.tag}", *_pos(node), hint="台账文件只用普通的键值、列表和文本"
    )


_YAML11_BOOL = {"yes": True, "no": False, "on": True, "off": False, "true": True, "false": False}


def _float(value: str) -> float:
    # as SafeConstructor.construct_yaml_float, without YAML 1.1's sexagesimal 1:30
    text = value.replace("_", "").lower()
    sign = -1.0 if text[:1] == "-" else 1.0
    if text[:1] in ("-", "+"):
        text = text[1:]
    if text == ".inf":
        return sign * float("inf")
    if text == ".nan":
        return float("nan")
    return sign * float(text)


MAX_DIGITS = 30  # an integer written with more digits is a paste accident, not a count


def _pos(node: Any) -> tuple[int, int]:
    """1-based (line, column) of a node or event."""
    return node.start_mark.line + 1, node.start_mark.column + 1


_ANCHOR_OR_ALIAS = re.compile(r"(?:^|[\s\[\]{},:-])[&*][^\s\[\]{},]")


def _check_aliases(text: str) -> None:
    """Refuse anchors and aliases: they enable exponential "billion laughs" documents."""
    if "&" not in text and "*" not in text:
        return
    if not _ANCHOR_OR_ALIAS.search(text):
        return
    loader = _Loader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent) or anchor:
                raise YamlProblem(
                    "yaml-alias",
                    "不支持 YAML 锚点/别名（& 和 *）",
                    *_pos(event),
                    hint="请把内容直接写出；若是文字中的 * 或 &，请加引号",
                )
    finally:
        loader.dispose()


def _depth_guard(text: str) -> None:
    # flow collections like [[[[…]]]] nest without indentation; count brackets cheaply first
    if text.count("[") + text.count("{") < MAX_DEPTH:
        return
    depth = deepest = 0
    line = 1
    for char in text:
        if char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    raise YamlProblem(
                        "yaml-too-deep",
                        f"嵌套超过 {MAX_DEPTH} 层",
                        line,
                        1,
                        hint="检查是否误写了一长串 [ 或 {",
                    )
        elif char in "]}":
            depth = max(0, depth - 1)
        elif char == "\n":
            line += 1


def load(text: str) -> Any:
    """Parse one YAML document. Returns ``None`` for an empty document; raises ``YamlProblem``."""
    parser = None
    try:
        # inside the try: the alias scan parses too and meets the same syntax errors first
        _check_aliases(text)
        _depth_guard(text)
        parser = _FastParser(text)
        node = parser.get_single_node()
        return None if node is None else _build(node)
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as error:
        raise explain(problem_from(error), text) from None
    except yaml.reader.ReaderError as error:
        raise reader_problem(error, text, FAST) from None
    except RecursionError:
        raise YamlProblem("yaml-too-deep", "嵌套太深，无法读取") from None
    except yaml.YAMLError as error:  # pragma: no cover - unmarked libyaml errors
        raise YamlProblem("yaml-syntax", f"YAML 语法错误：{error}") from None
    finally:
        if parser is not None:
            parser.dispose()


def compose(text: str) -> Node | None:
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


@dataclass(frozen=True)
class Position:
    line: int
    col: int


def locate(root: Node | None, loc: tuple[str | int, ...], at_key: bool = False) -> Position:
    """Line and column of ``loc`` inside ``root``; the deepest existing node when ``loc`` is missing.

    ``at_key`` points at the key of the last mapping step (for unknown keys) rather than its value.
    """
    if root is None:
        return Position(1, 1)
    node: Node = root
    for depth, step in enumerate(loc):
        last = depth == len(loc) - 1
        if isinstance(node, MappingNode) and isinstance(step, str):
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode) and key_node.value == step:
                    node = key_node if (last and at_key) else value_node
                    break
            else:
                break
        elif isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            node = node.value[step]
        else:
            break
    return Position(*_pos(node))
