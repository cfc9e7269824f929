"""`bzf new`: backward schedules (hand-computed for every supply type), ids, the file itself."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from baozufang_cli.edit.new import backward_schedule, id_prefix, next_project_id
from baozufang_cli.models import District, MilestoneSpec, SupplyType
from tests.conftest import SAMPLE, make_ledger, run

# Delivery on 2024-12-31; each earlier milestone = the next one's date minus the next one's
# standard days (data/criteria.yaml). Worked by hand, e.g. new_build: 交付使用 12-31 → −30 →
# 竣工验收 12-01 → −180 → 主体封顶 06-04 → −300 (across 29 Feb 2024) → 开工 2023-08-09 → −30 →
# 施工许可 07-10 → −90 → 立项 2023-04-11.
EXPECTED = {
    "bundled": [
        ("配建协议", "2023-05-11"),
        ("施工许可", "2023-07-10"),
        ("开工", "2023-08-09"),
        ("主体封顶", "2024-06-04"),
        ("竣工验收备案", "2024-12-01"),
        ("移交", "2024-12-31"),
    ],
    "university": [
        ("房源摸底", "2024-08-03"),
        ("签订归集协议", "2024-09-02"),
        ("维修改造", "2024-11-01"),
        ("取得认定书", "2024-12-01"),
        ("投入运营", "2024-12-31"),
    ],
    "industrial_park": [
        ("立项", "2023-06-10"),
        ("施工许可", "2023-09-08"),
        ("开工", "2023-10-08"),
        ("主体封顶", "2024-07-04"),
        ("竣工验收", "2024-12-01"),
        ("交付使用", "2024-12-31"),
    ],
    "conversion": [
        ("立项", "2024-02-20"),
        ("取得认定书", "2024-04-20"),
        ("改造开工", "2024-05-20"),
        ("改造完工", "2024-11-16"),
        ("联合验收", "2024-12-16"),
        ("交付使用", "2024-12-31"),
    ],
    "acquisition": [
        ("房源摸底", "2024-08-18"),
        ("评估定价", "2024-09-17"),
        ("签约付款", "2024-10-17"),
        ("产权转移", "2024-12-16"),
        ("交房", "2024-12-31"),
    ],
    "new_build": [
        ("立项", "2023-04-11"),
        ("施工许可", "2023-07-10"),
        ("开工", "2023-08-09"),
        ("主体封顶", "2024-06-04"),
        ("竣工验收", "2024-12-01"),
        ("交付使用", "2024-12-31"),
    ],
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """The sample ledger's configuration with no projects."""
    target = tmp_path / "ledger"
    target.mkdir()
    for name in ("targets.yaml", "criteria.yaml"):
        (target / name).write_bytes((SAMPLE / name).read_bytes())
    return make_ledger(target)


def new(root: Path, *args: str) -> tuple[int, str, str]:
    result = run(
        "new", "-d", "观山湖", "--name", "某人才公寓", "--units", "800", "--data", root, *args
    )  # fmt: skip
    return result.exit_code, result.stdout, result.stderr


def test_every_sample_supply_type_is_covered() -> None:
    criteria = yaml.safe_load((SAMPLE / "criteria.yaml").read_text(encoding="utf-8"))
    assert sorted(t["key"] for t in criteria["supply_types"]) == sorted(EXPECTED)


@pytest.mark.parametrize("supply_type", sorted(EXPECTED))
def test_backward_schedule_matches_hand_computed_dates(root: Path, supply_type: str) -> None:
    code, stdout, _ = new(
        root, "-t", supply_type, "--deliver-by", "2024-12-31", "--as-of", "2023-01-01", "-n"
    )
    assert code == 0
    milestones = yaml.load(stdout, Loader=yaml.BaseLoader)["milestones"]  # BaseLoader: dates stay text
    assert [(m["name"], m["planned"], m["actual"]) for m in milestones] == [
        (name, planned, "null") for name, planned in EXPECTED[supply_type]
    ]


