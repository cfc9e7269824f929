"""The loaded ledger: projects + targets + criteria, with the lookups every report needs.

The ledger holds records (``facts/records.py``), not pydantic models. Projects are canonical once loaded: ``district`` is the official name, ``supply_type`` the
key and milestone names the standard names, whatever alias the file used.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from typing import Any

from baozufang_cli.errors import UsageError
from baozufang_cli.facts.records import (
    Criteria,
    District,
    Milestone,
    Project,
    ProjectFacts,
    SupplyType,
    Targets,
)
from baozufang_cli.ledger.diagnostics import Diagnostic


class NameNotFound(UsageError):
    """A name that does not resolve; ``message`` is Chinese and names the closest match."""


def closest(word: str, candidates: Iterable[str]) -> str | None:
    options = list(dict.fromkeys(candidates))
    for option in options:  # a shared prefix or containment is the likeliest intent for short CJK names
        if option.startswith(word) or (len(word) >= 2 and word in option):
            return option
    matches = difflib.get_close_matches(word, options, n=1, cutoff=0.5)
    return matches[0] if matches else None


def _closest_projects(word: str, projects: Iterable[Project], n: int = 3) -> list[Project]:
    """Projects whose id looks like ``word`` or whose name holds most of its characters in order
    (金花园 → 观山湖区金华园人才公寓): difflib's ratio alone undervalues a short word in a long name."""

    def score(project: Project) -> float:
        by_id = difflib.SequenceMatcher(None, word.casefold(), project.id.casefold()).ratio()
        blocks = difflib.SequenceMatcher(None, word, project.name, autojunk=False).get_matching_blocks()
        by_name = sum(b.size for b in blocks) / len(word) if word else 0.0
        return max(by_id, by_name)

    scored = sorted(((score(p), p.id, p) for p in projects), key=lambda s: (-s[0], s[1]))
    return [p for value, _, p in scored[:n] if value >= 0.6]


class Registry:
    """Name → canonical lookups built from targets.yaml and criteria.yaml."""

    def __init__(self, targets: Targets, criteria: Criteria) -> None:
        self.targets = targets
        self.criteria = criteria
        self.districts: dict[str, District] = {d.name: d for d in targets.districts}
        self.district_order = {d.name: i for i, d in enumerate(targets.districts)}
        self._district_names: dict[str, set[str]] = {}
        for district in targets.districts:
            for name in (district.name, *district.aliases, *([district.code] if district.code else [])):
                self._district_names.setdefault(name, set()).add(district.name)
        self.supply_types: dict[str, SupplyType] = {t.key: t for t in criteria.supply_types}
        self.type_order = {t.key: i for i, t in enumerate(criteria.supply_types)}
        self._type_names: dict[str, set[str]] = {}
        for supply_type in criteria.supply_types:
            for name in (supply_type.key, supply_type.label, *supply_type.aliases):
                self._type_names.setdefault(name, set()).add(supply_type.key)
        self._milestone_names: dict[str, dict[str, set[str]]] = {}
        for supply_type in criteria.supply_types:
            names: dict[str, set[str]] = {}
            for spec in supply_type.milestones:
                for name in (spec.name, *spec.aliases):
                    names.setdefault(name, set()).add(spec.name)
            self._milestone_names[supply_type.key] = names

    # -- exact resolution (files) ---------------------------------------------------

    def district(self, name: str) -> str:
        found = self._district_names.get(name.strip())
        if found and len(found) == 1:
            return next(iter(found))
        if found:
            raise NameNotFound(f'区县名称 "{name}" 有歧义：{"、".join(sorted(found))}', "请写官方名称")
        guess = closest(name, self._district_names)
        hint = f"是否为 {self.district(guess)}？" if guess else "区县名录见 targets.yaml"
        raise NameNotFound(f'未知区县 "{name}"', hint)

    def supply_type(self, name: str) -> str:
        found = self._type_names.get(name.strip())
        if found and len(found) == 1:
            return next(iter(found))
        if found:
            raise NameNotFound(f'筹集方式 "{name}" 有歧义：{"、".join(sorted(found))}', "请写代码")
        guess = closest(name, self._type_names)
        known = "、".join(f"{t.key}（{t.label}）" for t in self.supply_types.values())
        hint = f"是否为 {self.supply_type(guess)}？" if guess else f"可选：{known}"
        raise NameNotFound(f'未知筹集方式 "{name}"', hint)

    def milestone(self, supply_type: str, name: str) -> str:
        names = self._milestone_names.get(supply_type, {})
        found = names.get(name.strip())
        if found and len(found) == 1:
            return next(iter(found))
        label = self.supply_types[supply_type].label if supply_type in self.supply_types else supply_type
        sequence = (
            "、".join(m.name for m in self.supply_types[supply_type].milestones)
            if supply_type in self.supply_types
            else ""
        )
        guess = closest(name, names)
        hint = f"是否为 {next(iter(names[guess]))}？" if guess else f"{label}的节点：{sequence}"
        raise NameNotFound(f'{label}没有节点 "{name}"', hint)

    # -- forgiving resolution (command-line filters) --------------------------------

    def district_filter(self, text: str) -> str:
        """Official name, alias, code or a unique prefix (``观山湖`` → 观山湖区)."""
        try:
            return self.district(text)
        except NameNotFound:
            pass
        text = text.strip()
        prefixed = {
            canonical
            for name, found in self._district_names.items()
            if name.startswith(text)
            for canonical in found
        }
        if len(prefixed) == 1:
            return next(iter(prefixed))
        if len(prefixed) > 1:
            raise NameNotFound(
                f"区县 {text} 有多个匹配：{'、'.join(sorted(prefixed, key=self.district_order.__getitem__))}"
            )
        return self.district(text)  # raises with the closest match

    def supply_type_filter(self, text: str) -> str:
        return self.supply_type(text)

    # -- semantics ------------------------------------------------------------------

    def type_of(self, project: Project) -> SupplyType:
        return self.supply_types[project.supply_type]

    def short_label(self, supply_type: str) -> str:
        """The shortest Chinese name of a supply type (改建 for the conversion label), for narrow tables."""
        spec = self.supply_types[supply_type]
        names = [n for n in (spec.label, *spec.aliases) if any("\u4e00" <= ch <= "\u9fff" for ch in n)]
        return min(names, key=len) if names else spec.label

    def milestone_order(self, supply_type: str) -> dict[str, int]:
        return {spec.name: i for i, spec in enumerate(self.supply_types[supply_type].milestones)}


