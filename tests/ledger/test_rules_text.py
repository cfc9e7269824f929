"""rules_text.control_characters: the text shortcut (a clean text, no backslash) never hides one."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from baozufang_cli.ledger.characters import UNSAFE
from baozufang_cli.ledger.read import parse_yaml_bytes
from baozufang_cli.ledger.rules_text import control_characters

# plain letters and CJK, and every kind of character the rule is about, raw or escaped
SAMPLE_CHARACTERS = "aZ 0:-#金华园\t\x1b\x07\x85\u202e\u2028\u200f\\\"'"
texts = st.text(alphabet=SAMPLE_CHARACTERS, max_size=12)


def as_yaml(value: str, style: str) -> str:
    if style == "double":
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
    if style == "escaped":
        return json.dumps(value, ensure_ascii=True)  # \u001b, \u202e … written as escapes
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    return value  # plain: may not parse, or parse as something else: then nothing to compare


@settings(max_examples=300, deadline=None)
@given(
    entries=st.lists(
        st.tuples(texts, texts, st.sampled_from(["double", "escaped", "single", "plain"])), max_size=5
    ),
    escape_word=st.sampled_from(["", '"\\e[31m"', '"\\x07"', '"\\u202e"', '"\\L"', '"\\N"']),
)
def test_the_text_shortcut_finds_what_the_walk_finds(
    entries: list[tuple[str, str, str]], escape_word: str
) -> None:
    lines = [
        f"k{i}{json.dumps(key, ensure_ascii=False)}: {as_yaml(value, style)}"
        for i, (key, value, style) in enumerate(entries)
    ]
    if escape_word:
        lines.append(f"escaped: {escape_word}")
    text = "\n".join(lines) + "\n"
    data, parsed_text, _problems = parse_yaml_bytes(text.encode("utf-8"), "x.yaml")
    if data is None:
        return  # not YAML: the file is a syntax error, no rule runs
    walked = [d.to_json() for d in control_characters(data, "x.yaml")]
    shortcut = [d.to_json() for d in control_characters(data, "x.yaml", parsed_text)]
    assert shortcut == walked
    if escape_word:
        assert walked  # an escape makes one from a text that holds none


def test_a_clean_text_skips_the_walk() -> None:
    text = "name: 金华园\nunits: 3\n"
    assert UNSAFE.search(text) is None
    data = {"name": "\x1b[31m"}  # never what this text parses to: shows the walk was skipped
    assert list(control_characters(data, "x.yaml", text)) == []
    assert list(control_characters(data, "x.yaml"))
