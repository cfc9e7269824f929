"""Inline SVG charts for the HTML briefing, drawn by bzf itself.

Why not a vendored chart library (ECharts is what government dashboards use): the full ECharts
build is ~1 MB minified and draws on a canvas by default, so the file would be half library, the
charts would need scripts to appear at all, and printing rasterises them. A few hundred lines of
SVG give vector charts that print sharply on A4 or A3, appear with scripts off, carry their text
for screen readers and ``pdftotext``, and cost a few kilobytes. Every chart also has its numbers
in a table beside it. Colours always come with words (红/黄/绿, legends with names).
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

# text colours with AA contrast on white
RED = "#b42318"
YELLOW = "#a15c07"
GREEN = "#067647"
STARTED = "#2f6db5"
DELIVERED = "#0f6e4f"
TARGET = "#d0d5dd"
INK = "#1d2939"
MUTED = "#475467"
LIGHT_COLOURS = {"red": RED, "yellow": YELLOW, "green": GREEN}
LIGHT_WORDS = {"red": "红", "yellow": "黄", "green": "绿"}
FONT = 'font-family="inherit"'


def _svg(width: int, height: int, label: str, body: list[str]) -> str:
    return (
        f'<svg class="chart-svg" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}" '
        f'xmlns="http://www.w3.org/2000/svg" {FONT} font-size="13">'
        f"<title>{escape(label)}</title>{''.join(body)}</svg>"
    )


def _text(
    x: float, y: float, text: str, anchor: str = "start", fill: str = INK, size: int = 13, weight: str = ""
) -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}" font-size="{size}"{bold}>'
        f"{escape(text)}</text>"
    )


def _number(value: float) -> str:
    return f"{value:,.0f}"


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def district_bars(rows: list[dict[str, Any]]) -> str:
    """Per district, two bullet bars: 启动 and 交付 done (coloured) over the year's target (grey)."""
    rows = [r for r in rows if r["started_target"] or r["delivered_target"]]
    left, right, bar, gap = 200, 150, 13, 14
    width = 800
    plot = width - left - right
    top = 34
    height = top + len(rows) * (2 * bar + 4 + gap) + 10
    scale = _nice_max(
        max(
            [1]
            + [
                max(r[f"{m}_target"] or 0, r[f"{m}_actual"] or 0)
                for r in rows
                for m in ("started", "delivered")
            ]
        )
    )
    body = [
        f'<rect x="{left}" y="8" width="12" height="12" fill="{STARTED}"/>',
        _text(left + 16, 18, "启动完成"),
        f'<rect x="{left + 90}" y="8" width="12" height="12" fill="{DELIVERED}"/>',
        _text(left + 106, 18, "交付完成"),
        f'<rect x="{left + 180}" y="8" width="12" height="12" fill="{TARGET}" stroke="{MUTED}"/>',
        _text(left + 196, 18, "年度目标（灰色条）"),
    ]
    y = top
    for row in rows:
        body.append(f'<g data-district="{escape(row["district"])}">')
        body.append(_text(left - 8, y + bar + 4, row["district"], "end", size=13))
        for index, (metric, colour, word) in enumerate(
            (("started", STARTED, "启动"), ("delivered", DELIVERED, "交付"))
        ):
            target = row[f"{metric}_target"] or 0
            actual = row[f"{metric}_actual"] or 0
            by = y + index * (bar + 4)
            body.append(
                f'<rect x="{left}" y="{by}" width="{plot * target / scale:.1f}" height="{bar}" fill="{TARGET}"/>'
            )
            body.append(
                f'<rect x="{left}" y="{by + 3}" width="{plot * min(actual, scale) / scale:.1f}" '
                f'height="{bar - 6}" fill="{colour}"/>'
            )
            pct = f"{actual / target:.0%}" if target else "无目标"
            body.append(
                _text(
                    left + plot + 6,
                    by + bar - 2,
                    f"{word} {_number(actual)}/{_number(target)} {pct}",
                    size=11,
                    fill=MUTED,
                )
            )
        body.append("</g>")
        y += 2 * bar + 4 + gap
    return _svg(width, height, "各区县年度目标与启动、交付完成套数", body)


