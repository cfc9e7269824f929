"""JSON Schemas of the ledger files, generated from the models (``bzf schema``): project files,
targets.yaml, criteria.yaml and the monthly self-assessments.

Editors use them for hover help and live errors: the VS Code YAML extension reads the
``# yaml-language-server: $schema=…`` line that ``bzf new`` writes at the top of a project
file, and the ``yaml.schemas`` setting that ``bzf init`` writes. Every property carries the
model field's Chinese ``title`` and ``description``; dates are ``format: date`` strings.

The schema checks the shape of one file. Rules across files and against the registry
(known districts, milestone order, …) remain ``bzf check``'s job.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from baozufang_cli.models import Assessment, Criteria, Project, Targets

SCHEMA_DIR = "schema"
DIALECT = "https://json-schema.org/draft/2020-12/schema"

SCHEMAS: dict[str, tuple[type[BaseModel], str, str]] = {
    "project.schema.json": (
        Project,
        "保障性租赁住房项目文件",
        "bzf 台账格式 v1：projects/ 下一个项目一个文件，文件名（不含 .yaml）= 项目编号",
    ),
    "targets.schema.json": (
        Targets,
        "区县名录与目标（targets.yaml）",
        "bzf 台账格式 v1：区县名录、全市目标、区县年度目标",
    ),
    "criteria.schema.json": (
        Criteria,
        "筹集方式与标准（criteria.yaml）",
        "bzf 台账格式 v1：筹集方式的节点序列与标准工期、启动建设/建成交付标准、问题类别、资金来源类别、测评细则",
    ),
    "assessment.schema.json": (
        Assessment,
        "区县月度自评文件",
        "bzf 台账格式 v1：assessments/<YYYY-MM>/<区县>.yaml，评价项代码 → 自评分、说明、印证材料",
    ),
}

# Chinese names of the nested objects (the models' class names are English)
MODEL_TITLES = {
    "District": "区县",
    "CityTarget": "全市目标",
    "DistrictTarget": "区县年度目标",
    "SupplyType": "筹集方式",
    "MilestoneSpec": "标准节点",
    "Milestone": "倒排工期节点",
    "Problem": "问题",
    "Certificate": "项目认定书",
    "FundingSource": "资金来源",
    "Funding": "资金（万元）",
    "Operations": "运营情况",
    "Settings": "参数",
    "Lights": "红黄绿灯阈值",
    "EvaluationItem": "测评项",
    "AutoScoring": "自动计分",
    "ManualScoring": "自评计分",
    "Claim": "自评项",
    "Evidence": "印证材料",
    "ReportForm": "报表填报信息",
}


def json_schema(model: type[BaseModel], title: str, description: str) -> dict[str, Any]:
    schema = model.model_json_schema()
    for name, definition in schema.get("$defs", {}).items():
        definition["title"] = MODEL_TITLES.get(name, definition.get("title", name))
    if model is Targets:
        # GB/T 2260 codes typed without quotes (520115) are accepted and read as text
        code = schema["$defs"]["District"]["properties"]["code"]
        code["anyOf"].insert(1, {"type": "integer"})
    rest = {key: value for key, value in schema.items() if key not in ("title", "description")}
    return {"$schema": DIALECT, "title": title, "description": description, **rest}


def schema_texts() -> dict[str, str]:
    """File name → JSON text, stable (sorted keys would scatter the schema order editors show)."""
    return {
        name: json.dumps(json_schema(model, title, description), ensure_ascii=False, indent=2) + "\n"
        for name, (model, title, description) in SCHEMAS.items()
    }


def write_schemas(folder: Path) -> list[Path]:
    """Write the schemas into ``folder`` (created if missing); returns the files written."""
    from baozufang_cli.files import atomic_write

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_texts().items():
        path = folder / name
        if not path.exists() or _current(path) != text.encode("utf-8"):
            atomic_write(path, text.encode("utf-8"), new=not path.exists())
        written.append(path)
    return written


def _current(path: Path) -> bytes | None:
    from baozufang_cli.files import read_regular

    try:
        return read_regular(path, 16 * 1024 * 1024)  # a pipe there is not waited on: it is replaced
    except OSError:
        return None
