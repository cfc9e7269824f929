"""The meeting workbook as people see it: rendered by LibreOffice to PDF, checked page by page.

Skipped (with the reason) where ``soffice`` or poppler's ``pdftohtml`` is missing; ``.ci/run``
installs them. For the sample ledger and a 120-project generated ledger at 2024-06-30:

* every page: no text below 7 pt (``pdftohtml -xml`` font sizes), no two text boxes overprinting
  each other, the footer 第 N 页 共 M 页 and the as-of day;
* a sheet prints at a scale of 65 % or more (the PDF's page count matches that, roughly);
* the totals LibreOffice recalculates (from a copy without cached values) equal ``bzf status``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.benchmarks_support import generate
from tests.conftest import REPO, run

AS_OF = "2024-06-30"
ZOOM = 1.5  # pdftohtml's default: sizes and positions are points × 1.5, rounded (±0.33 pt)
pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftohtml") is None,
    reason="LibreOffice (soffice) or poppler-utils (pdftohtml) not installed: .ci/run installs them",
)


@dataclass(frozen=True)
class Text:
    page: int
    top: float
    left: float
    width: float
    height: float
    size: float  # points
    text: str


def soffice(source: Path, out: Path, fmt: str) -> Path:
    profile = out / "lo-profile"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
         "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return out / f"{source.stem}.{fmt.split(':')[0]}"


def texts(pdf: Path) -> tuple[int, list[Text]]:
    """Every text box of the PDF with its font size in points (poppler's pdftohtml -xml)."""
    xml = subprocess.run(
        ["pdftohtml", "-xml", "-i", "-q", "-stdout", str(pdf)],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    sizes = {m[0]: int(m[1]) / ZOOM for m in re.findall(r'<fontspec id="(\d+)" size="(-?\d+)"', xml)}
    found = []
    pages = 0
    for number, page in enumerate(xml.split("<page ")[1:], start=1):
        pages = number
        for top, left, width, height, font, body in re.findall(
            r'<text top="(-?\d+)" left="(-?\d+)" width="(\d+)" height="(\d+)" font="(\d+)">(.*?)</text>', page
        ):
            content = re.sub(r"<[^>]+>", "", body).strip()
            if content:
                found.append(Text(number, int(top) / ZOOM, int(left) / ZOOM, int(width) / ZOOM,
                                  int(height) / ZOOM, sizes[font], content))  # fmt: skip
    return pages, found


def overprinted(boxes: list[Text]) -> list[tuple[str, str]]:
    """Pairs of text boxes on one page whose areas overlap by more than a third of the smaller."""
    pairs = []
    ordered = sorted(boxes, key=lambda t: (t.page, t.top))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b.page != a.page or b.top >= a.top + a.height:
                break
            dx = min(a.left + a.width, b.left + b.width) - max(a.left, b.left)
            dy = min(a.top + a.height, b.top + b.height) - max(a.top, b.top)
            if dx > 0 and dy > 0 and dx * dy > min(a.width * a.height, b.width * b.height) / 3:
                pairs.append((a.text, b.text))
    return pairs


@dataclass
class Rendered:
    xlsx: Path
    pdf: Path
    pages: int
    texts: list[Text]
    ledger: Path


def render(root: Path, out: Path) -> Rendered:
    out.mkdir(parents=True, exist_ok=True)
    xlsx = out / "pack.xlsx"
    result = run("export", "xlsx", "--data", root, "--as-of", AS_OF, "-o", xlsx, "--no-cache")
    assert result.exit_code == 0, result.stderr
    pdf = soffice(xlsx, out, "pdf")
    pages, found = texts(pdf)
    return Rendered(xlsx, pdf, pages, found, root)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    root = tmp_path_factory.mktemp("sample") / "data"
    shutil.copytree(REPO / "data", root)
    return render(root, tmp_path_factory.mktemp("sample-out"))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    root = generate(tmp_path_factory.mktemp("gen") / "ledger", 120, seed=16)
    return render(root, tmp_path_factory.mktemp("gen-out"))


@pytest.fixture(params=["sample", "generated"])
def pack(request: pytest.FixtureRequest) -> Rendered:
    return request.getfixturevalue(request.param)


def test_no_text_below_7_pt(pack: Rendered) -> None:
    small = [(t.page, t.size, t.text) for t in pack.texts if t.size < 7.0 - 1 / 3]
    assert not small, small[:10]


def test_no_text_overprints_other_text(pack: Rendered) -> None:
    pairs = overprinted(pack.texts)
    assert not pairs, pairs[:10]


def test_no_number_too_wide_for_its_column(pack: Rendered) -> None:
    assert not [t.text for t in pack.texts if "###" in t.text]


def test_every_page_has_its_footer(pack: Rendered) -> None:
    by_page: dict[int, str] = {}
    for t in pack.texts:
        by_page[t.page] = by_page.get(t.page, "") + " " + t.text
    assert sorted(by_page) == list(range(1, pack.pages + 1))  # no blank page
    for page, text in by_page.items():
        assert re.search(rf"第\s*{page}\s*页\s*共\s*{pack.pages}\s*页", text), page
        assert f"统计截至 {AS_OF}" in text, page


def test_each_sheet_prints_at_65_percent_or_more(pack: Rendered) -> None:
    workbook = load_workbook(pack.xlsx)
    for sheet in workbook:
        setup = sheet.page_setup
        assert (setup.paperSize, setup.orientation) == (
            "8" if isinstance(setup.paperSize, str) else 8,
            "landscape",
        )
        if sheet.sheet_properties.pageSetUpPr is not None and sheet.sheet_properties.pageSetUpPr.fitToPage:
            assert setup.fitToWidth in (1, None) and setup.fitToHeight == 0
        else:
            assert setup.scale is not None and int(setup.scale) >= 65, sheet.title
    # each sheet starts on a page of its own: as many pages as sheets at least, and not absurdly many
    assert len(workbook.sheetnames) <= pack.pages <= 40 * len(workbook.sheetnames)


def test_one_header_per_table_page(sample: Rendered) -> None:
    """The 项目台账 header repeats on its pages; the 汇总 page shows its two headers once each."""
    first_page = [t.text for t in sample.texts if t.page == 1]
    assert first_page.count("年度") == 1 and first_page.count("序号") == 1


def _status_totals(root: Path) -> dict[str, Any]:
    result = run("status", "--data", root, "--as-of", AS_OF, "-f", "json")
    assert result.exit_code == 0, result.stderr
    total: dict[str, Any] = json.loads(result.stdout)["total"]
    return total


def test_recalculated_totals_equal_bzf_status(pack: Rendered, tmp_path: Path) -> None:
    # openpyxl writes the formulas without their cached values: LibreOffice must compute them
    workbook = load_workbook(pack.xlsx)
    stripped = tmp_path / "stripped.xlsx"
    workbook.save(stripped)
    recalculated = load_workbook(
        soffice(stripped, tmp_path / "out", "xlsx:Calc MS Excel 2007 XML"), data_only=True
    )
    total = _status_totals(pack.ledger)

    def total_row(name: str) -> dict[str, Any]:
        sheet = recalculated[name]
        rows = list(sheet.iter_rows(values_only=True))
        header = next(r for r in rows if (r and r[0] == "序号") or (r and r[0] == "筹集方式"))
        row = next(r for r in rows if r and r[0] == "合计")
        return dict(zip(header, row, strict=False))

    ledger = total_row("项目台账")
    assert ledger["套数"] == total["units"]
    assert total_row("会议台账")["套数"] == total["units"]
    breakdown = total_row("分类统计")
    assert (breakdown["项目数"], breakdown["套数"]) == (total["projects"], total["units"])
    assert (breakdown["已启动套数"], breakdown["已交付套数"]) == (
        total["started_units"],
        total["delivered_units"],
    )
    assert breakdown["交付率"] == pytest.approx(total["delivered_pct"], abs=5e-5)


def test_the_total_rows_light_is_a_formula_that_recalculates_to_bzfs_light(
    pack: Rendered, tmp_path: Path
) -> None:
    # 汇总's 合计 灯 cells are formulas over that row's SUBTOTALs: LibreOffice, computing them from a
    # copy without cached values, lights the total as bzf did (facts/pace.district_light)
    formulas = load_workbook(pack.xlsx)["汇总"]
    lit = {c.coordinate: c.value for row in formulas.iter_rows() for c in row
           if isinstance(c.value, str) and c.value.startswith("=IF(N(")}  # fmt: skip
    assert len(lit) == 2, lit  # 启动 and 交付
    cached = load_workbook(pack.xlsx, data_only=True)["汇总"]  # the values bzf wrote beside the formulas
    stripped = tmp_path / "stripped.xlsx"
    load_workbook(pack.xlsx).save(stripped)
    recalculated = load_workbook(
        soffice(stripped, tmp_path / "out", "xlsx:Calc MS Excel 2007 XML"), data_only=True
    )["汇总"]
    for ref in lit:
        assert cached[ref].value in ("红", "黄", "绿", "-"), ref
        assert recalculated[ref].value == cached[ref].value, (ref, lit[ref])
