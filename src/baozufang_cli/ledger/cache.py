"""A cache of loaded project files, so an unchanged ledger is not parsed again.

Rules (beancount's cache bugs are the cautionary tale):

* an entry is keyed by the file's path, size, mtime, ctime and inode; when the file changed
  too recently to trust its times (it could change again within the clock's resolution) the
  hash of the bytes that were parsed is stored too and checked on use;
* the whole cache is dropped when bzf's version or any of its source files, pydantic's or
  Python's version, targets.yaml or criteria.yaml change;
* an entry holds the file's diagnostics as well as its project: errors are reported on
  every run, never hidden by the cache; files that could not be read are not cached;
* a corrupt, truncated or unreadable cache is ignored and rebuilt, never fatal;
  it is written atomically (temp file + rename) and checksummed before it is trusted;
* entries are spread over ``SHARDS`` files by a hash of the path, so after one edit only
  one file of ~1/16 of the cache is rewritten (at 20,000 projects rewriting it all took
  longer than reading it).

Projects are stored as records (``facts/records.py``) in plain tuples and rebuilt without
validation and without pydantic: they were validated by the same code when the entry was
written, which the key guarantees. targets.yaml and criteria.yaml are stored the same way,
with their diagnostics, under the key (which covers their bytes): a warm run validates nothing.

Each shard holds two sections, each with its own checksum: first, per file, its stat, its
diagnostics and its ``ProjectFacts`` (what ``status``, ``gap`` and ``check`` read); then the
full records. A run reads the file once but unmarshals the second section only when a report
asks for full records (``FileResult.project``), so ``bzf status`` never rebuilds them.

The cache lives in ``<ledger>/.bzf-cache/`` (git-ignored), or in the user cache directory
when the ledger is read-only; ``BZF_CACHE_DIR`` chooses another folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import struct
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from baozufang_cli import __version__
from baozufang_cli.facts import records
from baozufang_cli.files import read_regular
from baozufang_cli.ledger.diagnostics import Diagnostic
from baozufang_cli.ledger.registry import FileResult

CACHE_DIR = ".bzf-cache"
CONFIG_FILE = "config.bin"
SHARDS = 16  # entries are spread over this many files: one changed project rewrites one of them
LEGACY_FILES = ("projects.bin",)  # earlier formats, removed when a cache is written
FORMAT = 5
MAGIC = b"BZFCACHE5\n"
HEADER = struct.Struct("<IQIQ")  # crc32 and length of the two sections that follow (facts, records)
RACY_SECONDS = 2.0  # files changed this close to the cache write are confirmed by content hash
MARSHAL_VERSION = 4

# size, mtime_ns, ctime_ns, inode, content hash (racy files only), encoded facts, diagnostics
Entry = tuple[int, int, int, int, bytes | None, tuple[Any, ...] | None, tuple[tuple[Any, ...], ...]]
RECORD_ONLY = 0  # in an entry's facts place: a record is stored, its facts are not (made without a registry)


def _code_fingerprint() -> str:
    """bzf's own source files: a changed bzf (even an unreleased one) must not reuse old results."""
    parts = []
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the whole package
    for folder, dirnames, filenames in os.walk(package):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith(".py"):
                stat = os.stat(os.path.join(folder, name))
                parts.append(
                    f"{os.path.relpath(os.path.join(folder, name), package)}:{stat.st_size}:{stat.st_mtime_ns}"
                )
    return "|".join(parts)


def _pydantic_fingerprint() -> str:
    """pydantic's version file (size and time), found without importing pydantic."""
    import importlib.util

    spec = importlib.util.find_spec("pydantic")
    if spec is None or not spec.submodule_search_locations:
        return "no-pydantic"
    for folder in spec.submodule_search_locations:
        try:
            stat = os.stat(os.path.join(folder, "version.py"))
        except OSError:
            continue
        return f"{folder}:{stat.st_size}:{stat.st_mtime_ns}"
    return "no-pydantic-version"


