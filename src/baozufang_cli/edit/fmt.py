"""``bzf fmt``: one canonical layout for ledger files, comments kept.

Canonical means: keys in the order of the schema (the models' field order; unknown keys
last, in their order), dates as unquoted ``YYYY-MM-DD`` (quoted ISO dates and the spellings
the loader refuses but can name, ``2024/3/5`` and ``2024年3月5日``, are rewritten), nulls
as ``null``, two-space indentation with list items indented under their key, one line per
flow mapping. Flow/block style of each collection, comments, quoting and line endings
(CRLF stays CRLF) are kept. Formatting its own output changes nothing.

A formatted file must mean exactly what the original meant, apart from the rewritten
dates: ``Document.save`` parses the result again before writing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from baozufang_cli.edit.canonical import as_date, in_order
from baozufang_cli.edit.document import Document, EditRefused
from baozufang_cli.edit.roundtrip import CANONICAL, dump
from baozufang_cli.edit.values import is_model, list_item, unwrap
from baozufang_cli.models import Assessment, Criteria, Project, Targets

__all__ = ["as_date", "canonicalize", "format_file", "formatted_text", "model_for", "project_text"]


def model_for(path: Path) -> tuple[type[BaseModel], bool]:
    """The schema of a file and whether its keys are put in schema order: targets.yaml and
    criteria.yaml by name, anything else is a project. Self-assessments keep their own key
    order (their authors put who filled them in first); their dates and layout are normalised."""
    if "assessments" in path.parts:
        return Assessment, False
    models: dict[str, type[BaseModel]] = {"targets": Targets, "criteria": Criteria}
    return models.get(path.stem, Project), True


def canonicalize(node: Any, model: type[BaseModel], reorder: bool = True) -> None:
    """Reorder keys and normalise dates of ``node`` (a round-trip mapping) in place, recursively."""
    if not hasattr(node, "move_to_end"):  # not a mapping (a broken file): leave it to bzf check
        return
    fields = model.model_fields
    for key, info in fields.items():
        if key not in node:
            continue
        kind = unwrap(info.annotation)
        value = node[key]
        if kind is date:
            node[key] = as_date(value)
        elif is_model(kind):
            canonicalize(value, kind, reorder)
        else:
            item = list_item(kind)
            if item is not None and is_model(item) and isinstance(value, list):
                for element in value:
                    canonicalize(element, item, reorder)
    known = [key for key in fields if key in node]
    unknown = [key for key in node if key not in fields]
    if reorder and list(node) != known + unknown:
        for key in known + unknown:
            node.move_to_end(key)  # CommentedMap keeps each key's comments with it


def formatted_text(document: Document, model: type[BaseModel], reorder: bool = True) -> str:
    tree = document.tree_to_rewrite()
    canonicalize(tree, model, reorder)
    return dump(tree, CANONICAL)


@dataclass
class Outcome:
    rel: str
    changed: bool  # the file differs (or differed) from its canonical layout
    reencoded: bool = False
    refused: EditRefused | None = None


def format_file(path: Path, rel: str, *, check: bool, fix_encoding: bool) -> Outcome:
    """Format one file (``check``: only tell whether it would change)."""
    try:
        document = Document.read(path, rel, fix_encoding=fix_encoding, parse=False)
        model, reorder = model_for(path)
        if not document.reencoded and document.reproduces() and in_order(document.plain, model, reorder):
            return Outcome(rel, False)  # already canonical, proved without ruamel's slow round trip
        text = formatted_text(document, model, reorder)
        changed = document.reencoded or text != document.text
        if check or not changed:
            if changed:
                document.prepare(None, text=text, check=False)  # the same safety check as a write
            return Outcome(rel, changed, document.reencoded)
        document.save(None, text=text, check=False)
        return Outcome(rel, True, document.reencoded)
    except EditRefused as refused:
        return Outcome(rel, False, refused=refused)


def project_text(values: dict[str, Any], header: list[str] | None = None) -> str:
    """The canonical text of a new project file from plain data (for importers).

    ``values`` is what the file should mean: dates as ``datetime.date`` or ``YYYY-MM-DD``
    text, nested mappings and lists as dicts and lists. Milestones, problems and funding
    sources are written one per line (``- {…}``), lists of words as ``[a, b]``; ``header``
    lines become comments at the top. Write it with ``edit.write_new_file``, which validates.
    """
    from ruamel.yaml.comments import CommentedMap

    document = _to_round_trip(values, top=True)
    if header:
        assert isinstance(document, CommentedMap)
        document.yaml_set_start_comment("\n".join(header))
    canonicalize(document, Project)
    return dump(document, CANONICAL)


FLOW_FIELDS = {"certificate"}  # short records written on one line, like docs/format.md's example


def _to_round_trip(value: Any, top: bool = False, flow: bool = False, in_flow: bool = False) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from baozufang_cli.edit.roundtrip import flow_safe

    if isinstance(value, dict):
        inline = flow and not any(isinstance(item, dict | list) for item in value.values())
        mapping = CommentedMap(
            (key, _to_round_trip(item, flow=top and key in FLOW_FIELDS, in_flow=inline))
            for key, item in value.items()
        )
        if inline:
            mapping.fa.set_flow_style()
        return mapping
    if isinstance(value, list):
        inline = all(not isinstance(item, dict | list) for item in value)
        items = CommentedSeq(_to_round_trip(item, flow=True, in_flow=inline) for item in value)
        if inline:
            items.fa.set_flow_style()
        return items
    return flow_safe(value) if in_flow else value
