"""The cache's index (issue 19): a warm report reads facts only; records are rebuilt on demand,
and a shard that lost them (damage, a crash between writing it and the index) is parsed again
and repaired."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from baozufang_cli.ledger.cache import SHARDS, shard_name, shard_of
from baozufang_cli.ledger.cache_place import cache_dirs
from baozufang_cli.ledger.checks import check_as_of
from baozufang_cli.ledger.load import load_ledger
from baozufang_cli.reports.gap import gap_report
from baozufang_cli.reports.status import status_report
from tests.benchmarks_support import generate
from tests.ledger.test_cache import Parses, project_files, snapshot

AS_OF = date(2025, 6, 30)


@pytest.fixture
def ledger_root(tmp_path: Path) -> Path:
    return generate(tmp_path / "ledger", 24, seed=11)


def shard_path(root: Path, rel: str) -> Path:
    return cache_dirs(root)[0] / shard_name(shard_of(rel))


def test_a_warm_status_gap_and_check_rebuild_no_record(
    ledger_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_ledger(ledger_root)  # cold: fills the cache
    parses = Parses(monkeypatch)
    ledger = load_ledger(ledger_root)
    status_report(ledger, AS_OF)
    gap_report(ledger, AS_OF, [2024, 2025])
    check_as_of(ledger, date.today())  # no date after today in the generated ledger
    assert ledger._files is None  # no file's result, so no record, was built
    assert parses.take() == []
    assert len(ledger.projects) == 24  # and they are there when a report asks


def test_a_warm_check_rebuilds_only_files_with_dates_after_the_day(ledger_root: Path) -> None:
    load_ledger(ledger_root)
    ledger = load_ledger(ledger_root)
    late = [f for f in ledger.facts if f.latest is not None and f.latest > date(2024, 6, 30)]
    assert late and len(late) < len(ledger.facts)
    check_as_of(ledger, date(2024, 6, 30))
    rebuilt = {f.path for f in ledger.files if f._load is None and f._project is not None}
    assert rebuilt == {f.path for f in late}


def test_a_shard_older_than_the_index_is_parsed_again_and_repaired(
    ledger_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a crash after the shard of an edit was written but not the index, or the other way round:
    # here the index knows the edit, its shard holds the record from before it
    expected = snapshot(ledger_root, False)
    snapshot(ledger_root, True)
    changed = project_files(ledger_root)[3]
    rel = changed.relative_to(ledger_root).as_posix()
    stale = shard_path(ledger_root, rel).read_bytes()
    text = changed.read_text(encoding="utf-8")
    changed.write_text(
        text.replace("\nname: ", "\nname: 改", 1), encoding="utf-8"
    )  # the record, not the facts
    after = snapshot(ledger_root, False)
    assert snapshot(ledger_root, True) == after
    shard_path(ledger_root, rel).write_bytes(stale)
    parses = Parses(monkeypatch)
    assert snapshot(ledger_root, True) == after
    assert parses.take() == [rel]  # only the record the shard does not hold as of the index
    assert snapshot(ledger_root, True) == after
    assert parses.take() == []  # repaired
    assert expected != after and expected[0] == after[0]  # the stale record would show; the facts are equal


def test_a_missing_shard_costs_only_its_files_and_is_written_back(
    ledger_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = snapshot(ledger_root, True)
    rels = [p.relative_to(ledger_root).as_posix() for p in project_files(ledger_root)]
    gone = max(range(SHARDS), key=lambda i: sum(shard_of(rel) == i for rel in rels))
    (cache_dirs(ledger_root)[0] / shard_name(gone)).unlink()
    parses = Parses(monkeypatch)
    assert snapshot(ledger_root, True) == expected
    assert sorted(parses.take()) == sorted(rel for rel in rels if shard_of(rel) == gone)
    assert (cache_dirs(ledger_root)[0] / shard_name(gone)).is_file()
    assert snapshot(ledger_root, True) == expected
    assert parses.take() == []
