"""``bzf score``: the monthly evaluation (监测评价) — auto scores, self-assessments, deductions, ranking."""

from __future__ import annotations

from typing import TYPE_CHECKING

from baozufang_cli.cli.options import MonthOpt
from baozufang_cli.cli.report_command import Option, Run
from baozufang_cli.cli.runtime import MAX_SHOWN_ERRORS, print_diagnostics
from baozufang_cli.errors import LedgerError, UsageError

if TYPE_CHECKING:
    from baozufang_cli.reports.value import Report

ORDER = 70

SHORT_HELP = "月度测评评分：自动计分、核查自评与材料，扣分明细、责任单位与排名"
HELP = (
    "月度测评评分：按 criteria.yaml 的测评细则，对每个区县自动计分（台账指标）、核查自评与印证材料"
    "（assessments/），列出每一分扣分的原因及涉及的项目、节点、问题和责任单位，区县排名。"
)
OPTIONS = [Option("month", MonthOpt)]
FILTERS = ("district",)


def compute(run: Run) -> Report:
    from baozufang_cli.ledger.assessments import load_assessments
    from baozufang_cli.reports.score import score_report

    day = run.as_of
    chosen = run.option("month") or day.strftime("%Y-%m")
    if chosen > day.strftime("%Y-%m"):
        raise UsageError(f"测评月份 {chosen} 晚于统计日 {day}，请指定 --as-of 或更早的月份")
    ledger = run.ledger
    if not ledger.criteria.evaluation:
        raise LedgerError("criteria.yaml 没有测评细则（evaluation），无法评分；格式见 docs/commands/score.md")
    districts = run.filters.districts
    assessments = load_assessments(ledger.root, ledger.registry, chosen)
    report = score_report(ledger, day, chosen, assessments.for_month(chosen), districts)
    run.warn_excluded(report)
    broken = assessments.errors_for(chosen)
    if broken:
        files = len({d.path for d in broken})
        report.subtitle.append(f"注意：{files} 个自评文件有错误，按未自评计（运行 bzf check 查看）")
        print_diagnostics(broken, MAX_SHOWN_ERRORS)
        run.partial = True
    return report
