"""Checks for chapter 6's exercises: ship monthly and iterate."""

from __future__ import annotations

import pandas as pd

from pocmvp import factory, iteration, report
from pocmvp.selfcheck import Feedback, check_number

LATE_MONTH = factory.HELD_OUT_MONTHS[-1]


def untested_flags(answer: object, shift_log: pd.DataFrame) -> Feedback:
    v2 = report.rule_versions(shift_log)["v2"]
    expected = report.month_figures(shift_log, LATE_MONTH, v2).figures["overflow"]
    return check_number(
        "6.1",
        answer,
        expected,
        hint=f"run report.run_report for {LATE_MONTH} with rule v2 and read the figure "
        "'overflow' (flags beyond the X-ray capacity) from the result's figures.",
    )


def night_threshold(answer: object, shift_log: pd.DataFrame) -> Feedback:
    history = factory.in_months(shift_log, factory.TRAIN_MONTHS)
    v1 = report.rule_versions(shift_log)["v1"]
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


def value_captured_by_v2(answer: object, shift_log: pd.DataFrame) -> Feedback:
    held_out = factory.in_months(shift_log, factory.HELD_OUT_MONTHS)
    v2 = report.rule_versions(shift_log)["v2"]
    expected = iteration.value_captured(held_out, v2)["value_eur"].sum()
    return check_number(
        "6.3",
        answer,
        expected,
        hint="iteration.value_captured gives the value per month of a rule on some months; "
        "add up its value_eur over the three held-out months.",
    )
