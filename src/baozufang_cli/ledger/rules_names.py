"""Names that must lead to exactly one thing: supply-type and milestone aliases, project ids.

A name shared by two supply types (``新建`` as one's label and another's alias) or by two
milestones of one sequence makes every project that uses it ambiguous, and the project's
error would point at the project instead of at ``criteria.yaml`` where the clash is. Ids
that differ only in case (``A-1``, ``a-1``) are two files on Linux but one on Windows and
macOS, where checking out the ledger silently keeps only one of them; an id such as ``CON``
or ``LPT1`` is a device name there, and the file cannot be checked out at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from baozufang_cli.ledger.diagnostics import Diagnostic, Loc

if TYPE_CHECKING:
    from baozufang_cli.ledger.registry import Registry

CRITERIA = "criteria.yaml"


def check_name_clashes(registry: Registry) -> list[Diagnostic]:
    """criteria.yaml: every supply-type name and every milestone name within a sequence is unique."""
    out: list[Diagnostic] = []
    types = registry.criteria.supply_types
    type_names: list[tuple[str, str, Loc]] = []  # (name, owner, where)
    for i, supply_type in enumerate(types):
        type_names.append((supply_type.label, supply_type.key, ("supply_types", i, "label")))
        type_names += [
            (alias, supply_type.key, ("supply_types", i, "aliases", j))
            for j, alias in enumerate(supply_type.aliases)
        ]
    out += _clashes(type_names, "筹集方式")
    for i, supply_type in enumerate(types):
        milestone_names: list[tuple[str, str, Loc]] = []
        for k, spec in enumerate(supply_type.milestones):
            milestone_names.append((spec.name, spec.name, ("supply_types", i, "milestones", k, "name")))
            milestone_names += [
                (alias, spec.name, ("supply_types", i, "milestones", k, "aliases", j))
                for j, alias in enumerate(spec.aliases)
            ]
        out += _clashes(milestone_names, f"{supply_type.label}的节点")
    return out


def _clashes(names: list[tuple[str, str, Loc]], kind: str) -> list[Diagnostic]:
    owners: dict[str, set[str]] = {}
    for name, owner, _ in names:
        owners.setdefault(name, set()).add(owner)
    return [
        Diagnostic(
            CRITERIA,
            "ambiguous-alias",
            f"名称 {name} 同时指向{kind} {'、'.join(sorted(owners[name]))}",
            hint="每个名称或别名只能指向一个，请删除或改名",
            loc=loc,
        )
        for name, _, loc in names
        if len(owners[name]) > 1
    ]


# device names Windows will not create a file for, whatever the extension (CON.yaml too)
_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"{port}{n}" for port in ("COM", "LPT") for n in range(1, 10)]
)
WINDOWS_HINT = "在 Windows 上无法建立这个文件（git 检出会失败），请换一个编号"


def is_reserved_name(project_id: str) -> bool:
    return project_id.upper() in _RESERVED


def check_id_case(paths_by_id: dict[str, list[str]]) -> list[Diagnostic]:
    """Project ids that differ only in letter case: one file on Windows and macOS."""
    variants: dict[str, list[str]] = {}
    for project_id in paths_by_id:
        variants.setdefault(project_id.lower(), []).append(project_id)
    out: list[Diagnostic] = []
    for group in variants.values():
        if len(group) < 2:
            continue
        for project_id in group:
            others = "、".join(sorted(other for other in group if other != project_id))
            out += [
                Diagnostic(
                    path,
                    "duplicate-id",
                    f"项目编号 {project_id} 与 {others} 只差大小写",
                    hint="在 Windows 和 macOS 上两个文件会互相覆盖，请改用不同的编号",
                    loc=("id",),
                )
                for path in paths_by_id[project_id]
            ]
    return out
