"""Checks for chapter 9's exercises: the toolkit on your own data (the bottling table)."""

from __future__ import annotations

import pandas as pd

from pocmvp.case import bottling
from pocmvp.case.story import ch09 as story_ch09
from pocmvp.machinery.selfcheck import Feedback, check_number

FORCED_COLUMNS = (bottling.QA_HOLD, bottling.CAP_TORQUE)
BIGGER_LAB = 0.08
NEXT_MONTH = "2025-10"


def forced_catch_rate(answer: object, export: pd.DataFrame) -> Feedback:
    """The catch rate the command prints when ``--columns`` names the leaked QA hold."""
    forced = story_ch09.fit(export, story_ch09.CAPACITY, list(FORCED_COLUMNS))
    return check_number(
        "9.1",
        answer,
        forced.score.catch_rate,
        hint='run pocmvp rule on seal_tests.csv with --columns "QA hold (h),Cap torque [N·m]" '
        "(comma-separated, in quotes) and read the catch rate on its second line; give it as "
        "a share (12.3 % is 0.123).",
    )


def flagged_share_at(answer: object, export: pd.DataFrame) -> Feedback:
    """The share of bottles the rule found at an 8 % capacity flags."""
    bigger = story_ch09.fit(export, BIGGER_LAB)
    return check_number(
        "9.2",
        answer,
        bigger.score.flagged_share,
        rel_tol=0.02,
        hint="run pocmvp rule with --capacity 0.08 and read 'share flagged' on its second "
        "line, as a share; the rule never flags more than the capacity, and rarely exactly it.",
    )


def next_month_catch_rate(answer: object, with_time: pd.DataFrame) -> Feedback:
    """The share of October's failed seals the lab's tests catch with the history's rule."""
    history = with_time[bottling.months(with_time) <= story_ch09.HISTORY_UNTIL]
    chosen = story_ch09.fit(history).rule
    october = story_ch09.month_after(with_time, chosen, NEXT_MONTH)
    return check_number(
        "9.3",
        answer,
        october.catch_rate,
        hint="load the rule file the command wrote with --history-until 2025-08 "
        "(rulefile.load) and pass its rule and the month '2025-10' to story_ch09.month_after "
        "with the table that has the time column; its catch_rate counts only the bottles the "
        "lab can test.",
    )
