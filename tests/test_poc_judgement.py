"""The POC judged: routing any score, the offline metrics, the promise."""

import numpy as np
import pandas as pd
import pytest

from pocmvp.case import baselines, factory, poc, status_quo


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