def monthly_line(months: list[dict[str, Any]], target: int, year: int, as_of: date) -> str:
    """Cumulative deliveries by month: done (solid), as planned now (dashed), the 序时 line (grey)."""
    width, height = 760, 320
    left, right, top, bottom = 70, 150, 20, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_max(max([target, 1] + [m["planned"] for m in months] + [m["actual"] or 0 for m in months]))

    def x(month: float) -> float:
        return left + plot_w * month / 12

    def y(value: float) -> float:
        return top + plot_h * (1 - value / peak)

    body = []
    for tick in range(5):
        value = peak * tick / 4
        body.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#eaecf0"/>'
        )
        body.append(_text(left - 6, y(value) + 4, _number(value), "end", MUTED, 11))
    for month in range(1, 13):
        body.append(_text(x(month), height - bottom + 16, f"{month}月", "middle", MUTED, 11))

    def path(points: list[tuple[float, float]]) -> str:
        return " ".join(f"{'M' if i == 0 else 'L'}{px:.1f},{py:.1f}" for i, (px, py) in enumerate(points))

    pace = [(x(0), y(0))] + [(x(m["month"]), y(m["pace"])) for m in months]
    planned = [(x(0), y(0))] + [(x(m["month"]), y(m["planned"])) for m in months]
    actual = [(x(0), y(0))] + [(x(m["month"]), y(m["actual"])) for m in months if m["actual"] is not None]
    body.append(
        f'<path d="{path(pace)}" fill="none" stroke="#98a2b3" stroke-width="2" stroke-dasharray="2 4"/>'
    )
    body.append(
        f'<path d="{path(planned)}" fill="none" stroke="{STARTED}" stroke-width="2" stroke-dasharray="6 4"/>'
    )
    body.append(f'<path d="{path(actual)}" fill="none" stroke="{DELIVERED}" stroke-width="3"/>')
    for px, py in actual[1:]:
        body.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{DELIVERED}"/>')
    if as_of.year == year:
        day_x = left + plot_w * (
            as_of.timetuple().tm_yday / (366 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 365)
        )
        body.append(
            f'<line x1="{day_x:.1f}" x2="{day_x:.1f}" y1="{top}" y2="{top + plot_h}" stroke="{RED}" stroke-dasharray="4 3"/>'
        )
        body.append(_text(day_x + 4, top + 12, f"统计日 {as_of.isoformat()}", fill=RED, size=11))
    legend_x = left + plot_w + 12
    last_actual = next((m["actual"] for m in reversed(months) if m["actual"] is not None), 0)
    for index, (label, colour, dash, value) in enumerate(
        (
            ("实际累计交付", DELIVERED, "", last_actual),
            ("按现计划累计", STARTED, "6 4", months[-1]["planned"]),
            ("序时进度线", "#98a2b3", "2 4", target),
        )
    ):
        ly = top + 14 + index * 40
        body.append(
            f'<line x1="{legend_x}" x2="{legend_x + 24}" y1="{ly}" y2="{ly}" stroke="{colour}" stroke-width="3"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + "/>"
        )
        body.append(_text(legend_x + 30, ly + 4, label, size=12))
        body.append(_text(legend_x + 30, ly + 20, _number(value) + " 套", fill=MUTED, size=11))
    body.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" stroke="{MUTED}"/>')
    body.append(
        f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="{MUTED}"/>'
    )
    return _svg(width, height, f"{year} 年逐月累计交付套数与序时进度", body)


