"""Generate a realistic N-project ledger for benchmarks, deterministically from a seed.

    python benchmarks/generate.py OUT_DIR --n 10000 --seed 1

Each project file looks like one an analyst keeps: ~90 lines, Chinese names and comments,
every supply type of ``data/criteria.yaml`` (with aliases now and then), milestones whose
planned and actual dates follow the standard sequence, problems, funding and operations.
``targets.yaml`` and ``criteria.yaml`` are copied from the repository's ``data/``, so every
generated ledger passes ``bzf check`` with no errors (a test pins this).
"""

from __future__ import annotations

import argparse
import random
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DATA = REPO / "data"
LEDGER_DAY = date(2025, 6, 30)  # no actual date is later, so `bzf check` has no future-date warnings
PLAN_YEARS = (2021, 2022, 2023, 2024, 2025)

ID_PREFIX = {
    "南明区": "NM", "云岩区": "YY", "花溪区": "HX", "乌当区": "WD", "白云区": "BY",
    "观山湖区": "GSH", "开阳县": "KY", "息烽县": "XF", "修文县": "XW", "清镇市": "QZ",
    "贵安新区": "GA", "贵阳经济技术开发区": "JK", "贵阳国家高新技术产业开发区": "GX",
    "贵阳综合保税区": "ZB", "双龙航空港经济区": "SL",
}  # fmt: skip
PLACES = [
    "金阳", "长岭", "碧海", "世纪城", "新天", "黔灵", "甲秀", "花果园", "小河", "中曹", "贵惠",
    "宝山", "龙洞堡", "百花", "麦架", "沙文", "金华", "朱昌", "湖潮", "马场", "党武", "青岩",
    "野鸭", "三桥", "头桥", "大营坡", "水口寺", "油榨街", "太慈桥", "二戈寨",
]  # fmt: skip
KINDS = ["人才公寓", "青年公寓", "新市民公寓", "保障性租赁住房项目", "蓝领公寓", "职工宿舍", "租赁社区"]
PHASES = ["", "", "", "一期", "二期", "三期"]
ROADS = ["路", "大道", "街", "巷"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞"]
COMPANIES = ["城市建设投资", "住房租赁", "安居置业", "产业发展", "保障房建设", "城镇开发"]
DEPARTMENTS = ["市住建局", "市自然资源和规划局", "市财政局", "市发展改革委", "区住建局", "区政府办"]
PROBLEMS = {
    "房源筹集": ["房源权属不清，归集协议未签订", "收购房源价格分歧较大", "配建房源面积不符合要求"],
    "建设手续": ["施工许可证办理滞后", "规划方案调整待审批", "消防设计审查未通过"],
    "资金来源": ["中央补助资金未到位", "银行贷款审批进度慢", "企业自筹资金不足"],
    "组织实施": ["施工单位进场晚于计划", "周边群众有异议需协调", "运营单位尚未确定"],
}
CHANGE_NOTES = [
    "更新形象进度", "补填节点实际日期", "新增问题清单事项", "更新资金到位情况", "调整计划日期（经专班同意）",
    "更正建筑面积", "补充认定书信息",
]  # fmt: skip
MILESTONE_NOTES = [
    "按计划完成", "受雨季影响顺延", "已报区住建局备案", "待补充材料", "已完成现场核查",
    "专班周调度跟进", "手续并联审批", "资料已归档",
]  # fmt: skip
RESOLUTIONS = ["已协调办结", "专题会议研究后解决", "已由责任部门限期整改完成", "资金已拨付到位"]
FUNDING_NOTES = ["按进度拨付", "分两批到位", "已纳入年度预算", "待省级资金下达", "贷款已审批"]
PROGRESS = ["前期手续办理中", "基础施工", "主体施工至{}层", "主体已封顶", "装饰装修", "已交付运营"]


def _pick(rng: random.Random, items: list[Any]) -> Any:
    return items[rng.randrange(len(items))]


def _person(rng: random.Random) -> str:
    return _pick(rng, list(SURNAMES)) + "".join(_pick(rng, GIVEN) for _ in range(rng.randint(1, 2)))


def _phone(rng: random.Random) -> str:
    return f"0851-{rng.randint(8000_0000, 8899_9999)}"


class ProjectWriter:
    """One project file as text, with the layout and comments people write by hand."""

    def __init__(self, rng: random.Random, criteria: dict[str, Any], districts: list[dict[str, Any]]) -> None:
        self.rng = rng
        self.types = criteria["supply_types"]
        self.categories = criteria.get("problem_categories") or list(PROBLEMS)
        self.funding_kinds = criteria.get("funding_kinds") or ["企业自筹"]
        self.districts = districts

    def project(self, index: int) -> tuple[str, str, str]:
        """Returns (district folder, project id, file text)."""
        rng = self.rng
        district = self.districts[index % len(self.districts)] if index < 15 else _pick(rng, self.districts)
        supply = self.types[index % len(self.types)] if index < 12 else _pick(rng, self.types)
        year = _pick(rng, list(PLAN_YEARS))
        prefix = ID_PREFIX.get(district["name"], f"D{self.districts.index(district):02d}")
        project_id = f"{prefix}-{year}-{index + 1:05d}"
        units = rng.choice([rng.randint(40, 300), rng.randint(300, 1500), rng.randint(1500, 4000)])
        place = _pick(rng, PLACES)
        name = f"{district['name']}{place}{_pick(rng, KINDS)}{_pick(rng, PHASES)}"
        # files name the district and supply type the way people do: mostly official, sometimes an alias
        district_as = (
            _pick(rng, district.get("aliases") or [district["name"]])
            if rng.random() < 0.2
            else district["name"]
        )
        type_as = (
            supply["key"] if rng.random() < 0.8 else _pick(rng, [supply["label"], *supply.get("aliases", [])])
        )
        reached = rng.randint(0, len(supply["milestones"]))
        lines = [
            f"# {name}（基准测试生成的示例数据，非官方记录）",
            f"# 筹集方式：{supply['label']}；{year} 年度计划；责任单位按属地管理",
            "",
            "# 基本信息",
            f"id: {project_id}",
            f"name: {name}",
            f"district: {district_as}",
            f"supply_type: {type_as}",
            f"units: {units}",
            f"unit_kind: {'间' if supply['key'] in ('university', 'conversion') and rng.random() < 0.5 else '套'}",
            f"plan_year: {year}",
            f"tags: [{'人才租赁住房' if rng.random() < 0.7 else '新市民'}{', 重点项目' if rng.random() < 0.2 else ''}]",
            "# 建设、运营与责任主体",
            f"owner: 贵阳市{place}{_pick(rng, COMPANIES)}有限公司",
            f"operator: 贵阳{_pick(rng, PLACES)}住房租赁有限公司",
            f"responsible_unit: {district['name']}人民政府" if district.get("kind") != "管委会"
            else f"responsible_unit: {district['name']}管委会",
            f"responsible_person: {_person(rng)}",
            f"contact: {_phone(rng)}",
            f"address: {district['name']}{place}{_pick(rng, ROADS)}{rng.randint(1, 399)}号",
            f"floor_area_m2: {units * rng.uniform(42, 68):.1f}",
            f"small_units: {units - rng.randint(0, units // 5)}   # 其中≤70㎡套数",
        ]  # fmt: skip
        start = date(year - 1, 1, 1) + timedelta(days=rng.randint(0, 540))
        if rng.random() < 0.7:
            lines += [
                "certificate:                      # 保障性租赁住房项目认定书",
                f"  no: 筑保租认〔{year}〕{rng.randint(1, 300)}号",
                f"  date: {start + timedelta(days=rng.randint(0, 60))}",
            ]
        stage = PROGRESS[min(reached, len(PROGRESS) - 1)].format(rng.randint(3, 30))
        lines += ["", "# 形象进度（每月更新）", f"progress: {stage}"]
        milestone_lines, delivered = self._milestones(supply, start, reached)
        lines += milestone_lines
        lines += self._problems(start)
        lines += self._funding(units)
        if delivered is not None:  # operations only once the last milestone is done
            lines += self._operations(units, delivered)
        lines.append(f"updated: {LEDGER_DAY - timedelta(days=rng.randint(0, 90))}")
        if rng.random() < 0.5:
            lines.append(
                f"note: {_pick(rng, ['按月更新形象进度', '纳入市级重点调度', '已列入年度考核', '配套设施同步建设'])}"
            )
        lines += ["", "# 变更记录"]
        for _ in range(rng.randint(2, 4)):
            day = LEDGER_DAY - timedelta(days=rng.randint(0, 400))
            lines.append(f"# {day} {_person(rng)}：{_pick(rng, CHANGE_NOTES)}")
        folder = f"{district['name']}/{year}"
        return folder, project_id, "\n".join(lines) + "\n"

    def _milestones(self, supply: dict[str, Any], start: date, reached: int) -> tuple[list[str], date | None]:
        """The milestone lines, and the actual date of the last milestone when every one is done."""
        rng = self.rng
        out = ["", "# 倒排工期节点：计划日期按标准工期倒排，实际日期按完成时间填写", "milestones:"]
        planned = start
        actual = start
        flow = rng.random() < 0.15  # some people write one milestone per line
        for i, spec in enumerate(supply["milestones"]):
            planned = planned + timedelta(days=spec.get("days", 0))
            name = (
                spec["name"] if rng.random() < 0.9 else _pick(rng, [spec["name"], *spec.get("aliases", [])])
            )
            done = None
            if i < reached:
                actual = max(actual, planned + timedelta(days=rng.randint(-10, 60)))
                done = actual if actual <= LEDGER_DAY else None
                if done is None:
                    reached = i  # not yet happened: later milestones are not done either
            if flow:
                item = f"  - {{name: {name}, planned: {planned}" + (f", actual: {done}" if done else "") + "}"
                out.append(item)
                continue
            out += [f"  - name: {name}", f"    planned: {planned}"]
            out.append(f"    actual: {done}" if done else "    actual: null")
            if rng.random() < 0.6:
                out.append(f"    note: {_pick(rng, MILESTONE_NOTES)}")
        return out, (actual if reached == len(supply["milestones"]) else None)

    def _problems(self, start: date) -> list[str]:
        rng = self.rng
        count = rng.choice([0, 1, 1, 2, 2, 3])
        if not count:
            return ["problems: []"]
        out = ["", "# 问题清单", "problems:"]
        for number in range(1, count + 1):
            category = _pick(rng, self.categories)
            raised = start + timedelta(days=rng.randint(10, 400))
            raised = min(raised, LEDGER_DAY - timedelta(days=30))
            due = raised + timedelta(days=rng.randint(15, 120))
            closed = raised + timedelta(days=rng.randint(5, 150))
            is_closed = rng.random() < 0.6 and closed <= LEDGER_DAY
            out += [
                f"  - id: P{number}",
                f"    text: {_pick(rng, PROBLEMS.get(category, PROBLEMS['组织实施']))}",
                f"    category: {category}",
                f"    department: {_pick(rng, DEPARTMENTS)}",
                f"    raised: {raised}",
                f"    due: {due}",
                f"    closed: {closed if is_closed else 'null'}",
                f"    resolution: {_pick(rng, RESOLUTIONS) if is_closed else 'null'}",
            ]
        return out

    def _funding(self, units: int) -> list[str]:
        rng = self.rng
        total = round(units * rng.uniform(8, 25), 2)
        out = [
            "",
            "funding:                          # 万元",
            f"  total_wan: {total}",
            f"  completed_wan: {round(total * rng.uniform(0, 1), 2)}",
            "  sources:",
        ]
        remaining = total
        kinds = rng.sample(self.funding_kinds, k=min(len(self.funding_kinds), rng.randint(2, 4)))
        for i, kind in enumerate(kinds):
            planned = round(remaining if i == len(kinds) - 1 else remaining * rng.uniform(0.2, 0.6), 2)
            remaining = round(remaining - planned, 2)
            out += [
                f"    - kind: {kind}",
                f"      planned_wan: {planned}",
                f"      received_wan: {round(planned * rng.uniform(0.3, 1), 2)}",
                f"      note: {_pick(rng, FUNDING_NOTES)}",
            ]
        return out

    def _operations(self, units: int, delivered: date) -> list[str]:
        rng = self.rng
        market = round(rng.uniform(18, 35), 1)
        return [
            "",
            "operations:                       # 交付后的运营情况",
            f"  rent_yuan_m2: {round(market * rng.uniform(0.6, 0.9), 1)}",
            f"  market_rent_yuan_m2: {market}",
            f"  leased_units: {rng.randint(0, units)}",
            f"  opened: {min(delivered + timedelta(days=rng.randint(7, 90)), LEDGER_DAY)}",
            "  admission: 新市民、青年人",
            f"  contact: {_phone(rng)}",
        ]


def generate(out: Path, n: int, seed: int = 0, source: Path = SAMPLE_DATA) -> Path:
    """Write an ``n``-project ledger into ``out`` (replacing its ``projects/``); returns ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    for name in ("targets.yaml", "criteria.yaml"):
        shutil.copyfile(source / name, out / name)
    criteria = yaml.safe_load((source / "criteria.yaml").read_text(encoding="utf-8"))
    targets = yaml.safe_load((source / "targets.yaml").read_text(encoding="utf-8"))
    projects = out / "projects"
    if projects.exists():
        shutil.rmtree(projects)
    writer = ProjectWriter(random.Random(seed), criteria, targets["districts"])
    for index in range(n):
        folder, project_id, text = writer.project(index)
        target = projects / folder
        target.mkdir(parents=True, exist_ok=True)
        (target / f"{project_id}.yaml").write_text(text, encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="ledger folder to write")
    parser.add_argument("--n", type=int, default=1000, help="number of projects")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.out, args.n, args.seed)
    print(f"{args.n} projects → {args.out}")


if __name__ == "__main__":
    main()
