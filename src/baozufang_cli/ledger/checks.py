"""Every rule beyond the schema, in one list (the shape of beancount's ``VALIDATIONS``).

A rule is a plain function that returns diagnostics located by ``loc`` (the loader adds lines
and columns). Each has a scope, which says what it is given:

* ``data``: the parsed data of any ledger file, before the schema, its path and (when known)
  the text it was parsed from (``rules_text.py``: control characters); run by the loader's
  ``validate`` for every file;
* ``project``: one validated project file, as a ``ProjectSubject`` (``rules_project.py``,
  ``rules_money.py``); run by the loader for every file, cached with the file;
* ``config``: the ``Registry`` of targets.yaml + criteria.yaml (``rules_config.py`` and friends);
* ``ledger``: the loaded ``Ledger``, for rules across files (``rules_ledger.py``);
* ``as_of``: the ``Ledger`` and the as-of date (``bzf check`` only: dates in the future).

Adding a rule is writing the function and adding one line below; ``bzf check`` and every
report then apply it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from baozufang_cli.evaluation.scheme import check_evaluation
from baozufang_cli.ledger import rules_config, rules_ledger, rules_money, rules_project, rules_text
from baozufang_cli.ledger.diagnostics import Diagnostic
from baozufang_cli.ledger.rules_names import check_name_clashes
from baozufang_cli.ledger.rules_project import ProjectSubject

if TYPE_CHECKING:
    from baozufang_cli.ledger.registry import Ledger, Registry
    from baozufang_cli.models import Project

Scope = Literal["data", "project", "config", "ledger", "as_of"]


@dataclass(frozen=True)
class Rule:
    scope: Scope
    check: Callable[..., Iterable[Diagnostic]]


CHECKS: list[Rule] = [
    Rule("data", rules_text.control_characters),  # ESC, bidi overrides … in any key or text
    Rule("project", rules_project.identity),
    Rule("project", rules_project.counts),
    Rule("project", rules_project.problems),
    Rule("project", rules_project.references),  # canonical names first: the rules below rely on them
    Rule("project", rules_project.milestones),
    Rule("project", rules_money.money),
    Rule("config", rules_config.districts),
    Rule("config", rules_config.targets),
    Rule("config", rules_config.supply_types),
    Rule("config", check_name_clashes),  # aliases that name two supply types or milestones
    Rule("config", check_evaluation),  # the 监测评价 items (evaluation/scheme.py)
    Rule("config", rules_money.check_settings),
    Rule("config", rules_config.lights),  # 红黄绿灯 thresholds in order
    Rule("ledger", rules_ledger.duplicate_ids),
    Rule("ledger", rules_ledger.ids_differing_in_case),
    Rule("as_of", rules_ledger.future_dates),
]


def _run(scope: Scope, *subject: Any) -> list[Diagnostic]:
    return [d for rule in CHECKS if rule.scope == scope for d in rule.check(*subject)]


def check_data(data: Any, rel: str, text: str | None = None) -> list[Diagnostic]:
    return _run("data", data, rel, text)


def check_project(project: Project, rel: str, stem: str, registry: Registry | None) -> list[Diagnostic]:
    return _run("project", ProjectSubject(project, rel, stem, registry))


def check_config(registry: Registry) -> list[Diagnostic]:
    return _run("config", registry)


def check_ledger(ledger: Ledger) -> list[Diagnostic]:
    return _run("ledger", ledger)


def check_as_of(ledger: Ledger, as_of: date) -> list[Diagnostic]:
    return _run("as_of", ledger, as_of)
