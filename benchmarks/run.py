"""bzf's benchmark: whole-process timings against a parse floor, printed as a Markdown table.

    python benchmarks/run.py --sizes 1000,10000,20000 --repeat 3
    python benchmarks/run.py --quick          # N=50, one repeat: a smoke test, not a measurement

For each N it generates (once, deterministically) an N-project ledger under ``--out`` and runs
every command as a separate process, ``--repeat`` times, keeping the median wall time, the
run's own CPU time (``wait4``) and its own peak memory (GNU time's maximum RSS; a child forked
from the harness would otherwise start at the harness's peak). bzf is byte-compiled first.
Issue 19's goals (warm answers against ``--version``, ledger-cli and hledger beside bzf) have
their own table, in CPU time: ``benchmarks/answers.py``. Every figure is printed in seconds and as a ratio
to its reference, with the goals of issue 9 marked 达成 (met) or 未达成 (not met):

* parse floor: ``parse_floor.py`` parses every project file with libyaml and does nothing else;
* ``bzf check`` / ``bzf status`` cold (no cache) ≤ 1.5× the parse floor;
* warm (nothing changed) ``status`` ≤ 0.1× the parse floor (N ≥ 10,000) and ≤ 2× ``bzf --version``;
* one file changed ≈ warm + one file's parse (counted as met within 1.25× of that);
* ``bzf --version`` / ``--help`` ≤ 1.5× ``python -c "import typer"``;
* ``bzf export xlsx`` ≤ 1.3× a bare XlsxWriter loop writing the same cells (``xlsxwriter_floor.py``,
  the library the export writes with; issue 16), and for comparison against a bare openpyxl loop;
* ``bzf export html`` (the briefing) ≤ 1× ``bzf export xlsx`` of the same ledger, with the file's size;
* peak memory of every bzf run at N ≥ 20,000 below 1 GiB;
* one big project file (``--big-problems``, default 10,000 problems ≈ 1.7 MB, ``big_file.py``; issue 15):
  ``bzf fmt --check`` ≤ 2× parsing it with libyaml, ``bzf set`` / ``bzf problem close`` / ``add``
  ≤ 2× ruamel's round-trip parse of it (``big_floor.py``), in a table of its own (goals from
  10,000 problems; ``--sizes "" --big-problems 10000`` runs only this part).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from generate import SAMPLE_DATA, generate  # noqa: E402

AS_OF = "2025-06-30"
CHANGED_GOAL = 1.25  # "warm plus about one file's parse": met within 25 % of that
MEMORY_LIMIT_MB = 1024
MEMORY_GOAL_FROM = 20_000
WARM_GOAL_FROM = 10_000
SHORT_RUNS = 7  # start-up and warm runs are quick and the noisiest: take at least this many


@dataclass
class Sample:
    seconds: float
    rss_mb: float
    cpu: float = 0.0  # user + system CPU seconds of this run alone (wait4's rusage of the one child)


@dataclass
class Row:
    label: str
    seconds: float
    rss_mb: float | None = None
    reference: str = ""  # label of the reference row
    reference_seconds: float | None = None
    goal: float | None = None  # max ratio to the reference
    goal_applies: bool = True
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.reference_seconds is None or self.reference_seconds <= 0:
            return None
        return self.seconds / self.reference_seconds

    @property
    def met(self) -> str:
        if self.goal is None:
            return ""
        if not self.goal_applies:
            return "—"
        ratio = self.ratio
        return "" if ratio is None else ("达成" if ratio <= self.goal else "**未达成**")


@dataclass
class Runner:
    repeat: int
    env: dict[str, str]
    log: Callable[[str], None]
    short_runs: int = SHORT_RUNS

    def once(self, command: list[str], expect: int = 0) -> Sample:
        with tempfile.TemporaryFile() as errors, tempfile.NamedTemporaryFile("r") as peak:
            # A child's ru_maxrss starts at its parent's peak (Linux keeps the high-water mark
            # across fork and exec), so a small command forked from this harness would report the
            # harness's memory. GNU time, itself small, runs the command and writes its peak.
            launcher = [GNU_TIME, "-f", "%M", "-o", peak.name] if GNU_TIME else []
            start = time.perf_counter()
            process = subprocess.Popen(
                [*launcher, *command], stdout=subprocess.DEVNULL, stderr=errors, env=self.env
            )
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - start
            process.returncode = os.waitstatus_to_exitcode(status)
            if process.returncode != expect:
                errors.seek(0)
                message = errors.read().decode("utf-8", "replace")[-2000:]
                raise SystemExit(f"{' '.join(command)} exited {process.returncode}:\n{message}")
            reported = peak.read().split()
        # wait4's rusage is this child's own (with the command it waited for), not
        # RUSAGE_CHILDREN, the largest of every child so far; ru_maxrss and %M are KiB on Linux
        kib = int(reported[-1]) if reported and reported[-1].isdigit() else usage.ru_maxrss
        return Sample(seconds, kib / 1024, usage.ru_utime + usage.ru_stime)


def _gnu_time() -> str | None:
    """``/usr/bin/time`` when it is GNU time (``-f``, ``-o``); else peaks come from wait4 alone."""
    path = shutil.which("time", path="/usr/bin:/bin")
    if path is None:
        return None
    probe = subprocess.run([path, "-f", "%M", "true"], capture_output=True, text=True, check=False)
    return path if probe.returncode == 0 and probe.stderr.strip().isdigit() else None


GNU_TIME = _gnu_time()


def compile_package(env: dict[str, str]) -> None:
    """Byte-compile bzf (and typer) once, as ``pip install`` does, so no measured run pays for it."""
    import importlib.util

    for name in ("baozufang_cli", "typer"):
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            folder = next(iter(spec.submodule_search_locations))
            subprocess.run([sys.executable, "-m", "compileall", "-q", folder], env=env, check=False,
                           stdout=subprocess.DEVNULL)  # fmt: skip


def child_env(out: Path) -> dict[str, str]:
    """Children run as a user's shell would: no bzf settings, and byte-compiled modules are kept
    (this sandbox sets PYTHONDONTWRITEBYTECODE, which would recompile bzf on every start)."""
    dropped = ("BZF_", "COLUMNS", "FORCE_COLOR", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    env["XDG_CACHE_HOME"] = str(out / "user-cache")
    return env


def bzf_command() -> list[str]:
    script = Path(sys.executable).parent / "bzf"
    return [str(script)] if script.exists() else [sys.executable, "-m", "baozufang_cli"]


def ledger_for(out: Path, n: int, seed: int) -> Path:
    """The N-project ledger, generated once per (N, seed, generator, sample config)."""
    stamp_text = (
        f"{n}|{seed}|"
        + hashlib.sha256(
            (HERE / "generate.py").read_bytes()
            + (SAMPLE_DATA / "targets.yaml").read_bytes()
            + (SAMPLE_DATA / "criteria.yaml").read_bytes()
        ).hexdigest()
    )
    root = out / f"ledger-{n}"
    stamp = out / f"ledger-{n}.stamp"
    if not (stamp.exists() and stamp.read_text() == stamp_text and (root / "projects").is_dir()):
        shutil.rmtree(root, ignore_errors=True)
        generate(root, n, seed)
        stamp.write_text(stamp_text)
    return root


def project_files(root: Path) -> list[Path]:
    return sorted((root / "projects").rglob("*.yaml"))


class Mutations:
    """What the cold and one-changed-file steps do to a generated ledger between runs: drop its
    caches, append a comment to one project file (a new size and mtime each attempt), put it back."""

    def __init__(self, root: Path, files: list[Path], env: dict[str, str]) -> None:
        self.caches = [root / ".bzf-cache", Path(env["XDG_CACHE_HOME"])]
        self.changed = files[len(files) // 2]
        self.original = self.changed.read_bytes()

    def drop_cache(self, _: int = 0) -> None:
        for folder in self.caches:
            shutil.rmtree(folder, ignore_errors=True)

    def change_one_file(self, attempt: int) -> None:
        self.changed.write_bytes(self.original + f"# 基准测试修改 {time.time_ns()} {attempt}\n".encode())

    def restore(self, _: int = 0) -> None:  # the next warm run finds the cache as it was
        self.changed.write_bytes(self.original)


def export_available(bzf: list[str], env: dict[str, str]) -> bool:
    probe = subprocess.run([*bzf, "export", "xlsx", "--help"], capture_output=True, env=env, check=False)
    return probe.returncode == 0


def workbook_rows(path: Path, target: Path) -> None:
    """Dump the cell values of every sheet, so the bare openpyxl loop writes the same rows."""
    import pickle

    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    sheets = [(ws.title, [list(row) for row in ws.iter_rows(values_only=True)]) for ws in workbook]
    workbook.close()
    target.write_bytes(pickle.dumps(sheets))


def workbook_cells(path: Path, target: Path) -> tuple[int, int]:
    """Dump every cell of every sheet with its format, so the bare XlsxWriter loop writes the same
    cells (values, types, formatted blanks) with the same formats. Returns (cells, formats)."""
    import pickle

    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    formats: dict[int, dict[str, object]] = {}
    sheets = []
    cells = 0
    for ws in workbook:
        rows, styles = [], []
        for row in ws.iter_rows():
            values, numbers = [], []
            for cell in row:
                style = getattr(cell, "_style_id", None)
                if style is None:  # openpyxl's EmptyCell: not in the file
                    values.append(None)
                    numbers.append(-1)
                    continue
                if style not in formats:
                    formats[style] = _xlsxwriter_format(cell)
                values.append(cell.value)
                numbers.append(style)
                cells += 1
            rows.append(values)
            styles.append(numbers)
        sheets.append((ws.title, rows, styles))
    workbook.close()
    target.write_bytes(pickle.dumps((formats, sheets)))
    return cells, len(formats)


def _colour(colour: object) -> str | None:
    rgb = getattr(colour, "rgb", None)
    return f"#{rgb[-6:]}" if isinstance(rgb, str) and rgb not in ("00000000",) else None


def _xlsxwriter_format(cell: object) -> dict[str, object]:
    """The XlsxWriter properties of an openpyxl cell's style (what bzf's formats set)."""
    font, fill, border, align = cell.font, cell.fill, cell.border, cell.alignment  # type: ignore[attr-defined]
    props: dict[str, object] = {"font_name": font.name, "font_size": font.sz, "bold": bool(font.b)}
    if _colour(font.color):
        props["font_color"] = _colour(font.color)
    if fill.fill_type == "solid" and _colour(fill.fgColor):
        props["bg_color"] = _colour(fill.fgColor)
    if border.left is not None and border.left.style:
        props["border"] = 1
        if _colour(border.left.color):
            props["border_color"] = _colour(border.left.color)
    if cell.number_format != "General":  # type: ignore[attr-defined]
        props["num_format"] = cell.number_format  # type: ignore[attr-defined]
    if align.horizontal:
        props["align"] = align.horizontal
    if align.vertical:
        props["valign"] = "vcenter" if align.vertical == "center" else align.vertical
    if align.wrap_text:
        props["text_wrap"] = True
    return props


@dataclass
class Step:
    """One measurement: a command, what to do before each run, whether it is a short one."""

    name: str
    command: list[str]
    before: Callable[[int], None] | None = None
    short: bool = False
    samples: list[Sample] = field(default_factory=list)

    @property
    def median(self) -> Sample:
        return Sample(
            statistics.median(s.seconds for s in self.samples),
            statistics.median(s.rss_mb for s in self.samples),
            statistics.median(s.cpu for s in self.samples),
        )


def measure_in_rounds(steps: list[Step], runner: Runner, log: Callable[[str], None]) -> None:
    """Run every step once per round, in order, so a figure and its reference see the same
    machine load (other work on a shared machine comes and goes). Long steps run ``repeat``
    rounds; short ones (start-up, warm) keep going for at least ``short_runs``."""
    rounds = max(runner.repeat, runner.short_runs)
    for attempt in range(rounds):
        log(f"  round {attempt + 1}/{rounds}")
        for step in steps:
            if attempt >= runner.repeat and not step.short:
                continue
            if step.before is not None:
                step.before(attempt)
            step.samples.append(runner.once(step.command))


def bench_size(n: int, args: argparse.Namespace, runner: Runner, bzf: list[str]) -> list[Row]:
    root = ledger_for(args.out, n, args.seed)
    files = project_files(root)
    python = sys.executable
    mutate = Mutations(root, files, runner.env)
    drop_cache, change_one_file = mutate.drop_cache, mutate.change_one_file

    def bzf_run(command: str) -> list[str]:
        return [*bzf, command, "--data", str(root), "--as-of", AS_OF]

    # the order matters: the cold runs leave a written cache for the warm ones that follow
    steps = [
        Step("floor", [python, str(HERE / "parse_floor.py"), str(root)]),
        Step("check cold", bzf_run("check"), drop_cache),
        Step("status cold", bzf_run("status"), drop_cache),
        Step("check warm", bzf_run("check"), short=True),
        Step("status warm", bzf_run("status"), short=True),
        Step("check changed", bzf_run("check"), change_one_file, short=True),
        Step("status changed", bzf_run("status"), change_one_file, short=True),
        Step("typer", [python, "-c", "import typer"], short=True),
        Step("--version", [*bzf, "--version"], short=True),
        Step("--help", [*bzf, "--help"], short=True),
    ]
    runner.log(f"N={n}: {len(files)} project files")
    try:
        measure_in_rounds(steps, runner, runner.log)
    finally:
        mutate.restore()
    m = {step.name: step.median for step in steps}

    floor = m["floor"]
    floor_label = "解析下限（libyaml，仅解析）"
    typer_label = '`python -c "import typer"`'
    one_file = floor.seconds / max(1, len(files))
    rows = [Row(floor_label, floor.seconds, floor.rss_mb)]
    for command in ("check", "status"):
        cold, warm, after = m[f"{command} cold"], m[f"{command} warm"], m[f"{command} changed"]
        rows.append(
            Row(f"`bzf {command}` 冷（无缓存）", cold.seconds, cold.rss_mb, floor_label, floor.seconds, 1.5)
        )
        warm_goal = 0.1 if command == "status" else None
        rows.append(
            Row(
                f"`bzf {command}` 热（无变化）",
                warm.seconds,
                warm.rss_mb,
                floor_label,
                floor.seconds,
                warm_goal,
                goal_applies=n >= WARM_GOAL_FROM,
                note="目标只在 N ≥ 10,000 时考核" if warm_goal else "",
            )
        )
        if command == "status":
            version = m["--version"]
            rows.append(
                Row(
                    "`bzf status` 热（对照 --version）",
                    warm.seconds,
                    warm.rss_mb,
                    "`bzf --version`",
                    version.seconds,
                    2.0,
                )
            )
        rows.append(
            Row(
                f"`bzf {command}` 改动一个文件",
                after.seconds,
                after.rss_mb,
                "热 + 单文件解析",
                warm.seconds + one_file,
                CHANGED_GOAL,
            )
        )
    rows.append(Row(typer_label, m["typer"].seconds, m["typer"].rss_mb))
    for flag in ("--version", "--help"):
        rows.append(
            Row(f"`bzf {flag}`", m[flag].seconds, m[flag].rss_mb, typer_label, m["typer"].seconds, 1.5)
        )

    if export_available(bzf, runner.env):
        target = args.out / f"export-{n}.xlsx"
        export = [*bzf, "export", "xlsx", "--data", str(root), "--as-of", AS_OF, "-o", str(target)]
        runner.once(export)  # untimed: the rows the bare loop must write come from this workbook
        dumped = args.out / f"export-{n}.rows.pickle"
        workbook_rows(target, dumped)
        cells = args.out / f"export-{n}.cells.pickle"
        cell_count, format_count = workbook_cells(target, cells)
        briefing = args.out / f"export-{n}.html"
        pair = [
            Step("export", export),
            Step("bare", [python, str(HERE / "openpyxl_floor.py"), str(dumped), str(args.out / "bare.xlsx")]),
            Step(
                "xlsxwriter",
                [python, str(HERE / "xlsxwriter_floor.py"), str(cells), str(args.out / "bare-xw.xlsx")],
            ),
            # the HTML briefing (issue 21): no slower than the Excel pack of the same ledger
            Step(
                "html", [*bzf, "export", "html", "--data", str(root), "--as-of", AS_OF, "-o", str(briefing)]
            ),
        ]
        runner.log(f"N={n}: export")
        measure_in_rounds(pair, runner, runner.log)
        exported, bare, floor_xw = pair[0].median, pair[1].median, pair[2].median
        bare_label = "openpyxl 裸循环（同样的行）"
        xw_label = "XlsxWriter 裸循环（同样的单元格）"
        rows.append(Row(bare_label, bare.seconds, bare.rss_mb))
        rows.append(
            Row(
                xw_label,
                floor_xw.seconds,
                floor_xw.rss_mb,
                note=f"{cell_count:,} 个单元格，{format_count} 种格式",
            )
        )
        rows.append(
            Row("`bzf export xlsx`", exported.seconds, exported.rss_mb, bare_label, bare.seconds, 2.0)
        )
        rows.append(
            Row("`bzf export xlsx`（对 XlsxWriter）", exported.seconds, exported.rss_mb, xw_label,
                floor_xw.seconds, 1.3)
        )  # fmt: skip
        html = pair[3].median
        size = f"文件 {briefing.stat().st_size / 1e6:.2f} MB" if briefing.exists() else ""
        rows.append(
            Row(
                "`bzf export html`",
                html.seconds,
                html.rss_mb,
                "`bzf export xlsx`",
                exported.seconds,
                1.0,
                note=size,
            )
        )
    else:
        rows.append(Row("`bzf export xlsx`", float("nan"), note="n/a：bzf 还没有 export 命令"))

    rows += query_rows(root, runner, bzf)

    peak = max((r.rss_mb or 0) for r in rows if r.label.startswith("`bzf"))
    rows.append(
        Row(
            "峰值内存（各 bzf 命令中最大，MiB）",
            peak,
            reference="1 GiB",
            reference_seconds=MEMORY_LIMIT_MB,
            goal=1.0,
            goal_applies=n >= MEMORY_GOAL_FROM,
            note="目标只在 N ≥ 20,000 时考核",
        )
    )
    drop_cache()
    return rows


def query_rows(root: Path, runner: Runner, bzf: list[str]) -> list[Row]:
    """``bzf query`` (issue 22): the database built from the warm ledger cache, then read from
    its own cache; warm ≤ 3× ``bzf --version``."""
    sql_cache = Path(runner.env["XDG_CACHE_HOME"]) / "bzf" / "sql"
    sql = "SELECT district, COUNT(*) AS projects, SUM(units) AS units FROM projects GROUP BY district"
    query = [*bzf, "query", sql, "--data", str(root), "--as-of", AS_OF]
    # the database is cached only once every file is older than the racy window (sql/cache.py)
    time.sleep(2.1)
    runner.once(query)  # untimed: the ledger cache may still be cold here

    def drop_sql_cache(_: int = 0) -> None:
        shutil.rmtree(sql_cache, ignore_errors=True)

    steps = [
        Step("query build", query, drop_sql_cache),
        Step("query warm", query, short=True),
        Step("--version", [*bzf, "--version"], short=True),
    ]
    runner.log("bzf query")
    measure_in_rounds(steps, runner, runner.log)
    build, warm, version = (step.median for step in steps)
    return [
        Row("`bzf query` 建库（台账缓存热、库无缓存）", build.seconds, build.rss_mb),
        Row(
            "`bzf query` 热（对照 --version）",
            warm.seconds,
            warm.rss_mb,
            "`bzf --version`",
            version.seconds,
            3.0,
        ),
    ]


BIG_CHECK_GOAL = 2.0  # fmt --check of a file in bzf's layout: libyaml's parse and a line-by-line proof
BIG_EDIT_GOAL = (
    2.0  # an edit: ruamel's round-trip parse, the changed parts dumped, libyaml to check the result
)
BIG_GOAL_FROM = 10_000  # below that, start-up and imports are most of every figure


def big_file_rows(problems: int, args: argparse.Namespace, runner: Runner, bzf: list[str]) -> list[Row]:
    """One project with ``problems`` problems: fmt --check, edits and ``problems`` against the
    floors (``big_floor.py``), each edit on the same original file."""
    from big_file import FILE, generate_big_file

    root = args.out / f"big-{problems}"
    path = generate_big_file(root, problems, args.seed)
    original = path.read_bytes()
    lines = original.split(b"\n")  # a copy outside bzf's layout: one comment line in the middle
    lines.insert(len(lines) // 2, "  # 基准测试：一行注释，证明不了格式，走 ruamel 往返".encode())
    outside = root.parent / f"big-{problems}-outside"
    shutil.rmtree(outside, ignore_errors=True)
    shutil.copytree(root, outside)
    (outside / FILE).write_bytes(b"\n".join(lines))
    python = sys.executable

    def restore(_: int = 0) -> None:
        path.write_bytes(original)

    def restore_outside(_: int = 0) -> None:
        (outside / FILE).write_bytes(b"\n".join(lines))

    def bzf_run(*command: str, data: Path = root) -> list[str]:
        return [*bzf, *command, "--data", str(data), *(["--as-of", AS_OF] if command[0] != "fmt" else [])]

    steps = [
        Step("libyaml", [python, str(HERE / "big_floor.py"), str(path)]),
        Step("ruamel", [python, str(HERE / "big_floor.py"), str(path), "--ruamel"]),
        Step("fmt --check", bzf_run("fmt", "--check")),
        Step("fmt --check outside", bzf_run("fmt", "--check", data=outside)),
        Step("set", bzf_run("set", "BIG-1", "units", "3001"), restore),
        Step("set outside", bzf_run("set", "BIG-1", "units", "3001", data=outside), restore_outside),
        Step("close", bzf_run("problem", "close", "BIG-1", f"P{problems - 1}", "--date", AS_OF), restore),
        Step(
            "add",
            bzf_run(
                "problem", "add", "BIG-1", "--text", "新问题", "-c", "组织实施", "--department", "区住建局"
            ),
            restore,
        ),
        Step("problems", bzf_run("problems")),
    ]
    runner.once(bzf_run("problems"))  # untimed: the ledger cache is warm for `problems`
    runner.log(f"big file: {problems} problems, {len(original) / 1e6:.2f} MB")
    try:
        measure_in_rounds(steps, runner, runner.log)
    finally:
        restore()
    m = {step.name: step.median for step in steps}
    libyaml, ruamel = m["libyaml"], m["ruamel"]
    libyaml_label, ruamel_label = "libyaml 解析该文件", "ruamel 往返解析该文件"
    rows = [
        Row(libyaml_label, libyaml.seconds, libyaml.rss_mb),
        Row(ruamel_label, ruamel.seconds, ruamel.rss_mb, libyaml_label, libyaml.seconds),
        Row(
            "`bzf fmt --check`（格式已规范）",
            m["fmt --check"].seconds,
            m["fmt --check"].rss_mb,
            libyaml_label,
            libyaml.seconds,
            BIG_CHECK_GOAL,
            goal_applies=problems >= BIG_GOAL_FROM,
        ),
        Row(
            "`bzf fmt --check`（中间多一行注释）",
            m["fmt --check outside"].seconds,
            m["fmt --check outside"].rss_mb,
            ruamel_label,
            ruamel.seconds,
            note="超出逐行证明的格式：ruamel 往返解析 + 一次输出",
        ),
    ]
    for name, label in (
        ("set", "`bzf set BIG-1 units 3001`"),
        ("close", "`bzf problem close`（一个问题）"),
        ("add", "`bzf problem add`"),
    ):
        rows.append(
            Row(
                label,
                m[name].seconds,
                m[name].rss_mb,
                ruamel_label,
                ruamel.seconds,
                BIG_EDIT_GOAL,
                goal_applies=problems >= BIG_GOAL_FROM,
            )
        )
    rows.append(
        Row(
            "`bzf set`（中间多一行注释）",
            m["set outside"].seconds,
            m["set outside"].rss_mb,
            ruamel_label,
            ruamel.seconds,
            note="超出逐行证明的格式：ruamel 往返解析 + 改前改后两次输出 + 拼接",
        )
    )
    rows.append(
        Row(
            "`bzf problems` 热（打印全部问题）",
            m["problems"].seconds,
            m["problems"].rss_mb,
            libyaml_label,
            libyaml.seconds,
            note="主要是终端表格的排版",
        )
    )
    return rows


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    from baozufang_cli import __version__

    return (
        f"机器：{os.cpu_count()} 核 {model}；Python {platform.python_version()}；{platform.system()} "
        f"{platform.release()}；bzf {__version__}{f' ({commit})' if commit else ''}；"
        f"开始时负载 {load}；{dt.datetime.now().strftime('%Y-%m-%d %H:%M')}"
    )


def _number(value: float | None, digits: int = 3) -> str:
    if value is None or value != value:  # None or NaN
        return "n/a"
    return f"{value:.{digits}f}"


def render(results: dict[int, list[Row]], repeat: int, short_runs: int, header: str) -> str:
    lines = [
        header,
        f"每个数字是 {repeat} 次（启动、热缓存和改动一个文件的测量 {max(repeat, short_runs)} 次）完整进程运行的中位数（秒），"
        "各项轮流运行，使数字和它的参照处在相同的机器负载下；比值 = 秒 ÷ 参照秒；峰值内存为子进程最大 RSS。",
        "",
        "| N | 测量 | 秒 | 参照 | 参照秒 | 比值 | 目标 | 达成 | 峰值内存 MiB | 说明 |",
        "|---:|---|---:|---|---:|---:|---:|---|---:|---|",
    ]
    for n, rows in results.items():
        for row in rows:
            memory_row = row.reference == "1 GiB"
            seconds = f"{row.seconds:.0f} MiB" if memory_row else _number(row.seconds)
            reference_value = "" if memory_row else _number(row.reference_seconds) if row.reference else ""
            ratio = _number(row.ratio, 2) + "×" if row.ratio is not None else ""
            goal = (
                f"≤ {row.goal:g}×"
                if row.goal is not None and not memory_row
                else ("< 1 GiB" if memory_row else "")
            )
            rss = _number(row.rss_mb, 0) if row.rss_mb is not None else ""
            lines.append(
                f"| {n:,} | {row.label} | {seconds} | {row.reference} | {reference_value} | {ratio} | "
                f"{goal} | {row.met} | {rss} | {row.note} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description="bzf benchmark (see the module docstring)")
    parser.add_argument("--sizes", default="1000,10000,20000", help="comma-separated project counts")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (the median is kept)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where ledgers and caches go")
    parser.add_argument("--quick", action="store_true", help="N=50, one repeat: smoke test only")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    parser.add_argument(
        "--big-problems", type=int, default=10_000, help="problems in the big-file benchmark (0: skip it)"
    )
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.repeat = "50", 1
        args.big_problems = min(args.big_problems, 200)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)

    env = child_env(args.out)
    compile_package(env)
    runner = Runner(args.repeat, env, lambda message: print(message, file=sys.stderr, flush=True))
    if args.quick:
        runner.short_runs = 1
    header = machine()
    bzf = bzf_command()
    # untimed: byte-compile bzf's modules once, so no first run pays for it
    warmup = ledger_for(args.out, 20, args.seed)
    for command in ("check", "status"):
        runner.once([*bzf, command, "--data", str(warmup), "--as-of", AS_OF])
    results = {n: bench_size(n, args, runner, bzf) for n in sizes}
    table = render(results, args.repeat, runner.short_runs, header)
    if args.big_problems:
        big = big_file_rows(args.big_problems, args, runner, bzf)
        big_table = render({args.big_problems: big}, args.repeat, 0, "").split("\n", 3)[3]  # no preamble
        table += "\n一个大项目文件（N = 问题数）：\n\n" + big_table
    print(table)
    if args.markdown:
        args.markdown.write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
