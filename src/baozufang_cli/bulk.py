"""Parsing the project files the cache could not answer: here, or split with one forked worker.

On a cold ledger parsing is nearly all of the time and every file is independent, so a
second core pays: the process forks one worker that parses the second half of the files
and sends its results back in the cache's plain-tuple form (``codec.py``), which the parent
rebuilds in a few microseconds a project. Fork (Linux only) shares the loaded code, models
and registry for free; spawning a fresh interpreter would re-import everything. If anything
goes wrong with the worker — it dies, its answer is damaged — the parent parses that half
itself: the results are the same either way, only slower.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from baozufang_cli.codec import Unsupported, plan
from baozufang_cli.diagnostics import Diagnostic
from baozufang_cli.ledger import FileResult, Registry
from baozufang_cli.models import Project

if TYPE_CHECKING:
    from baozufang_cli.cache import ProjectCache
    from baozufang_cli.loader import ProjectFile

PARALLEL_FROM = 400  # fewer files are parsed before a fork pays for itself
Progress = Callable[[int, int], None]
# encoded project (or None), diagnostics as cache tuples, content hash (racy files), file was readable
Answer = tuple["tuple[Any, ...] | None", "tuple[tuple[Any, ...], ...]", "bytes | None", bool]


def parse_missing(
    files: list[ProjectFile],
    missing: list[int],
    registry: Registry | None,
    cache: ProjectCache,
    results: list[FileResult | None],
    progress: Progress | None,
) -> None:
    """Fill ``results[i]`` for every ``i`` in ``missing`` and remember each in ``cache``."""
    from baozufang_cli.loader import _load_project

    total = len(missing)
    half = total // 2
    worker = _Worker.start(files, missing[half:], registry) if _can_split(total) else None
    mine = missing[:half] if worker is not None else missing
    try:
        for done, i in enumerate(mine, 1):
            path, rel, stat = files[i]
            result, raw = _load_project(path, rel, registry, stat)
            cache.put(rel, stat, result, raw)
            results[i] = result
            if progress is not None:
                # the worker keeps about the same pace: count its half too, short of the end
                progress(done if worker is None else min(2 * done, total - 1), total)
        if worker is not None:
            answers = worker.collect()
            theirs = missing[half:]
            if answers is None or len(answers) != len(theirs):
                for i in theirs:  # the worker failed: same results, the slow way
                    path, rel, stat = files[i]
                    result, raw = _load_project(path, rel, registry, stat)
                    cache.put(rel, stat, result, raw)
                    results[i] = result
            else:
                decode = plan(Project).decode
                for i, (encoded, diagnostics, hashed, readable) in zip(theirs, answers, strict=True):
                    path, rel, stat = files[i]
                    project = None if encoded is None else decode(encoded)
                    results[i] = FileResult(rel, project, [Diagnostic.from_cache(d) for d in diagnostics])  # type: ignore[arg-type]
                    if readable and stat is not None:
                        cache.put_encoded(rel, stat, encoded, diagnostics, hashed)
    finally:
        if worker is not None:
            worker.stop()
        if progress is not None:
            progress(total, total)  # the bar always ends, even on an error


def _can_split(total: int) -> bool:
    if total < PARALLEL_FROM or not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    if threading.active_count() > 1:  # forking a threaded process is unsafe
        return False
    try:
        plan(Project)
    except Unsupported:  # results could not cross the process boundary
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores >= 2


def _answer(file: ProjectFile, registry: Registry | None) -> Answer:
    from baozufang_cli.cache import content_hash, is_racy
    from baozufang_cli.loader import _load_project

    path, rel, stat = file
    result, raw = _load_project(path, rel, registry, stat)
    encoded = None if result.project is None else plan(Project).encode(result.project)
    hashed = content_hash(raw) if raw is not None and stat is not None and is_racy(stat) else None
    return encoded, tuple(d.to_cache() for d in result.diagnostics), hashed, raw is not None


class _Worker:
    def __init__(self, pid: int, answers_fd: int) -> None:
        self.pid = pid
        self.answers_fd: int | None = answers_fd
        self.running = True

    @classmethod
    def start(cls, files: list[ProjectFile], indexes: list[int], registry: Registry | None) -> _Worker | None:
        try:
            read_fd, write_fd = os.pipe()
            pid = os.fork()
        except OSError:
            return None
        if pid == 0:  # the worker: never returns into the caller's code
            status = 1
            try:
                os.close(read_fd)
                payload = pickle.dumps([_answer(files[i], registry) for i in indexes], protocol=5)
                with os.fdopen(write_fd, "wb") as out:
                    out.write(payload)
                status = 0
            finally:
                os._exit(status)
        os.close(write_fd)
        return cls(pid, read_fd)

    def collect(self) -> list[Answer] | None:
        """The worker's answers, or None when it failed."""
        try:
            assert self.answers_fd is not None
            fd, self.answers_fd = self.answers_fd, None
            with os.fdopen(fd, "rb") as answers:
                payload = answers.read()
            _, status = os.waitpid(self.pid, 0)
            self.running = False
            if os.waitstatus_to_exitcode(status) != 0:
                return None
            answers_list: list[Answer] = pickle.loads(payload)
            return answers_list
        except Exception:
            return None

    def stop(self) -> None:
        """End the worker if it is still running (this process failed before collecting)."""
        if self.answers_fd is not None:
            os.close(self.answers_fd)
            self.answers_fd = None
        if self.running:
            self.running = False
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
