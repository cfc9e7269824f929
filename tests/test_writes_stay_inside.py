"""bzf writes inside the ledger and its cache dir only, whatever symbolic links the ledger holds.

A ledger is a folder many people copy, unzip and clone; a link in it (``.bzf-cache`` → ``/etc``,
a dangling ``.gitignore`` link, a district folder linked elsewhere) must never make bzf write
outside. ``-o`` targets may be anywhere the user names: they are not links the ledger planted.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from baozufang_cli import files
from tests.conftest import SAMPLE, make_ledger, run


def _ledger(tmp_path: Path) -> Path:
    root = make_ledger(tmp_path / "ledger", SAMPLE)
    shutil.rmtree(root / ".bzf-cache", ignore_errors=True)  # a cache left in data/ by a local run
    return root


pytestmark = pytest.mark.skipif(os.name != "posix", reason="symbolic links")


@pytest.fixture
def user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The real cache-dir choice (no BZF_CACHE_DIR), with the user cache dir in tmp_path."""
    monkeypatch.delenv("BZF_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "bzf"


def _everything(folder: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None for p in folder.rglob("*")}


def _outside(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_text("不能被改动\n", encoding="utf-8")
    return outside


def test_a_symlinked_cache_folder_is_refused_with_a_warning(tmp_path: Path, user_cache: Path) -> None:
    root = _ledger(tmp_path)
    outside = _outside(tmp_path)
    before = _everything(outside)
    (root / ".bzf-cache").symlink_to(outside, target_is_directory=True)
    status = run("status", "--data", root, "--as-of", "2024-06-30")
    assert status.exit_code in (0, 1), status.stderr
    check = run("check", "--data", root, "--as-of", "2024-06-30")
    assert "cache-refused" in check.stdout + check.stderr
    assert _everything(outside) == before
    assert any(user_cache.rglob("shard-*")) or any(user_cache.rglob("*")), "fell back to the user cache dir"


def test_a_symlinked_cache_folder_pointing_nowhere_is_not_created(tmp_path: Path, user_cache: Path) -> None:
    root = _ledger(tmp_path)
    (root / ".bzf-cache").symlink_to(tmp_path / "not-yet", target_is_directory=True)
    assert run("status", "--data", root, "--as-of", "2024-06-30").exit_code in (0, 1)
    assert not (tmp_path / "not-yet").exists()


@pytest.mark.parametrize("name", [".gitignore", "shard-00.bin", "projects-00.bin"])
def test_a_link_inside_the_cache_folder_is_never_written_through(
    tmp_path: Path, user_cache: Path, name: str
) -> None:
    root = _ledger(tmp_path)
    outside = _outside(tmp_path)
    cache = root / ".bzf-cache"
    cache.mkdir()
    (cache / name).symlink_to(outside / "planted")  # dangling: a write would create it outside
    (cache / "x.lnk").symlink_to(outside / "precious.txt")
    before = _everything(outside)
    for _ in range(2):
        assert run("status", "--data", root, "--as-of", "2024-06-30").exit_code in (0, 1)
    assert _everything(outside) == before
    assert (cache / name).is_symlink()  # not replaced either: the folder is left alone


def test_new_refuses_a_district_folder_linked_out_of_the_ledger(tmp_path: Path) -> None:
    root = _ledger(tmp_path)
    outside = _outside(tmp_path)
    before = _everything(outside)
    district = root / "projects" / "观山湖"
    if district.exists():
        for child in sorted(district.rglob("*"), reverse=True):
            child.unlink() if not child.is_dir() else child.rmdir()
        district.rmdir()
    district.symlink_to(outside, target_is_directory=True)
    result = run("new", "-d", "观山湖区", "-t", "new_build", "--name", "新项目", "--units", "10",
                 "--deliver-by", "2026-06-30", "--as-of", "2024-06-30", "--data", root)  # fmt: skip
    assert result.exit_code in (2, 3), result.stdout + result.stderr
    assert "内部错误" not in result.stderr
    assert _everything(outside) == before


def test_init_keeps_a_linked_gitignore_and_never_writes_through_it(tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    folder = tmp_path / "new-ledger"
    folder.mkdir()
    (folder / ".gitignore").symlink_to(outside / "precious.txt")
    (folder / ".vscode").symlink_to(outside, target_is_directory=True)
    before = _everything(outside)
    result = run("init", folder)
    assert result.exit_code in (0, 3), result.stderr
    assert "内部错误" not in result.stderr
    assert _everything(outside) == before


def test_atomic_write_refuses_paths_leaving_the_folder(tmp_path: Path) -> None:
    inside = tmp_path / "ledger"
    inside.mkdir()
    outside = _outside(tmp_path)
    (inside / "link").symlink_to(outside, target_is_directory=True)
    (inside / "file-link").symlink_to(outside / "precious.txt")
    for path in (inside / "link" / "x.yaml", inside / "file-link", inside / "link" / "precious.txt"):
        with pytest.raises(files.Outside):
            files.atomic_write(path, b"x", inside=inside)
    files.atomic_write(inside / "ok.yaml", b"ok", inside=inside)
    assert (inside / "ok.yaml").read_bytes() == b"ok"
    assert (outside / "precious.txt").read_text(encoding="utf-8") == "不能被改动\n"
    assert sorted(p.name for p in outside.iterdir()) == ["precious.txt"]


def test_output_files_may_be_anywhere_the_user_names(tmp_path: Path) -> None:
    root = _ledger(tmp_path)
    elsewhere = tmp_path / "reports"
    elsewhere.mkdir()
    (root / "out").symlink_to(elsewhere, target_is_directory=True)
    result = run("status", "--data", root, "--as-of", "2024-06-30", "-f", "csv", "-o", root / "out" / "s.csv")
    assert result.exit_code in (0, 1), result.stderr
    assert (elsewhere / "s.csv").exists()
