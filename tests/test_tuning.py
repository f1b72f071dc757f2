"""The stored searches: the tuned baseline's and the POC's choices, re-run and checked.

Re-running both searches at the default size takes a few minutes, so ``make test`` skips
them; ``make searches`` runs them (``POCMVP_SEARCHES=1``)."""

import os

import pandas as pd
import pytest

from pocmvp.case import baselines, factory, poc, tuning

needs_searches = pytest.mark.skipif(
    os.environ.get("POCMVP_SEARCHES") != "1",
    reason="the stored searches are re-run by make searches (POCMVP_SEARCHES=1)",
)


def test_the_stored_tables_agree_with_the_stored_choices():
    stored = tuning.stored_search()
    for data, params in baselines.TUNED_PARAMS.items():
        assert tuning.best_params(stored[stored["data"] == data]) == params
    summary = poc.stored_search()
    for learner, params in poc.STORED_PARAMS.items():
        rows = summary[summary["learner"] == learner]
        assert rows.iloc[0]["params"] == ", ".join(f"{k}={v}" for k, v in sorted(params.items()))


def test_the_poc_stacks_the_stored_tuned_model():
    assert poc.FIXED_PARAMS["tuned gradient boosting"] == baselines.TUNED_PARAMS[baselines.WITH_MES]
    assert poc.FIXED_PARAMS["random forest"] == baselines.FOREST_PARAMS


def test_the_search_picks_iterations_on_the_last_history_months(fast_plant):
    grid = {"learning_rate": [0.1], "max_leaf_nodes": [7]}
    table = tuning.search_boosting(fast_plant, baselines.SHIFT_LOG, grid=grid)
    assert len(table) == 1
    assert 1 <= table.loc[0, "max_iter"] <= tuning.MAX_ITERATIONS
    assert set(tuning.VALIDATION_MONTHS) <= set(factory.TRAIN_MONTHS)
    assert not set(tuning.VALIDATION_MONTHS) & set(factory.HELD_OUT_MONTHS)


@pytest.fixture(scope="module")
def default_plant():
    return factory.generate_plant(factory.DEFAULT_PARTS, seed=factory.DEFAULT_SEED)


@needs_searches
def test_the_tuned_baselines_search_still_makes_the_stored_choice(default_plant):
    for data, table in tuning.search_all(default_plant).items():
        assert tuning.best_params(table) == baselines.TUNED_PARAMS[data], data
        stored = tuning.stored_search()
        stored = stored[stored["data"] == data].reset_index(drop=True)
        pd.testing.assert_frame_equal(table.round(6), stored, check_dtype=False)


@needs_searches
def test_the_pocs_search_still_makes_the_stored_choice(default_plant):
    joined = poc.join_mes(
        factory.in_months(default_plant.shift_log, factory.TRAIN_MONTHS), default_plant.mes
    )
    results = poc.hyperparameter_search(joined, show_progress=False)
    assert poc.best_params(results) == poc.STORED_PARAMS
    summary = poc.search_summary(results).round(6)
    pd.testing.assert_frame_equal(summary, poc.stored_search())
