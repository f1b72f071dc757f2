"""Stage 3 of the supplier-change month: preemption's model and the drift check."""

from __future__ import annotations

import pandas as pd
import pytest

from pocmvp.case import factory, risk_model
from pocmvp.case.detection import CHANGE_DATE


@pytest.fixture(scope="module")
def model(fast_december):
    """Preemption's model trained on the alarm's morning, small (30 trees) to stay quick."""
    return fast_december["fire"].model(max_iter=30)


def test_the_model_uses_decision_time_fields_only(model, fast_december):
    assert not {"rework_minutes", "defect", "defect_type", *factory.MES_COLUMNS} & set(
        model.features
    )
    assert "supplier" in model.features
    assert model.training_new_supplier_parts > 0
    assert model.trained_until < fast_december["alarm_on"]


def test_the_model_is_seeded_and_gives_probabilities(model, fast_december):
    log = fast_december["log"]
    sample = log.tail(500)
    risk = model.risk(sample)
    assert risk.index.equals(sample.index) and risk.between(0, 1).all()
    again = fast_december["fire"].model(max_iter=30).risk(sample)
    pd.testing.assert_series_equal(risk, again)


def test_weekly_flags_keep_the_model_near_the_capacity(model, fast_december):
    log = fast_december["log"]
    flags = risk_model.weekly_flags(model, log)
    assert flags.index.equals(log.index) and flags.dtype == bool
    assert 0.03 < flags.mean() < 0.07


def test_a_model_cannot_be_trained_before_any_outcome_is_known(fast_december):
    with pytest.raises(ValueError, match="too few known outcomes"):
        risk_model.train_risk_model(
            fast_december["log"], fast_december["tested"], fast_december["seen"], "2025-01-01"
        )


def test_drift_check_sees_a_new_supplier_and_a_shift_not_noise(fast_december):
    log = fast_december["log"]
    reference = factory.in_months(log, factory.HELD_OUT_MONTHS)
    same = risk_model.drift_check(reference, reference)
    assert not same["alarm"].any()
    assert same["psi"].dropna().max() < 1e-9
    warmer = reference.assign(melt_temp_c=reference["melt_temp_c"] + 15)
    moved = risk_model.drift_check(reference, warmer)
    assert moved.loc["melt_temp_c", "alarm"] and not moved.loc["die_temp_c", "alarm"]
    first_week = log[(log["cast_at"] >= CHANGE_DATE) & (log["cast_at"] < "2025-12-08")]
    december_drift = risk_model.drift_check(reference, first_week)
    assert december_drift.loc["supplier", "new_value_share"] == 1.0
    assert december_drift.loc["supplier", "alarm"]
    assert december_drift.loc["melt_temp_c", "psi"] < 0.1, "the melt itself did not move"
