"""The wording of the funding and operations diagnostics (codes and lines are pinned in tests/data/rules/)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import DATA, make_ledger, run


def messages(case: str, tmp_path: Path) -> dict[tuple[str, str, int], str]:
    root = make_ledger(tmp_path / "ledger", "base", DATA / "rules" / case)
    diagnostics = json.loads(run("check", "--data", root, "-f", "json").stdout)
    return {(d["code"], Path(d["path"]).stem, d["line"]): f"{d['message']}，{d['hint']}" for d in diagnostics}


def test_bad_amounts_name_the_field_the_bound_and_the_likely_cause(tmp_path: Path) -> None:
    found = messages("funding-bad-amounts", tmp_path)
    assert found[("out-of-range", "A-1", 8)] == (
        "「总投资（万元）」(total_wan)超出范围：300000000（应不大于 100000000），金额以万元为单位，是否误按元填写？"
    )
    assert found[("out-of-range", "A-1", 9)].startswith(
        "「累计完成投资（万元）」(completed_wan)超出范围：-20（应不小于 0），金额不能为负数"
    )
    assert found[("wrong-type", "A-1", 11)].startswith(
        "「计划金额（万元）」(planned_wan)应为数字，实为 '一千'"
    )


def test_received_beyond_plan_asks_for_a_note(tmp_path: Path) -> None:
    found = messages("funding-received-exceeds-planned", tmp_path)
    assert found[("received-exceeds-planned", "A-1", 12)] == (
        "银行贷款到位 2,000.01 万元，超过计划 2,000.00 万元，请核对金额；确属超计划到位（如追加拨付），在该来源的 note 中说明"
    )


def test_yuan_typed_as_wan_is_caught_by_the_amount_per_unit(tmp_path: Path) -> None:
    found = messages("funding-warnings", tmp_path)
    assert found[("amount-implausible", "A-2", 8)] == (
        "总投资 45,000,000.00 万元，折合每套 450,000.00 万元，明显偏高，金额以万元为单位，是否误按元填写？"
    )


def test_rent_ceiling_names_both_rents_and_the_ratio(tmp_path: Path) -> None:
    found = messages("operations-rules", tmp_path)
    assert found[("rent-ceiling", "A-1", 11)].startswith(
        "租金 25 元/㎡·月为同地段市场租金 24 元/㎡·月的 104.2%，未低于上限 100%"
    )
