"""Every file bzf writes goes through here: atomic replacement, and one writer at a time.

**Atomic writes.** ``atomic_write``: temp file in the same folder → write → flush → fsync →
``os.replace`` (or a hard link for a file that must not exist yet) → fsync the folder. Readers
see the old file or the new one, never half; on any exception the temp file is removed and the
original is untouched. A test greps the package for writes that bypass this module.

**One writer at a time** between "is the file still as I read it?" and the rename.
``Document.save`` refuses a file that changed since it was read; without a lock two bzf
processes could both pass that check and both rename, and the first edit would be lost
although both reported success (measured: 7 concurrent ``bzf set`` on one file, 2–3
reported success and only 1 edit survived). ``exclusive`` holds an advisory ``flock`` on
the file being replaced, from the check to the rename: a second writer waits, then finds
the file changed and is refused. The lock is on the inode it opened: once the file has been
replaced, a writer that opens the new one also checks against it, so every path serialises.
Editors do not take the lock; for them the byte-for-byte check is what remains.

**Reading without surprises.** ``read_regular`` is how a file in a ledger is read: a named
pipe, socket or device under a ledger's name is refused, never opened for a blocking read
(which would wait for ever), and a file is read no further than a size limit. The check is
made on the opened descriptor (``O_NONBLOCK`` + ``fstat``), so a file swapped for a pipe
between a ``stat`` and the ``open`` is refused too.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

MAX_LEDGER_FILE_BYTES = 2 * 1024 * 1024  # a ledger file is a few KB; refuse to read megabytes


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``path`` (a regular file) while the block runs."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no flock; the content check still refuses
        yield
        return
    try:
        descriptor = os.open(path, READ_FLAGS)  # a pipe swapped in: not waited on
    except OSError:  # gone or unreadable: the change check that follows says so
        yield
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


# ------------------------------------------------------------------ guarded reads

READ_FLAGS = (
    os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
)
_KINDS = (
    (stat.S_ISFIFO, "命名管道"),
    (stat.S_ISSOCK, "套接字"),
    (stat.S_ISCHR, "字符设备"),
    (stat.S_ISBLK, "块设备"),
)


class NotRegular(OSError):
    """A path that is a named pipe, socket or device (``strerror`` names which), not a file."""


class TooLarge(OSError):
    """A file past the size limit of ``read_regular``; ``size`` is its size in bytes (at least)."""

    def __init__(self, size: int, path: str) -> None:
        super().__init__(errno.EFBIG, "文件过大", path)
        self.size = size


def special_kind(mode: int) -> str:
    """What a non-regular, non-folder file is, in Chinese (命名管道, 套接字, …)."""
    return next((name for test, name in _KINDS if test(mode)), "特殊文件")


def refuse_special(mode: int, path: Path | str) -> None:
    """Raise ``IsADirectoryError`` or ``NotRegular`` unless ``mode`` is a regular file's."""
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "这是一个文件夹", str(path))
    raise NotRegular(errno.EINVAL, special_kind(mode), str(path))


def read_regular(path: Path | str, limit: int | None = None) -> bytes:
    """The bytes of a regular file; ``NotRegular``/``IsADirectoryError``/``TooLarge`` otherwise.

    Opened with ``O_NONBLOCK`` so that a named pipe does not block the open, then checked with
    ``fstat`` on the descriptor itself: no window between the check and the read."""
    descriptor = os.open(path, READ_FLAGS)
    try:
        status = os.fstat(descriptor)
        refuse_special(status.st_mode, path)
        if limit is not None and status.st_size > limit:
            raise TooLarge(status.st_size, str(path))
        with open(descriptor, "rb", closefd=False) as handle:  # builtin open: tests fake os.fdopen for writes
            raw = handle.read() if limit is None else handle.read(limit + 1)
    finally:
        os.close(descriptor)
    if limit is not None and len(raw) > limit:  # it grew after the fstat
        raise TooLarge(len(raw), str(path))
    return raw


# ------------------------------------------------------------------ atomic writes


class Outside(OSError):
    """A write that would land outside the folder it belongs in (through a symbolic link)."""


