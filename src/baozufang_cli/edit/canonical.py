"""Proving, without ruamel.yaml, that a file already is what its round trip would write.

ruamel.yaml's round trip is the slow part of every edit: a 10,000-problem file (1.7 MB) takes
~10 s to load and ~8 s to dump, where libyaml reads it in ~1 s. Most files bzf edits are in the
layout bzf writes, and for those the answer to "what would ruamel write back?" is the text itself:

* ``reproduces(text, data)``: ruamel's dump (canonical layout, ``roundtrip.round_trip()``) of the
  round-trip parse of ``text`` is ``text``. ``data`` is what the read path (``yamlread.load``)
  parsed from ``text``. It re-writes ``data`` line by line in the one layout it knows and
  compares each line with the text: any line it would not write itself makes it answer False,
  and the caller takes the ruamel path. So it can say False for a file ruamel keeps as it is,
  never True for one ruamel would change.
* ``in_order(data, model, reorder)``: ``fmt.canonicalize`` would change nothing (keys in schema
  order, dates written as dates).

The layout it knows: optional ``#`` comment lines at the top; block mappings indented by two;
block lists with ``- `` two columns under their key; items and values written on one line as
plain scalars (``null``, ``true``/``false``, integers, simple decimals, ISO dates, text without
YAML punctuation), ``[a, b]`` or ``{k: v, …}`` of those; a `` # comment`` at the end of a line.
Blank lines, comment lines further down, quotes, block text, anchors and tags are outside it.
``tests/edit/test_canonical.py`` holds it to that promise over generated variants and every
ledger file in the repository.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from baozufang_cli.edit.values import is_model, list_item, unwrap
from baozufang_cli.models import _OTHER_DATE

_INDENT = 2  # the canonical layout: mapping 2, "- " 2 under its key (roundtrip.CANONICAL)
_LONGEST = 100_000  # far below roundtrip.WIDTH, where ruamel would wrap a line
_LONGEST_KEY = 100  # ruamel writes a key of 128 characters or more as "? key"
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_LIKE = re.compile(r"\d{4}-\d\d?-\d\d?")  # how ruamel's timestamp resolver begins
_NUMBER_LIKE = re.compile(r"[-+.]?\d[\d_]*(?:\.[\d_]*)?(?:[eE][-+]?\d+)?|0[xob].*", re.IGNORECASE)
_FLOAT = re.compile(r"-?\d+\.\d+")
_ANYWHERE = re.compile(r"[:#,\[\]{}'\"\\]")  # flow indicators, ": ", " #" (and, to be safe, quotes)
_FIRST = frozenset("&*!|>%@`?-.=<")  # YAML indicators at the start, "---"/"...", merge keys
_COMMENT = re.compile(r"(?: +#.*)?")  # nothing, or an end-of-line comment


class _Differs(Exception):
    """The text has a line this module would not write."""


def reproduces(text: str, data: Any) -> bool:
    """ruamel.yaml's canonical dump of ``text``'s round-trip parse is ``text`` (see the module)."""
    return key_lines(text, data) is not None


def key_lines(text: str, data: Any) -> list[tuple[int, int]] | None:
    """For a text that ``reproduces``: each top-level key's lines (first, one past the last) in
    order, after the comment lines at the top; ``None`` for any other text."""
    if type(data) is not dict or not data or not text.endswith("\n"):
        return None
    lines = text.split("\n")
    lines.pop()  # the "" after the last newline
    start = 0
    while start < len(lines) and lines[start].startswith("#"):  # comment lines above the first key
        start += 1
    if any(len(line) > _LONGEST for line in lines):
        return None
    spans: list[tuple[int, int]] = []
    try:
        end = _mapping(lines, start, data, 0, spans)
    except _Differs:
        return None
    return spans if end == len(lines) else None


def _mapping(
    lines: list[str], i: int, mapping: dict[str, Any], indent: int, spans: list[tuple[int, int]] | None = None
) -> int:
    """Match a block mapping's keys from line ``i``; the index of the line after it."""
    pad = " " * indent
    for key, value in mapping.items():
        if spans is not None:
            if spans:
                spans[-1] = (spans[-1][0], i)
            spans.append((i, -1))
        if type(key) is not str or len(key) > _LONGEST_KEY or not _plain_text(key) or i >= len(lines):
            raise _Differs
        head = pad + key + ":"
        line = lines[i]
        if not line.startswith(head):
            raise _Differs
        rest = line[len(head) :]
        if type(value) in (dict, list) and value and _COMMENT.fullmatch(rest):  # a block collection
            if type(value) is dict:
                i = _mapping(lines, i + 1, value, indent + _INDENT)
            else:
                i = _sequence(lines, i + 1, value, indent + _INDENT)
            continue
        _same_line(" " + _flow(value), rest)
        i += 1
    if spans:
        spans[-1] = (spans[-1][0], i)
    return i


