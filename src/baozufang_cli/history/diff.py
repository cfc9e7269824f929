"""What changed in the ledger between two versions, and which commit changed it.

Pure functions over file contents (bytes), so they are tested without git; ``gitrepo.py`` reads
the bytes and ``reports/changes.py`` turns the result into tables.

* Each project file is parsed with the fast read path (``loader.parse_yaml_bytes`` → ``validate``
  → ``check_project``, which also makes district, supply type and milestone names canonical).
* A project is *flattened* into ``path → value`` pairs: nested keys joined with dots, the lists
  ``milestones`` keyed by name, ``problems`` by id and ``funding.sources`` by kind
  (``milestones.开工.actual``, ``problems.P1.closed``, ``funding.sources.银行贷款.received_wan``);
  empty values (null, [], {}) count as absent. A file that fails the schema is flattened from its
  raw YAML, so a broken value still shows as a change; a file that is not YAML has no fields.
* Projects are matched by ``id`` (a moved or renamed file is the same project: its ``file`` changes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import Any

from baozufang_cli.facts import records
from baozufang_cli.history.git import Commit
from baozufang_cli.ledger.diagnostics import Diagnostic
from baozufang_cli.ledger.load import config_result, project_result
from baozufang_cli.ledger.read import (
    CRITERIA_FILE,
    PROJECT_SUFFIXES,
    PROJECTS_DIR,
    TARGETS_FILE,
    parse_yaml_bytes,
)
from baozufang_cli.ledger.registry import Registry
from baozufang_cli.models import Criteria, Project, Targets, field_titles

KEYED_LISTS = {"milestones": "name", "problems": "id", "funding.sources": "kind"}
FILE_FIELD = "file"  # the pseudo-field of a project's file path (ledger-relative)
_FIELD_ORDER = {name: i for i, name in enumerate(Project.model_fields)}


def is_project_file(rel: str) -> bool:
    """``projects/**/*.yaml`` (or .yml), skipping hidden files and folders as the loader does."""
    parts = PurePosixPath(rel).parts
    return (
        len(parts) >= 2
        and parts[0] == PROJECTS_DIR
        and parts[-1].endswith(PROJECT_SUFFIXES)
        and not any(part.startswith(".") for part in parts[1:])
    )


def is_config_file(rel: str) -> bool:
    return rel in (TARGETS_FILE, CRITERIA_FILE)


def registry_from(targets: bytes | None, criteria: bytes | None) -> Registry | None:
    """The name lookups of one version of the ledger; ``None`` when either file is missing or invalid."""
    if targets is None or criteria is None:
        return None
    targets_model, _ = config_result(*parse_yaml_bytes(targets, TARGETS_FILE), TARGETS_FILE, Targets)
    criteria_model, _ = config_result(*parse_yaml_bytes(criteria, CRITERIA_FILE), CRITERIA_FILE, Criteria)
    if targets_model is None or criteria_model is None:
        return None
    return Registry(
        records.from_model(records.Targets, targets_model),
        records.from_model(records.Criteria, criteria_model),
    )


@dataclass
class ProjectVersion:
    """One project file at one version."""

    path: str  # ledger-relative
    key: str  # the project id; the file name when the id cannot be read
    fields: dict[str, Any]  # the validated project (canonical names, defaults) or, failing that, the raw file
    errors: list[Diagnostic] = field(default_factory=list)
    raw_fields: dict[str, Any] = field(default_factory=dict)  # the file as written
    schema_valid: bool = True  # ``fields`` come from the validated project

    @property
    def name(self) -> Any:
        return self.fields.get("name")

    @property
    def district(self) -> Any:
        return self.fields.get("district")


def parse_project(raw: bytes, rel: str, registry: Registry | None) -> ProjectVersion:
    data, text, diagnostics = parse_yaml_bytes(raw, rel)
    result = project_result(data, text, diagnostics, rel, registry)
    errors = [d for d in result.diagnostics if d.is_error]
    stem = PurePosixPath(rel).stem
    raw_fields = flatten(data) if isinstance(data, dict) else {}
    if result.project is not None:
        fields = flatten(result.project.model_dump(mode="json"))
        return ProjectVersion(rel, result.project.id, fields, errors, raw_fields)
    key = raw_fields.get("id")
    return ProjectVersion(
        rel, key if isinstance(key, str) and key else stem, raw_fields, errors, raw_fields, False
    )


def _is_empty(value: Any) -> bool:
    return value is None or value == [] or value == {} or value == ""


def flatten(data: Mapping[Any, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for raw_key, value in data.items():
        path = f"{prefix}{raw_key}"
        if isinstance(value, dict):
            out.update(flatten(value, path + "."))
        elif isinstance(value, list) and path in KEYED_LISTS and all(isinstance(v, dict) for v in value):
            key_field = KEYED_LISTS[path]
            seen: set[str] = set()
            for index, item in enumerate(value):
                label = item.get(key_field)
                # an item without its key, or a duplicate key, is told apart by its position
                label = str(label) if not _is_empty(label) and str(label) not in seen else f"#{index + 1}"
                seen.add(label)
                out.update(flatten(item, f"{path}.{label}."))
        elif not _is_empty(value):
            out[path] = value
    return out


def _same(old: Any, new: Any) -> bool:
    return old == new and isinstance(old, bool) == isinstance(new, bool)  # True == 1 in Python


def _field_rank(path: str) -> int:
    return _FIELD_ORDER.get(path.split(".", 1)[0], len(_FIELD_ORDER))


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any  # None when absent
    new: Any


def field_changes(old: ProjectVersion | None, new: ProjectVersion | None) -> list[FieldChange]:
    """Every flattened field that differs, in the order of the file format; the file path too.

    Two valid versions are compared by meaning (canonical names, defaults filled in); when either
    fails the schema both are compared as written, so a default never shows up as a change.
    """
    by_meaning = (old is None or old.schema_valid) and (new is None or new.schema_valid)
    before = (old.fields if by_meaning else old.raw_fields) if old else {}
    after = (new.fields if by_meaning else new.raw_fields) if new else {}
    paths = sorted(dict.fromkeys([*before, *after]), key=_field_rank)  # stable: file order within a field
    changes = [
        FieldChange(p, before.get(p), after.get(p)) for p in paths if not _same(before.get(p), after.get(p))
    ]
    if old is not None and new is not None and old.path != new.path:
        changes.insert(0, FieldChange(FILE_FIELD, old.path, new.path))
    return changes


_TITLES = {**field_titles(), FILE_FIELD: "文件", "sources": "资金来源"}


def field_label(path: str) -> str:
    """``milestones.开工.actual`` → ``倒排工期节点 开工 实际日期`` (keyed items keep their key)."""
    return " ".join(_TITLES.get(part, part) for part in path.split("."))


# ------------------------------------------------------------------ versions of the whole ledger


def index_projects(versions: Iterable[ProjectVersion]) -> dict[str, ProjectVersion]:
    """By project id; a second file with the same id is told apart by its path."""
    out: dict[str, ProjectVersion] = {}
    for version in sorted(versions, key=lambda v: v.path):
        key = version.key if version.key not in out else f"{version.key}（{version.path}）"
        out[key] = version
    return out


@dataclass
class ProjectDiff:
    key: str
    old: ProjectVersion | None
    new: ProjectVersion | None
    changes: list[FieldChange]

    @property
    def kind(self) -> str:
        if self.old is None:
            return "added"
        return "removed" if self.new is None else "changed"

    @property
    def latest(self) -> ProjectVersion:
        version = self.new or self.old
        assert version is not None
        return version


def diff_projects(old: Mapping[str, ProjectVersion], new: Mapping[str, ProjectVersion]) -> list[ProjectDiff]:
    """Projects added, removed or changed between two indexes (``index_projects``), by key."""
    out = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        changes = field_changes(before, after)
        if before is None or after is None or changes:
            out.append(ProjectDiff(key, before, after, changes))
    return out


# ------------------------------------------------------------------ walking commits


@dataclass
class Step:
    """One commit (or the uncommitted working tree, ``origin`` None) and the ledger files it changed."""

    origin: Commit | None
    files: list[tuple[str, bytes | None, bytes | None]]  # ledger-relative path, old content, new content


class _Parser:
    """Parses each (content, path, version of the config) once: a commit's old side is its parent's new side."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, bytes, int], ProjectVersion] = {}

    def __call__(self, raw: bytes, rel: str, registry: Registry | None, key: str | None) -> ProjectVersion:
        cache_key = (rel, raw, id(registry))
        if cache_key not in self.seen:
            self.seen[cache_key] = parse_project(raw, rel, registry)
        version = self.seen[cache_key]
        if key is not None:  # bzf log: every file named <id>.yaml is that project, whatever its id says
            version = replace(version, key=key)
        return version


