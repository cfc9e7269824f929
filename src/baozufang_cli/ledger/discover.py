"""Which files make the ledger: the project files under ``projects/`` and the names bzf refuses.

The walk never follows a symlink out of the ledger and never opens a file; the cache and the
loader take it from here.
"""

from __future__ import annotations

import os
from pathlib import Path

from baozufang_cli.ledger.diagnostics import Diagnostic

TARGETS_FILE = "targets.yaml"
CRITERIA_FILE = "criteria.yaml"
PROJECTS_DIR = "projects"
PROJECT_SUFFIXES = (".yaml", ".yml")
JOURNAL_FILE = ".bzf-import-journal.json"  # an import in progress (xlsx_import/journal.py)


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
    if not base.is_dir() and os.path.lexists(base):  # a file, a pipe or a dangling link named projects
        kind = "断开的符号链接" if not base.exists() else "文件，不是文件夹"
        error = Diagnostic(
            PROJECTS_DIR,
            "read-error",
            f"projects 是{kind}，其中没有项目可读",
            hint="项目文件放在 projects/ 文件夹下：把这个 projects 改名或移走，再建 projects 文件夹",
        )
        return found, [error]
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
            if _hides_projects(entry):  # .git, .vscode … are skipped; a hidden folder of projects is named
                diagnostics.append(
                    Diagnostic(
                        f"{rel_folder}/{name}",
                        "hidden-skipped",
                        "以 . 开头的文件夹中的项目文件未读取",
                        severity="warning",
                        hint="其中的项目不计入任何统计；如是项目，请把文件夹改名",
                    )
                )
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
        elif name.lower().endswith(PROJECT_SUFFIXES):  # A-1.YAML, A-1.Yml: not read, so say so
            diagnostics.append(
                Diagnostic(
                    f"{rel_folder}/{name}",
                    "suffix-case",
                    "扩展名的大小写不对，未读取",
                    severity="warning",
                    hint="项目文件的扩展名须是小写的 .yaml（或 .yml），其中的项目不计入任何统计",
                )
            )

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


def _hides_projects(entry: os.DirEntry[str]) -> bool:
    """A hidden folder (not a symlink) holding project-like files directly."""
    try:
        if entry.name in (".", "..") or not entry.is_dir(follow_symlinks=False):
            return False
        with os.scandir(entry.path) as inside:
            return any(e.name.lower().endswith(PROJECT_SUFFIXES) and e.name[0] != "." for e in inside)
    except OSError:
        return False


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
