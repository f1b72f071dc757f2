"""Chapter 6's exercises three ways: blank (not answered), with a right answer computed here
a second way (the routing and the returns by hand, or pandas on the shift log; not the
report call the check makes), and with each misconception its check declares (that
misconception's feedback, never the answer)."""

import math

import pandas as pd
import pytest
from test_exercise_feedback import three_ways

from pocmvp.case import factory, plant_rule, returns, status_quo
from pocmvp.machinery import selfcheck
from pocmvp.machinery.checks import ch06

SEED = factory.DEFAULT_SEED


def never_shows(check, declared, value, *data):
    """No misconception's message, at any attempt, quotes the expected value."""
    selfcheck.reset()
    for mistake in declared.misconceptions:  # each a new attempt: the later carry the hints
        message = check(mistake.answer, *data).message
        for figure in selfcheck.figures_in(message):
            assert not math.isclose(figure, value, rel_tol=0.005, abs_tol=0.01), (mistake, message)


@pytest.fixture(scope="module")
def late_month(log, versions):
    """The late month by hand: its parts, the parts the X-ray tests under v1, its defects."""
    month = log[log["cast_at"].dt.strftime("%Y-%m") == ch06.LATE_MONTH]
    tested = plant_rule.within_capacity(month, versions["v1"].flag(month))
    return month, tested, month["defect"].astype(bool)


def test_6_1_returns_so_far(log, late_month):
    month, tested, defect = late_month
    seen = returns.returns_of(log, SEED).for_parts(month.index)
    booked = seen.booked_returns(tested, defect)
    morning = pd.Timestamp(f"{ch06.LATE_MONTH}-01") + pd.offsets.MonthBegin(1)
    right = int((booked <= morning).sum())
    assert right < int((defect & ~tested).sum())  # some returns were still on their way
    declared = three_ways(ch06.returns_so_far, right, log, SEED, tier="check")
    assert {"known too early", "the defects known", "the X-ray catches", "a share"} == {
        m.name for m in declared.misconceptions
    }
    never_shows(ch06.returns_so_far, declared, right, log, SEED)


def test_6_2_night_threshold(log, versions):
    history = log[log["cast_at"].dt.strftime("%Y-%m").isin(factory.TRAIN_MONTHS)]
    night = history["shift"] == "night"
    melt = history["melt_temp_c"]
    offset = melt[night].median() - melt[~night].median()
    v1_melt = next(c for c in versions["v1"].conditions if c.column == "melt_temp_c")
    right = v1_melt.threshold + offset
    assert ch06.night_threshold(right + 0.04, log).status == selfcheck.CORRECT
    declared = three_ways(ch06.night_threshold, right, log, tier="check")
    assert {"v1's threshold", "the offset alone", "subtracted"} <= {
        m.name for m in declared.misconceptions
    }
    never_shows(ch06.night_threshold, declared, right, log)
    assert ch06.night_threshold("hot", log).status == selfcheck.INCORRECT


def test_6_3_value_captured_by_v2(log, versions):
    months = ch06.final_months_on_v2_day(log, SEED)
    assert months == ("2025-09", "2025-10")
    judged = log[log["cast_at"].dt.strftime("%Y-%m").isin(months)]
    table = plant_rule.compare_with_today(judged, versions["v2"])
    price = status_quo.ECONOMICS.cost_per_shipped_defect
    right = (table["rule_caught"] - table["today_caught"]).sum() * price
    declared = three_ways(ch06.value_captured_by_v2, right, log, SEED, tier="apply")
    assert {"known too early", "a count", "the history", "a month", "every catch"} <= {
        m.name for m in declared.misconceptions
    }
    never_shows(ch06.value_captured_by_v2, declared, right, log, SEED)


def test_6_4_feedback_email(log, late_month):
    month, tested, defect = late_month
    caught = int((defect & tested).sum())
    email = (
        f"Dear quality lead, the November report is attached. The X-ray cell caught {caught} "
        "defective parts that the rule sent to it. The returns of November are still coming "
        "in, so the shipped defects are not final yet. What would you like the next report to "
        "show, and which shift should we look at first?"
    )
    declared = three_ways(ch06.feedback_email, email, log, SEED, tier="stretch")
    assert {
        "known too early",
        "the returns",
        "the defects known",
        "no question",
        "too short",
    } == {m.name for m in declared.misconceptions}
    for mistake in declared.misconceptions:
        selfcheck.reset()
        message = ch06.feedback_email(mistake.answer, log, SEED).message
        assert not any(math.isclose(f, caught) for f in selfcheck.figures_in(message))
    # An email with no figure is feedback, not a crash.
    assert ch06.feedback_email("hello? " * 40, log, SEED).status == selfcheck.INCORRECT