def walk(
    steps: Iterable[Step], targets: bytes | None, criteria: bytes | None, key: str | None = None
) -> Iterable[tuple[Step, list[ProjectDiff]]]:
    """Each step with the project changes it made. The config files are tracked through the steps so
    a file is read with the district and milestone names of its own time."""
    configs = {TARGETS_FILE: targets, CRITERIA_FILE: criteria}
    registry = registry_from(targets, criteria)
    p = _Parser()
    for step in steps:
        before = registry
        for rel, _old, content in step.files:
            if is_config_file(rel):
                configs[rel] = content
                registry = registry_from(configs[TARGETS_FILE], configs[CRITERIA_FILE])
        olds = [p(o, rel, before, key) for rel, o, _ in step.files if o is not None and is_project_file(rel)]
        news = [
            p(n, rel, registry, key) for rel, _, n in step.files if n is not None and is_project_file(rel)
        ]
        yield step, diff_projects(index_projects(olds), index_projects(news))


ADDED = "+"  # attribution keys besides field paths: the project appeared, or disappeared
REMOVED = "-"


def attribute(
    steps: Iterable[Step], targets: bytes | None, criteria: bytes | None
) -> tuple[dict[tuple[str, str], Commit | None], dict[str, Commit | None]]:
    """The latest step that changed each (project, field) — and each file — along ``steps``."""
    by_field: dict[tuple[str, str], Commit | None] = {}
    by_file: dict[str, Commit | None] = {}
    for step, diffs in walk(steps, targets, criteria):
        for rel, _old, _new in step.files:
            by_file[rel] = step.origin
        for diff in diffs:
            if diff.kind != "changed":
                by_field[(diff.key, ADDED if diff.kind == "added" else REMOVED)] = step.origin
            for change in diff.changes:
                by_field[(diff.key, change.field)] = step.origin
    return by_field, by_file


