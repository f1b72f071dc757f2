"""Chapter 6's self-checks: right answers pass, wrong ones get a hint but not the answer."""

from pocmvp.case import factory, iteration, report
from pocmvp.machinery import selfcheck
from pocmvp.machinery.checks import ch06

SEED = factory.DEFAULT_SEED


def test_returns_so_far(log, versions):
    figures = report.month_figures(log, "2025-11", versions["v1"], seed=SEED).figures
    right = figures["shipped_so_far"]
    assert ch06.returns_so_far(right, log, SEED).status == selfcheck.CORRECT
    wrong = ch06.returns_so_far(right + 25, log, SEED)
    assert wrong.status == selfcheck.INCORRECT and "too high" in wrong.message
    assert str(right) not in wrong.message
    assert ch06.returns_so_far(..., log, SEED).status == selfcheck.NOT_ANSWERED


def test_night_threshold_needs_a_tenth_of_a_degree(log, versions):
    history = factory.in_months(log, factory.TRAIN_MONTHS)
    melt = next(c for c in versions["v1"].conditions if c.column == "melt_temp_c")
    right = melt.threshold + iteration.reading_offset(history)
    assert ch06.night_threshold(right + 0.04, log).status == selfcheck.CORRECT
    low = ch06.night_threshold(melt.threshold, log)
    assert low.status == selfcheck.INCORRECT and "too low" in low.message
    assert ch06.night_threshold("hot", log).status == selfcheck.INCORRECT


def test_value_captured_by_v2_on_the_months_final_when_it_went_live(log, versions):
    months = ch06.final_months_on_v2_day(log, SEED)
    assert months == ("2025-09", "2025-10")
    judged = factory.in_months(log, months)
    right = iteration.value_captured(judged, versions["v2"])["value_eur"].sum()
    assert ch06.value_captured_by_v2(right, log, SEED).status == selfcheck.CORRECT
    held_out = factory.in_months(log, factory.HELD_OUT_MONTHS)
    all_three = iteration.value_captured(held_out, versions["v2"])["value_eur"].sum()
    if all_three != right:
        assert ch06.value_captured_by_v2(all_three, log, SEED).status == selfcheck.INCORRECT
