"""Issue 19's table: answers as fast as start-up — every goal as a row, with goal, figure, met or not.

    python benchmarks/answers.py --sizes 10000,50000 --repeat 5 --markdown answers.md
    python benchmarks/answers.py --quick        # N=30, one run each: the table's shape, not a measurement

Every figure is the median of ``--repeat`` runs of a whole process, the steps run in turn (one
round runs every step once) so a figure and its reference see the same machine load. Times are
**CPU seconds** (user + system) of that one process, from ``os.wait4`` — on a shared machine the
wall time mostly measures the neighbours; the wall-time median is printed beside it. Peak memory
is that run's own maximum RSS (wait4's rusage, not RUSAGE_CHILDREN). bzf is byte-compiled first
and its children run without PYTHONDONTWRITEBYTECODE, as an installed bzf does.

Goals (issue 19):

* warm ``status``, ``gap``, ``overdue``, ``problems``, ``check`` ≤ 2× ``bzf --version`` at
  10,000 projects and ≤ 3× at 50,000 (smaller N: shown, not judged);
* cold ``check`` / ``status`` ≤ 0.8× the parse floor (CSafeLoader over every project file);
* one changed file ≈ warm + one file: ``status`` after touching one file ≤ 1.25× (warm + the
  floor's time for one file);
* ``bzf --help`` ≤ 1.5× ``python -c "import typer"``;
* peak RSS of ``status`` (cold, warm, one file changed) at 50,000 < 400 MiB;
* reference rows, when installed: ledger-cli (``ledger``) and hledger (``hledger``) answering
  ``balance`` by district over a journal generated from the same ledger, one transaction per
  project (not goals: the tools people compare bzf with).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import (  # noqa: E402
    AS_OF,
    Mutations,
    Runner,
    Sample,
    Step,
    bzf_command,
    child_env,
    compile_package,
    ledger_for,
    machine,
    measure_in_rounds,
    project_files,
)

WARM = ("status", "gap", "overdue", "problems", "check")
CHANGED_GOAL = 1.25
COLD_GOAL = 0.8
HELP_GOAL = 1.5
RSS_LIMIT_MB = 400
RSS_FROM = 50_000
SHORT_RUNS = 7


def warm_goal(n: int) -> float | None:
    return 2.0 if n == 10_000 else 3.0 if n >= 50_000 else None


@dataclass
class Line:
    """One row: what is measured, its figure, and (for a goal) the reference and the limit."""

    label: str
    sample: Sample
    reference: str = ""
    reference_value: float | None = None
    goal: float | None = None  # the largest ratio that meets it
    judged: bool = True  # False: the goal is not for this N
    memory: bool = False  # the figure is MiB, the goal a limit in MiB
    note: str = ""

    @property
    def value(self) -> float:
        return self.sample.rss_mb if self.memory else self.sample.cpu

    @property
    def ratio(self) -> float | None:
        if self.memory or not self.reference_value:
            return None
        return self.value / self.reference_value

    @property
    def met(self) -> str:
        if self.goal is None:
            return ""
        if not self.judged:
            return "—（此 N 不考核）"
        measured = self.value if self.memory else self.ratio
        if measured is None:
            return ""
        return "达成" if measured <= self.goal else "**未达成**"


def journal_for(root: Path, target: Path) -> Path:
    """A journal for ledger-cli and hledger: one transaction per project, its units posted to
    ``套数:<district>:<id>`` (so ``balance --depth 2`` is units by district)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    lines = []
    for path in project_files(root):
        project = yaml.load(path.read_bytes(), Loader=loader)
        if not isinstance(project, dict):
            continue
        year = project.get("plan_year") or 2024
        lines += [
            f"{year}-01-01 {project['id']}",
            f"    套数:{project['district']}:{project['id']}    {int(project.get('units') or 0)}",
            "    计划",
            "",
        ]
    target.write_text("\n".join(lines), encoding="utf-8")
    return target


