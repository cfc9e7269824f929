"""The YAML text layer of the edit path: ruamel round-trip set-up, layout, encodings, minimal diffs.

* ``round_trip``/``dump``: ruamel.yaml configured so a no-op load+dump changes nothing
  (quotes kept, list items indented under their key, no wrapping, ``null`` for None).
* ``guess_layout``: the indentation a hand-written file uses, so a rewrite keeps it.
* ``splice``: put only the lines an edit changed into the original text.
* ``means``: whether a text reads back (through the loader's parser) as the given data.

ruamel.yaml is imported inside functions (start-up speed; ruff TID253).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from baozufang_cli.ledger import yamlread

if TYPE_CHECKING:
    from ruamel.yaml import YAML

WIDTH = 1_000_000  # never wrap: wrapped lines leave trailing spaces and move unrelated text


# ------------------------------------------------------------------ layout and the YAML object


@dataclass(frozen=True)
class Layout:
    """How a file is laid out, so a rewrite keeps it (bzf fmt uses the canonical default)."""

    mapping: int = 2  # indentation of a nested mapping
    offset: int = 2  # indentation of "- " under its key
    newline: str = "\n"
    bom: bool = False
    # the end of each line as read, kept only when the file mixes "\r\n" and "\n" lines
    # (``encode`` gives every untouched line its own end back); empty when all lines end alike
    endings: tuple[str, ...] = ()
    original: str = field(default="", repr=False, compare=False)  # the "\n" text those endings belong to

    @property
    def sequence(self) -> int:
        return self.offset + 2


CANONICAL = Layout()
_KEY_LINE = re.compile(r"^( *)[^\s#\-][^:#]*:(?:\s|$)")
_DASH_LINE = re.compile(r"^( *)- ")


def guess_layout(text: str, newline: str = "\n", bom: bool = False) -> Layout:
    """The indentation a hand-written file uses (first nested key, first list item)."""
    mapping = offset = None
    previous_indent: int | None = None
    previous_opens = False  # the previous key line ended with ":" (a nested block follows)
    for line in text.split("\n"):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        dash = _DASH_LINE.match(line)
        key = _KEY_LINE.match(line)
        indent = len(line) - len(line.lstrip(" "))
        if previous_opens and previous_indent is not None and indent >= previous_indent:
            if dash and offset is None:
                offset = indent - previous_indent
            elif key and not dash and mapping is None and indent > previous_indent:
                mapping = indent - previous_indent
        content = line.split(" #", 1)[0].rstrip()
        previous_opens = bool(key) and not dash and content.endswith(":")
        previous_indent = indent
        if mapping is not None and offset is not None:
            break
    return Layout(mapping or 2, offset if offset is not None else 2, newline, bom)


def round_trip(layout: Layout = CANONICAL) -> YAML:
    """ruamel.yaml in round-trip mode, configured so a no-op load+dump changes nothing."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=layout.mapping, sequence=layout.sequence, offset=layout.offset)
    yaml.width = WIDTH
    yaml.representer.add_representer(type(None), _represent_null)
    return yaml


def _represent_null(representer: Any, _: None) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def dump(data: Any, layout: Layout = CANONICAL) -> str:
    from io import StringIO

    out = StringIO()
    round_trip(layout).dump(data, out)
    return out.getvalue()


def split_text(raw: bytes, fix_encoding: bool = False) -> tuple[str, Layout, bool]:
    """Bytes → (text with "\\n" newlines, layout, converted from another encoding).

    Files that are not UTF-8 raise ``YamlProblem`` (code ``encoding``) unless ``fix_encoding``:
    then UTF-16 and GBK/GB18030 are decoded, to be written back as UTF-8.
    """
    from baozufang_cli.ledger.read import decode

    try:
        text, converted = decode(raw), False
    except yamlread.YamlProblem as problem:
        if problem.code != "encoding" or not fix_encoding:
            raise
        try:
            text, converted = decode_legacy(raw), True
        except UnicodeDecodeError:
            raise problem from None
    bom = raw.startswith(b"\xef\xbb\xbf")
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    newline = "\r\n" if crlf > lf else "\n"  # mixed: the more common end is the one new lines get
    if "\r" in text and "\n" not in text:  # classic Mac line ends: one giant "line" otherwise
        newline = "\r"
    endings: tuple[str, ...] = ()
    if crlf and lf:
        endings = tuple("\r\n" if line.endswith("\r") else "\n" for line in text.split("\n")[:-1])
    text = text.replace("\r\n", "\n").replace("\r", "\n") if newline == "\r" else text.replace("\r\n", "\n")
    layout = guess_layout(text, newline, bom)
    if endings:
        layout = replace(layout, endings=endings, original=text)
    return text, layout, converted


