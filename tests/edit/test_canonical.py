"""edit/canonical.py: the proof that a file is its own round-trip dump, and the fast paths it opens.

``reproduces`` may say False for a file ruamel keeps as it is, never True for one it would change:
checked against ruamel itself over every ledger file in the repository and over variants of a
canonical file that bzf's layout does not cover. A medium-size "big file" (benchmarks/big_file.py)
is edited end to end: each edit changes only its own lines, and fmt --check never runs ruamel.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from baozufang_cli.edit import roundtrip
from baozufang_cli.edit.canonical import in_order, reproduces
from baozufang_cli.edit.fmt import canonicalize, format_file, model_for
from baozufang_cli.edit.roundtrip import CANONICAL, dump, round_trip, split_text
from baozufang_cli.ledger import yamlread
from tests.benchmarks_support import generate_big_file
from tests.conftest import run

REPO = Path(__file__).resolve().parents[2]
LEDGER_FILES = sorted(
    path
    for folder in ("data", "tests/data", "docs")
    for path in (REPO / folder).rglob("*.yaml")
    if "schema" not in path.parts
)


def ruamel_keeps(text: str) -> bool:
    try:
        return dump(round_trip().load(text), CANONICAL) == text
    except Exception:  # ruamel refuses it: then it does not keep it either
        return False


def plain_or_none(text: str) -> object:
    try:
        return yamlread.load(text)
    except yamlread.YamlProblem:
        return None


def test_no_ledger_file_in_the_repository_is_claimed_wrongly() -> None:
    claimed = 0
    for path in LEDGER_FILES:
        try:
            text = split_text(path.read_bytes())[0]
        except yamlread.YamlProblem:
            continue
        data = plain_or_none(text)
        if reproduces(text, data):
            claimed += 1
            assert ruamel_keeps(text), path
    assert claimed >= 100  # the fast path is taken for most files bzf wrote, not silently never


BASE = """\
# 示例
id: A-1
name: 甲公寓
units: 1200
floor_area_m2: 123932.2
tags: [人才租赁住房, 青年]
milestones:  # 节点
  - {name: 开工, planned: 2024-03-01, actual: 2024-03-05}
  - {name: 交付, planned: 2025-06-30}
problems:
  - {id: P1, text: 雨季边坡支护施工延误, category: 组织实施, raised: 2023-06-20, closed: null}
funding:
  total_wan: 59860
  sources:
    - {kind: 中央补助资金, planned_wan: 2993}
operations:
  leased_units: 10  # 已租
  opened: 2024-11-28
  certificate: {number: 1, ok: true}
