"""benchmarks/ is a folder of scripts, not a package: load its generator for the tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"
_SPEC = importlib.util.spec_from_file_location("bzf_benchmark_generate", _PATH)
assert _SPEC is not None and _SPEC.loader is not None
generator = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(generator)

generate = generator.generate

# big_file.py imports the generator by its script name
sys.modules.setdefault("generate", generator)
_BIG_PATH = _PATH.parent / "big_file.py"
_BIG_SPEC = importlib.util.spec_from_file_location("bzf_benchmark_big_file", _BIG_PATH)
assert _BIG_SPEC is not None and _BIG_SPEC.loader is not None
big_file = importlib.util.module_from_spec(_BIG_SPEC)
_BIG_SPEC.loader.exec_module(big_file)

generate_big_file = big_file.generate_big_file
