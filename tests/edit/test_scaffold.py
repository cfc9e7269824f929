"""`bzf init` and the pre-commit hooks bzf offers."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, SAMPLE, run, run_json

PACKAGE_DEFAULTS = REPO / "src" / "baozufang_cli" / "defaults"
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.mark.parametrize("name", ["targets.yaml", "criteria.yaml"])
def test_the_shipped_defaults_equal_the_sample_ledger(name: str) -> None:
    assert (PACKAGE_DEFAULTS / name).read_bytes() == (SAMPLE / name).read_bytes(), (
        f"copy data/{name} to src/baozufang_cli/defaults/{name}"
    )


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_init_creates_a_working_ledger(tmp_path: Path) -> None:
    root = tmp_path / "台账"
    result = run("init", root)
    assert result.exit_code == 0, result.output
    assert (root / "criteria.yaml").read_bytes() == (SAMPLE / "criteria.yaml").read_bytes()
    targets, sample = _yaml(root / "targets.yaml"), _yaml(SAMPLE / "targets.yaml")
    assert targets["city"] == "贵阳市" and targets["districts"] == sample["districts"]  # Guiyang's 15
    assert targets["city_targets"] == [] and targets["district_targets"] == []  # nothing invented
    assert (root / "projects").is_dir()
    assert (root / "projects" / ".gitkeep").exists()  # git keeps no empty folders
    assert [p.name for p in (root / "projects").iterdir()] == [".gitkeep"]  # no sample project
    assert sorted(p.name for p in (root / "schema").iterdir()) == [
        "assessment.schema.json", "criteria.schema.json", "project.schema.json", "targets.schema.json",
    ]  # fmt: skip
    assert ".bzf-cache/" in (root / ".gitignore").read_text(encoding="utf-8").split()
    assert "下一步" in result.stdout and "15 个区县；目标留空" in result.stdout

    check = run("check", "--data", root, "--as-of", "2025-01-01")
    assert check.exit_code == 0 and "0 个项目文件，0 个错误" in check.stdout
    assert run("new", "-d", "花溪", "-t", "收购", "--name", "甲", "--units", "9", "--deliver-by", "2025-12-31", "--data", root).exit_code == 0  # fmt: skip
    assert run("check", "--data", root).exit_code == 0
    assert run("fmt", "--check", "--data", root).exit_code == 0


def test_a_fresh_ledger_reports_without_errors(tmp_path: Path) -> None:
    root = tmp_path / "ledger"
    assert run("init", root).exit_code == 0
    check = run("check", "--data", root)
    assert check.exit_code == 0 and "0 个错误，0 个警告" in check.stdout
    status = run("status", "--data", root)
    assert status.exit_code == 0 and "观山湖区" in status.stdout and "合计" in status.stdout
    gap = run("gap", "--data", root)
    assert gap.exit_code == 0 and "还没有任何年度的目标" in gap.stdout


def test_init_suggests_no_past_date(tmp_path: Path) -> None:
    import re
    from datetime import date

    root = tmp_path / "ledger"
    result = run("init", root)
    written = (root / "targets.yaml").read_text(encoding="utf-8")
    years = [int(y) for y in re.findall(r"(?<!\d)(20\d\d)(?!\d)", result.stdout + written)]
    assert years and min(years) >= date.today().year
    deliver_by = re.search(r"--deliver-by (\S+)", result.stdout)
    assert deliver_by and date.fromisoformat(deliver_by.group(1)) > date.today()


def test_init_writes_the_guiyang_plan_only_when_asked(tmp_path: Path) -> None:
    root = tmp_path / "ledger"
    result = run("init", root, "--plan", "guiyang")
    assert result.exit_code == 0, result.output
    targets, sample = _yaml(root / "targets.yaml"), _yaml(SAMPLE / "targets.yaml")
    assert targets["plan"] == sample["plan"]
    assert targets["city_targets"] == sample["city_targets"]  # the plan's own city-level figures
    assert targets["district_targets"] == []  # the sample's split by district is illustrative
    assert run("check", "--data", root).exit_code == 0
    gap = run_json("gap", "--data", root, "-y", "2025")
    assert [t["target"] for t in gap["city"]] == [100000]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--city", "遵义市"], "须用 --districts"),
        (["--plan", "guiyang", "--city", "遵义市", "--districts", "{file}"], "是贵阳市的计划"),
        (["--plan", "shanghai"], "没有名为 shanghai 的内置计划"),
        (["--city", " "], "--city 不能为空"),
        (["--districts", "{missing}"], "找不到区县名录文件"),
    ],
)
def test_init_refuses_what_it_cannot_know_and_writes_nothing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    names = tmp_path / "names.yaml"
    names.write_text("- 红花岗区\n", encoding="utf-8")
    args = [a.format(file=names, missing=tmp_path / "nope.yaml") for a in args]
    result = run("init", tmp_path / "ledger", *args)
    assert result.exit_code == 2 and message in result.stderr, result.output
    assert not (tmp_path / "ledger").exists()


ZUNYI = """\
# 遵义市的区县（一部分）
- 红花岗区
- 汇川区
- {name: 播州区, code: "520304"}
- {name: 桐梓县, aliases: [桐梓, TZ]}
- 赤水市
- 遵义新区
"""


def test_init_starts_another_city_from_a_district_file(tmp_path: Path) -> None:
    names = tmp_path / "遵义.yaml"
    names.write_text(ZUNYI, encoding="utf-8")
    root = tmp_path / "ledger"
    result = run("init", root, "--city", "遵义市", "--districts", names)
    assert result.exit_code == 0, result.output
    targets = _yaml(root / "targets.yaml")
    assert targets["city"] == "遵义市" and targets["plan"] == "遵义市保障性租赁住房台账"
    assert targets["districts"] == [
        {"name": "红花岗区", "aliases": ["红花岗"], "kind": "区"},
        {"name": "汇川区", "aliases": ["汇川"], "kind": "区"},
        {"name": "播州区", "aliases": ["播州"], "code": "520304", "kind": "区"},
        {"name": "桐梓县", "aliases": ["桐梓", "TZ"], "kind": "县"},
        {"name": "赤水市", "aliases": ["赤水"], "kind": "市"},
        {"name": "遵义新区", "kind": "管委会"},
    ]
    assert targets["city_targets"] == [] and targets["district_targets"] == []
    assert (root / "criteria.yaml").read_text(encoding="utf-8").startswith("# 遵义市保障性租赁住房台账")
    assert "6 个区县" in result.stdout and "--district 红花岗" in result.stdout and "--id" in result.stdout
    assert run("check", "--data", root).exit_code == 0
    assert run("new", "-d", "桐梓", "-t", "新建", "--name", "甲", "--units", "9", "--deliver-by", "2027-12-31", "--data", root).exit_code == 0  # fmt: skip
    status = run_json("status", "--data", root)
    assert {row["district"]: row["projects"] for row in status["rows"]}["桐梓县"] == 1
    assert run("check", "--data", root).exit_code == 0


def test_the_district_file_may_be_another_ledgers_targets_or_plain_lines(tmp_path: Path) -> None:
    root = tmp_path / "copy"
    assert run("init", root, "--districts", SAMPLE / "targets.yaml").exit_code == 0
    assert _yaml(root / "targets.yaml")["districts"] == _yaml(SAMPLE / "targets.yaml")["districts"]
    lines = tmp_path / "names.txt"
    lines.write_text("红花岗区\n汇川区  # 注释\n\n", encoding="utf-8")
    plain = tmp_path / "plain"
    assert run("init", plain, "--city", "遵义市", "--districts", lines).exit_code == 0
    assert [d["name"] for d in _yaml(plain / "targets.yaml")["districts"]] == ["红花岗区", "汇川区"]


def test_a_short_name_shared_by_two_districts_is_left_out(tmp_path: Path) -> None:
    names = tmp_path / "names.yaml"
    names.write_text("- 新华区\n- 新华县\n- 东区\n", encoding="utf-8")
    root = tmp_path / "ledger"
    assert run("init", root, "--city", "某市", "--districts", names).exit_code == 0
    districts = _yaml(root / "targets.yaml")["districts"]
    assert [d.get("aliases", []) for d in districts] == [[], [], []]  # 新华 would name two; 东 is too short
    assert run("check", "--data", root).exit_code == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- 红花岗区\n- 红花岗区\n", "第 2 项：区县 红花岗区 重复"),
        ("- {name: 甲区, kind: 省}\n", "第 1 项有误："),
        ("- {name: 甲区, colour: red}\n", "第 1 项有误：未知的键 colour"),
        ("- {name: 甲区, aliases: [乙]}\n- {name: 丙区, aliases: [乙]}\n", "别名 乙 同时指向两个区县"),
        ("[]\n", "应是区县名称的列表"),
        ("- [甲区\n", "读不出"),
        ("districts: 3\n", "应是区县名称的列表"),
    ],
)
def test_a_bad_district_file_is_a_usage_error(tmp_path: Path, text: str, message: str) -> None:
    names = tmp_path / "names.yaml"
    names.write_text(text, encoding="utf-8")
    result = run("init", tmp_path / "ledger", "--city", "某市", "--districts", names)
    assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert not (tmp_path / "ledger").exists()


def test_the_pre_commit_config_runs_check_and_fmt(tmp_path: Path) -> None:
    root = tmp_path / "ledger"
    run("init", root)
    config = yaml.safe_load((root / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert hooks["bzf-check"]["entry"] == "bzf check --data ."
    assert hooks["bzf-fmt"]["entry"] == "bzf fmt --check --data ."
    for hook in hooks.values():  # the entries are real commands that pass on the new ledger
        arguments = hook["entry"].split()[1:]
        assert run(*[root if a == "." else a for a in arguments]).exit_code == 0


def test_the_vscode_settings_map_the_schemas(tmp_path: Path) -> None:
    import json

    root = tmp_path / "ledger"
    run("init", root)
    schemas = json.loads((root / ".vscode" / "settings.json").read_text(encoding="utf-8"))["yaml.schemas"]
    assert schemas["schema/project.schema.json"] == "projects/**/*.yaml"
    assert all((root / path).is_file() for path in schemas)


@needs_git
def test_init_runs_git_init_outside_a_repository(tmp_path: Path) -> None:
    root = tmp_path / "ledger"
    result = run("init", root)
    assert "已执行 git init" in result.stdout
    assert (root / ".git").is_dir()
    ignored = subprocess.run(
        ["git", "check-ignore", ".bzf-cache/projects.bin"], cwd=root, capture_output=True, check=False
    )
    assert ignored.returncode == 0


@needs_git
def test_init_inside_a_repository_does_not_nest_one(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "--quiet"], cwd=repo, check=True)
    result = run("init", repo / "ledger")
    assert result.exit_code == 0
    assert not (repo / "ledger" / ".git").exists()
    assert "未执行 git init" in result.stdout and "仓库根目录" in result.stdout


def test_init_refuses_an_existing_ledger_and_changes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "ledger"
    run("init", root)
    (root / "targets.yaml").write_text("plan: 改过\n", encoding="utf-8")
    result = run("init", root)
    assert result.exit_code == 2
    assert "已是台账" in result.stderr
    assert (root / "targets.yaml").read_text(encoding="utf-8") == "plan: 改过\n"


def test_init_keeps_an_existing_gitignore(tmp_path: Path) -> None:
    root = tmp_path / "ledger"
    root.mkdir()
    (root / ".gitignore").write_text("*.xlsx", encoding="utf-8")
    assert run("init", root).exit_code == 0
    assert (root / ".gitignore").read_text(encoding="utf-8") == "*.xlsx\n.bzf-cache/\n"


def test_the_repository_offers_pre_commit_hooks() -> None:
    hooks = {
        hook["id"]: hook
        for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    }
    assert set(hooks) == {"bzf-check", "bzf-fmt"}
    assert hooks["bzf-check"]["entry"] == "bzf check" and hooks["bzf-check"]["pass_filenames"] is False
    assert hooks["bzf-fmt"]["entry"] == "bzf fmt --check" and hooks["bzf-fmt"]["pass_filenames"] is True
    for hook in hooks.values():
        assert hook["language"] == "python"  # pre-commit installs bzf itself
    import re

    pattern = re.compile(hooks["bzf-fmt"]["files"])
    assert pattern.search("data/projects/观山湖/A-1.yaml") and pattern.search("projects/A.yml")
    assert not pattern.search("data/targets.yaml")
