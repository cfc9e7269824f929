"""A cache of loaded project files, so an unchanged ledger is not parsed again.

Rules (beancount's cache bugs are the cautionary tale):

* an entry is keyed by the file's path, size, mtime, ctime and inode; when the file changed
  too recently to trust its times (it could change again within the clock's resolution) the
  hash of the bytes that were parsed is stored too and checked on use;
* the whole cache is dropped when bzf's version or any of its source files, pydantic's or
  Python's version, targets.yaml or criteria.yaml change (``cache_place.cache_key``);
* an entry holds the file's diagnostics as well as its project: errors are reported on
  every run, never hidden by the cache; files that could not be read are not cached;
* a corrupt, truncated or unreadable cache is ignored and rebuilt, never fatal;
  it is written atomically (temp file + rename) and checksummed before it is trusted.

Laid out for the read (issue 19). ``index.bin`` holds, column by column in the order the
files were found, each file's path, stat, content hash (racy files only), diagnostics and
``ProjectFacts`` — what ``status``, ``gap`` and ``check`` read — and the cross-file rules'
results. A warm run compares the scan's paths and stats with the index as two lists, and
when nothing changed builds the ledger from the facts alone: no per-file lookup, no record,
no cross-file rule. The full records (``facts/records.py``, plain tuples rebuilt without
pydantic) are in ``SHARDS`` files by a hash of the path, each entry with the stat it was
made from; they are read only when a report asks for records (``FileResult.project``), and
after one edit only the index and one shard are rewritten. Shards are written before the
index, so a crash between the two leaves at worst records whose stat no longer matches:
those files are parsed again.
"""

from __future__ import annotations

import contextlib
import os
import struct
import time
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from baozufang_cli.facts import records
from baozufang_cli.ledger.cache_place import (
    CACHE_DIR,
    blob,
    cache_dirs,
    cache_key,
    cache_warnings,
    content_hash,
    file_hash,
    read_blob,
    refused_cache,
    write_atomic,
)
from baozufang_cli.ledger.diagnostics import Diagnostic
from baozufang_cli.ledger.discover import ProjectFile
from baozufang_cli.ledger.registry import FileResult

__all__ = ["CACHE_DIR", "ProjectCache", "cache_dirs", "cache_key", "cache_warnings", "refused_cache"]

INDEX_FILE = "index.bin"
CONFIG_FILE = "config.bin"
SHARDS = 16  # records are spread over this many files: one changed project rewrites one of them
LEGACY_FILES = ("projects.bin", *(f"projects-{i:02d}.bin" for i in range(SHARDS)))  # earlier formats
RACY_SECONDS = 2.0  # files changed this close to the cache write are confirmed by content hash
RECORD_ONLY = 0  # in an entry's facts place: a record is stored, its facts are not (made without a registry)
STAT = struct.Struct("<QqqQ")  # size, mtime_ns, ctime_ns, inode

# stat, content hash (racy files only), encoded facts (or RECORD_ONLY, or None: no project), diagnostics
Entry = tuple[bytes, bytes | None, Any, tuple[tuple[Any, ...], ...]]