def cache_key(root: Path) -> str:
    """Everything the cached results depend on besides the project files themselves."""
    digest = hashlib.sha256(
        f"{FORMAT}|{__version__}|{sys.version_info[:2]}|{_pydantic_fingerprint()}|".encode()
        + _code_fingerprint().encode()
        + records.fingerprint().encode()
    )
    from baozufang_cli.files import (
        MAX_LEDGER_FILE_BYTES as MAX_FILE_BYTES,  # not ledger.read: that imports YAML
    )
    from baozufang_cli.files import read_regular

    for name in ("targets.yaml", "criteria.yaml"):
        try:
            digest.update(b"|" + read_regular(root / name, MAX_FILE_BYTES))  # a pipe is not waited on
        except OSError:
            digest.update(b"|missing")
    return digest.hexdigest()


def cache_dirs(root: Path) -> list[Path]:
    ledger_id = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    override = os.environ.get("BZF_CACHE_DIR")
    if override:
        return [Path(override) / ledger_id]
    user = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bzf"
    if refused_cache(root) is not None:  # never read or written: the user cache dir instead
        return [user / ledger_id]
    return [root / CACHE_DIR, user / ledger_id]


def refused_cache(root: Path) -> str | None:
    """Why ``<ledger>/.bzf-cache`` must not be used, or ``None``: a symbolic link (to anywhere:
    a write through it could land outside the ledger), or a folder holding one."""
    folder = root / CACHE_DIR
    try:
        if folder.is_symlink():
            return "是符号链接"
        if not folder.is_dir():  # missing (made on first write) or a file (the write fails: user dir)
            return None
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_symlink():
                    return f"中有符号链接 {entry.name}"
    except OSError:
        return "无法读取"
    return None


def cache_warnings(root: Path) -> list[Diagnostic]:
    """A warning when the ledger's own cache folder is refused (``refused_cache``)."""
    if os.environ.get("BZF_CACHE_DIR"):
        return []
    reason = refused_cache(root)
    if reason is None:
        return []
    return [
        Diagnostic(
            CACHE_DIR,
            "cache-refused",
            f"缓存文件夹 {CACHE_DIR} {reason}，未使用（bzf 只在台账之内写文件）",
            "warning",
            hint="缓存改存在用户缓存目录；删除 .bzf-cache 即可恢复",
        )
    ]


def content_hash(content: bytes) -> bytes:
    return hashlib.blake2b(content, digest_size=16).digest()


def _file_hash(path: str | Path) -> bytes | None:
    try:
        return content_hash(read_regular(path))  # a pipe planted in the cache is not waited on
    except OSError:
        return None