def test_milestones_after_the_delivered_one_are_scheduled_forwards() -> None:
    supply_type = SupplyType(
        key="x",
        label="测试",
        start_milestone="开工",
        delivered_milestone="交付",
        milestones=[
            MilestoneSpec(name="开工", days=0),
            MilestoneSpec(name="交付", days=10),
            MilestoneSpec(name="投入运营", days=20),
            MilestoneSpec(name="满租", days=31),
        ],
    )
    schedule = backward_schedule(supply_type, date(2024, 12, 31))
    assert [(m.name, m.planned) for m in schedule] == [
        ("开工", date(2024, 12, 21)),
        ("交付", date(2024, 12, 31)),
        ("投入运营", date(2025, 1, 20)),
        ("满租", date(2025, 2, 20)),
    ]


def test_a_schedule_that_starts_in_the_past_is_reported_as_compressed(root: Path) -> None:
    code, _, stderr = new(root, "-t", "new_build", "--deliver-by", "2024-12-31", "--as-of", "2024-06-30")
    assert code == 0
    # 立项 2023-04-11 → 2024-06-30 is 446 days; 630 standard days; 184 days to 2024-12-31
    assert "注意：按标准工期应于 2023-04-11 开始（立项），早于统计日 2024-06-30：" in stderr
    assert "工期需压缩 446 天（标准总工期 630 天，距交付只剩 184 天）" in stderr


def test_a_schedule_that_fits_is_not_called_compressed(root: Path) -> None:
    code, _, stderr = new(root, "-t", "new_build", "--deliver-by", "2024-12-31", "--as-of", "2023-04-11")
    assert code == 0 and "压缩" not in stderr


def test_the_written_file_is_valid_formatted_and_commented(root: Path) -> None:
    code, stdout, _ = new(
        root, "-t", "新建", "--deliver-by", "2024-12-31", "--as-of", "2024-06-30", "--tag", "人才租赁住房"
    )
    assert code == 0
    assert stdout.startswith(
        "已创建 projects/观山湖/520115-2024-001.yaml（观山湖区 · 新建 · 800 套 · 2024 年度计划）"
    )
    path = root / "projects" / "观山湖" / "520115-2024-001.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../../schema/project.schema.json"
    assert (path.parent / "../../schema/project.schema.json").resolve() == (
        root / "schema/project.schema.json"
    ).resolve()
    body = [line for line in lines if not line.startswith("#")]
    assert all(re.search(r"  # \S", line) for line in body), "every line explains itself"
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert (data["id"], data["district"], data["supply_type"], data["units"], data["plan_year"]) == (
        "520115-2024-001", "观山湖区", "new_build", "800", "2024",
    )  # fmt: skip
    assert data["tags"] == ["人才租赁住房"]
    assert run("check", "--data", root, "--as-of", "2024-06-30").exit_code == 0
    assert run("fmt", "--check", "--data", root).exit_code == 0


def test_a_milestone_date_filled_in_later_changes_one_line_and_keeps_the_comment(root: Path) -> None:
    new(root, "-t", "new_build", "--deliver-by", "2024-12-31", "--as-of", "2024-06-30")
    path = root / "projects" / "观山湖" / "520115-2024-001.yaml"
    before = path.read_text(encoding="utf-8").splitlines()
    assert run("set", "520115-2024-001", "开工", "--actual", "2023-08-20", "--data", root).exit_code == 0
    after = path.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(changed) == 1
    old, new_line = changed[0]
    code, comment = old.split("#", 1)
    assert new_line.split("#", 1) == [code.replace("actual: null}" + " " * 6, "actual: 2023-08-20}"), comment]
    assert new_line.index("#") == old.index("#")  # the comment column survives the longer value


def test_ids_are_sequential_per_district_and_year_and_never_collide(root: Path) -> None:
    args = ("-t", "new_build", "--deliver-by", "2025-12-31", "--as-of", "2024-06-30")
    (root / "projects" / "观山湖").mkdir()
    (root / "projects" / "观山湖" / "520115-2024-007.yaml").write_text("# placeholder\n", encoding="utf-8")
    assert "520115-2024-008.yaml" in new(root, *args, "--plan-year", "2024")[1]
    assert "520115-2024-009.yaml" in new(root, *args, "--plan-year", "2024")[1]
    assert "520115-2025-001.yaml" in new(root, *args, "--plan-year", "2025")[1]
    assert next_project_id("520115", 2024, {"520115-2024-001", "520115-2024-002"}) == "520115-2024-003"
    assert next_project_id("GA", 2024, {"ga-2024-001"}) == "GA-2024-002"  # Windows/macOS ignore case