def size_lines(n: int, out: Path, runner: Runner, bzf: list[str], fmt: str = "") -> list[Line]:
    root = ledger_for(out, n, 1)
    files = project_files(root)
    mutate = Mutations(root, files, runner.env)
    drop_cache, change_one_file, restore = mutate.drop_cache, mutate.change_one_file, mutate.restore

    def report(command: str, *more: str) -> list[str]:
        return [*bzf, command, "--data", str(root), "--as-of", AS_OF, *more]

    python = sys.executable
    as_format = ["-f", fmt] if fmt else []
    steps = [
        Step("floor", [python, str(HERE / "parse_floor.py"), str(root)]),
        Step("stat floor", [python, str(HERE / "stat_floor.py"), str(root)], short=True),
        Step("python", [python, "-c", "pass"], short=True),
        Step(
            "validator", [python, "-c", "import baozufang_cli.models, baozufang_cli.ledger.read"], short=True
        ),
        Step("check cold", report("check"), drop_cache),
        Step("status cold", report("status"), drop_cache),
        Step("typer", [python, "-c", "import typer"], short=True),
        Step("--version", [*bzf, "--version"], short=True),
        Step("--help", [*bzf, "--help"], short=True),
    ]
    steps += [Step(f"{c} warm", report(c, *as_format), short=True) for c in WARM]
    other = [] if fmt else ["-f", "json"]  # the other output: terminal table or JSON
    steps += [Step("status other warm", report("status", *other), short=True)]
    steps += [
        Step("status changed", report("status", *as_format), change_one_file, short=True),
        Step(
            "status rewarm", report("status", *as_format), restore, short=True
        ),  # refills the cache: untabled
    ]
    journal = journal_for(root, out / f"journal-{n}.ledger")
    for tool in ("ledger", "hledger"):
        if shutil.which(tool):
            steps.append(
                Step(tool, [tool, "-f", str(journal), "balance", "套数", "--depth", "2"], short=True)
            )
    runner.log(f"N={n}: {len(files)} project files")
    try:
        measure_in_rounds(steps, runner, runner.log)
    finally:
        restore()
    m = {step.name: step.median for step in steps}

    floor_label = "解析下限（CSafeLoader，仅解析）"
    typer_label = '`python -c "import typer"`'
    version_label = "`bzf --version`"
    version = m["--version"].cpu
    lines = [
        Line(floor_label, m["floor"]),
        Line(typer_label, m["typer"]),
        Line(version_label, m["--version"]),
    ]
    lines.append(Line("`bzf --help`", m["--help"], typer_label, m["typer"].cpu, HELP_GOAL))
    for command in ("check", "status"):
        lines.append(
            Line(
                f"`bzf {command}` 冷（无缓存）", m[f"{command} cold"], floor_label, m["floor"].cpu, COLD_GOAL
            )
        )
    walk = Sample(
        seconds=m["stat floor"].seconds - m["python"].seconds,
        rss_mb=m["stat floor"].rss_mb,
        cpu=m["stat floor"].cpu - m["python"].cpu,
    )
    floor = Sample(
        seconds=m["--version"].seconds + walk.seconds, rss_mb=m["--version"].rss_mb, cpu=version + walk.cpu
    )
    lines.append(
        Line("热运行的下限：`bzf --version` + 遍历 projects/、每个文件 stat 一次（`stat_floor.py` 减去 Python 启动）",
             floor, version_label, version, note="任何逐个核对文件的缓存都快不过它")
    )  # fmt: skip
    goal = warm_goal(n)
    shown = f" -f {fmt}" if fmt else ""
    for command in WARM:
        lines.append(
            Line(f"`bzf {command}{shown}` 热（无变化）", m[f"{command} warm"], version_label, version,
                 goal or 2.0, judged=goal is not None)
        )  # fmt: skip
    other_label = "`bzf status`（终端表格）热" if fmt else "`bzf status -f json` 热"
    lines.append(Line(other_label, m["status other warm"], version_label, version))
    lines.append(
        Line("导入校验器（pydantic、模型、YAML 解析器），减去 Python 启动",
             Sample(seconds=m["validator"].seconds - m["python"].seconds, rss_mb=m["validator"].rss_mb,
                    cpu=m["validator"].cpu - m["python"].cpu), note="改动一个文件的运行要先导入它们；热运行不导入")
    )  # fmt: skip
    one_file = m["floor"].cpu / max(1, len(files))
    lines.append(
        Line(f"`bzf status{shown}` 改动一个文件", m["status changed"], "热 + 单文件解析", m["status warm"].cpu + one_file,
             CHANGED_GOAL)
    )  # fmt: skip
    status_peak = max(
        (m["status cold"], m["status warm"], m["status changed"]), key=lambda sample: sample.rss_mb
    )
    lines.append(
        Line("`bzf status` 峰值内存（冷、热、改动一个文件中最大）", status_peak, goal=RSS_LIMIT_MB,
             judged=n >= RSS_FROM, memory=True)
    )  # fmt: skip
    for tool, name in (("ledger", "ledger-cli"), ("hledger", "hledger")):
        if tool in m:
            lines.append(
                Line(f"{name} `balance`（按区县，一项目一笔）", m[tool], version_label, version,
                     note="参照，不是目标")
            )  # fmt: skip
        else:
            lines.append(Line(f"{name} `balance`", Sample(float("nan"), float("nan"), float("nan")),
                              note=f"未安装 {tool}"))  # fmt: skip
    return lines


