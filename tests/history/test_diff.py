"""`bzf diff` and `bzf log` on a real temporary git repository with fixed authors and dates.

The history built by the ``history_repo`` fixture (the ledger is the folder ``ledger/`` of the repo):

  c1 2024-06-01 张三  A-1 (new_build, 开工 planned 2024-06-01, 交付 written with the alias 交付),
                      B-1 (南明区, 300 套)
  c2 2024-06-05 李四  A-1 开工 actual 2024-06-04, 交付 spelled 交付使用 (same milestone: no change);
                      B-1 units 300 → 320, problem P1 raised
  c3 2024-06-10 王五  B-1 moved to projects/南明/B-1.yaml and renamed; C-1 added (1200 套)
  c4 2024-06-20 张三  C-1 broken (units: 十); A-1 units 1000 → 1100
  working tree        A-1 note added (uncommitted); D-1 added (untracked)
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest

from baozufang_cli.history import git as gitrepo
from baozufang_cli.history.diff import field_label, flatten
from tests.conftest import REPO, assert_golden, make_ledger, run, run_json

A1 = """id: A-1
name: 观山湖甲公寓
district: 观山湖
supply_type: new_build
units: {units}
plan_year: 2024
milestones:
  - {{name: 开工, planned: 2024-06-01{actual}}}
  - {{name: {delivered}, planned: 2025-06-30}}
{note}"""
B1 = """id: B-1
name: {name}
district: 南明区
supply_type: new_build
units: {units}
plan_year: 2024
{problems}"""
P1 = """problems:
  - {id: P1, text: 施工许可滞后, category: 建设手续, department: 市住建局, raised: 2024-06-05}