class FileResult:
    """What one project file yields; cached as a unit so errors are never lost to the cache.

    ``facts`` (``records.ProjectFacts``) are what most reports read; the full record behind
    them may come from the cache only when first asked for (``load``): ``bzf status`` never
    rebuilds it.
    """

    __slots__ = ("_load", "_project", "diagnostics", "facts", "path")

    def __init__(
        self,
        path: str,
        project: Any = None,
        diagnostics: list[Diagnostic] | None = None,
        *,
        facts: ProjectFacts | None = None,
        load: Callable[[], Any] | None = None,
    ) -> None:
        self.path = path  # relative to the ledger root, posix separators
        self.diagnostics = diagnostics if diagnostics is not None else []
        self.facts = facts
        # the project's record (``facts/records.py``) in a loaded ledger; the validated model itself where
        # the edit path checks a file (``load.check_project_data``); None when it did not parse or validate
        self._project = project
        self._load = load  # rebuilds the record on first use (a cached file)

    @property
    def project(self) -> Any:
        if self._load is not None:
            self._project, self._load = self._load(), None
        return self._project

    @project.setter
    def project(self, value: Any) -> None:
        self._project, self._load = value, None

    @property
    def has_project(self) -> bool:
        """Whether the file validated (without rebuilding a cached record)."""
        return self._load is not None or self._project is not None

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.diagnostics)

    def __repr__(self) -> str:
        return f"FileResult({self.path!r}, {self._project!r}, {self.diagnostics!r})"


