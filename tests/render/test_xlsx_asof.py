"""An export "as of" a day holds nothing that happened after it (reports/as_of.py, history/as_of.py).

The excel test ledger at 2024-03-31: E-1 was delivered on 2024-04-10 and its file updated on
2024-06-28 (形象进度, funds received, rents are that day's), GA-1 started on 2024-06-15. Every
cell of every sheet is read back and searched for those facts — as dates and inside text.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.conftest import make_ledger, run

AS_OF = date(2024, 3, 31)
PROGRESS = "主体完工，室内装修中"
LATER_PROGRESS = "已交付运营，入住八成"


def cells(path: Path) -> dict[str, list[Any]]:
    """Every value of every sheet (dates read back as dates)."""
    workbook = load_workbook(path)
    found: dict[str, list[Any]] = {}
    for sheet in workbook:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if value is not None:
                    found.setdefault(sheet.title, []).append(
                        value.date() if isinstance(value, datetime) else value
                    )
    return found


# what happened after the day in the excel test ledger: E-1 delivered, GA-1 started, E-1's file updated
LATER_FACTS = {date(2024, 4, 10), date(2024, 6, 15), date(2024, 6, 28)}


def later_dates(values: list[Any]) -> set[date]:
    """Facts after the as-of day found in the cells: date cells, and ISO dates inside text (the
    倒排工期 cell's 实际 dates). Planned dates are plans known on the day, not facts."""
    out = set()
    for value in values:
        if isinstance(value, date) and value in LATER_FACTS:
            out.add(value)
        elif isinstance(value, str) and not value.startswith("填报单位"):  # 填报日期: the pack's own date
            for text in re.findall(r"\d{4}-\d{2}-\d{2}", value):
                if date.fromisoformat(text) in LATER_FACTS:
                    out.add(date.fromisoformat(text))
    return out


@pytest.fixture
def later_ledger(tmp_path: Path) -> Path:
    root = make_ledger(tmp_path / "ledger", "base", "excel")
    e1 = root / "projects" / "E-1.yaml"
    e1.write_text(e1.read_text(encoding="utf-8") + f"progress: {LATER_PROGRESS}\n", encoding="utf-8")
    return root


def export(root: Path, out: Path) -> Path:
    result = run("export", "xlsx", "--data", root, "--as-of", AS_OF.isoformat(), "-o", out, "--no-cache")
    assert result.exit_code == 0, result.stderr
    return out


def test_no_cell_holds_a_fact_dated_after_the_day(later_ledger: Path, tmp_path: Path) -> None:
    found = cells(export(later_ledger, tmp_path / "pack.xlsx"))
    for sheet, values in found.items():
        assert later_dates(values) == set(), sheet
        assert not [v for v in values if isinstance(v, str) and LATER_PROGRESS in v], sheet
        # E-1's funds received and leases are 2024-06-28 figures: unknown on 2024-03-31
        assert not {17500.5, 16000.5} & {v for v in values if isinstance(v, float)}, sheet
        assert not [v for v in values if isinstance(v, str) and "实际 2024-04-10" in v], sheet
    ledger_sheet = found["项目台账"]
    assert date(2024, 3, 20) in ledger_sheet  # E-1's 竣工验收, before the day, is there
    assert any(isinstance(v, str) and "截至日后更新，未计入" in v for v in ledger_sheet)


def test_the_ledger_sheet_agrees_with_bzf_ledger_as_of(later_ledger: Path, tmp_path: Path) -> None:
    keys = ["id", "start_actual", "delivered_actual", "stage", "stage_date", "status", "progress", "updated"]
    result = run(
        "ledger", "--data", later_ledger, "--as-of", AS_OF.isoformat(), "-f", "json", "-C", ",".join(keys)
    )
    assert result.exit_code == 0, result.stderr
    expected = {row["id"]: row for row in json.loads(result.stdout)["rows"]}
    sheet = load_workbook(export(later_ledger, tmp_path / "pack.xlsx"))["项目台账"]
    headers = [cell.value for cell in sheet[4]]
    from baozufang_cli.reports.ledger_view import COLUMNS

    title = {c.key: c.header for c in COLUMNS}
    for row in sheet.iter_rows(min_row=5, max_row=8, values_only=True):
        cells_by_key = dict(zip(headers, row, strict=False))
        want = expected[cells_by_key["项目编号"]]
        for key in ("start_actual", "delivered_actual", "stage_date"):
            value = cells_by_key[title[key]]
            assert (value.date().isoformat() if value else None) == want[key], key
        for key in ("stage", "status"):
            assert cells_by_key[title[key]] == want[key], key
    assert expected["E-1"]["delivered_actual"] is None  # the JSON view already knew


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_undated_facts_come_from_the_ledgers_git_version_as_of_the_day(
    later_ledger: Path, tmp_path: Path
) -> None:
    e1 = later_ledger / "projects" / "E-1.yaml"
    later = e1.read_text(encoding="utf-8")
    earlier = (
        later.replace(f"progress: {LATER_PROGRESS}", f"progress: {PROGRESS}")
        .replace("received_wan: 16000.5", "received_wan: 9000")
        .replace("updated: 2024-06-28", "updated: 2024-03-25")
    )
    e1.write_text(earlier, encoding="utf-8")

    def git(*args: str, when: str) -> None:
        env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
               "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}  # fmt: skip
        subprocess.run(["git", "-C", str(later_ledger), *args], check=True, capture_output=True, env=env)

    git("init", "-q", when="2024-03-25T10:00:00")
    git("add", "-A", when="2024-03-25T10:00:00")
    git("commit", "-qm", "三月台账", when="2024-03-25T10:00:00")
    e1.write_text(later, encoding="utf-8")
    git("commit", "-qam", "六月台账", when="2024-06-28T10:00:00")

    found = cells(export(later_ledger, tmp_path / "pack.xlsx"))
    ledger_sheet = found["项目台账"]
    assert PROGRESS in ledger_sheet and 10500 in ledger_sheet  # as committed on 2024-03-25: 1500 + 9000
    assert any(isinstance(v, str) and "银行贷款：计划 20000，到位 9000" in v for v in ledger_sheet)
    assert LATER_PROGRESS not in ledger_sheet and 17500.5 not in ledger_sheet
    assert date(2024, 3, 25) in ledger_sheet  # its 更新日期 then
    assert later_dates(ledger_sheet) == set()
