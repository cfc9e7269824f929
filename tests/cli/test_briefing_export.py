"""``bzf export pdf`` finds a browser or says which package to install; failures are one Chinese line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import SAMPLE, run


def pdf(tmp_path: Path, *args: str) -> tuple[int, str]:
    result = run(
        "export", "pdf", "--data", SAMPLE, "--as-of", "2024-06-30", "-o", tmp_path / "简报.pdf", *args
    )
    return result.exit_code, result.stderr


def test_no_browser_is_a_clear_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("BZF_CHROMIUM", raising=False)
    code, stderr = pdf(tmp_path)
    assert code == 2
    assert stderr.startswith("bzf：找不到 Chromium") and "chromium" in stderr and "apt-get install" in stderr
    assert "Traceback" not in stderr and not (tmp_path / "简报.pdf").exists()


def test_bzf_chromium_that_does_not_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BZF_CHROMIUM", str(tmp_path / "no-such-browser"))
    code, stderr = pdf(tmp_path)
    assert code == 2 and "BZF_CHROMIUM" in stderr


def test_a_browser_that_fails_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "fake-chromium"
    fake.write_text("#!/bin/sh\necho 'boom: cannot print' >&2\nexit 3\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("BZF_CHROMIUM", str(fake))
    (tmp_path / "简报.pdf").write_bytes(b"old")
    code, stderr = pdf(tmp_path)
    assert code == 3 and "Chromium 未能打印 PDF：boom: cannot print" in stderr
    assert (tmp_path / "简报.pdf").read_bytes() == b"old"


def test_missing_output_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "fake-chromium"
    fake.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("BZF_CHROMIUM", str(fake))
    result = run("export", "pdf", "--data", SAMPLE, "-o", tmp_path / "nope" / "简报.pdf")
    assert result.exit_code == 2 and "不存在" in result.stderr


def test_html_to_a_missing_folder(tmp_path: Path) -> None:
    result = run("export", "html", "--data", SAMPLE, "-o", tmp_path / "nope" / "简报.html")
    assert result.exit_code == 2 and result.stderr.startswith("bzf：")


@pytest.mark.skipif(os.name != "posix", reason="folder_state needs git")
def test_folder_state_outside_and_inside_git(tmp_path: Path) -> None:
    import subprocess

    from baozufang_cli.history.git import FolderState, folder_state

    assert folder_state(tmp_path) is None
    subprocess.run(["git", "-C", str(tmp_path), "init", "-q"], check=True)
    assert folder_state(tmp_path) == FolderState(None, False)
    (tmp_path / "a.yaml").write_text("x: 1\n", encoding="utf-8")
    assert folder_state(tmp_path) == FolderState(None, True)
