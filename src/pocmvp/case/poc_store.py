"""The POC and chapter 2's baselines fitted once per plant, kept on disk for whoever uses them.

Chapter 2 trains the POC in front of the reader. Chapters 3 and 5 need the same fitted model
(its flags, its size, its value), not the training again: :func:`fitted_poc` returns the fit
with the stored parameters (:data:`pocmvp.case.poc.STORED_PARAMS`) for a plant of ``parts``
parts and ``seed``, trained the first time and read from disk after that (joblib's
``Memory``). The key holds the plant's size and seed and a fingerprint of the package's code
and of the libraries that fit it, so any change to either trains afresh: a stored fit is
always the fit the current code would make.

:func:`fitted_baselines` does the same for chapter 2's eight baselines
(:func:`pocmvp.case.baselines.train_baselines` on the history months): chapter 2's panel and
the story's claims (:mod:`pocmvp.case.story.ch02`) read the same fits. Two processes that want
the same fit at the same time (two test workers) take turns: the second reads the first's.

The store is ``$POCMVP_CACHE_DIR``, or ``pocmvp`` in the user's cache folder
(``$XDG_CACHE_HOME``, by default ``~/.cache``); it holds only what this module wrote.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import joblib
import numpy as np
import pandas as pd

from pocmvp.case import baselines, factory, poc
from pocmvp.toolkit import output

try:  # POSIX: a lock file lets one process fit while another waits for its fit
    import fcntl
except ImportError:  # Windows: no lock, at worst two processes fit the same plant
    fcntl = None

PACKAGE = Path(__file__).resolve().parents[1]


def store_dir() -> Path:
    """Where the fits are kept: ``$POCMVP_CACHE_DIR``, else ``$XDG_CACHE_HOME/pocmvp``."""
    chosen = os.environ.get("POCMVP_CACHE_DIR")
    if chosen:
        return Path(chosen)
    return output.user_cache_dir()


@contextlib.contextmanager
def fresh_store() -> Iterator[Path]:
    """A store of its own for one run of many notebooks (``make notebooks``, a benchmark), in a
    temporary folder removed afterwards, unless ``$POCMVP_CACHE_DIR`` already names one: the
    run fits each POC once, and no run reads what an earlier one left."""
    if os.environ.get("POCMVP_CACHE_DIR"):
        yield store_dir()
        return
    with tempfile.TemporaryDirectory(prefix="pocmvp-fits-") as folder:
        os.environ["POCMVP_CACHE_DIR"] = folder
        try:
            yield Path(folder)
        finally:
            del os.environ["POCMVP_CACHE_DIR"]


@functools.cache
def code_fingerprint() -> str:
    """SHA-256 of every source file of the package and the versions of the libraries that fit
    and score the POC: a stored fit is used only by the code that made it."""
    import sklearn  # only when a fit is wanted: importing it costs a second in every kernel

    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(str(path.relative_to(PACKAGE)).encode())
        digest.update(path.read_bytes())
    for library in (sklearn, np, pd, joblib):
        digest.update(f"{library.__name__} {library.__version__}".encode())
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def _plant(parts: int, seed: int) -> factory.Plant:
    """The plant the fits learn from, generated once for both (the POC's and the baselines'
    fits of one plant usually miss the store together); the fits only read it."""
    return factory.generate_plant(parts, seed=seed)


def _train(parts: int, seed: int, fingerprint: str) -> poc.PocModel:
    """The fit itself (``fingerprint`` is only part of the key)."""
    plant = _plant(parts, seed)
    return poc.train_poc(plant, params=poc.STORED_PARAMS, seed=seed, show_progress=False)


@contextlib.contextmanager
def _turn(name: str, parts: int, seed: int) -> Iterator[None]:
    """Hold the store's lock for fit ``name`` of one plant (where locks exist)."""
    if fcntl is None:
        yield
        return
    folder = store_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{name}-{parts}-{seed}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _stored(name: str, train: Callable, parts: int, seed: int):
    """``train(parts, seed, fingerprint)`` of this code, fitted once per plant, then read from
    the store; two processes that want the same fit take turns (:func:`_turn`)."""
    memory = joblib.Memory(store_dir(), verbose=0)
    with _turn(name, parts, seed):
        return memory.cache(train)(parts, seed, code_fingerprint())


def fitted_poc(parts: int, seed: int) -> poc.PocModel:
    """The POC with the stored parameters, fitted on ``factory.generate_plant(parts, seed)``:
    trained once, then read from the store."""
    return _stored("poc", _train, parts, seed)


def _train_baselines(
    parts: int, seed: int, fingerprint: str
) -> dict[str, baselines.FittedBaseline]:
    """The baselines' fits themselves (``fingerprint`` is only part of the key)."""
    plant = _plant(parts, seed)
    return baselines.train_baselines(plant, seed)


def fitted_baselines(parts: int, seed: int) -> dict[str, baselines.FittedBaseline]:
    """Chapter 2's eight baselines (:func:`pocmvp.case.baselines.train_baselines`), fitted on
    the history months of ``factory.generate_plant(parts, seed)``: trained once, then read
    from the store. Each keeps the seconds its first training took."""
    return _stored("baselines", _train_baselines, parts, seed)
