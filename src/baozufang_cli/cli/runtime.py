"""Glue between the CLI and the layers: open the ledger, resolve filters, emit a report, exit codes.

Nothing here computes a report; every function is a few lines that the thin commands share.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from baozufang_cli.cli.options import Format, parse_date
from baozufang_cli.errors import BzfError, ExitCode, LedgerError, UsageError, WriteRefused
from baozufang_cli.files import os_reason, write_output
from baozufang_cli.ledger.characters import visible
from baozufang_cli.ledger.diagnostics import Diagnostic

if TYPE_CHECKING:
    from rich.console import Console

    from baozufang_cli.edit.document import Document
    from baozufang_cli.edit.values import Change
    from baozufang_cli.ledger.registry import Ledger, Registry
    from baozufang_cli.reports.filters import Filters
    from baozufang_cli.reports.value import Report

F = TypeVar("F", bound=Callable[..., Any])
BAD_PATH = {errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.ENAMETOOLONG}  # exit 2; other OSErrors exit 3
MAX_SHOWN_ERRORS = 20


PIPE_WIDTH = 80  # output that is not a terminal, with no COLUMNS: the width of a default terminal
FILE_WIDTH = 120  # a table written with -o


def terminal_width(stream: Any = None) -> int:
    """``COLUMNS``, else the terminal's width, else 80 (piped or redirected)."""
    import shutil

    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    stream = stream or sys.stdout
    try:
        if stream.isatty():
            return shutil.get_terminal_size((PIPE_WIDTH, 24)).columns
    except (AttributeError, ValueError, OSError):
        pass
    return PIPE_WIDTH


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=terminal_width(stream))


def guard(command: F) -> F:
    """The one place a failure becomes output and an exit code.

    A ``BzfError`` prints its located diagnostics and one line ``bzf：message，hint`` on stderr
    and exits with its kind's code. No Python traceback ever reaches a user: anything else is a
    defect, reported in one line with exit 70.
    """

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except BzfError as error:
            print_diagnostics(error.diagnostics, error.shown_diagnostics)
            typer.echo(f"bzf：{visible(error.line())}", err=True)  # it may echo a value or a file name
            raise typer.Exit(int(error.exit_code)) from None
        except BrokenPipeError:  # `bzf status | head`
            sys.stderr.close()
            raise typer.Exit(0) from None
        except OSError as error:  # a file operation no layer turned into a BzfError: still one line
            if os.environ.get("BZF_DEBUG"):
                raise
            code = ExitCode.USAGE if error.errno in BAD_PATH else ExitCode.WRITE_REFUSED
            where = f" {visible(os.fsdecode(error.filename))}" if error.filename else ""
            typer.echo(f"bzf：文件操作失败{where}：{os_reason(error)}", err=True)
            raise typer.Exit(int(code)) from None
        except Exception as error:
            if os.environ.get("BZF_DEBUG"):
                raise
            typer.echo(
                f"bzf：内部错误（{type(error).__name__}: {error}）。这是 bzf 的缺陷，请附上命令报告；设置 BZF_DEBUG=1 可查看详情",
                err=True,
            )
            raise typer.Exit(int(ExitCode.INTERNAL)) from None

    return wrapper  # type: ignore[return-value]


def today() -> date:
    """The only place bzf reads the clock (with ``now``)."""
    return date.today()


def now() -> datetime:
    """The local wall-clock time, to the minute, for stamps such as 生成于 (reports never see it)."""
    return datetime.now().replace(second=0, microsecond=0)


def as_of_date(text: str | None) -> date:
    """The as-of date: the option, or today."""
    return parse_date(text) if text else today()


def ledger_root(data: Path | None) -> Path:
    if data is not None:
        if not data.is_dir():
            if data.exists():  # a file, a device, a pipe given as --data / BZF_DATA
                raise UsageError(
                    f"台账目录不是文件夹：{data}", hint="--data 应指向含 targets.yaml、projects/ 的文件夹"
                )
            raise UsageError(f"台账目录不存在：{data}")
        return data
    for candidate in (Path("data"), Path(".")):
        if (candidate / "targets.yaml").is_file() or (candidate / "projects").is_dir():
            return candidate
    # like git finding its repository: from any sub-folder of a ledger, walk up to it
    for folder in Path.cwd().parents:
        if (
            (folder / "targets.yaml").is_file()
            and (folder / "criteria.yaml").is_file()
            and (folder / "projects").is_dir()
        ):
            return folder
    raise UsageError("当前目录下没有台账（未找到 ./data）：请用 --data 指定台账目录，或设置环境变量 BZF_DATA")


