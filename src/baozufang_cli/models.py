"""The ledger's file format v1 as pydantic models.

Models are strict (no silent coercion: ``units: 1200.0`` or ``name: 123`` are errors) and
forbid unknown keys so a typo never passes silently. Every field carries a Chinese
``title`` and ``description``: they feed error messages and the JSON Schema that editors
use for hover help. Dates are ``YYYY-MM-DD`` only (see ``parse_ledger_date``).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

# the range of ledger dates lives in facts/dates.py, which options.py reads without pydantic
from baozufang_cli.facts.dates import EARLIEST_DATE, LATEST_DATE

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # not \d: full-width ２０２４ gets the hint below

_OTHER_DATE = re.compile(r"\s*(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?\s*")


def parse_ledger_date(value: Any) -> Any:
    """Accept ``date`` objects and ``YYYY-MM-DD`` strings; reject everything else with a hint.

    Other spellings (``2024/3/5``, ``2024年3月5日``) are rejected, not guessed, with the
    exact ISO form in the hint: a ledger that many hands edit needs one spelling.
    """
    if isinstance(value, datetime):
        raise PydanticCustomError("bad-date", "应为日期，不含时间：{value}", {"value": str(value)})
    if isinstance(value, date):
        return _in_range(value)
    if isinstance(value, str):
        if _ISO_DATE.fullmatch(value):
            try:
                parsed = date.fromisoformat(value)
            except ValueError:
                raise PydanticCustomError("bad-date", "不存在的日期：{value}", {"value": value}) from None
            return _in_range(parsed)
        other = _OTHER_DATE.fullmatch(value)
        if other:
            year, month, day = (int(part) for part in other.groups())
            try:
                iso = date(year, month, day).isoformat()
            except ValueError:
                raise PydanticCustomError("bad-date", "不存在的日期：{value}", {"value": value}) from None
            raise PydanticCustomError(
                "bad-date", "日期格式应为 YYYY-MM-DD：{value}，请写成 {iso}", {"value": value, "iso": iso}
            )
        raise PydanticCustomError("bad-date", "不是日期：{value}（格式应为 YYYY-MM-DD）", {"value": value})
    if isinstance(value, int) and not isinstance(value, bool):
        raise _number_date(value)
    kind = {bool: "true/false", float: "数字", list: "列表", dict: "键值对"}.get(
        type(value), type(value).__name__
    )
    raise PydanticCustomError("bad-date", "应为日期（YYYY-MM-DD），实为{kind}", {"kind": kind})


_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year bug folded in)


def _number_date(value: int) -> PydanticCustomError:
    """A date typed as a number: 20250630, or the serial number of an Excel date cell (45838)."""
    text = str(value)
    try:
        if len(text) == 8:
            iso = date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
            return PydanticCustomError(
                "bad-date", "日期格式应为 YYYY-MM-DD：{value}，请写成 {iso}", {"value": value, "iso": iso}
            )
        serial = _EXCEL_EPOCH + timedelta(days=value)
        if EARLIEST_DATE <= serial <= LATEST_DATE:
            return PydanticCustomError(
                "bad-date",
                "像是 Excel 的日期序号：{value} 即 {iso}，请写成 {iso}",
                {"value": value, "iso": serial.isoformat()},
            )
    except (ValueError, OverflowError):
        pass
    return PydanticCustomError("bad-date", "应为日期（YYYY-MM-DD），实为数字 {value}", {"value": value})


def _in_range(value: date) -> date:
    if EARLIEST_DATE <= value <= LATEST_DATE:
        return value
    raise PydanticCustomError(
        "bad-date",
        "日期超出范围：{value}（应在 {earliest} 至 {latest} 之间）",
        {
            "value": value.isoformat(),
            "earliest": EARLIEST_DATE.isoformat(),
            "latest": LATEST_DATE.isoformat(),
        },
    )


def _not_blank(value: str) -> str:
    # "   " or a lone full-width space looks filled in but names nothing
    if value.isspace():
        raise PydanticCustomError("blank", "只有空格")
    return value


def _code_to_text(value: Any) -> Any:
    # GB/T 2260 codes are often typed unquoted (520115); they are identifiers, not numbers
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


LedgerDate = Annotated[date, BeforeValidator(parse_ledger_date)]
Text = Annotated[str, Field(min_length=1), AfterValidator(_not_blank)]
Money = Annotated[float, Field(ge=0, le=1e8)]  # 万元; 1e8 万元 = 1 万亿元 is absurd for one project
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"


class Model(BaseModel):
    # defer_build: validators are built on first use, so a warm run (projects rebuilt from the
    # cache without validation) never pays ~0.1 s to build them
    model_config = ConfigDict(extra="forbid", strict=True, validate_default=False, defer_build=True)


def f(title: str, description: str = "", **kwargs: Any) -> Any:
    """A field with its Chinese title and description."""
    return Field(title=title, description=description or title, **kwargs)


# ---------------------------------------------------------------- targets.yaml


class District(Model):
    name: Text = f("区县名称", "官方名称，例如 观山湖区")
    aliases: list[Text] = f("别名", "简称或常用名，例如 观山湖", default_factory=list)
    code: Annotated[str | None, BeforeValidator(_code_to_text)] = f(
        "行政区划代码", "GB/T 2260 代码，管委会可不填", default=None
    )
    kind: Literal["区", "县", "市", "管委会"] = f("类别", "区、县、市或管委会", default="区")


class CityTarget(Model):
    year: int = f("年度", "目标年度（截至该年底）", ge=2000, le=2100)
    metric: Literal["started", "delivered"] = f("指标", "started 启动建设 或 delivered 建成交付")
    units: int = f("目标套数", "套(间)", ge=0, le=10_000_000)
    cumulative: bool = f("是否累计", "true 表示截至该年底的累计数", default=True)
    tag: str | None = f("项目标签", "只统计带此标签的项目，例如 人才租赁住房", default=None)
    note: str | None = f("说明", default=None)


class DistrictTarget(Model):
    district: Text = f("区县", "区县官方名称或别名")
    year: int = f("年度", "计划年度（自然年）", ge=2000, le=2100)
    started: int = f("启动建设目标", "该年内启动建设的套(间)数", ge=0, le=10_000_000, default=0)
    delivered: int = f("建成交付目标", "该年内建成交付的套(间)数", ge=0, le=10_000_000, default=0)
    note: str | None = f("说明", default=None)


class ReportForm(Model):
    """The blanks of the government form printed on the meeting workbook (bzf export xlsx)."""

    unit: str | None = f("填报单位", "例如 贵阳市住房和城乡建设局", default=None)
    preparer: str | None = f("填表人", default=None)
    phone: str | None = f("联系电话", default=None)
    reviewer: str | None = f("审核人", default=None)
    leader: str | None = f("分管领导", default=None)


class Targets(Model):
    plan: Text = f("计划名称", "例如 贵阳市保障性租赁住房三年行动计划（2022—2024年）")
    city: Text = f("城市", "用于报表标题，例如 贵阳市", default="贵阳市")
    districts: list[District] = f("区县名录", "官方名称、别名、代码、类别", min_length=1)
    city_targets: list[CityTarget] = f("全市目标", default_factory=list)
    district_targets: list[DistrictTarget] = f("区县年度目标", default_factory=list)
    report: ReportForm | None = f(
        "报表填报信息", "导出台账表头的填报单位、填表人、联系电话、审核人、分管领导", default=None
    )


# ---------------------------------------------------------------- criteria.yaml


class MilestoneSpec(Model):
    name: Text = f("节点名称", "例如 开工")
    days: int = f("标准工期（天）", "距上一节点的常规天数，用于倒排工期", ge=0, le=3650, default=0)
    aliases: list[Text] = f("别名", default_factory=list)
    description: str | None = f("节点标准", "达到该节点的标准", default=None)


class SupplyType(Model):
    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")] = f("筹集方式代码", "例如 new_build")
    label: Text = f("筹集方式", "例如 新建")
    aliases: list[Text] = f("别名", default_factory=list)
    start_milestone: Text = f("启动建设节点", "达到该节点即算启动建设")
    delivered_milestone: Text = f("建成交付节点", "达到该节点即算建成交付")
    start_standard: str = f("启动建设标准", "文字说明", default="")
    delivered_standard: str = f("建成交付标准", "文字说明", default="")
    milestones: list[MilestoneSpec] = f("标准节点序列", "按先后顺序；days 为距上一节点的天数", min_length=1)


class Settings(Model):
    """Thresholds a city may tune; each has a default, so the whole section is optional."""

    rent_ceiling_ratio: float = f(
        "租金上限（市场租金的倍数）",
        "租金须低于同地段市场租金 × 此值，否则 bzf check 警告 rent-ceiling；默认 1，即低于市场租金",
        gt=0,
        le=2,
        default=1.0,
    )
    rent_flag_ratio: float = f(
        "租金预警线（市场租金的倍数）",
        "租金达到市场租金 × 此值时 bzf operations 标记；默认 0.9",
        gt=0,
        le=2,
        default=0.9,
    )
    operations_grace_days: int = f(
        "运营数据宽限天数",
        "交付满此天数仍无运营数据的项目由 bzf operations 标记；默认 90",
        ge=0,
        le=3650,
        default=90,
    )


class Lights(Model):
    """红黄绿灯 thresholds (bzf lights, gap, the periodic report); each has a default."""

    yellow_points: float = f(
        "黄灯（落后序时进度百分点）",
        "区县完成率落后序时进度超过此百分点数为黄灯；默认 10",
        ge=0,
        le=100,
        default=10.0,
    )
    red_points: float = f(
        "红灯（落后序时进度百分点）", "落后超过此百分点数为红灯；默认 30", ge=0, le=100, default=30.0
    )
    yellow_days: int = f(
        "黄灯（项目逾期天数）", "未交付项目最久逾期节点超过此天数为黄灯；默认 0", ge=0, le=3650, default=0
    )
    red_days: int = f("红灯（项目逾期天数）", "超过此天数为红灯；默认 30", ge=0, le=3650, default=30)


DEFAULT_PROBLEM_CATEGORIES = ["房源筹集", "建设手续", "资金来源", "组织实施"]
DEFAULT_FUNDING_KINDS = [
    "中央补助资金",
    "省级补助资金",
    "地方财政资金",
    "地方政府专项债券",
    "银行贷款",
    "保险资金",
    "企业自筹",
    "股份合作",
    "住房公积金",
    "REITs",
    "其他",
]


# ---------------------------------------------------------------- criteria.yaml: evaluation (监测评价)

MetricName = Literal[
    "start_rate", "delivery_rate", "milestones_on_time", "problems_closed_on_time", "ledger_complete",
    "certificate_rate", "small_unit_share", "rent_below_market", "occupancy", "plan_coverage", "admission_set",
]  # fmt: skip
RuleName = Literal["linear", "threshold", "deduct_per"]


class AutoScoring(Model):
    metric: MetricName = f("指标", "bzf 按台账计算的指标，见 docs/commands/score.md")
    rule: RuleName = f("计分规则", "linear 按比例、threshold 达标得满分、deduct_per 按不达标项目扣分")
    threshold: float = f("达标值", "0–1 的比率，默认 1（100%）", gt=0, le=1, default=1.0)
    k: float = f(
        "每个不达标项目扣分", "deduct_per 规则：每个不达标项目扣 k 分，扣完为止", gt=0, le=100, default=1.0
    )
    supply_types: list[Text] | None = f(
        "须取得认定书的筹集方式", "certificate_rate 指标用，默认 conversion、university", default=None
    )
    fields: list[Text] | None = f(
        "台账必填字段", "ledger_complete 指标用，默认见 docs/commands/score.md", default=None
    )


class ManualScoring(Model):
    evidence: list[Text] = f("所需印证材料", "材料种类，例如 会议纪要、现场照片", default_factory=list)
    ledger_check: AutoScoring | None = f(
        "台账核对", "内容相同的台账指标：自评分高于它支持的分数时标记", default=None
    )


class EvaluationItem(Model):
    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")] = f("评价项代码", "例如 start_rate")
    label: Text = f("评价项名称", "例如 启动建设完成率")
    group: Text = f("评价分组", "例如 目标任务")
    points: float = f("分值", gt=0, le=100)
    auto: AutoScoring | None = f("自动计分", "按台账指标计分", default=None)
    manual: ManualScoring | None = f("自评计分", "由区县在自评文件中打分", default=None)
    not_applicable: Literal["exclude", "full", "zero"] = f(
        "不适用时", "exclude 不计入并按比例折算（默认）、full 得满分、zero 得 0 分", default="exclude"
    )
    description: str | None = f("评分标准", "文字说明", default=None)


class Criteria(Model):
    supply_types: list[SupplyType] = f("筹集方式", "六类筹集方式及其节点与标准", min_length=1)
    problem_categories: list[Text] = f(
        "问题类别", "问题清单的类别", default_factory=lambda: list(DEFAULT_PROBLEM_CATEGORIES)
    )
    settings: Settings = f("参数", "租金上限、运营数据宽限期等阈值", default_factory=Settings)
    lights: Lights = f("红黄绿灯", "区县落后序时进度、项目逾期天数的黄灯与红灯阈值", default_factory=Lights)
    funding_kinds: list[Text] = f(
        "资金来源类别", "funding.sources[].kind 的取值", default_factory=lambda: list(DEFAULT_FUNDING_KINDS)
    )
    evaluation: list[EvaluationItem] = f(
        "测评细则", "月度测评打分项（bzf score），见 docs/commands/score.md", default_factory=list
    )
    queries: dict[Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-\u4e00-\u9fff]+$")], Text] = f(
        "命名查询",
        "名称 → 一条 SQL 语句，用 bzf query @名称 运行（docs/commands/query.md）",
        default_factory=dict,
    )


# ---------------------------------------------------------------- projects/**/*.yaml


class Milestone(Model):
    name: Text = f("节点", "筹集方式标准序列中的节点名称或别名")
    planned: LedgerDate | None = f("计划日期", "倒排工期的计划完成日期 YYYY-MM-DD", default=None)
    actual: LedgerDate | None = f("实际日期", "实际完成日期 YYYY-MM-DD；未完成留空", default=None)
    note: str | None = f("备注", default=None)


class Problem(Model):
    id: Annotated[str, Field(pattern=ID_PATTERN)] = f("问题编号", "项目内唯一，例如 P1")
    text: Text = f("问题描述")
    category: Text = f("问题类别", "房源筹集、建设手续、资金来源、组织实施")
    department: Text = f("责任部门", "例如 市住建局")
    raised: LedgerDate = f("提出日期")
    due: LedgerDate | None = f("办结时限", default=None)
    closed: LedgerDate | None = f("办结日期", "未办结留空", default=None)
    resolution: str | None = f("办结情况", default=None)
    measures: str | None = f("整改措施", "解决问题的具体措施", default=None)
    person: str | None = f("责任人", "负责整改的人", default=None)


class Certificate(Model):
    no: Text = f("认定书编号", "保障性租赁住房项目认定书编号")
    date: LedgerDate | None = f("认定日期", default=None)


class FundingSource(Model):
    kind: Text = f("资金来源", "中央补助资金、银行贷款、保险资金、企业自筹等")
    planned_wan: Money = f("计划金额（万元）", default=0.0)
    received_wan: Money = f("到位金额（万元）", default=0.0)
    received_on: LedgerDate | None = f("到位日期", "到位金额达到所填数额的日期（最近一笔到位）", default=None)
    note: str | None = f("说明", "到位超过计划等情况的说明", default=None)


class Funding(Model):
    total_wan: Money = f("总投资（万元）")
    completed_wan: Money | None = f("累计完成投资（万元）", default=None)
    sources: list[FundingSource] = f("资金来源与到位", default_factory=list)


class Operations(Model):
    rent_yuan_m2: float | None = f("租金（元/㎡·月）", ge=0, le=1000, default=None)
    market_rent_yuan_m2: float | None = f(
        "同地段市场租金（元/㎡·月）", "须大于 0", gt=0, le=1000, default=None
    )
    leased_units: int | None = f("已出租套数", ge=0, le=1_000_000, default=None)
    opened: LedgerDate | None = f("开始运营日期", default=None)
    admission: str | None = f("面向对象", "准入对象，例如 新市民、青年人", default=None)
    contact: str | None = f("租赁咨询电话", default=None)


class Project(Model):
    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=64)] = f(
        "项目编号", "字母、数字、-、_，须与文件名相同，全台账唯一"
    )
    name: Text = f("项目名称")
    district: Text = f("所在区县", "官方名称或别名")
    supply_type: Text = f("筹集方式", "代码、名称或别名，例如 new_build / 新建")
    units: int = f("套数", "套(间)，大于 0 的整数", gt=0, le=100_000)
    unit_kind: Literal["套", "间"] = f("计量单位", "套 或 间", default="套")
    plan_year: int = f("计划年度", "项目所属的年度计划", ge=2000, le=2100)
    tags: list[Text] = f("标签", "例如 人才租赁住房", default_factory=list)
    owner: str | None = f("建设主体", default=None)
    operator: str | None = f("运营单位", default=None)
    responsible_unit: str | None = f("责任单位", default=None)
    responsible_person: str | None = f("责任人", default=None)
    contact_person: str | None = f("联系人", "项目联系人姓名", default=None)
    contact: str | None = f("联系电话", default=None)
    address: str | None = f("地址", default=None)
    floor_area_m2: float | None = f("建筑面积（㎡）", gt=0, le=10_000_000, default=None)
    small_units: int | None = f("其中≤70㎡套数", ge=0, le=100_000, default=None)
    certificate: Certificate | None = f("项目认定书", default=None)
    progress: str | None = f("形象进度", default=None)
    milestones: list[Milestone] = f("倒排工期节点", "计划与实际日期", default_factory=list)
    problems: list[Problem] = f("问题清单", default_factory=list)
    funding: Funding | None = f("资金", default=None)
    operations: Operations | None = f("运营", "交付后的租金、出租情况", default=None)
    updated: LedgerDate | None = f("更新日期", default=None)
    note: str | None = f("备注", default=None)

    def milestone(self, name: str) -> Milestone | None:
        for milestone in self.milestones:
            if milestone.name == name:
                return milestone
        return None


# ---------------------------------------------------------------- assessments/<YYYY-MM>/<区县>.yaml


class Evidence(Model):
    title: Text = f("材料名称", "例如 6月调度会会议纪要")
    file: Text = f("材料文件", "相对台账目录的路径，例如 evidence/2024-06/观山湖区/会议纪要.pdf")
    kind: str | None = f("材料种类", "测评细则要求的材料种类，例如 会议纪要", default=None)


class Claim(Model):
    score: float = f("自评分", ge=0, le=100)
    explanation: str = f("自评说明", "简要说明得分理由", default="")
    evidence: list[Evidence] = f("印证材料", default_factory=list)


class Assessment(Model):
    items: dict[str, Claim] = f("自评项", "评价项代码 → 自评分、说明、印证材料")
    filled_by: str | None = f("填报人", default=None)
    submitted: LedgerDate | None = f("填报日期", default=None)
    note: str | None = f("备注", default=None)


def field_titles() -> dict[str, str]:
    """YAML key → Chinese title, across every model (for error messages)."""
    titles: dict[str, str] = {}
    # project models last so their titles win where keys are shared (e.g. "name")
    models: tuple[type[BaseModel], ...] = (
        EvaluationItem, AutoScoring, ManualScoring, Evidence, Claim, Assessment,  # shared keys: the rest win
        District, CityTarget, DistrictTarget, ReportForm, Targets, MilestoneSpec, SupplyType, Settings, Lights,
        Criteria,
        Milestone, Problem, Certificate, FundingSource, Funding, Operations, Project,
    )  # fmt: skip
    for model in models:
        titles.update({k: v.title or k for k, v in model.model_fields.items()})
    return titles
