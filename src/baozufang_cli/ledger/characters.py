"""Characters that can move a cursor, set a window title or reorder text on screen.

A ledger file is text that many hands typed and pasted; printed as it is, a value holding an ESC
sequence can rewrite the user's terminal, and a bidi override (U+202E) can make ``A-1 10 套``
read as something else in a terminal, a spreadsheet or a web page. Such characters are:

* C0 control characters except tab and newline (YAML already refuses them raw, but a
  double-quoted ``"\\e[31m"`` or ``"\\x07"`` makes them), DEL and the C1 range (U+0080–U+009F);
* bidi controls: U+061C, U+200E/U+200F, U+202A–U+202E, U+2066–U+2069;
* the line and paragraph separators U+2028/U+2029.

``rules_text.control_characters`` makes each one a located ``control-char`` error; every text
renderer passes what it prints through ``visible`` so that a file on disk can never reach the
screen as a control sequence, whether or not anyone ran ``bzf check``.
"""

from __future__ import annotations

import re

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
NAMES = {
    "\x1b": "ESC",
    "\x07": "BEL",
    "\x08": "BS",
    "\r": "CR",
    "\x7f": "DEL",
    "\x85": "NEL",
    "\u061c": "阿拉伯字母标记",
    "\u200e": "从左到右标记",
    "\u200f": "从右到左标记",
    "\u2028": "行分隔符",
    "\u2029": "段分隔符",
}
NAMES.update(dict.fromkeys("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069", "双向文字控制符"))


def first_unsafe(text: str) -> str | None:
    """The first character of ``text`` that must not reach a screen, or ``None``."""
    found = UNSAFE.search(text)
    return found.group() if found else None


def describe(character: str) -> str:
    """``U+001B（ESC）``: how a message names a character."""
    name = NAMES.get(character)
    return f"U+{ord(character):04X}" + (f"（{name}）" if name else "")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every unsafe character written out as ``\\x1b`` or ``\\u202e`` (tab and
    newline stay: they move nothing but the text itself)."""
    if UNSAFE.search(text) is None:  # the common case: nothing to do, no copy
        return text
    return UNSAFE.sub(_escaped, text)
