"""`bzf export sqlite`: one file, written atomically, that other tools open as it is."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import DATA, SAMPLE, run

AS_OF = "2024-06-30"


def export(tmp_path: Path, *data: Path) -> Path:
    out = tmp_path / "台账.db"
    args = [a for d in data for a in ("--data", d)]
    result = run("export", "sqlite", "-o", out, *args, "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    assert "已写入" in result.stderr
    return out


def test_the_file_is_a_complete_database(tmp_path: Path) -> None:
    out = export(tmp_path, SAMPLE)
    conn = sqlite3.connect(f"file:{out}?mode=ro", uri=True)
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    assert meta["as_of"] == AS_OF and meta["cities"] == "1" and meta["bzf_version"]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    status = json.loads(run("status", "--data", SAMPLE, "--as-of", AS_OF, "-f", "json").stdout)
    assert conn.execute("SELECT SUM(units) FROM projects").fetchone()[0] == status["total"]["units"]
    (city, commit) = conn.execute('SELECT city, "commit" FROM cities').fetchone()
    assert city == "贵阳市" and (commit is None or len(commit) == 40)


def test_filters_are_refused(tmp_path: Path) -> None:
    result = run("export", "sqlite", "-o", tmp_path / "x.db", "--data", SAMPLE, "--district", "观山湖")
    assert result.exit_code == 2 and "WHERE" in result.stderr


def test_a_bad_output_path_is_a_usage_error(tmp_path: Path) -> None:
    result = run("export", "sqlite", "-o", tmp_path / "missing" / "x.db", "--data", SAMPLE)
    assert result.exit_code == 2 and "不存在" in result.stderr


def test_xlsx_takes_one_ledger_only(tmp_path: Path) -> None:
    result = run("export", "xlsx", "-o", tmp_path / "x.xlsx", "--data", SAMPLE, "--data", DATA / "typical")
    assert result.exit_code == 2 and "export sqlite" in result.stderr


def _duckdb_with_sqlite() -> object:
    duckdb = pytest.importorskip("duckdb")
    conn = duckdb.connect()
    try:
        conn.execute("LOAD sqlite")
        return conn
    except Exception:
        pass
    try:
        import duckdb_extension_sqlite_scanner  # the PyPI package that ships the extension

        folder = Path(duckdb_extension_sqlite_scanner.__file__).parent / "extensions"
        files = sorted(folder.glob(f"v{duckdb.__version__}/sqlite_scanner.duckdb_extension"))
        conn.execute(f"LOAD '{files[0]}'")
        return conn
    except Exception:
        pytest.skip("DuckDB's sqlite extension is not available offline")


def test_duckdb_reads_the_file(tmp_path: Path) -> None:
    conn = _duckdb_with_sqlite()
    out = export(tmp_path, SAMPLE)
    count = conn.execute(f"SELECT COUNT(*), SUM(units) FROM sqlite_scan('{out}', 'projects')").fetchone()  # type: ignore[attr-defined]
    expected = sqlite3.connect(out).execute("SELECT COUNT(*), SUM(units) FROM projects").fetchone()
    assert count == expected
    view = conn.execute(
        f"SELECT district, delivered_units FROM sqlite_scan('{out}', 'v_status_by_district')"
    ).fetchall()  # type: ignore[attr-defined]
    assert len(view) == 15