class ProjectCache:
    def __init__(
        self,
        root: Path,
        key: str,
        entries: dict[str, Entry],
        enabled: bool,
        folder: Path | None = None,
        records_sections: dict[int, memoryview] | None = None,
    ) -> None:
        self.root = root
        self.key = key
        self.enabled = enabled
        self.folder = folder  # where the entries were read from
        self._old = entries
        self._new: dict[str, Entry] = {}
        self._new_records: dict[str, tuple[Any, ...] | None] = {}  # records of files put this run
        self._dirty: set[int] = set()  # shards to write
        self._sections = records_sections or {}  # shard → its records section, not yet unmarshalled
        self._records: dict[int, dict[str, Any]] = {}  # shard → rel → encoded record, once unmarshalled
        self._decode = records.decoder(records.Project)
        self._decode_facts = records.decoder(records.ProjectFacts)

    @classmethod
    def open(cls, root: Path, *, enabled: bool = True) -> ProjectCache:
        if not enabled:
            return cls(root, "", {}, False)
        key = cache_key(root)
        for folder in cache_dirs(root):
            shards = [_read_shard(folder / shard_name(i), key) for i in range(SHARDS)]
            if any(shard is not None for shard in shards):
                merged: dict[str, Entry] = {}
                sections: dict[int, memoryview] = {}
                for i, shard in enumerate(shards):
                    if shard is not None:
                        merged.update(shard[0])
                        sections[i] = shard[1]
                return cls(root, key, merged, True, folder, sections)
        return cls(root, key, {}, True)

    def get(
        self,
        rel: str,
        stat: os.stat_result | None,
        path: str | Path,
        reread: Callable[[], Any] | None = None,
    ) -> FileResult | None:
        """The cached result of ``rel`` if the file is unchanged since it was cached (``stat`` is fresh).

        Its record is rebuilt on first use; ``reread`` parses the file again should that fail."""
        if not self.enabled or stat is None:
            return None
        entry = self._old.get(rel)
        if entry is None:
            return None
        size, mtime_ns, ctime_ns, inode, stored_hash, facts, diagnostics = entry
        if (
            size != stat.st_size
            or mtime_ns != stat.st_mtime_ns
            or ctime_ns != stat.st_ctime_ns
            or inode != stat.st_ino
        ):
            return None
        if stored_hash is not None and _file_hash(path) != stored_hash:
            return None
        try:
            result = FileResult(
                rel,
                None,
                [Diagnostic.from_cache(d) for d in diagnostics],
                facts=None if facts is None or facts == RECORD_ONLY else self._decode_facts(facts),
                load=None if facts is None else lambda: self._record(rel, reread),
            )
        except Exception:  # an entry that does not fit is simply read again
            return None
        self._new[rel] = entry
        return result

    def _record(self, rel: str, reread: Callable[[], Any] | None) -> Any:
        """The full record of cached ``rel``, rebuilt (``reread`` when it cannot be)."""
        try:
            return self._decode(self._shard_records(shard_of(rel))[rel])
        except Exception:  # an entry that does not fit (never expected: the key covers bzf's code)
            if reread is None:
                raise
            return reread()

    def _shard_records(self, index: int) -> dict[str, Any]:
        found = self._records.get(index)
        if found is None:
            found = {}
            section = self._sections.get(index)
            if section is not None:
                loaded = marshal.loads(section)  # checked with the file (``_read_shard``)
                if isinstance(loaded, dict):
                    found = loaded
            self._records[index] = found
        return found

    def put(self, rel: str, stat: os.stat_result | None, result: FileResult, content: bytes | None) -> None:
        """Remember ``result`` for ``rel``; ``stat`` was taken before ``content`` was read."""
        if not self.enabled or stat is None or content is None:
            return  # a file that could not be read is read again next time
        newest = max(stat.st_mtime_ns, stat.st_ctime_ns) / 1e9
        racy = time.time() - newest < RACY_SECONDS
        project = result.project
        facts = None if result.facts is None else records.encode(result.facts)
        self._new[rel] = (
            stat.st_size,
            stat.st_mtime_ns,
            stat.st_ctime_ns,
            stat.st_ino,
            content_hash(content) if racy else None,
            RECORD_ONLY if facts is None and project is not None else facts,
            tuple(d.to_cache() for d in result.diagnostics),
        )
        self._new_records[rel] = None if project is None else records.encode(project)
        self._dirty.add(shard_of(rel))

    def save(self) -> None:
        """Write the shards that changed (entries added, replaced or gone) atomically."""
        if not self.enabled:
            return
        dirty = self._dirty | {shard_of(rel) for rel in self._old.keys() - self._new.keys()}
        if not dirty:
            return
        by_shard: dict[int, dict[str, Entry]] = {i: {} for i in range(SHARDS)}
        for rel, entry in self._new.items():
            by_shard[shard_of(rel)][rel] = entry
        for folder in cache_dirs(self.root):
            # a folder the entries were not read from needs every shard, not just the changed ones
            shards = dirty if folder == self.folder else set(range(SHARDS))
            try:
                blobs = {i: self._shard_blob(i, by_shard[i]) for i in sorted(shards)}
            except ValueError:  # a value marshal cannot store: stay correct, stay uncached
                return
            if all(_write_atomic(folder, shard_name(i), blob) for i, blob in blobs.items()):
                for legacy in LEGACY_FILES:
                    with contextlib.suppress(OSError):
                        (folder / legacy).unlink(missing_ok=True)
                return

    def _shard_blob(self, index: int, entries: dict[str, Entry]) -> bytes:
        """Shard ``index``'s file. An entry whose record is not at hand (its section was damaged)
        is left out: that file is parsed again next time."""
        old_records = self._shard_records(index) if entries.keys() - self._new_records.keys() else {}
        kept: dict[str, Entry] = {}
        stored: dict[str, Any] = {}
        for rel, entry in entries.items():
            record = self._new_records[rel] if rel in self._new_records else old_records.get(rel)
            if entry[5] is not None and record is None:
                continue
            kept[rel] = entry
            if record is not None:
                stored[rel] = record
        return _blob(self.key, kept, stored)

    # -- targets.yaml + criteria.yaml, validated and checked (the key covers their bytes)

    def config(self) -> tuple[records.Targets, records.Criteria, list[Diagnostic]] | None:
        if not self.enabled:
            return None
        for folder in cache_dirs(self.root):
            shard = _read_shard(folder / CONFIG_FILE, self.key)
            if shard is None:
                continue
            stored: dict[str, Any] = shard[0]
            try:
                targets = records.decoder(records.Targets)(stored["targets"])
                criteria = records.decoder(records.Criteria)(stored["criteria"])
                return targets, criteria, [Diagnostic.from_cache(d) for d in stored["diagnostics"]]
            except Exception:  # an entry that does not fit is simply read again
                return None
        return None

    def put_config(self, targets: Any, criteria: Any, diagnostics: list[Diagnostic]) -> None:
        if not self.enabled:
            return
        stored = {
            "targets": records.encode(targets),
            "criteria": records.encode(criteria),
            "diagnostics": tuple(d.to_cache() for d in diagnostics),
        }
        try:
            blob = _blob(self.key, stored, {})
        except ValueError:
            return
        for folder in cache_dirs(self.root):
            if _write_atomic(folder, CONFIG_FILE, blob):
                return


