"""``bzf export sqlite -o 台账.db``: the tables of ``bzf query`` as one SQLite file."""

from __future__ import annotations

from pathlib import Path

import typer

from baozufang_cli.errors import ExitCode, UsageError


def export_sqlite(
    output: Path, data: list[Path] | None, as_of: str | None, filtered: bool, no_cache: bool
) -> None:
    from baozufang_cli.cli.cities import open_database
    from baozufang_cli.cli.runtime import as_of_date, print_diagnostics
    from baozufang_cli.files import write_output
    from baozufang_cli.sql.database import to_bytes

    if filtered:
        raise UsageError(
            "export sqlite 导出全部项目，不接受 --district、--year、--type", "筛选请在查询中用 WHERE"
        )
    day = as_of_date(as_of)
    conn, cities = open_database(data, day, no_cache)
    write_output(output, to_bytes(conn))
    typer.echo(f"已写入 {output}", err=True)
    excluded = [city for city in cities if city.ledger.errors]
    for city in excluded:
        files = len({d.path for d in city.ledger.errors})
        typer.echo(f"注意：{city.name} 有 {files} 个文件有错误，未计入（运行 bzf check 查看）", err=True)
        print_diagnostics(city.ledger.errors, 20)
    if excluded:
        raise typer.Exit(int(ExitCode.LEDGER_ERRORS))
