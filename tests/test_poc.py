"""The POC model: undersampling, the search on time-ordered folds, training, the benchmark."""

import pandas as pd
import pytest
from sklearn.model_selection import ParameterGrid

from pocmvp.case import baselines, factory, poc, status_quo


@pytest.fixture(scope="module")
def trained(fast_plant):
    return poc.train_poc(fast_plant, show_progress=False)


@pytest.fixture(scope="module")
def held_out(fast_plant):
    return factory.in_months(fast_plant.shift_log, factory.HELD_OUT_MONTHS)


# --- undersampling -------------------------------------------------------------------


def test_undersampling_keeps_every_defect_and_is_seeded(fast_plant):
    joined = poc.join_mes(fast_plant.shift_log, fast_plant.mes)
    kept = poc.undersample(joined, seed=1, keep_share=0.1)
    assert kept["defect"].sum() == joined["defect"].sum()
    good_share = (~kept["defect"]).sum() / (~joined["defect"]).sum()
    assert 0.08 < good_share < 0.12
    assert kept.index.equals(poc.undersample(joined, seed=1, keep_share=0.1).index)


# --- the trained POC -----------------------------------------------------------------


def test_search_covers_the_grid_on_time_ordered_folds(trained):
    candidates = sum(len(list(ParameterGrid(g))) for g in poc.SEARCH_GRID.values())
    results = trained.search_results
    assert len(results) == candidates * len(poc.VALIDATION_MONTHS)
    assert set(results["validation_month"]) == set(poc.VALIDATION_MONTHS)
    assert results["pr_auc"].between(0, 1).all()
    for name, params in trained.best_params.items():
        assert params in list(ParameterGrid(poc.SEARCH_GRID[name]))
    summary = poc.search_summary(results)
    assert len(summary) == candidates


def test_risk_is_a_probability_per_part(trained, fast_plant, held_out):
    risk = trained.risk(held_out, fast_plant.mes)
    assert risk.index.equals(held_out.index)
    assert risk.between(0, 1).all()
    # The stacker learned on real proportions: the mean risk is near the defect rate.
    assert risk.mean() == pytest.approx(held_out["defect"].mean(), rel=0.35)
    assert set(trained.stacker_weights().index) == {*poc.LEARNERS, "anomaly score"}


def test_the_poc_beats_todays_sample_on_held_out_months(trained, fast_plant, held_out):
    window = baselines.routing_window(fast_plant.shift_log)
    risk = trained.risk(window, fast_plant.mes)
    flags = poc.decision_flags(window, risk)
    metrics = poc.offline_metrics(held_out, risk, flags.reindex(held_out.index))
    assert metrics.roc_auc > 0.6
    assert metrics.recall_at_capacity > 2 * status_quo.ECONOMICS.inspection_capacity_share
    result = poc.promise(fast_plant.shift_log, flags)
    assert 0.05 < result.reduction < 0.3
    assert result.tested_with_score == result.tested_today
    assert result.monthly.index.tolist() == list(factory.HELD_OUT_MONTHS)
    assert result.saving_per_month() == pytest.approx(
        result.fewer_shipped / 3 * status_quo.ECONOMICS.cost_per_shipped_defect
    )


def test_training_never_sees_the_held_out_months(trained, fast_plant, held_out):
    log = fast_plant.shift_log.copy()
    later = ~factory.month_of(log).isin(factory.TRAIN_MONTHS)
    log.loc[later, "defect"] = ~log.loc[later, "defect"]
    log.loc[later, "melt_temp_c"] = 800.0
    tampered = factory.Plant(shift_log=log, mes=fast_plant.mes, seed=fast_plant.seed)
    again = poc.train_poc(tampered, params=trained.best_params, show_progress=False)
    # The search's model, refitted with its best parameters on the tampered plant, scores
    # exactly as the search's own fit on the untouched one: one fit, not a second on the
    # untouched plant to compare both with (4 s).
    pd.testing.assert_series_equal(
        again.risk(held_out, fast_plant.mes), trained.risk(held_out, fast_plant.mes)
    )


def test_the_leak_inflates_every_metric(trained, fast_plant, held_out):
    leaky = poc.train_poc(
        fast_plant, with_leak=True, params=trained.best_params, show_progress=False
    )
    assert "rework minutes" in leaky.feature_groups
    window = baselines.routing_window(fast_plant.shift_log)
    metrics = {}
    for name, model in (("honest", trained), ("leaky", leaky)):
        risk = model.risk(window, fast_plant.mes)
        flags = poc.decision_flags(window, risk).reindex(held_out.index)
        metrics[name] = poc.offline_metrics(held_out, risk, flags)
    honest, inflated = metrics["honest"], metrics["leaky"]
    assert inflated.roc_auc > honest.roc_auc + 0.15
    assert inflated.recall_at_capacity > 2 * honest.recall_at_capacity


def test_size_and_scoring_time(trained, fast_plant):
    assert poc.model_size_bytes(trained) > 100_000
    parts = poc.replicated_parts(fast_plant, n_parts=5_000)
    assert len(parts) == 5_000 and parts.index.is_unique
    assert poc.time_scoring(trained, parts, batch_size=2_000) > 0


def test_the_benchmark_is_registered():
    assert callable(poc.BENCHMARKS["poc"])
