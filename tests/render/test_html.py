"""The HTML briefing (``bzf export html``): one offline file whose numbers are the reports' numbers,
checked by parsing it and by opening it in a real headless Chromium (skipped when none is installed;
``.ci/run`` installs the Debian package ``chromium`` so CI runs them)."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from baozufang_cli.cli.briefing_export import CHROMIUM_FLAGS
from tests.conftest import SAMPLE, run, run_json

AS_OF = "2024-06-30"
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
needs_browser = pytest.mark.skipif(
    BROWSER is None, reason="没有安装 chromium（Debian：apt-get install chromium）"
)
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="没有安装 poppler-utils")
# attributes that make a browser fetch something
FETCHING = {"src", "href", "srcset", "action", "poster", "data", "formaction", "background", "ping"}


class Page(HTMLParser):
    """Every tag with its attributes, plus the cells (data-key → data-v) of each table row."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.tables: dict[str, list[dict[str, Any]]] = {}
        self.table: str | None = None
        self.row: dict[str, Any] | None = None
        self.text: list[str] = []
        self.styles: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.tags.append((tag, values))
        if tag == "style":
            self.in_style = True
        if tag == "table":
            self.table = values.get("id", "")
            self.tables.setdefault(self.table, [])
        elif tag == "tr" and self.table is not None:
            self.row = {"_district": values.get("data-district")}
            self.tables[self.table].append(self.row)
        elif tag in ("td", "th") and self.row is not None and "data-key" in values:
            self.row[values["data-key"]] = values.get("data-v", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.table = None
        elif tag == "tr":
            self.row = None
        elif tag == "style":
            self.in_style = False

    def handle_data(self, data: str) -> None:
        (self.styles if self.in_style else self.text).append(data)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def export(tmp_path: Path, *args: str | Path, data: Path = SAMPLE, exit_code: int = 0) -> str:
    out = tmp_path / "简报.html"
    result = run("export", "html", "--data", data, "--as-of", AS_OF, "-o", out, *args)
    assert result.exit_code == exit_code, result.stderr
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sample_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("briefing") / "简报.html"
    result = run("export", "html", "--data", SAMPLE, "--as-of", AS_OF, "-o", out)
    assert result.exit_code == 0, result.stderr
    return out


def number(text: str) -> float | None:
    return None if text == "" else float(text)


# ------------------------------------------------------------------ the file itself


def test_one_self_contained_file_that_requests_nothing(sample_html: Path) -> None:
    html = sample_html.read_text(encoding="utf-8")
    page = parse(html)
    assert len(sample_html.read_bytes()) < 2_000_000
    assert page.tags[0] == ("html", {"lang": "zh-CN"})
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            if name in FETCHING:
                assert value.startswith("#"), (tag, name, value)  # only in-page anchors
        assert tag not in ("link", "iframe", "object", "embed", "img", "audio", "video", "source")
        assert not (tag == "script" and "src" in attrs)
    css = "".join(page.styles)
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    assert not re.search(r"\b(fetch|XMLHttpRequest|import\(|WebSocket|navigator\.sendBeacon)", html)


def test_semantic_accessible_tables_and_lights_in_words(sample_html: Path) -> None:
    html = sample_html.read_text(encoding="utf-8")
    page = parse(html)
    headers = [attrs for tag, attrs in page.tags if tag == "th"]
    assert headers and all(attrs.get("scope") in ("col", "row") for attrs in headers)
    assert all(tag != "table" or True for tag, _ in page.tags)
    assert html.count("<caption>") >= 5
    for word in ("红", "黄", "绿"):  # a light is never a colour alone
        assert f'">{word}</span>' in html
    for heading in ("一、总体情况", "二、区县进度与排名", "三、各区县目标与完成", "四、逐月累计交付与序时进度",
                    "五、倒排工期", "六、问题清单", "七、资金", "八、分区县项目"):  # fmt: skip
        assert heading in html


def test_district_table_equals_gap_and_status(sample_html: Path) -> None:
    page = parse(sample_html.read_text(encoding="utf-8"))
    rows = {r["_district"]: r for r in page.tables["district-table"] if r["_district"]}
    gap = run_json("gap", "--data", SAMPLE, "--as-of", AS_OF)
    status = run_json("status", "--data", SAMPLE, "--as-of", AS_OF)
    assert set(rows) == {r["district"] for r in status["rows"]}
    for item in gap["rows"]:
        row = rows[item["district"]]
        metric = item["metric"]
        assert number(row[f"{metric}_target"]) == item["target"]
        assert number(row[f"{metric}_actual"]) == item["actual"]
        assert number(row[f"{metric}_pct"]) == item["pct"]
    for item in status["rows"]:
        assert number(rows[item["district"]]["projects"]) == item["projects"]
        assert number(rows[item["district"]]["units"]) == item["units"]
    total = next(
        r for r in page.tables["district-table"] if not r["_district"] and r.get("district") == "合计"
    )
    for item in gap["totals"]:
        assert number(total[f"{item['metric']}_target"]) == item["target"]
        assert number(total[f"{item['metric']}_actual"]) == item["actual"]
    assert number(total["units"]) == status["total"]["units"]


def test_lights_and_forecasts_equal_bzf_lights_and_forecast(sample_html: Path) -> None:
    page = parse(sample_html.read_text(encoding="utf-8"))
    rows = {r["_district"]: r for r in page.tables["district-table"] if r["_district"]}
    lights = run_json("lights", "--data", SAMPLE, "--as-of", AS_OF)
    order = {"red": "0", "yellow": "1", "green": "2", "done": "3", "none": "4"}
    for item in lights["districts"]:
        assert rows[item["district"]][f"{item['metric']}_light"] == order[item["light"]]
    forecast = run_json("forecast", "--data", SAMPLE, "--as-of", AS_OF)
    for item in forecast["districts"]:
        if item["metric"] == "delivered":
            assert number(rows[item["district"]]["delivered_forecast"]) == item["forecast"]


def test_headline_uses_the_city_target_and_says_so(sample_html: Path) -> None:
    html = sample_html.read_text(encoding="utf-8")
    gap = run_json("gap", "--data", SAMPLE, "--as-of", AS_OF)
    city = gap["city"][0]  # 2024: 70,000 delivered (人才租赁住房, cumulative)
    card = re.search(r'<article class="card" data-metric="delivered">(.*?)</article>', html, re.S)
    assert card is not None
    assert f'data-key="target" data-v="{city["target"]}"' in card.group(1)
    assert f'data-key="actual" data-v="{city["actual"]}"' in card.group(1)
    assert "全市目标" in card.group(1)
    started = re.search(r'<article class="card" data-metric="started">(.*?)</article>', html, re.S)
    assert started is not None and "区县目标合计" in started.group(1)  # no city target for started


def test_open_problems_overdue_first_with_department_and_deadline(tmp_path: Path) -> None:
    html = export(tmp_path, "--as-of", "2024-09-30")
    page = parse(html)
    rows = page.tables["problem-table"][1:]
    problems = run_json("problems", "--data", SAMPLE, "--as-of", "2024-09-30", "--state", "open")
    assert len(rows) == len(problems["problems"])
    overdue = [number(r["days_overdue"]) for r in rows]
    assert overdue == sorted(overdue, key=lambda d: (d is None, -(d or 0)))
    assert all(r["department"] and "due" in r for r in rows)


def test_filters_are_applied_and_stamped(tmp_path: Path) -> None:
    html = export(tmp_path, "--district", "南明")
    page = parse(html)
    districts = {r["_district"] for r in page.tables["district-table"] if r["_district"]}
    assert districts == {"南明区"}
    assert "筛选 区县：南明区" in html


def test_stamp_names_the_commit_and_a_dirty_tree(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger"
    shutil.copytree(SAMPLE, ledger)
    assert "台账不在 git 仓库中" in export(tmp_path, data=ledger)
    git = ["git", "-C", str(ledger), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "台账"], check=True)
    short = subprocess.run(
        [*git, "rev-parse", "--short=7", "HEAD"], capture_output=True, text=True, check=True
    )
    html = export(tmp_path, data=ledger)
    assert f"台账版本 {short.stdout.strip()}" in html and "有未提交的改动" not in html
    with (ledger / "targets.yaml").open("a", encoding="utf-8") as handle:
        handle.write("# 改动\n")
    assert "有未提交的改动" in export(tmp_path, data=ledger)


def test_big_ledgers_start_collapsed_and_cut_long_lists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from baozufang_cli.reports import briefing, briefing_sections

    monkeypatch.setattr(briefing, "LARGE_LEDGER", 10)
    monkeypatch.setattr(briefing_sections, "DISTRICT_ROWS", 2)
    html = export(tmp_path)
    assert '<details class="district"' in html and " open>" not in html.split('id="by-district"')[1].split(
        "</section>"
    )[0].replace('<details class="data"', "")
    assert "各区县默认收起" in html and "个项目未列出" in html


def test_files_with_errors_are_left_out_said_on_the_page_and_exit_1(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger"
    shutil.copytree(SAMPLE, ledger)
    (ledger / "projects" / "南明" / "broken.yaml").write_text("id: [\n", encoding="utf-8")
    html = export(tmp_path, data=ledger, exit_code=1)
    assert "1 个文件有错误，未计入" in html


# ------------------------------------------------------------------ in a real browser


def browse(html: Path, *flags: str, profile: Path) -> subprocess.CompletedProcess[str]:
    assert BROWSER is not None
    command = [BROWSER, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *flags]
    if os.geteuid() == 0:
        command.append("--no-sandbox")
    return subprocess.run([*command, html.as_uri()], capture_output=True, text=True, timeout=120, check=False)


def page_requests(net_log: Path) -> list[str]:
    """URLs the page itself asked for (the browser's own background requests carry no page origin)."""
    log = json.loads(net_log.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        event["params"]["url"]
        for event in log["events"]
        if event["type"] == start
        and "url" in event.get("params", {})
        and event["params"].get("initiator") != "not an origin"
        and not event["params"]["url"].startswith(("file:", "data:", "about:"))
    ]


def console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@needs_browser
def test_the_probe_sees_requests_and_console_errors(tmp_path: Path) -> None:
    """The checks below would catch a page that fetches something or throws."""
    probe = tmp_path / "probe.html"
    probe.write_text(
        '<img src="http://example.invalid/x.png"><script>undefinedName()</script>', encoding="utf-8"
    )
    done = browse(probe, "--proxy-server=127.0.0.1:9", "--enable-logging=stderr", "--v=0",
                  f"--log-net-log={tmp_path / 'net.json'}", "--dump-dom", profile=tmp_path / "p")  # fmt: skip
    assert page_requests(tmp_path / "net.json") == ["http://example.invalid/x.png"]
    assert any("undefinedName" in line for line in console_lines(done.stderr))


@needs_browser
def test_no_request_and_no_console_message_when_opened_offline(sample_html: Path, tmp_path: Path) -> None:
    done = browse(sample_html, "--proxy-server=127.0.0.1:9", "--enable-logging=stderr", "--v=0",
                  f"--log-net-log={tmp_path / 'net.json'}", "--dump-dom", profile=tmp_path / "p")  # fmt: skip
    assert page_requests(tmp_path / "net.json") == []
    assert console_lines(done.stderr) == []
    dom = done.stdout
    assert dom.count('class="sort"') >= 20  # the script ran: sortable headers
    assert "只看区县" in dom and "<option" in dom  # and the district filter


@needs_browser
@needs_poppler
def test_readable_with_scripts_off_and_printed(sample_html: Path, tmp_path: Path) -> None:
    """Without its script the printed page still has every section and every district's projects.

    (Headless Chromium cannot screenshot or print with scripts disabled, so the copy has none.)
    """
    html = sample_html.read_text(encoding="utf-8")
    off = tmp_path / "off.html"
    off.write_text(re.sub(r"<script>.*?</script>", "", html, flags=re.S), encoding="utf-8")
    assert "<script" not in off.read_text(encoding="utf-8")
    out = tmp_path / "off.pdf"
    browse(off, f"--print-to-pdf={out}", profile=tmp_path / "p")
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    for heading in ("一、总体情况", "二、区县进度与排名", "五、倒排工期", "八、分区县项目"):
        assert heading in text
    status = run_json("status", "--data", SAMPLE, "--as-of", AS_OF)
    assert all(row["district"] in text for row in status["rows"])
    assert "NM-2022-003" in text and "SL-2024-001" in text  # projects of the first and last district
    assert "只看区县" not in text  # the filter exists only where the script runs


def phone_frame(page: Path, folder: Path, probe: str = "") -> Path:
    """A 390 px wide frame around ``page``: headless Chromium's own window is at least 500 px wide."""
    inner = folder / "inner.html"
    inner.write_text(page.read_text(encoding="utf-8").replace("</body>", f"{probe}</body>"), encoding="utf-8")
    frame = folder / "phone.html"
    frame.write_text(
        '<!DOCTYPE html><html><head><title>-</title><script>addEventListener("message", function (e) '
        '{ document.title = "W=" + e.data; });</script></head><body style="margin:0">'
        '<iframe src="inner.html" style="border:0;width:390px;height:844px;display:block"></iframe></body></html>',
        encoding="utf-8",
    )
    return frame


@needs_browser
def test_fits_a_phone_without_sideways_scrolling(sample_html: Path, tmp_path: Path) -> None:
    probe = (
        '<script>parent.postMessage(document.documentElement.scrollWidth + "/" + innerWidth, "*");</script>'
    )
    frame = phone_frame(sample_html, tmp_path, probe)
    done = browse(frame, "--virtual-time-budget=3000", "--dump-dom", profile=tmp_path / "p")
    width = re.search(r"<title>W=(\d+)/(\d+)</title>", done.stdout)
    assert width is not None, done.stdout[:300]
    assert int(width.group(2)) == 390 and int(width.group(1)) <= 390  # wide tables scroll inside the page


def png_is_not_blank(path: Path, width: int, height: int) -> None:
    raw = path.read_bytes()
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", raw[16:24]) == (width, height)
    data, position = b"", 8
    while position < len(raw):
        (length,) = struct.unpack(">I", raw[position : position + 4])
        kind = raw[position + 4 : position + 8]
        if kind == b"IDAT":
            data += raw[position + 8 : position + 8 + length]
        position += 12 + length
    pixels = zlib.decompress(data)
    busy = sum(1 for b in pixels[::7] if b not in (0, 255))  # filtered rows of a blank page are all zero
    assert busy > len(pixels) // 7 // 100, "the screenshot looks blank"


@needs_browser
@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_screenshots_are_not_blank(sample_html: Path, tmp_path: Path, width: int, height: int) -> None:
    shot = tmp_path / "shot.png"
    page = sample_html if width >= 500 else phone_frame(sample_html, tmp_path)
    browse(page, f"--window-size={width},{height}", f"--screenshot={shot}", profile=tmp_path / "p")
    png_is_not_blank(shot, width, height)


@needs_browser
@needs_poppler
@pytest.mark.parametrize(("paper", "size"), [("a4", "595"), ("a3", "1191")])
def test_pdf_pages_all_carry_the_stamp(tmp_path: Path, paper: str, size: str) -> None:
    out = tmp_path / "简报.pdf"
    result = run("export", "pdf", "--data", SAMPLE, "--as-of", AS_OF, "--paper", paper, "-o", out)
    assert result.exit_code == 0, result.stderr
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert 6 <= pages <= 20
    assert re.search(rf"Page size:\s+{size}", info) or re.search(rf"Page size:\s+{int(size) - 1}\.9", info), (
        info
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    printed = [page for page in text.split("\f") if page.strip()]
    assert len(printed) == pages
    for index, page in enumerate(printed, 1):
        assert f"统计截至 {AS_OF}" in page, index
        assert f"第 {index} 页，共 {pages} 页" in page


@needs_browser
@needs_poppler
def test_a_big_ledger_prints_every_district_with_headers_on_every_page(tmp_path: Path) -> None:
    """400 projects: district sections start collapsed on screen but print open; a table that runs
    over pages repeats its header (with its text: the sort buttons are not printed)."""
    from tests.benchmarks_support import generate

    root = generate(tmp_path / "ledger", 400, seed=3)
    html = tmp_path / "big.html"
    result = run("export", "html", "--data", root, "--as-of", "2025-06-30", "-o", html)
    assert result.exit_code == 0, result.stderr
    assert "各区县默认收起" in html.read_text(encoding="utf-8")
    out = tmp_path / "big.pdf"
    browse(html, f"--print-to-pdf={out}", "--no-pdf-header-footer", profile=tmp_path / "p")
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = [page for page in text.split("\f") if page.strip()]
    problem_pages = [page for page in pages if "逾期未办结" in page]
    assert len(problem_pages) >= 2  # the problem list runs over pages
    assert all("责任部门" in page for page in problem_pages)
    project_pages = [page for page in pages if re.search(r"\b[A-Z]{2,3}-20\d\d-\d{5}\b", page)]
    assert project_pages and all("项目名称" in page for page in project_pages)


@needs_browser
def test_district_filter_and_sorting_work(sample_html: Path, tmp_path: Path) -> None:
    probe = """<script>
    var select = document.querySelector(".filter select");
    select.value = "南明区";
    select.dispatchEvent(new Event("change"));
    function shown(selector) {
      return Array.prototype.filter.call(document.querySelectorAll(selector), function (e) { return !e.hidden; }).length;
    }
    var rows = shown("#district-table tbody tr"), sections = shown("details.district");
    select.value = "";
    select.dispatchEvent(new Event("change"));
    document.querySelector("#district-table thead th:nth-child(4) button").click();  // 总套数, descending
    var first = document.querySelector("#district-table tbody tr").getAttribute("data-district");
    document.title = ["R=" + rows, "S=" + sections, "A=" + shown("#district-table tbody tr"), "F=" + first].join(" ");
    </script>"""
    page = tmp_path / "probe.html"
    page.write_text(
        sample_html.read_text(encoding="utf-8").replace("</body>", probe + "</body>"), encoding="utf-8"
    )
    done = browse(page, "--dump-dom", profile=tmp_path / "p")
    status = run_json("status", "--data", SAMPLE, "--as-of", AS_OF)
    biggest = max(status["rows"], key=lambda r: r["units"])["district"]
    assert f"<title>R=1 S=1 A=15 F={biggest}</title>" in done.stdout
