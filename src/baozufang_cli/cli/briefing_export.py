"""``bzf export html|pdf``: the leader briefing as one offline HTML file, or that page printed to PDF
by a headless Chromium found on the machine (``BZF_CHROMIUM`` overrides the search)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from baozufang_cli.errors import UsageError, WriteRefused
from baozufang_cli.files import atomic_write, write_output

if TYPE_CHECKING:
    from baozufang_cli.ledger.registry import Ledger
    from baozufang_cli.render.html import Paper, Stamp
    from baozufang_cli.reports.filters import Filters

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PRINT_TIMEOUT = 180  # seconds; a 10,000-project briefing prints in well under a minute
# a private, quiet browser: no profile, no updates, no network chatter, nothing but the page
CHROMIUM_FLAGS = (
    "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
    "--disable-extensions", "--mute-audio", "--no-pdf-header-footer", "--hide-scrollbars",
)  # fmt: skip


def stamp_for(folder: Path) -> Stamp:
    from baozufang_cli.cli.runtime import now
    from baozufang_cli.history.git import folder_state
    from baozufang_cli.render.html import Stamp

    state = folder_state(folder)
    if state is None:
        return Stamp(now())
    return Stamp(now(), state.commit, state.dirty, in_git=True)


def briefing_html(ledger: Ledger, as_of: date, filters: Filters, paper: Paper | None = None) -> str:
    from baozufang_cli.render.html import render_html
    from baozufang_cli.reports.briefing import briefing

    return render_html(briefing(ledger, as_of, filters), stamp_for(ledger.root), paper)


def export_html(ledger: Ledger, as_of: date, filters: Filters, output: Path) -> None:
    write_output(output, briefing_html(ledger, as_of, filters).encode("utf-8"))
    typer.echo(f"已写入 {output}", err=True)


def find_chromium() -> str:
    """The browser to print with: ``BZF_CHROMIUM``, else the first of ``BROWSERS`` on PATH."""
    override = os.environ.get("BZF_CHROMIUM")
    if override:
        found = shutil.which(override)
        if found is None:
            raise UsageError(f"BZF_CHROMIUM 指定的浏览器不存在或不可执行：{override}")
        return found
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise UsageError(
        "找不到 Chromium：export pdf 用无界面的 Chromium（或 Google Chrome）把简报打印成 PDF",
        "请安装软件包 chromium（Debian/Ubuntu：sudo apt-get install chromium），"
        "或用环境变量 BZF_CHROMIUM 指定浏览器路径；也可以先 bzf export html，再用浏览器打印",
    )


def print_pdf(browser: str, page: str) -> bytes:
    """Print ``page`` (HTML text) with ``browser``; the PDF's bytes."""
    with tempfile.TemporaryDirectory(prefix="bzf-pdf-") as folder:
        html = Path(folder) / "briefing.html"
        pdf = Path(folder) / "briefing.pdf"
        atomic_write(html, page.encode("utf-8"), new=True)
        command = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={Path(folder) / 'profile'}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
        command += [f"--print-to-pdf={pdf}", html.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, timeout=PRINT_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise WriteRefused(f"Chromium 打印超过 {PRINT_TIMEOUT} 秒未完成", "原有文件未改变") from None
        except OSError as error:
            raise UsageError(f"无法运行 {browser}：{error.strerror or error}") from None
        if done.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
            reason = detail[-1][:200] if detail else f"退出码 {done.returncode}"
            raise WriteRefused(f"Chromium 未能打印 PDF：{reason}", "原有文件未改变")
        return pdf.read_bytes()


def export_pdf(ledger: Ledger, as_of: date, filters: Filters, output: Path, paper: Paper) -> None:
    browser = find_chromium()
    if output.is_dir():
        raise UsageError(f"无法写入 {output}：这是一个文件夹", "请指定文件名")
    if not output.parent.is_dir():
        raise UsageError(f"无法写入 {output}：文件夹 {output.parent} 不存在", "请先建立文件夹，或换一个路径")
    write_output(output, print_pdf(browser, briefing_html(ledger, as_of, filters, paper)))
    typer.echo(f"已写入 {output}", err=True)


def export_briefing(
    kind: str, ledger: Ledger, as_of: date, filters: Filters, output: Path, paper: str
) -> None:
    """``bzf export html|pdf``; files with errors are left out, said on the page and by exit 1."""
    from baozufang_cli.cli.runtime import MAX_SHOWN_ERRORS, print_diagnostics
    from baozufang_cli.errors import ExitCode

    if kind == "pdf":
        export_pdf(ledger, as_of, filters, output, "a3" if paper == "a3" else "a4")
    else:
        export_html(ledger, as_of, filters, output)
    if ledger.errors:
        typer.echo(
            f"注意：{len({d.path for d in ledger.errors})} 个文件有错误，未计入（运行 bzf check 查看）",
            err=True,
        )
        print_diagnostics(ledger.errors, MAX_SHOWN_ERRORS)
        raise typer.Exit(int(ExitCode.LEDGER_ERRORS))
