import numpy as np
import pandas as pd
import pytest

from pocmvp.case import factory


def test_same_seed_same_data_other_seed_other_data(fast_plant):
    again = factory.generate_plant(factory.FAST_PARTS, seed=factory.DEFAULT_SEED)
    pd.testing.assert_frame_equal(again.shift_log, fast_plant.shift_log)
    pd.testing.assert_frame_equal(again.mes, fast_plant.mes)
    other = factory.generate_plant(factory.FAST_PARTS, seed=factory.DEFAULT_SEED + 1)
    assert not other.shift_log["defect"].equals(fast_plant.shift_log["defect"])


def test_a_year_of_production_in_both_sizes(fast_plant):
    assert len(fast_plant.shift_log) == factory.FAST_PARTS
    assert fast_plant.months == [f"2025-{m:02d}" for m in range(1, 13)]
    assert factory.DEFAULT_PARTS >= 100_000
    assert factory.DEFAULT_PARTS / factory.FAST_PARTS >= 3


def test_behaves_like_plant_data(fast_plant):
    log = fast_plant.shift_log
    assert 0.01 < log["defect"].mean() < 0.05, "defects are a few percent"
    assert log["melt_temp_c"].isna().mean() > 0.01
    assert log["scrap_share_pct"].isna().mean() > 0.01
    assert log.drop(columns=["melt_temp_c", "scrap_share_pct", "defect_type"]).notna().all().all()
    assert (log["defect_type"].notna() == log["defect"]).all()
    assert log["cast_at"].is_monotonic_increasing
    assert log["part_id"].is_unique


def test_rework_leaks_the_outcome(fast_plant):
    log = fast_plant.shift_log
    rework = log.groupby("defect")["rework_minutes"].mean()
    assert rework[True] > 10 * rework[False]


def test_supplier_change_raises_defects_in_the_fire_month(fast_plant):
    log = fast_plant.shift_log
    month = factory.month_of(log)
    before = log.loc[month.isin(factory.HELD_OUT_MONTHS), "defect"].mean()
    fire = log.loc[month == factory.FIRE_MONTH]
    assert (fire["supplier"] == factory.SUPPLIER_AFTER).all()
    assert (log.loc[month != factory.FIRE_MONTH, "supplier"] == factory.SUPPLIER_BEFORE).all()
    assert fire["defect"].mean() > 1.5 * before


def test_night_readings_run_hot(fast_plant):
    log = fast_plant.shift_log
    means = log.groupby("shift")["melt_temp_c"].mean()
    assert means["night"] > means["early"] + 3


def test_calendar_is_in_order():
    months = factory.TRAIN_MONTHS + factory.HELD_OUT_MONTHS + (factory.FIRE_MONTH,)
    assert list(months) == sorted(months) and len(set(months)) == 12


def test_too_few_parts_is_refused():
    with pytest.raises(ValueError, match="n_parts"):
        factory.generate_plant(10)


def _logit(**changes):
    base = dict(
        melt=np.array([690.0]),
        die=np.array([215.0]),
        cycle=np.array([52.0]),
        shots=np.array([3_000.0]),
        wear_rate=np.array([1.0]),
        humidity=np.array([55.0]),
        scrap=np.array([22.0]),
        vacuum=np.array([70.0]),
        stuck_valve=np.array([False]),
        fill_delay=np.array([0.0]),
        after_change=np.array([False]),
        noise=np.array([0.0]),
    )
    base.update({k: np.asarray(v, dtype=float) for k, v in changes.items()})
    return factory._defect_logit(**base)


def test_the_cause_has_no_threshold_a_rule_could_find():
    melts = np.arange(670.0, 740.0, 0.1)
    logit = _logit(melt=melts)
    steps = np.diff(logit)
    # Smooth: no jump anywhere, and the slope keeps changing (a curve, not a hinge).
    assert np.abs(steps).max() < 0.05
    assert np.unique(np.round(steps, 6)).size > 100


def test_the_causes_interact():
    hot, cool = 715.0, 700.0
    humid_gap = _logit(melt=[hot], humidity=[80.0]) - _logit(melt=[cool], humidity=[80.0])
    dry_gap = _logit(melt=[hot], humidity=[35.0]) - _logit(melt=[cool], humidity=[35.0])
    assert humid_gap[0] > 1.5 * dry_gap[0], "a hot melt hurts more in a humid hall"
    cold, warm = 185.0, 205.0
    short = _logit(die=[cold], cycle=[44.0]) - _logit(die=[warm], cycle=[44.0])
    long_ = _logit(die=[cold], cycle=[60.0]) - _logit(die=[warm], cycle=[60.0])
    assert short[0] > 1.5 * long_[0], "a cold die hurts more on a short cycle"
    fast = _logit(shots=[8_000], wear_rate=[2.0]) - _logit(shots=[2_000], wear_rate=[2.0])
    slow = _logit(shots=[8_000], wear_rate=[0.5]) - _logit(shots=[2_000], wear_rate=[0.5])
    assert fast[0] > 2 * slow[0], "each mould wears at its own pace"


def test_some_defects_only_the_mes_sees(fast_plant):
    log, mes = fast_plant.shift_log, fast_plant.mes
    usual = mes.groupby(log["cell"].to_numpy())["mes_intensification_bar"].transform("median")
    dropped = (usual - mes["mes_intensification_bar"]).to_numpy() > 100
    rate_dropped = log.loc[dropped, "defect"].mean()
    rate_other = log.loc[~dropped, "defect"].mean()
    assert rate_dropped > 1.5 * rate_other, "a lost intensification pressure shows in defects"
    # The shift log cannot tell those shots apart: their readings look like everyone's.
    for column in ("melt_temp_c", "die_temp_c", "shots_since_maintenance"):
        gap = log.loc[dropped, column].mean() - log.loc[~dropped, column].mean()
        assert abs(gap) < 0.1 * log[column].std(), column
