"""Bulk loading with the garbage collector paused (loading the ledger, rebuilding cached records)."""

from __future__ import annotations

import gc
from collections.abc import Callable


def paused_gc() -> Callable[[], None]:
    """Pause the collector for bulk loading; the returned function ends the pause.

    The collector, not parsing, dominates bulk allocation of many small objects. At the end
    the loaded objects are frozen (``gc.freeze``): they live until the command ends, and
    otherwise the first collections after the pause would walk all of them (~0.3 s at
    10,000 projects). Frozen objects are still freed by reference counting.
    """
    was_enabled = gc.isenabled()
    gc.disable()

    def resume() -> None:
        if was_enabled:
            gc.freeze()
            gc.enable()

    return resume
