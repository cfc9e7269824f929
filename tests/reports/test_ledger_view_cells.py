"""The list cells of the 台账: a funding source's receipt date is written and read back."""

from __future__ import annotations

from datetime import date

import pytest

from baozufang_cli.facts.records import FundingSource
from baozufang_cli.reports.ledger_view_cells import CellError, parse_sources, sources_text


def test_a_receipt_date_is_written_after_the_amount_and_read_back() -> None:
    sources = [
        FundingSource("中央补助资金", 3000, 1500, date(2024, 5, 10), "追加拨付"),
        FundingSource("银行贷款", 2000, 0, None, None),
    ]
    text = sources_text(sources)
    assert (
        text
        == "中央补助资金：计划 3000，到位 1500，到位日期 2024-05-10，说明 追加拨付\n银行贷款：计划 2000，到位 0"
    )
    assert [(s.kind, s.received_wan, s.received_on, s.note) for s in parse_sources(text)] == [
        ("中央补助资金", 1500, date(2024, 5, 10), "追加拨付"),
        ("银行贷款", 0, None, None),
    ]


@pytest.mark.parametrize("typed", ["到位日期 2024/5/10", "到位日期：2024年5月10日", "到位日期:2024.5.10"])
def test_a_hand_typed_receipt_date_is_read(typed: str) -> None:
    (source,) = parse_sources(f"中央补助资金：计划 3000，到位 1500，{typed}")
    assert source.received_on == date(2024, 5, 10)
    assert source.note is None


def test_a_receipt_date_that_is_not_a_date_is_a_chinese_error() -> None:
    with pytest.raises(CellError, match="不存在的日期"):
        parse_sources("中央补助资金：计划 3000，到位 1500，到位日期 2024-02-30")
