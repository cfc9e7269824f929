"""``bzf export xlsx|csv|html|pdf``: the meeting workbook (汇总, 项目台账, 逾期节点, 问题清单, 分类统计,
资金, 运营); html/pdf: the leader briefing (``cli/briefing_export.py``)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from baozufang_cli.cli.options import AsOfOpt, DataListOpt, DistrictOpt, NoCacheOpt, TypeOpt, YearOpt
from baozufang_cli.cli.runtime import (
    as_of_date,
    open_ledger,
    resolve_filters,
    warn_excluded,
    write_xlsx,
)
from baozufang_cli.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from baozufang_cli.ledger.registry import Ledger
    from baozufang_cli.models import Project
    from baozufang_cli.reports.export import Form
    from baozufang_cli.reports.value import Sheet

ORDER = 80

SHEETS_HELP = "汇总（含图表）、项目台账、逾期节点、问题清单、分类统计、资金、运营"


class ExportFormat(str, Enum):
    xlsx = "xlsx"
    csv = "csv"
    html = "html"
    pdf = "pdf"
    sqlite = "sqlite"


class PaperSize(str, Enum):
    a4 = "a4"
    a3 = "a3"


SHORT_HELP = "导出会议用台账：Excel 工作簿（汇总、项目台账、逾期节点、问题清单……）、CSV、SQLite，或给领导看的简报（HTML、PDF）"
HELP = (
    f"导出会议用台账。xlsx：一个 Excel 工作簿，工作表为{SHEETS_HELP}，汇总为统计截至日所在年度的目标完成情况；"
    "csv：每张表一个 CSV 文件（UTF-8 带 BOM，Excel 可直接打开），写入 -o 指定的文件夹；"
    "html：一个自带全部内容、离线可开的简报网页（总体情况、区县排名、图表、倒排工期、问题清单、资金、分区县项目）；"
    "pdf：同一简报由本机的无界面 Chromium 打印成 PDF；"
    "sqlite：一个 SQLite 数据库（表与 bzf query 相同，--data 可多次指定，见 docs/commands/query.md）"
)


def command(
    kind: Annotated[
        ExportFormat,
        typer.Argument(
            help="xlsx（Excel 工作簿）、csv（每张表一个文件）、html（简报网页）、pdf（简报 PDF）或 sqlite（数据库文件）",
            metavar="FORMAT",
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="xlsx/html/pdf：输出文件，例如 台账.xlsx、简报.html；csv：输出文件夹（不存在时创建）；sqlite：例如 台账.db",
            metavar="PATH",
            show_default=False,
        ),
    ],
    data: DataListOpt = None,
    as_of: AsOfOpt = None,
    district: DistrictOpt = None,
    year: YearOpt = None,
    supply_type: TypeOpt = None,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            help="填报单位（默认取 targets.yaml 的 report.unit）",
            metavar="TEXT",
            show_default=False,
        ),
    ] = None,
    preparer: Annotated[
        str | None,
        typer.Option(
            "--preparer", help="填表人（默认取 report.preparer）", metavar="TEXT", show_default=False
        ),
    ] = None,
    phone: Annotated[
        str | None,
        typer.Option("--phone", help="联系电话（默认取 report.phone）", metavar="TEXT", show_default=False),
    ] = None,
    reviewer: Annotated[
        str | None,
        typer.Option(
            "--reviewer",
            help="审核人（默认取 report.reviewer）；未填的栏目印为空白横线",
            metavar="TEXT",
            show_default=False,
        ),
    ] = None,
    no_cache: NoCacheOpt = False,
    paper: Annotated[
        PaperSize,
        typer.Option("--paper", help="pdf 的纸张：a4（A4 纵向）或 a3（A3 横向）", show_default=True),
    ] = PaperSize.a4,
) -> None:
    from baozufang_cli.reports.export import export_sheets
    from baozufang_cli.reports.export_summary import empty_year_message

    if kind is ExportFormat.sqlite:
        from baozufang_cli.cli.export_sqlite import export_sqlite

        export_sqlite(output, data, as_of, bool(district or year or supply_type), no_cache)
        return
    if data and len(data) > 1:
        raise UsageError(
            f"export {kind.value} 只能导出一个台账（--data 只写一次）；多个台账请用 export sqlite"
        )
    day = as_of_date(as_of)
    ledger = open_ledger(data[0] if data else None, no_cache)
    if kind in (ExportFormat.html, ExportFormat.pdf):
        from baozufang_cli.cli.briefing_export import export_briefing

        export_briefing(
            kind.value, ledger, day, resolve_filters(ledger, district, year, supply_type), output, paper.value
        )
        return
    form = _form(ledger, unit, preparer, phone, reviewer)
    message = empty_year_message(ledger, day.year)
    if message is not None:
        typer.echo(f"bzf：提示：{message}", err=True)
    earlier = _earlier_versions(ledger, day)
    filters = resolve_filters(ledger, district, year, supply_type)
    with collector_paused():  # ~a million cells of report rows: the collector would dominate
        sheets = export_sheets(ledger, day, filters, form, earlier)
    partial = _warn_excluded(ledger, sheets)
    if kind is ExportFormat.xlsx:
        _write_xlsx(sheets, ledger.targets.city, output)
    else:
        _write_csv(sheets, output)
    if partial:
        raise typer.Exit(int(ExitCode.LEDGER_ERRORS))


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _form(
    ledger: Ledger, unit: str | None, preparer: str | None, phone: str | None, reviewer: str | None
) -> Form:
    """The form's blanks: the options, else targets.yaml's ``report:``; 填报日期 is the as-of day."""
    from baozufang_cli.reports.export import Form

    known = ledger.targets.report
    return Form(
        unit=unit or (known.unit if known else None),
        preparer=preparer or (known.preparer if known else None),
        phone=phone or (known.phone if known else None),
        reviewer=reviewer or (known.reviewer if known else None),
        leader=known.leader if known else None,
        filled=date.today(),  # the pack's own date: exempt from the as-of rule
    )


def _earlier_versions(ledger: Ledger, day: date) -> dict[str, Project]:
    """Project files as of ``day`` from git, for the projects updated after it (none outside git)."""
    from baozufang_cli.history.as_of import versions_as_of

    return versions_as_of(ledger, day)


def _write_xlsx(sheets: list[Sheet], city: str, output: Path) -> None:
    from baozufang_cli.render.xlsx import Book

    def write(path: Path) -> None:
        book = Book(city)
        for sheet in sheets:
            book.add_sheet(sheet)
        book.save(path)

    write_xlsx(write, output)


def _write_csv(sheets: list[Sheet], output: Path) -> None:
    """One CSV per table; each file is written atomically (a reader never sees half of one)."""
    from baozufang_cli.files import atomic_write
    from baozufang_cli.render.data import render_csv
    from baozufang_cli.reports.export import csv_name

    if output.exists() and not output.is_dir():
        raise UsageError(f"{output} 是文件：export csv 的 -o 应为文件夹")
    try:
        output.mkdir(parents=True, exist_ok=True)
        for sheet in sheets:
            for index, table in enumerate(sheet.tables):
                path = output / csv_name(sheet, index)
                atomic_write(path, render_csv(table).encode("utf-8-sig"), new=not path.exists())
                typer.echo(f"已写入 {path}", err=True)
    except OSError as error:
        raise UsageError(f"无法写入 {output}：{error.strerror or error}") from None


def _warn_excluded(ledger: Ledger, sheets: list[Sheet]) -> bool:
    """Files with errors are left out of every sheet: say so once on stderr and on every sheet."""
    if not warn_excluded(ledger, sheets[0].report):
        return False
    note = sheets[0].report.subtitle[-1]
    for sheet in sheets[1:]:
        if note not in sheet.report.subtitle:
            sheet.report.subtitle.append(note)
    return True
