"""edit/regions.py: dumping only the parts an edit changed gives the same text as dumping the
whole tree, for every kind of edit bzf makes, on every sample project and on a big file."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from baozufang_cli.edit.document import Document
from baozufang_cli.edit.fields import set_field, set_value
from baozufang_cli.edit.items import add_problem, close_problem, set_milestone
from baozufang_cli.ledger.registry import Registry
from tests.benchmarks_support import generate_big_file
from tests.conftest import SAMPLE_PROJECTS

Edit = Callable[[Any, Registry], object]


def _first_problem(data: Any) -> str | None:
    problems = data.get("problems") or []
    return str(problems[0]["id"]) if problems and isinstance(problems[0], dict) else None


def _close_first(data: Any, _: Registry) -> object:
    first = _first_problem(data)
    if first is None or data["problems"][0].get("closed") is not None:
        return None
    return close_problem(data, first, date(2026, 1, 5), "已办结", str(data["id"]))


def _drop(key: str, index: int) -> Edit:
    def edit(data: Any, _: Registry) -> object:
        items = data.get(key)
        if isinstance(items, list) and len(items) > abs(index):
            del items[index]
        return None

    return edit


EDITS: dict[str, Edit] = {
    "units": lambda d, r: set_field(d, r, "units", "4321"),
    "name": lambda d, r: set_field(d, r, "name", "新名称公寓"),
    "name needing quotes": lambda d, r: set_field(d, r, "name", "名称: 带冒号"),
    "name a date": lambda d, r: set_field(d, r, "name", "2024-01-05"),
    "note cleared": lambda d, r: set_field(d, r, "note", None),
    "note added": lambda d, r: set_field(d, r, "note", "新备注"),
    "tags": lambda d, r: set_field(d, r, "tags", "人才租赁住房,青年"),
    "leased units": lambda d, r: set_field(d, r, "operations.leased_units", "7"),
    "funding total": lambda d, r: set_value(d, r, "funding.total_wan", 12345.5),
    "milestone actual": lambda d, r: set_milestone(d, r, "开工", actual=date(2025, 1, 2)),
    "milestone planned": lambda d, r: set_milestone(d, r, "交付使用", planned=date(2027, 6, 30)),
    "problem added": lambda d, r: add_problem(
        d, r, text="新问题", category="组织实施", department="区住建局", raised=date(2026, 1, 1)
    ),
    "problem closed": _close_first,
    "problem due": lambda d, r: set_field(d, r, f"problems.{_first_problem(d)}.due", "2026-03-01")
    if _first_problem(d)
    else None,
    "first problem dropped": _drop("problems", 0),
    "last milestone dropped": _drop("milestones", -1),
    "units and problem": lambda d, r: (set_field(d, r, "units", "99"), _close_first(d, r)),
}  # fmt: skip


def texts(path: Path, edit: Edit, registry: Registry) -> tuple[str, str, bool]:
    """(the text by parts, by the whole dump, whether the parts were used)."""
    fast = Document.read(path, "projects/X.yaml")
    whole = Document.read(path, "projects/X.yaml")
    whole._regions = None  # the whole dump, as before regions.py
    for document in (fast, whole):
        try:
            edit(document.data, registry)
        except Exception as error:  # an edit that does not apply to this file
            pytest.skip(f"edit does not apply: {error}")
    used = fast._regions is not None and fast._rewritten() is not None
    return fast.render(), whole.render(), used


@pytest.mark.parametrize("name", list(EDITS))
@pytest.mark.parametrize("path", SAMPLE_PROJECTS, ids=lambda p: p.stem)
def test_parts_and_whole_dump_agree(path: Path, name: str, registry: Registry) -> None:
    by_parts, whole, _ = texts(path, EDITS[name], registry)
    assert by_parts == whole


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("big")
    generate_big_file(root, 200)
    return root / "projects" / "BIG-1.yaml"


@pytest.mark.parametrize("name", list(EDITS))
def test_a_big_file_is_edited_by_parts(big_file: Path, name: str, registry: Registry, tmp_path: Path) -> None:
    path = tmp_path / "BIG-1.yaml"
    shutil.copy(big_file, path)
    by_parts, whole, used = texts(path, EDITS[name], registry)
    assert by_parts == whole
    if name not in FALLBACK:
        assert used, name


# edits the parts cannot write: quoted text (outside the proven layout) or a key the file lacks
FALLBACK = {"name needing quotes", "name a date", "note added", "tags", "leased units", "funding total"}
