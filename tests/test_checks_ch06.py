"""Chapter 6's self-checks: right answers pass, wrong ones get a hint but not the answer."""

from pocmvp import factory, iteration, report, selfcheck
from pocmvp.checks import ch06


def test_untested_flags(log, versions):
    figures = report.month_figures(log, "2025-11", versions["v2"]).figures
    right = figures["overflow"]
    assert ch06.untested_flags(right, log).status == selfcheck.CORRECT
    wrong = ch06.untested_flags(right + 25, log)
    assert wrong.status == selfcheck.INCORRECT and "too high" in wrong.message
    assert ch06.untested_flags(..., log).status == selfcheck.NOT_ANSWERED


def test_night_threshold_needs_a_tenth_of_a_degree(log, versions):
    history = factory.in_months(log, factory.TRAIN_MONTHS)
    melt = next(c for c in versions["v1"].conditions if c.column == "melt_temp_c")
    right = melt.threshold + iteration.reading_offset(history)
    assert ch06.night_threshold(right + 0.04, log).status == selfcheck.CORRECT
    low = ch06.night_threshold(melt.threshold, log)
    assert low.status == selfcheck.INCORRECT and "too low" in low.message
    assert ch06.night_threshold("hot", log).status == selfcheck.INCORRECT


def test_value_captured_by_v2(log, versions):
    held_out = factory.in_months(log, factory.HELD_OUT_MONTHS)
    right = iteration.value_captured(held_out, versions["v2"])["value_eur"].sum()
    assert ch06.value_captured_by_v2(right, log).status == selfcheck.CORRECT
    v1_value = iteration.value_captured(held_out, versions["v1"])["value_eur"].sum()
    if v1_value != right:
        assert ch06.value_captured_by_v2(v1_value, log).status == selfcheck.INCORRECT
