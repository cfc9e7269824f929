"""Writing only what an edit changed, in a file that ``canonical.reproduces``.

ruamel.yaml dumps a whole file even when an edit changed one line: ~8 s for a 10,000-problem
file. In a file that ruamel writes back byte for byte (``canonical.reproduces``), every
top-level key's lines, and every line of a top-level block list (one item a line in that
layout), are what ruamel would write for that part of the tree. So ``Regions`` notes, when the
file is parsed, a fingerprint of each top-level entry and of each item of such a list: types,
values, flow/block style and comments. After the edit, ``rewrite`` keeps the original lines of
every part whose fingerprint is unchanged and asks ruamel to dump only the changed parts, each
under its own top-level key as in the file.

It answers ``None`` whenever the edit is not of that shape (keys added, removed or reordered,
the comments above the first key changed, a list emptied…), and the caller dumps the whole
tree. ``Document.render`` also checks that the result reproduces (ruamel would keep it as it
is) and means the edit; ``tests/edit/test_regions.py`` compares it with the whole dump.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from baozufang_cli.edit.roundtrip import Layout, dump

_SCALARS = (str, int, float, bool, type(None), date)


def fingerprint(node: Any) -> Any:
    """What of ``node`` a dump writes: types, values, styles and comments, recursively."""
    kind = type(node)
    if kind in _SCALARS:
        return kind, node
    if isinstance(node, dict):
        return (
            kind,
            _style(node),
            _comments(node),
            tuple((key, fingerprint(value)) for key, value in node.items()),
        )
    if isinstance(node, list):
        return kind, _style(node), _comments(node), tuple(fingerprint(item) for item in node)
    state = getattr(node, "__dict__", None)  # ruamel's scalar types keep their layout in attributes
    return kind, str(node), repr(node), repr(sorted(state.items())) if state else None


def _style(node: Any) -> Any:
    attributes = getattr(node, "fa", None)
    return None if attributes is None else attributes.flow_style()


def _comments(node: Any) -> Any:
    comment = getattr(node, "ca", None)
    if comment is None:
        return None
    return _tokens(comment.comment), _tokens(comment.items), _tokens(getattr(comment, "end", None))


def _tokens(value: Any) -> Any:
    if value is None or isinstance(value, str | int):
        return value
    if isinstance(value, list | tuple):
        return tuple(_tokens(item) for item in value)
    if isinstance(value, dict):
        return tuple((key, _tokens(item)) for key, item in value.items())
    return type(value).__name__, getattr(value, "value", repr(value)), getattr(value, "column", None)


def _entry(tree: Any, key: str) -> Any:
    return fingerprint(tree[key]), _tokens(tree.ca.items.get(key))


def _listed(tree: Any, key: str) -> bool:
    """A top-level block list with items: one line an item in a reproduced text."""
    value = tree[key]
    return isinstance(value, list) and bool(value) and not _style(value)


def _item(items: Any, index: int) -> Any:
    return fingerprint(items[index]), _tokens(items.ca.items.get(index))


def _list_frame(tree: Any, key: str) -> Any:
    """The parts of a top-level list other than its items (its line ``key:`` and comments)."""
    value = tree[key]
    comment = value.ca
    return type(value), _tokens(tree.ca.items.get(key)), _tokens(comment.comment), _tokens(comment.end)


@dataclass
class Regions:
    """Fingerprints of a reproduced file's tree, and where each top-level key is in its text."""

    header: int  # comment lines above the first key
    spans: list[tuple[int, int]]  # each top-level key: first line, one past its last
    root: Any
    entries: dict[str, Any]
    frames: dict[str, Any]  # top-level block lists: the list's own fingerprint
    items: dict[str, list[Any]]  # … and each item's

    @classmethod
    def of(cls, tree: Any, spans: list[tuple[int, int]]) -> Regions:
        listed = [key for key in tree if _listed(tree, key)]
        return cls(
            spans[0][0],
            spans,
            _root(tree),
            {key: _entry(tree, key) for key in tree},
            {key: _list_frame(tree, key) for key in listed},
            {key: [_item(tree[key], i) for i in range(len(tree[key]))] for key in listed},
        )


def _root(tree: Any) -> Any:
    return (
        type(tree),
        list(tree),
        _style(tree),
        _tokens(tree.ca.comment),
        _tokens(getattr(tree.ca, "end", None)),
    )


def rewrite(regions: Regions, tree: Any, text: str, layout: Layout) -> str | None:
    """The text of the edited ``tree``: unchanged parts from ``text``, changed ones dumped."""
    if _root(tree) != regions.root or len(regions.spans) != len(tree):
        return None
    lines = text.split("\n")
    out = lines[: regions.header]
    for key, (start, end) in zip(tree, regions.spans, strict=True):
        if _entry(tree, key) == regions.entries[key]:
            out += lines[start:end]
            continue
        if key in regions.items and _listed(tree, key) and _list_frame(tree, key) == regions.frames[key]:
            changed = _changed_items(tree[key], regions.items[key], key, layout)
            if changed is not None:
                first, last, dumped = changed
                out.append(lines[start])  # "key:" and its comment
                out += lines[start + 1 : start + 1 + first]
                out += dumped
                out += lines[end - last : end]
                continue
        dumped_key = _dump_part(tree, key, tree[key], layout, keep_comment=True)
        if dumped_key is None:
            return None
        out += dumped_key
    out.append("")
    return "\n".join(out)


def _changed_items(
    items: Any, before: list[Any], key: str, layout: Layout
) -> tuple[int, int, list[str]] | None:
    """The items that differ between ``before`` and ``items``: (kept at the start, kept at the
    end, the dumped lines of the ones in between)."""
    after = [_item(items, i) for i in range(len(items))]
    first = 0
    while first < min(len(before), len(after)) and before[first] == after[first]:
        first += 1
    last = 0
    while last < min(len(before), len(after)) - first and before[-1 - last] == after[-1 - last]:
        last += 1
    middle = range(first, len(after) - last)
    if not middle:
        return first, last, []
    from ruamel.yaml.comments import CommentedSeq

    part = CommentedSeq(items[i] for i in middle)
    for i in middle:
        if i in items.ca.items:
            part.ca.items[i - first] = items.ca.items[i]
    dumped = _dump_part(None, key, part, layout, keep_comment=False)
    if dumped is None or dumped[0] != key + ":":
        return None
    return first, last, dumped[1:]


def _dump_part(tree: Any, key: str, value: Any, layout: Layout, *, keep_comment: bool) -> list[str] | None:
    """ruamel's dump of ``{key: value}`` alone, as a top-level key of the file."""
    from ruamel.yaml.comments import CommentedMap

    part = CommentedMap()
    part[key] = value
    if keep_comment and tree is not None and key in tree.ca.items:
        part.ca.items[key] = tree.ca.items[key]
    text = dump(part, layout)
    if not text.endswith("\n"):
        return None
    return text.split("\n")[:-1]
