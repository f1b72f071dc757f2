"""Chapter 8's self-checks, each exercise three ways: blank (not answered), with the
solution's answer (correct), and with each misconception its check declares (that
misconception's feedback, never the expected value). The right answers are computed here a
second way (pandas on the declared list, the simulation's own runs), not by the call the
check makes."""

import numpy as np
import pandas as pd
from test_exercise_feedback import three_ways

from pocmvp.case import factory, fire, upkeep
from pocmvp.machinery import selfcheck
from pocmvp.machinery.checks import ch08

SEED = factory.DEFAULT_SEED


def test_8_1_engineering_hours_saved():
    # pandas on the declared list: hours before minus hours after, summed.
    work = pd.DataFrame(
        [(a.hours_per_month_before, a.hours_per_month_after) for a in upkeep.ENGINEERING_WORK],
        columns=["before", "after"],
    )
    right = float((work["before"] - work["after"]).sum())
    declared = three_ways(
        ch08.engineering_hours_saved, right, tier="check", shown=[f"{right:.1f}", f"{right:g}"]
    )
    assert {"the hours after", "the hours before", "a year", "one automation"} == {
        m.name for m in declared.misconceptions
    }
    selfcheck.reset()
    assert "too low" in ch08.engineering_hours_saved(right / 2).message
    assert ch08.engineering_hours_saved("many").status == selfcheck.INCORRECT


def _median_hours(design, season):
    return float(np.median(fire.simulate(design, season, SEED).fire_response_hours))


def test_8_2_faster_with_nine_people():
    # The simulation run once per design, its medians taken here.
    nine = fire.Season(people=9)
    right = _median_hours(fire.ONE_TEAM, nine) - _median_hours(fire.THREE_GROUPS, nine)
    declared = three_ways(
        ch08.faster_with_nine_people, right, SEED, tier="apply", shown=[f"{right:.2f}"]
    )
    assert {"the wrong way round", "six people", "the slow fires"} == {
        m.name for m in declared.misconceptions
    }


def test_8_3_more_long_term_work_without_refocus():
    free = fire.Season(refocus_hours=0.0)
    hours = {d: fire.simulate(d, free, SEED).long_term_hours for d in fire.DESIGNS}
    top, low = max(hours.values()), min(hours.values())
    right = ch08.ABOUT_THE_SAME if top - low < 0.01 * top else max(hours, key=hours.get)
    three_ways(ch08.more_long_term_work_without_refocus, right, SEED, tier="apply", at_least=1)


def test_8_3_cannot_be_found_by_cycling():
    options = (*fire.DESIGNS, ch08.ABOUT_THE_SAME)
    results = [ch08.more_long_term_work_without_refocus(o, SEED) for o in options]
    assert sum(r.status == selfcheck.INCORRECT for r in results) == 1
    # After the one wrong pick, the check judges no other: the right one is not confirmed.
    wrong = next(i for i, r in enumerate(results) if r.status == selfcheck.INCORRECT)
    assert all(r.status == selfcheck.LOCKED for r in results[wrong + 1 :])
    assert all(r.status != selfcheck.CORRECT for r in results[wrong + 1 :])


def _start_up_hours():
    """Each design's long-term hours in a three-person season, from the simulation's runs."""
    season = fire.Season(people=ch08.START_UP_PEOPLE)
    return {d: fire.simulate(d, season, SEED).long_term_hours for d in fire.DESIGNS}


def test_8_4_three_groups_for_a_start_up():
    hours = _start_up_hours()
    best = max(hours, key=hours.get)
    other = min(hours, key=hours.get)
    note = (
        f"For three people the run favours {best}, {hours[best]:,.0f} hours of long-term "
        f"work against {hours[other]:,.0f} for {other}, yet I would argue against three "
        "fixed groups of one: a holiday empties a group, and nobody should be on call every "
        "week. Rotate the on-call hat weekly and let the other two share preemption and "
        "engineering, so only one person is interrupted at a time."
    )
    assert selfcheck.word_count(note) >= ch08.NOTE_WORDS
    declared = three_ways(ch08.three_groups_for_a_start_up, note, SEED, tier="stretch")
    assert {"six people", "the other design", "no argument"} == {
        m.name for m in declared.misconceptions
    }


def test_8_4_names_the_design_whatever_the_case_and_needs_a_figure():
    hours = _start_up_hours()
    best = max(hours, key=hours.get)
    padding = " ".join(["because"] * ch08.NOTE_WORDS)
    shouted = f"{best.upper()} does {hours[best]:,.0f} hours {padding}"
    assert ch08.three_groups_for_a_start_up(shouted, SEED).status == selfcheck.CORRECT
    selfcheck.reset()
    no_figure = ch08.three_groups_for_a_start_up(f"I like {best} {padding}", SEED)
    assert no_figure.status == selfcheck.INCORRECT and "quotes no long-term hours" in (
        no_figure.message
    )