def gantt(rows: list[dict[str, Any]], as_of: date) -> str:
    """倒排工期: a planned bar per project (first planned → delivery planned), ◇ planned milestones
    (red when overdue), ● actual dates, the as-of line."""
    dates = [d for r in rows for m in r["milestones"] for d in (m["planned"], m["actual"]) if d is not None]
    start = min([*dates, as_of])
    end = max([*dates, as_of])
    start = date(start.year, 1, 1)
    end = date(end.year, 12, 31)
    left, right, top, row_h = 280, 20, 40, 28
    width = 1000
    plot = width - left - right
    height = top + len(rows) * row_h + 30
    span = (end - start).days or 1

    def x(day: date) -> float:
        return left + plot * (day - start).days / span

    body = [
        f'<polygon points="{left},14 {left + 6},20 {left},26 {left - 6},20" fill="white" stroke="{MUTED}"/>',
        _text(left + 10, 24, "计划节点", size=12),
        f'<polygon points="{left + 90},14 {left + 96},20 {left + 90},26 {left + 84},20" fill="white" stroke="{RED}" stroke-width="2"/>',
        _text(left + 100, 24, "逾期未完成", size=12),
        f'<circle cx="{left + 190}" cy="20" r="5" fill="{INK}"/>',
        _text(left + 200, 24, "实际完成", size=12),
        f'<rect x="{left + 270}" y="15" width="30" height="10" fill="#dbe7f6"/>',
        _text(left + 306, 24, "计划工期（首个计划节点至交付）", size=12),
    ]
    for year in range(start.year, end.year + 1):
        gx = x(date(year, 1, 1))
        body.append(f'<line x1="{gx:.1f}" x2="{gx:.1f}" y1="{top - 4}" y2="{height - 24}" stroke="#eaecf0"/>')
        body.append(_text(gx + 4, height - 10, f"{year}年", fill=MUTED, size=11))
    for index, row in enumerate(rows):
        y = top + index * row_h
        light = row["light"]
        word = LIGHT_WORDS.get(light, "")
        colour = LIGHT_COLOURS.get(light, MUTED)
        name = row["name"] if len(row["name"]) <= 14 else row["name"][:13] + "…"
        body.append(f'<g data-district="{escape(row["district"])}">')
        if index % 2:
            body.append(f'<rect x="0" y="{y}" width="{width}" height="{row_h}" fill="#f9fafb"/>')
        body.append(f'<rect x="4" y="{y + 5}" width="22" height="18" rx="3" fill="{colour}"/>')
        body.append(_text(15, y + 19, word, "middle", "#ffffff", 13, "bold"))
        body.append(_text(30, y + 19, name, size=14))
        planned = [m["planned"] for m in row["milestones"] if m["planned"] is not None]
        delivered = next(
            (m["planned"] for m in row["milestones"] if m["name"] == row["delivered_name"]), None
        )
        if planned:
            bar_end = delivered or max(planned)
            body.append(
                f'<rect x="{x(min(planned)):.1f}" y="{y + 9}" width="{max(2, x(bar_end) - x(min(planned))):.1f}" '
                f'height="10" fill="#dbe7f6"/>'
            )
        for milestone in row["milestones"]:
            if milestone["planned"] is not None:
                px, cy = x(milestone["planned"]), y + 14
                stroke = RED if milestone["overdue"] else MUTED
                body.append(
                    f'<polygon points="{px:.1f},{cy - 6} {px + 6:.1f},{cy} {px:.1f},{cy + 6} {px - 6:.1f},{cy}" '
                    f'fill="white" stroke="{stroke}" stroke-width="{2 if milestone["overdue"] else 1}">'
                    f"<title>{escape(milestone['name'])} 计划 {milestone['planned'].isoformat()}</title></polygon>"
                )
            if milestone["actual"] is not None:
                body.append(
                    f'<circle cx="{x(milestone["actual"]):.1f}" cy="{y + 14}" r="4.5" fill="{INK}">'
                    f"<title>{escape(milestone['name'])} 实际 {milestone['actual'].isoformat()}</title></circle>"
                )
        body.append("</g>")
    ax = x(as_of)
    body.append(
        f'<line x1="{ax:.1f}" x2="{ax:.1f}" y1="{top - 6}" y2="{height - 24}" stroke="{RED}" stroke-width="1.5" stroke-dasharray="5 3"/>'
    )
    label = f"统计日 {as_of.isoformat()}"
    if ax > width - 140:  # near the right edge: the label goes to the left of the line
        body.append(_text(ax - 4, top - 8, label, "end", fill=RED, size=11))
    else:
        body.append(_text(ax + 4, top - 8, label, fill=RED, size=11))
    return _svg(width, height, "红黄灯与逾期项目的倒排工期", body)