@dataclass
class LedgerDiff:
    projects: list[ProjectDiff]
    invalid: list[tuple[str, ProjectVersion]]  # ("from" | "to", a changed file with errors at that side)
    config_changed: list[str]  # targets.yaml / criteria.yaml when they differ
    by_field: dict[tuple[str, str], Commit | None]
    by_file: dict[str, Commit | None]

    def origin(self, key: str, field_path: str) -> tuple[bool, Commit | None]:
        """(known, commit) of a change: commit None with known True is the working tree."""
        if (key, field_path) in self.by_field:
            return True, self.by_field[(key, field_path)]
        return False, None


def compare(old: Mapping[str, bytes], new: Mapping[str, bytes], steps: list[Step]) -> LedgerDiff:
    """``old`` / ``new``: the config files and the project files that differ, ledger-relative path →
    content, at the two versions; ``steps``: the commits between them, oldest first."""
    old_registry = registry_from(old.get(TARGETS_FILE), old.get(CRITERIA_FILE))
    new_registry = registry_from(new.get(TARGETS_FILE), new.get(CRITERIA_FILE))
    parse = _Parser()
    before = [parse(raw, rel, old_registry, None) for rel, raw in old.items() if is_project_file(rel)]
    after = [parse(raw, rel, new_registry, None) for rel, raw in new.items() if is_project_file(rel)]
    invalid = [("from", v) for v in before if v.errors] + [("to", v) for v in after if v.errors]
    configs = [rel for rel in (TARGETS_FILE, CRITERIA_FILE) if old.get(rel) != new.get(rel)]
    by_field, by_file = attribute(steps, old.get(TARGETS_FILE), old.get(CRITERIA_FILE))
    projects = diff_projects(index_projects(before), index_projects(after))
    return LedgerDiff(projects, sorted(invalid, key=lambda i: (i[1].path, i[0])), configs, by_field, by_file)


def project_log(project_id: str, steps: Iterable[Step]) -> list[tuple[Step, ProjectDiff]]:
    """The steps that changed project ``project_id`` (files named ``<id>.yaml``), from the first."""
    out = []
    for step, diffs in walk(steps, None, None, key=project_id):
        for diff in diffs:
            out.append((step, diff))
    return out