def print_diagnostics(diagnostics: list[Diagnostic], limit: int | None = None) -> None:
    shown = diagnostics if limit is None else diagnostics[:limit]
    for diagnostic in shown:
        typer.echo(diagnostic.format(), err=True)
    if limit is not None and len(diagnostics) > limit:
        typer.echo(f"……另有 {len(diagnostics) - limit} 个问题，运行 bzf check 查看全部", err=True)


def open_ledger(data: Path | None, no_cache: bool = False) -> Ledger:
    """Load the ledger for a report; a ledger that cannot be used ends the command with exit 1."""
    from baozufang_cli.cli import progressbar
    from baozufang_cli.ledger.load import LedgerUnusable, load_ledger

    root = ledger_root(data)
    try:
        return load_ledger(root, use_cache=not no_cache, progress=progressbar.for_stderr())
    except LedgerUnusable as unusable:
        unusable.diagnostics = [d for d in unusable.diagnostics if d.is_error]
        raise


def resolve_filters(
    ledger: Ledger, districts: list[str] | None, years: list[str] | None, types: list[str] | None
) -> Filters:
    from baozufang_cli.reports.filters import Filters

    registry = ledger.registry
    district_set = frozenset(registry.district_filter(d) for d in split_list(districts))
    type_set = frozenset(registry.supply_type_filter(t) for t in split_list(types))
    return Filters(district_set, frozenset(parse_years(years)), type_set)


def split_list(texts: list[str] | None) -> list[str]:
    """``-d 观山湖,云岩 -d 南明`` → the names, like ``-y 2024,2025`` (，and 、 too, as typed in Chinese)."""
    import re

    return [part.strip() for text in texts or [] for part in re.split(r"[,，、]", text) if part.strip()]


def parse_years(texts: list[str] | None) -> set[int]:
    """``--year 2023 --year 2024,2025`` → {2023, 2024, 2025}; anything else is a usage error."""
    years: set[int] = set()
    for text in texts or []:
        for part in text.split(","):
            part = part.strip()
            if not (part.isdigit() and len(part) == 4):
                raise UsageError(f"年度应为四位数字：{part}")
            years.add(int(part))
    return years


def resolve_target_years(ledger: Ledger, texts: list[str] | None, as_of: date) -> list[int]:
    """Target years for ``--year`` of ``bzf gap``: listed years, ``all``, or the year of ``as_of``."""
    from baozufang_cli.reports.gap import target_years

    parts = [part.strip() for text in texts or [] for part in text.split(",")]
    if "all" in parts:
        return target_years(ledger.targets)
    return sorted(parse_years(texts)) if parts else [as_of.year]


def warn_excluded(ledger: Ledger, report: Report) -> bool:
    """Reports count only error-free files; say loudly when some were left out. True when any were."""
    excluded = sorted({d.path for d in ledger.errors})
    if not excluded:
        return False
    report.subtitle.append(f"注意：{len(excluded)} 个文件有错误，未计入（运行 bzf check 查看）")
    print_diagnostics(ledger.errors, MAX_SHOWN_ERRORS)
    return True


SUFFIX_FORMATS = {".csv": Format.csv, ".json": Format.json, ".md": Format.md, ".markdown": Format.md,
                  ".xlsx": Format.xlsx}  # fmt: skip


def output_format(fmt: Format | None, output: Path | None) -> Format:
    """``-f``, else the format the ``-o`` file's extension names, else a table; ``-f json -o x.csv``
    is a usage error rather than a .csv file holding JSON."""
    implied = SUFFIX_FORMATS.get(output.suffix.lower()) if output is not None else None
    if fmt is None:
        return implied or Format.table
    if implied is not None and implied is not fmt:
        raise UsageError(
            f"-f {fmt.value} 与输出文件 {output} 的扩展名不符",
            f"去掉 -f（按扩展名输出 {implied.value}），或把文件名改为 .{'txt' if fmt is Format.table else fmt.value}",
        )
    return fmt