note: 交付较计划滞后约120天
"""

# replacements of one piece of BASE that bzf's layout does not cover, or covers only in part
VARIANTS = [
    ("1200", "'1200'"),
    ("1200", "01200"),
    ("1200", "1_200"),
    ("1200", "0x4B0"),
    ("1200", "+1200"),
    ("123932.2", "123932.20"),
    ("123932.2", "1.2e5"),
    ("123932.2", ".inf"),
    ("甲公寓", "'甲公寓'"),
    ("甲公寓", '"甲公寓"'),
    ("甲公寓", "yes"),
    ("甲公寓", "No"),
    ("甲公寓", "~"),
    ("甲公寓", "null"),
    ("甲公寓", "2024-1-5"),
    ("甲公寓", "2024-13-45"),
    ("甲公寓", "2024-01-05 10:00"),
    ("甲公寓", "a:b"),
    ("甲公寓", "a?b"),
    ("甲公寓", "甲 #公寓"),
    ("甲公寓", "-甲"),
    ("甲公寓", "%甲"),
    ("甲公寓", "="),
    ("甲公寓", "<<"),
    ("甲公寓", "甲\u2028公寓"),
    ("甲公寓", "甲\u200e公寓"),
    ("甲公寓", "甲\x85公寓"),
    ("甲公寓", "甲" * 200),
    ("雨季边坡", "'雨季'边坡"),
    ("雨季边坡", "雨季,边坡"),
    ("雨季边坡", "雨季: 边坡"),
    ("planned: 2024-03-01", "planned: '2024-03-01'"),
    ("planned: 2024-03-01", "planned: 2024/3/1"),
    ("closed: null", "closed: ~"),
    ("closed: null", "closed:"),
    ("ok: true", "ok: True"),
    ("tags: [人才租赁住房, 青年]", "tags:\n  - 人才租赁住房\n  - 青年"),
    ("tags: [人才租赁住房, 青年]", "tags: [人才租赁住房,青年]"),
    ("tags: [人才租赁住房, 青年]", "tags: []"),
    ("  - {name: 交付", "    - {name: 交付"),
    ("  - {name: 交付", "- {name: 交付"),
    ("  total_wan", "    total_wan"),
    ("  leased_units: 10  # 已租", "  leased_units: 10\t# 已租"),
    ("  leased_units: 10  # 已租", "  leased_units: 10  # 已租  "),
    ("note:", "\nnote:"),
    ("note:", "# 备注\nnote:"),
    ("note:", "  # 备注\nnote:"),
    ("# 示例\n", "# 示例\n\n"),
    ("# 示例\n", "---\n"),
    ("# 示例\n", "%YAML 1.2\n---\n"),
    ("id: A-1", "id: &a A-1"),
    ("id: A-1", "id: !!str A-1"),
    ("id: A-1", "? id\n: A-1"),
    ("certificate: {number: 1, ok: true}", "certificate: {number: 1, ok: true, }"),
    ("certificate: {number: 1, ok: true}", "certificate: {number: 1,\n    ok: true}"),
    ("certificate: {number: 1, ok: true}", "certificate: {}"),
    ("certificate: {number: 1, ok: true}", "certificate:\n    number: 1"),
    ("note: 交付较计划滞后约120天\n", "note: >\n  交付\n"),
    ("note: 交付较计划滞后约120天\n", "note: 交付较计划滞后约120天"),
]


def test_the_canonical_base_is_proved() -> None:
    assert ruamel_keeps(BASE)
    assert reproduces(BASE, yamlread.load(BASE))


@pytest.mark.parametrize(("old", "new"), VARIANTS)
def test_a_variant_is_claimed_only_if_ruamel_keeps_it(old: str, new: str) -> None:
    assert old in BASE
    text = BASE.replace(old, new, 1)
    if reproduces(text, plain_or_none(text)):
        assert ruamel_keeps(text)


def test_random_combinations_of_variants() -> None:
    rng = random.Random(15)
    for _ in range(60):
        text = BASE
        for old, new in rng.sample(VARIANTS, 3):
            text = text.replace(old, new, 1)
        if reproduces(text, plain_or_none(text)):
            assert ruamel_keeps(text), text


@pytest.mark.parametrize("path", LEDGER_FILES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_fmt_check_says_the_same_with_and_without_the_proof(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = format_file(path, path.name, check=True, fix_encoding=False)
    monkeypatch.setattr("baozufang_cli.edit.fmt.in_order", lambda *_: False)
    slow = format_file(path, path.name, check=True, fix_encoding=False)
    assert (fast.changed, fast.reencoded, fast.refused is None) == (
        slow.changed,
        slow.reencoded,
        slow.refused is None,
    )


def test_in_order_agrees_with_canonicalize() -> None:
    for path in LEDGER_FILES:
        try:
            text = split_text(path.read_bytes())[0]
            tree = round_trip().load(text)
        except Exception:  # files that do not parse are not fmt's to judge here
            continue
        data = plain_or_none(text)
        if not reproduces(text, data):
            continue
        model, reorder = model_for(path)
        canonicalize(tree, model, reorder)
        assert in_order(data, model, reorder) == (dump(tree, CANONICAL) == text), path


# ------------------------------------------------------------------ a big file, edited end to end


@pytest.fixture
def big(tmp_path: Path) -> Path:
    root = tmp_path / "big"
    generate_big_file(root, 300)
    return root


def changed_lines(before: bytes, after: bytes) -> tuple[list[bytes], list[bytes]]:
    old, new = before.split(b"\n"), after.split(b"\n")
    return [line for line in old if line not in new], [line for line in new if line not in old]


def test_fmt_check_of_a_big_canonical_file_never_runs_ruamel(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("ruamel.yaml was used")

    monkeypatch.setattr("baozufang_cli.edit.document.parse_round_trip", refuse)
    result = run("fmt", "--check", "--data", big)
    assert result.exit_code == 0, result.output
    assert "格式均已规范" in result.output


def test_edits_of_a_big_file_change_only_their_lines(big: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dumps = []
    real_dump = roundtrip.dump
    monkeypatch.setattr("baozufang_cli.edit.document.dump", lambda *a: dumps.append(1) or real_dump(*a))
    path = big / "projects" / "BIG-1.yaml"
    before = path.read_bytes()
    assert run("set", "BIG-1", "units", "3100", "--data", big).exit_code == 0
    after = path.read_bytes()
    assert changed_lines(before, after) == ([b"units: 3000"], [b"units: 3100"])
    assert dumps == []  # no whole-file dump: the unchanged file is its own, the edit dumps one key

    result = run("problem", "close", "BIG-1", "P299", "--date", "2025-07-01", "--data", big)
    assert result.exit_code == 0, result.output
    old, new = changed_lines(after, path.read_bytes())
    assert len(old) == len(new) == 1 and old[0].startswith(b"  - {id: P299,")
    assert new[0].endswith(b", closed: 2025-07-01}")

    result = run(
        "problem", "add", "BIG-1", "--text", "新问题", "-c", "组织实施", "--department", "区住建局",
        "--raised", "2025-07-02", "--data", big,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = path.read_bytes()
    assert text.count(b"\n") == after.count(b"\n") + 1 and b"{id: P301, text: \xe6\x96\xb0" in text
    assert run("fmt", "--check", "--data", big).exit_code == 0


def test_a_big_file_outside_the_proof_keeps_every_untouched_byte(big: Path) -> None:
    path = big / "projects" / "BIG-1.yaml"
    lines = path.read_bytes().split(b"\n")
    lines.insert(200, b"  # \xe6\xb3\xa8\xe9\x87\x8a a comment line: outside the proof, the ruamel path")
    lines[100] = lines[100].replace(b"category:", b"category: ", 1)  # hand alignment
    before = b"\r\n".join(lines)
    path.write_bytes(before)
    assert run("set", "BIG-1", "units", "3100", "--data", big).exit_code == 0
    assert changed_lines(before, path.read_bytes()) == ([b"units: 3000\r"], [b"units: 3100\r"])
