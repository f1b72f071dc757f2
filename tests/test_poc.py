import numpy as np
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


# --- joining and features ------------------------------------------------------------


def test_join_keeps_the_shift_logs_rows_and_order(fast_plant):
    part = fast_plant.shift_log.iloc[::-7]
    joined = poc.join_mes(part, fast_plant.mes)
    assert joined.index.equals(part.index)
    assert joined["part_id"].equals(part["part_id"])
    expected = fast_plant.mes.set_index("part_id").loc[part["part_id"], "mes_vacuum_mbar"]
    assert np.array_equal(joined["mes_vacuum_mbar"].to_numpy(), expected.to_numpy())


def test_join_refuses_duplicated_mes_records_and_leaves_unknown_parts_empty(fast_plant):
    twice = pd.concat([fast_plant.mes, fast_plant.mes.iloc[:1]])
    with pytest.raises(ValueError, match="more than once"):
        poc.join_mes(fast_plant.shift_log, twice)
    joined = poc.join_mes(fast_plant.shift_log, fast_plant.mes.iloc[1:])
    assert joined.loc[joined.index[0], list(poc.MES_NUMERIC)].isna().all()
    assert joined[list(poc.MES_NUMERIC)].iloc[1:].notna().all().all()


def test_features_are_complete_numeric_and_grouped(fast_plant):
    joined = poc.join_mes(fast_plant.shift_log, fast_plant.mes)
    builder = poc.FeatureBuilder().fit(joined)
    features = builder.transform(joined)
    assert features.notna().all().all()
    assert list(features.columns) == builder.feature_names_
    assert sum(len(v) for v in builder.feature_groups_.values()) == features.shape[1]
    added_later = {"anomaly score", poc.LEAK_GROUP}
    assert set(builder.feature_groups_) == set(poc.FEATURE_GROUPS) - added_later
    for column, values in poc.CATEGORIES.items():
        one_hot = features[[f"{column}={v}" for v in values]]
        assert (one_hot.sum(axis=1) == 1).all(), column
    assert factory.LEAKING_FIELD not in features
    leaky = poc.FeatureBuilder(with_leak=True).fit(joined).transform(joined)
    assert factory.LEAKING_FIELD in leaky


def test_missing_readings_are_filled_and_flagged(fast_plant):
    joined = poc.join_mes(fast_plant.shift_log, fast_plant.mes)
    features = poc.FeatureBuilder().fit(joined).transform(joined)
    missing = joined["melt_temp_c"].isna()
    assert missing.any()
    assert features.loc[missing, "melt_temp_c_missing"].eq(1).all()
    assert features.loc[missing, "melt_temp_c"].eq(joined["melt_temp_c"].median()).all()


def test_an_unknown_category_is_all_zeros(fast_plant):
    joined = poc.join_mes(fast_plant.shift_log.head(50), fast_plant.mes)
    builder = poc.FeatureBuilder().fit(joined)
    odd = joined.assign(cell="C9")
    features = builder.transform(odd)
    assert features[[f"cell={c}" for c in factory.CELLS]].eq(0).all().all()


def test_undersampling_keeps_every_defect_and_is_seeded(fast_plant):
    joined = poc.join_mes(fast_plant.shift_log, fast_plant.mes)
    kept = poc.undersample(joined, seed=1, keep_share=0.1)
    assert kept["defect"].sum() == joined["defect"].sum()
    good_share = (~kept["defect"]).sum() / (~joined["defect"]).sum()
    assert 0.08 < good_share < 0.12
    assert kept.index.equals(poc.undersample(joined, seed=1, keep_share=0.1).index)


# --- routing and metrics -------------------------------------------------------------


def window_of(shift_log):
    return baselines.routing_window(shift_log)


