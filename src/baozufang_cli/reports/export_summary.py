"""The 汇总 sheet of the meeting workbook: what a leader reads first.

``bzf gap`` for the as-of year, arranged as the offices circulate it: the form line, a city
headline (目标, 已启动, 已交付, 完成率 and 序时进度 — the share of the year gone by), the city
targets, the districts with 序号 and 排名 (by 交付完成率, then 启动完成率), a bar chart of
target / 启动 / 交付 by district, and the signature line. A year without district targets
says so, naming the last year that has them and how to choose it, instead of silent zeros.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from baozufang_cli.reports.value import Chart, Column, LightRule, Sheet, Table

if TYPE_CHECKING:
    from baozufang_cli.ledger.registry import Ledger
    from baozufang_cli.reports.export import Form
    from baozufang_cli.reports.filters import Filters

RANK = Column("rank", "排名", "int")
SEQ = Column("seq", "序号", "int")


def elapsed_share(as_of: date) -> float:
    """序时进度: the share of the calendar year gone by on ``as_of`` (its day counted)."""
    start = date(as_of.year, 1, 1)
    days = (date(as_of.year + 1, 1, 1) - start).days
    return round(((as_of - start).days + 1) / days, 4)


def empty_year_message(ledger: Ledger, year: int) -> str | None:
    """The message for a pack whose year has no district targets (``None`` when it has some)."""
    years = sorted({t.year for t in ledger.targets.district_targets})
    if year in years:
        return None
    earlier = [y for y in years if y < year]
    last = earlier[-1] if earlier else (years[-1] if years else None)
    if last is None:
        return f"{year} 年没有区县目标：targets.yaml 中没有任何年度目标，汇总只列实际完成"
    return (
        f"{year} 年没有区县目标，汇总只列实际完成；最近有目标的年度为 {last} 年，"
        f"可用 --as-of {last}-12-31 导出该年度的汇总"
    )


def headline(total: dict[str, Any] | None, year: int, as_of: date) -> str:
    share = elapsed_share(as_of)
    if not total or (not total.get("delivered_target") and not total.get("started_target")):
        return f"全市 {year} 年：没有目标；序时进度 {share:.1%}"

    def part(metric: str, label: str) -> str:
        target, actual = total.get(f"{metric}_target") or 0, total.get(f"{metric}_actual") or 0
        pct = f"{actual / target:.1%}" if target else "-"
        return f"{label}目标 {target:,} 套、已完成 {actual:,} 套（{pct}）"

    return f"全市 {year} 年：{part('started', '启动')}；{part('delivered', '交付')}；序时进度 {share:.1%}"


def ranked(table: Table) -> Table:
    """序号 first and 排名 after the district: by 交付完成率, then 启动完成率 (equal rates, equal rank)."""
    rows = [dict(row) for row in table.rows]

    def key(row: dict[str, Any]) -> tuple[float, float]:
        return (-(row.get("delivered_pct") or 0.0), -(row.get("started_pct") or 0.0))

    targeted = [i for i, row in enumerate(rows) if _targeted(row)]  # no target, no rank
    order = sorted(targeted, key=lambda i: key(rows[i]))
    previous: tuple[float, float] | None = None
    rank = 0
    for position, index in enumerate(order, start=1):
        if key(rows[index]) != previous:
            rank, previous = position, key(rows[index])
        rows[index]["rank"] = rank
    for seq, row in enumerate(rows, start=1):
        row["seq"] = seq
    columns = list(table.columns)
    at = next((i + 1 for i, c in enumerate(columns) if c.key == "district"), 0)
    columns = [SEQ, *columns[:at], RANK, *columns[at:]]
    total = {**table.total, "seq": "合计", "district": None} if table.total is not None else None
    return replace(table, columns=columns, rows=rows, total=total)


def _targeted(row: dict[str, Any]) -> bool:
    return row.get("delivered_target") is not None or row.get("started_target") is not None


def with_lights(table: Table) -> Table:
    """The district table as ``bzf gap`` gives it already carries a 灯 cell per metric (``bzf lights``:
    the same definition and thresholds), highlighted by its own word; name the 预计缺口 colour too."""
    highlights = [
        replace(h, label=h.label or "预计缺口 > 0：按现有计划完不成")
        if h.column.endswith("_projected_gap")
        else h
        for h in table.highlights
    ]
    # 序时进度 is one number for every row: said once under the table, not a column, so the page keeps its size
    columns = [c for c in table.columns if c.key != "elapsed_pct"]
    notes = list(table.notes)
    elapsed = next((row.get("elapsed_pct") for row in table.rows if row.get("elapsed_pct") is not None), None)
    if elapsed is not None:
        notes.insert(0, f"序时进度 {elapsed:.1%}：灯按完成率落后序时进度的百分点数亮（见 bzf lights）")
    return replace(table, columns=columns, highlights=tuple(highlights), notes=notes)


def lit_by_formula(table: Table, ledger: Ledger, as_of: date, year: int) -> Table:
    """The 合计 row's 灯 cells as formulas over its own SUBTOTALs (render/xlsx), by the rule of
    ``facts/pace.district_light``: filter the districts and the total is lit from what is shown."""
    from baozufang_cli.facts.pace import LIGHT_LABELS, elapsed_fraction

    elapsed = elapsed_fraction(as_of, year)
    lights = ledger.registry.criteria.lights
    labels = (LIGHT_LABELS["green"], LIGHT_LABELS["yellow"], LIGHT_LABELS["red"], LIGHT_LABELS["none"])
    columns = []
    for column in table.columns:
        metric = column.key.removesuffix("_light_label")
        if metric != column.key:
            rule = LightRule(
                f"{metric}_actual",
                f"{metric}_target",
                (elapsed.numerator, elapsed.denominator),
                lights.yellow_points,
                lights.red_points,
                labels,
            )
            column = replace(column, light_of=rule)
        columns.append(column)
    return replace(table, columns=columns)


def summary_sheet(ledger: Ledger, as_of: date, filters: Filters, form: Form, lines: list[str]) -> Sheet:
    from baozufang_cli.reports.gap import gap_report

    year = as_of.year
    gap = gap_report(ledger, as_of, [year], filters)
    districts = lit_by_formula(with_lights(ranked(gap.tables[-1])), ledger, as_of, year)
    tables = [*gap.tables[:-1], districts]
    sheet_lines = [*lines, headline(districts.total, year, as_of)]
    message = empty_year_message(ledger, year)
    chart = None
    if message is not None:
        sheet_lines.append(message)
    elif districts.rows:
        chart = Chart(
            f"{year} 年各区县启动建设与建成交付：目标与完成",
            "district",
            (("delivered_target", "交付目标"), ("started_actual", "已启动"), ("delivered_actual", "已交付")),
            "套(间)",
            table=len(tables) - 1,
        )
    return Sheet(
        "汇总",
        gap,
        tables,
        title=f"目标完成情况汇总（{year}年）",
        main=len(tables) - 1,
        chart=chart,
        lines=sheet_lines,
        closing=[form.signatures()],
    )
