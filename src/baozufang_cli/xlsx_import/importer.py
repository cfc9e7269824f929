"""``bzf import xlsx``: a spreadsheet 台账 into the ledger — every row or none.

1. **Read**: the sheet (``--sheet``, else 项目台账, else the first with a header); the header
   row is found among the first rows (``import_columns``), merged title rows are skipped, and
   so are 合计/小计 rows and notes under the table.
2. **Plan** every row before writing anything. A row is matched to a project by 项目编号, or —
   when the sheet has no ids — by name and district, so running the same import twice finds
   the projects the first run created and never duplicates them. A matched project is
   updated through the round-trip writer (``edit.Document``, ``set_value``): only values
   that differ are written, comments and layout stay; an empty cell never clears a value. An
   unmatched row becomes a new file (``formatting.project_text``) with an id generated like
   ``bzf new`` does (district prefix, plan year, next number). Every result is validated
   with ``bzf check``'s rules; each row that cannot be imported is reported with its reasons.
3. **Write** only when every row can be imported: each file atomically; if one write fails,
   the files already written are restored (new ones removed) — an import is never half done.

Ids are checked against the id pattern (letters, digits, ``-``, ``_``): a cell such as
``../x`` is refused, so no file is ever written outside ``projects/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from baozufang_cli.files import read_regular
from baozufang_cli.ledger.registry import NameNotFound
from baozufang_cli.xlsx_import.apply import RowRefused, apply_row, differs, project_values
from baozufang_cli.xlsx_import.columns import ColumnMap
from baozufang_cli.xlsx_import.rows import FIELD_TITLES, Parsed, has_value, parse_row, resolve_milestones
from baozufang_cli.xlsx_import.sheets import SheetData, read_book

if TYPE_CHECKING:
    from baozufang_cli.edit.document import Document
    from baozufang_cli.edit.values import Change
    from baozufang_cli.facts.records import Project
    from baozufang_cli.ledger.registry import Registry

REQUIRED = ("name", "district", "supply_type", "units", "plan_year")


def read_sheet(path: Path, mapping: ColumnMap, sheet_name: str | None = None) -> SheetData:
    """One sheet: ``sheet_name``, else 项目台账 (bzf's export), else the first with a header."""
    book = read_book(path, mapping, [sheet_name] if sheet_name else None)
    return next((s for s in book.sheets if s.name == "项目台账"), book.sheets[0])


# ------------------------------------------------------------------ the ledger's projects


@dataclass
class _Index:
    files: dict[str, tuple[Path, str]]  # file stem (case-folded) → (path, rel)
    stems: dict[str, str]  # case-folded → the stem as written
    by_name: dict[tuple[str, str], list[str]]  # (name, district) → ids
    pairs: list[tuple[str, str]]  # (id, district) for id prefixes
    ids: set[str]
    projects: dict[str, Project]  # file stem (case-folded) → the loaded project (files that parse)


def _index(root: Path) -> _Index:
    from baozufang_cli.ledger.discover import discover
    from baozufang_cli.ledger.load import LedgerUnusable, load_ledger

    files, _ = discover(root)
    try:
        ledger = load_ledger(root)
        projects = ledger.projects
        by_stem = {Path(ledger.path(p)).stem.casefold(): p for p in projects}
    except LedgerUnusable:
        projects, by_stem = [], {}
    by_name: dict[tuple[str, str], list[str]] = {}
    for project in projects:
        by_name.setdefault((project.name.strip(), project.district), []).append(project.id)
    return _Index(
        {path.stem.casefold(): (path, rel) for path, rel in files},
        {path.stem.casefold(): path.stem for path, _ in files},
        by_name,
        [(p.id, p.district) for p in projects],
        {path.stem for path, _ in files} | {p.id for p in projects},
        by_stem,
    )


# ------------------------------------------------------------------ planning


@dataclass
class Action:
    row: int
    kind: str  # "new", "update" or "same"
    rel: str
    path: Path
    project_id: str
    name: str
    text: str | None = None  # a new file
    values: dict[str, Any] | None = None  # a new file's content
    sheet: str = ""
    document: Document | None = None  # an updated file
    changes: list[Change] = field(default_factory=list)


@dataclass
class Plan:
    sheets: list[SheetData]
    actions: list[Action] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # each names its sheet, cell or row
    warnings: list[str] = field(default_factory=list)
    refused_rows: set[tuple[str, int]] = field(default_factory=set)  # (sheet, row)

    @property
    def sheet(self) -> str:
        return "、".join(sheet.name for sheet in self.sheets)

    def count(self, kind: str) -> int:
        return sum(action.kind == kind for action in self.actions)


def plan_import(
    root: Path, registry: Registry, sheets: SheetData | list[SheetData], mapping: ColumnMap, source: str
) -> Plan:
    """What importing the rows of ``sheets`` would do, every row validated; nothing is written.
    ``source`` is the workbook's file name, written into the first lines of new files."""
    index = _index(root)
    sheets = [sheets] if isinstance(sheets, SheetData) else sheets
    plan = Plan(sheets)
    claimed: dict[str, str] = {}  # id (case-folded) → the row that imports it
    new_names: dict[tuple[str, str], str] = {}  # (name, district) → the row that creates it
    for sheet in sheets:
        header = sheet.header
        factors = {key: header.factors[i] for i, key in header.fields.items() if i in header.factors}
        sheet_defaults = (
            _sheet_defaults(sheet.name, registry) if len(sheets) > 1 or sheet.name != "项目台账" else {}
        )
        for number, cells in sheet.rows:
            defaults = {**mapping.defaults, **sheet_defaults, **sheet.sections.get(number, {})}
            _plan_row(
                root,
                registry,
                index,
                plan,
                sheet,
                number,
                cells,
                defaults,
                factors,
                source,
                claimed,
                new_names,
            )
    return plan


def _plan_row(
    root: Path,
    registry: Registry,
    index: _Index,
    plan: Plan,
    sheet: SheetData,
    number: int,
    cells: dict[str, Any],
    defaults: dict[str, Any],
    factors: dict[str, float],
    source: str,
    claimed: dict[str, str],
    new_names: dict[tuple[str, str], str],
) -> None:
    def locate(key: str | None) -> str:
        return sheet.where(number, key)

    here = locate(None)
    parsed = parse_row(number, cells, registry, factors, locate, sheet.literal)
    plan.warnings += parsed.warnings
    project_id, reason = _match(parsed, index, registry, defaults)
    if reason:
        parsed.reasons.append(reason)
    if project_id is not None:
        first = claimed.setdefault(project_id.casefold(), here)
        if first != here:
            parsed.reasons.append(f"项目编号 {project_id} 与 {first} 重复")
    try:
        if parsed.reasons:
            raise RowRefused(parsed.reasons)
        if project_id is not None and project_id.casefold() in index.files:
            action = _plan_update(root, registry, index, parsed, project_id)
        else:
            filled = {key: value for key, value in cells.items() if has_value(key, value, sheet.literal)}
            parsed = parse_row(number, {**defaults, **filled}, registry, factors, locate, sheet.literal)
            action = _plan_new(root, registry, index, parsed, project_id, source, new_names)
            index.ids.add(action.project_id)
            index.pairs.append((action.project_id, str(parsed.fields["district"])))
            claimed.setdefault(action.project_id.casefold(), here)
    except RowRefused as refused:
        plan.errors += [
            r if r.startswith((f"{sheet.name}!", "第 ")) else f"{here}：{r}" for r in refused.reasons
        ]
        plan.refused_rows.add((sheet.name, number))
        return
    action.sheet = sheet.name
    plan.actions.append(action)


def _sheet_defaults(name: str, registry: Registry) -> dict[str, Any]:
    """A sheet named after a district (观山湖区, 观山湖) holds that district's projects; one named
    after a year (2024年, 2024年度) that year's plan."""
    import re

    from baozufang_cli.xlsx_import.names import district_name

    found: dict[str, Any] = {}
    district = district_name(registry, name)
    if district is not None:
        found["district"] = district
    year = re.fullmatch(r"\s*(20\d\d)\s*(?:年|年度)?(?:计划|项目|台账)?\s*", name)
    if year:
        found["plan_year"] = int(year.group(1))
    return found


def _match(
    parsed: Parsed, index: _Index, registry: Registry, defaults: dict[str, Any]
) -> tuple[str | None, str]:
    """The id of the project a row is about (None: a new project without an id), or a reason."""
    project_id = parsed.project_id
    if project_id is not None:
        stem = index.stems.get(project_id.casefold())
        if stem is not None and stem != project_id:
            return None, f"项目编号 {project_id} 与已有项目 {stem} 只有大小写不同，请改为 {stem}"
        return project_id, ""
    name = parsed.fields.get("name")
    district = parsed.fields.get("district")
    if district is None and "district" in defaults:
        from baozufang_cli.xlsx_import.names import district_name

        district = district_name(registry, str(defaults["district"]))
    if not isinstance(name, str) or district is None:
        return None, ""
    found = index.by_name.get((name, str(district)), [])
    if len(found) > 1:
        return None, f"台账中有多个「{name}」（{'、'.join(found)}），请在表中填写项目编号"
    return (found[0], "") if found else (None, "")


def _plan_update(root: Path, registry: Registry, index: _Index, parsed: Parsed, project_id: str) -> Action:
    from baozufang_cli.edit.document import Document, EditRefused
    from baozufang_cli.edit.values import EditError

    path, rel = index.files[project_id.casefold()]
    loaded = index.projects.get(project_id.casefold())
    if loaded is not None:
        _resolve_milestones(parsed, registry, parsed.fields.get("supply_type") or loaded.supply_type, rel)
        if not differs(loaded, parsed):
            return Action(parsed.row, "same", rel, path, project_id, loaded.name)
    try:
        document = Document.read(path, rel)
    except EditRefused as refused:
        raise RowRefused([_refusal(refused)]) from None
    _resolve_milestones(
        parsed, registry, parsed.fields.get("supply_type") or document.data.get("supply_type"), rel
    )
    try:
        changes = apply_row(document.data, registry, parsed)
    except EditError as error:
        raise RowRefused([error.message + (f"，{error.hint}" if error.hint else "")]) from None
    name = str(document.data.get("name") or project_id)
    if not changes:
        return Action(parsed.row, "same", rel, path, project_id, name)
    try:
        document.prepare(registry)
    except EditRefused as refused:
        raise RowRefused([_refusal(refused)]) from None
    return Action(parsed.row, "update", rel, path, project_id, name, document=document, changes=changes)


def _resolve_milestones(parsed: Parsed, registry: Registry, supply_type: Any, rel: str) -> None:
    """Name the row's milestones by the project's supply type (once), or refuse the row."""
    if not parsed.milestones and any(key in parsed.fields for key in ("schedule", *_DATE_COLUMNS)):
        try:
            resolve_milestones(parsed, registry, registry.supply_type(str(supply_type)))
        except NameNotFound as error:
            raise RowRefused([f"{rel} 的筹集方式无法识别：{error.message}"]) from None
    if parsed.reasons:
        raise RowRefused(parsed.reasons)


_DATE_COLUMNS = ("start_planned", "start_actual", "delivered_planned", "delivered_actual")


def _refusal(refused: Any) -> str:
    details = [d.message + (f"（{d.hint}）" if d.hint else "") for d in refused.diagnostics]
    return "；".join(details) if details else refused.message


def _plan_new(
    root: Path,
    registry: Registry,
    index: _Index,
    parsed: Parsed,
    project_id: str | None,
    source: str,
    new_names: dict[tuple[str, str], str],
) -> Action:
    from baozufang_cli.edit.document import validate_text
    from baozufang_cli.edit.fmt import project_text
    from baozufang_cli.edit.new import id_prefix, next_project_id, project_folder, schema_pointer

    fields = parsed.fields
    if "plan_year" not in fields:
        year = _plan_year(parsed, registry)
        if year is not None:
            fields["plan_year"] = year
    missing = [key for key in REQUIRED if key not in fields]
    if missing:
        row = parsed.where()
        in_sheet = [f"{parsed.where(key)}：空，新项目须填写" for key in missing if parsed.where(key) != row]
        absent = [FIELD_TITLES[key] for key in missing if parsed.where(key) == row]
        if absent:
            in_sheet.append(f"{row}：新项目缺少「{'」「'.join(absent)}」（表中没有这一列）")
        raise RowRefused([*in_sheet, *parsed.reasons])
    if parsed.reasons:
        raise RowRefused(parsed.reasons)
    district = registry.districts[str(fields["district"])]
    key = (str(fields["name"]), district.name)
    if project_id is None:
        if key in new_names:
            raise RowRefused(
                [f"与 {new_names[key]} 是同名同区县的项目「{key[0]}」（{key[1]}）；"
                 "是同一个项目请删去一行，不是请在表中填写项目编号以区分"]
            )  # fmt: skip
        prefix = id_prefix(district, index.pairs) or fallback_prefix(registry, district.name)
        project_id = next_project_id(prefix, int(fields["plan_year"]), index.ids)
    new_names.setdefault(key, parsed.where())
    rel_path = project_folder(root, district) / f"{project_id}.yaml"
    target = root / rel_path
    projects = (root / "projects").resolve()
    if not target.resolve().is_relative_to(projects) or target.exists() or target.is_symlink():
        raise RowRefused([f"无法新建 {rel_path.as_posix()}：文件已存在或不在台账的 projects/ 中"])
    header = [
        f"yaml-language-server: $schema={schema_pointer(root, rel_path)}",
        f"由 bzf import 从 {source} {parsed.where()} 导入",
    ]
    values = project_values(parsed, registry, project_id)
    text = project_text(values, header)
    rel = rel_path.as_posix()
    result = validate_text(text, rel, registry)
    errors = [d for d in result.diagnostics if d.is_error]
    if errors:
        raise RowRefused([d.message + (f"（{d.hint}）" if d.hint else "") for d in errors])
    return Action(parsed.row, "new", rel, target, project_id, str(fields["name"]), text=text, values=values)


def fallback_prefix(registry: Registry, district: str) -> str:
    """The id prefix of a district with no code and no Latin alias in targets.yaml (贵安新区 and
    the 管委会 areas): ``D`` and its place in the list (``D03``), stable while the list keeps its
    order — and once the district has projects, their prefix is used. Set ``code`` to choose one."""
    return f"D{registry.district_order[district] + 1:02d}"


def _plan_year(parsed: Parsed, registry: Registry) -> int | None:
    """No 计划年度 column: the year the project starts (planned or actual), else the delivery year."""
    supply_type = parsed.fields.get("supply_type")
    if not isinstance(supply_type, str):
        return None
    spec = registry.supply_types[supply_type]
    for name, when in ((spec.start_milestone, "planned"), (spec.start_milestone, "actual"),
                       (spec.delivered_milestone, "planned")):  # fmt: skip
        day = parsed.milestones.get(name, {}).get(when)
        if isinstance(day, date):
            return day.year
    return None


# ------------------------------------------------------------------ writing: all or nothing


def apply_plan(plan: Plan, registry: Registry, root: Path | None = None) -> None:
    """Write every new and updated file, all or nothing: a journal (``journal.py``) records what
    is about to change; when a write fails or the import is interrupted, the ledger is restored
    as it was (updated files get their old bytes back, new files and the folders made for them
    go) and the failure re-raised; when the process is killed, the next load restores it."""
    from baozufang_cli.edit.document import write_new_file
    from baozufang_cli.xlsx_import.journal import Journal, interruptible, shielded

    writes = [action for action in plan.actions if action.kind in ("new", "update")]
    if not writes:
        return
    if root is None:
        first = writes[0]
        root = first.path.parents[len(Path(first.rel).parts) - 1]
    journal = Journal(root)
    for action in writes:
        rel = action.path.relative_to(root).as_posix() if action.path.is_relative_to(root) else action.rel
        if action.kind == "new":
            journal.created.append(rel)
            for folder in reversed(action.path.parents):
                if folder.is_relative_to(root) and folder != root and not folder.exists():
                    name = folder.relative_to(root).as_posix()
                    if name not in journal.folders:
                        journal.folders.append(name)
        else:
            journal.originals[rel] = read_regular(action.path)  # swapped for a pipe since: not waited on
    with interruptible():
        journal.begin()
        try:
            for action in writes:
                if action.kind == "new":
                    assert action.text is not None
                    write_new_file(action.path, action.rel, action.text, registry)
                else:
                    assert action.document is not None
                    action.document.save(registry)
        except BaseException:
            with shielded():
                journal.roll_back()
            raise
        journal.finish()
