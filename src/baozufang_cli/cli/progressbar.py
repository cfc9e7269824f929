"""A progress bar on stderr for work that takes more than about a second, only on a terminal.

``for_stderr()`` returns a callable ``progress(done, total)`` (or None when stderr is not a
terminal). It costs a clock reading per call until a second has passed; only then is rich
imported and the bar drawn, so quick commands and pipes never see it. The bar is transient:
it disappears when the work is done, leaving the command's output as it would be without it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

DELAY_SECONDS = 1.0  # work that ends sooner shows nothing
REFRESH_SECONDS = 0.1


class DelayedBar:
    """``progress(done, total)``: draws a bar once the work has taken ``delay`` seconds."""

    def __init__(
        self,
        description: str,
        console: Console | None = None,
        delay: float = DELAY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.description = description
        self.console = console
        self.delay = delay
        self.clock = clock
        self.started: float | None = None
        self.shown_at = 0.0
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if self.started is None:
            self.started = now
        finished = done >= total
        if self.bar is None:
            if finished or now - self.started < self.delay:
                return
            self._show(done, total)
        elif not finished and now - self.shown_at < REFRESH_SECONDS:
            return
        self.shown_at = now
        self.bar.update(self.task, completed=done, total=total, refresh=True)
        if finished:
            self.close()

    def _show(self, done: int, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=self.console or Console(stderr=True),
            transient=True,
            auto_refresh=False,  # refreshed from update(): no background thread
        )
        self.task = self.bar.add_task(self.description, total=total, completed=done)
        self.bar.start()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def for_stderr(description: str = "读取项目文件") -> DelayedBar | None:
    """A delayed progress bar on stderr, or None when stderr is not a terminal."""
    try:
        interactive = sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed stderr
        interactive = False
    return DelayedBar(description) if interactive else None
