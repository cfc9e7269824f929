"""An import is all or nothing, even when the process dies halfway (``bzf import xlsx``).

Before the first file is written, ``.bzf-import-journal.json`` in the ledger folder records
what the import is about to do: the files it will create, the folders it will make, and the
bytes of every file it will change. It is written atomically (``files.atomic_write``): it
exists whole or not at all. Then the files are written; when all are, the journal goes.

- A failure or Ctrl-C in the middle: the import rolls back at once (``roll_back``), then the
  journal goes. SIGTERM and SIGHUP (a closed terminal, ``kill``) are turned into the same
  interruption while the import writes, so they roll back too.
- A process killed outright (SIGKILL, power cut): the journal stays, and the next bzf command
  that loads the ledger (``ledger/load.load_registry``) rolls the import back before reading
  anything — the ledger is again as it was before the import, never half imported.

Rolling back only undoes the import's own writes: an updated file gets its old bytes back
only if it differs from them, a created file is removed, a created folder only if empty. A
journal naming a path outside ``projects/`` (not one bzf wrote) is not followed.
"""

from __future__ import annotations

import base64
import contextlib
import json
import signal
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from baozufang_cli.ledger.discover import JOURNAL_FILE

FORMAT = "bzf-import-journal/1"


@dataclass
class Journal:
    root: Path
    created: list[str] = field(default_factory=list)  # files, relative to root
    folders: list[str] = field(default_factory=list)  # made for them, outermost first
    originals: dict[str, bytes] = field(default_factory=dict)  # updated file → its bytes before

    @property
    def path(self) -> Path:
        return self.root / JOURNAL_FILE

    def begin(self) -> None:
        from baozufang_cli.files import atomic_write

        data = {
            "format": FORMAT,
            "note": "bzf import 未完成时的恢复记录；下次运行 bzf 时自动恢复导入前的台账，请勿编辑",
            "created": self.created,
            "folders": self.folders,
            "originals": {rel: base64.b64encode(raw).decode("ascii") for rel, raw in self.originals.items()},
        }
        atomic_write(self.path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))

    def finish(self) -> None:
        """Every write done: the import stands."""
        self.path.unlink(missing_ok=True)

    def roll_back(self) -> int:
        """Undo the import's writes; the number of files put back or removed."""
        from baozufang_cli.files import atomic_write, read_regular

        undone = 0
        for rel in self.created:
            path = self._inside(rel)
            if path is not None and (path.is_file() or path.is_symlink()):
                with contextlib.suppress(OSError):
                    path.unlink()
                    undone += 1
        for rel in reversed(self.folders):
            path = self._inside(rel)
            if path is not None:
                with contextlib.suppress(OSError):
                    path.rmdir()  # only if empty: never removes anything else
        for rel, raw in self.originals.items():
            path = self._inside(rel)
            if path is None:
                continue
            try:
                current = read_regular(path)
            except OSError:
                current = None
            if current != raw:
                atomic_write(path, raw)
                undone += 1
        self.finish()
        return undone

    def _inside(self, rel: str) -> Path | None:
        path = self.root / rel
        projects = (self.root / "projects").resolve()
        try:
            resolved = path.parent.resolve() / path.name
        except OSError:
            return None
        return path if resolved.is_relative_to(projects) and resolved != projects else None


def read_journal(root: Path) -> Journal | None:
    """The journal an interrupted import left, or None (none, or not one bzf wrote)."""
    from baozufang_cli.files import read_regular

    try:
        data: Any = json.loads(read_regular(root / JOURNAL_FILE))  # a pipe of that name is not waited on
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    created, folders, originals = data.get("created"), data.get("folders"), data.get("originals")
    if not (isinstance(created, list) and isinstance(folders, list) and isinstance(originals, dict)):
        return None
    try:
        decoded = {str(rel): base64.b64decode(raw, validate=True) for rel, raw in originals.items()}
    except (ValueError, TypeError):
        return None
    return Journal(root, [str(r) for r in created], [str(r) for r in folders], decoded)


def recover(root: Path) -> str | None:
    """Roll back an import that was killed before it finished; what was done, in Chinese, or None."""
    if not (root / JOURNAL_FILE).exists():
        return None
    journal = read_journal(root)
    if journal is None:
        return f"{JOURNAL_FILE} 无法读取，不是 bzf 写的导入记录；确认无用后可删除"
    undone = journal.roll_back()
    return f"上次的 bzf import 未完成（进程被终止），已恢复导入前的台账（{undone} 个文件）"


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """While the block runs, SIGTERM and SIGHUP interrupt it as Ctrl-C does (so it rolls back)."""
    with _signals_handled(("SIGTERM", "SIGHUP"), _interrupt):
        yield


@contextlib.contextmanager
def shielded() -> Iterator[None]:
    """While rolling back, a second Ctrl-C or SIGTERM is ignored (the journal covers a SIGKILL)."""
    with _signals_handled(("SIGINT", "SIGTERM", "SIGHUP"), signal.SIG_IGN):
        yield


@contextlib.contextmanager
def _signals_handled(names: tuple[str, ...], handler: Any) -> Iterator[None]:
    """``handler`` for the named signals while the block runs, then the previous handlers again."""
    previous: dict[int, Any] = {}
    for name in names:
        number = getattr(signal, name, None)
        if number is None:
            continue
        with contextlib.suppress(ValueError, OSError):  # not the main thread: no handlers
            previous[number] = signal.signal(number, handler)
    try:
        yield
    finally:
        for number, old in previous.items():
            with contextlib.suppress(ValueError, OSError):
                signal.signal(number, old)
