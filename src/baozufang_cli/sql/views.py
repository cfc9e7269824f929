"""The standard reports as SQL views over ``schema.TABLES``.

Each view's numbers equal the JSON of the report it names for the same as-of day (tests/sql/
test_views.py runs both): ``v_status_by_district`` = ``bzf status`` rows, ``v_gap`` =
``bzf gap --year all`` rows, ``v_overdue`` = ``bzf overdue`` rows. The as-of day is
``meta.as_of``; the tables already hold only what is known on it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class View:
    name: str
    label: str
    sql: str
    columns: tuple[tuple[str, str, str], ...]  # (name, Chinese label, type), in the view's order


_CITY_ORDER = "(SELECT position FROM cities WHERE cities.city = {alias}.city)"

STATUS_BY_DISTRICT = View(
    "v_status_by_district",
    "项目进度汇总（按区县），同 bzf status",
    f"""
WITH counts AS (
  SELECT d.city, d.name AS district, d.position,
    COUNT(p.id) AS projects,
    COALESCE(SUM(p.units), 0) AS units,
    COUNT(p.started_on) AS started_projects,
    COALESCE(SUM(CASE WHEN p.started_on IS NOT NULL THEN p.units END), 0) AS started_units,
    COUNT(p.delivered_on) AS delivered_projects,
    COALESCE(SUM(CASE WHEN p.delivered_on IS NOT NULL THEN p.units END), 0) AS delivered_units
  FROM districts d LEFT JOIN projects p ON p.city = d.city AND p.district = d.name
  GROUP BY d.city, d.name
)
SELECT city, district, projects, units, started_projects, started_units, delivered_projects, delivered_units,
  CASE WHEN units > 0 THEN ROUND(CAST(started_units AS REAL) / units, 4) END AS started_pct,
  CASE WHEN units > 0 THEN ROUND(CAST(delivered_units AS REAL) / units, 4) END AS delivered_pct
FROM counts
ORDER BY {_CITY_ORDER.format(alias="counts")}, position""",
    (
        ("city", "城市", "TEXT"),
        ("district", "区县", "TEXT"),
        ("projects", "项目数", "INTEGER"),
        ("units", "套数", "INTEGER"),
        ("started_projects", "已启动项目数", "INTEGER"),
        ("started_units", "已启动套数", "INTEGER"),
        ("delivered_projects", "已交付项目数", "INTEGER"),
        ("delivered_units", "已交付套数", "INTEGER"),
        ("started_pct", "启动率", "REAL"),
        ("delivered_pct", "交付率", "REAL"),
    ),
)

# a target year is open while D < 31 Dec: only then can planned-but-not-done units still land in it
GAP = View(
    "v_gap",
    "区县目标缺口，同 bzf gap --year all 的 rows",
    f"""
WITH tallies AS (
  SELECT t.city, t.district, t.year, t.metric, t.units AS target,
    (SELECT d.position FROM districts d WHERE d.city = t.city AND d.name = t.district) AS position,
    COALESCE(SUM(CASE WHEN m.actual IS NOT NULL AND CAST(substr(m.actual, 1, 4) AS INTEGER) = t.year
                      THEN p.units END), 0) AS actual,
    COALESCE(SUM(CASE WHEN m.actual IS NULL AND CAST(substr(m.planned, 1, 4) AS INTEGER) = t.year
                       AND (SELECT value FROM meta WHERE key = 'as_of') < t.year || '-12-31'
                      THEN p.units END), 0) AS pending
  FROM targets t
  LEFT JOIN projects p ON p.city = t.city AND p.district = t.district
  LEFT JOIN milestones m ON m.city = p.city AND m.project_id = p.id
    AND ((t.metric = 'started' AND m.is_start = 1) OR (t.metric = 'delivered' AND m.is_delivered = 1))
  WHERE t.district IS NOT NULL
  GROUP BY t.rowid
)
SELECT city, district, year, metric, target, actual, target - actual AS gap,
  CASE WHEN target > 0 THEN ROUND(CAST(actual AS REAL) / target, 4) END AS pct,
  actual + pending AS projected,
  target - (actual + pending) AS projected_gap,
  target - (actual + pending) > 0 AS shortfall
FROM tallies
ORDER BY year, {_CITY_ORDER.format(alias="tallies")}, position, metric = 'delivered'""",
    (
        ("city", "城市", "TEXT"),
        ("district", "区县", "TEXT"),
        ("year", "年度", "INTEGER"),
        ("metric", "指标", "TEXT"),
        ("target", "目标", "INTEGER"),
        ("actual", "完成", "INTEGER"),
        ("gap", "缺口", "INTEGER"),
        ("pct", "完成率", "REAL"),
        ("projected", "预计", "INTEGER"),
        ("projected_gap", "预计缺口", "INTEGER"),
        ("shortfall", "按现有计划完不成", "INTEGER"),
    ),
)

OVERDUE = View(
    "v_overdue",
    "逾期节点，同 bzf overdue",
    f"""
SELECT m.city, m.project_id, p.name AS project_name, p.district, p.supply_type,
  p.supply_type_label, m.name AS milestone, m.planned, m.days_overdue, m.later_done, p.responsible_unit
FROM milestones m
JOIN projects p ON p.city = m.city AND p.id = m.project_id
JOIN districts d ON d.city = p.city AND d.name = p.district
WHERE m.overdue = 1
ORDER BY m.days_overdue DESC, {_CITY_ORDER.format(alias="m")}, d.position, m.project_id, m.position""",
    (
        ("city", "城市", "TEXT"),
        ("project_id", "项目编号", "TEXT"),
        ("project_name", "项目名称", "TEXT"),
        ("district", "区县", "TEXT"),
        ("supply_type", "筹集方式代码", "TEXT"),
        ("supply_type_label", "筹集方式", "TEXT"),
        ("milestone", "节点", "TEXT"),
        ("planned", "计划日期", "TEXT"),
        ("days_overdue", "逾期天数", "INTEGER"),
        ("later_done", "后续节点已完成", "INTEGER"),
        ("responsible_unit", "责任单位", "TEXT"),
    ),
)

REPORTING = View(
    "v_reporting",
    "各城市报送情况：最后提交日期、统计截至日所在月份的自评",
    """
WITH month AS (SELECT substr(value, 1, 7) AS month FROM meta WHERE key = 'as_of')
SELECT c.city, c.last_commit_on, (SELECT month FROM month) AS month,
  (SELECT COUNT(*) FROM districts d WHERE d.city = c.city) AS districts,
  (SELECT COUNT(*) FROM assessments a WHERE a.city = c.city AND a.month = (SELECT month FROM month))
    AS assessed_districts,
  (SELECT COUNT(*) FROM assessments a WHERE a.city = c.city AND a.month = (SELECT month FROM month)) > 0
    AS has_assessments
FROM cities c
ORDER BY c.position""",
    (
        ("city", "城市", "TEXT"),
        ("last_commit_on", "最后提交日期", "TEXT"),
        ("month", "月份", "TEXT"),
        ("districts", "区县数", "INTEGER"),
        ("assessed_districts", "已报自评的区县数", "INTEGER"),
        ("has_assessments", "本月已有自评", "INTEGER"),
    ),
)

VIEWS: tuple[View, ...] = (STATUS_BY_DISTRICT, GAP, OVERDUE, REPORTING)
