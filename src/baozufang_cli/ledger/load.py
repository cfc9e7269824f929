"""Files → models + located diagnostics. Never prints.

The read path per project file: read bytes → decode (UTF-8, BOM tolerated) → libyaml parse
with YAML 1.2 meaning → pydantic validation → reference checks and canonical names. Only a
file with problems has its node tree composed again to turn ``loc`` paths into lines.
Unchanged files come from the cache (``cache.py``), errors included.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from baozufang_cli.errors import LedgerError, UsageError
from baozufang_cli.ledger import yamlread
from baozufang_cli.ledger.checks import check_config, check_ledger, check_project, check_raw_references
from baozufang_cli.ledger.diagnostics import Diagnostic, sort_key
from baozufang_cli.ledger.registry import FileResult, Ledger, Registry
from baozufang_cli.ledger.schema_errors import schema_diagnostics
from baozufang_cli.models import Criteria, Project, Targets

TARGETS_FILE = "targets.yaml"
CRITERIA_FILE = "criteria.yaml"
PROJECTS_DIR = "projects"
PROJECT_SUFFIXES = (".yaml", ".yml")
MAX_FILE_BYTES = 2 * 1024 * 1024  # a project file is a few KB; refuse to parse megabytes

M = TypeVar("M", bound=BaseModel)
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


# ------------------------------------------------------------------ reading and decoding


def decode(raw: bytes) -> str:
    """Bytes → text. UTF-8 with or without BOM; anything else is a located ``YamlProblem``."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw[:2] in (b"\xff\xfe", b"\xfe\xff") or _looks_utf16(raw):
        raise yamlread.YamlProblem(
            "encoding",
            "文件是 UTF-16 编码，不是 UTF-8",
            1,
            1,
            hint="在编辑器中另存为 UTF-8，或运行 bzf fmt --fix-encoding",
        )
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        col = nul - (raw.rfind(b"\n", 0, nul) + 1) + 1
        raise yamlread.YamlProblem(
            "nul-byte", "文件含有空字符（NUL）", line, col, hint="文件可能已损坏，请从 git 恢复"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        try:
            raw.decode("gb18030")
        except UnicodeDecodeError:
            raise yamlread.YamlProblem(
                "encoding", "文件不是有效的 UTF-8 文本", line, 1, hint="请在编辑器中另存为 UTF-8"
            ) from None
        raise yamlread.YamlProblem(
            "encoding",
            "文件是 GBK/GB18030 编码，不是 UTF-8",
            line,
            1,
            hint="在编辑器中另存为 UTF-8，或运行 bzf fmt --fix-encoding，或 iconv -f GB18030 -t UTF-8",
        ) from None


def _looks_utf16(raw: bytes) -> bool:
    sample = raw[:200]
    return len(sample) >= 4 and sample.count(b"\x00") * 3 >= len(sample)


def read_bytes(
    path: Path | str, rel: str, stat: os.stat_result | None = None
) -> tuple[bytes | None, list[Diagnostic]]:
    """The file's bytes, or a located diagnostic. ``stat`` saves a system call when the caller has it."""
    try:
        if stat is None:
            stat = os.stat(path)
        if not S_ISREG(stat.st_mode):
            if S_ISDIR(stat.st_mode):
                raise IsADirectoryError(path)
            return None, [
                Diagnostic(rel, "read-error", "这不是普通文件", hint="项目文件须是普通的 .yaml 文件")
            ]
        if stat.st_size > MAX_FILE_BYTES:
            return None, [_too_large(rel, stat.st_size)]
        with open(path, "rb") as handle:
            return handle.read(), []
    except FileNotFoundError:
        return None, [
            Diagnostic(rel, "read-error", "读取时文件已不存在", hint="文件在读取过程中被删除或改名")
        ]
    except IsADirectoryError:
        return None, [
            Diagnostic(rel, "read-error", "这是一个文件夹，不是文件", hint="请把这个文件夹改名或移走")
        ]
    except OSError as error:
        return None, [
            Diagnostic(rel, "read-error", f"无法读取文件：{error.strerror or error}", hint="检查文件权限")
        ]


def _too_large(rel: str, size: int) -> Diagnostic:
    return Diagnostic(
        rel,
        "file-too-large",
        f"文件过大（{size // 1024} KB）",
        hint="台账文件通常只有几 KB，请检查是否误存了其他内容",
    )


def read_yaml(path: Path, rel: str) -> tuple[Any, str, list[Diagnostic]]:
    """Parse one file. Returns (data, text, diagnostics); data is None when it did not parse."""
    raw, diagnostics = read_bytes(path, rel)
    if raw is None:
        return None, "", diagnostics
    return parse_yaml_bytes(raw, rel)


def parse_yaml_bytes(raw: bytes, rel: str) -> tuple[Any, str, list[Diagnostic]]:
    """Decode and parse one file's bytes (from disk or from git). Returns (data, text, diagnostics)."""
    if len(raw) > MAX_FILE_BYTES:  # a blob from git or an import is held to the limit of a file on disk
        return None, "", [_too_large(rel, len(raw))]
    try:
        text = decode(raw)
        data = yamlread.load(text)
    except yamlread.YamlProblem as problem:
        return (
            None,
            "",
            [
                Diagnostic(
                    rel, problem.code, problem.message, line=problem.line, col=problem.col, hint=problem.hint
                )
            ],
        )
    if data is None:
        return (
            None,
            text,
            [
                Diagnostic(
                    rel, "empty-file", "文件是空的", line=1, col=1, hint="删除此文件，或按 README 的格式填写"
                )
            ],
        )
    if not isinstance(data, dict):
        kind = "列表" if isinstance(data, list) else "单个值"
        return (
            None,
            text,
            [
                Diagnostic(
                    rel,
                    "not-a-mapping",
                    f"文件内容是{kind}，应为键值对",
                    line=1,
                    col=1,
                    hint="顶层应为 id: …、name: … 这样的键值对",
                )
            ],
        )
    return data, text, []


def locate_all(diagnostics: list[Diagnostic], text: str) -> list[Diagnostic]:
    """Fill in line/column from ``loc`` for the diagnostics of one file (composes the file once)."""
    pending = [d for d in diagnostics if not d.line]
    if not pending or not text:
        return diagnostics
    try:
        root = yamlread.compose(text)
    except Exception:  # the text parsed before; a failure here must not hide the diagnostics
        return diagnostics
    located = []
    for diagnostic in diagnostics:
        if not diagnostic.line:
            loc = diagnostic.loc
            at_key = bool(loc) and loc[-1] == "@key"
            clean = loc[:-1] if at_key else loc
            position = yamlread.locate(root, clean, at_key=at_key)
            diagnostic = Diagnostic(
                diagnostic.path,
                diagnostic.code,
                diagnostic.message,
                diagnostic.severity,
                position.line,
                position.col,
                diagnostic.hint,
                clean,
            )
        located.append(diagnostic)
    return located


# ------------------------------------------------------------------ one file


def validate(data: Any, model: type[M], rel: str) -> tuple[M | None, list[Diagnostic]]:
    try:
        return model.model_validate(data), []
    except ValidationError as error:
        return None, schema_diagnostics(rel, error, model)


def load_project_file(
    path: Path | str, rel: str, registry: Registry | None, stat: os.stat_result | None = None
) -> FileResult:
    return _load_project(path, rel, registry, stat)[0]


def _load_project(
    path: Path | str, rel: str, registry: Registry | None, stat: os.stat_result | None
) -> tuple[FileResult, bytes | None]:
    """One project file → its result, and the bytes it was made from (for the cache)."""
    raw, diagnostics = read_bytes(path, rel, stat)
    if raw is None:
        return FileResult(rel, None, diagnostics), None
    return project_result(*parse_yaml_bytes(raw, rel), rel, registry), raw


def project_result(
    data: Any, text: str, diagnostics: list[Diagnostic], rel: str, registry: Registry | None
) -> FileResult:
    """A parsed project file (``read_yaml``/``parse_yaml_bytes`` output) validated and checked."""
    if data is None:
        return FileResult(rel, None, diagnostics)
    return check_project_data(data, text, rel, registry)


def check_project_data(data: dict[str, Any], text: str, rel: str, registry: Registry | None) -> FileResult:
    """Schema and per-file rules for one parsed project file (also run by the edit path)."""
    project, diagnostics = validate(data, Project, rel)
    if project is not None:
        stem = os.path.splitext(rel.rpartition("/")[2])[0]
        diagnostics = check_project(project, rel, stem, registry)
    elif registry is not None:  # report every problem: references are checked even when the schema failed
        diagnostics += check_raw_references(data, rel, registry)
    return FileResult(rel, project, locate_all(diagnostics, text))


def load_config(root: Path, name: str, model: type[M]) -> tuple[M | None, list[Diagnostic]]:
    path = root / name
    if not path.exists():  # a folder or a pipe of that name is read, and refused, as any file is
        return None, [
            Diagnostic(name, "missing-file", f"缺少 {name}", hint="用 bzf init 创建，或从示例台账复制")
        ]
    return config_result(*read_yaml(path, name), name, model)


def config_result(
    data: Any, text: str, diagnostics: list[Diagnostic], name: str, model: type[M]
) -> tuple[M | None, list[Diagnostic]]:
    if data is None:
        return None, diagnostics
    config, diagnostics = validate(data, model, name)
    return config, locate_all(diagnostics, text)


# ------------------------------------------------------------------ the folder


def is_ledger(root: Path) -> bool:
    return (
        (root / TARGETS_FILE).is_file() or (root / CRITERIA_FILE).is_file() or (root / PROJECTS_DIR).is_dir()
    )


ProjectFile = tuple[str, str, "os.stat_result | None"]  # path, path relative to the ledger, stat


def discover(root: Path) -> tuple[list[tuple[Path, str]], list[Diagnostic]]:
    """Project files under ``projects/`` at any depth, sorted; symlinks out of the ledger are not followed."""
    files, diagnostics = scan(root)
    return [(Path(path), rel) for path, rel, _ in files], diagnostics


def scan(root: Path) -> tuple[list[ProjectFile], list[Diagnostic]]:
    """``discover`` with each file's stat, taken once (the cache needs it before any read).

    Folders are walked like ``os.walk`` (each folder's files, then its sub-folders, sorted),
    with ``scandir`` entries and plain strings instead of ``Path`` objects: at 20,000 files
    the walk is a noticeable part of a warm run.
    """
    base = root / PROJECTS_DIR
    found: list[ProjectFile] = []
    diagnostics: list[Diagnostic] = []
    if not base.is_dir():
        # an empty ledger (git keeps no empty folders) is valid: warn, do not fail
        warning = Diagnostic(
            PROJECTS_DIR,
            "no-projects",
            "还没有 projects 文件夹",
            severity="warning",
            hint="项目文件放在 projects/ 下",
        )
        return found, [warning]
    _scan_folder(str(base), PROJECTS_DIR, root.resolve(), found, diagnostics)
    return found, diagnostics


def _scan_folder(
    folder: str, rel_folder: str, real_root: Path, found: list[ProjectFile], diagnostics: list[Diagnostic]
) -> None:
    try:
        with os.scandir(folder) as entries:
            listing = list(entries)
    except OSError as error:  # its projects are missing from every total: an error, not a skip
        diagnostics.append(
            Diagnostic(
                rel_folder,
                "read-error",
                f"无法读取文件夹：{error.strerror or error}",
                hint="检查文件夹权限；其中的项目未计入",
            )
        )
        return
    folders: list[tuple[str, os.DirEntry[str]]] = []
    files: list[tuple[str, os.DirEntry[str]]] = []
    for entry in listing:
        name = entry.name
        if name[0] == ".":
            continue
        if not name.isascii() and not is_utf8_name(name):
            diagnostics.append(bad_file_name(rel_folder, name))
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            folders.append((name, entry))
        elif name.endswith(PROJECT_SUFFIXES):
            files.append((name, entry))

    files.sort()  # names are unique within a folder: the entries are never compared
    for name, entry in files:
        rel = f"{rel_folder}/{name}"
        if entry.is_symlink():
            problem = _link_problem(entry.path, rel, real_root)
            if problem is not None:
                diagnostics.append(problem)
                continue
        try:
            stat: os.stat_result | None = entry.stat()
        except OSError:
            stat = None  # reading it will say why
        found.append((entry.path, rel, stat))

    folders.sort()
    for name, entry in folders:
        rel = f"{rel_folder}/{name}"
        if name.endswith(PROJECT_SUFFIXES):
            diagnostics.append(
                Diagnostic(
                    rel,
                    "not-a-file",
                    "与项目文件同名的文件夹",
                    severity="warning",
                    hint="文件夹名不应以 .yaml 结尾",
                )
            )
        if entry.is_symlink():
            diagnostics.append(
                Diagnostic(rel, "symlink-skipped", "未跟随符号链接的文件夹", severity="warning")
            )
            continue
        _scan_folder(entry.path, rel, real_root, found, diagnostics)


def _link_problem(path: str, rel: str, real_root: Path) -> Diagnostic | None:
    """Why a symlinked project file is not read: broken, a loop, or pointing out of the ledger."""
    try:
        target = Path(path).resolve(strict=True)
    except (OSError, RuntimeError):  # RuntimeError: a loop, before Python 3.13
        return Diagnostic(
            rel,
            "read-error",
            "符号链接无法打开（指向的文件不存在，或链接形成循环）",
            hint="删除这个链接，或让它指向台账内的文件",
        )
    if target.is_relative_to(real_root):
        return None
    return Diagnostic(
        rel,
        "symlink-outside",
        "符号链接指向台账之外，已跳过",
        severity="warning",
        hint="项目文件应放在台账内",
    )


def is_utf8_name(name: str) -> bool:
    """False for a name whose bytes are not UTF-8 (Python keeps them as surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def bad_file_name(rel_folder: str, name: str) -> Diagnostic:
    raw = os.fsencode(name)
    try:
        meant = f"（按 GBK 读作 {raw.decode('gb18030')}）"
    except UnicodeDecodeError:
        meant = ""
    return Diagnostic(
        f"{rel_folder}/{raw.decode('utf-8', 'replace')}",
        "bad-file-name",
        f"文件名不是 UTF-8 编码{meant}，已跳过",
        hint="多半来自 Windows 压缩包，请用 UTF-8 重新命名（项目文件名即项目编号）",
    )


# The latest loaded ledger stays referenced until the process ends, so that ``cli.main`` can
# leave with ``os._exit`` and let the OS reclaim it at once instead of Python freeing a
# million objects one by one (~0.1 s at 10,000 projects) when the command returns. Only the
# latest: a long-lived process (the tests) does not accumulate ledgers.
_kept: list[Ledger] = []


def _paused_gc() -> Callable[[], None]:
    """Pause the collector for bulk loading; the returned function ends the pause.

    The collector, not parsing, dominates bulk allocation of many small objects. At the end
    the loaded objects are frozen (``gc.freeze``): they live until the command ends, and
    otherwise the first collections after the pause would walk all of them (~0.3 s at
    10,000 projects). Frozen objects are still freed by reference counting.
    """
    was_enabled = gc.isenabled()
    gc.disable()

    def resume() -> None:
        if was_enabled:
            gc.freeze()
            gc.enable()

    return resume


def load_registry(root: Path) -> tuple[Registry | None, list[Diagnostic]]:
    """targets.yaml + criteria.yaml and their cross-checks; ``None`` when either does not validate."""
    targets, diagnostics = load_config(root, TARGETS_FILE, Targets)
    criteria, criteria_diagnostics = load_config(root, CRITERIA_FILE, Criteria)
    diagnostics += criteria_diagnostics
    registry = Registry(targets, criteria) if targets and criteria else None
    if registry is not None:
        diagnostics += locate_in_files(root, check_config(registry))
    return registry, diagnostics


def load_ledger(root: Path, *, use_cache: bool = True, progress: Progress | None = None) -> Ledger:
    """Load and check the whole ledger. Raises ``NoLedger`` or ``LedgerUnusable``.

    ``progress(done, total)`` is called while files are parsed (not for cached files).
    """
    if not root.is_dir() or not is_ledger(root):
        raise NoLedger(root)
    from baozufang_cli.ledger.cache import ProjectCache

    resume_gc = _paused_gc()
    try:
        registry, diagnostics = load_registry(root)
        config_ok = registry is not None and not any(d.is_error for d in diagnostics)

        files, scan_diagnostics = scan(root)
        diagnostics += scan_diagnostics
        cache = ProjectCache.open(root, enabled=use_cache and config_ok)
        results: list[FileResult | None] = [cache.get(rel, stat, path) for path, rel, stat in files]
        missing = [i for i, result in enumerate(results) if result is None]
        file_registry = registry if config_ok else None
        try:
            for done, i in enumerate(missing, 1):
                path, rel, stat = files[i]
                result, raw = _load_project(path, rel, file_registry, stat)
                cache.put(rel, stat, result, raw)
                results[i] = result
                if progress is not None:
                    progress(done, len(missing))
        finally:
            if progress is not None:
                progress(len(missing), len(missing))  # the bar always ends, even on an error
        cache.save()
        loaded = [result for result in results if result is not None]

        for result in loaded:
            diagnostics += result.diagnostics
        if not config_ok or registry is None:
            raise LedgerUnusable(sorted(diagnostics, key=sort_key), len(loaded))

        ledger = Ledger(root, registry.targets, registry.criteria, registry, loaded)
        diagnostics += locate_in_files(root, check_ledger(ledger))
        ledger.set_diagnostics(sorted(diagnostics, key=sort_key))
        _kept[:] = [ledger]
        return ledger
    finally:
        resume_gc()


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
        try:
            text = decode((root / rel).read_bytes())
        except (OSError, yamlread.YamlProblem):
            located += group
            continue
        located += locate_all(group, text)
    return located