def _figure(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None or value != value else f"{value:.{digits}f}"


def render(results: dict[int, list[Line]], repeat: int, short_runs: int, header: str) -> str:
    out = [
        header,
        f"每个数字是 {repeat} 次（启动和热缓存 {max(repeat, short_runs)} 次）完整进程运行的中位数，各项轮流运行；"
        "秒为该进程自己的 CPU 时间（用户 + 系统，os.wait4），墙钟秒附后；比值 = CPU 秒 ÷ 参照 CPU 秒；"
        "内存为该进程自己的峰值 RSS。",
        "",
        "| N | 测量 | CPU 秒 | 墙钟秒 | 参照 | 参照 CPU 秒 | 比值 | 目标 | 达成 | 峰值内存 MiB | 说明 |",
        "|---:|---|---:|---:|---|---:|---:|---|---|---:|---|",
    ]
    for n, lines in results.items():
        for line in lines:
            if line.memory:
                goal = f"< {line.goal:g} MiB" if line.goal is not None else ""
            else:
                goal = f"≤ {line.goal:g}×" if line.goal is not None else ""
            ratio = f"{_figure(line.ratio, 2)}×" if line.ratio is not None else ""
            cpu, wall = ("", "") if line.memory else (_figure(line.sample.cpu), _figure(line.sample.seconds))
            out.append(
                f"| {n:,} | {line.label} | {cpu} | {wall} | "
                f"{line.reference} | {_figure(line.reference_value) if line.reference else ''} | {ratio} | "
                f"{goal} | {line.met} | {_figure(line.sample.rss_mb, 0)} | {line.note} |"
            )
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description="issue 19's benchmark (see the module docstring)")
    parser.add_argument("--sizes", default="10000,50000", help="comma-separated project counts")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the long steps (cold, floor)")
    parser.add_argument("--short-runs", type=int, default=SHORT_RUNS, help="runs of start-up and warm steps")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where ledgers and caches go")
    parser.add_argument("--quick", action="store_true", help="N=30, one run each: smoke test only")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    parser.add_argument("--format", default="", help="-f of the warm reports (default: the terminal table)")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.repeat, args.short_runs = "30", 1, 1
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    env = child_env(args.out)
    compile_package(env)
    runner = Runner(args.repeat, env, lambda message: print(message, file=sys.stderr, flush=True))
    runner.short_runs = args.short_runs
    header = machine()
    results = {n: size_lines(n, args.out, runner, bzf_command(), args.format) for n in sizes}
    table = render(results, args.repeat, runner.short_runs, header)
    print(table)
    if args.markdown:
        args.markdown.write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
