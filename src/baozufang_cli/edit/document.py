"""Round-trip edits of ledger files that keep every comment and never corrupt a file.

The API every writer uses (``bzf set``/``problem``/``fmt``/``new`` and the Excel import)::

    doc = Document.read(path, rel)     # parse; remember the bytes, size and mtime that were read
    set_value(doc.data, registry, "operations.leased_units", 640)   # project_edits: by path, typed
    doc.data["units"] = 820            # or directly: a ruamel CommentedMap; ``datetime.date`` for dates
    doc.save(registry)                 # validate → refuse if changed on disk → atomic write

    write_new_file(path, rel, project_text(values), registry)   # a new file (formatting.project_text)

``EditRefused`` (exit code 3) says why nothing was written: ``reason`` is one of
``unreadable``, ``invalid``, ``changed`` (on disk since read) or ``exists`` (new file).

* **Minimal diffs.** ruamel.yaml re-emits a whole file; ``render`` splices only the lines the
  edit changed into the original text, so ``~``, empty values, quoting, hand alignment and
  CRLF/BOM elsewhere in the file stay byte-identical and ``git diff`` shows the edit alone.
  The spliced text is parsed again and must mean exactly the edited data, else the plain
  dump is used.
* **Validation.** The text about to be written goes through the loader's own path (parse,
  models, ``check_project``). An edit may not add an error; errors already in the file do not
  block an edit that fixes something else. Refusals are ``EditRefused`` (exit code 3).
* **Concurrency.** ``save`` refuses when the file's bytes, size or mtime differ from what was read;
  a lock (``filelock.py``) keeps two bzf processes from both passing that check.
* **Atomic writes.** Temp file in the same folder → flush → fsync → ``os.replace``; on any
  exception the temp file is removed and the original is untouched.

The YAML text layer (ruamel set-up, layouts, encodings, splicing) is ``roundtrip.py``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from baozufang_cli import files
from baozufang_cli.edit.canonical import key_lines, reproduces
from baozufang_cli.edit.roundtrip import dump, encode, round_trip, same_data, splice, split_text
from baozufang_cli.errors import WriteRefused
from baozufang_cli.files import READ_FLAGS, exclusive, read_regular
from baozufang_cli.ledger import yamlread
from baozufang_cli.ledger.diagnostics import Diagnostic

if TYPE_CHECKING:
    from baozufang_cli.edit.regions import Regions
    from baozufang_cli.ledger.registry import FileResult, Registry


class EditRefused(WriteRefused):
    """An edit that was not written (exit code 3). ``diagnostics`` locate the reason."""

    UNREADABLE = "unreadable"  # the file could not be read or parsed: nothing was changed
    INVALID = "invalid"  # the edited result would add an error
    CHANGED = "changed"  # the file changed on disk after it was read
    EXISTS = "exists"  # a new file would overwrite one

    def __init__(
        self, message: str, hint: str = "", diagnostics: list[Diagnostic] | None = None, reason: str = INVALID
    ) -> None:
        super().__init__(message, hint, diagnostics or [])
        self.reason = reason


# ------------------------------------------------------------------ parsing


def read_plain(text: str, rel: str) -> Any:
    """The read path's parse of ``text`` (aliases, tags, duplicate keys refused, as in bzf check)."""
    try:
        return yamlread.load(text)
    except yamlread.YamlProblem as problem:
        diagnostic = Diagnostic(
            rel, problem.code, problem.message, line=problem.line, col=problem.col, hint=problem.hint
        )
        raise EditRefused(
            f"{rel} 无法解析，未修改",
            "先修正文件（运行 bzf check 查看）",
            [diagnostic],
            EditRefused.UNREADABLE,
        ) from None


def parse(text: str, rel: str) -> Any:
    """Round-trip parse; a file that does not parse is refused with the loader's located reason."""
    read_plain(text, rel)
    return parse_round_trip(text, rel)


def parse_round_trip(text: str, rel: str) -> Any:
    """ruamel's parse of a text the read path accepted (``read_plain``)."""
    from ruamel.yaml.error import YAMLError

    try:
        return round_trip().load(text)
    except (YAMLError, ValueError) as error:  # e.g. an impossible date that libyaml left as text
        # the read path locates what ruamel could not read (bad-date …): show that, in Chinese
        located = [d for d in validate_text(text, rel, None).diagnostics if d.is_error]
        raise EditRefused(
            f"{rel} 无法解析，未修改" + ("" if located else f"：{error}"),
            "先修正文件（运行 bzf check 查看）",
            located,
            reason=EditRefused.UNREADABLE,
        ) from None


