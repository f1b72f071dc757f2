"""Checks for chapter 7's exercises: when fires start."""

from __future__ import annotations

import pandas as pd

from pocmvp.case import fire, firefighting, returns
from pocmvp.case import plant_rule as rule
from pocmvp.case.status_quo import ECONOMICS
from pocmvp.machinery.selfcheck import Feedback, check_choice, check_number


def weekly_days_without_the_feed(answer: object, shift_log: pd.DataFrame, seed: int) -> Feedback:
    december = firefighting.replay(shift_log, seed)
    expected = firefighting.days_to_notice(
        shift_log, december.tested, december.seen, "weekly check", returns.MONTHLY_LIST
    )
    return check_number(
        "7.1",
        answer,
        expected,
        rel_tol=0.0,
        abs_tol=0.5,
        hint="call firefighting.days_to_notice with the parts tested, the returns, the "
        "cadence 'weekly check' and booking=returns.MONTHLY_LIST (or read the weekly check's "
        "row for the monthly returns list in firefighting.detection_times).",
    )


_PATCH_HINT = (
    "flag the NordAlloy parts known on the alarm's morning (firefighting.new_supplier_outcomes "
    "with december.tested, december.seen and december.alarm_on) with "
    "Rule.of(('melt_temp_c', '<', T)) for a few values of T and look at the share flagged: "
    "it must not exceed the capacity share, and should use at least 80 % of it."
)


def patch_threshold(answer: object, shift_log: pd.DataFrame, seed: int) -> Feedback:
    """Right when ``melt_temp_c < answer`` flags between 80 % and 100 % of the capacity share
    of the NordAlloy parts known on the alarm's morning. The feedback's direction (too high
    / too low) is that of the share flagged, which grows with the threshold."""
    capacity = ECONOMICS.inspection_capacity_share
    target, tolerance = 0.9 * capacity, 0.1 / 0.9 + 1e-9
    if answer is Ellipsis or answer is None:
        return check_number("7.2", answer, target, hint=_PATCH_HINT)
    try:
        threshold = float(answer)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return check_number("7.2", answer, target, hint=_PATCH_HINT)
    december = firefighting.replay(shift_log, seed)
    parts = firefighting.new_supplier_outcomes(
        shift_log, december.tested, december.seen, december.alarm_on
    )
    share = float(rule.Rule.of(("melt_temp_c", "<", threshold)).flag(parts).mean())
    return check_number("7.2", share, target, rel_tol=tolerance, hint=_PATCH_HINT)


def faster_with_nine_people(answer: object, seed: int) -> Feedback:
    table = fire.compare_designs(seed=seed, people=9)
    expected = (
        table.loc[fire.ONE_TEAM, "fire_response_median_h"]
        - table.loc[fire.THREE_GROUPS, "fire_response_median_h"]
    )
    return check_number(
        "7.3",
        answer,
        expected,
        rel_tol=0.02,
        hint="run fire.compare_designs with people=9 and subtract the three groups' median "
        "hours until a fire is out from one team's (a positive number if three groups are "
        "faster).",
    )


def more_long_term_work_without_refocus(answer: object, seed: int) -> Feedback:
    table = fire.compare_designs(seed=seed, season=fire.Season(refocus_hours=0.0))
    return check_choice(
        "7.4",
        answer,
        str(table["long_term_hours"].idxmax()),
        options=fire.DESIGNS,
        hint="pass season=fire.Season(refocus_hours=0.0) to fire.compare_designs and compare "
        "the long_term_hours column.",
    )
