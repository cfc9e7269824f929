"""`bzf schema`: the JSON Schemas validate real ledger files, reject broken ones, and speak Chinese."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from baozufang_cli.edit.schema import schema_texts
from baozufang_cli.ledger import yamlread
from tests.conftest import DATA, SAMPLE, run

SCHEMAS = {name: json.loads(text) for name, text in schema_texts().items()}


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = SCHEMAS[name]
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def load(path: Path) -> Any:
    # what an editor sees: YAML 1.2 values, dates as text
    return yamlread.load(path.read_text(encoding="utf-8-sig"))


def project_files() -> list[Path]:
    return sorted((SAMPLE / "projects").rglob("*.yaml")) + sorted(
        (DATA / "typical" / "projects").rglob("*.yaml")
    )


@pytest.mark.parametrize(
    ("schema", "path"),
    [
        ("targets.schema.json", SAMPLE / "targets.yaml"),
        ("criteria.schema.json", SAMPLE / "criteria.yaml"),
        ("targets.schema.json", DATA / "base" / "targets.yaml"),
        ("criteria.schema.json", DATA / "base" / "criteria.yaml"),
    ],
    ids=lambda value: value if isinstance(value, str) else value.relative_to(DATA.parent.parent).as_posix(),
)
def test_the_sample_configuration_is_valid(schema: str, path: Path) -> None:
    assert list(validator(schema).iter_errors(load(path))) == []


@pytest.mark.parametrize(
    "path", sorted((SAMPLE / "assessments").rglob("*.yaml")), ids=lambda p: p.as_posix()[-20:]
)
def test_every_sample_self_assessment_is_valid(path: Path) -> None:
    assert list(validator("assessment.schema.json").iter_errors(load(path))) == []


@pytest.mark.parametrize("path", project_files(), ids=lambda p: p.name)
def test_every_sample_project_file_is_valid(path: Path) -> None:
    assert list(validator("project.schema.json").iter_errors(load(path))) == []


def test_a_file_made_by_bzf_new_is_valid(tmp_path: Path) -> None:
    root = tmp_path / "ledger"
    assert run("init", root).exit_code == 0
    args = ("-d", "南明", "-t", "conversion", "--name", "甲", "--units", "50", "--deliver-by", "2026-06-30")
    assert run("new", *args, "--data", root).exit_code == 0
    (path,) = (root / "projects").rglob("*.yaml")
    assert list(validator("project.schema.json").iter_errors(load(path))) == []


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"units": "十"}, ["units"]),
        ({"units": 0}, ["units"]),
        ({"unit_kind": "栋"}, ["unit_kind"]),
        ({"updated": "2024-13-45"}, ["updated"]),
        ({"updated": "2024/3/5"}, ["updated"]),
        ({"id": "观-1"}, ["id"]),
        ({"colour": "red"}, []),
        ({"milestones": [{"name": "开工", "actual": "soon"}]}, ["milestones", 0, "actual"]),
        ({"operations": {"leased_units": -1}}, ["operations", "leased_units"]),
    ],
)
def test_a_broken_project_is_rejected_where_it_is_broken(change: dict[str, Any], where: list[Any]) -> None:
    data = load(DATA / "typical" / "projects" / "观山湖" / "G-1.yaml") | change
    errors = list(validator("project.schema.json").iter_errors(data))
    assert errors, change
    assert list(jsonschema.exceptions.best_match(errors).absolute_path) == where


def test_a_project_without_a_name_is_rejected() -> None:
    data = load(DATA / "typical" / "projects" / "观山湖" / "G-1.yaml")
    del data["name"]
    assert [e.validator for e in validator("project.schema.json").iter_errors(data)] == ["required"]


def test_an_unquoted_district_code_is_accepted_like_the_loader_does() -> None:
    data = {"plan": "计划", "districts": [{"name": "观山湖区", "code": 520115}]}
    assert list(validator("targets.schema.json").iter_errors(data)) == []


def _properties(node: Any, trail: str = "") -> list[tuple[str, dict[str, Any]]]:
    found = []
    if isinstance(node, dict):
        for key, value in node.get("properties", {}).items():
            found.append((f"{trail}.{key}", value))
        for key, value in node.items():
            found += _properties(value, f"{trail}.{key}" if key != "properties" else trail)
    elif isinstance(node, list):
        for value in node:
            found += _properties(value, trail)
    return found


def _chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_field_has_a_chinese_title_and_description(name: str) -> None:
    schema = SCHEMAS[name]
    assert _chinese(schema["title"]) and _chinese(schema["description"])
    properties = _properties(schema)
    assert len(properties) > 5
    for where, prop in properties:
        assert _chinese(prop.get("title", "")), where
        assert _chinese(prop.get("description", "")), where
    for definition in schema.get("$defs", {}).values():
        assert _chinese(definition["title"])


def test_dates_are_date_formatted_strings() -> None:
    updated = SCHEMAS["project.schema.json"]["properties"]["updated"]
    assert {"type": "string", "format": "date"} in updated["anyOf"]


def test_bzf_schema_writes_every_schema(tmp_path: Path, ledger) -> None:  # type: ignore[no-untyped-def]
    result = run("schema", "-o", tmp_path / "out")
    assert result.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(SCHEMAS)
    root = ledger("base")
    assert run("schema", "--data", root).exit_code == 0
    for name, text in schema_texts().items():
        assert (root / "schema" / name).read_text(encoding="utf-8") == text


def test_the_sample_ledger_ships_current_schemas() -> None:
    for name, text in schema_texts().items():
        shipped = (SAMPLE / "schema" / name).read_text(encoding="utf-8")
        assert shipped == text, f"data/schema/{name} is stale: run bzf schema --data data"
