"""`bzf report week|month|quarter|year` on tests/data/deadlines (see reports/test_gap.py for its facts).

Hand-worked facts as of D = 2024-06-30 used below:
  done in 2024-06-24..30 (2024-W26): G-1 交付使用 2024-06-30 (观山湖区, 1000 套) — nothing else;
    G-3 开工 and N-1 交付使用 are dated 2024-07-01, after D
  overdue: G-5 开工 (planned 2023-10-01, 273 天), G-1 主体封顶 (2023-12-01, 212), N-1 交付使用
    (2024-01-31, 151), G-3 施工许可 (2024-05-15, 46), G-2 主体封顶 (2024-06-01, 29); N-2 签约付款 is
    planned on D itself, so not overdue
  problems existing: N-1 P1 open since 2024-02-01, due 03-31 (overdue 91 天); N-2 P1 open, due on D;
    N-1 P2 raised 05-01, closed 06-20; N-2 P2, G-1 P1, GA-1 P1 closed long before; N-1 P3 raised after D
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baozufang_cli.facts.periods import KINDS, parse_period, period_containing
from baozufang_cli.facts.project import is_delivered, is_started
from baozufang_cli.ledger.load import load_ledger
from baozufang_cli.ledger.registry import Ledger
from baozufang_cli.reports.gap import gap_report
from baozufang_cli.reports.overdue import overdue_report
from baozufang_cli.reports.periodic import periodic_report
from baozufang_cli.reports.problems import problems_report
from tests.conftest import REPO, SAMPLE, assert_golden, run, run_json
from tests.strategies import DAY0, ledgers


def report(ledger: Path, kind: str, *args: str) -> Any:
    return run_json("report", kind, "--data", ledger, *args)


def test_json_sections_are_the_contract(deadlines: Path) -> None:
    data = report(deadlines, "month", "--period", "2024-06")
    assert set(data) >= {"kind", "as_of", "period", "next_period", "progress", "cumulative", "overdue",
                         "problems", "next", "ranking"}  # fmt: skip
    assert data["kind"] == "month" and data["as_of"] == "2024-06-30"
    assert data["period"] == {"kind": "month", "label": "2024-06", "title": "2024年6月",
                              "start": "2024-06-01", "end": "2024-06-30"}  # fmt: skip
    assert data["next_period"]["label"] == "2024-07"
    assert set(data["progress"]) >= {"from", "to", "by_district", "by_type", "total", "milestones"}
    assert set(data["overdue"]) >= {"projects", "count", "new_count", "project_count", "by_district"}
    assert set(data["problems"]) >= {"by_department", "total", "rows"}
    assert set(data["next"]) >= {"from", "to", "milestones", "problems"}
    assert set(data["ranking"][0]) >= {"rank", "district", "delivered_target", "delivered_actual",
                                       "delivered_pct", "started_target", "started_actual", "started_pct"}  # fmt: skip
    assert report(deadlines, "week", "--as-of", "2024-06-30")["ranking"] is None  # no ranking for a week


def test_summary_sentence_by_hand(deadlines: Path) -> None:
    assert report(deadlines, "week", "--period", "2024-W26")["summary"] == (
        "本期启动 0 个项目 0 套，交付 1 个项目 1,000 套，完成节点 1 个；滞后项目 5 个（逾期节点 5 个，本期新增 0 个）；"
        "问题本期新增 0 个、办结 0 个，未办结 2 个（逾期 1 个）"
    )


def test_progress_in_the_week_by_hand(deadlines: Path) -> None:
    progress = report(deadlines, "week", "--period", "2024-W26")["progress"]
    assert (progress["from"], progress["to"]) == ("2024-06-24", "2024-06-30")
    assert [
        (m["project_id"], m["milestone"], m["actual"], m["delivered"]) for m in progress["milestones"]
    ] == [("G-1", "交付使用", "2024-06-30", True)]
    assert progress["total"] == {"started_projects": 0, "started_units": 0, "delivered_projects": 1,
                                 "delivered_units": 1000, "milestones": 1}  # fmt: skip
    by_district = {r["district"]: r["delivered_units"] for r in progress["by_district"]}
    assert by_district == {"观山湖区": 1000, "南明区": 0, "贵安新区": 0}  # every district in the registry
    assert {r["supply_type"]: r["milestones"] for r in progress["by_type"]}["new_build"] == 1


def test_progress_in_a_quarter_and_a_year_by_hand(deadlines: Path) -> None:
    quarter = report(deadlines, "quarter", "--period", "2024-Q2")["progress"]
    # G-2 开工 2024-04-10 (500 套) and G-1 交付使用 2024-06-30
    assert [(m["project_id"], m["milestone"]) for m in quarter["milestones"]] == [
        ("G-2", "开工"),
        ("G-1", "交付使用"),
    ]
    assert (quarter["total"]["started_units"], quarter["total"]["delivered_units"]) == (500, 1000)
    year = report(deadlines, "year", "--period", "2024")["progress"]
    # the whole of 2024 as of 2024-12-31: + G-3 立项 01-10, G-4 立项 02-01, GA-1 开工 01-15,
    # G-3 开工 07-01 (400), N-1 交付使用 07-01 (300 间)
    assert year["to"] == "2024-12-31"
    assert (year["total"]["started_units"], year["total"]["delivered_units"]) == (
        500 + 2000 + 400,
        1000 + 300,
    )
    assert year["total"]["milestones"] == 7


def test_a_day_inside_the_period_counts_only_up_to_that_day(deadlines: Path) -> None:
    data = report(deadlines, "week", "--period", "2024-W26", "--as-of", "2024-06-29")
    assert data["as_of"] == "2024-06-29" and data["progress"]["milestones"] == []
    # the default period is the one containing --as-of
    assert report(deadlines, "week", "--as-of", "2024-06-29")["period"]["label"] == "2024-W26"


def test_cumulative_is_the_gap_report_as_of_the_same_day(deadlines: Path) -> None:
    for kind, as_of in (("week", "2024-06-30"), ("year", "2023-08-15"), ("quarter", "2025-01-01")):
        data = report(deadlines, kind, "--as-of", as_of)
        assert data["cumulative"] == run_json("gap", "--data", deadlines, "--as-of", as_of)


def test_overdue_by_hand_with_newly_overdue_milestones(deadlines: Path) -> None:
    week = report(deadlines, "week", "--as-of", "2024-06-30")["overdue"]
    assert (week["count"], week["new_count"], week["project_count"]) == (5, 0, 5)
    assert [(p["project_id"], p["max_days_overdue"]) for p in week["projects"]] == [
        ("G-5", 273), ("G-1", 212), ("N-1", 151), ("G-3", 46), ("G-2", 29)]  # fmt: skip
    month = report(deadlines, "month", "--as-of", "2024-06-30")["overdue"]
    assert month["new_count"] == 1  # G-2 主体封顶, planned 2024-06-01
    assert [p["project_id"] for p in month["projects"] if p["new"]] == ["G-2"]
    quarter = report(deadlines, "quarter", "--as-of", "2024-06-30")["overdue"]
    new = {
        (m["project_id"], m["milestone"]) for p in quarter["projects"] for m in p["milestones"] if m["new"]
    }
    assert new == {("G-2", "主体封顶"), ("G-3", "施工许可")}


def test_problems_by_hand(deadlines: Path) -> None:
    week = report(deadlines, "week", "--as-of", "2024-06-30")["problems"]
    assert week["total"] == {"opened": 0, "closed": 0, "open": 2, "overdue": 1}
    assert [(r["project_id"], r["problem_id"], r["situation"]) for r in week["rows"]] == [
        ("N-1", "P1", "逾期")
    ]
    month = report(deadlines, "month", "--as-of", "2024-06-30")["problems"]
    assert month["total"] == {"opened": 0, "closed": 1, "open": 2, "overdue": 1}  # N-1 P2 closed 06-20
    quarter = report(deadlines, "quarter", "--as-of", "2024-06-30")["problems"]
    assert quarter["total"] == {"opened": 1, "closed": 1, "open": 2, "overdue": 1}  # N-1 P2 raised 05-01
    assert [(r["project_id"], r["problem_id"], r["situation"]) for r in quarter["rows"]] == [
        ("N-1", "P1", "逾期"), ("N-1", "P2", "本期新增、本期办结")]  # fmt: skip
    assert [(d["department"], d["opened"], d["closed"], d["open"], d["overdue"]) for d in quarter["by_department"]] == [
        ("市消防救援支队", 0, 0, 1, 1), ("市财政局", 0, 0, 1, 0), ("市住建局", 1, 1, 0, 0)]  # fmt: skip


def test_next_period_by_hand(deadlines: Path) -> None:
    week = report(deadlines, "week", "--as-of", "2024-06-30")["next"]
    assert (week["from"], week["to"]) == ("2024-06-30", "2024-07-07")  # from D to the end of 2024-W27
    assert [(m["project_id"], m["milestone"]) for m in week["milestones"]] == [("N-2", "签约付款")]
    assert [(p["project_id"], p["problem_id"]) for p in week["problems"]] == [("N-2", "P1")]
    month = report(deadlines, "month", "--as-of", "2024-06-30")["next"]
    # G-3 开工 planned 2024-07-15 is not done on D (its actual date is after D)
    assert [(m["project_id"], m["milestone"]) for m in month["milestones"]] == [
        ("N-2", "签约付款"),
        ("G-3", "开工"),
    ]


def test_ranking_by_hand(deadlines: Path) -> None:
    ranking = report(deadlines, "month", "--as-of", "2024-06-30")["ranking"]
    assert [(r["rank"], r["district"], r["delivered_pct"], r["started_pct"]) for r in ranking] == [
        (1, "观山湖区", 1.0, 0.3333), (2, "南明区", 0.0, 0.0)]  # fmt: skip
    assert ranking[0]["period_delivered_units"] == 1000  # G-1 in June


def test_filters_apply_to_every_section(deadlines: Path) -> None:
    data = report(deadlines, "quarter", "--as-of", "2024-06-30", "-d", "南明")
    assert [r["district"] for r in data["progress"]["by_district"]] == ["南明区"]
    assert {p["project_id"] for p in data["overdue"]["projects"]} == {"N-1"}
    assert data["problems"]["total"]["open"] == 2
    assert [r["district"] for r in data["ranking"]] == ["南明区"]
    assert data["cumulative"] == run_json("gap", "--data", deadlines, "--as-of", "2024-06-30", "-d", "南明")


def _load(path: Path) -> Ledger:
    return load_ledger(path, use_cache=False)


@pytest.mark.parametrize("as_of", [date(2024, 6, 30), date(2024, 7, 1), date(2025, 1, 5)])
def test_sections_agree_with_overdue_and_problems_computed_separately(deadlines: Path, as_of: date) -> None:
    ledger = _load(deadlines)
    for kind in KINDS:
        period = period_containing(kind, as_of)
        data = periodic_report(ledger, period, as_of).data
        agree_with_separate_reports(ledger, period.start, as_of, data)


def agree_with_separate_reports(ledger: Ledger, start: date, as_of: date, data: dict[str, Any]) -> None:
    overdue = overdue_report(ledger, as_of).data
    milestones = [m for p in data["overdue"]["projects"] for m in p["milestones"]]
    assert data["overdue"]["count"] == overdue["overdue_count"] == len(milestones)
    assert sorted((m["project_id"], m["milestone"]) for m in milestones) == sorted(
        (r["project_id"], r["milestone"]) for r in overdue["rows"]
    )
    assert data["overdue"]["new_count"] == sum(start <= r["planned"] for r in overdue["rows"])
    problems = problems_report(ledger, as_of, state="all").data["total"]
    assert (data["problems"]["total"]["open"], data["problems"]["total"]["overdue"]) == (
        problems["open"],
        problems["overdue"],
    )
    gap = gap_report(ledger, as_of, [as_of.year]).data
    assert data["cumulative"] == gap
    if data["ranking"] is not None:
        delivered = {r["district"]: r["actual"] for r in gap["rows"] if r["metric"] == "delivered"}
        assert {r["district"]: r["delivered_actual"] for r in data["ranking"]} == delivered
        ranks = [r["rank"] for r in data["ranking"]]
        assert ranks == sorted(ranks) and ranks[:1] in ([], [1])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledger=ledgers(), offset=st.integers(0, 1000), kind=st.sampled_from(KINDS))
def test_invariants_on_random_ledgers(ledger: Ledger, offset: int, kind: str) -> None:
    as_of = date.fromordinal(DAY0.toordinal() + offset)
    period = period_containing(kind, as_of)  # type: ignore[arg-type]
    data = periodic_report(ledger, period, as_of).data
    agree_with_separate_reports(ledger, period.start, as_of, data)
    progress = data["progress"]
    # the started (delivered) units of the period are the units of the projects whose 启动建设
    # (建成交付) milestone is done as of D but was not done the day before the period
    before = date.fromordinal(period.start.toordinal() - 1)
    for metric, check in (("started", is_started), ("delivered", is_delivered)):
        expected = sum(
            p.units
            for p in ledger.valid_projects()
            if check(ledger, p, as_of) and not check(ledger, p, before)
        )
        assert progress["total"][f"{metric}_units"] == expected
        assert sum(r[f"{metric}_units"] for r in progress["by_district"]) == expected
        assert sum(r[f"{metric}_units"] for r in progress["by_type"]) == expected
    assert all(period.start <= m["actual"] <= as_of for m in progress["milestones"])
    plan = data["next"]
    assert all(as_of <= m["planned"] <= period.next().end for m in plan["milestones"])


def test_period_usage_errors_exit_2(deadlines: Path) -> None:
    result = run("report", "week", "--data", deadlines, "--period", "2024-06")
    assert result.exit_code == 2 and "周报告的 --period 应写成 2024-W23 的形式" in result.stderr
    result = run("report", "month", "--data", deadlines, "--period", "2024-06", "--as-of", "2024-07-01")
    assert result.exit_code == 2 and "不在 2024年6月" in result.stderr
    result = run("report", "fortnight", "--data", deadlines)
    assert result.exit_code == 2


def test_title_names_the_meeting_and_the_period(deadlines: Path) -> None:
    titles = {
        "week": "测试市保障性租赁住房周调度报告（2024年第26周）",
        "month": "测试市保障性租赁住房月督导报告（2024年6月）",
        "quarter": "测试市保障性租赁住房季评估报告（2024年第二季度）",
        "year": "测试市保障性租赁住房年考核报告（2024年）",
    }
    for kind, title in titles.items():
        result = run("report", kind, "--data", deadlines, "--as-of", "2024-06-30", "-f", "md")
        assert result.exit_code == 0, result.stderr
        assert result.stdout.startswith(f"## {title}  统计截至 2024-06-30\n")
        assert ("### 七、区县排名" in result.stdout) == (kind != "week")


def test_golden_month_table(deadlines: Path, request: pytest.FixtureRequest) -> None:
    result = run("report", "month", "--data", deadlines, "--period", "2024-06")
    assert result.exit_code == 0, result.stderr
    assert_golden(request, "report_month.txt", result.stdout)


def test_golden_week_markdown(deadlines: Path, request: pytest.FixtureRequest) -> None:
    result = run("report", "week", "--data", deadlines, "--as-of", "2024-06-30", "-f", "md")
    assert_golden(request, "report_week.md", result.stdout)


def test_csv_has_every_section_and_the_overdue_one_is_a_filter_away(deadlines: Path) -> None:
    result = run("report", "week", "--data", deadlines, "--as-of", "2024-06-30", "-f", "csv")
    blocks = [block.splitlines() for block in result.stdout.replace("\r\n", "\n").split("\n\n")]
    assert all(block[0].startswith("章节,表,") for block in blocks) and len(blocks) >= 3
    lagging = next(
        b for b in blocks if len(b) > 1 and b[1].startswith("四、滞后项目,")
    )  # empty tables: header only
    assert lagging[0] == "章节,表,项目编号,项目名称,区县,逾期节点（天数）,最长逾期天数,本期新增,责任单位"
    assert lagging[1].split(",")[2] == "G-5" and len(lagging) == 6


def test_sample_ledger_weekly_report_runs() -> None:
    data = run_json("report", "week", "--data", SAMPLE, "--as-of", "2024-06-30")
    assert data["period"]["label"] == "2024-W26"
    assert (
        data["overdue"]["count"]
        == run_json("overdue", "--data", SAMPLE, "--as-of", "2024-06-30")["overdue_count"]
    )


def test_period_of_the_as_of_day_is_reported_up_to_that_day(deadlines: Path) -> None:
    data = report(deadlines, "month", "--as-of", "2024-02-29")
    assert data["period"]["end"] == "2024-02-29" and data["next_period"]["label"] == "2024-03"
    assert parse_period(data["period"]["label"]).end == date(2024, 2, 29)


def test_docs_weekly_report_excerpt_is_real(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/commands/report.md shows an excerpt: each part between "……" lines is real output, in order."""
    command = "bzf report week --as-of 2024-06-30 -f md"
    text = (REPO / "docs" / "commands" / "report.md").read_text(encoding="utf-8")
    start = text.index(f"```markdown\n$ {command}\n") + len(f"```markdown\n$ {command}\n")
    excerpt = text[start : text.index("```", start)].splitlines()
    monkeypatch.chdir(REPO)
    result = run(*command.split()[1:])
    assert result.exit_code == 0, result.stderr
    output = result.stdout.splitlines()
    parts: list[list[str]] = [[]]
    for line in excerpt:
        if line == "……":
            parts.append([])
        else:
            parts[-1].append(line)
    position = 0
    for part in parts:
        found = next(
            (i for i in range(position, len(output) - len(part) + 1) if output[i : i + len(part)] == part),
            None,
        )
        assert found is not None, f"not in the output (in this order): {part[:3]}"
        position = found + len(part)
    assert len(parts) > 1 and parts[0][0].startswith("## 贵阳市保障性租赁住房周调度报告（2024年第26周）")


def test_lights_and_forecast_are_those_of_their_commands(deadlines: Path) -> None:
    data = run_json("report", "month", "--data", deadlines, "--as-of", "2024-06-30")
    lights = run_json("lights", "--data", deadlines, "--as-of", "2024-06-30")
    forecast = run_json("forecast", "--data", deadlines, "--as-of", "2024-06-30")
    assert data["lights"] == {k: v for k, v in lights.items() if k != "as_of"}
    assert data["forecast"] == {k: v for k, v in forecast.items() if k != "as_of"}
    assert [k for k in data][:12].index("lights") == [k for k in data][:12].index("cumulative") + 1