def is_inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` (which need not exist) stays inside ``folder`` once links are followed."""
    real = os.path.realpath(folder)
    target = os.path.realpath(path)
    return target == real or target.startswith(real.rstrip(os.sep) + os.sep)


def refuse_outside(path: Path, inside: Path) -> None:
    """``Outside`` when ``path`` or a folder on the way to it is a link leaving ``inside``,
    or ``path`` itself is a symbolic link (a write replaces a file, it never follows a link)."""
    if path.is_symlink():
        raise Outside(errno.ELOOP, "是符号链接", str(path))
    if not is_inside(path.parent, inside):
        raise Outside(errno.EXDEV, f"经符号链接指向 {inside} 之外", str(path))


def atomic_write(path: Path, raw: bytes, *, new: bool = False, inside: Path | None = None) -> None:
    """Replace ``path`` with ``raw`` all at once: readers see the old file or the new one, never half.

    ``inside``: the folder the file belongs in (the ledger, the cache): a path that a symbolic
    link would take out of it, or that is itself a link, is refused with ``Outside`` (an
    ``OSError``) before anything is written.
    """
    if inside is not None:
        refuse_outside(path, inside)
    import tempfile  # only when writing: a report that reads does not import it

    descriptor, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, _mode_for(path, new))
        if new:
            _create(temp, path)
        else:
            os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _fsync_folder(path.parent)


def _create(temp: Path, path: Path) -> None:
    """Move ``temp`` to a ``path`` that must not exist (``FileExistsError`` otherwise)."""
    try:
        os.link(temp, path)  # atomic and never overwrites
    except FileExistsError:
        raise
    except OSError:  # no hard links on this file system (FAT, some network shares)
        if path.exists():
            raise FileExistsError(str(path)) from None
        os.replace(temp, path)
        return
    temp.unlink()


def _mode_for(path: Path, new: bool) -> int:
    if not new:
        with contextlib.suppress(OSError):
            return stat.S_IMODE(path.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
    # the rename itself is durable only once the folder entry is flushed (POSIX; no-op elsewhere)
    with contextlib.suppress(OSError, AttributeError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


# ------------------------------------------------------------------ output files the user names (-o)

_REASONS = {
    errno.ENOENT: "文件夹不存在",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "所在磁盘是只读的",
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额",
    errno.EISDIR: "这是一个文件夹",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EFBIG: "文件太大",
    errno.ELOOP: "路径是符号链接",
    errno.EEXIST: "文件已存在",
    errno.EXDEV: "路径经符号链接指向台账之外",
}


def os_reason(error: OSError) -> str:
    """A Chinese reason for a failed file operation (falls back to the system's own words)."""
    if isinstance(error, Outside):
        return error.strerror or "路径指向台账之外"
    return _REASONS.get(error.errno or 0) or error.strerror or str(error)


LEDGER_SUFFIXES = (".yaml", ".yml")


def ledger_file(path: Path) -> str | None:
    """What ledger file ``path`` is (through links), in Chinese: targets.yaml, criteria.yaml or a
    YAML file under ``projects/`` or ``assessments/`` of a folder holding targets.yaml or
    criteria.yaml; None for anything else, or a path that does not exist yet."""
    try:
        if not path.is_file():
            return None
        real = path.resolve()
    except (OSError, RuntimeError):
        return None
    if real.suffix.lower() not in LEDGER_SUFFIXES:
        return None
    for folder in real.parents:
        if not ((folder / "targets.yaml").is_file() or (folder / "criteria.yaml").is_file()):
            continue
        inside = real.relative_to(folder).parts
        if len(inside) == 1 and inside[0] in ("targets.yaml", "criteria.yaml"):
            return f"配置文件 {inside[0]}"
        if inside[0] == "projects":
            return "项目文件"
        if inside[0] == "assessments":
            return "自评文件"
    return None


def write_output(path: Path, raw: bytes) -> None:
    """Write a file the user asked for (``-o``): atomically, the old file intact on any failure.

    A path that cannot be a file (a folder, a missing folder) is a usage error (exit 2); a write
    that fails (permission, read-only or full disk) is ``WriteRefused`` (exit 3). One Chinese line
    naming the path either way.
    """
    from baozufang_cli.errors import UsageError, WriteRefused

    if path.is_dir():
        raise UsageError(f"无法写入 {path}：这是一个文件夹", "请指定文件名")
    kept = ledger_file(path)
    if kept is not None:  # `bzf status -o projects/南明/N-1.yaml` replaced a project with a CSV, exit 0
        raise UsageError(f"无法写入 {path}：这是台账的{kept}，-o 不会覆盖台账文件", "请换一个输出路径")
    parent = path.parent
    if not parent.is_dir():
        reason = "不是文件夹" if parent.exists() else "不存在"
        raise UsageError(f"无法写入 {path}：文件夹 {parent} {reason}", "请先建立文件夹，或换一个路径")
    try:
        atomic_write(path, raw)
    except OSError as error:
        raise WriteRefused(f"无法写入 {path}：{os_reason(error)}", "原有文件未改变") from None
