"""Self-assessment files (月度自评): ``assessments/<YYYY-MM>/<区县>.yaml`` → claims + located diagnostics.

The read path is the loader's (``read_yaml`` → ``validate`` → ``locate_all``); this module adds the
rules of the format: the folder is a month, the file name a district (official name or alias), each
claimed item exists in the scheme and is manual, a claim is within the item's points, and every
evidence file exists inside the ledger. Never prints; evidence files are looked at here, at load
time, so that scoring stays a pure function.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from baozufang_cli.facts.dates import parse_month
from baozufang_cli.files import is_inside, special_kind
from baozufang_cli.ledger.diagnostics import Diagnostic, sort_key
from baozufang_cli.ledger.discover import PROJECT_SUFFIXES, bad_file_name, is_utf8_name
from baozufang_cli.ledger.load import validate
from baozufang_cli.ledger.registry import NameNotFound, Registry, closest

if TYPE_CHECKING:  # the models and the YAML reader are imported when there are files to read
    from baozufang_cli.models import Assessment

ASSESSMENTS_DIR = "assessments"


@dataclass
class AssessmentFile:
    path: str  # relative to the ledger root
    month: str  # YYYY-MM
    district: str | None  # canonical name; None when the file name is not a district
    assessment: Assessment | None  # None when the file did not parse or failed the schema
    diagnostics: list[Diagnostic] = field(default_factory=list)
    missing_files: frozenset[str] = frozenset()  # evidence `file` values not found in the ledger

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.diagnostics)


@dataclass
class Assessments:
    files: list[AssessmentFile]
    diagnostics: list[Diagnostic]  # every problem, including those not tied to one file

    def for_month(self, month: str) -> dict[str, AssessmentFile]:
        """District → its file for ``month`` (files with errors included: the caller decides)."""
        found: dict[str, AssessmentFile] = {}
        for item in self.files:
            if item.month == month and item.district is not None:
                found.setdefault(item.district, item)
        return found

    def errors_for(self, month: str) -> list[Diagnostic]:
        return [d for f in self.files if f.month == month for d in f.diagnostics if d.is_error]


def load_assessments(root: Path, registry: Registry, month: str | None = None) -> Assessments:
    """Every self-assessment file (or only ``month``'s), checked against the evaluation scheme."""
    base = root / ASSESSMENTS_DIR
    files: list[AssessmentFile] = []
    loose: list[Diagnostic] = []
    if not base.is_dir():
        return Assessments(files, loose)
    entries, unreadable = _listing(base, ASSESSMENTS_DIR)
    loose += unreadable
    for entry in entries:
        rel = f"{ASSESSMENTS_DIR}/{entry.name}"
        if entry.name.startswith("."):
            continue
        if not is_utf8_name(entry.name):
            loose.append(bad_file_name(ASSESSMENTS_DIR, entry.name))
            continue
        if not entry.is_dir():
            if entry.name.endswith(PROJECT_SUFFIXES):
                loose.append(
                    Diagnostic(
                        rel,
                        "assessment-path",
                        "自评文件不在月份文件夹中，未读取",
                        "warning",
                        hint=f"放到 {ASSESSMENTS_DIR}/YYYY-MM/ 下，例如 {ASSESSMENTS_DIR}/2024-06/观山湖区.yaml",
                    )
                )
            continue
        try:
            year, number = parse_month(entry.name)
        except ValueError:
            loose.append(
                Diagnostic(
                    rel,
                    "bad-month",
                    f"自评文件夹名 {entry.name} 不是月份",
                    hint="文件夹名应为 YYYY-MM，例如 2024-06",
                )
            )
            continue
        folder_month = f"{year:04d}-{number:02d}"
        if month is not None and folder_month != month:
            continue
        files += _load_month(root, entry, folder_month, registry)
    diagnostics = loose + [d for f in files for d in f.diagnostics]
    return Assessments(files, sorted(diagnostics, key=sort_key))


def _listing(folder: Path, rel: str) -> tuple[list[Path], list[Diagnostic]]:
    """A folder's entries, sorted; a folder that cannot be listed is a located error, never skipped."""
    try:
        with os.scandir(folder) as entries:
            return sorted(folder / entry.name for entry in entries), []
    except OSError as error:
        return [], [
            Diagnostic(
                rel,
                "read-error",
                f"无法读取文件夹：{_read_reason(error)}",
                hint="其中的自评文件未读取，评分不完整；请检查权限",
            )
        ]


def _load_month(root: Path, folder: Path, month: str, registry: Registry) -> list[AssessmentFile]:
    loaded: list[AssessmentFile] = []
    rel_folder = folder.relative_to(root).as_posix()
    entries, refused = _listing(folder, rel_folder)
    loaded += [AssessmentFile(problem.path, month, None, None, [problem]) for problem in refused]
    for path in entries:
        if path.name.startswith(".") or not path.name.endswith(PROJECT_SUFFIXES):
            continue
        rel = path.relative_to(root).as_posix()
        if path.is_dir():  # a folder named 观山湖区.yaml: said, not silently passed over
            folder_problem = Diagnostic(rel, "not-a-file", "与自评文件同名的文件夹，未读取", "warning")
            loaded.append(AssessmentFile(rel, month, None, None, [folder_problem]))
            continue
        # anything else (a pipe, a device, an unreadable file) is read, and refused, by read_yaml
        if not is_utf8_name(path.name):
            unreadable = bad_file_name(rel.rpartition("/")[0], path.name)
            loaded.append(AssessmentFile(unreadable.path, month, None, None, [unreadable]))
            continue
        loaded.append(load_assessment_file(root, path, rel, month, registry))
    by_district: dict[str, list[AssessmentFile]] = {}
    for item in loaded:
        if item.district is not None:
            by_district.setdefault(item.district, []).append(item)
    for district, group in by_district.items():
        if len(group) < 2:
            continue
        for item in group:
            others = "、".join(other.path for other in group if other is not item)
            item.diagnostics.append(
                Diagnostic(
                    item.path,
                    "duplicate-assessment",
                    f"{district} {month} 有多个自评文件，另见 {others}",
                    hint="每个区县每月一个自评文件",
                )
            )
    return loaded


def load_assessment_file(root: Path, path: Path, rel: str, month: str, registry: Registry) -> AssessmentFile:
    diagnostics: list[Diagnostic] = []
    district: str | None = None
    try:
        district = registry.district(Path(rel).stem)
    except NameNotFound as error:
        diagnostics.append(
            Diagnostic(
                rel,
                "unknown-district",
                f"文件名不是区县：{error.message}",
                hint=error.hint or "文件名用区县名称",
            )
        )
    from baozufang_cli.ledger.read import locate_all, read_yaml
    from baozufang_cli.models import Assessment

    data, text, read_problems = read_yaml(path, rel)
    if data is None:
        return AssessmentFile(rel, month, district, None, diagnostics + read_problems)
    assessment, schema_problems = validate(data, Assessment, rel)
    missing: set[str] = set()
    if assessment is not None:
        schema_problems += _check_claims(root, rel, assessment, registry, missing)
    diagnostics += locate_all(schema_problems, text)
    return AssessmentFile(rel, month, district, assessment, diagnostics, frozenset(missing))


def _check_claims(
    root: Path, rel: str, assessment: Assessment, registry: Registry, missing: set[str]
) -> list[Diagnostic]:
    items = {item.key: item for item in registry.criteria.evaluation}
    out: list[Diagnostic] = []
    for key, claim in assessment.items.items():
        where: tuple[str | int, ...] = ("items", key)
        item = items.get(key)
        if item is None:
            guess = closest(key, [k for k, i in items.items() if i.manual is not None])
            out.append(
                Diagnostic(
                    rel,
                    "unknown-item",
                    f"测评细则中没有评价项 {key}",
                    hint=f"是否为 {guess}？" if guess else "自评项的代码见 criteria.yaml 的 evaluation",
                    loc=(*where, "@key"),
                )
            )
            continue
        if item.manual is None:
            out.append(
                Diagnostic(
                    rel,
                    "auto-item",
                    f"{item.label}（{key}）由 bzf 按台账自动计分，自评分不计入",
                    "warning",
                    hint="删除此项，或把说明写在 note 里",
                    loc=(*where, "@key"),
                )
            )
            continue
        if claim.score > item.points:
            out.append(
                Diagnostic(
                    rel,
                    "score-exceeds",
                    f"{item.label}自评 {claim.score:g} 分，超过该项分值 {item.points:g} 分",
                    loc=(*where, "score"),
                )
            )
        if claim.score > 0 and not claim.evidence:
            out.append(
                Diagnostic(
                    rel,
                    "no-evidence",
                    f"{item.label}自评 {claim.score:g} 分，没有印证材料",
                    "warning",
                    hint="在 evidence 下列出材料 {title, file}",
                    loc=(*where, "score"),
                )
            )
        for j, evidence in enumerate(claim.evidence):
            problem = _evidence_problem(root, evidence.file)
            if problem is None:
                continue
            code, message, severity = problem
            if code == "missing-evidence":
                missing.add(evidence.file)
            out.append(
                Diagnostic(
                    rel,
                    code,
                    message,
                    severity,  # type: ignore[arg-type]
                    hint="路径相对台账目录，例如 evidence/2024-06/观山湖区/会议纪要.pdf",
                    loc=(*where, "evidence", j, "file"),
                )
            )
    return out


def _evidence_problem(root: Path, file: str) -> tuple[str, str, str] | None:
    """(code, message, severity) when an evidence path is unsafe or names no file; None when fine."""
    posix = PurePosixPath(file.replace("\\", "/"))
    if posix.is_absolute() or ".." in posix.parts or ":" in file:
        return "bad-evidence-path", f"印证材料路径须在台账目录内：{file}", "error"
    target = root / posix
    try:
        if not is_inside(target, root):
            return "bad-evidence-path", f"印证材料路径经符号链接指向台账之外：{file}", "error"
        mode = target.stat().st_mode
    except FileNotFoundError:
        return "missing-evidence", f"印证材料文件不存在：{file}", "warning"
    except OSError as error:  # a folder on the way without permission, a link loop …
        return "missing-evidence", f"印证材料文件无法查看（{_read_reason(error)}）：{file}", "warning"
    if stat.S_ISDIR(mode):
        return "missing-evidence", f"印证材料是文件夹，不是文件：{file}", "warning"
    if not stat.S_ISREG(mode):
        return "missing-evidence", f"印证材料是{special_kind(mode)}，不是普通文件：{file}", "warning"
    return None


def _read_reason(error: OSError) -> str:
    from baozufang_cli.ledger.read import read_reason

    return read_reason(error)
