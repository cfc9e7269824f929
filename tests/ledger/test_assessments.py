"""`bzf check` over self-assessment files and the evaluation scheme: every problem located, severities right."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import SAMPLE, run


def check(root: Path) -> tuple[int, list[tuple[str, str, int, str]]]:
    result = run("check", "--data", root, "--as-of", "2024-06-30", "-f", "json")
    found = [(d["code"], d["path"], d["line"], d["severity"]) for d in json.loads(result.stdout)]
    return result.exit_code, sorted(found)


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_score_ledger_has_one_missing_evidence_warning(ledger) -> None:  # type: ignore[no-untyped-def]
    root = ledger("score")
    code, found = check(root)
    assert code == 0
    assert found == [("missing-evidence", "assessments/2024-06/南明.yaml", 10, "warning")]
    text = run("check", "--data", root, "--as-of", "2024-06-30").stdout
    assert "6 个项目文件、2 个自评文件，0 个错误，1 个警告" in text


def test_every_assessment_problem_is_reported(ledger) -> None:  # type: ignore[no-untyped-def]
    root = ledger("score")
    write(
        root,
        "assessments/2024-06/观山湖区.yaml",
        """items:
  plan:
    score: 11
    evidence:
      - {title: 方案, file: ../outside.md}
      - {title: 方案, file: /etc/passwd}
  dispach:
    score: 3
  start_rate:
    score: 20
  dispatch:
    score: 4
""",
    )
    write(root, "assessments/2024-06/火星区.yaml", "items: {}\n")
    write(root, "assessments/2024-06/观山湖.yaml", "items: {}\n")  # the same district by alias
    write(root, "assessments/2024-6x/南明区.yaml", "items: {}\n")
    write(root, "assessments/南明区.yaml", "items: {}\n")
    write(root, "assessments/2024-05/南明区.yaml", "items:\n  plan: {score: 五, evidense: []}\n")
    write(root, "assessments/2024-04/南明区.yaml", "items:\n  plan: {score: 3\n")
    code, found = check(root)
    assert code == 1
    assert found == sorted(
        [
            ("assessment-path", "assessments/南明区.yaml", 0, "warning"),
            ("yaml-syntax", "assessments/2024-04/南明区.yaml", 2, "error"),
            ("unknown-key", "assessments/2024-05/南明区.yaml", 2, "error"),
            ("wrong-type", "assessments/2024-05/南明区.yaml", 2, "error"),
            ("bad-month", "assessments/2024-6x", 0, "error"),
            ("missing-evidence", "assessments/2024-06/南明.yaml", 10, "warning"),
            ("duplicate-assessment", "assessments/2024-06/观山湖.yaml", 0, "error"),
            ("auto-item", "assessments/2024-06/观山湖区.yaml", 9, "warning"),
            ("bad-evidence-path", "assessments/2024-06/观山湖区.yaml", 5, "error"),
            ("bad-evidence-path", "assessments/2024-06/观山湖区.yaml", 6, "error"),
            ("duplicate-assessment", "assessments/2024-06/观山湖区.yaml", 0, "error"),
            ("no-evidence", "assessments/2024-06/观山湖区.yaml", 12, "warning"),
            ("score-exceeds", "assessments/2024-06/观山湖区.yaml", 3, "error"),
            ("unknown-item", "assessments/2024-06/观山湖区.yaml", 7, "error"),
            ("unknown-district", "assessments/2024-06/火星区.yaml", 0, "error"),
        ]
    )
    messages = {d["code"]: d for d in json.loads(run("check", "--data", root, "-f", "json").stdout)}
    assert messages["unknown-item"]["hint"] == "是否为 dispatch？"
    assert "超过该项分值 10 分" in messages["score-exceeds"]["message"]


def test_evaluation_scheme_problems_are_located(ledger) -> None:  # type: ignore[no-untyped-def]
    root = ledger("score")
    criteria = (root / "criteria.yaml").read_text(encoding="utf-8")
    scheme = """evaluation:
  - {key: a, label: 甲, group: 组, points: 50, auto: {metric: start_rate, rule: linear}}
  - {key: a, label: 乙, group: 组, points: 30, manual: {evidence: []}}
  - {key: c, label: 丙, group: 组, points: 5}
  - {key: d, label: 丁, group: 组, points: 5, auto: {metric: occupancy, rule: linear}, manual: {}}
  - {key: e, label: 戊, group: 组, points: 5, auto: {metric: certificate_rate, rule: deduct_per, supply_types: [改建房]}}
  - {key: f, label: 己, group: 组, points: 5, auto: {metric: ledger_complete, rule: deduct_per, fields: [contact, phone]}}
  - {key: g, label: 庚, group: 组, points: 5, auto: {metric: occupancy, rule: linear, fields: [contact]}}
"""
    write(root, "criteria.yaml", criteria[: criteria.index("evaluation:")] + scheme)
    code, found = check(root)
    assert code == 1
    lines = criteria[: criteria.index("evaluation:")].count("\n")  # the scheme starts on the next line
    assert sorted((line - lines, c, s) for c, p, line, s in found if p == "criteria.yaml") == [
        (1, "points-total", "warning"),  # 50 + 30 + 5×5 = 105
        (2, "duplicate-item", "error"),
        (3, "duplicate-item", "error"),
        (4, "bad-evaluation-item", "error"),
        (5, "bad-evaluation-item", "error"),
        (6, "unknown-supply-type", "error"),
        (7, "unknown-field", "error"),
        (8, "unused-setting", "warning"),
    ]
    # a scheme with errors stops every report, like any broken criteria.yaml
    assert run("status", "--data", root).exit_code == 1


def test_unknown_metric_and_rule_are_schema_errors(ledger) -> None:  # type: ignore[no-untyped-def]
    root = ledger("score")
    path = root / "criteria.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("metric: start_rate, rule: linear", "metric: start_rat, rule: linaer")
    text = text.replace("threshold: 0.8", "threshold: 80")
    path.write_text(text, encoding="utf-8")
    diagnostics = json.loads(run("check", "--data", root, "-f", "json").stdout)
    found = sorted((d["code"], d["message"].split("：")[0]) for d in diagnostics)
    assert found == [
        ("bad-value", "「指标」(metric)取值不对"),
        ("bad-value", "「计分规则」(rule)取值不对"),
        ("out-of-range", "「达标值」(threshold)超出范围"),
    ]


def test_sample_ledger_check_warns_about_the_missing_evidence_and_exits_zero() -> None:
    result = run("check", "--data", SAMPLE, "--as-of", "2026-11-27", "-f", "json")
    assert result.exit_code == 0
    found = {(d["code"], d["path"]) for d in json.loads(result.stdout)}
    assert ("missing-evidence", "assessments/2024-06/观山湖区.yaml") in found
    assert all(d["severity"] == "warning" for d in json.loads(result.stdout))