def packed_stat(stat: Any) -> bytes:
    return STAT.pack(stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def shard_name(index: int) -> str:
    return f"records-{index:02d}.bin"


def shard_of(rel: str) -> int:
    return zlib.crc32(rel.encode("utf-8")) % SHARDS


class ProjectCache:
    def __init__(
        self, root: Path, key: str, enabled: bool, folder: Path | None = None, index: Any = None
    ) -> None:
        self.root = root
        self.key = key
        self.enabled = enabled
        self.folder = folder  # where the index was read from
        rels, stats, hashes, facts, diagnostics, cross, order = index or ([], [], [], [], [], (), [])
        self._rels: list[str] = rels
        self._stats: list[bytes] = stats
        self._hashes: list[bytes | None] = hashes
        self._facts: list[Any] = facts
        self._diagnostics: list[tuple[tuple[Any, ...], ...]] = diagnostics
        self._cross: tuple[tuple[Any, ...], ...] = cross
        self._order: list[int] = order  # positions of the entries with facts, sorted by (id, path)
        self._at: dict[str, int] | None = None  # rel → position, built on the first lookup
        # the last scan ``unchanged`` saw, and its packed stats
        self._scanned: tuple[Sequence[ProjectFile], list[bytes]] = ((), [])
        self._new: dict[str, Entry] = {}  # this run's entries: kept (cache hits) or put
        self._new_records: dict[str, Any] = {}  # encoded records of files put this run (None: no project)
        self._records: dict[int, dict[str, tuple[bytes, Any]]] = {}  # shard → rel → (stat, record)
        self._repairs: set[int] = set()  # shards holding records rebuilt by parsing the file again
        self._lost: set[str] = set()  # entries whose records were not at hand when their shard was written
        self._decode = records.decoder(records.Project)
        self._decode_facts = records.decoder(records.ProjectFacts)

    @classmethod
    def open(cls, root: Path, *, enabled: bool = True) -> ProjectCache:
        if not enabled:
            return cls(root, "", False)
        key = cache_key(root)
        for folder in cache_dirs(root):
            index = read_blob(folder / INDEX_FILE, key)
            if isinstance(index, tuple) and len(index) == 7:
                return cls(root, key, True, folder, index)
        return cls(root, key, True)

    # -- the read: columns compared with the scan ------------------------------------------

    def unchanged(self, files: Sequence[ProjectFile]) -> bool:
        """Whether the scan found exactly the files of the index, each as it was cached (the warm
        case: two list comparisons, and a content hash for files changed just before the write)."""
        if not self.enabled or len(files) != len(self._rels) or RECORD_ONLY in self._facts:
            return False
        if [rel for _, rel, _ in files] != self._rels:
            return False
        try:
            self._scanned = (files, [packed_stat(stat) for _, _, stat in files])  # ``lookup`` uses them too
        except (AttributeError, struct.error):  # a file whose stat failed, an odd value
            return False
        if self._scanned[1] != self._stats:
            return False
        return all(
            stored is None or file_hash(files[i][0]) == stored for i, stored in enumerate(self._hashes)
        )

    def lookup(self, files: Sequence[ProjectFile], with_facts: bool = True) -> list[int | None]:
        """For each scanned file, its position in the index when it is cached as it is now (and,
        ``with_facts``, with its facts: an entry made without a registry has none)."""
        if not self.enabled:
            return [None] * len(files)
        if self._at is None:
            self._at = {rel: i for i, rel in enumerate(self._rels)}
        scanned = self._scanned[1] if self._scanned[0] is files else [None] * len(files)
        positions: list[int | None] = []
        for (path, rel, stat), packed in zip(files, scanned, strict=True):
            position = self._at.get(rel)
            if position is not None:
                try:
                    fresh = stat is not None and (packed or packed_stat(stat)) == self._stats[position]
                except struct.error:
                    fresh = False
                stored_hash = self._hashes[position]
                if (
                    not fresh
                    or (with_facts and self._facts[position] == RECORD_ONLY)
                    or (stored_hash is not None and file_hash(path) != stored_hash)
                ):
                    position = None
            positions.append(position)
        return positions

    def sorted_facts(self) -> list[records.ProjectFacts]:
        """After ``unchanged``: every file's facts, sorted by (id, path) as the index stores them."""
        decode = self._decode_facts
        return [decode(self._facts[i]) for i in self._order]

    def facts_at(self, position: int) -> records.ProjectFacts | None:
        encoded = self._facts[position]
        return None if encoded is None else self._decode_facts(encoded)

    def diagnostics_at(self, position: int) -> list[Diagnostic]:
        return [Diagnostic.from_cache(d) for d in self._diagnostics[position]]

    def cross(self) -> list[Diagnostic]:
        """After ``unchanged``: the cross-file rules' results, as they were over these same files."""
        return [Diagnostic.from_cache(d) for d in self._cross]

    def keep(self, position: int) -> None:
        """Keep the entry at ``position`` in the index written next (a file found unchanged)."""
        rel = self._rels[position]
        self._new[rel] = (
            self._stats[position],
            self._hashes[position],
            self._facts[position],
            self._diagnostics[position],
        )

    def lean(self, result: FileResult) -> FileResult | None:
        """``result`` (just parsed and ``put``) holding its record encoded, as the cache stores it,
        rebuilt on first use: interned strings and day numbers instead of a record's own objects,
        so a cold run over a large ledger does not hold every record (``bzf status`` needs none).
        ``None`` when the cache did not take it (it could not be read, or stat failed)."""
        encoded = self._new_records.get(result.path)
        if encoded is None or not result.has_project:
            return None
        return FileResult(
            result.path, None, result.diagnostics, facts=result.facts, load=lambda: self._decode(encoded)
        )

    # -- file by file --------------------------------------------------------------------

    def get(
        self, rel: str, stat: os.stat_result | None, path: str | Path, reread: Callable[[], Any] | None = None
    ) -> FileResult | None:
        """The cached result of one file if it is unchanged since it was cached (``stat`` is fresh),
        as ``lookup`` decides; its record is rebuilt on first use (``reread`` should that fail)."""
        (position,) = self.lookup([(str(path), rel, stat)], with_facts=False)
        return None if position is None else self.result_at(position, reread)

    def result_at(self, position: int, reread: Callable[[], Any] | None) -> FileResult | None:
        """The ``FileResult`` of the file at ``position``, kept for the next index; its record is
        rebuilt on first use (``reread`` parses the file again should that fail)."""
        rel, stat, facts = self._rels[position], self._stats[position], self._facts[position]
        diagnostics = self._diagnostics[position]
        try:
            result = FileResult(
                rel,
                None,
                [Diagnostic.from_cache(d) for d in diagnostics],
                facts=None if facts is None or facts == RECORD_ONLY else self._decode_facts(facts),
                load=None if facts is None else lambda: self._record(rel, stat, reread),
            )
        except Exception:  # an entry that does not fit is simply read again
            return None
        self.keep(position)
        return result

    def _record(self, rel: str, stat: bytes, reread: Callable[[], Any] | None) -> Any:
        """The full record of cached ``rel``, rebuilt; parsed again (``reread``) when its shard does
        not hold it as of ``stat`` (a crash between writing the shard and the index, damage)."""
        stored = self._shard_records(shard_of(rel)).get(rel)
        try:
            if stored is not None and stored[0] == stat:
                return self._decode(stored[1])
        except Exception:  # an entry that does not fit (never expected: the key covers bzf's code)
            pass
        if reread is None:
            raise LookupError(rel)
        project = reread()
        if project is not None:  # the shard is repaired with it (``records_rebuilt``)
            with contextlib.suppress(ValueError):
                index = shard_of(rel)
                self._shard_records(index)[rel] = (stat, records.encode(project))
                self._repairs.add(index)
        return project

    def records_rebuilt(self) -> None:
        """Every record has been rebuilt (``Ledger.projects``): rewrite the shards that lacked some
        (a damaged or missing shard, parsed again), then let the encoded records go."""
        if self.folder is not None:
            for index in sorted(self._repairs):
                with contextlib.suppress(ValueError):
                    write_atomic(self.folder, shard_name(index), blob(self.key, self._records[index]))
        self._repairs.clear()
        self._records.clear()  # the index was written before (``save``): nothing needs them now

    def _shard_records(self, index: int) -> dict[str, tuple[bytes, Any]]:
        found = self._records.get(index)
        if found is None:
            stored = None if self.folder is None else read_blob(self.folder / shard_name(index), self.key)
            found = self._records[index] = stored if isinstance(stored, dict) else {}
        return found

    def put(self, rel: str, stat: os.stat_result | None, result: FileResult, content: bytes | None) -> None:
        """Remember ``result`` for ``rel``; ``stat`` was taken before ``content`` was read."""
        if not self.enabled or stat is None or content is None:
            return  # a file that could not be read is read again next time
        newest = max(stat.st_mtime_ns, stat.st_ctime_ns) / 1e9
        racy = time.time() - newest < RACY_SECONDS
        project = result.project  # a record, or (a cold load) the validated model itself
        facts = None if result.facts is None else records.encode(result.facts)
        try:
            key = packed_stat(stat)
        except struct.error:
            return
        self._new[rel] = (
            key,
            content_hash(content) if racy else None,
            RECORD_ONLY if facts is None and project is not None else facts,
            tuple(d.to_cache() for d in result.diagnostics),
        )
        self._new_records[rel] = None if project is None else records.encode_any(records.Project, project)

    def save(self, files: Sequence[ProjectFile], cross: Sequence[Diagnostic] = ()) -> None:
        """Write the shards whose records changed, then the index of ``files`` (scan order) with
        ``cross``, the cross-file rules' results over exactly these files. Atomic, file by file;
        a shard's file is made just before it is written, so one is held at a time."""
        if not self.enabled:
            return
        rels = [rel for _, rel, _ in files if rel in self._new]
        by_shard: dict[int, list[str]] = {}
        for rel in rels:
            by_shard.setdefault(shard_of(rel), []).append(rel)
        dirty = {shard_of(rel) for rel in self._new_records} | {
            shard_of(rel) for rel in set(self._rels) - set(rels)
        }
        for folder in cache_dirs(self.root):
            # a folder the index was not read from needs every shard, not just the changed ones
            shards = dirty if folder == self.folder else set(range(SHARDS))
            try:
                written = all(
                    write_atomic(folder, shard_name(i), self._shard_blob(i, by_shard.get(i, [])))
                    for i in sorted(shards)
                )
                kept = [rel for rel in rels if rel not in self._lost]
                if written and write_atomic(folder, INDEX_FILE, blob(self.key, self._index(kept, cross))):
                    for legacy in LEGACY_FILES:
                        with contextlib.suppress(OSError):
                            (folder / legacy).unlink(missing_ok=True)
                    return
            except ValueError:  # a value marshal cannot store: stay correct, stay uncached
                return

    def _shard_blob(self, index: int, rels: list[str]) -> bytes:
        """Shard ``index``'s file (``rels``: its files, in scan order). An entry whose record is not
        at hand (its shard was damaged) is left out of the index too: that file is parsed again."""
        old = self._shard_records(index) if any(rel not in self._new_records for rel in rels) else {}
        stored: dict[str, tuple[bytes, Any]] = {}
        for rel in rels:
            entry = self._new[rel]
            if rel in self._new_records:
                record = self._new_records[rel]
            else:
                found = old.get(rel)
                record = found[1] if found is not None and found[0] == entry[0] else None
            if record is not None:
                stored[rel] = (entry[0], record)
            elif entry[2] is not None:
                self._lost.add(rel)
        return blob(self.key, stored)

    def _index(self, rels: list[str], cross: Sequence[Diagnostic]) -> tuple[Any, ...]:
        entries = [self._new[rel] for rel in rels]
        facts = [entry[2] for entry in entries]
        with_facts = [i for i, encoded in enumerate(facts) if encoded is not None and encoded != RECORD_ONLY]
        fields = records.ProjectFacts._fields
        id_at, path_at = fields.index("id"), fields.index("path")
        order = sorted(with_facts, key=lambda i: (facts[i][id_at], facts[i][path_at]))
        return (
            rels,
            [entry[0] for entry in entries],
            [entry[1] for entry in entries],
            facts,
            [entry[3] for entry in entries],
            tuple(d.to_cache() for d in cross),
            order,
        )

    # -- targets.yaml + criteria.yaml, validated and checked (the key covers their bytes)

    def config(self) -> tuple[records.Targets, records.Criteria, list[Diagnostic]] | None:
        if not self.enabled:
            return None
        for folder in cache_dirs(self.root):
            stored = read_blob(folder / CONFIG_FILE, self.key)
            if not isinstance(stored, dict):
                continue
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
            data = blob(self.key, stored)
        except ValueError:
            return
        for folder in cache_dirs(self.root):
            if write_atomic(folder, CONFIG_FILE, data):
                return