def shard_name(index: int) -> str:
    return f"projects-{index:02d}.bin"


def shard_of(rel: str) -> int:
    return zlib.crc32(rel.encode("utf-8")) % SHARDS


def _blob(key: str, entries: dict[str, Any], stored: dict[str, Any]) -> bytes:
    first = marshal.dumps((key, entries), MARSHAL_VERSION)
    second = marshal.dumps(stored, MARSHAL_VERSION)
    return (
        MAGIC + HEADER.pack(zlib.crc32(first), len(first), zlib.crc32(second), len(second)) + first + second
    )


def _read_shard(path: Path, key: str) -> tuple[dict[str, Any], memoryview] | None:
    """A cache file's first section, unmarshalled, and its second, left as bytes until it is
    needed (both checked); ``None`` when the file is missing, damaged, truncated or written
    under another key: a file is trusted whole or not at all."""
    try:
        blob = read_regular(path)
    except OSError:
        return None
    head = len(MAGIC) + HEADER.size
    if len(blob) < head or not blob.startswith(MAGIC):
        return None
    checksum, length, second_checksum, second_length = HEADER.unpack_from(blob, len(MAGIC))
    if len(blob) != head + length + second_length:
        return None  # truncated or damaged: never unmarshal bytes that are not exactly what we wrote
    view = memoryview(blob)
    first, second = view[head : head + length], view[head + length :]
    if zlib.crc32(first) != checksum or zlib.crc32(second) != second_checksum:
        return None
    try:
        stored_key, entries = marshal.loads(first)
    except (ValueError, EOFError, TypeError):
        return None
    if stored_key != key or not isinstance(entries, dict):
        return None
    return entries, second


def _write_atomic(folder: Path, name: str, blob: bytes) -> bool:
    from baozufang_cli.files import atomic_write

    try:
        folder.mkdir(parents=True, exist_ok=True)
        inside = folder.parent if folder.name == CACHE_DIR else folder  # the ledger, or the cache dir
        if folder.name == CACHE_DIR and not (folder / ".gitignore").exists():
            atomic_write(folder / ".gitignore", b"*\n", new=True, inside=inside)
        atomic_write(folder / name, blob, inside=inside)
        return True
    except OSError:
        return False
