"""The built database, cached: a warm ``bzf query`` reads one file instead of loading the ledger.

The key is everything the database depends on: bzf's version and source files, Python's
version, the as-of day, and for each ``--data`` ledger (in order) its resolved path and the
size, mtime, ctime and inode of every file under it (projects, targets.yaml, criteria.yaml,
assessments, evidence — a superset of what is read, so any edit is a new key), and the commit
its git HEAD names (read from ``.git`` without running git), on which ``cities.commit`` and
``cities.last_commit_on`` depend. A warm run opens the cached file read-only, without copying it.

A database is cached only when every ledger loaded without errors (so warnings about excluded
files are never hidden) and no file changed within ``RACY_SECONDS`` of the build (a file edited
again within the clock's resolution would otherwise keep its stat). Imports stay light: this
module is on the warm path, which must not pay for pydantic or the YAML reader.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sqlite3
import sys
import time
from datetime import date
from pathlib import Path

from baozufang_cli import __version__

FORMAT = 1
RACY_SECONDS = 2.0
KEEP = 4  # cached databases kept (the newest); a different as-of day or ledger set is another file
_SKIPPED = {".git", ".bzf-cache", "__pycache__"}


class Fingerprint:
    """The stat of every file under the ledgers, hashed; ``newest`` is the latest change seen."""

    def __init__(self) -> None:
        self.digest = hashlib.blake2b(digest_size=20)
        self.newest = 0.0

    def add_tree(self, root: Path) -> None:
        # one stat per file is the floor (the ledger loader pays it too); the tuples are hashed
        # at once. Entries come in the folder's own order: a reordering only misses the cache
        files: list[tuple[str, int, int, int, int]] = []
        stack = [str(root.resolve())]
        while stack:
            folder = stack.pop()
            try:
                entries = list(os.scandir(folder))
            except OSError:
                files.append((folder, -1, -1, -1, -1))
                continue
            for entry in entries:
                if entry.name in _SKIPPED:
                    continue
                try:
                    if entry.is_dir():
                        stack.append(entry.path)
                        continue
                    st = entry.stat()
                except OSError:
                    continue
                files.append((entry.path, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
        self.digest.update(marshal.dumps(files))
        if files:
            self.newest = max(self.newest, max(max(f[2], f[3]) for f in files) / 1e9)

    def add_code(self) -> None:
        """bzf's own source files: a changed bzf must not reuse an old database."""
        package = Path(__file__).resolve().parent.parent
        for folder, dirnames, filenames in os.walk(package):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(filenames):
                if name.endswith(".py"):
                    st = os.stat(os.path.join(folder, name))
                    self.digest.update(f"\0{folder}/{name}:{st.st_size}:{st.st_mtime_ns}".encode())

    def hexdigest(self) -> str:
        return self.digest.hexdigest()


def _text(path: Path) -> str:
    """A small file of the repository, read without waiting on a pipe planted there."""
    from baozufang_cli.files import read_regular

    return read_regular(path, 64 * 1024 * 1024).decode("utf-8")


def _git_dir(root: Path) -> Path | None:
    for folder in (root, *root.parents):
        dot = folder / ".git"
        if dot.is_dir():
            return dot
        if dot.is_file():  # a linked worktree or submodule: "gitdir: <path>"
            with contextlib.suppress(OSError, ValueError):
                text = _text(dot).strip()
                if text.startswith("gitdir:"):
                    target = Path(text[len("gitdir:") :].strip())
                    return target if target.is_absolute() else (folder / target).resolve()
            return None
    return None


def git_state(root: Path) -> str:
    """What ``cities.commit`` and ``cities.last_commit_on`` depend on, read from the repository's
    files without running git: the commit HEAD names (through its branch, loose or packed)."""
    git_dir = _git_dir(root.resolve())
    if git_dir is None:
        return "no-git"
    try:
        head = _text(git_dir / "HEAD").strip()
        if not head.startswith("ref:"):
            return f"detached:{head}"
        ref = head[4:].strip()
        common = git_dir
        if (git_dir / "commondir").is_file():
            common = (git_dir / _text(git_dir / "commondir").strip()).resolve()
        for folder in (git_dir, common):
            loose = folder / ref
            if loose.is_file():
                return f"{ref}:{_text(loose).strip()}"
        packed = common / "packed-refs"
        if packed.is_file():
            for line in _text(packed).splitlines():
                if line.endswith(" " + ref):
                    return f"{ref}:{line.split()[0]}"
        return f"{ref}:unborn"
    except (OSError, UnicodeDecodeError):
        return f"unreadable:{time.time_ns()}"  # never reused


def database_key(roots: list[Path], as_of: date) -> tuple[str, bool]:
    """The cache key of the database of ``roots`` as of ``as_of``, and whether it may be saved
    (no file changed too recently to trust its stat)."""
    fingerprint = Fingerprint()
    fingerprint.digest.update(f"{FORMAT}|{__version__}|{sys.version_info[:3]}|{as_of.isoformat()}".encode())
    fingerprint.add_code()
    for root in roots:
        fingerprint.add_tree(root)
        fingerprint.digest.update(f"\0git:{git_state(root)}".encode("utf-8", "surrogateescape"))
    return fingerprint.hexdigest(), fingerprint.newest < time.time() - RACY_SECONDS


def cache_folder() -> Path:
    override = os.environ.get("BZF_CACHE_DIR")
    if override:
        return Path(override) / "sql"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bzf" / "sql"


def _path(key: str) -> Path:
    return cache_folder() / f"{key}.db"


def open_cached(key: str) -> sqlite3.Connection | None:
    """The cached database opened read-only (pages are read as the query needs them), or
    ``None`` when there is none or it is not a database."""
    path = _path(key)
    try:
        from baozufang_cli.files import READ_FLAGS, refuse_special

        descriptor = os.open(path, READ_FLAGS)  # a pipe does not block the open
        try:
            refuse_special(os.fstat(descriptor).st_mode, path)  # nor is it (or a device) read
            head = os.read(descriptor, 16)
        finally:
            os.close(descriptor)
        if head != b"SQLite format 3\0":
            return None
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        conn.execute("SELECT COUNT(*) FROM meta").fetchone()
    except (OSError, sqlite3.Error):
        return None
    return conn


def save(key: str, data: bytes) -> None:
    """Store the database (atomically); a cache that cannot be written is silently skipped."""
    from baozufang_cli.files import atomic_write

    folder = cache_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(_path(key), data)
    except OSError:
        return
    with contextlib.suppress(OSError):
        old = sorted(folder.glob("*.db"), key=lambda p: p.stat().st_mtime, reverse=True)[KEEP:]
        for path in old:
            path.unlink()
