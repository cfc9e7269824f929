"""Shared fixtures: tiny ledgers copied to tmp_path, a CLI runner, golden files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from baozufang_cli.cli.app import app

TESTS = Path(__file__).parent
DATA = TESTS / "data"
GOLDEN = TESTS / "golden"
REPO = TESTS.parent
SAMPLE = REPO / "data"
SAMPLE_PROJECTS = sorted((SAMPLE / "projects").rglob("*.yaml"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/golden/ from the current output"
    )


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    for name in ("BZF_DATA", "FORCE_COLOR", "NO_COLOR", "BZF_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "120")  # golden tables render at a fixed width
    # caches of read-only fixture ledgers go to a temporary folder, never into the repository
    monkeypatch.setenv("BZF_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def make_ledger(target: Path, *layers: str | Path) -> Path:
    """Copy tests/data/<layer> folders on top of each other into ``target`` (later layers win)."""
    target.mkdir(parents=True, exist_ok=True)
    for layer in layers:
        source = layer if isinstance(layer, Path) else DATA / layer
        shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expect.yaml"))
    (target / "projects").mkdir(exist_ok=True)
    return target


@pytest.fixture
def ledger(tmp_path: Path):  # type: ignore[no-untyped-def]
    """``ledger("base", "typical")`` → a fresh copy of those layers."""

    def build(*layers: str | Path) -> Path:
        return make_ledger(tmp_path / "ledger", *layers)

    return build


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def assert_golden(request: pytest.FixtureRequest, name: str, text: str) -> None:
    path = GOLDEN / name
    if request.config.getoption("--update-golden"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run pytest --update-golden"
    assert text == path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def deadlines(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/data/base + tests/data/deadlines: the hand-computed ledger of gap/overdue/problems/ledger."""
    return make_ledger(tmp_path_factory.mktemp("deadlines") / "ledger", "base", "deadlines")


def run_json(*args: str | Path, exit_code: int = 0) -> Any:
    result = run(*args, "--format", "json")
    assert result.exit_code == exit_code, result.stderr
    return json.loads(result.stdout)
