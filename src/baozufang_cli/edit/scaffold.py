"""``bzf init``: a new ledger folder with the Guiyang defaults, ready for git and pre-commit.

The defaults (``defaults/targets.yaml``, ``defaults/criteria.yaml``) ship inside the package
and equal the sample ledger's ``data/*.yaml`` (a test keeps them equal).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from baozufang_cli.errors import UsageError

DEFAULT_FILES = ("targets.yaml", "criteria.yaml")
CACHE_IGNORE = ".bzf-cache/"

PRE_COMMIT_CONFIG = """\
# 提交前校验台账并检查项目文件格式。启用：pip install pre-commit && pre-commit install
# （需已安装 bzf；也可改用 bzf 仓库的 .pre-commit-hooks.yaml，见 bzf 的 docs/commands/schema.md）
repos:
  - repo: local
    hooks:
      - id: bzf-check
        name: bzf check（校验台账）
        entry: bzf check --data .
        language: system
        pass_filenames: false
        files: \\.ya?ml$
      - id: bzf-fmt
        name: bzf fmt --check（项目文件格式）
        entry: bzf fmt --check --data .
        language: system
        pass_filenames: false
        files: \\.ya?ml$
"""

VSCODE_SETTINGS = {
    "yaml.schemas": {
        "schema/project.schema.json": "projects/**/*.yaml",
        "schema/targets.schema.json": "targets.yaml",
        "schema/criteria.schema.json": "criteria.yaml",
        "schema/assessment.schema.json": "assessments/**/*.yaml",
    }
}


class InitError(UsageError):
    """The folder cannot become a new ledger."""


@dataclass
class InitResult:
    created: list[str] = field(default_factory=list)  # paths relative to the folder
    kept: list[str] = field(default_factory=list)  # files that existed and were left alone
    git: str = ""  # "initialized", "inside <repo root>", or "unavailable"


def default_text(name: str) -> str:
    return resources.files("baozufang_cli").joinpath("defaults").joinpath(name).read_text(encoding="utf-8")


def create_ledger(folder: Path) -> InitResult:
    """Create the ledger in ``folder`` (which may exist but must not already hold a ledger)."""
    from baozufang_cli.edit.schema import SCHEMA_DIR, write_schemas
    from baozufang_cli.files import atomic_write

    existing = [name for name in (*DEFAULT_FILES, "projects") if (folder / name).exists()]
    if existing:
        raise InitError(f"{folder} 已是台账（已有 {'、'.join(existing)}），未做任何修改")
    if folder.exists() and not folder.is_dir():
        raise InitError(f"{folder} 是文件，不是目录")
    folder.mkdir(parents=True, exist_ok=True)
    result = InitResult()

    def create(rel: str, text: str) -> None:
        path = folder / rel
        if path.exists() or path.is_symlink():  # a link (even a dangling one) is the user's: kept
            result.kept.append(rel)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text.encode("utf-8"), new=True, inside=folder)
        result.created.append(rel)

    for name in DEFAULT_FILES:
        create(name, default_text(name))
    create("projects/.gitkeep", "")  # git does not keep empty folders; bzf needs projects/
    write_schemas(folder / SCHEMA_DIR)
    result.created.append(f"{SCHEMA_DIR}/")
    _ignore_cache(folder, result)
    create(".pre-commit-config.yaml", PRE_COMMIT_CONFIG)
    create(".vscode/settings.json", json.dumps(VSCODE_SETTINGS, ensure_ascii=False, indent=2) + "\n")
    result.git = _git_init(folder)
    return result


def _ignore_cache(folder: Path, result: InitResult) -> None:
    from baozufang_cli.files import atomic_write

    path = folder / ".gitignore"
    if path.is_symlink():  # the user's own link: never written through, never replaced
        result.kept.append(".gitignore")
        return
    if not path.exists():
        atomic_write(path, f"# bzf 的缓存，可随时删除\n{CACHE_IGNORE}\n".encode(), new=True, inside=folder)
        result.created.append(".gitignore")
        return
    text = path.read_text(encoding="utf-8", errors="replace")
    if CACHE_IGNORE not in text.split():
        separator = "" if text.endswith("\n") or not text else "\n"
        atomic_write(path, (text + separator + CACHE_IGNORE + "\n").encode("utf-8"), inside=folder)
    result.kept.append(".gitignore")


def _git_init(folder: Path) -> str:
    from baozufang_cli.history.git import GitError, git_process

    try:
        inside = git_process(folder, "rev-parse", "--show-toplevel")
        if inside.returncode == 0:
            return f"inside {inside.stdout.decode('utf-8', 'replace').strip()}"
        done = git_process(folder, "init", "--quiet")
    except GitError:  # git missing or not runnable
        return "unavailable"
    return "initialized" if done.returncode == 0 else "unavailable"
