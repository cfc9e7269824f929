"""reports/as_of.py: a project trimmed to a day keeps no money received after it."""

from __future__ import annotations

from datetime import date

from baozufang_cli.facts import records
from baozufang_cli.reports.as_of import trim_project


def test_a_source_received_after_the_day_is_not_counted_in_the_trimmed_project() -> None:
    sources = [
        records.FundingSource("中央补助资金", 3000.0, 3000.0, date(2024, 3, 1), None),
        records.FundingSource("银行贷款", 5000.0, 4000.0, date(2024, 8, 1), "分两笔"),
    ]
    project = records.Project(
        "X-1", "测试项目", "观山湖区", "new_build", 100, "套", 2024, [], None, None, None, None, None,
        None, None, None, None, None, None, [], [], records.Funding(8000.0, None, sources), None,
        date(2024, 6, 1), None,
    )  # fmt: skip
    trimmed = trim_project(project, date(2024, 6, 30), True)
    assert trimmed.funding is not None
    assert [(s.received_wan, s.received_on) for s in trimmed.funding.sources] == [
        (3000.0, date(2024, 3, 1)),
        (0.0, None),
    ]
    assert trim_project(project, date(2024, 8, 1), True).funding == project.funding
