"""``bzf init``: a new ledger folder for a city, ready for git and pre-commit.

criteria.yaml is the shipped default (``defaults/criteria.yaml``, equal to the sample ledger's
``data/criteria.yaml``; a test keeps them equal). targets.yaml is written for the city by
``edit/districts.py``: its district list, and targets only from a plan the user names.
No sample project is written: it would count in every report as if it were real.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from baozufang_cli.edit.districts import (
    GUIYANG,
    GUIYANG_CITY,
    district_lines,
    guiyang_district_lines,
    read_districts_file,
    shipped_text,
    targets_text,
)
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
    districts: int = 0
    first_district: str = ""  # the short name the next-step line uses
    first_needs_id: bool = False  # no code nor English alias: bzf new cannot make up an id


@dataclass
class CitySetup:
    """What ``bzf init`` writes into targets.yaml: the city, its districts, the plan (or none)."""

    city: str = GUIYANG_CITY
    districts: str = GUIYANG  # "guiyang" or the path of a district list file
    plan: str | None = None  # "guiyang": the city-level targets of Guiyang's plan


def targets_for(setup: CitySetup, today: date) -> tuple[str, InitResult]:
    """targets.yaml and what the command says about it (districts, the first one's short name)."""
    city = setup.city.strip()
    if not city:
        raise InitError("--city 不能为空", hint="例如 --city 遵义市")
    if setup.plan is not None and setup.plan != GUIYANG:
        raise InitError(
            f"没有名为 {setup.plan} 的内置计划",
            hint="--plan 只能取 guiyang；其他计划请在 targets.yaml 中填写",
        )
    if setup.plan == GUIYANG and city != GUIYANG_CITY:
        raise InitError(
            f"--plan guiyang 是贵阳市的计划，不能用于 {city}", hint="去掉 --plan，按本市计划文件填写目标"
        )
    if setup.districts == GUIYANG:
        if city != GUIYANG_CITY:
            raise InitError(
                f"{city} 的区县名录须用 --districts 文件 给出（默认的是贵阳市的 15 个区县）",
                hint="文件格式见 docs/commands/init.md，例如每行 “- 某某区”",
            )
        lines = guiyang_district_lines()
        count = sum(1 for line in lines if line.lstrip().startswith("- "))
        about = InitResult(districts=count, first_district="观山湖")
    else:
        entries = read_districts_file(Path(setup.districts))
        lines = district_lines(entries)
        first = entries[0]
        about = InitResult(
            districts=len(entries),
            first_district=(first["aliases"] or [first["name"]])[0],
            first_needs_id=not first["code"] and not any(a.isascii() for a in first["aliases"]),
        )
    return targets_text(city, lines, about.first_district, setup.plan, today), about


def create_ledger(folder: Path, setup: CitySetup | None = None, today: date | None = None) -> InitResult:
    """Create the ledger in ``folder`` (which may exist but must not already hold a ledger)."""
    from baozufang_cli.edit.schema import SCHEMA_DIR, write_schemas
    from baozufang_cli.files import atomic_write

    existing = [name for name in (*DEFAULT_FILES, "projects") if (folder / name).exists()]
    if existing:
        raise InitError(f"{folder} 已是台账（已有 {'、'.join(existing)}），未做任何修改")
    if folder.exists() and not folder.is_dir():
        raise InitError(f"{folder} 是文件，不是目录")
    setup = setup or CitySetup()
    targets, result = targets_for(setup, today or date.today())
    criteria = shipped_text("criteria.yaml")  # the title line names the city; the rest is the default
    criteria = criteria.replace(
        f"# {GUIYANG_CITY}保障性租赁住房台账", f"# {setup.city.strip()}保障性租赁住房台账", 1
    )
    folder.mkdir(parents=True, exist_ok=True)

    def create(rel: str, text: str) -> None:
        path = folder / rel
        if path.exists() or path.is_symlink():  # a link (even a dangling one) is the user's: kept
            result.kept.append(rel)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text.encode("utf-8"), new=True, inside=folder)
        result.created.append(rel)

    create("targets.yaml", targets)
    create("criteria.yaml", criteria)
    create("projects/.gitkeep", "")  # git does not keep empty folders; bzf needs projects/
    write_schemas(folder / SCHEMA_DIR)
    result.created.append(f"{SCHEMA_DIR}/")
    _ignore_cache(folder, result)
    create(".pre-commit-config.yaml", PRE_COMMIT_CONFIG)
    create(".vscode/settings.json", json.dumps(VSCODE_SETTINGS, ensure_ascii=False, indent=2) + "\n")
    result.git = _git_init(folder)
    return result


def _ignore_cache(folder: Path, result: InitResult) -> None:
    from baozufang_cli.files import atomic_write, read_regular

    path = folder / ".gitignore"
    if path.is_symlink():  # the user's own link: never written through, never replaced
        result.kept.append(".gitignore")
        return
    if not path.exists():
        atomic_write(path, f"# bzf 的缓存，可随时删除\n{CACHE_IGNORE}\n".encode(), new=True, inside=folder)
        result.created.append(".gitignore")
        return
    try:
        text = read_regular(path, 1024 * 1024).decode("utf-8", errors="replace")
    except OSError:  # a pipe, a folder or a huge file by that name: the user's, left alone
        result.kept.append(".gitignore")
        return
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
