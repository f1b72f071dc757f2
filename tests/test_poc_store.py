"""The POC fitted once and kept: the stored fit is the fit, and any change trains afresh."""

from __future__ import annotations

import os

import numpy as np
import pytest

from pocmvp.case import baselines, factory, poc, poc_store


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


@pytest.mark.parametrize(
    ("fitted", "train", "another_plant"),
    [("fitted_poc", "_train", (1_000, 2)), ("fitted_baselines", "_train_baselines", (2_000, 1))],
)
def test_another_plant_or_another_code_is_another_fit(
    store, monkeypatch, fitted, train, another_plant
):
    calls = []
    monkeypatch.setattr(poc_store, train, lambda *key: calls.append(key) or len(calls))
    fit = getattr(poc_store, fitted)
    fit(1_000, 1)
    fit(1_000, 1)
    fit(*another_plant)
    assert len(calls) == 2, "the same plant is fitted once"
    monkeypatch.setattr(poc_store, "code_fingerprint", lambda: "changed code")
    fit(1_000, 1)
    assert len(calls) == 3, "a change to the code trains afresh"


def test_a_fresh_store_is_used_for_one_run_and_removed(monkeypatch):
    monkeypatch.delenv("POCMVP_CACHE_DIR")
    with poc_store.fresh_store() as folder:
        assert poc_store.store_dir() == folder and folder.is_dir()
    assert not folder.exists() and "POCMVP_CACHE_DIR" not in os.environ
    monkeypatch.setenv("POCMVP_CACHE_DIR", "/somewhere/chosen")
    with poc_store.fresh_store() as folder:
        assert str(folder) == "/somewhere/chosen", "a store the user named is kept"


def test_the_stored_baselines_are_chapter_2s_fits_and_read_back_exactly(store):
    parts, seed = 1_000, 3  # the smallest plant: eight quick fits
    fresh = poc_store.fitted_baselines(parts, seed)  # fitted now, by _train_baselines
    stored = poc_store.fitted_baselines(parts, seed)  # read back from the store
    assert any(store.rglob("output.pkl")), "the fits are kept in the store"
    assert list(stored) == list(fresh) == [baselines.label(*b) for b in baselines.BASELINES]
    plant = factory.generate_plant(parts, seed=seed)
    window = baselines.routing_window(plant.shift_log)
    for name, fitted in fresh.items():
        expected = fitted.risk(window, plant.mes).to_numpy()
        assert np.array_equal(stored[name].risk(window, plant.mes).to_numpy(), expected), name


def test_the_baselines_fit_is_chapter_2s(monkeypatch):
    calls = []
    monkeypatch.setattr(
        baselines, "train_baselines", lambda plant, seed: calls.append((len(plant.shift_log), seed))
    )
    poc_store._train_baselines(1_000, 3, "any code")
    assert calls == [(1_000, 3)], "every baseline, on the plant of that size and seed"
