"""Records mirror the models field for field, and the cache's encoding rebuilds them exactly."""

from __future__ import annotations

import marshal
import types
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import pytest
from pydantic import BaseModel

from baozufang_cli import models
from baozufang_cli.facts import records
from baozufang_cli.ledger.load import load_ledger
from tests.benchmarks_support import generate


def state(value: Any) -> Any:
    """Everything observable about a record tree: types at every level, values, list identity aside."""
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return (type(value), tuple(state(v) for v in value))
    if isinstance(value, list):
        return [state(v) for v in value]
    return (type(value), value)


def _unwrap(annotation: Any) -> Any:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        args = [a for a in get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else annotation
    return annotation


@pytest.mark.parametrize(
    "record", [r for r in records.SPEC if r not in records.DERIVED], ids=lambda r: r.__name__
)
def test_every_record_mirrors_its_model(record: type) -> None:
    model: type[BaseModel] = getattr(models, record.__name__)
    extra = tuple(records.EXTRA.get(record, {}))
    assert record._fields == (*model.model_fields, *extra)  # type: ignore[attr-defined]
    spec = records.SPEC[record]
    for name, info in model.model_fields.items():
        kind = _unwrap(info.annotation)
        if kind is date:
            assert spec.get(name) == (records.DATE, None), name
        elif isinstance(kind, type) and issubclass(kind, BaseModel):
            assert spec.get(name) == (records.RECORD, getattr(records, kind.__name__)), name
        elif (
            get_origin(kind) is list
            and isinstance(inner := _unwrap(get_args(kind)[0]), type)
            and (issubclass(inner, BaseModel))
        ):
            assert spec.get(name) == (records.RECORDS, getattr(records, inner.__name__)), name
        else:
            assert name not in spec, name


def test_every_model_of_a_cached_file_has_a_record() -> None:
    for name in ("Project", "Milestone", "Problem", "Certificate", "FundingSource", "Funding", "Operations"):
        assert getattr(records, name) in records.SPEC
    for name in (
        "Targets",
        "Criteria",
        "District",
        "SupplyType",
        "MilestoneSpec",
        "Settings",
        "EvaluationItem",
    ):
        assert getattr(records, name) in records.SPEC


@pytest.fixture(scope="module")
def ledger_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("ledger"), 60, seed=3)


def test_generated_projects_round_trip_exactly(ledger_root: Path) -> None:
    ledger = load_ledger(ledger_root, use_cache=False)
    assert len(ledger.projects) == 60
    decode = records.decoder(records.Project)
    for project in ledger.projects:
        assert type(project) is records.Project
        stored = marshal.loads(marshal.dumps(records.encode(project)))  # plain data only: no pickles
        rebuilt = decode(stored)
        assert state(rebuilt) == state(project)
    for record, value in ((records.Targets, ledger.targets), (records.Criteria, ledger.criteria)):
        assert type(value) is record
        assert state(records.decoder(record)(marshal.loads(marshal.dumps(records.encode(value))))) == state(
            value
        )


def test_values_keep_the_types_validation_gave_them() -> None:
    project = models.Project.model_validate(
        {
            "id": "A-1",
            "name": "甲",
            "district": "南明区",
            "supply_type": "new_build",
            "units": 5,
            "plan_year": 2024,
            "floor_area_m2": 300,  # an int in YAML, a float once validated
            "milestones": [{"name": "开工", "planned": "2024-02-29", "actual": date(2024, 3, 1)}],
            "funding": {"total_wan": 1.5, "sources": [{"kind": "企业自筹", "planned_wan": 1}]},
        }
    )
    record = records.from_model(records.Project, project)
    rebuilt = records.decoder(records.Project)(records.encode(record))
    assert state(rebuilt) == state(record)
    assert type(rebuilt.floor_area_m2) is float
    assert rebuilt.milestones[0].planned == date(2024, 2, 29)
    assert rebuilt.milestone("开工") == rebuilt.milestones[0] and rebuilt.milestone("竣工") is None
    assert rebuilt.funding is not None and rebuilt.funding.sources[0].planned_wan == 1.0
    assert rebuilt.tags == [] and rebuilt.tags is not record.tags  # each record owns its lists


def test_a_model_encodes_as_its_record_does(ledger_root: Path) -> None:
    # a cold load encodes the validated model straight away (records.encode_any) and keeps no record
    from baozufang_cli.ledger.load import load_project_file
    from baozufang_cli.ledger.registry import Registry

    ledger = load_ledger(ledger_root, use_cache=False)
    registry = Registry(ledger.targets, ledger.criteria)
    for path in sorted((ledger_root / "projects").rglob("*.yaml")):
        rel = path.relative_to(ledger_root).as_posix()
        result = loader_result(path, rel, registry)
        assert result.project is not None and isinstance(result.project, models.Project)
        record = records.from_model(records.Project, result.project)
        assert records.encode_any(records.Project, result.project) == records.encode(record)
        assert records.encode_any(records.Project, record) == records.encode(record)
        assert load_project_file(path, rel, registry).project == record
    for record, model in ((records.Targets, models.Targets), (records.Criteria, models.Criteria)):
        value = getattr(ledger, record.__name__.lower())
        validated = model.model_validate(
            __import__("yaml").safe_load(
                (ledger_root / f"{record.__name__.lower()}.yaml").read_text(encoding="utf-8")
            )
        )
        assert records.encode_any(record, validated) == records.encode(records.from_model(record, validated))
        assert type(value) is record


def loader_result(path: Path, rel: str, registry: object) -> Any:
    from baozufang_cli.ledger import load as loader

    return loader._load_project(path, rel, registry, None, True)[0]  # type: ignore[arg-type]
