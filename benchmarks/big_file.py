"""A ledger with one big project file: one project carrying N problems (issue 15, "big files stay fast").

    python benchmarks/big_file.py OUT_DIR --problems 10000

``targets.yaml`` and ``criteria.yaml`` come from the repository's ``data/``; ``projects/BIG-1.yaml``
is a valid project whose problem list has N entries, half of them closed, one per line in flow
style as ``bzf problem add`` writes them (10,000 problems ≈ 1.6 MB, under the 2 MB file limit).
The benchmark (``run.py``) times ``bzf fmt --check``, ``bzf set`` and ``bzf problems`` on it
against parsing that one file.
"""

from __future__ import annotations

import argparse
import random
import shutil
from datetime import date, timedelta
from pathlib import Path

from generate import DEPARTMENTS, PROBLEMS, RESOLUTIONS, SAMPLE_DATA

FILE = "projects/BIG-1.yaml"


def generate_big_file(root: Path, problems: int, seed: int = 1) -> Path:
    rng = random.Random(seed)
    shutil.rmtree(root, ignore_errors=True)
    (root / "projects").mkdir(parents=True)
    for name in ("targets.yaml", "criteria.yaml"):
        shutil.copyfile(SAMPLE_DATA / name, root / name)
    lines = [
        "# 基准测试：一个项目、很多问题（问题清单多年未清理的情形）",
        "id: BIG-1",
        "name: 观山湖区大型租赁社区",
        "district: 观山湖区",
        "supply_type: new_build",
        "units: 3000",
        "plan_year: 2024",
        "milestones:",
        "  - {name: 立项, planned: 2022-01-10, actual: 2022-01-10}",
        "  - {name: 施工许可, planned: 2022-04-10, actual: 2022-04-20}",
        "  - {name: 开工, planned: 2022-05-10, actual: 2022-05-15}",
        "  - {name: 主体封顶, planned: 2023-03-06}",
        "  - {name: 竣工验收, planned: 2023-09-02}",
        "  - {name: 交付使用, planned: 2023-10-02}",
        "problems:",
    ]
    first = date(2021, 1, 1)
    categories = list(PROBLEMS)
    for i in range(1, problems + 1):
        category = rng.choice(categories)
        raised = first + timedelta(days=rng.randrange(1600))
        due = raised + timedelta(days=rng.randrange(10, 120))
        item = (
            f"  - {{id: P{i}, text: {rng.choice(PROBLEMS[category])}, category: {category}, "
            f"department: {rng.choice(DEPARTMENTS)}, raised: {raised}, due: {due}"
        )
        if i % 2 == 0 and due < date(2025, 6, 30):
            item += f", closed: {due}, resolution: {rng.choice(RESOLUTIONS)}"
        lines.append(item + "}")
    path = root / FILE
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--problems", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    path = generate_big_file(args.out, args.problems, args.seed)
    print(f"{path}: {path.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