def test_decision_flags_fix_each_months_threshold_on_the_month_before(shift_log):
    window = window_of(shift_log)
    rng = np.random.default_rng(0)
    scores = pd.Series(rng.random(len(window)), index=window.index)
    flags = poc.decision_flags(window, scores)
    months = factory.month_of(window)
    first = months.min()
    assert not flags[months == first].any(), "the month before only fixes a threshold"
    for month in factory.HELD_OUT_MONTHS:
        # Uniform scores: a threshold from last month flags about the capacity share.
        assert flags[months == month].mean() == pytest.approx(0.05, abs=0.02)
    with pytest.raises(ValueError, match="scores for"):
        poc.decision_flags(window, np.zeros(3))


def test_routing_by_no_flags_reproduces_today(shift_log):
    today = status_quo.every_nth_part(shift_log)
    assert poc.routed(shift_log, None).equals(today)
    nothing = pd.Series(False, index=shift_log.index)
    result = poc.promise(shift_log, nothing)
    assert result.reduction == 0 and result.tested_with_score == result.tested_today


def test_perfect_flags_catch_every_defect_the_capacity_allows(shift_log):
    perfect = shift_log["defect"].astype(bool)
    capacity = (
        shift_log.groupby(factory.month_of(shift_log)).size().map(status_quo.ECONOMICS.capacity)
    )
    defects = shift_log.groupby(factory.month_of(shift_log))["defect"].sum()
    # Defects are a few percent, under the 5 % capacity; the pace fills idle slots early in
    # a month, so a late burst of defects may find the month's tests used: at least 90 %.
    bound = np.minimum(capacity, defects).sum() / defects.sum()
    recall = poc.recall_at_capacity(shift_log, perfect)
    assert 0.9 * bound <= recall <= bound
    metrics = poc.offline_metrics(shift_log, perfect.astype(float), perfect)
    assert metrics.roc_auc == 1 and metrics.pr_auc == 1
    assert metrics.recall_at_capacity == pytest.approx(recall)


def test_brier_of_the_base_rate_is_the_bar(shift_log):
    rate = shift_log["defect"].mean()
    constant = pd.Series(rate, index=shift_log.index)
    metrics = poc.offline_metrics(shift_log, constant, None)
    assert metrics.brier == pytest.approx(metrics.brier_of_base_rate)
    assert metrics.roc_auc == pytest.approx(0.5)


def test_reliability_table_covers_every_part_in_order(shift_log):
    rng = np.random.default_rng(1)
    risk = pd.Series(rng.random(len(shift_log)) * 0.1, index=shift_log.index)
    table = poc.reliability_table(shift_log, risk)
    assert len(table) == 10 and table["parts"].sum() == len(shift_log)
    assert table["predicted"].is_monotonic_increasing
    assert table["observed"].between(0, 1).all()


def test_the_leaking_field_stands_out_alone(shift_log):
    history = factory.in_months(shift_log, factory.TRAIN_MONTHS)
    auc = poc.single_field_auc(history)
    assert auc.index[0] == factory.LEAKING_FIELD
    assert auc.iloc[0] > 0.85 and auc.iloc[1:].max() < 0.7


def test_metrics_table_has_one_column_a_model(shift_log):
    truth = shift_log["defect"].astype(bool)
    perfect = poc.offline_metrics(shift_log, truth.astype(float), truth)
    table = poc.metrics_table({"a": perfect, "b": perfect})
    assert list(table.columns) == ["a", "b"] and "ROC-AUC" in table.index


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
    window = window_of(fast_plant.shift_log)
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
    original = poc.train_poc(fast_plant, params=trained.best_params, show_progress=False)
    pd.testing.assert_series_equal(
        again.risk(held_out, fast_plant.mes), original.risk(held_out, fast_plant.mes)
    )
    pd.testing.assert_series_equal(
        original.risk(held_out, fast_plant.mes), trained.risk(held_out, fast_plant.mes)
    )


def test_the_leak_inflates_every_metric(trained, fast_plant, held_out):
    leaky = poc.train_poc(
        fast_plant, with_leak=True, params=trained.best_params, show_progress=False
    )
    assert "rework minutes" in leaky.feature_groups
    window = window_of(fast_plant.shift_log)
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
