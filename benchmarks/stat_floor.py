"""The stat floor: what a warm run must do however its cache is laid out — walk projects/ and
stat every file once (``os.scandir``), nothing else.

    python benchmarks/stat_floor.py LEDGER_DIR

Started as a Python process, like ``bzf --version``: the table's warm rows compare with
``--version``, and ``--version`` + this walk (less one interpreter start) is as fast as a warm
run that checks every file can be.
"""

from __future__ import annotations

import os
import sys


def walk(folder: str) -> int:
    count = 0
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir():
                count += walk(entry.path)
            elif entry.name.endswith((".yaml", ".yml")):
                entry.stat()
                count += 1
    return count


def main() -> None:
    walk(os.path.join(sys.argv[1], "projects"))


if __name__ == "__main__":
    main()
