"""The baselines a competent data scientist tries first, and the panel that ranks them."""

import numpy as np
import pandas as pd
import pytest

from pocmvp.case import baselines, factory, poc, poc_store


@pytest.fixture(scope="module")
def fitted(fast_plant):
    """The fast plant's eight baselines, trained by train_baselines once per test session
    (the session's store of fits: the exercises of chapter 2 read the same fits)."""
    return poc_store.fitted_baselines(factory.FAST_PARTS, fast_plant.seed)


def test_eight_baselines_on_the_same_feature_table(fitted):
    assert len(fitted) == 8
    assert {(b.model, b.data) for b in fitted.values()} == set(baselines.BASELINES)
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


def test_the_tuned_model_uses_the_stored_search(fast_plant):
    for data in (baselines.SHIFT_LOG, baselines.WITH_MES):
        model = baselines.tuned_boosting(data, seed=3)[-1]
        stored = baselines.TUNED_PARAMS[data]
        assert {k: model.get_params()[k] for k in stored} == stored
        assert model.random_state == 3 and model.early_stopping is False
    chosen = {"learning_rate": 0.2, "max_leaf_nodes": 3, "max_iter": 5}
    model = baselines.tuned_boosting(baselines.SHIFT_LOG, params=chosen)
    history = factory.in_months(fast_plant.shift_log, factory.TRAIN_MONTHS)
    model.fit(history, history["defect"])  # a plain shift log will do without the MES
    assert model[-1].n_iter_ == 5
    with pytest.raises(ValueError, match="data must be"):
        baselines.tuned_boosting("MES alone")


def test_baselines_learn_only_on_the_history_months(fast_plant, fitted):
    log = fast_plant.shift_log.copy()
    later = ~factory.month_of(log).isin(factory.TRAIN_MONTHS)
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


def test_the_margins_noise_is_a_bootstrap_over_days(fast_plant, fitted):
    window = baselines.routing_window(fast_plant.shift_log)
    risks = {name: b.risk(window, fast_plant.mes) for name, b in fitted.items()}
    tested = baselines.tested_parts(fast_plant, risks)
    by_day = baselines.shipped_by_day(fast_plant.shift_log, tested)
    table = baselines.panel(fast_plant, risks, tested=tested)
    assert by_day[baselines.TODAY_NAME].sum() == table.loc[baselines.TODAY_NAME, "shipped_defects"]
    assert (by_day.drop(columns="defects").le(by_day["defects"], axis=0)).all().all()
    poc_name = table.index[0]
    margins = baselines.margin_noise(by_day, poc_name, samples=500, seed=1)
    assert len(margins) == 500
    assert margins.equals(baselines.margin_noise(by_day, poc_name, samples=500, seed=1))
    assert 0.002 < margins.std() < 0.08, "a few hundred defects: a noise of points, not zero"
    # the best option of the panel keeps a margin of at least zero on most resamples
    assert (margins >= 0).mean() > 0.3


def test_gain_curve_of_a_perfect_score(fast_plant):
    held_out = factory.in_months(fast_plant.shift_log, factory.HELD_OUT_MONTHS)
    perfect = held_out["defect"].astype(float)
    curve = baselines.gain_curve(held_out, perfect)
    rate = held_out["defect"].mean()
    assert baselines.share_caught_at(curve, rate / 2) == pytest.approx(0.5, abs=0.02)
    assert baselines.share_caught_at(curve, 0.2) == 1.0
    assert curve["share_caught"].is_monotonic_increasing


def test_only_the_first_version_reads_the_leak():
    leaky = baselines.make_baseline(baselines.BOOSTING, baselines.WITH_MES, with_leak=True)
    assert factory.LEAKING_FIELD in leaky[0].transformers[0][2]
    honest = baselines.make_baseline(baselines.BOOSTING, baselines.WITH_MES)
    assert factory.LEAKING_FIELD not in honest[0].transformers[0][2]
    with pytest.raises(ValueError, match="leak"):
        baselines.make_baseline(baselines.FOREST, baselines.WITH_MES, with_leak=True)


def test_the_bootstrap_draws_whole_days_with_replacement():
    by_day = pd.DataFrame({"defects": [3, 0, 5, 1], "a": [1, 0, 2, 1]}, index=pd.RangeIndex(4))
    totals = baselines.resampled_days(by_day, samples=300, seed=3)
    assert list(totals.columns) == ["defects", "a"] and len(totals) == 300
    assert totals.equals(baselines.resampled_days(by_day, samples=300, seed=3))
    # Each draw is a sum of four whole days: a day's columns move together.
    for _, row in totals.iterrows():
        ways = [
            (w, x, y, z)
            for w in range(5)
            for x in range(5 - w)
            for y in range(5 - w - x)
            for z in [4 - w - x - y]
        ]
        assert any(
            row["defects"] == w * 3 + y * 5 + z and row["a"] == w + 2 * y + z for w, x, y, z in ways
        )
    # Drawn with replacement: the totals vary, around the days' own total.
    assert totals["defects"].std() > 0
    assert abs(totals["defects"].mean() - by_day["defects"].sum()) < 1.0
