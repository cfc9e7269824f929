"""Shared by the edit tests: the sample ledger's projects and its registry (a module may override
``registry`` with its own, as test_document.py does for the base ledger)."""

from __future__ import annotations

import pytest

from baozufang_cli.ledger.load import load_config
from baozufang_cli.ledger.read import CRITERIA_FILE, TARGETS_FILE
from baozufang_cli.ledger.registry import Registry
from baozufang_cli.models import Criteria, Targets
from tests.conftest import SAMPLE


@pytest.fixture(scope="module")
def registry() -> Registry:
    targets, _ = load_config(SAMPLE, TARGETS_FILE, Targets)
    criteria, _ = load_config(SAMPLE, CRITERIA_FILE, Criteria)
    assert targets is not None and criteria is not None
    return Registry(targets, criteria)
