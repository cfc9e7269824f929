"""The command line (Typer app in ``app.py``, one module per command in ``commands/``)."""

from typing import NoReturn


def main() -> NoReturn:
    """The console script ``bzf`` (``baozufang_cli.cli:main``, unchanged since 0.1).

    ``bzf``, ``bzf --help`` and ``bzf --version`` are answered from the command index, without
    importing the commands; everything else runs the full app.
    """
    import sys

    from baozufang_cli.cli import command_index, completion

    if sys.argv[1:] in command_index.LINES and not completion.requested():
        command_index.run()
    from baozufang_cli.cli.app import main as run

    run()