# ------------------------------------------------------------------ validation


_UNSET: Any = object()
_UNREADABLE: Any = object()


def validate_text(text: str, rel: str, registry: Registry | None, data: Any = _UNSET) -> FileResult:
    """The loader's checks on a project file's text, with diagnostics located in that text
    (``data``: the read path's parse of ``text`` when the caller already has it)."""
    from baozufang_cli.ledger.load import check_project_data
    from baozufang_cli.ledger.registry import FileResult

    try:
        if data is _UNSET:
            data = yamlread.load(text)
    except yamlread.YamlProblem as problem:
        diagnostic = Diagnostic(
            rel, problem.code, problem.message, line=problem.line, col=problem.col, hint=problem.hint
        )
        return FileResult(rel, None, [diagnostic])
    if not isinstance(data, dict):
        return FileResult(rel, None, [Diagnostic(rel, "not-a-mapping", "文件内容应为键值对", line=1, col=1)])
    return check_project_data(data, text, rel, registry)


def _error_keys(result: FileResult) -> set[tuple[str, tuple[str | int, ...]]]:
    return {(d.code, d.loc) for d in result.diagnostics if d.is_error}


def refuse_new_errors(before: FileResult | None, after: FileResult) -> None:
    """Raise ``EditRefused`` when ``after`` has an error that ``before`` did not have."""
    known = _error_keys(before) if before is not None else set()
    new = [d for d in after.diagnostics if d.is_error and (d.code, d.loc) not in known]
    if new:
        raise EditRefused(f"修改后 {after.path} 将无效，未写入", "原文件保持不变", new)


# ------------------------------------------------------------------ the document


