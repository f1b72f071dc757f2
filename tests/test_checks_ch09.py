"""Chapter 9's self-checks: right answers pass, wrong ones get a hint but not the answer."""

import pytest

from pocmvp.case import bottling
from pocmvp.case.story import ch09 as story_ch09
from pocmvp.machinery import selfcheck
from pocmvp.machinery.checks import ch09


@pytest.fixture(scope="module")
def line():
    return bottling.generate_bottling(bottling.FAST_BOTTLES, seed=bottling.DEFAULT_SEED)


def test_forced_catch_rate(line):
    export = line.export()
    forced = story_ch09.fit(export, 0.05, [bottling.QA_HOLD, bottling.CAP_TORQUE])
    assert bottling.QA_HOLD in forced.rule.columns, "a named leaked column stays in the search"
    right = forced.score.catch_rate
    assert right > 0.8
    assert ch09.forced_catch_rate(round(right, 3), export).status == selfcheck.CORRECT
    honest = story_ch09.fit(export).score.catch_rate
    feedback = ch09.forced_catch_rate(honest, export)
    assert feedback.status == selfcheck.INCORRECT and feedback.misconception == "without the leak"
    assert "too low" in ch09.forced_catch_rate(honest / 2, export).message
    assert f"{right:.3}" not in feedback.message and f"{right:.1%}" not in feedback.message
    assert ch09.forced_catch_rate(..., export).status == selfcheck.NOT_ANSWERED


def test_flagged_share_at_a_bigger_capacity(line):
    export = line.export()
    right = story_ch09.fit(export, 0.08).score.flagged_share
    assert right <= 0.08
    assert ch09.flagged_share_at(round(right, 3), export).status == selfcheck.CORRECT
    feedback = ch09.flagged_share_at(0.03, export)
    assert feedback.status == selfcheck.INCORRECT and "too low" in feedback.message
    assert ch09.flagged_share_at("8 %", export).status == selfcheck.INCORRECT


def test_next_month_catch_rate(line):
    with_time = line.export(with_time=True)
    history = with_time[bottling.months(with_time) <= story_ch09.HISTORY_UNTIL]
    october = story_ch09.month_after(with_time, story_ch09.fit(history).rule, "2025-10")
    assert october.tested <= october.capacity and october.positives > 0
    assert ch09.next_month_catch_rate(october.catch_rate, with_time).status == selfcheck.CORRECT
    feedback = ch09.next_month_catch_rate(0.99, with_time)
    assert feedback.status == selfcheck.INCORRECT and "too high" in feedback.message
