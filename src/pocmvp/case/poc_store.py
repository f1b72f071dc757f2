"""The POC fitted once per plant, kept on disk for the chapters that only use it.

Chapter 2 trains the POC in front of the reader. Chapters 3 and 5 need the same fitted model
(its flags, its size, its value), not the training again: :func:`fitted_poc` returns the fit
with the stored parameters (:data:`pocmvp.case.poc.STORED_PARAMS`) for a plant of ``parts``
parts and ``seed``, trained the first time and read from disk after that (joblib's
``Memory``). The key holds the plant's size and seed and a fingerprint of the package's code
and of the libraries that fit it, so any change to either trains afresh: a stored fit is
always the fit the current code would make.

The store is ``$POCMVP_CACHE_DIR``, or ``pocmvp`` in the user's cache folder
(``$XDG_CACHE_HOME``, by default ``~/.cache``); it holds only what this module wrote.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import sklearn

from pocmvp.case import factory, poc

PACKAGE = Path(__file__).resolve().parents[1]


def store_dir() -> Path:
    """Where the fits are kept: ``$POCMVP_CACHE_DIR``, else ``$XDG_CACHE_HOME/pocmvp``."""
    chosen = os.environ.get("POCMVP_CACHE_DIR")
    if chosen:
        return Path(chosen)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pocmvp"


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
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(str(path.relative_to(PACKAGE)).encode())
        digest.update(path.read_bytes())
    for library in (sklearn, np, pd, joblib):
        digest.update(f"{library.__name__} {library.__version__}".encode())
    return digest.hexdigest()


def _train(parts: int, seed: int, fingerprint: str) -> poc.PocModel:
    """The fit itself (``fingerprint`` is only part of the key)."""
    plant = factory.generate_plant(parts, seed=seed)
    return poc.train_poc(plant, params=poc.STORED_PARAMS, seed=seed, show_progress=False)


def fitted_poc(parts: int, seed: int) -> poc.PocModel:
    """The POC with the stored parameters, fitted on ``factory.generate_plant(parts, seed)``:
    trained once, then read from the store."""
    memory = joblib.Memory(store_dir(), verbose=0)
    return memory.cache(_train)(parts, seed, code_fingerprint())
