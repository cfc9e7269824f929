"""The cached database of a warm `bzf query`: used when nothing changed, never when anything did."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from baozufang_cli.sql import cache
from tests.conftest import SAMPLE, run

SQL = "SELECT COUNT(*) AS n, SUM(units) AS units FROM projects"


@pytest.fixture
def cached(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("BZF_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "RACY_SECONDS", -1.0)  # files just copied are trusted in these tests
    return tmp_path / "cache" / "sql"


def units(root: Path, *args: str) -> tuple[int, int]:
    result = run("query", SQL, "--data", root, "--as-of", "2024-06-30", "-f", "json", *args)
    assert result.exit_code == 0, result.stderr
    row = json.loads(result.stdout)["rows"][0]
    return row["n"], row["units"]


def refuse_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("the ledger was loaded")

    monkeypatch.setattr("baozufang_cli.cli.cities.open_cities", fail)


def test_a_warm_query_reads_the_cached_database(
    ledger, cached: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    root = ledger("base", "typical")
    first = units(root)
    assert len(list(cached.glob("*.db"))) == 1
    refuse_loading(monkeypatch)
    assert units(root) == first
    listed = run("query", "--list", "--data", root, "--as-of", "2024-06-30")
    assert listed.exit_code == 0, listed.stderr


def test_any_edit_is_a_new_database(ledger, cached: Path) -> None:  # type: ignore[no-untyped-def]
    root = ledger("base", "typical")
    n, total = units(root)
    path = next((root / "projects").rglob("*.yaml"))
    text = path.read_text(encoding="utf-8")
    assert "units: " in text
    old = next(line for line in text.splitlines() if line.startswith("units: "))
    path.write_text(text.replace(old, "units: 12345"), encoding="utf-8")
    assert units(root) == (n, total - int(old.split()[1]) + 12345)
    path.unlink()
    assert units(root)[0] == n - 1


def test_another_day_is_another_database(ledger, cached: Path) -> None:  # type: ignore[no-untyped-def]
    root = ledger("base", "typical")
    units(root)
    result = run(
        "query",
        "SELECT value FROM meta WHERE key = 'as_of'",
        "--data",
        root,
        "--as-of",
        "2023-01-01",
        "-f",
        "csv",
    )
    assert result.stdout.splitlines()[1] == "2023-01-01"
    assert len(list(cached.glob("*.db"))) == 2


def test_a_ledger_with_errors_is_never_cached(ledger, cached: Path) -> None:  # type: ignore[no-untyped-def]
    root = ledger("base", "typical")
    (root / "projects" / "broken.yaml").write_text("id: broken\nunits: many\n", encoding="utf-8")
    result = run("query", SQL, "--data", root)
    assert result.exit_code == 1 and "broken.yaml" in result.stderr
    assert not list(cached.glob("*.db"))
    again = run("query", SQL, "--data", root)
    assert again.exit_code == 1 and "broken.yaml" in again.stderr  # the warning is never hidden


def test_no_cache_and_racy_files_skip_the_cache(
    ledger, cached: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    root = ledger("base", "typical")
    units(root, "--no-cache")
    assert not list(cached.glob("*.db"))
    monkeypatch.setattr(cache, "RACY_SECONDS", 3600.0)  # everything was "just changed"
    units(root)
    assert not list(cached.glob("*.db"))


def test_a_corrupt_cache_file_is_ignored(ledger, cached: Path) -> None:  # type: ignore[no-untyped-def]
    root = ledger("base", "typical")
    first = units(root)
    for path in cached.glob("*.db"):
        path.write_bytes(b"not a database")
    assert units(root) == first


def test_old_databases_are_removed(ledger, cached: Path) -> None:  # type: ignore[no-untyped-def]
    root = ledger("base", "typical")
    for day in range(1, cache.KEEP + 3):
        assert run("query", SQL, "--data", root, "--as-of", f"2024-01-{day:02d}").exit_code == 0
    assert len(list(cached.glob("*.db"))) <= cache.KEEP


def test_the_fingerprint_sees_size_and_time(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("x", encoding="utf-8")
    key = cache.database_key([tmp_path], __import__("datetime").date(2024, 6, 30))[0]
    os.utime(tmp_path / "a.yaml", ns=(1, 1))
    assert cache.database_key([tmp_path], __import__("datetime").date(2024, 6, 30))[0] != key


def test_the_git_state_is_read_without_git(tmp_path: Path) -> None:
    import subprocess

    assert cache.git_state(tmp_path) == "no-git"
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=SAMPLE, check=True
    )
    assert cache.git_state(SAMPLE).endswith(":" + head.stdout.strip())  # a linked worktree or a clone


def test_a_new_commit_is_a_new_database(ledger, cached: Path) -> None:  # type: ignore[no-untyped-def]
    import subprocess

    root = ledger("base", "typical")

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
            cwd=root, check=True, capture_output=True,
        )  # fmt: skip

    def commit() -> str:
        result = run("query", 'SELECT "commit" FROM cities', "--data", root, "-f", "csv")
        assert result.exit_code == 0, result.stderr
        return result.stdout.splitlines()[1]

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "one")
    first = commit()
    assert len(first) == 40 and commit() == first
    git("commit", "-q", "--allow-empty", "-m", "two")
    assert commit() not in ("", first)
