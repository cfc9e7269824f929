"""The database as a value: built in memory from the cities, serialised for ``export sqlite``."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from baozufang_cli.sql.build import City


def in_memory(cities: Sequence[City], as_of: date, generated_at: str | None = None) -> sqlite3.Connection:
    from baozufang_cli.sql.build import build  # facts and models: not needed to open a cached database

    conn = sqlite3.connect(":memory:", check_same_thread=False)
    build(conn, cities, as_of, generated_at)
    return conn


def to_bytes(conn: sqlite3.Connection) -> bytes:
    """The database file's bytes (what ``-o x.db`` writes through files.py)."""
    serialize = getattr(conn, "serialize", None)
    if serialize is not None:  # Python ≥ 3.11
        data: bytes = serialize()
        return data
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "copy.db"
        target = sqlite3.connect(path)
        try:
            conn.backup(target)
        finally:
            target.close()
        return path.read_bytes()


def from_bytes(data: bytes) -> sqlite3.Connection:
    """A connection to a copy of a database file held in memory (Python ≥ 3.11)."""
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    conn.deserialize(data)  # type: ignore[attr-defined,unused-ignore]
    return conn
