import pandas as pd
import pytest

from pocmvp.case.season import measures
from pocmvp.case.season import people as staff
from pocmvp.case.season.requests import Season
from pocmvp.case.season.simulate import simulate


@pytest.fixture(scope="module")
def run():
    return simulate(staff.ONE_TEAM, Season(), seed=9)


def test_the_summary_adds_up(run):
    s = measures.summarise(run)
    assert s["fires"] + s["fires_prevented"] == s["fire_requests"] == len(run.fires)
    assert s["recurring_fires_second_half"] <= s["recurring_fires"] <= s["fires"]
    assert s["loaded_person_weeks"] == (run.person_weeks["interruptions"] > 5).sum()
    assert s["loaded_share"] == pytest.approx(s["loaded_person_weeks"] / (6 * 26))
    assert s["routine_hours"] + s["other_question_hours"] == pytest.approx(
        run.questions["hours"].sum()
    )
    assert s["reluctant_on_call_weeks"] == s["most_on_call_weeks"] == 0, "nobody on call"


def test_the_load_measure_counts_weeks_over_the_threshold(run):
    weeks = run.person_weeks.copy()
    weeks["interruptions"] = 0
    weeks.loc[:2, "interruptions"] = [5, 6, 12]
    changed = measures.Run(**{**run.__dict__, "person_weeks": weeks})
    assert measures.summarise(changed)["loaded_person_weeks"] == 2


def test_the_unenjoyed_share_reads_preferences(run):
    weeks = run.person_weeks.copy()
    weeks["interrupt_hours"], weeks["long_term_hours"] = 30.0, 5.0
    weeks["enjoys_interrupts"] = weeks["person"] < 3
    changed = measures.Run(**{**run.__dict__, "person_weeks": weeks})
    assert measures.summarise(changed)["unenjoyed_share"] == pytest.approx(0.5)


def test_weekly_recurring_fires_add_up_to_the_season():
    runs = measures.loop_runs(Season(), seed=2)
    weekly = measures.weekly_recurring(runs)
    table = measures.table(runs)
    assert list(weekly.index) == list(range(26))
    pd.testing.assert_series_equal(
        weekly.drop(columns=measures.NOTHING_FIXED).sum(),
        table["recurring_fires"],
        check_names=False,
        check_dtype=False,
    )
    would_be = weekly[measures.NOTHING_FIXED]
    assert would_be.sum() == runs[staff.ONE_TEAM].fires["recurring"].sum()
    assert (weekly.drop(columns=measures.NOTHING_FIXED).le(would_be, axis=0)).all().all()
    quarters = measures.quarter_means(weekly)
    assert list(quarters.columns) == ["first quarter", "last quarter"]


def test_team_sizes_is_one_tidy_table():
    sizes = measures.team_sizes(seed=1, weeks=4, sizes=(3, 6))
    assert sizes.index.names == ["people", "design"]
    assert len(sizes) == 2 * len(staff.DESIGNS)
    assert sizes.loc[(3, staff.THREE_GROUPS), "two_hats"]
    assert not sizes.loc[(6, staff.THREE_GROUPS), "two_hats"]
    assert not sizes.loc[(3, staff.ONE_TEAM), "two_hats"]
