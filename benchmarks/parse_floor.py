"""The parse floor: parse every project file of a ledger with the fastest YAML parser, nothing else.

    python benchmarks/parse_floor.py LEDGER_DIR

bzf cannot answer faster than this without a cache; the benchmark measures bzf against it.
"""

from __future__ import annotations

import os
import sys

import yaml

try:
    Loader = yaml.CSafeLoader  # libyaml
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    print("parse_floor: libyaml not available, using the pure-Python SafeLoader", file=sys.stderr)
    Loader = yaml.SafeLoader  # type: ignore[misc]


def main() -> None:
    for folder, _, names in os.walk(os.path.join(sys.argv[1], "projects")):
        for name in names:
            if name.endswith((".yaml", ".yml")):
                with open(os.path.join(folder, name), "rb") as handle:
                    yaml.load(handle.read(), Loader=Loader)


if __name__ == "__main__":
    main()
