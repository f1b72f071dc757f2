"""Chapter 7's self-checks: right answers pass, wrong ones get a hint but not the answer."""

import pytest

from pocmvp.case import factory, fire, firefighting, returns
from pocmvp.machinery import selfcheck
from pocmvp.machinery.checks import ch07

SEED = factory.DEFAULT_SEED


@pytest.fixture(scope="module")
def december(log):
    return firefighting.replay(log, SEED)


def test_weekly_days_without_the_feed(log, december):
    right = firefighting.days_to_notice(
        log, december.tested, december.seen, "weekly check", returns.MONTHLY_LIST
    )
    assert ch07.weekly_days_without_the_feed(right, log, SEED).status == selfcheck.CORRECT
    late = ch07.weekly_days_without_the_feed(right + 7, log, SEED)
    assert late.status == selfcheck.INCORRECT and "too high" in late.message
    assert str(int(right)) not in late.message
    blank = ch07.weekly_days_without_the_feed(..., log, SEED)
    assert blank.status == selfcheck.NOT_ANSWERED


def test_patch_threshold_must_fill_but_not_exceed_the_capacity(log, december):
    known = firefighting.new_supplier_outcomes(
        log, december.tested, december.seen, december.alarm_on
    )
    good = float(known["melt_temp_c"].quantile(0.045))
    assert ch07.patch_threshold(good, log, SEED).status == selfcheck.CORRECT
    too_warm = ch07.patch_threshold(700, log, SEED)
    assert too_warm.status == selfcheck.INCORRECT and "too high" in too_warm.message
    too_cold = ch07.patch_threshold(600, log, SEED)
    assert too_cold.status == selfcheck.INCORRECT and "too low" in too_cold.message
    assert ch07.patch_threshold("cold", log, SEED).status == selfcheck.INCORRECT
    assert ch07.patch_threshold(..., log, SEED).status == selfcheck.NOT_ANSWERED


def test_team_split_and_refocus_checks():
    nine = fire.compare_designs(seed=2026, people=9)
    gap = (
        nine.loc[fire.ONE_TEAM, "fire_response_median_h"]
        - nine.loc[fire.THREE_GROUPS, "fire_response_median_h"]
    )
    assert ch07.faster_with_nine_people(gap, 2026).status == selfcheck.CORRECT
    assert ch07.faster_with_nine_people(-gap, 2026).status == selfcheck.INCORRECT
    table = fire.compare_designs(seed=2026, season=fire.Season(refocus_hours=0.0))
    right = table["long_term_hours"].idxmax()
    wrong = next(d for d in fire.DESIGNS if d != right)
    assert ch07.more_long_term_work_without_refocus(right, 2026).status == selfcheck.CORRECT
    assert ch07.more_long_term_work_without_refocus(wrong, 2026).status == selfcheck.INCORRECT
