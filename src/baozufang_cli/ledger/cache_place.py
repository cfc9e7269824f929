"""Where bzf's cache lives, what it is keyed by, and how its files are written and checked.

The cache lives in ``<ledger>/.bzf-cache/`` (git-ignored), or in the user cache directory
when the ledger's own folder is refused or not writable; ``BZF_CACHE_DIR`` chooses another
folder. Every file is ``MAGIC``, a checksum and a length, then one ``marshal`` payload
whose first item is the key: a file written under another key, damaged, truncated or of an
older format is simply not there.
"""

from __future__ import annotations

import marshal
import os
import struct
import sys
import zlib
from pathlib import Path
from typing import Any

from baozufang_cli import __version__
from baozufang_cli.facts import records
from baozufang_cli.files import read_regular
from baozufang_cli.ledger.diagnostics import Diagnostic

try:  # what hashlib.blake2b is; importing hashlib also starts OpenSSL (~5 ms of every warm run)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter without the built-in module
    from hashlib import blake2b

CACHE_DIR = ".bzf-cache"
FORMAT = 6
MAGIC = b"BZFCACHE6\n"
HEADER = struct.Struct("<IQ")  # crc32 and length of the payload that follows
MARSHAL_VERSION = 4


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
    digest = blake2b(
        f"{FORMAT}|{__version__}|{sys.version_info[:2]}|{_pydantic_fingerprint()}|".encode()
        + _code_fingerprint().encode()
        + records.fingerprint().encode(),
        digest_size=32,
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
    ledger_id = blake2b(str(root.resolve()).encode(), digest_size=8).hexdigest()
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


def blob(key: str, payload: Any) -> bytes:
    data = marshal.dumps((key, payload), MARSHAL_VERSION)
    return MAGIC + HEADER.pack(zlib.crc32(data), len(data)) + data


def read_blob(path: Path, key: str) -> Any:
    """The payload ``blob`` stored in ``path`` under ``key``, or ``None`` (missing, damaged, truncated,
    another key or format: never unmarshal bytes that are not exactly what bzf wrote)."""
    try:
        data = read_regular(path)  # a pipe planted in the cache is not waited on
    except OSError:
        return None
    head = len(MAGIC) + HEADER.size
    if len(data) < head or not data.startswith(MAGIC):
        return None
    checksum, length = HEADER.unpack_from(data, len(MAGIC))
    payload = memoryview(data)[head:]
    if len(payload) != length or zlib.crc32(payload) != checksum:
        return None
    try:
        stored_key, stored = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None
    return stored if stored_key == key else None


def content_hash(content: bytes) -> bytes:
    return blake2b(content, digest_size=16).digest()


def file_hash(path: str | Path) -> bytes | None:
    try:
        return content_hash(read_regular(path))  # a pipe planted in the cache is not waited on
    except OSError:
        return None


def write_atomic(folder: Path, name: str, data: bytes) -> bool:
    from baozufang_cli.files import atomic_write

    try:
        folder.mkdir(parents=True, exist_ok=True)
        inside = folder.parent if folder.name == CACHE_DIR else folder  # the ledger, or the cache dir
        if folder.name == CACHE_DIR and not (folder / ".gitignore").exists():
            atomic_write(folder / ".gitignore", b"*\n", new=True, inside=inside)
        atomic_write(folder / name, data, inside=inside)
        return True
    except OSError:
        return False
