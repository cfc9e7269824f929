"""The one body every report command shares: options → load → compute → render → exit code.

A report command is its own options plus one function from a ``Run`` to a ``Report``::

    @report_command(app, "gap", help="…", options=[Option("year", TargetYearOpt)], filters=("district", "type"))
    def gap(run: Run) -> Report:
        from baozufang_cli.reports.gap import gap_report

        return gap_report(run.ledger, run.as_of, run.target_years(), run.filters)

``report_command`` builds the Typer command: the shared options (``--data``, ``--as-of``, the filters the
report takes, ``--format``, ``--output``, ``--no-cache``) around the command's own, in one order for every
command. The ``Run`` loads the ledger and resolves filters only when the function first asks for them, so
a command can refuse a bad option of its own before any file is read. The body then renders the report
and exits 1 when files with errors were left out (the pattern of sqlite-utils' ``output_options`` and
hledger's ``CliOptions`` → report → ``writeOutput``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any

import typer

from baozufang_cli.cli.options import (
    AsOfOpt,
    ColumnsOpt,
    DataListOpt,
    DataOpt,
    DistrictOpt,
    Format,
    FormatOpt,
    NoCacheOpt,
    OutputOpt,
    TypeOpt,
    WideOpt,
    YearOpt,
)
from baozufang_cli.cli.runtime import (
    as_of_date,
    emit,
    guard,
    open_ledger,
    output_format,
    resolve_filters,
    warn_excluded,
)
from baozufang_cli.errors import ExitCode

if TYPE_CHECKING:
    from baozufang_cli.cli.cities import CityLedger
    from baozufang_cli.ledger.registry import Ledger
    from baozufang_cli.reports.filters import Filters
    from baozufang_cli.reports.value import Report

FILTERS = ("district", "year", "type")  # the project filters a report takes unless it says otherwise
_FILTER_OPTIONS = {"district": DistrictOpt, "year": YearOpt, "type": TypeOpt}
_FILTER_PARAMETERS = {"district": "district", "year": "year", "type": "supply_type"}


@dataclass(frozen=True)
class Option:
    """One option (or, with ``argument=True``, a positional argument) of a single report command."""

    name: str  # the Python parameter name, the key in ``Run.options``
    annotation: Any  # ``Annotated[type, typer.Option(…)]``
    default: Any = None
    argument: bool = False


class Run:
    """One invocation of a report command: its option values, and the ledger loaded on first use."""

    def __init__(self, values: dict[str, Any], filters: Sequence[str]) -> None:
        self.values = values
        self._filters = filters
        self.partial = False  # set when the report left something out that should make the exit code 1
        self._excluded: bool | None = None

    def option(self, name: str) -> Any:
        return self.values[name]

    @cached_property
    def as_of(self) -> date:
        return as_of_date(self.values["as_of"])

    @cached_property
    def ledger(self) -> Ledger:
        data = self.values["data"]
        if isinstance(data, list):  # a command that takes several ledgers (PROVINCE), given one or none
            data = data[0] if data else None
        return open_ledger(data, self.values["no_cache"])

    @property
    def several(self) -> bool:
        """Several ``--data`` ledgers (a province): the command reports ``cities``, not ``ledger``."""
        data = self.values["data"]
        return isinstance(data, list) and len(data) > 1

    @cached_property
    def cities(self) -> list[CityLedger]:
        from baozufang_cli.cli.cities import open_cities

        return open_cities(self.values["data"], self.values["no_cache"])

    @cached_property
    def filters(self) -> Filters:
        return self.filters_for(self.ledger)

    def filters_for(self, ledger: Ledger) -> Filters:
        years = self.values.get("year") if "year" in self._filters else None
        return resolve_filters(
            ledger,
            self.values.get("district") if "district" in self._filters else None,
            years,
            self.values.get("supply_type") if "type" in self._filters else None,
        )

    def per_city(self, compute: Callable[[Ledger, Filters], Report]) -> list[tuple[str, Report]]:
        """Each city's own report. A ``--district`` that names no district of a city leaves that
        city out; naming none of any city is the usual usage error."""
        from baozufang_cli.ledger.registry import NameNotFound

        parts: list[tuple[str, Report]] = []
        refused: NameNotFound | None = None
        for city in self.cities:
            try:
                filters = self.filters_for(city.ledger)
            except NameNotFound as error:
                refused = refused or error
                continue
            parts.append((city.name, compute(city.ledger, filters)))
        if not parts:
            assert refused is not None
            raise refused
        return parts

    def warn_excluded(self, report: Report) -> bool:
        """Note on the report (and on stderr, once) that files with errors were left out; True when any were."""
        if self._excluded is None:
            ledgers = [city.ledger for city in self.cities] if self.several else [self.ledger]
            self._excluded = any([warn_excluded(ledger, report) for ledger in ledgers])
        return self._excluded

    @property
    def fmt(self) -> Format:
        """``-f``, or the format the ``-o`` file's extension names, or table."""
        return output_format(self.values["fmt"], self.values["output"])


