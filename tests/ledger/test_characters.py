"""Control characters: found, named, and written out so that nothing reaches a screen raw."""

from __future__ import annotations

import pytest

from baozufang_cli.ledger.characters import UNSAFE, describe, first_unsafe, visible
from baozufang_cli.ledger.rules_text import control_characters

HOSTILE = ["\x1b[2J", "\x1b]0;标题\x07", "\x9b31m", "\x7f", "\r", "\x08", "\u202e", "\u2066", "\u2069",
           "\u200f", "\u061c", "\u2028", "\u2029", "\x00", "\x85"]  # fmt: skip


@pytest.mark.parametrize("bad", HOSTILE)
def test_every_hostile_character_is_found_and_written_out(bad: str) -> None:
    text = f"名称{bad}后"
    assert first_unsafe(text) == bad[0]
    shown = visible(text)
    assert UNSAFE.search(shown) is None
    assert shown.startswith("名称\\") and shown.endswith("后")


def test_ordinary_text_is_kept_as_it_is() -> None:
    for text in ("观山湖区", "tab\tand\nnewline", "全角　空格", "emoji 🏠", "零宽\u200b连接", ""):
        assert first_unsafe(text) is None
        assert visible(text) is text


def test_describe_names_the_character() -> None:
    assert describe("\x1b") == "U+001B（ESC）"
    assert describe("\u202e") == "U+202E（双向文字控制符）"
    assert describe("\x01") == "U+0001"


def test_the_rule_locates_keys_and_values_at_any_depth() -> None:
    data = {"name": "a\u202eb", "problems": [{"text": "ok"}, {"text": "x\x1by"}], "k\x07": 1, "units": 3}
    found = list(control_characters(data, "projects/A-1.yaml"))
    assert sorted(d.loc for d in found) == sorted([("name",), ("problems", 1, "text"), ("k\x07",)])
    assert all(d.code == "control-char" and d.is_error for d in found)
    assert all(len(d.message) < 200 for d in found)


def test_a_file_full_of_them_is_a_bounded_list() -> None:
    assert len(list(control_characters({"notes": ["\x1b"] * 10_000}, "x.yaml"))) <= 20
