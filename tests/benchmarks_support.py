"""benchmarks/ is a folder of scripts, not a package: load its generator for the tests."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"
_SPEC = importlib.util.spec_from_file_location("bzf_benchmark_generate", _PATH)
assert _SPEC is not None and _SPEC.loader is not None
generator = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(generator)

generate = generator.generate
