"""Several ledgers at once (a province): ``--data`` repeated, or ``BZF_DATA`` holding a path list.

Each ledger is a city, named by ``city:`` in its targets.yaml, or by its folder when the file
does not say; two ledgers with the same name are told apart by their folders. Ids are unique
per city only: the same project id in two ledgers is two projects.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from baozufang_cli.cli.runtime import ledger_root, open_ledger
from baozufang_cli.errors import UsageError

if TYPE_CHECKING:
    from baozufang_cli.ledger.registry import Ledger
    from baozufang_cli.sql.build import City


@dataclass
class CityLedger:
    name: str
    root: Path
    ledger: Ledger


def city_name(ledger: Ledger, root: Path) -> str:
    if "city" in ledger.targets.fields_set:
        return ledger.targets.city
    return root.resolve().name or ledger.targets.city


def open_cities(data: list[Path] | None, no_cache: bool = False) -> list[CityLedger]:
    """The ledgers of ``--data`` (in order; one ledger when none is given)."""
    roots = [ledger_root(path) for path in data] if data else [ledger_root(None)]
    seen: set[Path] = set()
    cities: list[CityLedger] = []
    for root in roots:
        resolved = root.resolve()
        if resolved in seen:
            raise UsageError(f"台账目录重复：{root}")
        seen.add(resolved)
        ledger = open_ledger(root, no_cache)
        cities.append(CityLedger(city_name(ledger, root), root, ledger))
    names = [c.name for c in cities]
    for city in cities:
        if names.count(city.name) > 1:
            city.name = f"{city.name}（{city.root.resolve().name}）"
    if len({c.name for c in cities}) < len(cities):
        raise UsageError("几个台账的城市名称与目录名都相同，无法区分", "请在各台账的 targets.yaml 写明 city:")
    return cities


def git_facts(root: Path, as_of: date) -> tuple[str | None, date | None]:
    """HEAD of the repository holding ``root``, and the date of the last commit touching the
    ledger on or before ``as_of``; ``(None, None)`` outside git."""
    if not any((folder / ".git").exists() for folder in (root.resolve(), *root.resolve().parents)):
        return None, None  # not in git: without importing history/git.py (the warm query path)
    from baozufang_cli.history.git import GitError, Repository, find_repository

    top = find_repository(root)
    if top is None:
        return None, None
    repository = Repository(top)
    try:
        head = repository.run("rev-parse", "--verify", "--quiet", "HEAD").decode().strip() or None
        before = (as_of + timedelta(days=1)).isoformat()
        out = repository.run(
            "log", "-1", "--format=%cs", f"--before={before} 00:00:00", "--", str(root.resolve())
        )
    except GitError:
        return None, None
    text = out.decode().strip()
    return head, date.fromisoformat(text) if text else None


def sql_cities(cities: list[CityLedger], as_of: date) -> list[City]:
    """What the SQL tables need of each city: its ledger, git facts and self-assessments."""
    from baozufang_cli.ledger.assessments import load_assessments
    from baozufang_cli.sql.build import City

    out = []
    for city in cities:
        commit, last = git_facts(city.root, as_of)
        assessments = load_assessments(city.root, city.ledger.registry)
        out.append(City(city.name, city.ledger, str(city.root), commit, last, assessments))
    return out


def open_database(
    data: list[Path] | None, as_of: date, no_cache: bool = False
) -> tuple[sqlite3.Connection, list[CityLedger]]:
    """The SQL database of the ledgers as of ``as_of`` and the ledgers that were loaded for it —
    none when it came from the cache (sql/cache.py, opened read-only), which holds only databases
    of ledgers without errors, so there is nothing to warn about then."""
    from baozufang_cli.cli.runtime import now
    from baozufang_cli.sql import cache

    roots = [ledger_root(path) for path in data] if data else [ledger_root(None)]
    key, trusted = cache.database_key(roots, as_of)
    cached = None if no_cache else cache.open_cached(key)
    if cached is not None:
        return cached, []
    from baozufang_cli.sql.database import in_memory, to_bytes

    cities = open_cities(data, no_cache)
    conn = in_memory(sql_cities(cities, as_of), as_of, now().isoformat())
    if trusted and not no_cache and not any(city.ledger.errors for city in cities):
        cache.save(key, to_bytes(conn))
    return conn, cities
