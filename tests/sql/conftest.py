"""An in-memory database of the sample ledger, built once."""

from __future__ import annotations

import sqlite3
from datetime import date

from baozufang_cli.ledger.load import load_ledger
from baozufang_cli.sql.build import City
from baozufang_cli.sql.database import from_bytes, in_memory, to_bytes
from tests.conftest import SAMPLE

AS_OF = date(2024, 6, 30)
_built: dict[date, bytes] = {}


def memory_db(as_of: date = AS_OF) -> sqlite3.Connection:
    """A fresh connection to the sample ledger's database as of ``as_of``."""
    if as_of not in _built:
        ledger = load_ledger(SAMPLE, use_cache=False)
        _built[as_of] = to_bytes(in_memory([City("贵阳市", ledger)], as_of))
    return from_bytes(_built[as_of])
