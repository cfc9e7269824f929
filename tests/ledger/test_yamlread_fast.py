"""The fast YAML read path gives exactly what PyYAML's constructor (with bzf's YAML 1.2 resolver) gives."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from baozufang_cli.ledger import yamlread
from tests.conftest import DATA, SAMPLE

# scalars whose meaning differs between YAML 1.1 and 1.2, or between resolvers
TRICKY = [
    "yes", "no", "on", "off", "y", "n", "true", "True", "TRUE", "false", "FALSE", "tRue",
    "null", "Null", "NULL", "~", "", "nil", "010", "0o17", "0o8", "0x1f", "0x", "0b101", "1_000",
    "+5", "-0", "-7", "3.", ".5", "-.5", "1e3", "1E-3", "+1.5e+2", ".inf", "-.inf", "+.INF", ".NaN",
    ".nan", "12:30", "1:30:00", "2024-01-01", "2024-13-45", "2024-01-01 10:00:00", "观山湖区",
    "'quoted 1'", '"2"', "'true'", '"null"', "!!str 12", "!!int 12", "!!float 1", "!!bool yes",
    "!!null x", "a b", "P1", "-", "- x", "0.", "00", "1.2.3", "+", ".", "e5", "1e", "0o", "NaN",
]  # fmt: skip


def reference(text: str) -> object:
    """bzf's loader before the fast path: PyYAML's constructor over the same YAML 1.2 resolver."""
    yamlread._check_aliases(text)
    yamlread._depth_guard(text)
    loader = yamlread._Loader(text)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        raise yamlread.problem_from(error) from None
    finally:
        loader.dispose()


def outcome(load, text: str) -> str:  # type: ignore[no-untyped-def]
    try:
        return repr(load(text))  # repr tells 1 from 1.0 from True, and nan equals nan
    except yamlread.YamlProblem as problem:
        return f"problem {problem.code} {problem.line}:{problem.col}"
    except Exception as error:  # the reference constructor crashes on a few explicit tags
        return f"crash {type(error).__name__}"


@pytest.mark.parametrize("token", TRICKY)
def test_each_tricky_scalar_means_the_same(token: str) -> None:
    for text in (f"k: {token}\n", f"k: [{token}]\n", f"- {token}\n"):
        expected = outcome(reference, text)
        if expected.startswith("crash"):
            # the constructor-based loader crashes on e.g. `!!float x`; the fast one reports it
            assert outcome(yamlread.load, text).startswith("problem yaml-tag")
        else:
            assert outcome(yamlread.load, text) == expected, text


documents = st.recursive(
    st.sampled_from([t for t in TRICKY if not t.startswith(("!!", "-"))]),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["a", "b", "id", "名称", "1", "true", "null"]), inner, max_size=4),
    ),
    max_leaves=12,
)


def to_block(value: object, indent: int = 0) -> str:
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return pad + "{}\n"
        out = ""
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                out += f"{pad}{key}:\n" + to_block(item, indent + 2)
            else:
                out += f"{pad}{key}: {to_flow(item)}\n"
        return out
    if isinstance(value, list):
        if not value:
            return pad + "[]\n"
        out = ""
        for item in value:
            if isinstance(item, dict | list) and item:
                out += f"{pad}-\n" + to_block(item, indent + 2)
            else:
                out += f"{pad}- {to_flow(item)}\n"
        return out
    return pad + str(value) + "\n"


def to_flow(value: object) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {to_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(to_flow(v) for v in value) + "]"
    text = str(value)
    return text if text else "''"


@settings(max_examples=300, deadline=None)
@given(documents, st.booleans())
def test_random_documents_load_the_same(document: object, flow: bool) -> None:
    text = to_flow(document) + "\n" if flow else to_block(document)
    assert outcome(yamlread.load, text) == outcome(reference, text), text


def test_every_test_ledger_file_loads_the_same() -> None:
    files = [p for root in (DATA, SAMPLE) for p in Path(root).rglob("*.yaml")]
    assert len(files) > 20
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace").lstrip("\ufeff")
        assert outcome(yamlread.load, text) == outcome(reference, text), path


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("a: 1\na: 2\n", "yaml-duplicate-key", 2),
        ("a: 1\n<<: {b: 2}\n", None, 0),  # a plain << is an ordinary key in YAML 1.2
        ("a: 1\n!!merge <<: {b: 2}\n", "yaml-tag", 2),
        ("? [a, b]\n: 1\n", "yaml-syntax", 1),
        ("a: !foo 1\n", "yaml-tag", 1),
        ("a: !!timestamp 2024-01-01\n", "yaml-tag", 1),
        ("a: !!int abc\n", "yaml-tag", 1),
        ("a: !!str {b: 1}\n", "yaml-tag", 1),
        ("a: 1\n---\nb: 2\n", "yaml-multi-doc", 2),
        ("a: &x 1\nb: *x\n", "yaml-alias", 1),
    ],
)
def test_problems_are_located(text: str, code: str | None, line: int) -> None:
    if code is None:
        assert yamlread.load(text) == {"a": 1, "<<": {"b": 2}}
        return
    with pytest.raises(yamlread.YamlProblem) as caught:
        yamlread.load(text)
    assert (caught.value.code, caught.value.line) == (code, line)
