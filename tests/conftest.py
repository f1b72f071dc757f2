"""Shared fixtures: the fast-mode plant, generated once per test session.

Every notebook a test runs (nbval's runs included, whose kernels inherit this process's
environment) writes its files and downloads into a scratch folder of the test session:
tests never rewrite the tracked ``chapters/downloads``. nbval's runs write their figures
where ``make notebooks`` does, since each chapter shows where it wrote them (the same
bytes: a figures file is rewritten only when its content changes, and nbval fails first).
"""

from __future__ import annotations

import os

# One thread per process, in this process and in every kernel and command it starts: the
# suite runs two workers on two cores (pytest -n 2), and scikit-learn's OpenMP and BLAS
# threads of two workers would fight over the same cores (a gradient boosting fit took 10
# CPU-seconds on two threads, 0.6 s on one, the same model). Set before numpy loads.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import shutil  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from local_servers import Inbox, free_port  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from pocmvp.case import factory, firefighting, iteration  # noqa: E402
from pocmvp.machinery import selfcheck  # noqa: E402


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


_thread_limits: list[threadpool_limits] = []


def compile_the_package() -> None:
    """Write the package's bytecode once, before any kernel or command starts: where
    PYTHONDONTWRITEBYTECODE is set (as on CI machines), Python reads .pyc files but writes
    none, so each of the suite's many kernels and commands would compile the package's
    modules again (py_compile writes them regardless)."""
    import compileall

    import pocmvp

    compileall.compile_dir(Path(pocmvp.__file__).parent, quiet=2, workers=1)


def pytest_configure(config):
    # A plugin may have loaded numpy before this file: limit its pools as they are now too.
    _thread_limits.append(threadpool_limits(limits=1))
    if not hasattr(config, "workerinput"):  # once, in the process that starts the workers
        compile_the_package()
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


@pytest.fixture(scope="session")
def fast_december(fast_plant: factory.Plant) -> dict:
    """The fast plant's December replayed once (:func:`pocmvp.case.firefighting.replay`), read
    only: the rule in force, the parts tested, the returns, the first alarm and the patch, with
    the replay itself as ``fire`` (chapter 7's stage modules' tests share it)."""
    fire = firefighting.replay(fast_plant.shift_log, fast_plant.seed)
    return {
        "log": fast_plant.shift_log,
        "fire": fire,
        "live": fire.live_rule,
        "flags": fire.flags,
        "tested": fire.tested,
        "seen": fire.seen,
        "alarm_on": fire.alarm_on,
        "day": fire.patch_day,
        "patch": fire.patch,
    }


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


@pytest.fixture(scope="module")
def shared_kernel():
    """One kernel for a test module's notebook runs (``notebook_runs.SharedKernel``)."""
    from notebook_runs import SharedKernel

    kernel = SharedKernel()
    yield kernel
    kernel.shutdown()
