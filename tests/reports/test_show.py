"""`bzf show`: one project's card; projects found by id in any case or by a fragment of the name."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import SAMPLE, run, run_json

AS_OF = "2024-06-30"


def test_card_of_a_project_found_by_a_fragment_of_its_name() -> None:
    data = run_json("show", "金华园", "--data", SAMPLE, "--as-of", AS_OF)
    assert data["as_of"] == AS_OF and data["project"]["id"] == "GSH-2022-001"
    assert data["project"]["district"] == "观山湖区" and data["project"]["status"] == "已交付"
    assert [m["state"] for m in data["milestones"]] == ["已完成"] * 6 and data["next_milestone"] is None
    assert data["problems"][0]["id"] == "P1" and data["problems"][0]["state"] == "已办结"
    assert data["funding"]["planned_wan"] == 89570 and data["funding"]["received_pct"] == 0.9007
    assert data["operations"]["rent_to_market"] == round(23.5 / 28, 4)
    assert data["operations"]["occupancy"] == round(3208 / 3500, 4)
    assert data["diagnostics"] == []


def test_nothing_after_the_as_of_day() -> None:
    data = run_json("show", "gsh-2022-001", "--data", SAMPLE, "--as-of", "2024-04-01")
    states = {m["name"]: (m["state"], m["actual"]) for m in data["milestones"]}
    assert states["竣工验收"] == ("逾期", None)  # done 2024-04-13, after the as-of day
    assert states["交付使用"] == ("未完成", None)
    assert data["project"]["status"] == "已启动" and data["operations"]["occupancy"] is None
    early = run_json("show", "GSH-2022-001", "--data", SAMPLE, "--as-of", "2022-11-01")
    assert early["problems"] == []  # raised 2022-11-20
    assert early["milestones"][1]["state"] == "下一节点" and early["next_milestone"] == "施工许可"


def test_open_problems_come_first_and_the_next_milestone_is_named() -> None:
    result = run("show", "NM-2022-003", "--data", SAMPLE, "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    assert "下一节点：交付使用" in result.stdout or "下一节点：" in result.stdout
    data = run_json("show", "NM-2022-003", "--data", SAMPLE, "--as-of", AS_OF)
    states = [p["state"] for p in data["problems"]]
    assert states == sorted(states, key=lambda s: s == "已办结")


def test_several_or_no_matches_are_usage_errors_with_candidates() -> None:
    result = run("show", "观山湖", "--data", SAMPLE)
    assert result.exit_code == 2
    assert (
        "对应多个项目" in result.stderr and "GSH-2022-001 观山湖区金华园人才公寓（观山湖区）" in result.stderr
    )
    assert "共 8 个" in result.stderr
    result = run("show", "金花园", "--data", SAMPLE)
    assert result.exit_code == 2
    assert "找不到项目「金花园」" in result.stderr and "GSH-2022-001 观山湖区金华园人才公寓" in result.stderr


def test_last_three_commits_newest_first(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(SAMPLE, repo, ignore=shutil.ignore_patterns(".bzf-cache"))
    project = repo / "projects" / "观山湖" / "GSH-2022-001.yaml"

    def git(*args: str, when: str = "2024-06-01T10:00:00+08:00") -> None:
        env = {
            "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_DATE": when,
            "HOME": str(tmp_path),
            "PATH": "/usr/bin:/bin",
        }
        subprocess.run(["git", "-C", str(repo), "-c", "user.name=张三", "-c", "user.email=z@example.cn", *args],
                       check=True, capture_output=True, env=env)  # fmt: skip

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "建立台账", when="2024-05-01T10:00:00+08:00")
    for day, units in (
        ("2024-05-10", 3501),
        ("2024-05-20", 3502),
        ("2024-06-01", 3503),
        ("2024-07-01", 3504),
    ):
        project.write_text(project.read_text(encoding="utf-8").replace(f"units: {units - 1}", f"units: {units}"),
                           encoding="utf-8")  # fmt: skip
        git("commit", "-qam", f"套数 {units}", when=f"{day}T10:00:00+08:00")
    data = run_json("show", "金华园", "--data", repo, "--as-of", AS_OF)
    assert [(c["day"], c["subject"], c["author"]) for c in data["commits"]] == [
        ("2024-06-01", "套数 3503", "张三"),
        ("2024-05-20", "套数 3502", "张三"),
        ("2024-05-10", "套数 3501", "张三"),
    ]  # the 2024-07-01 commit is after the as-of day


def test_not_in_git_means_no_commits(tmp_path: Path) -> None:
    ledger = shutil.copytree(SAMPLE, tmp_path / "ledger")
    assert run_json("show", "金华园", "--data", ledger, "--as-of", AS_OF)["commits"] is None


@pytest.mark.parametrize("text", ["gsh-2022-001", "金华园", "观山湖区金华园人才公寓"])
def test_set_and_log_find_projects_the_same_way(text: str, tmp_path: Path) -> None:
    ledger = shutil.copytree(SAMPLE, tmp_path / "ledger")
    result = run("set", text, "units", "3600", "--data", ledger)
    assert result.exit_code == 0, result.stderr
    assert "units: 3600" in (ledger / "projects" / "观山湖" / "GSH-2022-001.yaml").read_text(encoding="utf-8")
    assert run("set", "观山湖", "units", "1", "--data", ledger).exit_code == 2


def test_log_accepts_lower_case_ids_and_names() -> None:
    upper = run("log", "GSH-2022-001", "--data", SAMPLE, "-f", "json")
    for text in ("gsh-2022-001", "金华园"):
        result = run("log", text, "--data", SAMPLE, "-f", "json")
        assert result.exit_code == 0, result.stderr
        assert result.stdout == upper.stdout
    result = run("log", "NOPE-1", "--data", SAMPLE)
    assert result.exit_code == 2 and "找不到项目「NOPE-1」" in result.stderr
