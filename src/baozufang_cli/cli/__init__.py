"""The command line (Typer app in ``app.py``, one module per command in ``commands/``)."""

from typing import NoReturn


def main() -> NoReturn:
    """The console script ``bzf`` (``baozufang_cli.cli:main``, unchanged since 0.1)."""
    from baozufang_cli.cli.app import main as run

    run()
