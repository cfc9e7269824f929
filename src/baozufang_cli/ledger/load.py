"""Files → models + located diagnostics. Never prints.

The read path per project file: read bytes → decode (UTF-8, BOM tolerated) → libyaml parse
with YAML 1.2 meaning → pydantic validation → reference checks and canonical names → the
project's record (``facts/records.py``), which is what the ledger holds. Only a file with
problems has its node tree composed again to turn ``loc`` paths into lines. Unchanged files,
and an unchanged targets.yaml + criteria.yaml, come from the cache (``cache.py``), errors
included: a warm load imports neither pydantic, the models, the YAML parser nor the
per-file rules.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from baozufang_cli.errors import LedgerError, UsageError
from baozufang_cli.facts import records
from baozufang_cli.ledger.diagnostics import Diagnostic, sort_key
from baozufang_cli.ledger.discover import CRITERIA_FILE, JOURNAL_FILE, TARGETS_FILE, is_ledger, scan
from baozufang_cli.ledger.gc_pause import paused_gc
from baozufang_cli.ledger.registry import FileResult, Ledger, Registry

if TYPE_CHECKING:
    from pydantic import BaseModel

    from baozufang_cli.ledger.cache import ProjectCache
    from baozufang_cli.ledger.discover import ProjectFile

M = TypeVar("M", bound="BaseModel")
Progress = Callable[[int, int], None]  # (files parsed, files to parse)


def not_a_ledger(root: Path) -> str:
    return f"{root} 不是台账目录（缺少 targets.yaml、criteria.yaml 和 projects/）"


class NoLedger(UsageError):
    """The folder is not a ledger (no targets.yaml / criteria.yaml / projects/)."""

    def __init__(self, root: Path) -> None:
        super().__init__(not_a_ledger(root))
        self.root = root


class LedgerUnusable(LedgerError):
    """targets.yaml or criteria.yaml is broken: reports cannot run; ``diagnostics`` says why."""

    def __init__(self, diagnostics: list[Diagnostic], files: int = 0) -> None:
        super().__init__("targets.yaml 或 criteria.yaml 有错误，无法生成报表", diagnostics=diagnostics)
        self.files = files  # project files read (schema-checked only)


# ------------------------------------------------------------------ one file


def validate(
    data: Any, model: type[M], rel: str, text: str | None = None
) -> tuple[M | None, list[Diagnostic]]:
    """``data`` checked by the ``data`` rules and validated by ``model``; ``text``, the file's text
    the data was parsed from, lets a rule skip what the text shows cannot be there."""
    from pydantic import ValidationError

    from baozufang_cli.ledger.checks import check_data
    from baozufang_cli.ledger.schema_errors import schema_diagnostics

    text_problems = check_data(data, rel, text)  # the rules over the parsed text (control characters)
    try:
        return model.model_validate(data), text_problems
    except ValidationError as error:
        return None, [*schema_diagnostics(rel, error, model), *text_problems]


def load_project_file(
    path: Path | str, rel: str, registry: Registry | None, stat: os.stat_result | None = None
) -> FileResult:
    return _load_project(path, rel, registry, stat)[0]


def as_record(result: FileResult) -> FileResult:
    """The result with its validated model turned into the record the ledger holds."""
    if result.project is not None:
        result.project = records.from_model(records.Project, result.project)
    return result


def _load_project(
    path: Path | str, rel: str, registry: Registry | None, stat: os.stat_result | None, as_model: bool = False
) -> tuple[FileResult, bytes | None]:
    """One project file → its result (holding the record; ``as_model``: the validated model), and
    the bytes it was made from (for the cache)."""
    from baozufang_cli.ledger.read import parse_yaml_bytes, read_bytes

    raw, diagnostics = read_bytes(path, rel, stat)
    if raw is None:
        return FileResult(rel, None, diagnostics), None
    result = project_result(*parse_yaml_bytes(raw, rel), rel, registry)
    return (result if as_model else as_record(result)), raw


def project_result(
    data: Any, text: str, diagnostics: list[Diagnostic], rel: str, registry: Registry | None
) -> FileResult:
    """A parsed project file (``read_yaml``/``parse_yaml_bytes`` output) validated and checked."""
    if data is None:
        return FileResult(rel, None, diagnostics)
    return check_project_data(data, text, rel, registry)


def check_project_data(data: dict[str, Any], text: str, rel: str, registry: Registry | None) -> FileResult:
    """Schema and per-file rules for one parsed project file (also run by the edit path).

    The result holds the validated model; the loader turns it into a record (``as_record``).
    """
    from baozufang_cli.ledger.checks import check_project
    from baozufang_cli.ledger.read import locate_all
    from baozufang_cli.ledger.rules_project import check_raw_references
    from baozufang_cli.models import Project

    project, diagnostics = validate(data, Project, rel, text)
    if project is not None:
        stem = os.path.splitext(rel.rpartition("/")[2])[0]
        diagnostics += check_project(project, rel, stem, registry)
    elif registry is not None:  # report every problem: references are checked even when the schema failed
        diagnostics += check_raw_references(data, rel, registry)
    return FileResult(rel, project, locate_all(diagnostics, text))


def load_config(root: Path, name: str, model: type[M]) -> tuple[M | None, list[Diagnostic]]:
    from baozufang_cli.ledger.read import read_yaml

    path = root / name
    if not path.exists():  # a folder or a pipe of that name is read, and refused, as any file is
        return None, [
            Diagnostic(name, "missing-file", f"缺少 {name}", hint="用 bzf init 创建，或从示例台账复制")
        ]
    return config_result(*read_yaml(path, name), name, model)


def config_result(
    data: Any, text: str, diagnostics: list[Diagnostic], name: str, model: type[M]
) -> tuple[M | None, list[Diagnostic]]:
    from baozufang_cli.ledger.read import locate_all

    if data is None:
        return None, diagnostics
    config, diagnostics = validate(data, model, name, text)
    return config, locate_all(diagnostics, text)


# The latest loaded ledger stays referenced until the process ends, so that ``cli.main`` can
# leave with ``os._exit`` and let the OS reclaim it at once instead of Python freeing a
# million objects one by one (~0.1 s at 10,000 projects) when the command returns. Only the
# latest: a long-lived process (the tests) does not accumulate ledgers.
_kept: list[Ledger] = []


def load_registry(root: Path) -> tuple[Registry | None, list[Diagnostic]]:
    """targets.yaml + criteria.yaml and their cross-checks; ``None`` when either does not validate.

    First, an import that was killed halfway is rolled back (``xlsx_import/journal.py``): every
    command sees the ledger as it was before that import, never half of it."""
    from baozufang_cli.ledger.checks import check_config
    from baozufang_cli.models import Criteria, Targets
    from baozufang_cli.xlsx_import.journal import recover

    recovered = recover(root)
    targets, diagnostics = load_config(root, TARGETS_FILE, Targets)
    if recovered is not None:
        diagnostics.append(Diagnostic(JOURNAL_FILE, "import-rolled-back", recovered, severity="warning"))
    criteria, criteria_diagnostics = load_config(root, CRITERIA_FILE, Criteria)
    diagnostics += criteria_diagnostics
    if not (targets and criteria):
        return None, diagnostics
    # the config rules run on the models (they make names canonical), the registry holds records
    diagnostics += locate_in_files(root, check_config(Registry(targets, criteria)))  # type: ignore[arg-type]
    targets_record = records.from_model(records.Targets, targets)
    return Registry(targets_record, records.from_model(records.Criteria, criteria)), diagnostics


def _cached_registry(root: Path, cache: ProjectCache) -> tuple[Registry | None, list[Diagnostic]]:
    """The registry from the cache when targets.yaml and criteria.yaml are unchanged, else read."""
    # an import killed halfway is rolled back by load_registry, which says so: never from the cache
    stored = None if (root / JOURNAL_FILE).exists() else cache.config()
    if stored is not None:
        targets, criteria, diagnostics = stored
        return Registry(targets, criteria), diagnostics
    registry, diagnostics = load_registry(root)
    if registry is not None and not any(d.is_error for d in diagnostics):
        cache.put_config(registry.targets, registry.criteria, diagnostics)
    return registry, diagnostics


def load_ledger(root: Path, *, use_cache: bool = True, progress: Progress | None = None) -> Ledger:
    """Load and check the whole ledger. Raises ``NoLedger`` or ``LedgerUnusable``.

    ``progress(done, total)`` is called while files are parsed (not for cached files).
    """
    if not root.is_dir() or not is_ledger(root):
        raise NoLedger(root)
    from baozufang_cli.ledger.cache import ProjectCache, cache_warnings

    resume_gc = paused_gc()
    try:
        cache = ProjectCache.open(root, enabled=use_cache)
        registry, diagnostics = _cached_registry(root, cache)
        config_ok = registry is not None and not any(d.is_error for d in diagnostics)
        cache.enabled = cache.enabled and config_ok

        files, scan_diagnostics = scan(root)
        diagnostics += scan_diagnostics
        if cache.enabled:
            diagnostics += cache_warnings(root)
        if registry is not None and cache.enabled:  # the cache is off when the config has errors

            def reread(path: str | Path, rel: str, stat: os.stat_result | None) -> Callable[[], Any]:
                # a cached record its shard does not hold (damaged, or older than the index)
                assert registry is not None
                return lambda: _load_project(path, rel, registry, stat)[0].project

            ledger = _load_cached(root, registry, cache, files, diagnostics, reread, progress)
            _kept[:] = [ledger]
            return ledger

        # without the cache (--no-cache, or a config with errors): every file is parsed, and the
        # ledger takes each record's facts itself
        file_registry = registry if config_ok else None
        loaded: list[FileResult] = []
        try:
            for done, (path, rel, stat) in enumerate(files, 1):
                loaded.append(_load_project(path, rel, file_registry, stat)[0])
                if progress is not None:
                    progress(done, len(files))
        finally:
            if progress is not None:
                progress(len(files), len(files))  # the bar always ends, even on an error

        for result in loaded:
            diagnostics += result.diagnostics
        if not config_ok or registry is None:
            raise LedgerUnusable(sorted(diagnostics, key=sort_key), len(loaded))

        ledger = Ledger(root, registry.targets, registry.criteria, registry, loaded)
        from baozufang_cli.ledger.checks import check_ledger

        cross = locate_in_files(root, check_ledger(ledger))
        ledger.set_diagnostics(sorted(diagnostics + cross, key=sort_key))
        _kept[:] = [ledger]
        return ledger
    finally:
        resume_gc()


def _load_cached(
    root: Path,
    registry: Registry,
    cache: ProjectCache,
    files: list[ProjectFile],
    diagnostics: list[Diagnostic],
    reread: Callable[[str | Path, str, os.stat_result | None], Callable[[], Any]],
    progress: Progress | None,
) -> Ledger:
    """The ledger from the cache's index: only new and changed files are parsed; no cached record
    is rebuilt until a report asks for records. With nothing changed, the cross-file results
    come from the index too."""
    from baozufang_cli.facts.project import project_facts

    same = cache.unchanged(files)
    positions: list[int | None] = list(range(len(files))) if same else cache.lookup(files)
    missing = [i for i, position in enumerate(positions) if position is None]
    parsed: dict[int, FileResult] = {}
    try:
        for done, i in enumerate(missing, 1):
            path, rel, stat = files[i]
            result, raw = _load_project(path, rel, registry, stat, True)  # as the model
            if result.project is not None:  # the facts and the cache's encoding from the model
                result.facts = project_facts(registry, result.project, rel)
            cache.put(rel, stat, result, raw)
            parsed[i] = cache.lean(result) or as_record(result)
            if progress is not None:
                progress(done, len(missing))
    finally:
        if progress is not None:
            progress(len(missing), len(missing))  # the bar always ends, even on an error
    if same:
        facts = cache.sorted_facts()
    else:
        found = [
            cache.facts_at(position) if position is not None else parsed[i].facts
            for i, position in enumerate(positions)
        ]
        facts = sorted((f for f in found if f is not None), key=lambda f: (f.id, f.path))
    for i, position in enumerate(positions):
        diagnostics += cache.diagnostics_at(position) if position is not None else parsed[i].diagnostics

    def results() -> list[FileResult]:
        out = [
            parsed[i] if position is None else cache.result_at(position, reread(*files[i]))
            for i, position in enumerate(positions)
        ]
        return [result for result in out if result is not None]

    ledger = Ledger.from_facts(root, registry, facts, results, len(files), cache.records_rebuilt)
    if same:
        cross = cache.cross()
    else:
        from baozufang_cli.ledger.checks import check_ledger

        cross = locate_in_files(root, check_ledger(ledger))
        for position in positions:
            if position is not None:
                cache.keep(position)
        cache.save(files, cross)
    ledger.set_diagnostics(sorted(diagnostics + cross, key=sort_key))
    return ledger


def locate_in_files(root: Path, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Locate diagnostics made after loading (cross-file, as-of checks): reads only the files named."""
    by_path: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        by_path.setdefault(diagnostic.path, []).append(diagnostic)
    located: list[Diagnostic] = []
    for rel, group in by_path.items():
        if all(d.line for d in group):
            located += group
            continue
        from baozufang_cli.ledger import yamlread
        from baozufang_cli.ledger.read import decode, locate_all, read_bytes

        raw, _unreadable = read_bytes(root / rel, rel)  # guarded: a file swapped for a pipe is not waited on
        try:
            text = decode(raw) if raw is not None else ""
        except yamlread.YamlProblem:
            text = ""
        if not text:
            located += group
            continue
        located += locate_all(group, text)
    return located
