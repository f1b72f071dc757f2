"""The months after the year: the year untouched, the next supplier, returns that continue."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from pocmvp.case import factory, factory_after, returns


@pytest.fixture(scope="module")
def after(fast_plant):
    return factory_after.generate_after_the_year(fast_plant)


def _digest(frame: pd.DataFrame) -> str:
    return hashlib.sha256(
        pd.util.hash_pandas_object(frame, index=True).values.tobytes()
    ).hexdigest()


def test_generating_the_months_after_leaves_the_year_as_it_was(fast_plant, after):
    again = factory.generate_plant(factory.FAST_PARTS, seed=factory.DEFAULT_SEED)
    assert _digest(again.shift_log) == _digest(fast_plant.shift_log)
    assert _digest(again.mes) == _digest(fast_plant.mes)
    assert fast_plant.shift_log["cast_at"].max() < factory_after.REOPENS


def test_the_months_after_continue_the_year(fast_plant, after):
    year, later = fast_plant.shift_log, after.shift_log
    assert later.index[0] == len(year) and later.index.is_unique
    assert later["cast_at"].min() >= factory_after.REOPENS
    assert set(factory.month_of(later)) == set(factory_after.MONTHS)
    sunday = later["cast_at"].dt.day_of_week == 6  # only Saturday's night shift runs into it
    assert (later.loc[sunday, "shift"] == "night").all()
    assert (later.loc[sunday, "cast_at"].dt.hour < 6).all()
    assert not set(later["part_id"]) & set(year["part_id"])
    per_day = len(later) / later["cast_at"].dt.normalize().nunique()
    assert per_day == pytest.approx(len(year) / year["cast_at"].dt.normalize().nunique(), rel=0.1)
    factory.validate_shift_log(later, require_truth=True)
    again = factory_after.generate_after_the_year(fast_plant)
    assert _digest(again.shift_log) == _digest(later), "seeded: the same months every run"


def test_the_next_supplier_misruns_on_a_cool_die(after):
    later = after.shift_log
    nord = later[later["supplier"] == factory.SUPPLIER_AFTER]
    next_ = later[later["supplier"] == factory_after.NEXT_SUPPLIER]
    assert nord["cast_at"].max() < factory_after.NEXT_CHANGE_DATE <= next_["cast_at"].min()
    assert next_["alloy_lot"].str.startswith("C26-").all()
    cool = next_["die_temp_c"] < factory.NEXT_DIE_AT - 5
    assert next_.loc[cool, "defect"].mean() > 2 * next_.loc[~cool, "defect"].mean()
    cold = nord["melt_temp_c"] < 675
    assert nord.loc[cold, "defect"].mean() > next_.loc[next_["melt_temp_c"] < 675, "defect"].mean()


def test_the_year_keeps_its_returns(fast_plant, after):
    log = factory_after.with_the_year_after(fast_plant, after)
    seen = factory_after.returns_after(log, fast_plant.shift_log, fast_plant.seed)
    year = returns.returns_of(fast_plant.shift_log, fast_plant.seed)
    assert seen.delay_days.loc[year.delay_days.index].equals(year.delay_days)
    later = seen.delay_days.loc[after.shift_log.index]
    assert set(np.unique(later)) <= set(returns.CUSTOMER_DELAY.days)
    assert seen.cast_at.equals(log["cast_at"])


def test_the_rows_cast_between_two_times_are_the_masks_rows(fast_plant, after):
    log = factory_after.with_the_year_after(fast_plant, after)
    cast, order = log["cast_at"], factory_after.CastingOrder(log)
    for start, end in [
        ("2025-12-01", "2026-01-01"),
        ("2025-12-24 13:00", "2026-01-06"),  # across the shutdown
        ("2026-06-20", "2030-01-01"),
        ("2020-01-01", "2025-01-02"),
    ]:
        rows = order.rows(pd.Timestamp(start), pd.Timestamp(end))
        mask = (cast >= start) & (cast < end)
        assert log.iloc[rows].index.equals(log.index[mask])
    assert log.iloc[order.rows(pd.Timestamp("2026-01-01"))].index.equals(
        log.index[cast >= "2026-01-01"]
    )
    with pytest.raises(ValueError, match="casting order"):
        factory_after.CastingOrder(log.iloc[::-1])
    with pytest.raises(ValueError, match="casting order"):
        factory_after.CastingOrder(log.assign(cast_at=cast.where(cast.index != 5)))
