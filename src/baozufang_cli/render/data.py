"""Machine- and paste-friendly renderers: JSON (the contract), CSV and Markdown."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

from baozufang_cli.ledger.characters import visible
from baozufang_cli.render.text import cell_text, formula_like, is_numeric
from baozufang_cli.reports.value import Report, Table


def _default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def render_json(report: Report) -> str:
    return json.dumps(report.data, ensure_ascii=False, indent=2, default=_default) + "\n"


def csv_value(value: Any) -> Any:
    """Raw values for spreadsheets; text that a spreadsheet would run as a formula is defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        value = "、".join(str(v) for v in value)
    if isinstance(value, str):
        value = visible(value)
        return "'" + value if formula_like(value) else value
    return value


def render_csv(table: Table) -> str:
    out = io.StringIO()
    import csv  # only for CSV output

    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.full_header for c in table.columns])
    for row in [*table.rows, *([table.total] if table.total is not None else [])]:
        writer.writerow([csv_value(row.get(c.key)) for c in table.columns])
    return out.getvalue()


def render_csv_report(report: Report) -> str:
    """CSV of a report: its main table; a report in sections (bzf report) writes every table, one
    block after another in one file, each block's rows led by 章节 and 表 so a filter finds a part."""
    if not any(table.section for table in report.tables):
        return render_csv(report.primary)
    out = io.StringIO()
    import csv  # only for CSV output

    writer = csv.writer(out, lineterminator="\r\n")
    for number, table in enumerate(report.tables):
        if number:
            writer.writerow([])
        writer.writerow(["章节", "表", *(c.full_header for c in table.columns)])
        for row in [*table.rows, *([table.total] if table.total is not None else [])]:
            writer.writerow([table.section, table.title, *(csv_value(row.get(c.key)) for c in table.columns)])
    return out.getvalue()


def _md_cell(text: str) -> str:
    return visible(text).replace("|", "\\|").replace("\n", " ")


def _md_row(table: Table, row: dict[str, Any], bold: bool) -> str:
    cells = [_md_cell(cell_text(c, row.get(c.key))) for c in table.columns]
    return "| " + " | ".join(f"**{cell}**" if bold else cell for cell in cells) + " |"


def render_md_table(table: Table, level: int = 3) -> str:
    table = table.for_screen()
    lines = [f"{'#' * level} {table.title}", ""]
    lines.append("| " + " | ".join(_md_cell(c.full_header) for c in table.columns) + " |")
    lines.append("|" + "|".join("---:" if is_numeric(c) else "---" for c in table.columns) + "|")
    for i, row in enumerate(table.rows):
        lines.append(_md_row(table, row, bold="subtotal" in table.flags.get(i, ())))
    if table.total is not None:
        lines.append(_md_row(table, table.total, bold=True))
    if not table.rows and table.total is None:
        lines.append("| " + " | ".join("" for _ in table.columns) + " |")
    lines.extend(["", *(f"{note}  " for note in table.notes)])
    return visible("\n".join(lines).rstrip() + "\n")


def render_md(report: Report) -> str:
    head = report.header_lines()
    parts = [f"## {head[0]}", "", *(f"{line}  " for line in head[1:]), ""]
    for section, tables in report.sections:
        if section:  # a multi-part report (a meeting document): one heading per part
            parts.extend([f"### {section}", ""])
        for table in tables:
            parts.append(render_md_table(table, level=4 if section else 3))
    return visible("\n".join(parts))  # titles and notes name projects too
