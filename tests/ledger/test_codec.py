"""The cache's codec rebuilds validated models exactly: same values, types, field order and fields_set."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, PrivateAttr

from baozufang_cli.ledger.codec import Unsupported, plan
from baozufang_cli.ledger.load import load_ledger
from baozufang_cli.models import Criteria, Milestone, Project, Targets
from tests.benchmarks_support import generate


def state(value: Any) -> Any:
    """Everything observable about a model tree, including what model_dump hides."""
    if isinstance(value, BaseModel):
        return (
            type(value),
            list(value.__dict__),
            sorted(value.__pydantic_fields_set__),
            value.__pydantic_extra__,
            value.__pydantic_private__,
            {k: state(v) for k, v in value.__dict__.items()},
        )
    if isinstance(value, list):
        return [state(v) for v in value]
    return (type(value), value)


def roundtrip(instance: BaseModel) -> BaseModel:
    codec = plan(type(instance))
    return codec.decode(codec.encode(instance))


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> list[Project]:
    root = generate(tmp_path_factory.mktemp("ledger"), 60, seed=3)
    return load_ledger(root, use_cache=False).projects


def test_generated_projects_are_rebuilt_exactly(projects: list[Project]) -> None:
    assert len(projects) == 60
    for project in projects:
        rebuilt = roundtrip(project)
        assert rebuilt == project
        assert state(rebuilt) == state(project)
        assert rebuilt.model_dump(exclude_unset=True) == project.model_dump(exclude_unset=True)
        assert rebuilt.model_dump_json() == project.model_dump_json()


def test_unset_fields_stay_unset_and_instances_do_not_share_state() -> None:
    minimal = Project.model_validate(
        {
            "id": "A-1",
            "name": "甲",
            "district": "南明区",
            "supply_type": "new_build",
            "units": 5,
            "plan_year": 2024,
        }
    )
    first, second = roundtrip(minimal), roundtrip(minimal)
    assert state(first) == state(minimal)
    assert first.model_dump(exclude_unset=True) == minimal.model_dump(exclude_unset=True)
    first.note = "改"
    first.tags.append("新标签")
    assert "note" in first.model_fields_set and "note" not in second.model_fields_set
    assert second.tags == [] and minimal.tags == []


def test_values_keep_their_exact_types() -> None:
    project = Project.model_validate(
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
    rebuilt = roundtrip(project)
    assert state(rebuilt) == state(project)
    assert type(rebuilt.floor_area_m2) is float
    assert rebuilt.milestones[0].planned == date(2024, 2, 29)


def test_config_models_are_supported() -> None:
    for model in (Project, Milestone, Targets, Criteria):
        plan(model)


def test_unsupported_shapes_are_refused() -> None:
    class WithDatetime(BaseModel):
        at: datetime

    class WithSet(BaseModel):
        tags: set[str]

    class WithPrivate(BaseModel):
        name: str
        _secret: int = PrivateAttr(default=0)

    for model in (WithDatetime, WithSet, WithPrivate):
        with pytest.raises(Unsupported):
            plan(model)


def test_cache_files_hold_no_pickles(tmp_path: Path) -> None:
    # marshal cannot store arbitrary objects: an encoded project is plain data only
    import marshal

    project = Project.model_validate(
        {
            "id": "A-1",
            "name": "甲",
            "district": "南明区",
            "supply_type": "new_build",
            "units": 5,
            "plan_year": 2024,
        }
    )
    assert marshal.loads(marshal.dumps(plan(Project).encode(project))) == plan(Project).encode(project)
