"""The cache rules of issue 9: identical results, errors never hidden, invalidation, corruption."""

from __future__ import annotations

import json
import os
import random
import shutil
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baozufang_cli.ledger import cache as cache_module
from baozufang_cli.ledger import cache_place
from baozufang_cli.ledger import load as loader
from baozufang_cli.ledger.cache import (
    CACHE_DIR,
    CONFIG_FILE,
    INDEX_FILE,
    SHARDS,
    ProjectCache,
    cache_dirs,
    shard_name,
    shard_of,
)
from baozufang_cli.ledger.cache_place import read_blob
from baozufang_cli.ledger.checks import check_as_of
from baozufang_cli.ledger.load import LedgerUnusable, load_ledger
from baozufang_cli.reports.gap import gap_report
from baozufang_cli.reports.status import status_report
from tests.benchmarks_support import generate
from tests.conftest import run
from tests.facts.test_records import state

AS_OF = date(2025, 6, 30)


def snapshot(root: Path, use_cache: bool) -> Any:
    """Everything a command can observe after loading: diagnostics, files, projects, a report."""
    try:
        ledger = load_ledger(root, use_cache=use_cache)
    except LedgerUnusable as unusable:
        return ("unusable", [(d.to_json(), d.loc) for d in unusable.diagnostics], unusable.files)
    facts_first = (  # before any record is rebuilt: what a warm report reads
        [state(f) for f in ledger.facts],
        ledger.file_count,
        {by: status_report(ledger, AS_OF, by).data for by in ("district", "year", "type")},
        gap_report(ledger, AS_OF, [2024, 2025]).data,
        [(d.to_json(), d.loc) for d in check_as_of(ledger, AS_OF)],
    )
    return (
        facts_first,
        [(d.to_json(), d.loc) for d in ledger.diagnostics],
        [(f.path, state(f.project), [(d.to_json(), d.loc) for d in f.diagnostics]) for f in ledger.files],
        [state(p) for p in ledger.projects],
        [ledger.path(p) for p in ledger.projects],
        [p.id for p in ledger.valid_projects()],
        {by: status_report(ledger, AS_OF, by).data for by in ("district", "year", "type")},
    )