class Document:
    """One YAML file opened for editing. ``data`` is the round-trip tree to change in place."""

    def __init__(
        self,
        path: Path,
        rel: str,
        raw: bytes,
        stamp: tuple[int, int],
        fix_encoding: bool = False,
        *,
        parse: bool = True,
    ) -> None:
        self.path = path
        self.rel = rel
        self.root: Path | None = None  # the ledger folder: a save never writes outside it
        self._raw = raw
        self._stamp = stamp
        try:
            self.text, self.layout, self.reencoded = split_text(raw, fix_encoding)
        except yamlread.YamlProblem as problem:
            diagnostic = Diagnostic(
                rel, problem.code, problem.message, line=problem.line, col=problem.col, hint=problem.hint
            )
            raise EditRefused(
                f"{rel} 无法读取，未修改", problem.hint, [diagnostic], EditRefused.UNREADABLE
            ) from None
        self.plain: Any = read_plain(self.text, rel)  # the read path's data of ``text``
        if not isinstance(self.plain, dict):  # every ledger file is a mapping; an empty one too is refused
            diagnostic = Diagnostic(rel, "not-a-mapping", "文件内容应为键值对", line=1, col=1)
            raise EditRefused(f"{rel} 不是键值对，未修改", "先修正文件", [diagnostic], EditRefused.UNREADABLE)
        self._data: Any = None
        # ruamel's dump of the unchanged tree, for splicing (set with ``_data``; None: not taken)
        self._base: str | None = ""
        self._regions: Regions | None = None  # a reproduced file's parts, to dump only changed ones
        self._read_back: tuple[str, Any] | None = None  # the last text checked, and its parse
        if parse:  # else the round-trip parse waits for the first use of ``data`` (bzf fmt)
            self.data  # noqa: B018 - parse now: a file ruamel cannot read is refused here

    @property
    def data(self) -> Any:
        """The round-trip tree (ruamel.yaml), parsed on first use."""
        if self._data is None:
            self._data = parse_round_trip(self.text, self.rel)
            self._base = self._unchanged_dump()
        return self._data

    def tree_to_rewrite(self) -> Any:
        """The round-trip tree for a caller that writes the whole text itself (bzf fmt), parsed
        without the unchanged dump ``render`` splices against (a whole-file dump less)."""
        if self._data is None:
            self._data = parse_round_trip(self.text, self.rel)
            self._base = None  # ``render`` dumps the whole tree
        return self._data

    def reproduces(self) -> bool:
        """ruamel would write this file back as it is, in its own layout (proved without ruamel)."""
        layout = self.layout
        return layout.mapping == 2 and layout.offset == 2 and reproduces(self.text, self.plain)

    def _unchanged_dump(self, regions: bool = True) -> str:
        # a file in the canonical layout is its own dump: a 10,000-problem file saves a ~8 s dump
        from baozufang_cli.edit.regions import Regions

        layout = self.layout
        spans = key_lines(self.text, self.plain) if layout.mapping == 2 and layout.offset == 2 else None
        self._regions = None
        if spans is None:
            return dump(self._data, self.layout)
        if regions:
            self._regions = Regions.of(self._data, spans)
        return self.text

    def _rewritten(self) -> str | None:
        """The edit written by dumping only the parts it changed (``regions.rewrite``), if that
        gives a text ruamel would keep as it is; ``None``: dump the whole tree."""
        from baozufang_cli.edit.regions import rewrite

        if self._regions is None:
            return None
        text = rewrite(self._regions, self.data, self.text, self.layout)
        if text is None or text == self.text:
            return text
        loaded = self._loaded(text)
        return text if loaded is not _UNREADABLE and reproduces(text, loaded) else None

    def _loaded(self, text: str) -> Any:
        """The read path's parse of ``text`` (``_UNREADABLE`` if it does not parse), kept for reuse:
        the check that a text means the edit and its validation read the same text once."""
        if self._read_back is None or self._read_back[0] != text:
            try:
                self._read_back = (text, yamlread.load(text))
            except yamlread.YamlProblem:
                self._read_back = (text, _UNREADABLE)
        return self._read_back[1]

    def _means(self, text: str) -> bool:
        loaded = self._loaded(text)
        return loaded is not _UNREADABLE and same_data(loaded, self.data)

    @classmethod
    def read(
        cls, path: Path, rel: str | None = None, *, fix_encoding: bool = False, parse: bool = True
    ) -> Document:
        """Open ``path`` for editing (``fix_encoding``: accept UTF-16/GB18030, to be saved as UTF-8;
        ``parse=False``: leave the round-trip parse to the first use of ``data``)."""
        from baozufang_cli.ledger.read import MAX_FILE_BYTES

        try:
            real = path.resolve()  # a symlinked project file is edited where it really lives
            # O_NONBLOCK: a named pipe is not waited on; the type is checked on the opened descriptor
            with open(
                os.open(real, READ_FLAGS), "rb"
            ) as handle:  # builtin open: a read, not files.py's writer
                status = os.fstat(handle.fileno())
                if not stat.S_ISREG(status.st_mode):
                    raise EditRefused(f"{rel or path} 不是普通文件，未修改", reason=EditRefused.UNREADABLE)
                if status.st_size > MAX_FILE_BYTES:  # what bzf check refuses to read is not edited either
                    raise EditRefused(
                        f"{rel or path} 过大（{status.st_size // 1024} KB），未修改",
                        "台账文件通常只有几 KB，请检查是否误存了其他内容",
                        reason=EditRefused.UNREADABLE,
                    )
                raw = handle.read()
        except (OSError, RuntimeError) as error:  # RuntimeError: a symlink loop, before Python 3.13
            from baozufang_cli.ledger.read import read_reason

            reason = read_reason(error) if isinstance(error, OSError) else "符号链接形成循环"
            raise EditRefused(f"无法读取 {rel or path}：{reason}", reason=EditRefused.UNREADABLE) from None
        stamp = (status.st_size, status.st_mtime_ns)
        document = cls(real, rel or path.as_posix(), raw, stamp, fix_encoding, parse=parse)
        document.root = _ledger_root(path, rel)
        return document

    def render(self) -> str:
        """The text to write: the edit spliced into the original lines (see ``splice``)."""
        rewritten = self._rewritten()
        if rewritten is not None:
            return rewritten
        edited = dump(self.data, self.layout)
        if self._base is None:  # parsed by ``tree_to_rewrite``: nothing to splice against
            return edited
        if edited == self._base:
            return self.text
        if self._base == self.text:  # nothing to keep that the dump does not write the same way
            return edited
        lines = splice(self.text.split("\n"), self._base.split("\n"), edited.split("\n"))
        text = "\n".join(lines)
        return text if self._means(text) else edited

    def changed_on_disk(self) -> bool:
        try:
            status = self.path.stat()
            if (status.st_size, status.st_mtime_ns) != self._stamp:
                return True
            return read_regular(self.path) != self._raw
        except OSError:
            return True

    def prepare(self, registry: Registry | None, *, text: str | None = None, check: bool = True) -> str:
        """The text ``save`` would write, validated; ``self.text`` when nothing changes.

        ``check`` validates as a project file (``registry`` None: the schema and per-file rules
        only); ``text`` replaces ``render()`` with a text prepared by the caller (bzf fmt).
        """
        text = self.render() if text is None else text
        if text == self.text and not self.reencoded:
            return text
        if not self._means(text):
            raise EditRefused(f"{self.rel}：写出的内容与修改不符，未写入", "这是 bzf 的缺陷，请报告")
        if check:
            after = validate_text(text, self.rel, registry, self._loaded(text))
            if any(d.is_error for d in after.diagnostics):  # which of them the file already had
                refuse_new_errors(validate_text(self.text, self.rel, registry, self.plain), after)
        return text

    def save(self, registry: Registry | None, *, text: str | None = None, check: bool = True) -> bool:
        """Validate and write atomically; False when there was nothing to change."""
        text = self.prepare(registry, text=text, check=check)
        if text == self.text and not self.reencoded:
            return False
        raw = encode(text, self.layout)
        with exclusive(self.path):  # no other bzf replaces the file between the check and the rename
            if self.changed_on_disk():
                raise EditRefused(
                    f"{self.rel} 在读取后已被修改（可能有人同时在编辑），未写入",
                    "请重新运行命令",
                    reason=EditRefused.CHANGED,
                )
            try:
                files.atomic_write(self.path, raw, inside=self.root)
            except OSError as error:
                raise EditRefused(
                    f"无法写入 {self.rel}：{files.os_reason(error)}", "原文件保持不变"
                ) from None
        status = self.path.stat()
        self._raw, self._stamp, self.text = raw, (status.st_size, status.st_mtime_ns), text
        self.plain = self._loaded(text)  # read by ``_means`` in ``prepare``
        if self.layout.endings:  # the next save keeps the line ends just written
            self.layout = split_text(raw)[1]
        self.reencoded = False
        if self._data is not None:  # else ``data`` sets it when it parses
            # a further edit of this document dumps the whole tree: no fingerprints (~0.9 s for a
            # 10,000-problem file) for the commands that save once and end
            self._base = self._unchanged_dump(regions=False)
        return True