class Ledger:
    """The loaded ledger. ``projects`` holds every project that passed the schema, sorted by id;
    ``facts`` the same projects' ``ProjectFacts``, in the same order. Cached records are rebuilt
    only when ``projects`` (or ``project_of``) is first used."""

    def __init__(
        self, root: Path, targets: Targets, criteria: Criteria, registry: Registry, files: list[FileResult]
    ) -> None:
        from baozufang_cli.facts.project import project_facts

        self.root = root
        self.targets = targets
        self.criteria = criteria
        self.registry = registry
        self._files: list[FileResult] | None = files
        self._file_count = len(files)
        self._after_records: Callable[[], None] | None = None
        self._load_files: Callable[[], list[FileResult]] | None = None
        for result in files:
            if result.facts is None and result.has_project:
                result.facts = project_facts(registry, result.project, result.path)
        self._sorted = sorted(
            (f for f in files if f.facts is not None),
            key=lambda f: (f.facts.id, f.path),  # type: ignore[union-attr]
        )
        self.facts: list[ProjectFacts] = [f.facts for f in self._sorted]  # type: ignore[misc]
        self._by_path = {f.path: f for f in self._sorted}
        self._paths: dict[int, str] = {}  # id(record) → path, for records rebuilt so far
        self.diagnostics: list[Diagnostic] = []
        self._error_paths: set[str] = set()

    @classmethod
    def from_facts(
        cls,
        root: Path,
        registry: Registry,
        facts: list[ProjectFacts],
        files: Callable[[], list[FileResult]],
        file_count: int,
        after_records: Callable[[], None] | None = None,
    ) -> Ledger:
        """A ledger of cached facts (sorted by id and path); ``files`` gives the files' results,
        and with them the records, only when something asks for them; ``after_records`` runs once
        every record is rebuilt (the cache writes back what it had to parse again)."""
        ledger = cls.__new__(cls)
        ledger.root = root
        ledger.targets = registry.targets
        ledger.criteria = registry.criteria
        ledger.registry = registry
        ledger._files = None
        ledger._load_files = files
        ledger._file_count = file_count
        ledger._after_records = after_records
        ledger.facts = facts
        ledger._paths = {}
        ledger.diagnostics = []
        ledger._error_paths = set()
        return ledger

    @property
    def file_count(self) -> int:
        """How many project files were read (without reading the cached results of each)."""
        return self._file_count

    @property
    def files(self) -> list[FileResult]:
        if self._files is None:
            assert self._load_files is not None
            self._files, self._load_files = self._load_files(), None
            self._by_path = {f.path: f for f in self._files if f.has_project}
            self._sorted = [self._by_path[f.path] for f in self.facts if f.path in self._by_path]
        return self._files

    def _result(self, path: str) -> FileResult:
        self.files  # noqa: B018  (a ledger of cached facts reads its files' results first)
        return self._by_path[path]

    @cached_property
    def projects(self) -> list[Project]:
        from baozufang_cli.ledger.gc_pause import paused_gc

        resume_gc = paused_gc()  # rebuilding ~13 objects a project: the collector would walk them all
        try:
            self.files  # noqa: B018
            projects = [f.project for f in self._sorted]
        finally:
            resume_gc()
        if self._after_records is not None:
            self._after_records()
        self._paths.update((id(p), f.path) for p, f in zip(projects, self._sorted, strict=True))
        return projects

    def project_of(self, facts: ProjectFacts) -> Project:
        """The full record of the project ``facts`` were taken from."""
        project = self._result(facts.path).project
        self._paths[id(project)] = facts.path
        return project

    def set_diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        self._error_paths = {d.path for d in diagnostics if d.is_error}

    @property
    def name(self) -> str:
        return self.targets.plan

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    def path(self, project: Project) -> str:
        found = self._paths.get(id(project))
        if found is None:
            self.projects  # noqa: B018  (rebuilds every record, and records their paths)
            found = self._paths[id(project)]
        return found

    def has_errors(self, project: Project) -> bool:
        return self.path(project) in self._error_paths

    def valid_projects(self) -> list[Project]:
        """Projects whose files have no errors: the only ones reports count."""
        return [p for p in self.projects if self._paths[id(p)] not in self._error_paths]

    def valid_facts(self) -> list[ProjectFacts]:
        """``valid_projects``' facts, without rebuilding records."""
        return [f for f in self.facts if f.path not in self._error_paths]

    def find_project(self, text: str) -> Project:
        """The project people mean by ``text``: its id in any case, its full name, or a unique
        fragment of its name (金华园). Several matches or none raise ``NameNotFound`` (exit 2)
        listing the candidates (编号 名称 区县) or the closest names."""
        word = text.strip()
        folded = word.casefold()
        for matches in (
            [p for p in self.projects if p.id == word],
            [p for p in self.projects if p.id.casefold() == folded],
            [p for p in self.projects if p.name == word],
            [p for p in self.projects if folded and folded in p.name.casefold()],
            [p for p in self.projects if folded and folded in p.id.casefold()],
        ):
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                shown = "；".join(f"{p.id} {p.name}（{p.district}）" for p in matches[:5])
                more = f"……共 {len(matches)} 个" if len(matches) > 5 else ""
                raise NameNotFound(f"「{word}」对应多个项目：{shown}{more}", "请用项目编号或更长的名称")
        candidates = _closest_projects(word, self.projects)
        hint = (
            "是否为：" + "；".join(f"{p.id} {p.name}" for p in candidates)
            if candidates
            else "用 bzf ledger 查看全部项目"
        )
        raise NameNotFound(f"找不到项目「{word}」", hint)

    # -- per-project facts as of a date --------------------------------------------------

    def start_milestone(self, project: Project) -> Milestone | None:
        return project.milestone(self.registry.type_of(project).start_milestone)

    def delivered_milestone(self, project: Project) -> Milestone | None:
        return project.milestone(self.registry.type_of(project).delivered_milestone)