class Parses:
    """Counts the files the loader actually parses (the rest came from the cache)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths: list[str] = []
        real = loader._load_project

        def counting(path: Any, rel: str, *args: Any) -> Any:
            self.paths.append(rel)
            return real(path, rel, *args)

        monkeypatch.setattr(loader, "_load_project", counting)

    def take(self) -> list[str]:
        taken, self.paths = self.paths, []
        return taken


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return generate(tmp_path / "ledger", 12, seed=5)


def project_files(root: Path) -> list[Path]:
    return sorted((root / "projects").rglob("*.yaml"))


# ------------------------------------------------------------------ identical results


def edit(root: Path, rng: random.Random) -> None:
    """One random edit of the kind people make: valid changes, broken files, new and deleted files."""
    files = project_files(root)
    target = rng.choice(files) if files else None
    kind = rng.randrange(10)
    if target is None or kind == 0:
        source = generate(root.parent / f"extra-{rng.random()}", 1, seed=rng.randrange(1000))
        new = project_files(source)[0]
        shutil.copy(new, root / "projects" / f"NEW-{rng.randrange(10**6)}.yaml")  # id-mismatch error
        return
    text = target.read_bytes().decode("utf-8", "replace")  # an earlier edit may have saved it as GBK
    if kind == 1:
        target.write_text(text.replace("units: ", "units: 1", 1), encoding="utf-8")
    elif kind == 2:
        target.write_text(
            text.replace("planned: 20", "planned: 19", 1), encoding="utf-8"
        )  # planned-order warning
    elif kind == 3:
        target.write_text(
            text.replace("plan_year: ", "plan_year: '", 1), encoding="utf-8"
        )  # YAML syntax error
    elif kind == 4:
        target.unlink()
    elif kind == 5:
        folder = root / "projects" / ("dup" if target.parent == root / "projects" else "")
        folder.mkdir(exist_ok=True)
        if not (folder / target.name).exists():
            shutil.copy(target, folder / target.name)  # duplicate id in two folders
    elif kind == 6:
        target.write_text(text.replace("district: ", "district: 火星", 1), encoding="utf-8")
    elif kind == 7:
        target.write_text(text + "unknown_key: 1\n", encoding="utf-8")
    elif kind == 8:
        criteria = root / "criteria.yaml"
        criteria.write_text(criteria.read_text(encoding="utf-8").replace("[配建, ", "[", 1), encoding="utf-8")
    else:
        target.write_bytes(text.encode("gb18030"))  # encoding error


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), rounds=st.lists(st.integers(1, 3), min_size=1, max_size=3))
def test_results_are_identical_with_and_without_the_cache(
    tmp_path: Path, seed: int, rounds: list[int]
) -> None:
    root = generate(tmp_path / f"ledger-{seed}-{len(rounds)}-{random.random()}", 8, seed=seed)
    rng = random.Random(seed)
    assert snapshot(root, True) == snapshot(root, False)  # cold cache written
    assert snapshot(root, True) == snapshot(root, False)  # warm
    for edits in rounds:
        for _ in range(edits):
            edit(root, rng)
        uncached = snapshot(root, False)
        assert snapshot(root, True) == uncached  # after the edits
        assert snapshot(root, True) == uncached  # and once more from the rewritten cache


# every report, as a user runs it: JSON on stdout, the message on stderr, the exit code
REPORTS = [
    ["status"], ["status", "--by", "type"], ["status", "--by", "year"], ["gap"], ["gap", "--year", "all"],
    ["overdue"], ["problems"], ["ledger"], ["funding"], ["operations"], ["listings"], ["score"],
    ["report", "week"], ["report", "month"], ["report", "quarter"], ["report", "year"], ["lights"],
    ["forecast"], ["duties"], ["check"],
]  # fmt: skip


def every_report(root: Path, use_cache: bool) -> list[tuple[str, int, str, str]]:
    from typer.testing import CliRunner

    from baozufang_cli.cli.app import app_for

    more = [] if use_cache else ["--no-cache"]
    results = []
    for command in REPORTS:
        args = [*command, "--data", str(root), "--as-of", AS_OF.isoformat(), "-f", "json", *more]
        result = CliRunner().invoke(
            app_for(args), args, catch_exceptions=False
        )  # the one command, as bzf runs it
        results.append((" ".join(command), result.exit_code, result.stdout, result.stderr))
    return results


def change_one_file(root: Path, rng: random.Random) -> None:
    """An ordinary edit of one project file: more units, and a comment."""
    target = rng.choice(project_files(root))
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("units: ", "units: 2", 1) + "# 改了套数\n", encoding="utf-8")


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000))
def test_every_report_is_identical_with_and_without_the_cache(tmp_path: Path, seed: int) -> None:
    root = generate(tmp_path / f"reports-{seed}-{random.random()}", 8, seed=seed)
    rng = random.Random(seed)
    uncached = every_report(root, False)
    assert every_report(root, True) == uncached  # cold: the cache is written
    with pytest.MonkeyPatch.context() as patch:
        parses = Parses(patch)
        assert every_report(root, True) == uncached  # warm: everything from the cache
        assert parses.take() == []
    change_one_file(root, rng)
    assert every_report(root, True) == every_report(root, False)  # one file re-read, the rest cached
    edit(root, rng)  # any edit: broken, new, deleted, duplicated files, a criteria change
    assert every_report(root, True) == every_report(root, False)


def test_a_warm_load_parses_only_what_changed(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parses = Parses(monkeypatch)
    cold = snapshot(small, True)
    assert len(parses.take()) == 12
    assert snapshot(small, True) == cold
    assert parses.take() == []
    changed = project_files(small)[4]
    changed.write_text(changed.read_text(encoding="utf-8") + "# 改动\n", encoding="utf-8")
    assert snapshot(small, True) == cold  # a comment changes nothing…
    assert parses.take() == [changed.relative_to(small).as_posix()]  # …but the file is read again


# ------------------------------------------------------------------ errors are never hidden


def test_errors_are_reported_on_every_run(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = project_files(small)[0]
    broken.write_text(broken.read_text(encoding="utf-8").replace("units: ", "units: 十", 1), encoding="utf-8")
    parses = Parses(monkeypatch)
    first = run("check", "--data", small, "--as-of", "2025-06-30", "-f", "json")
    second = run("check", "--data", small, "--as-of", "2025-06-30", "-f", "json")
    assert len(parses.take()) == 12  # the second run parsed nothing: the error came from the cache
    assert first.exit_code == second.exit_code == 1
    assert first.stdout == second.stdout
    assert [d["code"] for d in json.loads(second.stdout)] == ["wrong-type"]
    status = run("status", "--data", small, "--as-of", "2025-06-30")
    assert status.exit_code == 1 and "1 个文件有错误" in status.stdout


def test_a_file_broken_after_caching_is_reported(small: Path) -> None:
    assert run("check", "--data", small).exit_code == 0
    broken = project_files(small)[3]
    broken.write_text("id: [\n", encoding="utf-8")
    result = run("check", "--data", small, "-f", "json")
    assert result.exit_code == 1
    assert [d["code"] for d in json.loads(result.stdout)] == ["yaml-syntax"]


def test_same_size_same_times_different_content_is_caught_by_the_hash(small: Path) -> None:
    # a coarse clock can leave size and times unchanged after an edit: recent files carry a hash
    path = project_files(small)[0]
    rel = path.relative_to(small).as_posix()
    stat = path.stat()
    same = SimpleNamespace(
        st_size=stat.st_size, st_mtime_ns=stat.st_mtime_ns, st_ctime_ns=stat.st_ctime_ns, st_ino=stat.st_ino
    )
    store = ProjectCache.open(small)
    result = loader.load_project_file(path, rel, None)
    store.put(rel, same, result, path.read_bytes())  # type: ignore[arg-type]
    store.save([(str(path), rel, same)])  # type: ignore[list-item]
    assert ProjectCache.open(small).get(rel, same, path) is not None  # type: ignore[arg-type]
    path.write_bytes(path.read_bytes().replace(b"units: ", b"units:  ", 1)[:-1])  # same size
    assert ProjectCache.open(small).get(rel, same, path) is None  # type: ignore[arg-type]


def test_stat_changes_are_seen_without_a_hash(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # files older than the racy window carry no hash: size, mtime, ctime and inode must do
    real_time = cache_module.time.time
    monkeypatch.setattr(cache_module.time, "time", lambda: real_time() + 100)
    expected = snapshot(small, True)
    entries = cached_entries(small)
    assert entries is not None and all(entry[1] is None for entry in entries.values())
    parses = Parses(monkeypatch)
    files = project_files(small)

    def rel(path: Path) -> str:
        return path.relative_to(small).as_posix()

    files[0].write_bytes(files[0].read_bytes() + b"# x\n")  # size
    old = files[1].stat()
    os.utime(files[1], ns=(old.st_atime_ns, old.st_mtime_ns + 5_000_000_000))  # mtime only
    content = files[2].read_bytes()
    old = files[2].stat()
    digit = content.index(b"units: ") + 7
    other = str(int(content[digit : digit + 1]) % 9 + 1).encode()
    files[2].write_bytes(content[:digit] + other + content[digit + 1 :])  # same size, then the old mtime:
    os.utime(files[2], ns=(old.st_atime_ns, old.st_mtime_ns))  # only ctime tells
    old = files[3].stat()
    copy = files[3].with_suffix(".tmp")
    shutil.copy2(files[3], copy)
    os.replace(copy, files[3])  # same bytes, size and mtime: a new inode
    changed = snapshot(small, True)
    assert sorted(parses.take()) == sorted(rel(p) for p in files[:4])
    assert changed == snapshot(small, False) != expected


@pytest.mark.parametrize("field", ["st_size", "st_mtime_ns", "st_ctime_ns", "st_ino"])
def test_each_part_of_the_file_key_counts(small: Path, monkeypatch: pytest.MonkeyPatch, field: str) -> None:
    real_time = cache_module.time.time
    monkeypatch.setattr(cache_module.time, "time", lambda: real_time() + 100)  # no hash: the key alone
    path = project_files(small)[0]
    rel = path.relative_to(small).as_posix()
    stat = path.stat()
    key = {name: getattr(stat, name) for name in ("st_size", "st_mtime_ns", "st_ctime_ns", "st_ino")}
    store = ProjectCache.open(small)
    store.put(rel, SimpleNamespace(**key), loader.load_project_file(path, rel, None), path.read_bytes())  # type: ignore[arg-type]
    store.save([(str(path), rel, SimpleNamespace(**key))])  # type: ignore[list-item]
    assert ProjectCache.open(small).get(rel, SimpleNamespace(**key), path) is not None  # type: ignore[arg-type]
    key[field] += 1
    assert ProjectCache.open(small).get(rel, SimpleNamespace(**key), path) is None  # type: ignore[arg-type]


# ------------------------------------------------------------------ invalidation


def test_a_criteria_change_invalidates_everything(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("check", "--data", small).exit_code == 0
    criteria = small / "criteria.yaml"
    # drop every supply type's key alias target: files that say "new_build" now name an unknown type
    criteria.write_text(
        criteria.read_text(encoding="utf-8").replace("key: new_build", "key: newbuild"), encoding="utf-8"
    )
    parses = Parses(monkeypatch)
    result = run("check", "--data", small, "-f", "json")
    assert len(parses.take()) == 12
    codes = {d["code"] for d in json.loads(result.stdout)}
    assert "unknown-supply-type" in codes
    assert json.loads(result.stdout) == json.loads(
        run("check", "--data", small, "-f", "json", "--no-cache").stdout
    )


def test_a_targets_change_invalidates_everything(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("check", "--data", small).exit_code == 0
    targets = small / "targets.yaml"
    text = targets.read_text(encoding="utf-8")
    renamed = text.replace("{name: 南明区, aliases: [南明]", "{name: 南明新区, aliases: [南明新]")
    assert renamed != text
    targets.write_text(renamed, encoding="utf-8")
    parses = Parses(monkeypatch)
    result = run("check", "--data", small, "-f", "json")
    assert len(parses.take()) == 12
    assert result.stdout == run("check", "--data", small, "-f", "json", "--no-cache").stdout


@pytest.mark.parametrize(
    "change",
    [
        lambda m: m.setattr(cache_place, "__version__", "99.0"),
        lambda m: m.setattr(cache_place, "_code_fingerprint", lambda: "changed source"),
        lambda m: m.setattr(cache_place, "FORMAT", 99),
    ],
    ids=["bzf-version", "bzf-source", "cache-format"],
)
def test_a_new_bzf_invalidates_everything(small: Path, monkeypatch: pytest.MonkeyPatch, change: Any) -> None:
    snapshot(small, True)
    parses = Parses(monkeypatch)
    change(monkeypatch)
    snapshot(small, True)
    assert len(parses.take()) == 12


def test_the_key_covers_versions_source_and_config(small: Path) -> None:
    key = cache_place.cache_key(small)
    assert key == cache_place.cache_key(small)
    (small / "targets.yaml").write_text(
        (small / "targets.yaml").read_text(encoding="utf-8") + "\n# x\n", encoding="utf-8"
    )
    assert cache_place.cache_key(small) != key


# ------------------------------------------------------------------ corrupt, unreadable, missing


def cache_files(root: Path) -> list[Path]:
    """The record shards, then the index."""
    folder = cache_dirs(root)[0]
    return [*(folder / shard_name(i) for i in range(SHARDS)), folder / INDEX_FILE]


def cached_entries(root: Path) -> dict[str, Any] | None:
    key = cache_place.cache_key(root)
    index = read_blob(cache_dirs(root)[0] / INDEX_FILE, key)
    if index is None:
        return None
    rels, stats, hashes, facts, diagnostics = index[:5]
    return {rel: entry for rel, *entry in zip(rels, stats, hashes, facts, diagnostics, strict=True)}


CORRUPTIONS = {
    "truncated": lambda blob: blob[: len(blob) // 2],
    "empty": lambda blob: b"",
    "garbage": lambda blob: os.urandom(len(blob)),
    "wrong-magic": lambda blob: b"NOTBZF!!!\n" + blob[10:],
    "flipped-byte": lambda blob: blob[:-100] + bytes([blob[-100] ^ 0xFF]) + blob[-99:],
    "extra-bytes": lambda blob: blob + b"\x00",
    "old-format": lambda blob: b"BZFCACHE1\n" + blob[10:],
}


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_a_corrupt_cache_is_ignored_and_rebuilt(
    small: Path, corruption: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = snapshot(small, False)
    assert snapshot(small, True) == expected
    for path in cache_files(small):
        blob = path.read_bytes()
        path.write_bytes(CORRUPTIONS[corruption](blob) if len(blob) > 200 else b"")
    parses = Parses(monkeypatch)
    assert snapshot(small, True) == expected
    assert len(parses.take()) == 12  # nothing trusted from the damaged files
    assert snapshot(small, True) == expected
    assert parses.take() == []  # rebuilt


def test_one_damaged_shard_costs_only_its_files(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = snapshot(small, True)
    rels = [p.relative_to(small).as_posix() for p in project_files(small)]
    damaged = max(range(SHARDS), key=lambda i: sum(shard_of(rel) == i for rel in rels))
    cache_files(small)[damaged].write_bytes(b"garbage")
    parses = Parses(monkeypatch)
    assert snapshot(small, True) == expected
    assert sorted(parses.take()) == sorted(rel for rel in rels if shard_of(rel) == damaged)


def test_one_edit_rewrites_one_shard(small: Path) -> None:
    snapshot(small, True)
    before = {path: path.read_bytes() for path in cache_files(small)}
    changed = project_files(small)[5]
    changed.write_text(changed.read_text(encoding="utf-8") + "# 改动\n", encoding="utf-8")
    snapshot(small, True)
    rewritten = [path for path, blob in before.items() if path.read_bytes() != blob]
    shard = cache_files(small)[shard_of(changed.relative_to(small).as_posix())]
    assert rewritten == [shard, cache_files(small)[-1]]  # its shard and the index
    changed.unlink()  # a file gone: its shard is rewritten without it
    snapshot(small, True)
    entries = cached_entries(small)
    assert entries is not None and changed.relative_to(small).as_posix() not in entries


def test_a_cache_that_is_a_folder_is_ignored(small: Path) -> None:
    expected = snapshot(small, False)
    path = cache_files(small)[0]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.mkdir()
    assert snapshot(small, True) == expected
    assert snapshot(small, True) == expected


def test_no_cache_neither_reads_nor_writes(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("status", "--data", small, "--no-cache").exit_code == 0
    assert not any(path.exists() for path in cache_files(small))
    snapshot(small, True)
    parses = Parses(monkeypatch)
    assert run("status", "--data", small, "--no-cache").exit_code == 0
    assert len(parses.take()) == 12


def test_the_cache_lives_in_the_ledger_and_is_git_ignored(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BZF_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(small.parent / "user-cache"))
    snapshot(small, True)
    assert all((small / CACHE_DIR / shard_name(i)).is_file() for i in range(SHARDS))
    assert (small / CACHE_DIR / ".gitignore").read_text(encoding="utf-8") == "*\n"
    assert not (small.parent / "user-cache").exists()
    assert [p.name for p in (small / CACHE_DIR).iterdir() if p.name.endswith(".tmp")] == []


def test_an_unwritable_ledger_uses_the_user_cache_dir(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BZF_CACHE_DIR")
    user = small.parent / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(user))
    (small / CACHE_DIR).write_text(
        "not a folder", encoding="utf-8"
    )  # the ledger's cache folder cannot be made
    expected = snapshot(small, False)
    parses = Parses(monkeypatch)
    assert snapshot(small, True) == expected
    assert sorted(p.name for p in user.glob("bzf/*/*")) == sorted(
        [CONFIG_FILE, INDEX_FILE, *(shard_name(i) for i in range(SHARDS))]
    )
    assert snapshot(small, True) == expected
    assert len(parses.take()) == 12  # the second run came from the user cache dir


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only folders")
def test_a_read_only_ledger_uses_the_user_cache_dir(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BZF_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(small.parent / "user-cache"))
    small.chmod(0o555)
    try:
        expected = snapshot(small, False)
        assert snapshot(small, True) == expected
        assert snapshot(small, True) == expected
        assert list((small.parent / "user-cache").glob("bzf/*/" + shard_name(0)))
    finally:
        small.chmod(0o755)


def test_a_failed_write_keeps_the_old_cache(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    snapshot(small, True)
    before = [path.read_bytes() for path in cache_files(small)]
    changed = project_files(small)[1]
    changed.write_text(changed.read_text(encoding="utf-8") + "# x\n", encoding="utf-8")

    def refuse(*args: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(cache_module.os, "replace", refuse)
    assert snapshot(small, True) == snapshot(small, False)
    assert [path.read_bytes() for path in cache_files(small)] == before
    assert [p for p in cache_files(small)[0].parent.iterdir() if p.name.endswith(".tmp")] == []
