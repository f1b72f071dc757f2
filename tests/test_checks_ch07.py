"""Chapter 7's self-checks, each exercise three ways: blank (not answered), with the
solution's answer (correct), and with each misconception its check declares (that
misconception's feedback, never the expected value). The right answers are computed here a
second way (pandas on the shift log, the simulation's own runs, a closed form), not by the
call the check makes."""

import pandas as pd
import pytest
from test_exercise_feedback import three_ways

from pocmvp.case import factory, firefighting
from pocmvp.case.detection import CHANGE_DATE
from pocmvp.case.status_quo import ECONOMICS
from pocmvp.machinery import selfcheck
from pocmvp.machinery.checks import ch07

SEED = factory.DEFAULT_SEED


@pytest.fixture(scope="module")
def december(log):
    return firefighting.replay(log, SEED)


def test_7_1_weekly_days_without_the_feed(log, december):
    # Closed form: without the feed, December's returns are known on the monthly list of
    # 1 January; the weekly check judges a week (Monday to Sunday) the Monday after it ends.
    on_list = CHANGE_DATE + pd.offsets.MonthBegin(1)
    monday_after = on_list + pd.Timedelta(days=7 - on_list.weekday())
    right = float((monday_after - CHANGE_DATE).days)
    declared = three_ways(
        ch07.weekly_days_without_the_feed, right, log, SEED, tier="check", shown=[f"{right:.0f}"]
    )
    assert {"with the feed", "the list's day", "weeks, not days"} <= {
        m.name for m in declared.misconceptions
    }
    selfcheck.reset()
    late = ch07.weekly_days_without_the_feed(right + 9, log, SEED)
    assert late.status == selfcheck.INCORRECT and "too high" in late.message


def test_7_2_patch_threshold(log, december):
    # pandas: the NordAlloy parts cast before the alarm's morning, their melt readings'
    # quantile at 90 % of the capacity share.
    known = log[
        (log["supplier"] == factory.SUPPLIER_AFTER)
        & (log["cast_at"] < december.alarm_on.normalize())
    ]
    capacity = ECONOMICS.inspection_capacity_share
    right = float(known["melt_temp_c"].quantile(0.9 * capacity))
    assert (known["melt_temp_c"] < right).mean() <= capacity
    declared = three_ways(
        ch07.patch_threshold, right, log, SEED, tier="apply", shown=[f"{right:.1f}"]
    )
    assert {"the hot end", "the live rule's threshold"} == {m.name for m in declared.misconceptions}
    selfcheck.reset()
    too_warm = ch07.patch_threshold(known["melt_temp_c"].median(), log, SEED)
    assert too_warm.status == selfcheck.INCORRECT and "too high" in too_warm.message
    too_cold = ch07.patch_threshold(known["melt_temp_c"].min() - 1, log, SEED)
    assert too_cold.status == selfcheck.INCORRECT and "too low" in too_cold.message
    assert ch07.patch_threshold("cold", log, SEED).status == selfcheck.INCORRECT


def supplier_alert(day, before):
    """A model answer: the day's parts come from a supplier the week before never used."""
    return not day["supplier"].isin(set(before["supplier"])).all()


def test_7_3_same_day_alert(log):
    # The model answer is right on this data by pandas: one supplier before the change,
    # another from it.
    month = log["cast_at"].dt.strftime("%Y-%m")
    assert set(log.loc[month != factory.FIRE_MONTH, "supplier"]) == {factory.SUPPLIER_BEFORE}
    assert set(log.loc[month == factory.FIRE_MONTH, "supplier"]) == {factory.SUPPLIER_AFTER}
    declared = three_ways(ch07.same_day_alert, supplier_alert, log, tier="stretch")
    assert set(ch07.ALERT_MISTAKES) == {m.name for m in declared.misconceptions}


def test_7_3_alert_sees_only_the_columns_known_when_cast(log):
    seen = []

    def spy(day, before):
        seen.append((set(day.columns) | set(before.columns), day["cast_at"].max(), before))
        return supplier_alert(day, before)

    assert ch07.same_day_alert(spy, log).status == selfcheck.CORRECT
    for columns, last_cast, before in seen:
        assert not columns & set(ch07.AFTER_THE_FACT)
        assert before.empty or before["cast_at"].max() < last_cast.normalize()
    assert max(last for _, last, _ in seen).normalize() == CHANGE_DATE


def test_7_3_an_alert_that_fails_on_a_day_is_feedback(log):
    def broken(day, before):
        return day["no such column"].any()

    feedback = ch07.same_day_alert(broken, log)
    assert feedback.status == selfcheck.INCORRECT and "could not check it" in feedback.message
