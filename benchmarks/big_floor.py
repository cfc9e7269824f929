"""The floors of the big-file benchmark: parse one YAML file and do nothing else.

    python benchmarks/big_floor.py FILE            # libyaml (PyYAML's CSafeLoader)
    python benchmarks/big_floor.py FILE --ruamel   # ruamel.yaml round trip, configured as bzf's edits

``bzf fmt --check`` of a file already in bzf's layout needs no more than the first; ``bzf set`` and
``bzf problem`` edit through ruamel's round trip, so the second is theirs.
"""

from __future__ import annotations

import sys


def main() -> None:
    with open(sys.argv[1], "rb") as handle:
        raw = handle.read()
    if "--ruamel" in sys.argv[2:]:
        from baozufang_cli.edit.roundtrip import round_trip

        round_trip().load(raw.decode("utf-8"))
    else:
        import yaml

        yaml.load(raw, Loader=yaml.CSafeLoader)


if __name__ == "__main__":
    main()