def test_a_district_without_a_code_uses_an_english_alias_or_asks_for_an_id(root: Path) -> None:
    assert id_prefix(District(name="贵安新区", aliases=["贵安", "GA"], kind="管委会")) == "GA"
    assert id_prefix(District(name="贵安新区", aliases=["贵安"], kind="管委会")) is None
    result = run("new", "-d", "贵安", "-t", "new_build", "--name", "x", "--units", "5", "--deliver-by", "2025-12-31", "--data", root)  # fmt: skip
    assert result.exit_code == 2
    assert "贵安新区还没有项目，也没有行政区划代码或英文别名" in result.stderr and "--id" in result.stderr
    result = run("new", "-d", "贵安", "-t", "new_build", "--name", "x", "--units", "5", "--deliver-by", "2025-12-31", "--id", "GA-2025-001", "--data", root)  # fmt: skip
    assert result.exit_code == 0
    assert (root / "projects" / "贵安" / "GA-2025-001.yaml").is_file()


def test_ids_follow_the_prefix_the_district_already_uses(tmp_path: Path) -> None:
    root = make_ledger(tmp_path / "sample", SAMPLE)  # the sample's 观山湖 ids are GSH-YYYY-NNN
    result = run("new", "-d", "观山湖区", "-t", "new_build", "--name", "乙", "--units", "5", "--deliver-by", "2027-12-31", "--plan-year", "2026", "--data", root)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("已创建 projects/观山湖/GSH-2026-002.yaml")
    # 贵安新区 has no code, but its projects show the prefix
    result = run("new", "-d", "贵安", "-t", "new_build", "--name", "丙", "--units", "5", "--deliver-by", "2027-12-31", "--plan-year", "2022", "--data", root)  # fmt: skip
    assert result.stdout.startswith("已创建 projects/贵安/GA-2022-003.yaml")
    assert run("check", "--data", root).exit_code == 0


def test_an_id_in_use_or_malformed_is_refused(root: Path) -> None:
    args = ("-t", "new_build", "--deliver-by", "2025-12-31", "--as-of", "2024-06-30")
    new(root, *args, "--id", "X-1")
    code, _, stderr = new(root, *args, "--id", "x-1")
    assert code == 2 and "项目编号 x-1 已被使用" in stderr
    code, _, stderr = new(root, *args, "--id", "观-1")
    assert code == 2 and "项目编号格式不对" in stderr


def test_dry_run_prints_the_file_and_writes_nothing(root: Path) -> None:
    code, stdout, stderr = new(root, "-t", "acquisition", "--deliver-by", "2025-12-31", "-n")
    assert code == 0
    assert stdout.startswith("# yaml-language-server: $schema=")
    assert "倒排工期（" in stderr and "倒排工期（" not in stdout
    assert list((root / "projects").rglob("*.yaml")) == []


def test_the_plan_year_defaults_to_the_start_year_but_not_the_past(root: Path) -> None:
    # conversion delivered 2026-06-30 starts (改造开工) on 2025-11-17 (15 + 30 + 180 days back)
    _, stdout, _ = new(root, "-t", "conversion", "--deliver-by", "2026-06-30", "--as-of", "2024-06-30", "-n")
    assert "plan_year: 2025" in stdout
    _, stdout, _ = new(root, "-t", "conversion", "--deliver-by", "2026-06-30", "--as-of", "2026-01-05", "-n")
    assert "plan_year: 2026" in stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("-t", "火箭", "--deliver-by", "2025-12-31"), '未知筹集方式 "火箭"'),
        (("-t", "new_build", "--deliver-by", "2025-13-01"), "不存在的日期"),
        (("-t", "new_build", "--deliver-by", "2025-12-31", "--unit-kind", "栋"), "计量单位应为 套 或 间"),
    ],
)
def test_bad_arguments_exit_2(root: Path, args: tuple[str, ...], needle: str) -> None:
    code, _, stderr = new(root, *args)
    assert code == 2 and needle in stderr
