"""Shared fixtures: the fast-mode plant, generated once per test session.

Every notebook a test runs (nbval's runs included, whose kernels inherit this process's
environment) writes its files and downloads into a scratch folder of the test session:
tests never rewrite the tracked ``chapters/downloads``. nbval's runs write their figures
where ``make notebooks`` does, since each chapter shows where it wrote them (the same
bytes: a figures file is rewritten only when its content changes, and nbval fails first).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from local_servers import Inbox, free_port

from pocmvp.case import factory, iteration
from pocmvp.machinery import selfcheck


@pytest.fixture(autouse=True)
def fresh_self_checks():
    """Each test starts with no self-check attempts, as a fresh kernel does."""
    selfcheck.reset()


SCRATCH_VARIABLES = {
    "POCMVP_OUTPUT_DIR": "output",
    "POCMVP_DOWNLOADS_DIR": "downloads",
    "POCMVP_CACHE_DIR": "fitted",  # the session's store of fitted POCs (case/poc_store.py)
}
_scratch: list[Path] = []


def pytest_configure(config):
    scratch = Path(tempfile.mkdtemp(prefix="pocmvp-tests-"))
    _scratch.append(scratch)
    for variable, folder in SCRATCH_VARIABLES.items():
        os.environ.setdefault(variable, str(scratch / folder))


def pytest_unconfigure(config):
    for scratch in _scratch:
        shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture(scope="session")
def fast_plant() -> factory.Plant:
    return factory.generate_plant(factory.FAST_PARTS, seed=factory.DEFAULT_SEED)


@pytest.fixture
def shift_log(fast_plant: factory.Plant):
    """A fresh copy each test may change freely."""
    return fast_plant.shift_log.copy()


@pytest.fixture(scope="module")
def log(fast_plant):
    """The fast plant's shift log, shared read-only by a module's tests."""
    return fast_plant.shift_log


@pytest.fixture(scope="module")
def versions(log):
    """Rule v1 and v2 as derived on the fast plant (the approved files are the default's)."""
    return iteration.rule_versions(log)


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1, started for one test and stopped after it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()
