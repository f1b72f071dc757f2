import numpy as np
import pandas as pd
import pytest

from pocmvp.case.season import measures
from pocmvp.case.season import people as staff
from pocmvp.case.season.requests import Season, scaled_for
from pocmvp.case.season.simulate import simulate


@pytest.fixture(scope="module")
def runs():
    return {d: simulate(d, Season(), seed=5) for d in staff.DESIGNS}


def test_same_seed_same_season(runs):
    again = simulate(staff.ROTATION, Season(), seed=5)
    pd.testing.assert_frame_equal(again.fires, runs[staff.ROTATION].fires)
    pd.testing.assert_frame_equal(again.person_weeks, runs[staff.ROTATION].person_weeks)
    assert again.long_term_hours == runs[staff.ROTATION].long_term_hours


def test_every_design_faces_the_same_request_stream(runs):
    first = runs[staff.ONE_TEAM]
    for run in runs.values():
        for column in ("arrived_h", "cause", "recurring"):
            pd.testing.assert_series_equal(run.fires[column], first.fires[column])
        pd.testing.assert_series_equal(run.questions["kind"], first.questions["kind"])


def test_every_started_fire_is_put_out_and_every_question_answered(runs):
    for run in runs.values():
        started = run.fires[run.fires["started"]]
        assert (started["out_after_h"] > 0).all()
        assert (run.fires.loc[~run.fires["started"], "hours"] == 0).all()
        assert (run.questions["hours"] > 0).all()


def test_prevented_fires_are_fires_of_fixed_causes_only(runs):
    run = runs[staff.THREE_GROUPS]
    fixed = set(run.shipped.loc[run.shipped["kind"] == "fix", "name"])
    prevented = run.fires[~run.fires["started"]]
    assert set(prevented["cause"]) <= fixed


def test_the_loop_lowers_recurring_fires_on_most_seeds():
    better = []
    for seed in range(1, 9):
        table = measures.table(measures.loop_runs(Season(), seed))
        second = table["recurring_fires_second_half"]
        better.append(second.iloc[0] < second.iloc[1])
    assert np.mean(better) >= 0.75, better


def test_the_water_line_cuts_routine_hours_by_its_share_and_leaves_fires_alone():
    for seed in (1, 2):
        table = measures.water_line(seed, designs=(staff.ONE_TEAM, staff.THREE_GROUPS))
        for design in (staff.ONE_TEAM, staff.THREE_GROUPS):
            off, on = table.loc[(design, False)], table.loc[(design, True)]
            share = Season().water_line_share
            assert on["routine_hours"] / off["routine_hours"] == pytest.approx(1 - share, abs=0.1)
            assert on["fire_hours"] / off["fire_hours"] == pytest.approx(1, abs=0.1)
            assert on["other_question_hours"] == pytest.approx(off["other_question_hours"], rel=0.1)


def test_without_the_water_line_nothing_is_answered_by_it(runs):
    assert not runs[staff.ONE_TEAM].questions["by_water_line"].any()
    everything = Season(water_line_share=1.0)
    run = simulate(staff.THREE_GROUPS, everything, seed=5, water_line=True)
    routine = run.questions["routine"]
    assert run.questions.loc[routine, "by_water_line"].all()
    assert (run.questions.loc[routine, "hours"] == 0).all()


def test_only_the_two_hatted_seat_interrupts_long_term_work_in_groups():
    big = simulate(staff.THREE_GROUPS, scaled_for(15), seed=3).person_weeks
    assert (big["interruptions"] == 0).all()
    small = simulate(staff.THREE_GROUPS, scaled_for(3), seed=3).person_weeks
    assert set(small.loc[small["interruptions"] > 0, "role"]) == {staff.RAPID}


def test_a_season_runs_well_under_a_second():
    import time

    start = time.perf_counter()
    simulate(staff.THREE_GROUPS, Season(), seed=1)
    assert time.perf_counter() - start < 1.0
