"""`bzf check`: every rule is exercised by a tiny broken ledger under tests/data/rules/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import DATA, SAMPLE, assert_golden, make_ledger, run

RULE_CASES = sorted(p.name for p in (DATA / "rules").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", RULE_CASES)
def test_rule_case_reports_exactly_the_expected_problems(case: str, tmp_path: Path) -> None:
    spec = yaml.safe_load((DATA / "rules" / case / "expect.yaml").read_text(encoding="utf-8"))
    root = make_ledger(tmp_path / "ledger", "base", DATA / "rules" / case)
    as_of = str(spec.get("as_of", "2024-06-30"))
    result = run("check", "--data", root, "--as-of", as_of, "--format", "json")
    found = sorted((d["code"], d["path"], d["line"]) for d in json.loads(result.stdout))
    expected = sorted((code, path, int(line)) for code, path, line in spec["expect"])
    assert found == expected
    has_error = any(d["severity"] == "error" for d in json.loads(result.stdout))
    assert result.exit_code == (1 if has_error else 0)


def test_every_diagnostic_has_a_chinese_message_and_location(tmp_path: Path) -> None:
    root = make_ledger(tmp_path / "ledger", "base", DATA / "rules" / "every-error-reported")
    diagnostics = json.loads(run("check", "--data", root, "-f", "json").stdout)
    assert {tuple(d) for d in diagnostics} == {("path", "line", "col", "code", "severity", "message", "hint")}
    for diagnostic in diagnostics:
        assert diagnostic["line"] >= 1 and diagnostic["col"] >= 1
        assert any("\u4e00" <= ch <= "\u9fff" for ch in diagnostic["message"])


def test_check_text_output_is_pinned(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    root = make_ledger(tmp_path / "ledger", "base", DATA / "rules" / "every-error-reported")
    result = run("check", "--data", root, "--as-of", "2024-06-30")
    assert result.exit_code == 1
    assert_golden(request, "check_every_error.txt", result.stdout + result.stderr)


def test_hint_names_the_closest_district(tmp_path: Path) -> None:
    root = make_ledger(tmp_path / "ledger", "base", DATA / "rules" / "unknown-district")
    result = run("check", "--data", root)
    assert 'unknown-district: 未知区县 "观山胡"，是否为 观山湖区？' in result.stdout


def test_clean_ledgers_exit_zero() -> None:
    for root in (DATA / "typical", SAMPLE):
        result = run("check", "--data", root, "--as-of", "2026-11-27")
        assert result.exit_code == 0, result.stdout + result.stderr
        assert "0 个错误" in result.stdout


def test_bom_and_crlf_are_accepted(ledger) -> None:  # type: ignore[no-untyped-def]
    root = ledger("typical")
    path = root / "projects" / "观山湖" / "G-1.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    result = run("check", "--data", root, "--as-of", "2026-01-01", "-f", "json")
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize(
    ("encoding", "needle"),
    [("gb18030", "GBK/GB18030"), ("utf-16", "UTF-16"), ("utf-16-le", "UTF-16")],
)
def test_other_encodings_are_named(ledger, encoding: str, needle: str) -> None:  # type: ignore[no-untyped-def]
    root = ledger("typical")
    path = root / "projects" / "观山湖" / "G-1.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    diagnostics = json.loads(run("check", "--data", root, "-f", "json").stdout)
    assert [(d["code"], d["path"]) for d in diagnostics] == [("encoding", "projects/观山湖/G-1.yaml")]
    assert needle in diagnostics[0]["message"]


def test_broken_config_is_reported_with_project_schema_errors(ledger) -> None:  # type: ignore[no-untyped-def]
    root = ledger("typical")
    (root / "criteria.yaml").write_text("supply_types: 3\n", encoding="utf-8")
    (root / "projects" / "南明" / "N-2.yaml").write_text("id: N-2\nunits: 很多\n", encoding="utf-8")
    result = run("check", "--data", root, "-f", "json")
    codes = {(d["path"], d["code"]) for d in json.loads(result.stdout)}
    assert ("criteria.yaml", "wrong-type") in codes
    assert ("projects/南明/N-2.yaml", "wrong-type") in codes
    assert result.exit_code == 1
    status = run("status", "--data", root)
    assert status.exit_code == 1 and "criteria.yaml" in status.stderr


# ------------------------------------------------------------------ the one list of rules


def test_every_rule_function_is_in_the_list() -> None:
    import inspect

    from baozufang_cli.ledger import checks, rules_config, rules_ledger, rules_money, rules_project

    registered = {rule.check for rule in checks.CHECKS}
    for module, names in (
        (rules_project, ["identity", "counts", "problems", "references", "milestones"]),
        (rules_money, ["money", "check_settings"]),
        (rules_config, ["districts", "targets", "supply_types", "lights"]),
        (rules_ledger, ["duplicate_ids", "ids_differing_in_case", "future_dates"]),
    ):
        for name in names:
            assert getattr(module, name) in registered, name
    for module in (rules_config, rules_ledger):
        public = {
            name
            for name, value in inspect.getmembers(module, inspect.isfunction)
            if value.__module__ == module.__name__ and not name.startswith("_")
        }
        assert public <= {rule.check.__name__ for rule in checks.CHECKS}


def test_bzf_check_runs_whatever_the_list_holds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from baozufang_cli.ledger import checks
    from baozufang_cli.ledger.diagnostics import Diagnostic

    def every_project(subject: checks.ProjectSubject) -> list[Diagnostic]:
        return [Diagnostic(subject.rel, "test-rule", "测试规则", "warning", loc=("name",))]

    def every_ledger(ledger: object, as_of: object) -> list[Diagnostic]:
        return [Diagnostic("targets.yaml", "test-as-of", "测试规则（统计日）", "warning")]

    root = make_ledger(tmp_path / "ledger", SAMPLE)
    extra = [checks.Rule("project", every_project), checks.Rule("as_of", every_ledger)]
    monkeypatch.setattr(checks, "CHECKS", [*checks.CHECKS, *extra])
    result = run("check", "--data", root, "--no-cache", "--format", "json")
    codes = [d["code"] for d in json.loads(result.stdout)]
    assert codes.count("test-rule") == len(list((root / "projects").rglob("*.yaml")))
    assert codes.count("test-as-of") == 1
