"""Checks for chapter 7's exercises: when fires start."""

from __future__ import annotations

import pandas as pd

from pocmvp import fire, firefighting, rule
from pocmvp.selfcheck import Feedback, check_choice, check_number
from pocmvp.status_quo import ECONOMICS


def _tested(shift_log: pd.DataFrame) -> pd.Series:
    live = firefighting.rule_in_force(shift_log)
    return rule.within_capacity(shift_log, live.flag(shift_log))


def weekly_days_with_slow_returns(
    answer: object, shift_log: pd.DataFrame, return_delay_days: int = 14
) -> Feedback:
    expected = firefighting.days_to_notice(
        shift_log, _tested(shift_log), "weekly check", return_delay_days
    )
    return check_number(
        "7.1",
        answer,
        expected,
        rel_tol=0.0,
        abs_tol=0.5,
        hint="pass return_delays=(14,) to firefighting.detection_times (or call "
        "firefighting.days_to_notice) with the parts the live rule sent to the X-ray test, "
        "and read the weekly check's days_to_notice.",
    )


_PATCH_HINT = (
    "flag firefighting.new_supplier_outcomes(shift_log, firefighting.patch_day()) with "
    "Rule.of(('melt_temp_c', '<', T)) for a few values of T and look at the share flagged: "
    "it must not exceed the capacity share, and should use at least 80 % of it."
)


def patch_threshold(answer: object, shift_log: pd.DataFrame) -> Feedback:
    """Right when ``melt_temp_c < answer`` flags between 80 % and 100 % of the capacity share
    of the NordAlloy parts known on the patch day. The feedback's direction (too high / too
    low) is that of the share flagged, which grows with the threshold."""
    capacity = ECONOMICS.inspection_capacity_share
    target, tolerance = 0.9 * capacity, 0.1 / 0.9 + 1e-9
    if answer is Ellipsis or answer is None:
        return check_number("7.2", answer, target, hint=_PATCH_HINT)
    try:
        threshold = float(answer)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return check_number("7.2", answer, target, hint=_PATCH_HINT)
    parts = firefighting.new_supplier_outcomes(shift_log, firefighting.patch_day())
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
