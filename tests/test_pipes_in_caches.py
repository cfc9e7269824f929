"""A named pipe (or a device) where bzf keeps a cache or a file it regenerates is never waited on.

The ledger cache (``.bzf-cache``, or ``$BZF_CACHE_DIR``), the SQL cache (``$XDG_CACHE_HOME/bzf/sql``, or ``$BZF_CACHE_DIR/sql``) and the schema
files ``bzf schema`` rewrites are read through the guarded reader (``files.read_regular``, or an
``O_NONBLOCK`` open checked with ``fstat``): a pipe there is a cache miss or a file to replace,
never a hang.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import make_ledger, run
from tests.hostile_files import time_limit  # noqa: F401  (fixture)

pytestmark = [
    pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX"),
    pytest.mark.usefixtures("time_limit"),
]


def _ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BZF_CACHE_DIR", str(tmp_path / "cache"))
    root = make_ledger(tmp_path / "ledger", "base", "typical")
    an_hour_ago = os.stat(root).st_mtime - 3600  # caches skip files written within the last seconds
    for path in (root, *root.rglob("*")):
        os.utime(path, (an_hour_ago, an_hour_ago))
    return root


def _pipes_instead_of(folder: Path) -> list[Path]:
    swapped = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        path.unlink()
        os.mkfifo(path)
        swapped.append(path)
    return swapped


def test_pipes_in_the_ledger_cache_are_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _ledger(tmp_path, monkeypatch)
    first = run("status", "--data", root, "--format", "json", "--as-of", "2024-06-30")
    assert first.exit_code == 0, first.stderr
    assert _pipes_instead_of(tmp_path / "cache"), "the first run left no cache to plant pipes in"
    again = run("status", "--data", root, "--format", "json", "--as-of", "2024-06-30")
    assert again.exit_code == 0, again.stderr
    assert again.stdout == first.stdout


def test_a_pipe_as_the_sql_cache_is_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _ledger(tmp_path, monkeypatch)
    monkeypatch.setattr("baozufang_cli.sql.cache.RACY_SECONDS", -60.0)  # ctimes are seconds old: trust them
    sql = "SELECT COUNT(*) AS n FROM projects"
    first = run("query", sql, "--data", root, "--format", "json", "--as-of", "2024-06-30")
    assert first.exit_code == 0, first.stderr
    assert _pipes_instead_of(tmp_path / "cache" / "sql")
    again = run("query", sql, "--data", root, "--format", "json", "--as-of", "2024-06-30")
    assert again.exit_code == 0, again.stderr
    assert again.stdout == first.stdout


def test_a_pipe_as_a_schema_file_is_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _ledger(tmp_path, monkeypatch)
    assert run("schema", "--data", root).exit_code == 0
    swapped = _pipes_instead_of(root / "schema")
    assert swapped
    again = run("schema", "--data", root)
    assert again.exit_code == 0, again.stderr
    assert all(path.is_file() and path.stat().st_size > 0 for path in swapped)
