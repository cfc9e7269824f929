"""``bzf fmt``: rewrite project files into the canonical layout (``--check`` for CI and pre-commit)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from baozufang_cli.cli.options import DataOpt
from baozufang_cli.cli.runtime import ledger_root, print_diagnostics
from baozufang_cli.errors import ExitCode, UsageError

ORDER = 130


SHORT_HELP = "统一项目文件格式（键顺序、日期、缩进），--check 只检查"
HELP = (
    "统一项目文件的格式：键按规定顺序、日期写成 YYYY-MM-DD、统一缩进，注释保留；"
    "--check 只检查不修改，有文件需要格式化时退出码为 1（用于 CI 和 pre-commit）"
)


def command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="文件或目录",
            help="只处理这些文件或目录；默认台账 projects/ 下的全部项目文件",
            show_default=False,
        ),
    ] = None,
    check: Annotated[bool, typer.Option("--check", help="只检查，列出需要格式化的文件，不修改")] = False,
    fix_encoding: Annotated[
        bool, typer.Option("--fix-encoding", help="把 GBK/GB18030、UTF-16 编码的文件转换为 UTF-8")
    ] = False,
    data: DataOpt = None,
) -> None:
    from baozufang_cli.edit.document import EditRefused
    from baozufang_cli.edit.fmt import format_file

    files = _explicit_files(paths) if paths else _ledger_files(ledger_root(data))
    changed = unreadable = conflicts = 0
    for path, rel in files:
        outcome = format_file(path, rel, check=check, fix_encoding=fix_encoding)
        if outcome.refused is not None:
            refused = outcome.refused
            if refused.diagnostics:
                print_diagnostics(refused.diagnostics)
            else:
                typer.echo(f"bzf：{refused.line()}", err=True)
            if refused.reason == EditRefused.CHANGED:
                conflicts += 1
            else:
                unreadable += 1
            continue
        if not outcome.changed:
            continue
        changed += 1
        converted = "（转换为 UTF-8）" if outcome.reencoded else ""
        typer.echo(f"{rel}{converted}" if check else f"已格式化 {rel}{converted}")
    summary = f"{len(files)} 个文件" + (
        f"，{unreadable + conflicts} 个无法处理" if unreadable + conflicts else ""
    )
    if check:
        verdict = f"{changed} 个需要格式化（运行 bzf fmt）" if changed else "格式均已规范"
        typer.echo(f"格式检查：{summary}，{verdict}", err=bool(changed or unreadable))
    else:
        typer.echo(f"格式化完成：{summary}，{changed} 个已改写", err=bool(unreadable))
    if conflicts:
        raise typer.Exit(int(ExitCode.WRITE_REFUSED))
    if unreadable or (check and changed):
        raise typer.Exit(int(ExitCode.LEDGER_ERRORS))


def _ledger_files(root: Path) -> list[tuple[Path, str]]:
    from baozufang_cli.ledger.discover import discover

    files, _ = discover(root)
    return files


def _explicit_files(paths: list[Path]) -> list[tuple[Path, str]]:
    from baozufang_cli.ledger.read import PROJECT_SUFFIXES

    files: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.suffix in PROJECT_SUFFIXES
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            files += [(p, p.as_posix()) for p in found]
        elif path.is_file():
            files.append((path, path.as_posix()))
        elif path.exists():  # a pipe, a device (a link to /dev/zero), a socket: never opened
            from baozufang_cli.files import special_kind

            raise UsageError(f"{path} 是{special_kind(path.stat().st_mode)}，不是项目文件")
        else:
            raise UsageError(f"文件不存在：{path}")
    return files
