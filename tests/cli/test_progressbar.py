"""The progress bar: nothing for quick work or pipes; a transient bar on a terminal after a second."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from baozufang_cli.cli import progressbar
from baozufang_cli.ledger.load import load_ledger
from tests.benchmarks_support import generate


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def terminal() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=80, color_system=None), out


def test_quick_work_shows_nothing() -> None:
    console, out = terminal()
    clock = Clock()
    bar = progressbar.DelayedBar("读取项目文件", console, clock=clock)
    for done in range(1, 101):
        clock.now += 0.005  # 100 files in half a second
        bar(done, 100)
    assert out.getvalue() == ""
    assert bar.bar is None


def test_slow_work_shows_a_bar_that_goes_away() -> None:
    console, out = terminal()
    clock = Clock()
    bar = progressbar.DelayedBar("读取项目文件", console, clock=clock)
    for done in range(1, 1001):
        clock.now += 0.003  # three seconds in all
        bar(done, 1000)
        if done == 500:
            assert bar.bar is not None  # shown after the first second
    assert bar.bar is None  # stopped at the end
    drawn = out.getvalue()
    assert "读取项目文件" in drawn and "1000/1000" in drawn


def test_pipes_get_no_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert progressbar.for_stderr() is None


def test_the_loader_reports_each_parsed_file_and_always_finishes(tmp_path: Path) -> None:
    root = generate(tmp_path / "ledger", 5, seed=1)
    calls: list[tuple[int, int]] = []
    load_ledger(root, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5), (5, 5)]
    calls.clear()
    load_ledger(root, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 0)]  # everything came from the cache: nothing to show
