"""One row per new or removed problem, milestone or funding source; fields by their Chinese titles."""

from __future__ import annotations

from baozufang_cli.history.diff import FieldChange, flatten
from baozufang_cli.reports.change_rows import change_rows, field_title


def changes(old: dict, new: dict) -> list[FieldChange]:
    before, after = flatten(old), flatten(new)
    paths = dict.fromkeys([*before, *after])
    return [FieldChange(p, before.get(p), after.get(p)) for p in paths if before.get(p) != after.get(p)]


PROBLEM = {"id": "P1", "text": "施工许可滞后", "category": "建设手续", "department": "市住建局",
           "raised": "2024-06-05", "due": "2024-07-05"}  # fmt: skip


def test_a_new_problem_is_one_row() -> None:
    rows = change_rows(changes({"units": 300}, {"units": 320, "problems": [PROBLEM]}))
    assert [(r.change, r.label, r.old, r.new) for r in rows] == [
        ("field", "套数", "300", "320"),
        (
            "item_added",
            "新增问题：P1 施工许可滞后",
            None,
            "建设手续；市住建局；提出 2024-06-05；期限 2024-07-05",
        ),
    ]
    assert rows[1].item == "problem" and rows[1].key == "P1"
    assert rows[1].fields == [f"problems.P1.{k}" for k in PROBLEM]


def test_removed_items_and_milestones_and_funding() -> None:
    old = {"problems": [PROBLEM], "milestones": [{"name": "开工", "planned": "2024-05-01"}]}
    new = {
        "milestones": [
            {"name": "开工", "planned": "2024-05-01"},
            {"name": "主体封顶", "planned": "2025-03-01"},
        ],
        "funding": {
            "total_wan": 5000,
            "sources": [{"kind": "银行贷款", "planned_wan": 3000.0, "received_wan": 0}],
        },
    }
    rows = change_rows(changes(old, new))
    assert [(r.change, r.label, r.old, r.new) for r in rows] == [
        (
            "item_removed",
            "删除问题：P1 施工许可滞后",
            "建设手续；市住建局；提出 2024-06-05；期限 2024-07-05",
            None,
        ),
        ("item_added", "新增节点：主体封顶", None, "计划 2025-03-01"),
        ("field", "资金 总投资（万元）", None, "5000"),
        ("item_added", "新增资金：银行贷款", None, "计划 3000 万元；到位 0 万元"),
    ]


def test_a_change_inside_an_existing_item_lists_its_fields() -> None:
    closed = {**PROBLEM, "closed": "2024-06-30", "resolution": "已办结"}
    milestone = [{"name": "开工", "planned": "2024-05-01"}]
    rows = change_rows(changes(
        {"problems": [PROBLEM], "milestones": milestone},
        {"problems": [closed], "milestones": [{**milestone[0], "actual": "2024-05-03"}]},
    ))  # fmt: skip
    assert [(r.change, r.label, r.new) for r in rows] == [
        ("field", "问题 P1 办结日期", "2024-06-30"),
        ("field", "问题 P1 办结情况", "已办结"),
        ("field", "节点 开工 实际日期", "2024-05-03"),
    ]


def test_field_titles_follow_the_models() -> None:
    assert field_title("file") == "文件"
    assert field_title("name") == "项目名称"
    assert field_title("funding.sources.银行贷款.note") == "资金 银行贷款 说明"  # not the project's 备注
    assert field_title("operations.leased_units") == "运营 已出租套数"
    assert field_title("certificate.no") == "认定书 认定书编号"
    assert field_title("tags") == "标签"
    assert field_title("unknown_key") == "unknown_key"  # a broken file's key is shown as written