def _sequence(lines: list[str], i: int, items: list[Any], indent: int) -> int:
    prefix = " " * indent + "- "
    for item in items:
        if i >= len(lines) or not lines[i].startswith(prefix):
            raise _Differs
        _same_line(_flow(item), lines[i][len(prefix) :])
        i += 1
    return i


def _same_line(written: str, line: str) -> None:
    if not line.startswith(written) or not _COMMENT.fullmatch(line, len(written)):
        raise _Differs


def _flow(value: Any) -> str:
    """How the canonical dump writes ``value`` on one line."""
    if type(value) is dict:
        return "{" + ", ".join(f"{_key(k)}: {_flow_item(v)}" for k, v in value.items()) + "}"
    if type(value) is list:
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    return _scalar(value)


def _flow_item(value: Any) -> str:
    if type(value) is list:
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    return _scalar(value)


def _key(key: Any) -> str:
    if type(key) is not str or len(key) > _LONGEST_KEY or not _plain_text(key):
        raise _Differs
    return key


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    kind = type(value)
    if kind is int:
        return str(value)
    if kind is float:
        written = repr(value)
        if _FLOAT.fullmatch(written):
            return written
    elif kind is str and _plain_text(value):
        return value
    raise _Differs


@lru_cache(maxsize=4096)  # keys repeat on every item
def _plain_text(text: str) -> bool:
    """Text ruamel writes back unquoted and unchanged, as the read path read it."""
    if not text or text[0] in _FIRST or _ANYWHERE.search(text) or text != text.strip():
        return False
    if not text.isprintable():  # no control, format or private-use characters, no U+2028 …
        return False
    if (text[0].isdigit() or text[0] == "+") and _NUMBER_LIKE.fullmatch(text):
        return False
    if _DATE_LIKE.match(text):  # ruamel reads it as a date and writes that date back
        if not _ISO.fullmatch(text):
            return False
        try:
            date.fromisoformat(text)
        except ValueError:
            return False
    return True


# ------------------------------------------------------------------ fmt's canonical order and dates


def as_date(value: Any) -> Any:
    """A date written as text → a date; anything that is not clearly a date is left alone."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return value
    other = _OTHER_DATE.fullmatch(text)
    if other:
        try:
            return date(*(int(part) for part in other.groups()))
        except ValueError:
            return value
    return value


def in_order(node: Any, model: type[BaseModel], reorder: bool = True) -> bool:
    """``fmt.canonicalize(node, model, reorder)`` would change nothing in the round-trip tree of a
    text that ``reproduces`` (``node`` is the read path's plain data of that text)."""
    if type(node) is not dict:
        return True
    fields = model.model_fields
    for key, info in fields.items():
        if key not in node:
            continue
        kind = unwrap(info.annotation)
        value = node[key]
        if kind is date:
            # a reproduced ISO date is a date in the round-trip tree; other spellings get rewritten
            if isinstance(value, str) and not _ISO.fullmatch(value) and as_date(value) is not value:
                return False
        elif is_model(kind):
            if not in_order(value, kind, reorder):
                return False
        else:
            item = list_item(kind)
            if item is None or not is_model(item) or not isinstance(value, list):
                continue
            if not all(in_order(element, item, reorder) for element in value):
                return False
    if not reorder:
        return True
    known = [key for key in fields if key in node]
    return list(node) == known + [key for key in node if key not in fields]
