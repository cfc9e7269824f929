"""District and supply-type names as districts write them (``bzf import xlsx``).

A cell may hold the official name, an alias, a code, a unique prefix, the name with the city in
front (贵阳市观山湖区), a 管委会 suffix, or a supply type with 项目 after it (新建项目). Nothing
is guessed beyond that: a name that matches nothing, or more than one, is a problem whose
message suggests the closest of the ledger's own names, in Chinese.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable

from baozufang_cli.ledger.registry import NameNotFound, Registry, closest
from baozufang_cli.xlsx_import.values import clean

_DISTRICT_SUFFIXES = ("管理委员会", "管委会", "管委")
_TYPE_SUFFIXES = ("项目", "类", "方式", "房源", "类项目")


def _looked_up(lookup: Callable[[str], str], words: str, suffixes: tuple[str, ...]) -> str | None:
    """``lookup`` of the words as written, else with one of the customary suffixes dropped."""
    for candidate in (words, *(words.removesuffix(s) for s in suffixes if words.endswith(s))):
        with contextlib.suppress(NameNotFound):
            return lookup(candidate)
    return None


def district_name(registry: Registry, text: str) -> str | None:
    """The official name of the district ``text`` names, or None."""
    words = clean(text)
    found = _looked_up(registry.district_filter, words, _DISTRICT_SUFFIXES)
    if found is not None:
        return found
    # the city in front: 贵阳市观山湖区 (only the official name counts: 花溪新区 is not 花溪区)
    ending = {
        d.name for d in registry.districts.values() if words.endswith(d.name) and len(words) > len(d.name)
    }
    return next(iter(ending)) if len(ending) == 1 else None


def supply_type_name(registry: Registry, text: str) -> str | None:
    """The key of the supply type ``text`` names, or None."""
    words = clean(text)
    found = _looked_up(registry.supply_type, words, _TYPE_SUFFIXES)
    if found is not None:
        return found
    contained = {
        spec.key
        for spec in registry.supply_types.values()
        for name in (spec.label, *spec.aliases)
        if len(name) >= 2
        and re.search(r"[\u4e00-\u9fff]", name)
        and (name in words or (len(words) >= 2 and words in spec.label))
    }
    return next(iter(contained)) if len(contained) == 1 else None


def district_or_problem(registry: Registry, text: str) -> str:
    """The official name, or ``ValueError`` with a Chinese suggestion from the ledger's names."""
    found = district_name(registry, text)
    if found is not None:
        return found
    words = clean(text)
    names = {name: d.name for d in registry.districts.values() for name in (d.name, *d.aliases)}
    guess = closest(words, names)
    if guess is not None:
        raise ValueError(f"没有区县「{words}」，是否为 {names[guess]}？")
    known = "、".join(registry.districts)
    raise ValueError(f"没有区县「{words}」，台账的区县有：{known}（见 targets.yaml）")


def supply_type_or_problem(registry: Registry, text: str) -> str:
    """The supply type's key, or ``ValueError`` naming the closest label in Chinese."""
    found = supply_type_name(registry, text)
    if found is not None:
        return found
    words = clean(text)
    names = {
        name: spec.key
        for spec in registry.supply_types.values()
        for name in (spec.label, *spec.aliases)
        if re.search(r"[\u4e00-\u9fff]", name)
    }
    guess = closest(words, names)
    known = "、".join(registry.short_label(key) for key in registry.supply_types)
    if guess is not None:
        raise ValueError(
            f"没有筹集方式「{words}」，是否为 {registry.short_label(names[guess])}？（可选：{known}）"
        )
    raise ValueError(f"没有筹集方式「{words}」，可选：{known}（见 criteria.yaml）")