def decode_legacy(raw: bytes) -> str:
    """UTF-16 (with or without BOM) or GB18030, the encodings Chinese Windows tools save in."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16").lstrip("\ufeff")
    sample = raw[:200]
    if len(sample) >= 4 and sample.count(b"\x00") * 3 >= len(sample):
        # ASCII text in UTF-16: the zero byte follows the character (LE) or precedes it (BE)
        odd_zeros = sample[1::2].count(0)
        return raw.decode("utf-16-le" if odd_zeros >= sample[0::2].count(0) else "utf-16-be")
    return raw.decode("gb18030")


def encode(text: str, layout: Layout) -> bytes:
    """Text with "\n" lines → the file's bytes, in its BOM and line ends.

    A file that mixes "\r\n" and "\n" keeps each untouched line's own end: only the lines an
    edit wrote get the file's more common end (``Layout.endings``)."""
    if layout.endings:
        text = _with_endings(text, layout)
    elif layout.newline != "\n":
        text = text.replace("\n", layout.newline)
    return (b"\xef\xbb\xbf" if layout.bom else b"") + text.encode("utf-8")


def _with_endings(text: str, layout: Layout) -> str:
    original, lines = layout.original.split("\n"), text.split("\n")
    ends = [layout.newline] * (len(lines) - 1)
    matcher = difflib.SequenceMatcher(None, original, lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (
            tag == "replace" and i2 - i1 == j2 - j1
        ):  # a line rewritten in place keeps its end
            for k in range(j2 - j1):
                if j1 + k < len(ends) and i1 + k < len(layout.endings):
                    ends[j1 + k] = layout.endings[i1 + k]
    return "".join(line + end for line, end in zip(lines, ends, strict=False)) + lines[-1]


# ------------------------------------------------------------------ meaning of a text


def plain(value: Any) -> Any:
    """ruamel data → what the read path (``yamlread.load``) yields for the same text."""
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, date):  # the read path leaves dates as text for the models to parse
        return value.isoformat()
    for kind in (int, float, str):
        if isinstance(value, kind):
            return kind(value)
    return value


def means(text: str, data: Any) -> bool:
    try:
        return same_data(yamlread.load(text), data)
    except yamlread.YamlProblem:
        return False


def same_data(loaded: Any, data: Any) -> bool:
    """``loaded`` (the read path's data of a text) means the round-trip tree ``data``."""
    return _same(loaded, plain(data))


def _same(a: Any, b: Any) -> bool:
    """Equal data, with ``.nan`` equal to itself (an unchanged ``.nan`` is not a changed value)."""
    if a == b:
        return True
    if isinstance(a, float) and isinstance(b, float):
        return a != a and b != b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return False


# ------------------------------------------------------------------ minimal diffs


def splice(original: list[str], base: list[str], edited: list[str]) -> list[str]:
    """Apply the change ``base → edited`` to ``original``, a differently formatted ``base``.

    ``base`` is ruamel's dump of the unchanged document, ``edited`` its dump after the edit.
    Lines the edit did not touch are taken from ``original``; a changed region whose edge
    falls inside a stretch that ``original`` formats differently is widened to that stretch.
    """
    if base == original:
        return edited
    cuts: dict[int, int] = {}  # base line index → the original index at the same place
    conflicts: set[int] = set()
    for tag, a1, a2, b1, b2 in difflib.SequenceMatcher(None, base, original, autojunk=False).get_opcodes():
        if tag == "equal" or (tag == "replace" and a2 - a1 == b2 - b1):
            # a same-sized replacement is the same lines written differently (`~` for `null`): line by line
            pairs = [(a1 + k, b1 + k) for k in range(a2 - a1 + 1)]
        else:
            pairs = [(a1, b1), (a2, b2)]
        for a, b in pairs:
            if cuts.setdefault(a, b) != b:
                conflicts.add(a)  # lines only the original has sit here: the place is ambiguous
    for a in conflicts:
        del cuts[a]
    cuts[0], cuts[len(base)] = 0, len(original)

    changes = [
        (i1, i2, j1, j2)
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, base, edited, autojunk=False).get_opcodes()
        if tag != "equal"
    ]
    hunks: list[tuple[int, int, int, int]] = []  # (base start, base end, edited start, edited end)
    k = 0
    while k < len(changes):
        i1, i2, j1, j2 = changes[k]
        while i1 not in cuts:  # stops at the previous hunk's end at the latest: that is a cut
            i1, j1 = i1 - 1, j1 - 1
        while i2 not in cuts:
            if k + 1 < len(changes) and changes[k + 1][0] == i2:  # reached the next change: absorb it
                k += 1
                i2, j2 = changes[k][1], changes[k][3]
            else:
                i2, j2 = i2 + 1, j2 + 1
        hunks.append((i1, i2, j1, j2))
        k += 1
    out: list[str] = []
    position = 0
    for i1, i2, j1, j2 in hunks:
        out += original[cuts[position] : cuts[i1]]
        out += edited[j1:j2]
        position = i2
    out += original[cuts[position] :]
    return out


# ------------------------------------------------------------------ strings inside flow collections


def flow_safe(value: Any) -> Any:
    """A string ruamel would write plain where the read path cannot read it back.

    Inside a flow collection (``[a, b]``, ``{name: …}``) ruamel writes ``:a`` or ``? x`` plain,
    which libyaml refuses or reads as a mapping key. Such a string (any string that does not
    read back as itself there) is double-quoted; anything else is returned unchanged.
    """
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, ScalarString

    if not isinstance(value, str) or isinstance(value, ScalarString):
        return value
    try:
        if yamlread.load(f"[{value}]") == [value] and value == value.strip():
            return value
    except yamlread.YamlProblem:
        pass
    return DoubleQuotedScalarString(value)
