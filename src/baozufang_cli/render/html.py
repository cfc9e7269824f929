"""The briefing as one self-contained HTML file (``bzf export html``; ``export pdf`` prints it).

Everything is inline — CSS and a small script from package data (``briefing.css``,
``briefing.js``), charts as SVG (``html_svg.py``), system CJK fonts — so the file opens from
a file:// path on a phone with no network and makes no request. The page reads fully with
scripts off (tables sorted in meeting order, every district open on small ledgers) and in print;
the script only adds sorting and a district filter. The stamp (as-of date, ledger commit,
generation time, filters) heads the page on screen and sits in the margin of every printed page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

from baozufang_cli.render import html_svg as svg

if TYPE_CHECKING:
    from baozufang_cli.reports.briefing import Briefing

Paper = Literal["a4", "a3"]
PAGE_SIZES: dict[str, str] = {"a4": "A4 portrait", "a3": "A3 landscape"}
LIGHT_WORDS = {"red": "红", "yellow": "黄", "green": "绿", "none": "无目标", "done": "已交付"}


@dataclass(frozen=True)
class Stamp:
    """Where the page came from; built by the command (the clock and git are not the report's)."""

    generated: datetime
    commit: str | None = None  # short hash of the ledger's HEAD
    dirty: bool = False
    in_git: bool = False

    def version(self) -> str:
        if not self.in_git:
            return "台账不在 git 仓库中"
        if self.commit is None:
            return "台账仓库尚无提交"
        return f"台账版本 {self.commit}" + ("（有未提交的改动）" if self.dirty else "")

    def line(self, briefing: Briefing) -> str:
        parts = [
            f"统计截至 {briefing.as_of.isoformat()}",
            self.version(),
            f"生成于 {self.generated:%Y-%m-%d %H:%M}",
        ]
        parts.append("；".join(briefing.filters) if briefing.filters else "全部项目")
        return " · ".join(parts)


def _asset(name: str) -> str:
    return resources.files("baozufang_cli.render").joinpath(name).read_text(encoding="utf-8")


def _css_string(text: str) -> str:
    """A CSS string literal (for ``content:`` in the page margin)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _num(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
    return f"{value:,}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def _day(value: date | str | None) -> str:
    if value is None:
        return "-"
    return value if isinstance(value, str) else value.isoformat()


def light_badge(light: str | None) -> str:
    light = light or "none"
    return f'<span class="light light-{light}">{LIGHT_WORDS.get(light, light)}</span>'


def _cell(value: Any, kind: str, key: str) -> str:
    """A td carrying its raw value (``data-v``: sorting; ``data-key``: tests compare it with the JSON)."""
    raw = "" if value is None else value
    if kind == "int":
        text, css = _num(value), "n"
    elif kind == "pct":
        text, css = _pct(value), "n"
    elif kind == "light":
        order = {"red": 0, "yellow": 1, "green": 2, "done": 3, "none": 4}
        return f'<td data-key="{key}" data-v="{order.get(value or "none", 4)}">{light_badge(value)}</td>'
    elif kind == "date":
        text, css = _day(value), "nowrap"
        raw = text
    elif kind == "code":
        text, css = ("" if value is None else str(value)), "nowrap"
    else:
        text, css = ("" if value is None else str(value)), ""
    cls = f' class="{css}"' if css else ""
    return f'<td data-key="{key}" data-v="{escape(str(raw))}"{cls}>{escape(text)}</td>'


Columns = list[tuple[str, str, str]]  # (key, header, kind)
KEEP_ROWS = 25  # a printed table this short is kept on one page rather than split


def _table(caption: str, columns: Columns, rows: list[dict[str, Any]], *, table_id: str = "",
           total: dict[str, Any] | None = None, district_key: str = "district") -> str:  # fmt: skip
    ident = f' id="{table_id}"' if table_id else ""
    head = "".join(f'<th scope="col" data-kind="{kind}">{escape(header)}</th>' for _, header, kind in columns)
    body = []
    for row in rows:
        district = row.get(district_key)
        attr = f' data-district="{escape(district)}"' if district else ""
        cells = []
        for index, (key, _, kind) in enumerate(columns):
            cell = _cell(row.get(key), kind, key)
            if index == 0 and kind in ("text", "code"):
                cell = cell.replace("<td", '<th scope="row"', 1).replace("</td>", "</th>")
            cells.append(cell)
        body.append(f"<tr{attr}>{''.join(cells)}</tr>")
    foot = ""
    if total is not None:
        foot = (
            "<tfoot><tr>" + "".join(_cell(total.get(k), kind, k) for k, _, kind in columns) + "</tr></tfoot>"
        )
    keep = " keep" if len(rows) <= KEEP_ROWS else ""
    return (
        f'<div class="table-wrap{keep}"><table class="sortable"{ident}><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody>{foot}</table></div>"
    )


def _section(ident: str, title: str, content: str, cls: str = "") -> str:
    extra = f" {cls}" if cls else ""
    return f'<section id="{ident}" class="sheet{extra}" aria-labelledby="{ident}-h"><h2 id="{ident}-h">{escape(title)}</h2>{content}</section>'


def _headline(briefing: Briefing) -> str:
    cards = []
    for card in briefing.headline:
        points = card["behind_points"]
        behind = (
            "-"
            if points is None
            else f"落后 {points:.1f} 个百分点"
            if points > 0
            else f"领先 {-points:.1f} 个百分点"
        )
        cards.append(
            f'<article class="card" data-metric="{card["metric"]}">'
            f"<h3>{escape(card['label'])} {light_badge(card['light'])}</h3>"
            f'<p class="big"><span data-key="actual" data-v="{card["actual"]}">{_num(card["actual"])}</span>'
            f' <small>/ <span data-key="target" data-v="{card["target"]}">{_num(card["target"])}</span> 套(间)</small></p>'
            "<dl>"
            f'<dt>完成率</dt><dd data-key="pct">{_pct(card["pct"])}</dd>'
            f'<dt>序时进度</dt><dd data-key="pace_pct">{_pct(card["pace_pct"])}</dd>'
            f"<dt>对照序时</dt><dd>{behind}</dd>"
            f'<dt>年底预计</dt><dd data-key="forecast" data-v="{card["forecast"]}">{_num(card["forecast"])}</dd>'
            f"<dt>统计范围</dt><dd>{escape(card['scope'])}</dd>"
            f"<dt>目标来源</dt><dd>{escape(card['source'])}</dd>"
            "</dl></article>"
        )
    projects = sum(row["projects"] for row in briefing.districts)
    units = sum(row["units"] for row in briefing.districts)
    red = sum(d["red"] for d in briefing.district_projects)
    yellow = sum(d["yellow"] for d in briefing.district_projects)
    facts = (
        f'<p class="facts">纳入统计 <b>{projects:,}</b> 个项目、<b>{units:,}</b> 套(间)；项目红灯 <b>{red}</b> 个、黄灯 '
        f"<b>{yellow}</b> 个；未办结问题 <b>{len(briefing.problems) + briefing.problems_more}</b> 个。</p>"
    )
    if not cards:
        cards.append(f"<p>{briefing.year} 年没有目标（targets.yaml）。</p>")
    notes = "".join(f"<li>{escape(n)}</li>" for n in briefing.notes)
    return f'<div class="cards">{"".join(cards)}</div>{facts}<ul class="notes">{notes}</ul>'


DISTRICT_COLUMNS: Columns = [
    ("district", "区县", "text"), ("rank", "排名", "int"), ("projects", "项目数", "int"),
    ("units", "总套数", "int"),
    ("started_target", "启动目标", "int"), ("started_actual", "启动完成", "int"), ("started_pct", "启动完成率", "pct"),
    ("started_light", "启动灯", "light"),
    ("delivered_target", "交付目标", "int"), ("delivered_actual", "交付完成", "int"),
    ("delivered_pct", "交付完成率", "pct"), ("delivered_light", "交付灯", "light"),
    ("delivered_forecast", "交付年底预计", "int"),
]  # fmt: skip


def _district_table(briefing: Briefing) -> str:
    table = _table(
        f"{briefing.year} 年区县目标完成情况（套）",
        DISTRICT_COLUMNS,
        briefing.districts,
        table_id="district-table",
        total=briefing.district_total,
    )
    return (
        table
        + '<p class="note">排名按交付完成率（无目标的区县不排名，目标显示为 -，不计入合计）；灯：落后序时进度 10 个百分点以内为绿，10–30 为黄，超过 30 为红。</p>'
    )


PROBLEM_COLUMNS: Columns = [
    ("project_name", "项目", "text"), ("district", "区县", "text"), ("text", "问题", "text"),
    ("category", "类别", "text"), ("department", "责任部门", "text"), ("raised", "提出日期", "date"),
    ("due", "办结时限", "date"), ("days_overdue", "逾期天数", "int"), ("state_label", "状态", "text"),
]  # fmt: skip
SOURCE_COLUMNS: Columns = [
    ("kind", "资金来源", "text"), ("projects", "项目数", "int"), ("planned_wan", "计划（万元）", "int"),
    ("received_wan", "到位（万元）", "int"), ("arrival_gap_wan", "未到位（万元）", "int"), ("received_pct", "到位率", "pct"),
]  # fmt: skip
FUNDING_COLUMNS: Columns = [
    ("district", "区县", "text"), ("total_wan", "总投资（万元）", "int"), ("completed_wan", "完成投资（万元）", "int"),
    ("planned_wan", "计划资金（万元）", "int"), ("received_wan", "到位（万元）", "int"), ("received_pct", "到位率", "pct"),
]  # fmt: skip
PROJECT_COLUMNS: Columns = [
    ("id", "编号", "code"), ("name", "项目名称", "text"), ("supply_type", "筹集方式", "text"), ("units", "套数", "int"),
    ("status", "状态", "text"), ("stage", "当前节点", "text"), ("next", "下一节点", "text"),
    ("next_planned", "计划日期", "date"), ("light", "灯", "light"), ("days_overdue", "逾期天数", "int"),
    ("open_problems", "未办结问题", "int"), ("responsible_unit", "责任单位", "text"),
]  # fmt: skip
MONTH_COLUMNS: Columns = [("month_label", "月份", "text"), ("actual", "实际累计交付", "int"),
                          ("planned", "按现计划累计", "int"), ("pace", "序时进度线", "int")]  # fmt: skip


def _monthly(briefing: Briefing) -> str:
    chart = svg.monthly_line(briefing.monthly, briefing.delivered_target, briefing.year, briefing.as_of)
    rows = [{**m, "month_label": f"{m['month']}月"} for m in briefing.monthly]
    table = _table("逐月累计交付（套）", MONTH_COLUMNS, rows)
    return (
        f'<figure class="chart">{chart}<figcaption>{briefing.year} 年区县交付目标合计 {briefing.delivered_target:,} 套；'
        "序时进度线 = 目标 × 月末已过天数占全年天数。</figcaption></figure>"
        f'<details class="data"><summary>图表数据</summary>{table}</details>'
    )


def _gantt(briefing: Briefing) -> str:
    if not briefing.gantt:
        return "<p>没有红灯、黄灯或逾期的项目。</p>"
    more = (
        f'<p class="note">另有 {briefing.gantt_more} 个项目未画出（按逾期天数只画前 {len(briefing.gantt)} 个），全部见 bzf overdue。</p>'
        if briefing.gantt_more
        else ""
    )
    return f'<figure class="chart wide">{svg.gantt(briefing.gantt, briefing.as_of)}</figure>{more}'


def _problems(briefing: Briefing) -> str:
    if not briefing.problems:
        return "<p>没有未办结的问题。</p>"
    rows = [
        {**p, "state_label": "逾期未办结" if p["days_overdue"] else p["state_label"]}
        for p in briefing.problems
    ]
    more = (
        f'<p class="note">另有 {briefing.problems_more} 个未办结问题未列出，全部见 bzf problems。</p>'
        if briefing.problems_more
        else ""
    )
    return _table("未办结问题（逾期的在前）", PROBLEM_COLUMNS, rows, table_id="problem-table") + more


def _funding(briefing: Briefing) -> str:
    total = briefing.funding["total"]
    summary = (
        f'<p class="facts">总投资 <b>{_num(total["total_wan"])}</b> 万元，已完成投资 <b>{_num(total["completed_wan"])}</b> 万元；'
        f"计划资金 <b>{_num(total['planned_wan'])}</b> 万元，到位 <b>{_num(total['received_wan'])}</b> 万元（到位率 {_pct(total['received_pct'])}）。</p>"
    )
    return (
        summary
        + _table("资金来源与到位", SOURCE_COLUMNS, briefing.funding["sources"])
        + _table("分区县资金", FUNDING_COLUMNS, briefing.funding["rows"], total={"district": "合计", **total})
    )


def district_anchor(district: str) -> str:
    return "d-" + district


def _district_sections(briefing: Briefing) -> str:
    parts = []
    if briefing.large:
        parts.append(
            '<p class="note">项目较多：各区县默认收起，点击展开（打印时全部展开）；每个区县最多列出 100 个项目。</p>'
        )
    for group in briefing.district_projects:
        more = (
            f'<p class="note">另有 {group["more"]} 个项目未列出，见 bzf ledger --district {escape(group["district"])}。</p>'
            if group["more"]
            else ""
        )
        summary = (
            f"<summary><h3>{escape(group['district'])}</h3><span>{group['projects']} 个项目、{group['units']:,} 套；"
            f"红灯 {group['red']}、黄灯 {group['yellow']}</span></summary>"
        )
        table = _table(f"{group['district']}项目", PROJECT_COLUMNS, group["rows"], district_key="")
        opened = "" if briefing.large else " open"
        parts.append(
            f'<details class="district" id="{escape(district_anchor(group["district"]))}" '
            f'data-district="{escape(group["district"])}"{opened}>{summary}{table}{more}</details>'
        )
    return "".join(parts)


def _nav(briefing: Briefing) -> str:
    links = [("headline", "总体情况"), ("districts", "区县排名"), ("chart", "目标与完成"), ("monthly", "逐月交付"),
             ("gantt", "倒排工期"), ("problems", "问题清单"), ("funding", "资金"), ("by-district", "分区县")]  # fmt: skip
    top = "".join(f'<a href="#{ident}">{escape(name)}</a>' for ident, name in links)
    districts = "".join(
        f'<a href="#{escape(district_anchor(g["district"]))}">{escape(g["district"])}</a>'
        for g in briefing.district_projects
    )
    return (
        f'<nav class="toc" aria-label="目录"><div>{top}</div><div class="districts">{districts}</div></nav>'
    )


def render_html(briefing: Briefing, stamp: Stamp, paper: Paper | None = None) -> str:
    """The whole page; ``paper`` fixes the printed page size (``export pdf``), else the printer dialog chooses."""
    line = stamp.line(briefing)
    page_size = f"size: {PAGE_SIZES[paper]};" if paper else ""
    css = _asset("briefing.css")
    if paper == "a3":
        css += "\n@media print {" + css.split("/* wide-print */")[1].split("/* end wide-print */")[0] + "}"
    margin_css = (
        f"@page {{ {page_size} margin: 18mm 12mm 16mm 12mm;"
        f" @top-left {{ content: {_css_string(briefing.title)}; font-size: 9pt; color: #475467; }}"
        f" @top-right {{ content: {_css_string(line)}; font-size: 8pt; color: #475467; }}"
        ' @bottom-right { content: "第 " counter(page) " 页，共 " counter(pages) " 页"; font-size: 8pt; color: #475467; } }'
    )
    excluded = (
        f'<p class="warning" role="alert">注意：{briefing.excluded_files} 个文件有错误，未计入（运行 bzf check 查看）</p>'
        if briefing.excluded_files
        else ""
    )
    sections = [
        _section("headline", f"一、总体情况（{briefing.year} 年）", _headline(briefing)),
        _section("districts", "二、区县进度与排名", _district_table(briefing)),
        _section(
            "chart",
            "三、各区县目标与完成",
            f'<figure class="chart">{svg.district_bars(briefing.districts)}</figure>',
        ),
        _section("monthly", "四、逐月累计交付与序时进度", _monthly(briefing)),
        _section("gantt", "五、倒排工期：红黄灯与逾期项目", _gantt(briefing)),
        _section("problems", "六、问题清单", _problems(briefing)),
        _section("funding", "七、资金", _funding(briefing)),
        _section("by-district", "八、分区县项目", _district_sections(briefing)),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light">'
        f"<title>{escape(briefing.title)} 统计截至 {briefing.as_of.isoformat()}</title>"
        f"<style>{css}\n{margin_css}</style></head><body>"
        f'<header class="masthead"><h1>{escape(briefing.title)}</h1>'
        f'<p class="plan">{escape(briefing.ledger)}</p>'
        f'<p class="stamp" id="stamp">{escape(line)}</p>{excluded}{_nav(briefing)}</header>'
        f"<main>{''.join(sections)}</main>"
        f'<footer class="stamp-foot"><p>{escape(line)}</p><p>由 bzf 生成；数字与 bzf gap、status、problems、funding 同一统计日的结果一致。</p></footer>'
        f"<script>{_asset('briefing.js')}</script></body></html>\n"
    )
