"""A cache of loaded project files, so an unchanged ledger is not parsed again.

Rules (beancount's cache bugs are the cautionary tale):

* an entry is keyed by the file's path, size and mtime; when the mtime is too recent to be
  trusted (the file could change again within the clock's resolution) the content hash is
  stored too and checked on use;
* the whole cache is dropped when bzf's version or code, targets.yaml or criteria.yaml change;
* an entry holds the file's diagnostics as well as its project: errors are reported on
  every run, never hidden by the cache;
* a corrupt, truncated or unreadable cache is ignored and rebuilt, never fatal;
  it is written atomically (temp file + rename) and checksummed before it is trusted.

The cache lives in ``<ledger>/.bzf-cache/`` (git-ignored), or in the user cache directory
when the ledger is read-only; ``BZF_CACHE_DIR`` chooses another folder.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from baozufang_cli import __version__
from baozufang_cli.diagnostics import Diagnostic
from baozufang_cli.ledger import FileResult
from baozufang_cli.models import Project

CACHE_DIR = ".bzf-cache"
CACHE_FILE = "projects.bin"
FORMAT = 1
MAGIC = b"BZFCACHE1\n"
RACY_SECONDS = 2.0  # mtimes this close to the cache write are confirmed by content hash
_CODE_MODULES = (
    "models.py",
    "yamlread.py",
    "loader.py",
    "checks.py",
    "checks_money.py",
    "ledger.py",
    "cache.py",
    "diagnostics.py",
)

Entry = tuple[int, int, str | None, dict[str, Any] | None, list[tuple[Any, ...]]]


def cache_key(root: Path) -> str:
    """Everything the cached results depend on besides the project files themselves."""
    digest = hashlib.sha256(f"{FORMAT}|{__version__}".encode())
    package = Path(__file__).parent
    for name in _CODE_MODULES:  # a changed bzf (even an unreleased one) must not reuse old results
        stat = (package / name).stat()
        digest.update(f"|{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    for name in ("targets.yaml", "criteria.yaml"):
        try:
            digest.update(b"|" + (root / name).read_bytes())
        except OSError:
            digest.update(b"|missing")
    return digest.hexdigest()


def cache_dirs(root: Path) -> list[Path]:
    override = os.environ.get("BZF_CACHE_DIR")
    if override:
        return [Path(override) / hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]]
    user = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bzf"
    return [root / CACHE_DIR, user / hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]]


def _content_hash(path: Path) -> str | None:
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return None


class ProjectCache:
    def __init__(self, root: Path, key: str, entries: dict[str, Entry], enabled: bool) -> None:
        self.root = root
        self.key = key
        self.enabled = enabled
        self._old = entries
        self._new: dict[str, Entry] = {}
        self._stats: dict[str, os.stat_result] = {}
        self._dirty = False

    @classmethod
    def open(cls, root: Path, *, enabled: bool = True) -> ProjectCache:
        if not enabled:
            return cls(root, "", {}, False)
        key = cache_key(root)
        for folder in cache_dirs(root):
            entries = _read(folder / CACHE_FILE, key)
            if entries is not None:
                return cls(root, key, entries, True)
        return cls(root, key, {}, True)

    def get(self, path: Path, rel: str) -> FileResult | None:
        if not self.enabled:
            return None
        try:
            stat = path.stat()
        except OSError:
            return None
        self._stats[rel] = stat  # taken before any read, so a change during the read is seen next time
        entry = self._old.get(rel)
        if entry is None:
            return None
        size, mtime_ns, content_hash, project_data, diagnostics = entry
        if size != stat.st_size or mtime_ns != stat.st_mtime_ns:
            return None
        if content_hash is not None and _content_hash(path) != content_hash:
            return None
        try:
            project = Project.model_validate(project_data) if project_data is not None else None
            result = FileResult(rel, project, [Diagnostic.from_cache(d) for d in diagnostics])
        except Exception:  # an entry that no longer fits the model is simply re-read
            return None
        self._new[rel] = entry
        return result

    def put(self, path: Path, rel: str, result: FileResult) -> None:
        stat = self._stats.get(rel)
        if not self.enabled or stat is None:
            return
        racy = time.time() - stat.st_mtime_ns / 1e9 < RACY_SECONDS
        content_hash = _content_hash(path) if racy else None
        project_data = result.project.model_dump(mode="json") if result.project is not None else None
        self._new[rel] = (
            stat.st_size,
            stat.st_mtime_ns,
            content_hash,
            project_data,
            [d.to_cache() for d in result.diagnostics],
        )
        self._dirty = True

    def save(self) -> None:
        if not self.enabled or not (self._dirty or self._new.keys() != self._old.keys()):
            return
        payload = marshal.dumps((self.key, self._new))
        blob = MAGIC + hashlib.blake2b(payload, digest_size=16).digest() + payload
        for folder in cache_dirs(self.root):
            if _write_atomic(folder, blob):
                return


def _read(path: Path, key: str) -> dict[str, Entry] | None:
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    head = len(MAGIC) + 16
    if not blob.startswith(MAGIC) or len(blob) < head:
        return None
    payload = blob[head:]
    if hashlib.blake2b(payload, digest_size=16).digest() != blob[len(MAGIC) : head]:
        return None  # truncated or damaged: never unmarshal bytes we did not write
    try:
        stored_key, entries = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None
    if stored_key != key or not isinstance(entries, dict):
        return None
    return entries


def _write_atomic(folder: Path, blob: bytes) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if folder.name == CACHE_DIR and not (folder / ".gitignore").exists():
            (folder / ".gitignore").write_text("*\n", encoding="utf-8")
        handle, temp = tempfile.mkstemp(dir=folder, prefix=".projects-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(blob)
            os.replace(temp, folder / CACHE_FILE)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return True
    except OSError:
        return False