"""
C1 = """id: C-1
name: 贵安项目
district: 贵安新区
supply_type: new_build
units: {units}
plan_year: 2024
"""


def git(repo: Path, *args: str, author: str = "张三", when: str = "2024-06-01T10:00:00+08:00") -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({
        "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": f"{author}@example.com", "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": f"{author}@example.com", "GIT_COMMITTER_DATE": when,
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
    })  # fmt: skip
    done = subprocess.run(
        ["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def commit(repo: Path, message: str, author: str, when: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, author=author, when=when)
    return git(repo, "rev-parse", "HEAD")


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def history_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    repo = tmp_path_factory.mktemp("history") / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    ledger = make_ledger(repo / "ledger", "base")
    projects = ledger / "projects"
    a1 = dict(units=1000, actual="", delivered="交付", note="")
    write(projects / "A-1.yaml", A1.format(**a1))
    write(projects / "B-1.yaml", B1.format(name="南明项目", units=300, problems=""))
    commits = [commit(repo, "建立台账", "张三", "2024-06-01T10:00:00+08:00")]
    a1.update(actual=", actual: 2024-06-04", delivered="交付使用")
    write(projects / "A-1.yaml", A1.format(**a1))
    write(projects / "B-1.yaml", B1.format(name="南明项目", units=320, problems=P1))
    commits.append(commit(repo, "更新开工和套数", "李四", "2024-06-05T16:30:00+08:00"))
    (projects / "南明").mkdir()
    git(repo, "mv", "ledger/projects/B-1.yaml", "ledger/projects/南明/B-1.yaml")
    write(projects / "南明" / "B-1.yaml", B1.format(name="南明人才公寓", units=320, problems=P1))
    write(projects / "C-1.yaml", C1.format(units=1200))
    commits.append(commit(repo, "整理南明文件夹，新增贵安项目", "王五", "2024-06-10T09:00:00+08:00"))
    write(projects / "C-1.yaml", C1.format(units="十"))
    a1.update(units=1100)
    write(projects / "A-1.yaml", A1.format(**a1))
    commits.append(commit(repo, "调整套数", "张三", "2024-06-20T11:00:00+08:00"))
    a1.update(note="note: 待核实\n")
    write(projects / "A-1.yaml", A1.format(**a1))
    write(projects / "D-1.yaml", C1.format(units=50).replace("C-1", "D-1"))
    return ledger, commits


def diff(ledger: Path, *args: str) -> Any:
    return run_json("diff", "--data", ledger, *args)


def changes_of(data: Any) -> dict[tuple[str, str], tuple[Any, Any, str | None, bool]]:
    return {
        (project["id"], change["field"]): (
            change["old"],
            change["new"],
            change["author"],
            change["uncommitted"],
        )
        for project in data["changed"]
        for change in project["changes"]
    }


def test_default_is_head_against_the_working_tree(history_repo: tuple[Path, list[str]]) -> None:
    ledger, commits = history_repo
    data = diff(ledger)
    assert data["from"]["commit"] == commits[-1] and data["from"]["rev"] == "HEAD"
    assert data["to"]["worktree"] is True and data["to"]["commit"] is None
    assert changes_of(data) == {("A-1", "note"): (None, "待核实", None, True)}
    assert [(p["id"], p["path"], p["uncommitted"]) for p in data["added"]] == [
        ("D-1", "projects/D-1.yaml", True)
    ]
    assert data["removed"] == [] and data["commits"] == []
    # C-1 is broken at HEAD and in the working tree alike: unchanged, so not listed
    assert data["invalid"] == []


def test_every_change_between_two_commits_names_the_last_commit_that_made_it(
    history_repo: tuple[Path, list[str]],
) -> None:
    ledger, commits = history_repo
    data = diff(ledger, commits[0], commits[3])
    assert changes_of(data) == {
        ("A-1", "units"): (1000, 1100, "张三", False),
        ("A-1", "milestones.开工.actual"): (
            None,
            "2024-06-04",
            "李四",
            False,
        ),  # 交付 → 交付使用 is no change
        ("B-1", "file"): ("projects/B-1.yaml", "projects/南明/B-1.yaml", "王五", False),
        ("B-1", "name"): ("南明项目", "南明人才公寓", "王五", False),
        ("B-1", "units"): (300, 320, "李四", False),
        ("B-1", "problems.P1.id"): (None, "P1", "李四", False),
        ("B-1", "problems.P1.text"): (None, "施工许可滞后", "李四", False),
        ("B-1", "problems.P1.category"): (None, "建设手续", "李四", False),
        ("B-1", "problems.P1.department"): (None, "市住建局", "李四", False),
        ("B-1", "problems.P1.raised"): (None, "2024-06-05", "李四", False),
    }
    change = data["changed"][0]["changes"][0]
    assert change["commit"] == commits[3] and change["date"] == "2024-06-20T11:00:00+08:00"
    assert change["email"] == "张三@example.com" and change["subject"] == "调整套数"
    assert [(p["id"], p["author"], p["commit"]) for p in data["added"]] == [("C-1", "王五", commits[2])]
    assert [c["commit"] for c in data["commits"]] == commits[1:]  # oldest first
    # C-1 is invalid at the newer version: reported with its error, attributed to the commit that broke it
    assert [
        (i["side"], i["path"], [e["code"] for e in i["errors"]], i["author"]) for i in data["invalid"]
    ] == [("to", "projects/C-1.yaml", ["wrong-type"], "张三")]


def test_a_file_broken_at_one_version_is_compared_by_its_raw_content(
    history_repo: tuple[Path, list[str]],
) -> None:
    ledger, commits = history_repo
    data = diff(ledger, commits[2], commits[3])
    # compared as written: only units changed (a default such as unit_kind 套 is not a change)
    assert [c for c in changes_of(data) if c[0] == "C-1"] == [("C-1", "units")]
    assert changes_of(data)[("C-1", "units")] == (1200, "十", "张三", False)
    assert data["invalid"][0]["errors"][0]["line"] == 5
    back = diff(ledger, commits[3], commits[2])  # the other way round: broken on the older side
    assert changes_of(back)[("C-1", "units")] == ("十", 1200, None, False)  # not in commits[3]..commits[2]
    assert [i["side"] for i in back["invalid"]] == ["from"]


def test_since_compares_the_last_commit_before_the_day_with_the_working_tree(
    history_repo: tuple[Path, list[str]],
) -> None:
    ledger, commits = history_repo
    data = diff(ledger, "--since", "2024-06-08")
    assert data["since"] == "2024-06-08" and data["from"]["commit"] == commits[1]
    found = changes_of(data)
    assert found[("A-1", "units")] == (1000, 1100, "张三", False)
    assert found[("A-1", "note")] == (None, "待核实", None, True)
    assert found[("B-1", "file")][2] == "王五"
    assert ("A-1", "milestones.开工.actual") not in found  # made before the day
    assert {p["id"] for p in data["added"]} == {"C-1", "D-1"}
    before_everything = diff(ledger, "--since", "2024-05-01")  # no commit yet: every project is new
    assert before_everything["from"]["commit"] is None
    assert {p["id"] for p in before_everything["added"]} == {"A-1", "B-1", "C-1", "D-1"}


def test_log_lists_one_projects_history(history_repo: tuple[Path, list[str]]) -> None:
    ledger, commits = history_repo
    data = run_json("log", "B-1", "--data", ledger)
    assert data["id"] == "B-1" and data["name"] == "南明人才公寓"
    entries = [
        (e["commit"], e["author"], e["change"], [c["field"] for c in e["changes"]]) for e in data["entries"]
    ]
    assert entries == [
        (commits[0], "张三", "added", []),
        (commits[1], "李四", "changed", ["units", "problems.P1.id", "problems.P1.text", "problems.P1.category",
                                         "problems.P1.department", "problems.P1.raised"]),
        (commits[2], "王五", "changed", ["file", "name"]),
    ]  # fmt: skip
    a1 = run_json("log", "A-1", "--data", ledger)["entries"]
    assert [(e["author"], e["uncommitted"], [c["field"] for c in e["changes"]]) for e in a1] == [
        ("张三", False, []),
        ("李四", False, ["milestones.开工.actual"]),
        ("张三", False, ["units"]),
        (None, True, ["note"]),
    ]
    c1 = run_json("log", "C-1", "--data", ledger)["entries"]
    assert [e["errors"][0]["code"] for e in c1 if e["errors"]] == ["wrong-type"]
    result = run("log", "NONE-1", "--data", ledger)  # in neither the ledger nor its history
    assert result.exit_code == 2 and "找不到项目「NONE-1」" in result.stderr


def test_table_output(history_repo: tuple[Path, list[str]], request: pytest.FixtureRequest) -> None:
    ledger, commits = history_repo
    result = run("diff", commits[0], commits[3], "--data", ledger)
    assert result.exit_code == 0, result.stderr
    text = result.stdout.replace(str(ledger.parent.resolve()), "<repo>")
    for commit_id in commits:
        text = text.replace(commit_id[:7], f"<c{commits.index(commit_id) + 1}>")
    assert_golden(request, "diff.txt", text)
    result = run("log", "A-1", "--data", ledger)
    text = result.stdout.replace(str(ledger.parent.resolve()), "<repo>")
    for commit_id in commits:
        text = text.replace(commit_id[:7], f"<c{commits.index(commit_id) + 1}>")
    assert_golden(request, "log.txt", text)


def test_all_blobs_are_read_by_one_git_process(
    history_repo: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger, commits = history_repo
    calls: list[tuple[str, ...]] = []
    original = gitrepo.Repository.run

    def counting(self: gitrepo.Repository, *args: str, stdin: bytes | None = None) -> bytes:
        calls.append(args)
        return original(self, *args, stdin=stdin)

    monkeypatch.setattr(gitrepo.Repository, "run", counting)
    diff(ledger, commits[0], commits[3])
    assert sum(args[0] == "cat-file" for args in calls) == 1
    calls.clear()
    run_json("log", "B-1", "--data", ledger)
    assert sum(args[0] == "cat-file" for args in calls) == 1


def test_outside_a_git_repository_says_so(tmp_path: Path) -> None:
    ledger = make_ledger(tmp_path / "plain", "base")
    for command in (["diff"], ["log", "A-1"]):
        result = run(*command, "--data", ledger)
        assert result.exit_code == 2
        assert "不在 git 仓库中" in result.stderr and "git init" in result.stderr
        assert "Traceback" not in result.stderr


def test_usage_errors(history_repo: tuple[Path, list[str]]) -> None:
    ledger, _ = history_repo
    result = run("diff", "no-such-branch", "--data", ledger)
    assert result.exit_code == 2 and "仓库中没有版本 no-such-branch" in result.stderr
    result = run("diff", "HEAD", "--since", "2024-06-01", "--data", ledger)
    assert result.exit_code == 2 and "--since 与版本参数不能同时使用" in result.stderr
    result = run("log", "../etc", "--data", ledger)
    assert result.exit_code == 2


def test_a_repository_without_commits(tmp_path: Path) -> None:
    repo = tmp_path / "fresh"
    repo.mkdir()
    git(repo, "init", "-q")
    ledger = make_ledger(repo / "data", "base", "typical")
    data = diff(ledger)
    assert data["from"]["commit"] is None and len(data["added"]) == 5
    assert all(p["uncommitted"] for p in data["added"])
    assert run("log", "X", "--data", ledger).exit_code == 2  # no such project, now or in history


def test_flatten_keys_lists_by_name_id_and_kind() -> None:
    flat = flatten({
        "id": "A", "tags": ["人才租赁住房"], "note": None, "problems": [],
        "milestones": [{"name": "开工", "actual": "2024-01-01"}, {"name": "开工", "planned": "2024-02-01"}],
        "funding": {"total_wan": 10, "sources": [{"kind": "银行贷款", "received_wan": 5}]},
    })  # fmt: skip
    assert flat == {
        "id": "A",
        "tags": ["人才租赁住房"],
        "milestones.开工.name": "开工",
        "milestones.开工.actual": "2024-01-01",
        "milestones.#2.name": "开工",  # a duplicate name is told apart by its position
        "milestones.#2.planned": "2024-02-01",
        "funding.total_wan": 10,
        "funding.sources.银行贷款.kind": "银行贷款",
        "funding.sources.银行贷款.received_wan": 5,
    }
    assert field_label("milestones.开工.actual") == "倒排工期节点 开工 实际日期"


def test_json_contract(history_repo: tuple[Path, list[str]]) -> None:
    ledger, commits = history_repo
    data = diff(ledger, commits[0], commits[3])
    assert set(data) >= {"repository", "ledger", "since", "from", "to", "added", "removed", "changed", "invalid",
                         "config_changed", "commits"}  # fmt: skip
    assert set(data["from"]) >= {"rev", "commit", "worktree", "author", "date", "subject"}
    origin = {"commit", "author", "email", "date", "subject", "uncommitted"}
    assert set(data["added"][0]) >= {"id", "name", "district", "path"} | origin
    assert set(data["changed"][0]) >= {"id", "name", "district", "path", "changes"}
    assert set(data["changed"][0]["changes"][0]) >= {"field", "label", "old", "new"} | origin
    assert (
        set(data["changed"][0]["rows"][0])
        >= {"change", "item", "key", "label", "old", "new", "fields"} | origin
    )
    b1 = next(p for p in data["changed"] if p["id"] == "B-1")
    problem = [r for r in b1["rows"] if r["change"] == "item_added"]
    assert [(r["item"], r["key"], r["label"], r["author"]) for r in problem] == [
        ("problem", "P1", "新增问题：P1 施工许可滞后", "李四")
    ]
    assert problem[0]["fields"] == [
        f"problems.P1.{k}" for k in ("id", "text", "category", "department", "raised")
    ]
    assert [r["label"] for r in b1["rows"]] == ["文件", "项目名称", "套数", "新增问题：P1 施工许可滞后"]
    assert set(data["invalid"][0]) >= {"side", "path", "id", "errors"} | origin
    assert set(data["invalid"][0]["errors"][0]) >= {"code", "message", "line", "col"}
    assert data["ledger"] == "ledger" and Path(data["repository"]) == ledger.parent.resolve()
    log = run_json("log", "A-1", "--data", ledger)
    assert set(log) >= {"id", "name", "repository", "ledger", "entries"}
    assert set(log["entries"][0]) >= {"change", "path", "changes", "rows", "errors"} | origin
    b1 = run_json("log", "B-1", "--data", ledger)["entries"]
    assert [r["label"] for r in b1[1]["rows"]] == ["套数", "新增问题：P1 施工许可滞后"]


DOCS_REPOSITORY = "/srv/台账仓库"  # the repository path shown in the docs' examples


def doc_block(page: str, command: str) -> list[str]:
    text = (REPO / page).read_text(encoding="utf-8")
    start = text.index(f"```text\n$ {command}\n") + len(f"```text\n$ {command}\n")
    return text[start : text.index("```", start)].splitlines()


@pytest.mark.parametrize(
    ("page", "command"),
    [
        ("docs/commands/diff.md", "bzf diff HEAD~3 HEAD --data ledger"),
        ("docs/commands/log.md", "bzf log A-1 --data ledger"),
    ],
)
def test_doc_examples_are_real(
    history_repo: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch, page: str, command: str
) -> None:
    ledger, _ = history_repo
    monkeypatch.chdir(ledger.parent)
    result = run(*shlex.split(command)[1:])
    assert result.exit_code == 0, result.stderr
    actual = result.stdout.replace(str(ledger.parent.resolve()), DOCS_REPOSITORY)
    assert [line.rstrip() for line in actual.splitlines()] == [
        line.rstrip() for line in doc_block(page, command)
    ]


def test_a_ledger_at_the_root_of_its_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ledger = make_ledger(tmp_path / "gy", "base", "typical")
    git(ledger, "init", "-q")
    first = commit(ledger, "建立台账", "张三", "2024-06-01T10:00:00+08:00")
    project = next(ledger.glob("projects/**/G-2.yaml"))
    project.write_text(
        project.read_text(encoding="utf-8").replace("units: 500", "units: 520"), encoding="utf-8"
    )
    (ledger / "README.txt").write_text("不是台账文件", encoding="utf-8")  # ignored: not a ledger file
    second = commit(ledger, "改套数", "李四", "2024-06-02T10:00:00+08:00")
    monkeypatch.chdir(ledger)  # --data omitted: the current folder is the ledger
    data = run_json("diff", first, second)
    assert data["ledger"] == "." and changes_of(data) == {("G-2", "units"): (500, 520, "李四", False)}
    assert [e["author"] for e in run_json("log", "G-2")["entries"]] == ["张三", "李四"]


@pytest.mark.parametrize("width", [80, 120])
def test_diff_and_log_fit_the_terminal(
    history_repo: tuple[Path, list[str]],
    width: int,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    from rich.cells import cell_len

    ledger, commits = history_repo
    monkeypatch.setenv("COLUMNS", str(width))
    for name, args in (("diff", ["diff", commits[0], commits[3]]), ("log", ["log", "A-1"])):
        result = run(*args, "--data", ledger)
        assert result.exit_code == 0, result.stderr
        text = result.stdout.replace(str(ledger.parent.resolve()), "<repo>")
        for commit_id in commits:
            text = text.replace(commit_id[:7], f"<c{commits.index(commit_id) + 1}>")
        assert_golden(request, f"width/{name}_{width}.txt", text)
        # the repository's path is the only text that may run past the edge (it is not a table)
        assert max(cell_len(line) for line in text.splitlines() if "<repo>" not in line) <= width
