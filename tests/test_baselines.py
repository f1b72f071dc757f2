"""The baselines a competent data scientist tries first, and the panel that ranks them."""

import numpy as np
import pandas as pd
import pytest

from pocmvp.case import baselines, factory, poc


@pytest.fixture(scope="module")
def fitted(fast_plant):
    return baselines.train_baselines(fast_plant)


def test_four_baselines_on_the_same_feature_table(fitted):
    assert len(fitted) == 4
    for baseline in fitted.values():
        columns = baseline.pipeline[0].transformers[0][2]
        assert set(poc.SHIFT_LOG_NUMERIC) <= set(columns)
        has_mes = set(poc.MES_NUMERIC) <= set(columns)
        assert has_mes == (baseline.data == baselines.WITH_MES)


def test_gradient_boosting_is_at_its_defaults():
    model = baselines.make_baseline(baselines.BOOSTING, baselines.SHIFT_LOG)[-1]
    defaults = type(model)().get_params()
    changed = {k: v for k, v in model.get_params().items() if defaults[k] != v}
    assert changed == {"random_state": factory.DEFAULT_SEED}


def test_baselines_learn_only_on_the_pocs_learning_months(fast_plant, fitted):
    log = fast_plant.shift_log.copy()
    later = ~factory.month_of(log).isin(poc.FIT_MONTHS)
    log.loc[later, "defect"] = ~log.loc[later, "defect"]
    tampered = factory.Plant(shift_log=log, mes=fast_plant.mes, seed=fast_plant.seed)
    again = baselines.train_baselines(tampered)
    held_out = factory.in_months(fast_plant.shift_log, factory.HELD_OUT_MONTHS)
    for name, baseline in fitted.items():
        pd.testing.assert_series_equal(
            baseline.risk(held_out, fast_plant.mes), again[name].risk(held_out, fast_plant.mes)
        )


def test_panel_routes_every_option_with_the_same_tests(fast_plant, fitted):
    window = baselines.routing_window(fast_plant.shift_log)
    risks = {name: b.risk(window, fast_plant.mes) for name, b in fitted.items()}
    rng = np.random.default_rng(0)
    risks["noise"] = pd.Series(rng.random(len(window)), index=window.index)
    table = baselines.panel(fast_plant, risks)
    assert table["tested"].nunique() == 1, "every option spends the same tests"
    assert table.loc[baselines.TODAY_NAME, "reduction"] == 0
    assert abs(table.loc["noise", "reduction"]) < 0.08, "a random score is about today"
    assert table["reduction"].is_monotonic_decreasing
    best = table.drop(index=[baselines.TODAY_NAME, "noise"])["reduction"].max()
    assert baselines.margin_over_baselines(table, "noise") == pytest.approx(
        table.loc["noise", "reduction"] - best
    )


def test_gain_curve_of_a_perfect_score(fast_plant):
    held_out = factory.in_months(fast_plant.shift_log, factory.HELD_OUT_MONTHS)
    perfect = held_out["defect"].astype(float)
    curve = baselines.gain_curve(held_out, perfect)
    rate = held_out["defect"].mean()
    assert baselines.share_caught_at(curve, rate / 2) == pytest.approx(0.5, abs=0.02)
    assert baselines.share_caught_at(curve, 0.2) == 1.0
    assert curve["share_caught"].is_monotonic_increasing
