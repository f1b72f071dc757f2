"""Checks for chapter 1's exercises: the business problem."""

from __future__ import annotations

import pandas as pd

from pocmvp.case import factory, status_quo
from pocmvp.machinery.selfcheck import Feedback, check_choice, check_number


def night_defect_rate(answer: object, shift_log: pd.DataFrame) -> Feedback:
    history = factory.in_months(shift_log, factory.TRAIN_MONTHS)
    expected = history.loc[history["shift"] == "night", "defect"].mean()
    return check_number(
        "1.1",
        answer,
        expected,
        hint="filter the history to the night shift, then take the mean of a boolean column.",
    )


def worst_cell(answer: object, shift_log: pd.DataFrame) -> Feedback:
    history = factory.in_months(shift_log, factory.TRAIN_MONTHS)
    expected = history.groupby("cell")["defect"].mean().idxmax()
    return check_choice(
        "1.2",
        answer,
        expected,
        options=factory.CELLS,
        hint="group by cell, take each cell's defect rate, and pick the largest.",
    )


def yearly_cost_at(answer: object, shift_log: pd.DataFrame, cost_per_return: float) -> Feedback:
    history = factory.in_months(shift_log, factory.TRAIN_MONTHS)
    economics = status_quo.PlantEconomics(cost_per_shipped_defect=cost_per_return)
    expected = status_quo.baseline(history, economics).cost_per_year
    return check_number(
        "1.3",
        answer,
        expected,
        hint="build a PlantEconomics with the new cost and pass it to status_quo.baseline.",
    )
