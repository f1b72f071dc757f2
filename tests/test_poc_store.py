"""The POC fitted once and kept: the stored fit is the fit, and any change trains afresh."""

from __future__ import annotations

import os

import numpy as np
import pytest

from pocmvp.case import factory, poc, poc_store


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("POCMVP_CACHE_DIR", str(tmp_path / "fits"))
    return tmp_path / "fits"


def test_the_stored_fit_scores_exactly_as_a_fresh_fit(store, fast_plant):
    parts = factory.parts_for(True)
    first = poc_store.fitted_poc(parts, factory.DEFAULT_SEED)
    assert any(store.rglob("output.pkl")), "the fit is kept in the store"
    again = poc_store.fitted_poc(parts, factory.DEFAULT_SEED)
    fresh = poc.train_poc(
        fast_plant, params=poc.STORED_PARAMS, seed=factory.DEFAULT_SEED, show_progress=False
    )
    window = fast_plant.shift_log.tail(2_000)
    expected = fresh.risk(window, fast_plant.mes).to_numpy()
    assert np.array_equal(first.risk(window, fast_plant.mes).to_numpy(), expected)
    assert np.array_equal(again.risk(window, fast_plant.mes).to_numpy(), expected)
    assert again.best_params == poc.STORED_PARAMS


def test_another_seed_or_another_code_is_another_fit(store, monkeypatch):
    calls = []
    monkeypatch.setattr(poc_store, "_train", lambda *key: calls.append(key) or len(calls))
    poc_store.fitted_poc(1_000, 1)
    poc_store.fitted_poc(1_000, 1)
    poc_store.fitted_poc(1_000, 2)
    assert len(calls) == 2, "the same plant is fitted once"
    monkeypatch.setattr(poc_store, "code_fingerprint", lambda: "changed code")
    poc_store.fitted_poc(1_000, 1)
    assert len(calls) == 3, "a change to the code trains afresh"


def test_a_fresh_store_is_used_for_one_run_and_removed(monkeypatch):
    monkeypatch.delenv("POCMVP_CACHE_DIR")
    with poc_store.fresh_store() as folder:
        assert poc_store.store_dir() == folder and folder.is_dir()
    assert not folder.exists() and "POCMVP_CACHE_DIR" not in os.environ
    monkeypatch.setenv("POCMVP_CACHE_DIR", "/somewhere/chosen")
    with poc_store.fresh_store() as folder:
        assert str(folder) == "/somewhere/chosen", "a store the user named is kept"
