"""The tables of ``bzf export sqlite`` and ``bzf query``: one declaration, from which the DDL,
the ``columns`` table (Chinese labels) and docs/commands/query.md's table list are made.

Every table has a ``city`` column: with several ``--data`` ledgers (a province) each ledger is a
city, and ids are unique per city, so the keys are ``(city, id)``. Dates are ``TEXT``
``YYYY-MM-DD`` (sortable, and what Datasette, DuckDB and Excel read as dates); booleans are
``INTEGER`` 0/1. Nothing after the as-of day D is in any table: a milestone done after D has
``actual`` NULL, a problem raised after D is absent, one closed after D is open.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Col:
    name: str
    type: str  # INTEGER, REAL or TEXT
    label: str  # Chinese label (columns.label)
    description: str = ""
    not_null: bool = False


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    table: str
    references: tuple[str, ...]


@dataclass(frozen=True)
class TableSpec:
    name: str
    label: str
    description: str
    columns: tuple[Col, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


CITY = Col("city", "TEXT", "城市", "台账所属城市（targets.yaml 的 city:；同名时加目录名）", not_null=True)
PROJECT_ID = Col("project_id", "TEXT", "项目编号", not_null=True)
OF_PROJECT = (ForeignKey(("city", "project_id"), "projects", ("city", "id")),)

CITIES = TableSpec(
    "cities",
    "城市（台账）",
    "每个 --data 台账一行",
    (
        CITY,
        Col("plan", "TEXT", "计划名称"),
        Col("path", "TEXT", "台账目录"),
        Col("position", "INTEGER", "顺序", "--data 的先后"),
        Col("projects", "INTEGER", "项目数", "计入报表的项目（文件无错误）"),
        Col("excluded_files", "INTEGER", "有错误未计入的文件数"),
        Col("commit", "TEXT", "台账提交", "台账目录所在 git 仓库的 HEAD；不是 git 仓库时为空"),
        Col("last_commit_on", "TEXT", "最后提交日期", "统计截至日及以前最后一次提交的日期"),
    ),
    primary_key=("city",),
)

DISTRICTS = TableSpec(
    "districts",
    "区县",
    "targets.yaml 的区县名录",
    (
        CITY,
        Col("name", "TEXT", "区县名称", not_null=True),
        Col("code", "TEXT", "行政区划代码"),
        Col("kind", "TEXT", "类别", "区、县、市或管委会"),
        Col("aliases", "TEXT", "别名", "以“、”分隔"),
        Col("position", "INTEGER", "顺序", "名录中的顺序，报表按它排序"),
    ),
    primary_key=("city", "name"),
    foreign_keys=(ForeignKey(("city",), "cities", ("city",)),),
)

SUPPLY_TYPES = TableSpec(
    "supply_types",
    "筹集方式",
    "criteria.yaml 的筹集方式",
    (
        CITY,
        Col("key", "TEXT", "筹集方式代码", not_null=True),
        Col("label", "TEXT", "筹集方式"),
        Col("short_label", "TEXT", "简称"),
        Col("start_milestone", "TEXT", "启动建设节点"),
        Col("delivered_milestone", "TEXT", "建成交付节点"),
        Col("position", "INTEGER", "顺序"),
    ),
    primary_key=("city", "key"),
    foreign_keys=(ForeignKey(("city",), "cities", ("city",)),),
)

PROJECTS = TableSpec(
    "projects",
    "项目",
    "每个项目一行（只含文件无错误的项目，与报表一致）",
    (
        CITY,
        Col("id", "TEXT", "项目编号", not_null=True),
        Col("name", "TEXT", "项目名称"),
        Col("district", "TEXT", "区县"),
        Col("district_code", "TEXT", "行政区划代码"),
        Col("supply_type", "TEXT", "筹集方式代码"),
        Col("supply_type_label", "TEXT", "筹集方式"),
        Col("plan_year", "INTEGER", "计划年度"),
        Col("units", "INTEGER", "套数"),
        Col("unit_kind", "TEXT", "计量单位", "套 或 间"),
        Col("small_units", "INTEGER", "其中≤70㎡套数"),
        Col("floor_area_m2", "REAL", "建筑面积（㎡）"),
        Col("tags", "TEXT", "标签", "以“、”分隔"),
        Col("owner", "TEXT", "建设主体"),
        Col("builder", "TEXT", "建设主体", "owner 的别名，两列相同（YAML 键为 owner）"),
        Col("operator", "TEXT", "运营单位"),
        Col("responsible_unit", "TEXT", "责任单位"),
        Col("responsible_person", "TEXT", "责任人"),
        Col("contact", "TEXT", "联系电话"),
        Col("address", "TEXT", "地址"),
        Col("certificate_no", "TEXT", "认定书编号"),
        Col("certificate_on", "TEXT", "认定日期"),
        Col("progress", "TEXT", "形象进度"),
        Col("start_planned", "TEXT", "启动节点计划日期"),
        Col("started_on", "TEXT", "启动建设日期", "启动节点的实际日期（不晚于统计截至日）"),
        Col("delivered_planned", "TEXT", "交付节点计划日期"),
        Col("delivered_on", "TEXT", "建成交付日期", "交付节点的实际日期（不晚于统计截至日）"),
        Col("status", "TEXT", "状态", "未启动、已启动、已交付"),
        Col("stage", "TEXT", "当前节点", "统计截至日已完成的最后一个节点"),
        Col("next_milestone", "TEXT", "下一节点"),
        Col("next_planned", "TEXT", "下一节点计划日期"),
        Col("overdue", "INTEGER", "是否逾期", "有逾期节点为 1"),
        Col("light", "TEXT", "项目灯", "bzf lights 的项目灯：red 红、yellow 黄、green 绿、done 已交付"),
        Col("light_label", "TEXT", "灯", "红、黄、绿、已交付"),
        Col("light_days_overdue", "INTEGER", "亮灯的逾期天数", "最久逾期节点的逾期天数（亮灯依据）"),
        Col("total_investment_wan", "REAL", "总投资（万元）"),
        Col("completed_investment_wan", "REAL", "累计完成投资（万元）"),
        Col("funding_planned_wan", "REAL", "资金计划（万元）", "各来源计划金额之和"),
        Col("funding_received_wan", "REAL", "资金到位（万元）", "各来源到位金额之和（截至统计日）"),
        Col("open_problems", "INTEGER", "未办结问题数"),
        Col("overdue_problems", "INTEGER", "超期问题数"),
        Col("updated", "TEXT", "更新日期"),
        Col("note", "TEXT", "备注"),
        Col("path", "TEXT", "文件", "相对台账目录的路径"),
    ),
    primary_key=("city", "id"),
    foreign_keys=(
        ForeignKey(("city", "district"), "districts", ("city", "name")),
        ForeignKey(("city", "supply_type"), "supply_types", ("city", "key")),
    ),
    indexes=(("city", "district"), ("supply_type",), ("plan_year",), ("status",)),
)

MILESTONES = TableSpec(
    "milestones",
    "节点",
    "项目文件列出的倒排工期节点，按标准顺序",
    (
        CITY,
        PROJECT_ID,
        Col("name", "TEXT", "节点", not_null=True),
        Col("position", "INTEGER", "顺序", "在筹集方式标准序列中的位置（0 起）"),
        Col("planned", "TEXT", "计划日期"),
        Col("actual", "TEXT", "实际日期", "统计截至日及以前的实际日期；之后的为空"),
        Col("done", "INTEGER", "是否完成"),
        Col("overdue", "INTEGER", "是否逾期", "计划日期早于统计截至日且未完成"),
        Col("days_overdue", "INTEGER", "逾期天数"),
        Col("days_late", "INTEGER", "晚于计划天数", "已完成但晚于计划的天数"),
        Col("later_done", "INTEGER", "后续节点已完成", "未完成而后续节点已完成：多为漏填实际日期"),
        Col("is_start", "INTEGER", "是启动建设节点"),
        Col("is_delivered", "INTEGER", "是建成交付节点"),
    ),
    primary_key=("city", "project_id", "name"),
    foreign_keys=OF_PROJECT,
    indexes=(("overdue",), ("name",)),
)

PROBLEMS = TableSpec(
    "problems",
    "问题",
    "问题清单：统计截至日及以前提出的问题",
    (
        CITY,
        PROJECT_ID,
        Col("id", "TEXT", "问题编号", not_null=True),
        Col("text", "TEXT", "问题描述"),
        Col("category", "TEXT", "问题类别"),
        Col("department", "TEXT", "责任部门"),
        Col("raised", "TEXT", "提出日期"),
        Col("deadline", "TEXT", "办结时限"),
        Col("closed", "TEXT", "办结日期", "统计截至日及以前的办结日期；之后的为空（仍未办结）"),
        Col("resolution", "TEXT", "办结情况"),
        Col("measures", "TEXT", "整改措施"),
        Col("person", "TEXT", "责任人", "负责整改的人"),
        Col("open", "INTEGER", "是否未办结"),
        Col("overdue", "INTEGER", "是否超期", "未办结且已过办结时限"),
        Col("days_open", "INTEGER", "已持续天数", "未办结问题自提出起的天数"),
        Col("days_overdue", "INTEGER", "超期天数"),
    ),
    primary_key=("city", "project_id", "id"),
    foreign_keys=OF_PROJECT,
    indexes=(("department",), ("open",)),
)

FUNDING = TableSpec(
    "funding",
    "资金来源",
    "每个项目每个资金来源一行",
    (
        CITY,
        PROJECT_ID,
        Col("position", "INTEGER", "顺序", not_null=True),
        Col("source", "TEXT", "资金来源"),
        Col("planned", "REAL", "计划金额（万元）"),
        Col("received", "REAL", "到位金额（万元）", "截至统计日；到位日期在统计日之后的计 0"),
        Col("received_on", "TEXT", "到位日期", "到位金额达到所填数额的日期；统计日之后为空"),
        Col("note", "TEXT", "说明"),
    ),
    primary_key=("city", "project_id", "position"),
    foreign_keys=OF_PROJECT,
    indexes=(("source",),),
)

OPERATIONS = TableSpec(
    "operations",
    "运营",
    "有运营数据的项目一行",
    (
        CITY,
        PROJECT_ID,
        Col("rent_yuan_m2", "REAL", "租金（元/㎡·月）"),
        Col("market_rent_yuan_m2", "REAL", "同地段市场租金（元/㎡·月）"),
        Col("rent_ratio", "REAL", "租金/市场租金"),
        Col("leased_units", "INTEGER", "已出租套数"),
        Col("occupancy", "REAL", "出租率", "已出租套数 / 套数"),
        Col("opened", "TEXT", "开始运营日期", "统计截至日以后的为空"),
        Col("admission", "TEXT", "面向对象"),
        Col("contact", "TEXT", "租赁咨询电话"),
    ),
    primary_key=("city", "project_id"),
    foreign_keys=OF_PROJECT,
)

TARGETS = TableSpec(
    "targets",
    "目标",
    "targets.yaml 的目标：区县年度目标每个指标一行，全市目标 district 为空",
    (
        CITY,
        Col("district", "TEXT", "区县", "全市目标为空"),
        Col("year", "INTEGER", "年度"),
        Col("metric", "TEXT", "指标", "started 启动建设 或 delivered 建成交付"),
        Col("units", "INTEGER", "目标套数"),
        Col("cumulative", "INTEGER", "是否累计", "全市目标：截至该年底的累计数为 1"),
        Col("tag", "TEXT", "项目标签", "全市目标只统计带此标签的项目"),
        Col("note", "TEXT", "说明"),
    ),
    foreign_keys=(ForeignKey(("city",), "cities", ("city",)),),
    indexes=(("city", "year", "metric"),),
)

ASSESSMENTS = TableSpec(
    "assessments",
    "月度自评",
    "assessments/<月份>/<区县>.yaml，统计截至日所在月份及以前（有错误的文件不计）",
    (
        CITY,
        Col("month", "TEXT", "月份", "YYYY-MM", not_null=True),
        Col("district", "TEXT", "区县", not_null=True),
        Col("items", "INTEGER", "自评项数"),
        Col("score", "REAL", "自评分合计"),
        Col("filled_by", "TEXT", "填报人"),
        Col("submitted", "TEXT", "填报日期"),
    ),
    primary_key=("city", "month", "district"),
    foreign_keys=(ForeignKey(("city", "district"), "districts", ("city", "name")),),
)

QUERIES = TableSpec(
    "queries",
    "命名查询",
    "criteria.yaml 的 queries:（bzf query @名称）",
    (CITY, Col("name", "TEXT", "名称", not_null=True), Col("sql", "TEXT", "SQL 语句")),
    primary_key=("city", "name"),
    foreign_keys=(ForeignKey(("city",), "cities", ("city",)),),
)

META = TableSpec(
    "meta",
    "说明",
    "键值：as_of 统计截至日、bzf_version、generated_at 生成时间、cities 城市数",
    (Col("key", "TEXT", "键", not_null=True), Col("value", "TEXT", "值")),
    primary_key=("key",),
)

COLUMNS = TableSpec(
    "columns",
    "列说明",
    "每个表和视图每一列的中文名称与说明",
    (
        Col("table_name", "TEXT", "表", not_null=True),
        Col("column_name", "TEXT", "列", not_null=True),
        Col("label", "TEXT", "中文名称"),
        Col("type", "TEXT", "类型"),
        Col("description", "TEXT", "说明"),
    ),
    primary_key=("table_name", "column_name"),
)

# in creation order: a table comes after the tables its foreign keys name
TABLES: tuple[TableSpec, ...] = (
    CITIES, DISTRICTS, SUPPLY_TYPES, PROJECTS, MILESTONES, PROBLEMS, FUNDING, OPERATIONS, TARGETS,
    ASSESSMENTS, QUERIES, META, COLUMNS,
)  # fmt: skip
TABLE_BY_NAME = {t.name: t for t in TABLES}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_table(table: TableSpec) -> str:
    parts = [f"{_quote(c.name)} {c.type}{' NOT NULL' if c.not_null else ''}" for c in table.columns]
    if table.primary_key:
        parts.append(f"PRIMARY KEY ({', '.join(_quote(c) for c in table.primary_key)})")
    for key in table.foreign_keys:
        parts.append(
            f"FOREIGN KEY ({', '.join(_quote(c) for c in key.columns)}) "
            f"REFERENCES {_quote(key.table)} ({', '.join(_quote(c) for c in key.references)})"
        )
    body = ",\n  ".join(parts)
    return f"CREATE TABLE {_quote(table.name)} (\n  {body}\n)"


def create_indexes(table: TableSpec) -> list[str]:
    return [
        f"CREATE INDEX {_quote('idx_' + table.name + '_' + '_'.join(cols))} "
        f"ON {_quote(table.name)} ({', '.join(_quote(c) for c in cols)})"
        for cols in table.indexes
    ]


def ddl() -> list[str]:
    statements: list[str] = []
    for table in TABLES:
        statements.append(create_table(table))
        statements.extend(create_indexes(table))
    return statements


def insert_sql(table: TableSpec) -> str:
    names = ", ".join(_quote(c) for c in table.column_names)
    marks = ", ".join("?" for _ in table.columns)
    return f"INSERT INTO {_quote(table.name)} ({names}) VALUES ({marks})"
