"""bzf diff and bzf log over a git history full of hostile versions of one project file.

The history is read from git objects, not from disk: every blob goes through the same read
path as a file (encodings, aliases, size limit, control characters), and names and links
that git stores as bytes must not break the walk.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import make_ledger, run
from tests.history.test_diff import commit, git
from tests.hostile_files import VALID

pytestmark = pytest.mark.skipif(os.name != "posix", reason="symlinks and byte file names")

LAUGHS = "a: &a [哈, 哈, 哈]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n"
VERSIONS: list[tuple[str, bytes]] = [
    ("GBK 编码", VALID.encode("gbk")),
    ("别名炸弹", (VALID + LAUGHS).encode()),
    ("3 MB", (VALID + "note: " + "x" * (3 * 1024 * 1024) + "\n").encode()),
    ("空字符和控制字符", VALID.replace("测试项目", "测试\x00\x1b项目").encode()),
    ("UTF-16", VALID.encode("utf-16")),
    (
        "合并冲突",
        VALID.replace("units: 100\n", "<<<<<<< HEAD\nunits: 100\n=======\nunits: 1\n>>>>>>> x\n").encode(),
    ),
    ("空文件", b""),
    ("列表", b"- 1\n- 2\n"),
    ("恢复", VALID.replace("units: 100", "units: 120").encode()),
]


@pytest.fixture
def hostile_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    root = make_ledger(repo / "ledger", "base")
    git(repo, "init", "-q", "-b", "main")
    project = root / "projects" / "A-1.yaml"
    project.write_text(VALID, encoding="utf-8")
    commit(repo, "有效的项目", "张三", "2024-06-01T10:00:00+08:00")
    for day, (message, raw) in enumerate(VERSIONS, 2):
        project.write_bytes(raw)
        commit(repo, message, "李四", f"2024-06-{day:02d}T10:00:00+08:00")
    # a link that git stores as a blob holding "../../../etc/passwd", and a GBK file name
    (root / "projects" / "B-1.yaml").symlink_to("../../../etc/passwd")
    (root / "projects" / os.fsdecode("观-1.yaml".encode("gbk"))).write_text(VALID, encoding="utf-8")
    (root / "targets.yaml").write_text("plan: x\n\tdistricts: []\n", encoding="utf-8")
    commit(repo, "符号链接、GBK 文件名、坏的 targets.yaml", "王五", "2024-06-20T10:00:00+08:00")
    project.write_bytes(VALID.encode("gbk"))  # an uncommitted hostile change in the worktree
    return root


@pytest.mark.parametrize(
    "command",
    [
        ("diff",),
        ("diff", "HEAD~10", "HEAD"),
        ("diff", "HEAD~10"),
        ("diff", "--since", "2024-06-05"),
        ("log", "A-1"),
        ("log", "B-1"),
    ],
)
@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_diff_and_log_walk_a_hostile_history(hostile_repo: Path, command: tuple[str, ...], fmt: str) -> None:
    result = run(*command, "--data", hostile_repo, "-f", fmt)
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "内部错误" not in output, output[-3000:]
    assert result.exit_code in (0, 1), output[-3000:]
