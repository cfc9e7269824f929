"""Fill an SQLite database (``schema.TABLES`` + ``views.VIEWS``) from one or more ledgers as of D.

Pure apart from the connection it is given: the ledgers, their city names, their git facts and
self-assessments come in (``City``), rows go out. Every fact comes from ``facts/`` — the same
definitions the reports use — so ``v_status_by_district`` equals ``bzf status`` and so on.
Nothing after D enters: actual, closing, certificate, opening and receipt dates after D are
NULL, problems raised after D are left out, and money received after D counts 0
(``facts.project.funding_as_of``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from baozufang_cli import __version__
from baozufang_cli.facts.pace import LIGHT_LABELS, project_light
from baozufang_cli.facts.project import funding_as_of, project_progress
from baozufang_cli.sql import schema
from baozufang_cli.sql.views import VIEWS

if TYPE_CHECKING:
    from baozufang_cli.facts.records import Project
    from baozufang_cli.ledger.assessments import Assessments
    from baozufang_cli.ledger.registry import Ledger


@dataclass
class City:
    """One ledger of the database: a city of the province."""

    name: str
    ledger: Ledger
    path: str = ""
    commit: str | None = None
    last_commit_on: date | None = None
    assessments: Assessments | None = None


Row = tuple[Any, ...]


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _upto(value: date | None, as_of: date) -> str | None:
    """A date as known on D: a date after D is not yet known."""
    return value.isoformat() if value is not None and value <= as_of else None


def _flag(value: bool) -> int:
    return 1 if value else 0


def create(conn: sqlite3.Connection) -> None:
    for statement in schema.ddl():
        conn.execute(statement)
    for view in VIEWS:
        conn.execute(f'CREATE VIEW "{view.name}" AS {view.sql}')


def build(
    conn: sqlite3.Connection, cities: Sequence[City], as_of: date, generated_at: str | None = None
) -> None:
    """Create the schema in ``conn`` and fill it; one transaction."""
    conn.execute("PRAGMA foreign_keys = ON")
    with conn:
        create(conn)
        tables: dict[str, list[Row]] = {t.name: [] for t in schema.TABLES}
        for position, city in enumerate(cities):
            _city_rows(tables, city, position, as_of)
        meta = {
            "as_of": as_of.isoformat(),
            "bzf_version": __version__,
            "generated_at": generated_at,
            "cities": str(len(cities)),
        }
        tables["meta"] = list(meta.items())
        tables["columns"] = list(_column_rows())
        for table in schema.TABLES:
            conn.executemany(schema.insert_sql(table), tables[table.name])


def _column_rows() -> Iterable[Row]:
    for table in schema.TABLES:
        for col in table.columns:
            yield (table.name, col.name, col.label, col.type, col.description or col.label)
    for view in VIEWS:
        for name, label, kind in view.columns:
            yield (view.name, name, label, kind, label)


def _city_rows(tables: dict[str, list[Row]], city: City, position: int, as_of: date) -> None:
    ledger = city.ledger
    registry = ledger.registry
    name = city.name
    valid = ledger.valid_projects()
    excluded = len({d.path for d in ledger.errors})
    tables["cities"].append(
        (name, ledger.name, city.path, position, len(valid), excluded, city.commit,
         _upto(city.last_commit_on, as_of))
    )  # fmt: skip
    for index, district in enumerate(ledger.targets.districts):
        tables["districts"].append(
            (name, district.name, district.code, district.kind, "、".join(district.aliases), index)
        )
    for index, spec in enumerate(ledger.criteria.supply_types):
        tables["supply_types"].append(
            (name, spec.key, spec.label, registry.short_label(spec.key), spec.start_milestone,
             spec.delivered_milestone, index)
        )  # fmt: skip
    for project in valid:
        _project_rows(tables, city, project, as_of)
    for target in ledger.targets.district_targets:
        for metric in ("started", "delivered"):
            tables["targets"].append(
                (name, target.district, target.year, metric, getattr(target, metric), None, None, target.note)
            )
    for city_target in ledger.targets.city_targets:
        tables["targets"].append(
            (name, None, city_target.year, city_target.metric, city_target.units,
             _flag(city_target.cumulative), city_target.tag, city_target.note)
        )  # fmt: skip
    for key, text in ledger.criteria.queries.items():
        tables["queries"].append((name, key, text))
    if city.assessments is not None:
        month = as_of.isoformat()[:7]
        for item in city.assessments.files:
            if item.assessment is None or item.district is None or item.has_errors or item.month > month:
                continue
            claims = item.assessment.items.values()
            tables["assessments"].append(
                (name, item.month, item.district, len(claims), sum(c.score for c in claims),
                 item.assessment.filled_by, _upto(item.assessment.submitted, as_of))
            )  # fmt: skip


def _project_rows(tables: dict[str, list[Row]], city: City, project: Project, as_of: date) -> None:
    ledger = city.ledger
    registry = ledger.registry
    name = city.name
    progress = project_progress(registry, project, as_of)
    start, delivered, stage, following = progress.start, progress.delivered, progress.stage, progress.next
    problems = progress.problems
    funding = funding_as_of(project.funding, as_of)
    sources = funding.sources if funding is not None else []
    certificate = project.certificate
    district = registry.districts.get(project.district)
    pace = project_light(progress, ledger.criteria.lights)
    tables["projects"].append(
        (
            name, project.id, project.name, project.district, district.code if district else None,
            project.supply_type, registry.supply_types[project.supply_type].label, project.plan_year,
            project.units, project.unit_kind, project.small_units, project.floor_area_m2,
            "、".join(project.tags), project.owner, project.owner, project.operator, project.responsible_unit,
            project.responsible_person, project.contact, project.address,
            certificate.no if certificate else None,
            _upto(certificate.date, as_of) if certificate else None,
            project.progress,
            _iso(start.planned) if start else None, _iso(start.actual) if start else None,
            _iso(delivered.planned) if delivered else None, _iso(delivered.actual) if delivered else None,
            progress.status, stage.name if stage else None,
            following.name if following else None, _iso(following.planned) if following else None,
            _flag(progress.is_overdue), pace.light, LIGHT_LABELS[pace.light], pace.days_overdue,
            funding.total_wan if funding else None, funding.completed_wan if funding else None,
            sum(s.planned_wan for s in sources) if funding else None,
            sum(s.received_wan for s in sources) if funding else None,
            sum(p.is_open for p in problems), sum(p.is_overdue for p in problems),
            _upto(project.updated, as_of), project.note, ledger.path(project),
        )
    )  # fmt: skip
    start_name, delivered_name = progress.start_name, progress.delivered_name
    for state in progress.milestones:
        tables["milestones"].append(
            (name, project.id, state.name, state.position, _iso(state.planned), _iso(state.actual),
             _flag(state.done), _flag(state.overdue), state.days_overdue, state.days_late,
             _flag(progress.skipped(state)), _flag(state.name == start_name),
             _flag(state.name == delivered_name))
        )  # fmt: skip
    for problem_state in problems:
        problem = problem_state.problem
        tables["problems"].append(
            (name, project.id, problem.id, problem.text, problem.category, problem.department,
             _iso(problem.raised), _iso(problem.due), _upto(problem.closed, as_of),
             problem.resolution, problem.measures, problem.person,
             _flag(problem_state.is_open), _flag(problem_state.is_overdue),
             problem_state.days_open, problem_state.days_overdue)
        )  # fmt: skip
    for index, source in enumerate(sources):
        tables["funding"].append(
            (name, project.id, index, source.kind, source.planned_wan, source.received_wan,
             _upto(source.received_on, as_of), source.note)
        )  # fmt: skip
    operations = project.operations
    if operations is not None:
        rent, market = operations.rent_yuan_m2, operations.market_rent_yuan_m2
        leased = operations.leased_units
        tables["operations"].append(
            (name, project.id, rent, market, round(rent / market, 4) if rent is not None and market else None,
             leased, round(leased / project.units, 4) if leased is not None else None,
             _upto(operations.opened, as_of), operations.admission, operations.contact)
        )  # fmt: skip
