"""Cold parsing split with a forked worker gives exactly the results of parsing in one process."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from baozufang_cli import bulk
from tests.benchmarks_support import generate
from tests.test_cache import cache_file, snapshot

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the worker is forked on Linux only"
)


@pytest.fixture
def ledger_with_errors(tmp_path: Path) -> Path:
    root = generate(tmp_path / "ledger", 30, seed=8)
    files = sorted((root / "projects").rglob("*.yaml"))
    files[3].write_text("id: [\n", encoding="utf-8")  # syntax error
    files[20].write_text(
        files[20].read_text(encoding="utf-8").replace("district: ", "district: 火星", 1), encoding="utf-8"
    )
    files[25].write_bytes(files[25].read_text(encoding="utf-8").encode("gb18030"))
    (root / "projects" / "broken.yaml").symlink_to(root / "nowhere.yaml")  # unreadable
    return root


def split_counter(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    started: list[int] = []
    real = bulk._Worker.start

    def start(*args: Any) -> Any:
        worker = real(*args)
        started.append(worker.pid if worker else 0)
        return worker

    monkeypatch.setattr(bulk._Worker, "start", start)
    monkeypatch.setattr(bulk, "PARALLEL_FROM", 4)
    return started


def test_split_parsing_matches_one_process(ledger_with_errors: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serial = snapshot(ledger_with_errors, False)
    started = split_counter(monkeypatch)
    assert snapshot(ledger_with_errors, False) == serial
    assert snapshot(ledger_with_errors, True) == serial  # cold, written to the cache from both halves
    assert len(started) == 2 and all(started)
    assert snapshot(ledger_with_errors, True) == serial  # warm, from that cache
    assert len(started) == 2


def test_the_cache_written_by_both_halves_is_the_same(
    ledger_with_errors: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from baozufang_cli import cache as cache_module

    key = cache_module.cache_key(ledger_with_errors)
    snapshot(ledger_with_errors, True)
    one_process = cache_module._read(cache_file(ledger_with_errors), key)
    cache_file(ledger_with_errors).unlink()
    split_counter(monkeypatch)
    snapshot(ledger_with_errors, True)
    assert cache_module._read(cache_file(ledger_with_errors), key) == one_process


def test_a_failing_worker_changes_nothing(ledger_with_errors: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serial = snapshot(ledger_with_errors, False)
    started = split_counter(monkeypatch)

    def crash(*args: Any) -> Any:
        raise RuntimeError("worker bug")

    monkeypatch.setattr(bulk, "_answer", crash)  # runs in the forked worker only
    assert snapshot(ledger_with_errors, True) == serial
    assert len(started) == 1
    assert snapshot(ledger_with_errors, True) == serial


def test_small_loads_stay_in_one_process(ledger_with_errors: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started = split_counter(monkeypatch)
    monkeypatch.setattr(bulk, "PARALLEL_FROM", 400)
    snapshot(ledger_with_errors, False)
    assert started == []
