"""The fast read path keeps YAML 1.2 meaning and locates every problem."""

from __future__ import annotations

import pytest

from baozufang_cli.ledger import yamlread
from baozufang_cli.ledger.read import decode


def test_yaml_1_2_meaning() -> None:
    data = yamlread.load(
        "a: no\nb: off\nc: 010\nd: 12:30\ne: 0o17\nf: 0x1F\ng: true\nh: ~\ni: 1.5\nj: 2024-03-05\n"
    )
    assert data == {
        "a": "no",
        "b": "off",
        "c": 10,
        "d": "12:30",
        "e": 15,
        "f": 31,
        "g": True,
        "h": None,
        "i": 1.5,
        "j": "2024-03-05",
    }


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("a: 1\na: 2\n", "yaml-duplicate-key", 2),
        ("a: 1\n---\nb: 2\n", "yaml-multi-doc", 2),
        ("a: &x [1]\nb: *x\n", "yaml-alias", 1),
        ("a: !!python/object:os.system x\n", "yaml-tag", 1),
        ("a: !custom x\n", "yaml-tag", 1),
        ("a: 1\n\tb: 2\n", "yaml-syntax", 2),
        ('a: "x\nb: 1\n', "yaml-syntax", 1),
        ("a: [1, 2\nb: 3\n", "yaml-syntax", 1),
        ("a: " + "[" * 100 + "]" * 100 + "\n", "yaml-too-deep", 1),
        ("a: 1\nb: [&7*A]\n", "yaml-syntax", 2),  # a broken anchor: located, not an internal error
    ],
)
def test_problems_are_located(text: str, code: str, line: int) -> None:
    with pytest.raises(yamlread.YamlProblem) as caught:
        yamlread.load(text)
    assert caught.value.code == code
    assert caught.value.line == line


def test_merge_keys_are_plain_keys_in_yaml_1_2() -> None:
    assert yamlread.load("<<: {a: 1}\n") == {"<<": {"a": 1}}


def test_text_with_stars_and_ampersands_is_fine() -> None:
    assert yamlread.load('a: "R&D *注意*"\nb: 甲&乙\n') == {"a": "R&D *注意*", "b": "甲&乙"}


def test_locate_walks_nested_paths() -> None:
    root = yamlread.compose("a: 1\nlist:\n  - {x: 1}\n  - {x: 2, y: bad}\n")
    assert yamlread.locate(root, ("list", 1, "y")) == yamlread.Position(4, 15)
    assert yamlread.locate(root, ("list", 1, "y"), at_key=True) == yamlread.Position(4, 12)
    assert yamlread.locate(root, ("list", 7)) == yamlread.Position(3, 3)  # deepest existing node


def test_decode() -> None:
    assert decode("\ufeffa: 1\r\n".encode()) == "a: 1\r\n"
    with pytest.raises(yamlread.YamlProblem, match="GBK"):
        decode("名称: 观山湖".encode("gb18030"))
    with pytest.raises(yamlread.YamlProblem, match="UTF-16"):
        decode("a: 1".encode("utf-16"))
    with pytest.raises(yamlread.YamlProblem) as caught:
        decode(b"a: 1\nb: \x00\n")
    assert (caught.value.code, caught.value.line, caught.value.col) == ("nul-byte", 2, 4)