Compute = Callable[[Run], "Report | None"]


@dataclass(frozen=True)
class LeanCommand:
    """What ``lean_params`` needs to run a report command without building it with Typer."""

    parameters: list[tuple[str, Any, Any]]  # (name, annotation, default) in the command's order
    run: Callable[..., None]  # the guarded command body


LEAN: dict[str, LeanCommand] = {}  # command name → its parameters and guarded body


def _parameter(name: str, annotation: Any, default: Any = inspect.Parameter.empty) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default, annotation=annotation
    )


def report_command(
    app: typer.Typer,
    name: str,
    *,
    help: str,
    short_help: str | None = None,
    options: Sequence[Option] = (),
    filters: Sequence[str] = FILTERS,
    province: bool = False,
) -> Callable[[Compute], Compute]:
    """Register ``name`` as a report command whose report is computed by the decorated function;
    with ``province`` its ``--data`` may be repeated (``Run.several``, ``Run.cities``)."""

    def decorate(compute: Compute) -> Compute:
        parameters = [_parameter(o.name, o.annotation) for o in options if o.argument]
        parameters += [_parameter("data", DataListOpt if province else DataOpt, None)]
        parameters += [_parameter("as_of", AsOfOpt, None)]
        parameters += [_parameter(o.name, o.annotation, o.default) for o in options if not o.argument]
        parameters += [_parameter(_FILTER_PARAMETERS[f], _FILTER_OPTIONS[f], None) for f in filters]
        own_columns = any(o.name == "columns" for o in options)  # bzf ledger: its own --columns
        parameters += [] if own_columns else [_parameter("columns", ColumnsOpt, None)]
        parameters += [
            _parameter("fmt", FormatOpt, None),
            _parameter("output", OutputOpt, None),
            _parameter("wide", WideOpt, False),
            _parameter("no_cache", NoCacheOpt, False),
        ]

        def command(**values: Any) -> None:
            run = Run(values, filters)
            report = compute(run)
            if report is None:
                return
            if not own_columns and values["columns"]:
                from baozufang_cli.reports.columns import select_columns

                report = select_columns(report, values["columns"])
            excluded = run.warn_excluded(report)
            city = "、".join(c.name for c in run.cities) if run.several else run.ledger.targets.city
            emit(report, run.fmt, values["output"], city, values["wide"])
            if excluded or run.partial:
                raise typer.Exit(int(ExitCode.LEDGER_ERRORS))

        command.__name__ = command.__qualname__ = compute.__name__
        command.__doc__ = compute.__doc__
        command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in parameters}
        guarded = guard(command)
        app.command(name=name, help=help, short_help=short_help)(guarded)
        LEAN[name] = LeanCommand([(p.name, p.annotation, p.default) for p in parameters], guarded)
        return compute

    return decorate
