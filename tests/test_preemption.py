"""Preemption judged over the long term: the patch and the durable fix on the same months."""

from __future__ import annotations

import pandas as pd
import pytest

from pocmvp.case import factory, factory_after, firefighting, preemption
from pocmvp.case.status_quo import ECONOMICS


@pytest.fixture(scope="module")
def long_term(fast_plant):
    december = firefighting.replay(fast_plant.shift_log, fast_plant.seed)
    return preemption.long_term(fast_plant, december, max_iter=20)


def test_both_worlds_share_the_parts_capacity_and_routing(long_term):
    table = long_term.judged()
    assert table["parts"].nunique() == 1 and table["defects"].nunique() == 1
    assert table["tested"].nunique() == 1, "the same X-ray capacity, all of it spent"
    assert (table["caught"] + table["shipped_defects"] == table["defects"]).all()
    month = factory.month_of(long_term.shift_log)
    scope = month >= factory.FIRE_MONTH
    capacity = month[scope].value_counts().map(ECONOMICS.capacity).sort_index()
    for world in long_term.worlds:
        assert world.tested[scope].groupby(month[scope]).sum().sort_index().equals(capacity)
        assert not world.tested[~scope].any(), "months before the fire are never re-routed"


def test_the_worlds_differ_only_from_the_durable_fix_on(long_term):
    cast = long_term.shift_log["cast_at"]
    before = cast < preemption.DURABLE_LIVE_FROM
    assert long_term.patch.flags[before].equals(long_term.durable.flags[before])
    assert not long_term.patch.flags[~before].equals(long_term.durable.flags[~before])
    assert long_term.durable.fixes >= len(factory_after.MONTHS), "at least one retraining a month"


def test_the_durable_fix_fills_the_capacity_weekly(long_term):
    cast = long_term.shift_log["cast_at"]
    live = cast >= preemption.DURABLE_LIVE_FROM
    share = long_term.durable.flags[live].mean()
    assert share == pytest.approx(0.05, abs=0.02)


def test_fires_are_alarms_after_the_patch_day_and_cost_declared_hours(long_term):
    for world in long_term.worlds:
        assert all(fire > long_term.since for fire in world.fires)
        assert list(world.fires) == sorted(world.fires)
        assert world.rapid_response_hours == len(world.fires) * preemption.FIRE_HOURS
    hours = long_term.judged()["rapid_response_hours"]
    assert long_term.hours_saved() == hours[preemption.PATCH] - hours[preemption.DURABLE]


def test_shipped_defects_add_up_by_month(long_term):
    monthly = long_term.monthly()
    table = long_term.judged()
    assert monthly.sum().to_dict() == table["shipped_defects"].to_dict()
    share = (
        1
        - table.loc[preemption.DURABLE, "shipped_defects"]
        / table.loc[preemption.PATCH, "shipped_defects"]
    )
    assert long_term.fewer_shipped_share() == pytest.approx(share)
    later = long_term.judged(factory_after.NEXT_CHANGE_DATE)
    assert (later["parts"] < table["parts"]).all()


def test_first_alarm_sees_a_fall_and_ignores_weeks_before_after(long_term):
    log, seen = long_term.shift_log, long_term.seen
    nothing = pd.Series(False, index=log.index)
    everything = pd.Series(True, index=log.index)  # every part tested: nothing shipped
    assert preemption.first_alarm(log, everything, seen, 0.2, long_term.since) is None
    alarm = preemption.first_alarm(log, nothing, seen, 0.2, long_term.since)
    assert alarm is not None and alarm > long_term.since + pd.Timedelta(days=6)


def test_a_refitted_patch_reads_only_what_was_known(long_term):
    log, seen = long_term.shift_log, long_term.seen
    tested = long_term.patch.tested
    on = factory_after.NEXT_CHANGE_DATE + pd.Timedelta(days=21)
    patch = preemption.refit_patch(log, tested, seen, on, factory_after.NEXT_SUPPLIER)
    assert patch.conditions
    with pytest.raises(ValueError, match="nothing to refit"):
        preemption.refit_patch(log, tested, seen, factory_after.NEXT_CHANGE_DATE, "Castella")


def test_the_weekly_threshold_flags_the_capacity_share_of_the_last_four_weeks(long_term):
    log = long_term.shift_log
    cast = log["cast_at"]
    monday = pd.Timestamp("2026-03-02")
    recent = (cast >= monday - pd.Timedelta(days=preemption.THRESHOLD_DAYS)) & (cast < monday)
    past = cast < monday - pd.Timedelta(days=7)
    model = firefighting.train_risk_model(
        log[past],
        long_term.durable.tested[past],
        long_term.seen.for_parts(log.index[past]),
        monday,
        max_iter=20,
    )
    flags = preemption._weekly_flags(model, log, monday, recent, ECONOMICS)
    assert flags.sum() <= ECONOMICS.capacity(int(recent.sum()))
    assert flags.sum() >= ECONOMICS.capacity(int(recent.sum())) - 5  # ties at most


def test_the_durable_fix_flags_no_more_than_the_capacity_after_its_first_month(long_term):
    cast = long_term.shift_log["cast_at"]
    month = factory.month_of(long_term.shift_log)
    live = cast >= factory_after.REOPENS + pd.Timedelta(days=preemption.THRESHOLD_DAYS)
    share = long_term.durable.flags[live].groupby(month[live]).mean()
    assert (share <= ECONOMICS.inspection_capacity_share + 0.01).all(), share.to_dict()
