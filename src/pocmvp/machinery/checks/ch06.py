"""Checks for chapter 6's exercises: ship monthly and iterate."""

from __future__ import annotations

import pandas as pd

from pocmvp.case import factory, iteration, report, returns
from pocmvp.machinery.selfcheck import Feedback, check_number

LATE_MONTH = factory.HELD_OUT_MONTHS[-1]
V2_LIVE_FROM = iteration.RELEASES[1].live_from


def returns_so_far(answer: object, shift_log: pd.DataFrame, seed: int) -> Feedback:
    v1 = iteration.rule_versions(shift_log)["v1"]
    figures = report.month_figures(shift_log, LATE_MONTH, v1, seed=seed).figures
    return check_number(
        "6.1",
        answer,
        figures["shipped_so_far"],
        rel_tol=0.0,
        abs_tol=0.5,
        hint=f"run report.run_report for {LATE_MONTH} with rule v1 (the rule in force) and "
        "seed=seed, and read the figure 'shipped_so_far' from the result's figures: the "
        "shipped defects whose returns were booked by the report's morning.",
    )


def night_threshold(answer: object, shift_log: pd.DataFrame) -> Feedback:
    history = factory.in_months(shift_log, factory.TRAIN_MONTHS)
    v1 = iteration.rule_versions(shift_log)["v1"]
    melt = next(c for c in v1.conditions if c.column == "melt_temp_c")
    expected = melt.threshold + iteration.reading_offset(history)
    return check_number(
        "6.2",
        answer,
        expected,
        rel_tol=0.0,
        abs_tol=0.05,
        hint="on the history, take the median melt reading of the night shift minus the "
        "median of the other shifts, and add it to v1's melt threshold.",
    )


def final_months_on_v2_day(shift_log: pd.DataFrame, seed: int) -> tuple[str, ...]:
    """The live months whose returns were all in when v2 went live."""
    seen = returns.returns_of(shift_log, seed)
    return returns.final_months(shift_log, seen, V2_LIVE_FROM, factory.HELD_OUT_MONTHS)


def value_captured_by_v2(answer: object, shift_log: pd.DataFrame, seed: int) -> Feedback:
    months = final_months_on_v2_day(shift_log, seed)
    v2 = iteration.rule_versions(shift_log)["v2"]
    expected = iteration.value_captured(factory.in_months(shift_log, months), v2)["value_eur"]
    return check_number(
        "6.3",
        answer,
        expected.sum(),
        hint="returns.final_months gives the live months whose returns were all in on "
        "1 December; iteration.value_captured gives a rule's value per month on some "
        "months: add up v2's value_eur over those months.",
    )
