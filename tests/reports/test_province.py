"""Several ledgers at once (a province): `--data` repeated on status, gap, query and export sqlite."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from baozufang_cli.facts.pace import district_light
from baozufang_cli.ledger.load import load_ledger
from tests.conftest import DATA, SAMPLE, run

TYPICAL = DATA / "typical"
AS_OF = "2024-06-30"
LIGHTS = load_ledger(SAMPLE, use_cache=False).criteria.lights  # the first city's thresholds
STATUS_COUNTS = (
    "projects",
    "units",
    "started_projects",
    "started_units",
    "delivered_projects",
    "delivered_units",
)


def report(*args: str | Path, exit_code: int = 0) -> Any:
    result = run(*args, "--as-of", AS_OF, "-f", "json")
    assert result.exit_code == exit_code, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("by", ["district", "year", "type"])
def test_status_totals_are_the_sum_of_each_city(by: str) -> None:
    both = report("status", "--data", SAMPLE, "--data", TYPICAL, "--by", by)
    one = report("status", "--data", SAMPLE, "--by", by)
    two = report("status", "--data", TYPICAL, "--by", by)
    for key in STATUS_COUNTS:
        assert both["total"][key] == one["total"][key] + two["total"][key]
    assert both["rows"] == [{"city": "贵阳市", **r} for r in one["rows"]] + [
        {"city": "测试市", **r} for r in two["rows"]
    ]
    assert [c["city"] for c in both["cities"]] == ["贵阳市", "测试市"]
    assert both["cities"][1]["units"] == two["total"]["units"]
    assert both["total"]["delivered_pct"] == round(
        both["total"]["delivered_units"] / both["total"]["units"], 4
    )


def test_gap_totals_are_the_sum_of_each_city() -> None:
    both = report("gap", "--data", SAMPLE, "--data", TYPICAL, "--year", "all")
    one = report("gap", "--data", SAMPLE, "--year", "all")
    two = report("gap", "--data", TYPICAL, "--year", "all")
    assert both["rows"] == [{"city": "贵阳市", **r} for r in one["rows"]] + [
        {"city": "测试市", **r} for r in two["rows"]
    ]
    assert both["city"] == [{"city": "贵阳市", **r} for r in one["city"]] + [
        {"city": "测试市", **r} for r in two["city"]
    ]
    for total in both["totals"]:
        parts = [
            t
            for t in one["totals"] + two["totals"]
            if (t["year"], t["metric"]) == (total["year"], total["metric"])
        ]
        assert list(total) == list(parts[0])  # the same keys as one city's totals, in order
        summed = ("target", "actual", "projected", "forecast", "lagging_gap", "lagging_projected_gap")
        for key in (*summed, "lagging_districts"):
            assert total[key] == sum(p[key] for p in parts), key
        assert total["gap"] == total["target"] - total["actual"]
        assert total["projected_gap"] == total["target"] - total["projected"]
        assert total["forecast_gap"] == total["target"] - total["forecast"]
        assert total["shortfall"] == (total["projected_gap"] > 0)
        assert total["elapsed_pct"] == parts[0]["elapsed_pct"]  # the same day of the same year
        pace = district_light(
            total["target"], total["actual"], date.fromisoformat(AS_OF), total["year"], LIGHTS
        )
        assert (total["light"], total["behind_points"]) == (pace.light, pace.behind_points)
    for metric in ("started", "delivered"):
        assert (
            both["unplanned"][metric]["units"]
            == one["unplanned"][metric]["units"] + two["unplanned"][metric]["units"]
        )


def test_the_one_year_table_total_carries_the_province_light() -> None:
    both = run("gap", "--data", SAMPLE, "--data", TYPICAL, "--as-of", AS_OF, "-f", "csv").stdout
    totals = report("gap", "--data", SAMPLE, "--data", TYPICAL)["totals"]
    labels = {"green": "绿", "yellow": "黄", "red": "红"}
    total_line = next(line for line in both.splitlines() if line.startswith("合计"))
    for t in totals:
        assert labels[t["light"]] in total_line.split(",")
        assert str(t["forecast"]) in total_line.split(",")


def test_one_ledger_output_is_unchanged() -> None:
    for command in ("status", "gap"):
        plain = run(command, "--data", SAMPLE, "--as-of", AS_OF)
        assert "城市" not in plain.stdout.splitlines()[3]  # no city column for one city
        assert "city" not in report(command, "--data", SAMPLE)["rows"][0]


def test_the_table_shows_each_city_and_the_total() -> None:
    result = run("status", "--data", SAMPLE, "--data", TYPICAL, "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    assert "全省汇总：2 个城市（贵阳市、测试市）" in result.stdout
    assert "各城市合计" in result.stdout and "测试市   观山湖区" in result.stdout
    for fmt in ("csv", "md"):
        assert run("status", "--data", SAMPLE, "--data", TYPICAL, "-f", fmt).exit_code == 0


def test_bzf_data_may_hold_a_path_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BZF_DATA", os.pathsep.join([str(SAMPLE), str(TYPICAL)]))
    result = run("status", "--as-of", AS_OF, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert [c["city"] for c in json.loads(result.stdout)["cities"]] == ["贵阳市", "测试市"]


def _copy(tmp_path: Path, name: str, city: str | None) -> Path:
    root = tmp_path / name
    shutil.copytree(TYPICAL, root)
    targets = root / "targets.yaml"
    text = targets.read_text(encoding="utf-8").replace("city: 测试市\n", f"city: {city}\n" if city else "")
    targets.write_text(text, encoding="utf-8")
    return root


def test_the_same_id_in_two_cities_is_two_projects(tmp_path: Path) -> None:
    first, second = _copy(tmp_path, "a", "甲市"), _copy(tmp_path, "b", "乙市")
    data = report(
        "query",
        "SELECT city, COUNT(*) AS n FROM projects GROUP BY city ORDER BY city",
        "--data",
        first,
        "--data",
        second,
    )
    assert [r["n"] for r in data["rows"]] == [5, 5]
    out = tmp_path / "全省.db"
    assert run("export", "sqlite", "-o", out, "--data", first, "--data", second).exit_code == 0
    conn = sqlite3.connect(out)
    assert conn.execute(
        "SELECT COUNT(DISTINCT city || '/' || id), COUNT(DISTINCT id) FROM projects"
    ).fetchone() == (10, 5)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert [r[0] for r in conn.execute("SELECT city FROM v_reporting")] == ["甲市", "乙市"]


def test_a_ledger_without_a_city_is_named_by_its_folder(tmp_path: Path) -> None:
    first, second = _copy(tmp_path, "遵义", None), _copy(tmp_path, "安顺", None)
    data = report("status", "--data", first, "--data", second)
    assert [c["city"] for c in data["cities"]] == ["遵义", "安顺"]


def test_two_ledgers_of_one_name_are_told_apart_by_folder(tmp_path: Path) -> None:
    first, second = _copy(tmp_path, "x1", "同名市"), _copy(tmp_path, "x2", "同名市")
    data = report("status", "--data", first, "--data", second)
    assert [c["city"] for c in data["cities"]] == ["同名市（x1）", "同名市（x2）"]


def test_the_same_folder_twice_is_a_usage_error() -> None:
    result = run("status", "--data", TYPICAL, "--data", TYPICAL)
    assert result.exit_code == 2 and "台账目录重复" in result.stderr


def test_a_district_filter_keeps_the_cities_that_have_it() -> None:
    data = report("status", "--data", SAMPLE, "--data", TYPICAL, "-d", "清镇")
    assert {r["city"] for r in data["rows"]} == {"贵阳市"}
    result = run("status", "--data", SAMPLE, "--data", TYPICAL, "-d", "火星区")
    assert result.exit_code == 2 and "未知区县" in result.stderr