def _ledger_root(path: Path, rel: str | None) -> Path | None:
    """The ledger folder of ``path`` named ``rel`` inside it (``None`` for a file named on its own)."""
    if not rel or Path(rel).is_absolute():  # bzf fmt FILE names a file by its own path
        return None
    depth = len(Path(rel).parts)
    if depth > len(path.parents) or not path.as_posix().endswith(rel):
        return None
    return path.parents[depth - 1]


def write_new_file(path: Path, rel: str, text: str, registry: Registry | None) -> None:
    """Write a new project file after validating it; refuses to overwrite anything, and to
    write outside the ledger (a district folder that is a link out of it)."""
    result = validate_text(text, rel, registry)
    refuse_new_errors(None, result)
    root = _ledger_root(path, rel)
    if root is not None and not files.is_inside(path.parent, root):
        raise EditRefused(f"{rel} 所在的文件夹经符号链接指向台账之外，未写入", "bzf 只在台账之内写文件")
    if path.exists() or path.is_symlink():
        raise EditRefused(
            f"{rel} 已存在，未写入", "换一个项目编号，或用 bzf set 修改已有项目", reason=EditRefused.EXISTS
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        files.atomic_write(path, text.encode("utf-8"), new=True, inside=root)
    except FileExistsError:
        raise EditRefused(
            f"{rel} 已存在，未写入", "换一个项目编号，或用 bzf set 修改已有项目", reason=EditRefused.EXISTS
        ) from None
    except OSError as error:
        raise EditRefused(f"无法写入 {rel}：{files.os_reason(error)}", "没有写入任何文件") from None
