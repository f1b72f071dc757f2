"""Preemption judged over the long term: the patch and the durable fix on the same months."""

from __future__ import annotations

import pandas as pd
import pytest

from pocmvp.case import factory, factory_after, firefighting, preemption
from pocmvp.case.rapid_response import patch_day
from pocmvp.case.risk_model import train_risk_model
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


def test_the_weekly_threshold_spends_only_the_plan_left(long_term):
    log = long_term.shift_log
    cast = log["cast_at"]
    monday = pd.Timestamp("2026-03-09")
    past = cast < monday - pd.Timedelta(days=7)
    model = train_risk_model(
        log[past],
        long_term.durable.tested[past],
        long_term.seen.for_parts(log.index[past]),
        monday,
        max_iter=20,
    )
    week = (cast >= monday) & (cast < monday + pd.Timedelta(days=7))
    tested = long_term.durable.tested
    share = preemption.plan_left_share(log, tested, monday)
    assert 0 <= share <= ECONOMICS.inspection_capacity_share
    flags = preemption._weekly_flags(model, log, tested, monday, week, ECONOMICS)
    assert flags.index.equals(log.index[week])
    assert flags.mean() <= share + 0.03, "no more than the plan left (ties aside)"
    # Every test of the month already spent: the threshold flags nothing more this month.
    spent = tested | ((cast >= pd.Timestamp("2026-03-01")) & (cast < monday))
    assert preemption.plan_left_share(log, spent, monday) == 0
    assert not preemption._weekly_flags(model, log, spent, monday, week, ECONOMICS).any()


def test_the_model_flags_only_suppliers_it_has_learnt(long_term):
    log, durable, patch = long_term.shift_log, long_term.durable, long_term.patch
    cast = log["cast_at"]
    change = factory_after.NEXT_CHANGE_DATE
    first_days = (cast >= change) & (cast < change + pd.Timedelta(days=5))
    # Days after the next change, the model knows no Castella defect: the sheet flags them,
    # in both worlds the same (no fire has changed either sheet by then).
    assert durable.flags[first_days].equals(patch.flags[first_days])
    month = factory.month_of(log)
    assert durable.flags[month == "2026-02"].ne(patch.flags[month == "2026-02"]).any()


def test_a_fire_is_answered_with_a_patch_for_the_supplier_in_use(long_term):
    log, seen = long_term.shift_log, long_term.seen
    sheet = long_term.patch.flags
    alarm = factory_after.NEXT_CHANGE_DATE + pd.Timedelta(days=21)
    answered = preemption.answer_fire(log, long_term.patch.tested, seen, sheet, alarm)
    changed = answered.ne(sheet)
    assert changed.any()
    assert (log.loc[changed, "cast_at"] >= patch_day(alarm)).all()
    assert (log.loc[changed, "supplier"] == factory_after.NEXT_SUPPLIER).all()
    nothing_known = preemption.answer_fire(
        log, long_term.patch.tested, seen, sheet, factory_after.NEXT_CHANGE_DATE
    )
    assert nothing_known.equals(sheet), "nothing to refit on: the sheet is unchanged"


def test_the_durable_fix_leaves_no_month_end_without_tests(long_term):
    """Its flags never spend a month's plan early: every production day from January has
    an X-ray test (a day of at least half the usual parts)."""
    log = long_term.shift_log
    live = log["cast_at"] >= preemption.DURABLE_LIVE_FROM
    day = log.loc[live, "cast_at"].dt.normalize()
    parts = day.value_counts()
    busy = parts[parts >= parts.median() / 2].index
    tests = long_term.durable.tested[live].groupby(day).sum().reindex(busy)
    assert (tests > 0).all(), tests[tests == 0].index.tolist()
