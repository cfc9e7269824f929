"""What ``bzf``, ``bzf --help`` and ``bzf --version`` need: the command names and their one-line help.

Listing the commands through the full app imports every command module and turns each into a
click command with all its options (~60 ms). These lines print the same list from this table
instead: each command's name, its ``SHORT_HELP`` (or, without one, the first paragraph of its
``HELP``, which is what Typer shortens), in the order ``app.py`` registers them.
tests/cli/test_command_index.py fails when the table and the commands differ, and prints the
table to paste here.
"""

from __future__ import annotations

from typing import NoReturn

import typer

from baozufang_cli.cli import zh
from baozufang_cli.cli.root import exit_status, leave, new_app

# (name, short help, first paragraph of the help when there is no short help), as --help lists them
COMMANDS: tuple[tuple[str, str | None, str | None], ...] = (
    ("check", None, "检查台账：逐个文件校验格式与规则，列出全部问题（有错误时退出码为 1）"),
    (
        "status",
        None,
        "项目进度汇总：按区县、计划年度或筹集方式统计项目数、套数、已启动与已交付套数；--data 写多次时为全省汇总（每个台账一个城市）",
    ),
    ("gap", "目标缺口：区县与全市目标的启动、交付完成数、缺口和预计缺口", None),
    ("lights", "红黄绿灯：区县完成率对照序时进度，项目按最久逾期节点亮灯", None),
    ("forecast", "年底预计：按台账中已完成项目的拖期推算各区县年底能完成多少", None),
    ("overdue", "逾期节点：计划日期已过仍未完成的节点，按逾期天数排序", None),
    ("duties", "责任清单：按责任单位列出逾期与将到期的节点、问题和红灯项目；--split 生成督办单", None),
    ("problems", "问题清单：未办结、逾期和近期办结的问题，按责任部门汇总", None),
    ("ledger", "项目台账：每个项目一行，含启动/交付日期、当前与下一节点、状态", None),
    ("show", "一个项目的卡片：基本情况、节点、问题、资金、运营、最近提交、检查结果", None),
    ("funding", "资金筹措与到位：总投资、计划与到位资金、资金缺口、中央补助资金", None),
    ("operations", "运营情况：出租率、租金与市场租金之比、≤70㎡占比，标记缺数据的项目", None),
    ("listings", "可租房源：已交付且有空置的项目，供租赁平台发布（json/csv）", None),
    ("report", "定期报告：week 周调度、month 月督导、quarter 季评估、year 年考核", None),
    ("score", "月度测评评分：自动计分、核查自评与材料，扣分明细、责任单位与排名", None),
    ("diff", "台账改动：两个 git 版本之间新增、删除的项目和每个改动的字段，注明提交、作者、日期", None),
    (
        "export",
        "导出会议用台账：Excel 工作簿（汇总、项目台账、逾期节点、问题清单……）、CSV、SQLite，或给领导看的简报（HTML、PDF）",
        None,
    ),
    ("slip", "基线对比：节点计划日期与基线（git 中最初的计划）相比推迟了多少天", None),
    ("import", "导入 Excel 台账：每行一个项目，新建或更新项目文件（全部成功才写入）", None),
    ("log", "项目改动记录：一个项目的每次提交、作者、日期和改动的字段", None),
    ("query", "用 SQL 查询台账（只读）：项目、节点、问题、资金、运营、目标等表", None),
    ("new", "新建项目文件：节点计划日期按标准工期从交付日期倒排，自动编号", None),
    ("set", "修改项目的一处内容（节点日期、套数、责任单位……），其余原样不变", None),
    ("fmt", "统一项目文件格式（键顺序、日期、缩进），--check 只检查", None),
    ("init", "新建台账（城市、区县名录、git、pre-commit）", None),
    ("schema", "生成 JSON Schema，供编辑器悬停提示、边写边查错", None),
    ("problem", "问题清单：添加（add）、办结（close）问题", None),
)
# the report commands (a module in commands/ with ``compute``, named as the command): a line for one
# of them that ``lean_params`` parses imports that module only (``app._lean_command``)
REPORT_COMMANDS = frozenset(
    ("duties", "forecast", "funding", "gap", "ledger", "lights", "listings", "operations", "overdue",
     "problems", "report", "score", "show", "slip", "status")
)  # fmt: skip
# what the index answers by itself; anything else (a command, a typo, completion) goes to app.py
LINES: tuple[list[str], ...] = ([], ["--help"], ["-h"], ["--version"], ["-V"])


def index_app() -> typer.Typer:
    """The app with every command as a stub that has only its help texts: ``--help`` lists
    the same commands, byte for byte, without importing them."""
    app = new_app()
    for name, short_help, help_text in COMMANDS:
        app.command(name, short_help=short_help, help=help_text)(_stub)
    return app


def _stub() -> None:  # never run: a command line naming a command goes to the full app
    raise AssertionError("command_index: a stub command ran")


def run() -> NoReturn:
    """``bzf``, ``bzf --help`` or ``bzf --version``: what the full app prints, from the index."""
    zh.install()
    try:
        index_app()()
        status = 0
    except SystemExit as done:
        status = exit_status(done.code)
    leave(status)