def emit(report: Report, fmt: Format | None, output: Path | None, city: str = "", wide: bool = False) -> None:
    """Render ``report`` in ``fmt`` (None: by the extension of ``output``) to ``output`` (or the
    terminal); ``city`` heads Excel sheets; ``wide``: a terminal table shows every column."""
    from baozufang_cli.render import data as data_render

    fmt = output_format(fmt, output)
    if fmt is Format.xlsx:
        if output is None:
            raise UsageError("xlsx 格式须用 -o 指定输出文件，例如 -o 报表.xlsx")
        from baozufang_cli.render.xlsx import write_report

        write_xlsx(lambda path: write_report(report, path, city), output)
        return
    if fmt is Format.table:
        from baozufang_cli.render.table import render_table

        if output is None:
            render_table(report, console(), wide)
            return
        from rich.console import Console

        buffer = io.StringIO()
        render_table(report, Console(file=buffer, width=FILE_WIDTH, color_system=None), wide)
        write_output(output, buffer.getvalue().encode("utf-8"))
        return
    if fmt is Format.json:
        text = data_render.render_json(report)
    elif fmt is Format.csv:
        text = data_render.render_csv_report(report)
    else:
        text = data_render.render_md(report)
    if output is None:
        sys.stdout.write(text)
    else:
        # a file for Excel gets a BOM so Chinese opens correctly; stdout stays clean for pipes
        write_output(output, text.encode("utf-8-sig" if fmt is Format.csv else "utf-8"))


def write_xlsx(write: Callable[[Path], None], output: Path) -> None:
    """Run an Excel writer; a file that cannot be written is one clear line (exit 2), not a traceback."""
    import gc

    if output.is_dir():
        raise UsageError(f"{output} 是文件夹，请指定 .xlsx 文件名")
    if not output.parent.is_dir():
        raise UsageError(f"无法写入 {output}：文件夹 {output.parent} 不存在", "请先建立文件夹，或换一个路径")
    # a workbook is ~a million small objects: the collector, not openpyxl, would dominate
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        write(output)
    except OSError as error:
        raise WriteRefused(f"无法写入 {output}：{os_reason(error)}", "原有文件未改变") from None
    finally:
        if was_enabled:
            gc.enable()
    typer.echo(f"已写入 {output}", err=True)


def finish(report: Report, ledger: Ledger, fmt: Format, output: Path | None) -> None:
    """Emit a report over the valid projects and exit 1 when files with errors were left out."""
    excluded = warn_excluded(ledger, report)
    emit(report, fmt, output, ledger.targets.city)
    if excluded:
        raise typer.Exit(int(ExitCode.LEDGER_ERRORS))


# ------------------------------------------------------------------ editing commands


def open_registry(data: Path | None) -> tuple[Path, Registry]:
    """The ledger root and its name registry (targets.yaml + criteria.yaml), without reading projects."""
    from baozufang_cli.ledger.discover import is_ledger
    from baozufang_cli.ledger.load import NoLedger, load_registry

    root = ledger_root(data)
    if not is_ledger(root):
        raise NoLedger(root)
    registry, diagnostics = load_registry(root)
    errors = [d for d in diagnostics if d.is_error]
    if registry is None or errors:
        raise LedgerError("targets.yaml 或 criteria.yaml 有错误，无法修改台账", diagnostics=errors)
    return root, registry


def open_project(data: Path | None, project_id: str) -> tuple[Document, Registry]:
    """One project's file read for editing (found by id anywhere under projects/) and the registry."""
    from baozufang_cli.edit.document import Document
    from baozufang_cli.edit.items import find_project_file

    root, registry = open_registry(data)
    path, rel = find_project_file(root, project_id)
    return Document.read(path, rel), registry


def write_document(document: Document, registry: Registry, changes: list[Change], dry_run: bool) -> None:
    """Save an edited document (or show the diff with ``--dry-run``) and say what changed."""
    import difflib

    if not changes:
        typer.echo(f"{document.rel}：没有变化")
        return
    if dry_run:
        text = document.prepare(registry)
        diff = difflib.unified_diff(
            document.text.splitlines(keepends=True),
            text.splitlines(keepends=True),
            f"a/{document.rel}",
            f"b/{document.rel}",
        )
        sys.stdout.write("".join(diff))
        typer.echo("（预演：未写入）")
        return
    document.save(registry)
    typer.echo(f"已更新 {document.rel}")
    for change in changes:
        typer.echo(f"  {change.describe()}")
